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
