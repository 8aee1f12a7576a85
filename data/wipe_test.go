package data

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// wipeFixture is two accounts with a post each, one shared post, readings
// on every target, a media file and an avatar per account.
type wipeFixture struct {
	s                  *Store
	gone, kept         Account
	onlyGone, onlyKept Post
	shared             Post
	media              Media
}

func newWipeFixture(t *testing.T) *wipeFixture {
	t.Helper()
	s := mustOpen(t)
	ctx := context.Background()
	if err := os.MkdirAll(filepath.Join(s.Dir, AvatarDir), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(s.Dir, AvatarDir, "gone.png"), pngBytes(t, 2, 2))
	writeFile(t, filepath.Join(s.Dir, AvatarDir, "kept.png"), pngBytes(t, 2, 2))
	f := &wipeFixture{s: s}
	var err error
	f.gone, err = s.SaveAccount(ctx, Account{Network: "x", RemoteID: "1", Handle: "@gone", AvatarPath: "gone.png"})
	if err != nil {
		t.Fatal(err)
	}
	f.kept, err = s.SaveAccount(ctx, Account{Network: "mastodon", RemoteID: "2", Handle: "@kept", AvatarPath: "kept.png"})
	if err != nil {
		t.Fatal(err)
	}
	f.media, err = s.AddMedia(ctx, writeFile(t, filepath.Join(t.TempDir(), "a.png"), pngBytes(t, 4, 4)))
	if err != nil {
		t.Fatal(err)
	}
	when := at("2026-12-01T09:00:00Z")
	sched := func(ids ...int64) []Target {
		var ts []Target
		for _, id := range ids {
			ts = append(ts, Target{AccountID: id, State: StateScheduled})
		}
		return ts
	}
	f.onlyGone = mustPost(t, s, Post{Text: "only gone", PlannedAt: when, Zone: "UTC", Targets: sched(f.gone.ID), Media: []Media{f.media}, Labels: []string{"l"}})
	f.onlyKept = mustPost(t, s, Post{Text: "only kept", PlannedAt: when, Zone: "UTC", Targets: sched(f.kept.ID)})
	f.shared = mustPost(t, s, Post{Text: "both", PlannedAt: when, Zone: "UTC", Targets: sched(f.gone.ID, f.kept.ID), Media: []Media{f.media}})
	for _, p := range []Post{f.onlyGone, f.onlyKept, f.shared} {
		for _, tg := range p.Targets {
			r := []PostReading{{TargetID: tg.ID, Raw: map[string]float64{"likes": 3}}}
			if err := s.RecordMetrics(ctx, tg.AccountID, when.Add(time.Hour), r, map[string]float64{"followers": 10}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return f
}

func counts(t *testing.T, s *Store) map[string]int64 {
	t.Helper()
	c, err := TableCounts(context.Background(), s.Path())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDeleteAccountDataTakesOnlyWhatIsItsOwn(t *testing.T) {
	f := newWipeFixture(t)
	ctx := context.Background()
	before := counts(t, f.s)
	rm, err := f.s.DeleteAccountData(ctx, f.gone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rm.Posts != 1 || rm.Targets != 2 || rm.Readings != 4 { // 2 post readings + 2 account readings
		t.Errorf("removal %+v, want 1 post, 2 targets, 4 readings", rm)
	}
	after := counts(t, f.s)
	for table, want := range map[string]int64{"accounts": before["accounts"] - 1, "posts": before["posts"] - 1,
		"targets": before["targets"] - 2, "metrics": before["metrics"] - 4, "metrics_latest": before["metrics_latest"] - 2,
		"metrics_sync": before["metrics_sync"] - 1, "post_media": before["post_media"] - 1, "post_labels": before["post_labels"] - 1,
		"media": before["media"]} {
		if after[table] != want {
			t.Errorf("%s: %d rows, want %d (before %d)", table, after[table], want, before[table])
		}
	}
	if _, err := f.s.Post(ctx, f.onlyGone.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the post only for the account is still there: %v", err)
	}
	shared, err := f.s.Post(ctx, f.shared.ID)
	if err != nil || len(shared.Targets) != 1 || shared.Targets[0].AccountID != f.kept.ID || len(shared.Media) != 1 {
		t.Errorf("shared post after: %+v %v", shared, err)
	}
	if _, err := f.s.Post(ctx, f.onlyKept.ID); err != nil {
		t.Errorf("the other account's post: %v", err)
	}
	if _, err := os.Stat(filepath.Join(f.s.Dir, AvatarDir, "gone.png")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("avatar kept: %v", err)
	}
	if _, err := os.Stat(filepath.Join(f.s.Dir, AvatarDir, "kept.png")); err != nil {
		t.Errorf("the other account's avatar: %v", err)
	}
	if _, err := os.Stat(f.s.MediaPath(f.media)); err != nil {
		t.Errorf("the media file left the library: %v", err)
	}
	if _, err := f.s.DeleteAccountData(ctx, f.gone.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting again: %v", err)
	}
}

func TestDeleteAccountDataKeepsASharedAvatar(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	if err := os.MkdirAll(filepath.Join(s.Dir, AvatarDir), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(s.Dir, AvatarDir, "same.png"), pngBytes(t, 2, 2))
	a, _ := s.SaveAccount(ctx, Account{Network: "facebook", RemoteID: "1", AvatarPath: "same.png"})
	if _, err := s.SaveAccount(ctx, Account{Network: "instagram", RemoteID: "2", AvatarPath: "same.png"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteAccountData(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, AvatarDir, "same.png")); err != nil {
		t.Errorf("an avatar another account shows was removed: %v", err)
	}
}

func TestMarkDisconnectedKeepsDataAndStopsPublishing(t *testing.T) {
	f := newWipeFixture(t)
	ctx := context.Background()
	before := counts(t, f.s)
	const note = "Waiting: @gone was disconnected."
	if err := f.s.MarkDisconnected(ctx, f.gone.ID, note); err != nil {
		t.Fatal(err)
	}
	if after := counts(t, f.s); !mapsEqual(before, after) {
		t.Errorf("rows changed: before %v after %v", before, after)
	}
	acc, _ := f.s.Account(ctx, f.gone.ID)
	if acc.State != AccountDisconnected {
		t.Errorf("state %q", acc.State)
	}
	due, err := f.s.DueAccounts(ctx, at("2026-12-01T10:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(due, func(a Account) bool { return a.ID == f.gone.ID }) || len(due) != 1 {
		t.Errorf("due accounts %v: the disconnected one must not publish, the other must", due)
	}
	p, _ := f.s.Post(ctx, f.onlyGone.ID)
	if p.Targets[0].LastError != note {
		t.Errorf("the waiting target does not say why: %q", p.Targets[0].LastError)
	}
	p, _ = f.s.Post(ctx, f.onlyKept.ID)
	if p.Targets[0].LastError != "" {
		t.Errorf("another account's target got the note: %q", p.Targets[0].LastError)
	}
	if err := f.s.MarkDisconnected(ctx, 9999, note); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown account: %v", err)
	}
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestWipeFolderLeavesOnlyTheLockAndSocket(t *testing.T) {
	f := newWipeFixture(t)
	ctx := context.Background()
	dir := f.s.Dir
	unlock, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	writeFile(t, filepath.Join(dir, "localpost.sock"), nil) // stands for the running instance's socket
	if _, err := f.s.Backup(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Thumbnail(f.media); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, DBFile+".bak-7-20261201T000000Z"), []byte("old copy"))
	if err := os.MkdirAll(filepath.Join(dir, ReplacedDir, "20261201"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, ReplacedDir, "20261201", DBFile), []byte("replaced"))

	c, err := f.s.WipeCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Accounts != 2 || c.Posts != 3 || c.MediaFiles != 3 || c.Backups != 2 {
		t.Errorf("counts %+v, want 2 accounts, 3 posts, 3 media files (1 + 2 avatars), 2 backups", c)
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := WipeFolder(dir); err != nil {
		t.Fatal(err)
	}
	var left []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			left = append(left, rel)
		}
		return nil
	})
	slices.Sort(left)
	if want := []string{LockFile, "localpost.sock"}; !slices.Equal(left, want) {
		t.Errorf("left in the folder: %v, want only %v", left, want)
	}
	s2 := mustOpenDir(t, dir)
	for table, n := range counts(t, s2) {
		if n != 0 && table != "schema_migrations" {
			t.Errorf("%s has %d rows after wiping", table, n)
		}
	}
}
