package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"localpost/data"
	"localpost/platforms"
)

func TestDeleteEverythingLeavesNothingBehind(t *testing.T) {
	e := newAllEnv(t)
	s := e.withListSecrets(t)
	accs := e.connectEverything(t)
	ctx := context.Background()
	dir := e.app.DataDir()

	// What a person's folder holds after a while: a post with an image,
	// its thumbnail, readings, a setting, a backup.
	m, err := e.app.Store.AddMedia(ctx, writePNG(t, t.TempDir(), "photo.png"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Store.Thumbnail(m); err != nil {
		t.Fatal(err)
	}
	p, err := e.app.Store.CreatePost(ctx, data.Post{Text: "hello", PlannedAt: e.clock.Now().Add(24 * 3600e9), Zone: "UTC",
		Media:   []data.Media{m},
		Targets: []data.Target{{AccountID: accs[platforms.Mastodon].ID, State: data.StateScheduled}}})
	if err != nil {
		t.Fatal(err)
	}
	r := []data.PostReading{{TargetID: p.Targets[0].ID, Raw: map[string]float64{"likes": 1}}}
	if err := e.app.Store.RecordMetrics(ctx, accs[platforms.Mastodon].ID, e.clock.Now(), r, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.app.SetZone("Europe/Berlin"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Store.Backup(ctx, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	unlock, err := data.Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	stop, err := ListenForShow(dir, func() {})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	plan, err := e.app.WipePlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// 8 logins and the 7 developer apps (Mastodon registers per server).
	if plan.Accounts != 8 || plan.Posts != 1 || plan.Backups != 1 || plan.KeyringEntries != 15 || plan.MediaFiles < 2 {
		t.Errorf("plan %+v", plan)
	}
	if len(s.keys()) != plan.KeyringEntries {
		t.Errorf("the keyring holds %d entries, the plan names %d", len(s.keys()), plan.KeyringEntries)
	}
	canRevoke := func(labels []string) []string {
		var out []string
		for _, l := range labels {
			out = append(out, strings.SplitN(l, " (", 2)[0])
		}
		slices.Sort(out)
		return out
	}
	wantRevoked := []string{"Facebook Pages", "Instagram", "Mastodon", "TikTok", "X", "YouTube"}
	wantNot := []string{"LinkedIn", "Pinterest"}
	if got := canRevoke(plan.Revoked); !slices.Equal(got, wantRevoked) {
		t.Errorf("plan revokes %v, want %v", got, wantRevoked)
	}
	if got := canRevoke(plan.NotRevoked); !slices.Equal(got, wantNot) {
		t.Errorf("plan leaves %v, want %v", got, wantNot)
	}

	revoked, notRevoked := e.app.RevokeAll(ctx)
	if got := canRevoke(revoked); !slices.Equal(got, wantRevoked) {
		t.Errorf("revoked %v, want %v", got, wantRevoked)
	}
	if got := canRevoke(notRevoked); !slices.Equal(got, wantNot) {
		t.Errorf("not revoked %v, want %v", got, wantNot)
	}
	if e.nets.X.Revocations() != 2 || e.nets.TikTok.Revocations() != 1 || e.nets.YouTube.Revocations() != 1 || e.nets.Meta.Revocations() != 1 {
		t.Errorf("revocations: X %d, TikTok %d, Google %d, Meta %d", e.nets.X.Revocations(), e.nets.TikTok.Revocations(),
			e.nets.YouTube.Revocations(), e.nets.Meta.Revocations())
	}

	work, err := e.app.WipeWork(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.app.Close(); err != nil { // main closes the core before running the work
		t.Fatal(err)
	}
	next, err := work(dir)
	if err != nil || next != "" {
		t.Fatalf("wipe: %q, %v", next, err)
	}
	if left := s.keys(); len(left) != 0 {
		t.Errorf("keyring entries left: %v", left)
	}
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, rel)
		}
		return nil
	})
	slices.Sort(files)
	if want := []string{data.LockFile, InstanceSocket}; !slices.Equal(files, want) {
		t.Errorf("left in the data folder: %v, want only %v", files, want)
	}

	// The app starts fresh on the folder.
	a, err := New(Config{DataDir: dir, Secrets: s, HTTP: e.app.http, Providers: e.nets.Providers})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	counts, err := data.TableCounts(ctx, a.Store.Path())
	if err != nil {
		t.Fatal(err)
	}
	for table, n := range counts {
		if n != 0 && table != "schema_migrations" {
			t.Errorf("%s: %d rows after deleting everything", table, n)
		}
	}
	if keys, err := a.SecretKeys(ctx); err != nil || len(keys) != 0 {
		t.Errorf("secret keys after: %v %v", keys, err)
	}
}

func TestWipeErrorsNameNoSecret(t *testing.T) {
	s := newListSecrets()
	const token = "tok-3f9a8b7c6d5e4f3a2b1c"
	if err := s.Set("account:x::1", `{"access_token":"`+token+`"}`); err != nil {
		t.Fatal(err)
	}
	s.failDelete = true
	dir := t.TempDir()
	err := Wipe(dir, s, []string{"account:x::1"})
	if err == nil {
		t.Fatal("a keyring that cannot delete reported success")
	}
	if strings.Contains(err.Error(), token) {
		t.Fatalf("error text holds the token: %v", err)
	}
	if !strings.Contains(err.Error(), data.KeyringService) {
		t.Errorf("error does not say what to delete by hand: %v", err)
	}
}
