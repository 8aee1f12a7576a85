package data

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestIdeasAreUndatedPostsNewestFirst(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	acc := mustAccount(t, s, "mastodon", "1")
	clock := at("2026-07-01T10:00:00Z")
	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { clock = clock.Add(time.Minute); return clock }

	old := mustPost(t, s, Post{Text: "an old idea"})
	mustPost(t, s, Post{Text: "dated", PlannedAt: at("2026-07-02T10:00:00Z"), Targets: []Target{{AccountID: acc.ID}}})
	fresh := mustPost(t, s, Post{Text: "a fresh idea\nsecond line", Targets: []Target{{AccountID: acc.ID}}})

	ideas, err := s.Ideas(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ideas) != 2 || ideas[0].PostID != fresh.ID || ideas[1].PostID != old.ID {
		t.Fatalf("ideas = %+v", ideas)
	}
	if ideas[0].Snippet != Snippet("", fresh.Text) || ideas[0].Snippet == "" {
		t.Errorf("snippet = %q", ideas[0].Snippet)
	}
	if ideas[0].Networks != "mastodon" || ideas[0].State != StateDraft || ideas[1].Networks != "" {
		t.Errorf("ideas = %+v", ideas)
	}

	// Touching the old one brings it to the top; a limit cuts the list.
	old.Text = "an old idea, reworked"
	if _, err := s.UpdatePost(ctx, old); err != nil {
		t.Fatal(err)
	}
	if ideas, _ = s.Ideas(ctx, 1); len(ideas) != 1 || ideas[0].PostID != old.ID {
		t.Errorf("after edit, limit 1: %+v", ideas)
	}
	// Dating an idea takes it off the list; deleting one too.
	old.PlannedAt = at("2026-07-03T10:00:00Z")
	if _, err := s.UpdatePost(ctx, old); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeletePostForUndo(ctx, fresh.ID); err != nil {
		t.Fatal(err)
	}
	if ideas, _ = s.Ideas(ctx, 0); len(ideas) != 0 {
		t.Errorf("after dating and deleting: %+v", ideas)
	}
}

// TestIdeasQueryPlan keeps the ideas list on its own index, without a sort.
func TestIdeasQueryPlan(t *testing.T) {
	s := mustOpen(t)
	rows, err := s.r.Query(`EXPLAIN QUERY PLAN SELECT id, snippet, networks, state, updated_at FROM posts
		WHERE planned_at IS NULL ORDER BY updated_at DESC, id DESC LIMIT ?`, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan += detail + "\n"
	}
	if !strings.Contains(plan, "INDEX posts_ideas") || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("ideas plan:\n%s\nwant posts_ideas and no sort", plan)
	}
}
