package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"localpost/data"
)

// newDataApp is an App on a real file in dir with in-memory secrets and
// the test's clock; it is closed when the test ends.
func newDataApp(t *testing.T, dir string, c *clock) *App {
	t.Helper()
	a, err := New(Config{DataDir: dir, Secrets: data.MemorySecrets(), Now: c.Now, MetricsEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestBackupNowAndTheDailyBackup(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	a := newDataApp(t, t.TempDir(), c)
	if _, err := a.Store.CreatePost(ctx, data.Post{Text: "in the backup"}); err != nil {
		t.Fatal(err)
	}

	made, err := a.dailyBackup(ctx)
	if err != nil || !made {
		t.Fatalf("first daily backup: made %v, %v", made, err)
	}
	c.Set(c.Now().Add(23 * time.Hour))
	if made, err := a.dailyBackup(ctx); err != nil || made {
		t.Errorf("23 h after the last: made %v, %v; want skipped", made, err)
	}
	c.Set(c.Now().Add(time.Hour))
	if made, err := a.dailyBackup(ctx); err != nil || !made {
		t.Errorf("24 h after the last: made %v, %v; want a backup", made, err)
	}
	for range 6 {
		c.Set(c.Now().Add(time.Minute))
		if _, err := a.BackupNow(ctx); err != nil {
			t.Fatal(err)
		}
	}
	bs, err := a.Backups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != data.KeepBackups {
		t.Fatalf("%d backups, want %d", len(bs), data.KeepBackups)
	}
	if !bs[0].At.Equal(c.Now()) {
		t.Errorf("newest backup at %s, want the App's clock %s", bs[0].At, c.Now())
	}
	for i, b := range bs {
		if filepath.Dir(b.Path) != filepath.Join(a.DataDir(), data.BackupsDir) {
			t.Errorf("backup %s outside backups/", b.Path)
		}
		if err := data.CheckDatabase(b.Path); err != nil {
			t.Errorf("backup %d: %v", i, err)
		}
		if i > 0 && !bs[i-1].At.After(b.At) {
			t.Errorf("backups not newest first: %s before %s", bs[i-1].At, b.At)
		}
	}

	c.Set(c.Now().Add(-72 * time.Hour)) // the clock was put back
	if made, err := a.dailyBackup(ctx); err != nil || !made {
		t.Errorf("newest backup in the future: made %v, %v; want a backup", made, err)
	}
	bs, _ = a.Backups(ctx)
	if len(bs) != data.KeepBackups || !bs[len(bs)-1].At.Equal(c.Now()) {
		t.Errorf("the backup made after the clock went back was not kept: %v", bs)
	}
}

func TestStartMakesTheDailyBackupAndAppliesRetention(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	c := &clock{t: now}
	dir := t.TempDir()
	a := newDataApp(t, dir, c)
	acc, err := a.Store.SaveAccount(ctx, data.Account{Network: "mastodon", RemoteID: "1", Handle: "@me"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Store.SeedPublished(ctx, []data.SeedPost{{AccountID: acc.ID, Network: "mastodon", Text: "old",
		Zone: "UTC", PublishedAt: now.AddDate(-2, 0, 0), RemoteID: "r1"}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.SetRetention(Retention{PostsMonths: 12}); err != nil {
		t.Fatal(err)
	}
	a.Start(ctx)
	// Start works in the background: wait for the post to go (a generous
	// limit, not a measurement), then close.
	for limit := time.Now().Add(30 * time.Second); time.Now().Before(limit); time.Sleep(20 * time.Millisecond) {
		if tableCounts(t, a)["posts"] == 0 {
			break
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	bs, _ := data.Backups(dir)
	if len(bs) != 1 {
		t.Fatalf("%d backups after Start, want 1", len(bs))
	}
	// The backup was taken before retention deleted the old post.
	if n := postCount(t, bs[0].Path); n != 1 {
		t.Errorf("the backup holds %d posts, want 1", n)
	}
	if n := postCount(t, filepath.Join(dir, data.DBFile)); n != 0 {
		t.Errorf("after Start %d posts remain, want the old published one gone", n)
	}
}

// postCount opens a closed database file and counts its posts.
func postCount(t *testing.T, path string) int64 {
	t.Helper()
	counts, err := data.TableCounts(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return counts["posts"]
}

func TestRetention(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	c := &clock{t: now}
	a := newDataApp(t, t.TempDir(), c)

	if r := a.Retention(); r != (Retention{}) {
		t.Errorf("default retention %+v, want keep everything", r)
	}
	if err := a.SetRetention(Retention{MetricsMonths: -1}); err == nil {
		t.Error("negative months accepted")
	}
	// Nothing set: nothing goes.
	acc, err := a.Store.SaveAccount(ctx, data.Account{Network: "mastodon", RemoteID: "1", Handle: "@me"})
	if err != nil {
		t.Fatal(err)
	}
	reading := func(at time.Time) data.SeedReading {
		return data.SeedReading{At: at, Raw: map[string]float64{"likes": 1}, Derived: map[string]float64{"engagement": 1}}
	}
	old := now.AddDate(0, -13, 0)   // older than 12 months
	recent := now.AddDate(0, -2, 0) // newer
	posts := []data.SeedPost{
		{AccountID: acc.ID, Network: "mastodon", Text: "old published", Zone: "UTC", PublishedAt: old, RemoteID: "r1",
			Readings: []data.SeedReading{reading(old.Add(time.Hour)), reading(old.Add(48 * time.Hour))}},
		{AccountID: acc.ID, Network: "mastodon", Text: "recent published", Zone: "UTC", PublishedAt: recent, RemoteID: "r2",
			Readings: []data.SeedReading{reading(old.Add(72 * time.Hour)), reading(recent.Add(time.Hour))}},
	}
	accountReadings := []data.AccountReading{
		{AccountID: acc.ID, Name: "followers", At: old, Value: 10},
		{AccountID: acc.ID, Name: "followers", At: recent, Value: 12},
	}
	if err := a.Store.SeedPublished(ctx, posts, accountReadings); err != nil {
		t.Fatal(err)
	}
	// Old posts that did not go out stay, whatever their age.
	var unpublished []int64
	for _, st := range []data.TargetState{data.StateDraft, data.StateScheduled, data.StateFailed} {
		first := st
		if st == data.StateFailed {
			first = data.StateScheduled
		}
		p, err := a.Store.CreatePost(ctx, data.Post{Text: "old " + string(st), PlannedAt: old, Zone: "UTC",
			Targets: []data.Target{{AccountID: acc.ID, State: first}}})
		if err != nil {
			t.Fatal(err)
		}
		if st != first {
			if err := a.Store.SetTargetState(ctx, p.Targets[0].ID, st, "it went wrong", time.Time{}); err != nil {
				t.Fatal(err)
			}
		}
		unpublished = append(unpublished, p.ID)
	}
	before := tableCounts(t, a)

	p, err := a.ApplyRetention(ctx)
	if err != nil || p != (Pruned{}) {
		t.Fatalf("without a setting: %+v, %v; want nothing deleted", p, err)
	}

	if err := a.SetRetention(Retention{MetricsMonths: 12, PostsMonths: 12}); err != nil {
		t.Fatal(err)
	}
	if r := a.Retention(); r != (Retention{MetricsMonths: 12, PostsMonths: 12}) {
		t.Errorf("Retention() = %+v after setting 12/12", r)
	}
	p, err = a.ApplyRetention(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The old post and its 2 readings; the recent post's old reading; the
	// old follower count.
	if want := (Pruned{Readings: 4, Posts: 1}); p != want {
		t.Errorf("ApplyRetention = %+v, want %+v", p, want)
	}
	after := tableCounts(t, a)
	if after["posts"] != before["posts"]-1 || after["metrics"] != before["metrics"]-4 {
		t.Errorf("posts %d → %d, readings %d → %d; want one post and four readings fewer",
			before["posts"], after["posts"], before["metrics"], after["metrics"])
	}
	for _, id := range unpublished {
		if _, err := a.Store.Post(ctx, id); err != nil {
			t.Errorf("unpublished post %d: %v", id, err)
		}
	}
	texts := postTexts(t, a)
	if !slices.Contains(texts, "recent published") || slices.Contains(texts, "old published") {
		t.Errorf("posts left: %q", texts)
	}
	// Applying again deletes nothing more.
	if p, err := a.ApplyRetention(ctx); err != nil || p != (Pruned{}) {
		t.Errorf("second run: %+v, %v", p, err)
	}
}

// tableCounts counts the rows of every table of a's database.
func tableCounts(t *testing.T, a *App) map[string]int64 {
	t.Helper()
	counts, err := data.TableCounts(context.Background(), a.Store.Path())
	if err != nil {
		t.Fatal(err)
	}
	return counts
}

// postTexts are the snippets of a's dated posts.
func postTexts(t *testing.T, a *App) []string {
	t.Helper()
	es, err := a.Store.CalendarEntries(context.Background(),
		time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Snippet)
	}
	return out
}

// fillFolder gives a closed data folder a database with a post, a media
// file, an avatar and a backup.
func fillFolder(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	a, err := New(Config{DataDir: dir, Secrets: data.MemorySecrets(), Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.CreatePost(ctx, data.Post{Text: "moving along", PlannedAt: c.Now(), Zone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.BackupNow(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		filepath.Join(data.MediaDir, "ab12.jpg"):                 []byte("a picture"),
		filepath.Join(data.MediaDir, data.ThumbsDir, "ab12.png"): []byte("a thumbnail"),
		filepath.Join(data.AvatarDir, "cd34.png"):                []byte("a face"),
	}
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

func TestMoveDataFolder(t *testing.T) {
	from := t.TempDir()
	files := fillFolder(t, from)
	want, err := data.TableCounts(context.Background(), filepath.Join(from, data.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := data.Lock(from) // main holds the lock while the work runs
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()

	to := filepath.Join(t.TempDir(), "new place")
	if err := MoveDataFolder(from, to); err != nil {
		t.Fatal(err)
	}
	got, err := data.TableCounts(context.Background(), filepath.Join(to, data.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	for table, n := range want {
		if got[table] != n {
			t.Errorf("%s: %d rows in the moved database, %d before", table, got[table], n)
		}
	}
	for name, b := range files {
		moved, err := os.ReadFile(filepath.Join(to, name))
		if err != nil || !bytes.Equal(moved, b) {
			t.Errorf("%s not moved intact (%v)", name, err)
		}
		if _, err := os.Stat(filepath.Join(from, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still in the old folder (%v)", name, err)
		}
	}
	if bs, _ := data.Backups(to); len(bs) != 1 {
		t.Errorf("%d backups in the new folder, want 1", len(bs))
	}
	left, _ := os.ReadDir(from)
	for _, e := range left {
		if e.Name() != data.LockFile {
			t.Errorf("left in the old folder: %s", e.Name())
		}
	}
	a := newDataApp(t, to, &clock{t: time.Now()})
	if texts := postTexts(t, a); !slices.Equal(texts, []string{"moving along"}) {
		t.Errorf("the moved data opens with posts %q", texts)
	}
}

func TestMoveDataFolderRefusesAndFailsSafely(t *testing.T) {
	from := t.TempDir()
	fillFolder(t, from)
	snapshot := func() map[string]int64 {
		m := map[string]int64{}
		filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				info, _ := d.Info()
				m[p] = info.Size()
			}
			return nil
		})
		return m
	}
	orig := snapshot()
	same := func(what string) {
		t.Helper()
		now := snapshot()
		if len(now) != len(orig) {
			t.Errorf("%s: the old folder changed: %d files, had %d", what, len(now), len(orig))
		}
		for p, n := range orig {
			if now[p] != n {
				t.Errorf("%s: %s changed or went", what, p)
			}
		}
	}

	foreign := t.TempDir()
	if err := os.WriteFile(filepath.Join(foreign, "thesis.docx"), []byte("years of work"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := MoveDataFolder(from, foreign)
	if err == nil || !strings.Contains(err.Error(), "empty folder") {
		t.Errorf("a folder with other files: %v, want a refusal", err)
	}
	if b, _ := os.ReadFile(filepath.Join(foreign, "thesis.docx")); string(b) != "years of work" {
		t.Error("the foreign folder's file changed")
	}
	same("foreign target")

	other := t.TempDir()
	fillFolder(t, other)
	if err := MoveDataFolder(from, other); err == nil || !strings.Contains(err.Error(), "already holds") {
		t.Errorf("a folder with another Localpost database: %v, want a refusal", err)
	}
	if err := MoveDataFolder(from, filepath.Join(from, "inside")); err == nil {
		t.Error("a folder inside the data folder accepted")
	}
	if err := MoveDataFolder(from, from); err == nil {
		t.Error("the same folder accepted")
	}
	same("refused targets")

	// A target that cannot be written: a read-only folder where the user
	// can be refused, else a file where the folder should be.
	ro := filepath.Join(t.TempDir(), "readonly")
	if err := os.Mkdir(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(ro, 0o700) })
	target := filepath.Join(ro, "data")
	if os.Geteuid() == 0 { // root writes anywhere
		blocker := filepath.Join(t.TempDir(), "a file")
		os.WriteFile(blocker, nil, 0o600)
		target = filepath.Join(blocker, "data")
	}
	if err := MoveDataFolder(from, target); err == nil {
		t.Error("an unwritable target accepted")
	}
	same("unwritable target")

	// A copy that fails half way (a media file that cannot be read) leaves
	// the old folder as it was and nothing in the target.
	if err := os.Symlink(filepath.Join(from, "gone"), filepath.Join(from, data.MediaDir, "zz-broken.jpg")); err != nil {
		t.Fatal(err)
	}
	orig = snapshot()
	half := filepath.Join(t.TempDir(), "half")
	if err := MoveDataFolder(from, half); err == nil || !strings.Contains(err.Error(), "stays in") {
		t.Errorf("a failing copy: %v, want an error saying the data stays", err)
	}
	same("failed copy")
	if _, err := os.Stat(half); !errors.Is(err, os.ErrNotExist) {
		entries, _ := os.ReadDir(half)
		t.Errorf("the half copy was not cleaned up: %v", entries)
	}
	if _, err := New(Config{DataDir: from, Secrets: data.MemorySecrets()}); err != nil {
		t.Errorf("the old folder no longer opens: %v", err)
	}
}

func TestDataLocationNote(t *testing.T) {
	def := t.TempDir()
	if dir, err := ResolveDataDir(def); err != nil || dir != def {
		t.Errorf("without a note: %s, %v", dir, err)
	}
	moved := t.TempDir()
	if err := RecordLocation(def, moved); err != nil {
		t.Fatal(err)
	}
	if dir, err := ResolveDataDir(def); err != nil || dir != moved {
		t.Errorf("after the move: %s, %v; want %s", dir, err, moved)
	}
	gone := filepath.Join(t.TempDir(), "unplugged")
	if err := RecordLocation(def, gone); err != nil {
		t.Fatal(err)
	}
	if _, err := ResolveDataDir(def); err == nil || !strings.Contains(err.Error(), gone) {
		t.Errorf("a note naming a missing folder: %v, want an error naming it", err)
	}
	if err := RecordLocation(def, def); err != nil {
		t.Fatal(err)
	}
	if dir, err := ResolveDataDir(def); err != nil || dir != def {
		t.Errorf("after moving back: %s, %v", dir, err)
	}
}

func TestRestoreBackupAfterDamage(t *testing.T) {
	dir := t.TempDir()
	fillFolder(t, dir)
	path := filepath.Join(dir, data.DBFile)
	if err := os.WriteFile(path, bytes.Repeat([]byte("not a database "), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{DataDir: dir, Secrets: data.MemorySecrets()}); !errors.Is(err, data.ErrNotDatabase) {
		t.Fatalf("New on garbage: %v, want ErrNotDatabase", err)
	}
	b, ok := LatestBackup(dir)
	if !ok {
		t.Fatal("no backup found")
	}
	if err := RestoreBackup(dir, b.Name); err != nil {
		t.Fatal(err)
	}
	a := newDataApp(t, dir, &clock{t: time.Now()})
	if texts := postTexts(t, a); !slices.Equal(texts, []string{"moving along"}) {
		t.Errorf("the restored data has posts %q", texts)
	}
	replaced, _ := filepath.Glob(filepath.Join(dir, data.ReplacedDir, "*", data.DBFile))
	if len(replaced) != 1 {
		t.Fatalf("replaced/ holds %v, want the damaged file", replaced)
	}
	if b, _ := os.ReadFile(replaced[0]); !bytes.HasPrefix(b, []byte("not a database")) {
		t.Error("the file kept in replaced/ is not the damaged one")
	}
}
