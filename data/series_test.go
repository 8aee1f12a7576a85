package data

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSeriesCreateDeleteFuture(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	a := mustAccount(t, s, "mastodon", "a")
	start := at("2026-03-02T09:00:00Z")
	var posts []Post
	for i := range 5 {
		posts = append(posts, Post{Text: "weekly", Zone: "UTC", PlannedAt: start.AddDate(0, 0, 14*i),
			Targets: []Target{{AccountID: a.ID, State: StateScheduled}}})
	}
	sr, ids, err := s.CreateSeries(ctx, Series{EveryN: 2, Unit: SeriesWeeks, Count: 5}, posts)
	if err != nil {
		t.Fatal(err)
	}
	if sr.ID == 0 || len(ids) != 5 {
		t.Fatalf("series %d with %d posts", sr.ID, len(ids))
	}
	got, err := s.PostSeries(ctx, ids[3])
	if err != nil || got.ID != sr.ID || got.EveryN != 2 || got.Unit != SeriesWeeks || got.Count != 5 || !got.Until.IsZero() {
		t.Fatalf("PostSeries = %+v, %v", got, err)
	}
	lone := mustPost(t, s, Post{Text: "alone", PlannedAt: start, Targets: []Target{{AccountID: a.ID, State: StateScheduled}}})
	if _, err := s.PostSeries(ctx, lone.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("series of a lone post: %v, want ErrNotFound", err)
	}

	// The calendar marks every occurrence with the series.
	es, err := s.CalendarEntries(ctx, start, start.AddDate(0, 3, 0))
	if err != nil {
		t.Fatal(err)
	}
	inSeries := 0
	for _, e := range es {
		switch {
		case e.PostID == lone.ID && e.SeriesID != 0:
			t.Errorf("lone post has series %d", e.SeriesID)
		case e.PostID != lone.ID && e.SeriesID == sr.ID:
			inSeries++
		}
	}
	if inSeries != 5 {
		t.Fatalf("%d calendar entries carry the series, want 5: %+v", inSeries, es)
	}
	rows, err := s.calendarRows(ctx, start, start.AddDate(0, 3, 0))
	if err != nil || len(rows) != 6 || rows[1].SeriesID != sr.ID && rows[0].SeriesID != sr.ID {
		t.Fatalf("plain calendar path: %+v, %v", rows, err)
	}

	// The second one was published: "delete from the second on" keeps it.
	p1, _ := s.Post(ctx, ids[1])
	if err := s.SetTargetState(ctx, p1.Targets[0].ID, StatePublished, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	deleted, kept, err := s.DeleteSeriesFrom(ctx, sr.ID, p1.PlannedAt)
	if err != nil {
		t.Fatal(err)
	}
	if len(deleted) != 3 || kept != 1 {
		t.Fatalf("deleted %v, kept %d; want the last 3 deleted, 1 kept", deleted, kept)
	}
	left, _ := s.SeriesPosts(ctx, sr.ID)
	if len(left) != 2 || left[0] != ids[0] || left[1] != ids[1] {
		t.Fatalf("left in the series: %v, want %v", left, ids[:2])
	}
	for _, id := range ids[2:] {
		if _, err := s.Post(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("post %d still there: %v", id, err)
		}
	}
	if _, err := s.Post(ctx, lone.ID); err != nil {
		t.Errorf("the lone post went too: %v", err)
	}
}

func TestSeriesAllOrNothing(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	a := mustAccount(t, s, "mastodon", "a")
	good := Post{Text: "ok", PlannedAt: at("2026-03-02T09:00:00Z"), Targets: []Target{{AccountID: a.ID, State: StateScheduled}}}
	bad := Post{Text: "no such account", PlannedAt: at("2026-03-03T09:00:00Z"), Targets: []Target{{AccountID: 999, State: StateScheduled}}}
	if _, _, err := s.CreateSeries(ctx, Series{EveryN: 1, Unit: SeriesDays, Count: 2}, []Post{good, bad}); err == nil {
		t.Fatal("a series with a bad post was stored")
	}
	if _, _, err := s.CreateSeries(ctx, Series{EveryN: 0, Unit: SeriesDays, Count: 2}, []Post{good}); err == nil {
		t.Fatal("every 0 days was stored")
	}
	es, err := s.CalendarEntries(ctx, at("2026-03-01T00:00:00Z"), at("2026-04-01T00:00:00Z"))
	if err != nil || len(es) != 0 {
		t.Fatalf("after failed series: %d entries, %v; want none", len(es), err)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM series`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d series rows, %v; want 0", n, err)
	}
}

func TestSeriesUpdateFrom(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	a := mustAccount(t, s, "mastodon", "a")
	b := mustAccount(t, s, "facebook", "page1")
	start := at("2026-03-02T09:00:00Z")
	var posts []Post
	for i := range 5 {
		posts = append(posts, Post{Text: "weekly", Zone: "UTC", PlannedAt: start.AddDate(0, 0, 7*i), Labels: []string{"tips"},
			Targets: []Target{{AccountID: a.ID, State: StateScheduled}}})
	}
	_, ids, err := s.CreateSeries(ctx, Series{EveryN: 1, Unit: SeriesWeeks, Count: 5}, posts)
	if err != nil {
		t.Fatal(err)
	}
	// The third is published; the fifth is held by its network.
	p2, _ := s.Post(ctx, ids[2])
	if err := s.SetTargetState(ctx, p2.Targets[0].ID, StatePublished, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	p4, _ := s.Post(ctx, ids[4])
	if ok, err := s.ClaimTarget(ctx, p4.Targets[0].ID, p4.PlannedAt.Add(-time.Hour)); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if err := s.HandOver(ctx, p4.Targets[0].ID, Attempt{StartedAt: p4.PlannedAt.Add(-time.Hour)}, "m_1", "https://n/m_1", "held"); err != nil {
		t.Fatal(err)
	}

	// An edit failing on the last post changes nothing.
	var seen []int64
	_, _, err = s.UpdateSeriesFrom(ctx, ids[1], func(old Post) (Post, error) {
		seen = append(seen, old.ID)
		if old.ID == ids[4] {
			return Post{}, errors.New("boom")
		}
		old.Text = "half"
		return old, nil
	})
	if err == nil || len(seen) != 3 || seen[0] != ids[1] {
		t.Fatalf("failing edit: %v, saw %v", err, seen)
	}
	if p, _ := s.Post(ctx, ids[1]); p.Text != "weekly" {
		t.Fatalf("after a failed edit the second says %q", p.Text)
	}

	// From the second on: new text, accounts and labels, one hour later.
	changed, kept, err := s.UpdateSeriesFrom(ctx, ids[1], func(old Post) (Post, error) {
		return Post{Text: "weekly, new", Zone: "UTC", PlannedAt: old.PlannedAt.Add(time.Hour), Labels: []string{"new"},
			Targets: []Target{{AccountID: a.ID, State: StateScheduled}, {AccountID: b.ID, State: StateScheduled, TextOverride: "fb"}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if kept != 1 || len(changed) != 3 || changed[0] != ids[1] || changed[1] != ids[3] || changed[2] != ids[4] {
		t.Fatalf("changed %v kept %d; want %v and 1 kept", changed, kept, []int64{ids[1], ids[3], ids[4]})
	}
	for i, id := range ids {
		p, _ := s.Post(ctx, id)
		edited := i == 1 || i == 3 || i == 4
		wantText, wantAt, wantTargets := "weekly", start.AddDate(0, 0, 7*i), 1
		if edited {
			wantText, wantAt, wantTargets = "weekly, new", wantAt.Add(time.Hour), 2
		}
		if p.Text != wantText || !p.PlannedAt.Equal(wantAt) || len(p.Targets) != wantTargets {
			t.Errorf("post %d: %q at %v with %d targets; want %q at %v with %d", i, p.Text, p.PlannedAt, len(p.Targets), wantText, wantAt, wantTargets)
		}
		if edited && (len(p.Labels) != 1 || p.Labels[0] != "new") {
			t.Errorf("post %d labels %v", i, p.Labels)
		}
		if sr, err := s.PostSeries(ctx, id); err != nil || sr.ID == 0 {
			t.Errorf("post %d left its series: %v", i, err)
		}
	}
	// The held one's network is told (its text changed: a cancel).
	if cs := pending(t, s, start); len(cs) != 1 || cs["m_1"].Action != RemoteCancel || cs["m_1"].TargetID != p4.Targets[0].ID {
		t.Fatalf("remote changes: %+v", cs)
	}

	// A post on its own is not a series.
	lone := mustPost(t, s, Post{Text: "alone", PlannedAt: start, Targets: []Target{{AccountID: a.ID, State: StateScheduled}}})
	if _, _, err := s.UpdateSeriesFrom(ctx, lone.ID, func(p Post) (Post, error) { return p, nil }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("lone post: %v, want ErrNotFound", err)
	}
}

// Undo of a deleted occurrence puts it back into its series.
func TestSeriesUndoKeepsSeries(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	a := mustAccount(t, s, "mastodon", "a")
	start := at("2026-03-02T09:00:00Z")
	posts := []Post{
		{Text: "daily", PlannedAt: start, Targets: []Target{{AccountID: a.ID, State: StateScheduled}}},
		{Text: "daily", PlannedAt: start.AddDate(0, 0, 1), Targets: []Target{{AccountID: a.ID, State: StateScheduled}}},
	}
	sr, ids, err := s.CreateSeries(ctx, Series{EveryN: 1, Unit: SeriesDays, Count: 2}, posts)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := s.DeletePostForUndo(ctx, ids[1])
	if err != nil || rec == nil {
		t.Fatalf("delete: %v %v", rec, err)
	}
	if left, _ := s.SeriesPosts(ctx, sr.ID); len(left) != 1 {
		t.Fatalf("after delete the series has %v", left)
	}
	id, err := s.RestorePost(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.PostSeries(ctx, id)
	if err != nil || got.ID != sr.ID {
		t.Fatalf("restored post's series: %+v, %v; want %d", got, err, sr.ID)
	}
	if left, _ := s.SeriesPosts(ctx, sr.ID); len(left) != 2 {
		t.Fatalf("after undo the series has %v", left)
	}
}
