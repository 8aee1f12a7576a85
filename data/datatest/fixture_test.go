package datatest

import (
	"context"
	"testing"
	"time"

	"localpost/data"
)

func TestBuildPutsMonthPostsInTheMonth(t *testing.T) {
	dir := t.TempDir()
	f := Standard()
	f.Posts = 3000
	f.Month, f.MonthPosts = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), 500
	if err := Build(dir, f); err != nil {
		t.Fatal(err)
	}
	s, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	month, err := s.CalendarEntries(ctx, f.Month, f.Month.AddDate(0, 1, 0))
	if err != nil || len(month) != 500 {
		t.Fatalf("the month holds %d posts (%v), want 500", len(month), err)
	}
	all, err := s.CalendarEntries(ctx, f.Start, f.Start.Add(f.Span+time.Hour))
	if err != nil || len(all) != 3000 {
		t.Fatalf("the span holds %d posts (%v), want 3000", len(all), err)
	}
}
