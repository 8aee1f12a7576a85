package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"localpost/data"
	"localpost/platforms"
)

// TestDataSummaryCountsWhatIsStored: per account the posts, published
// posts, readings and media on a real store; the folders and their sizes;
// the token found in the keyring without being shown; each network's
// revocation place.
func TestDataSummaryCountsWhatIsStored(t *testing.T) {
	a, x, m := analyticsApp(t)
	ctx := context.Background()
	const token = "tok-SECRET-value-123"
	if err := a.secrets.Set(m.SecretKey(), token); err != nil {
		t.Fatal(err)
	}
	// x: two published posts with a reading each and one follower count;
	// m: one published post, plus a draft with two images (one for x too).
	posts := []data.SeedPost{
		seed(x, "2026-11-02 10:00", map[string]float64{"impressions": 1000, "likes": 30}),
		seed(x, "2026-11-03 10:00", map[string]float64{"impressions": 500}),
		seed(m, "2026-11-03 12:00", map[string]float64{"likes": 6}),
	}
	followers := []data.AccountReading{{AccountID: x.ID, Name: "followers", At: utc("2026-11-03 12:00"), Value: 110}}
	if err := a.Store.SeedPublished(ctx, posts, followers); err != nil {
		t.Fatal(err)
	}
	img1, err := a.Store.AddMedia(ctx, writePNG(t, t.TempDir(), "one.png"))
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "two.png")
	if err := os.WriteFile(other, append(mustRead(t, writePNG(t, t.TempDir(), "x.png")), 0), 0o600); err != nil {
		t.Fatal(err)
	}
	img2, err := a.Store.AddMedia(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.CreatePost(ctx, data.Post{Text: "Harbour", Media: []data.Media{img1, img2},
		Targets: []data.Target{{AccountID: m.ID}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.CreatePost(ctx, data.Post{Text: "Harbour again", Media: []data.Media{img1},
		Targets: []data.Target{{AccountID: x.ID}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.CreatePost(ctx, data.Post{Text: "An idea for no one yet"}); err != nil {
		t.Fatal(err)
	}

	s, err := a.DataSummary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.Folder != a.DataDir() || s.Database != filepath.Join(a.DataDir(), data.DBFile) {
		t.Errorf("folder %q, database %q", s.Folder, s.Database)
	}
	if st, err := os.Stat(s.Database); err != nil || s.DatabaseSize < st.Size() {
		t.Errorf("database size %d, file %v (%v)", s.DatabaseSize, st, err)
	}
	if s.MediaFolder != filepath.Join(a.DataDir(), "media") || s.MediaFiles != 2 || s.MediaSize != img1.Size+img2.Size {
		t.Errorf("media %q: %d files, %d bytes; want 2 files, %d bytes", s.MediaFolder, s.MediaFiles, s.MediaSize, img1.Size+img2.Size)
	}
	if s.BackupsFolder != filepath.Join(a.DataDir(), "backups") || s.Keyring == "" {
		t.Errorf("backups %q, keyring %q", s.BackupsFolder, s.Keyring)
	}
	if s.Posts != 6 || s.Empty() {
		t.Errorf("posts = %d (empty %v), want 6", s.Posts, s.Empty())
	}
	if len(s.Accounts) != 2 {
		t.Fatalf("%d accounts, want 2", len(s.Accounts))
	}
	by := map[int64]AccountData{}
	for _, ad := range s.Accounts {
		by[ad.Account.ID] = ad
	}
	gx, gm := by[x.ID], by[m.ID]
	if gx.Posts != 3 || gx.Published != 2 || gx.Readings == 0 || gx.MediaFiles != 1 || gx.MediaSize != img1.Size {
		t.Errorf("x: %+v", gx)
	}
	if gm.Posts != 2 || gm.Published != 1 || gm.MediaFiles != 2 || gm.MediaSize != img1.Size+img2.Size {
		t.Errorf("mastodon: %+v", gm)
	}
	// x's readings: one per metric of each post plus the follower count,
	// and more than m's single post.
	if gx.Readings <= gm.Readings || gm.Readings == 0 {
		t.Errorf("readings x %d, mastodon %d", gx.Readings, gm.Readings)
	}
	if !gm.TokenInKeyring || gx.TokenInKeyring {
		t.Errorf("token in keyring: mastodon %v (set), x %v (not set)", gm.TokenInKeyring, gx.TokenInKeyring)
	}
	if !gm.CanRevoke {
		t.Error("Localpost revokes its access on Mastodon itself, but the summary says it cannot")
	}
	if gm.RevokeURL != "https://m.example/oauth/authorized_applications" || gm.NetworkName != "Mastodon" {
		t.Errorf("mastodon revoke %q, name %q", gm.RevokeURL, gm.NetworkName)
	}
	if gx.RevokeURL != "https://x.com/settings/connected_apps" || gx.NetworkKeeps == "" {
		t.Errorf("x revoke %q, keeps %q", gx.RevokeURL, gx.NetworkKeeps)
	}
	if strings.Contains(fmt.Sprintf("%+v", s), token) {
		t.Error("the summary holds the token")
	}
}

func TestDataSummaryOfAnEmptyFolder(t *testing.T) {
	a, err := New(Config{DataDir: t.TempDir(), Secrets: data.MemorySecrets()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	s, err := a.DataSummary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !s.Empty() || s.MediaFiles != 0 || s.MediaSize != 0 || s.DatabaseSize == 0 {
		t.Errorf("empty folder: %+v", s)
	}
}

// TestRevokePlaces: every network Localpost signs in to has a page where
// the user takes its access away, and says what it keeps.
func TestRevokePlaces(t *testing.T) {
	for _, n := range networkOrder {
		url, _ := RevokePlace(n, "https://example.social/")
		if NetworkKeeps(n) == "" {
			t.Errorf("%s: no line on what it keeps", n)
		}
		if n == platforms.FBGroup {
			if url != "" {
				t.Errorf("fbgroup: %q, but Localpost never signs in for groups", url)
			}
			continue
		}
		if !strings.HasPrefix(url, "https://") {
			t.Errorf("%s: revoke page %q", n, url)
		}
	}
	if url, _ := RevokePlace(platforms.Mastodon, "https://example.social/"); url != "https://example.social/oauth/authorized_applications" {
		t.Errorf("mastodon: %q", url)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
