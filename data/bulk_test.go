package data

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

func TestCreatePostsStoresAllInOrder(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	a := mustAccount(t, s, "mastodon", "a")
	b := mustAccount(t, s, "x", "b")
	ids, err := s.CreatePosts(ctx, []Post{
		{Text: "one", PlannedAt: at("2026-03-01T10:00:00Z"), Zone: "UTC", Targets: []Target{{AccountID: a.ID, State: StateScheduled}}},
		{Text: "two", Targets: []Target{{AccountID: a.ID}, {AccountID: b.ID}}},
	})
	if err != nil || len(ids) != 2 {
		t.Fatalf("CreatePosts = %v, %v", ids, err)
	}
	p1, err := s.Post(ctx, ids[0])
	if err != nil || p1.Text != "one" || p1.State != StateScheduled || len(p1.Targets) != 1 || p1.Targets[0].IdempotencyKey == "" {
		t.Errorf("first post = %+v, %v", p1, err)
	}
	p2, err := s.Post(ctx, ids[1])
	if err != nil || p2.Text != "two" || p2.State != StateDraft || len(p2.Targets) != 2 {
		t.Errorf("second post = %+v, %v", p2, err)
	}
	es, _ := s.CalendarEntries(ctx, at("2026-03-01T00:00:00Z"), at("2026-03-02T00:00:00Z"))
	if len(es) != 1 || es[0].Networks != "mastodon" {
		t.Errorf("calendar = %+v", es)
	}
}

func TestCreatePostsFailureInTheMiddleKeepsNothing(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	a := mustAccount(t, s, "mastodon", "a")
	posts := []Post{
		{Text: "first", Targets: []Target{{AccountID: a.ID}}},
		{Text: "second", Targets: []Target{{AccountID: a.ID + 100}}}, // no such account: the foreign key fails
		{Text: "third", Targets: []Target{{AccountID: a.ID}}},
	}
	_, err := s.CreatePosts(ctx, posts)
	if err == nil || !strings.Contains(err.Error(), "post 2") {
		t.Fatalf("CreatePosts error = %v, want one naming post 2", err)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM posts) + (SELECT count(*) FROM targets)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d posts and targets stored after a failed import, want 0", n)
	}
	// A post refused before the transaction (two targets on one account).
	_, err = s.CreatePosts(ctx, []Post{{Text: "ok"}, {Text: "dup", Targets: []Target{{AccountID: a.ID}, {AccountID: a.ID}}}})
	if err == nil {
		t.Fatal("a post with one account twice was stored")
	}
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM posts`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d posts stored, want 0 (%v)", n, err)
	}
}

func TestMediaType(t *testing.T) {
	dir := t.TempDir()
	png := writeFile(t, filepath.Join(dir, "a.png"), pngBytes(t, 4, 4))
	if mime, size, err := MediaType(png); err != nil || mime != "image/png" || size == 0 {
		t.Errorf("MediaType(png) = %q, %d, %v", mime, size, err)
	}
	txt := writeFile(t, filepath.Join(dir, "notes.txt"), []byte("hello there"))
	if _, _, err := MediaType(txt); err == nil || !strings.Contains(err.Error(), "cannot attach") {
		t.Errorf("MediaType(txt) error = %v", err)
	}
	if _, _, err := MediaType(filepath.Join(dir, "gone.png")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("MediaType(missing) error = %v, want fs.ErrNotExist", err)
	}
}
