package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"localpost/data"
)

func dayOf(t *testing.T, s string, loc *time.Location) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func fmtAll(ts []time.Time) string {
	var ss []string
	for _, t := range ts {
		ss = append(ss, t.UTC().Format("2006-01-02T15:04Z"))
	}
	return strings.Join(ss, ",")
}

func TestOccurrences(t *testing.T) {
	berlin := tmZone(t, "Europe/Berlin")
	start := dayOf(t, "2026-03-02", berlin)

	// Every 2 weeks until 13 April (inclusive): across the change to summer
	// time on 29 March, 09:00 stays 09:00 in Berlin.
	ats, notes, capped, err := Occurrences(start, "09:00", berlin, Repeat{Every: 2, Unit: data.SeriesWeeks, Until: dayOf(t, "2026-04-13", time.UTC)})
	if err != nil || capped || len(notes) != 0 {
		t.Fatalf("until: %v capped=%v notes=%q", err, capped, notes)
	}
	if want := "2026-03-02T08:00Z,2026-03-16T08:00Z,2026-03-30T07:00Z,2026-04-13T07:00Z"; fmtAll(ats) != want {
		t.Fatalf("every 2 weeks until 13 April:\n got %s\nwant %s", fmtAll(ats), want)
	}
	// Every 3 days, 4 times.
	ats, _, _, err = Occurrences(start, "18:30", berlin, Repeat{Every: 3, Unit: data.SeriesDays, Count: 4})
	if want := "2026-03-02T17:30Z,2026-03-05T17:30Z,2026-03-08T17:30Z,2026-03-11T17:30Z"; err != nil || fmtAll(ats) != want {
		t.Fatalf("every 3 days, 4 times: %v\n got %s\nwant %s", err, fmtAll(ats), want)
	}
	// Whichever end comes first.
	ats, _, _, _ = Occurrences(start, "09:00", berlin, Repeat{Every: 1, Unit: data.SeriesWeeks, Count: 10, Until: dayOf(t, "2026-03-10", time.UTC)})
	if len(ats) != 2 {
		t.Fatalf("count 10 until 10 March: %d posts, want 2", len(ats))
	}
	// Daily at 02:30 over the change: that day's post moves to 03:30, noted.
	ats, notes, _, _ = Occurrences(dayOf(t, "2026-03-28", berlin), "02:30", berlin, Repeat{Every: 1, Unit: data.SeriesDays, Count: 3})
	if want := "2026-03-28T01:30Z,2026-03-29T01:30Z,2026-03-30T00:30Z"; fmtAll(ats) != want || len(notes) != 1 {
		t.Fatalf("daily over the gap:\n got %s (notes %q)\nwant %s", fmtAll(ats), notes, want)
	}
	// Caps: 100 posts; one year.
	ats, _, capped, _ = Occurrences(start, "09:00", berlin, Repeat{Every: 1, Unit: data.SeriesDays, Until: dayOf(t, "2030-01-01", time.UTC)})
	if len(ats) != maxSeriesPosts || !capped {
		t.Fatalf("daily for years: %d posts capped=%v, want %d capped", len(ats), capped, maxSeriesPosts)
	}
	ats, _, capped, _ = Occurrences(start, "09:00", berlin, Repeat{Every: 1, Unit: data.SeriesWeeks, Count: 99})
	if len(ats) != 53 || !capped || ats[52].After(start.AddDate(1, 0, 1)) {
		t.Fatalf("weekly, 99 times: %d posts capped=%v, want 53 within a year", len(ats), capped)
	}
	// Refusals.
	for _, r := range []Repeat{
		{Every: 0, Unit: data.SeriesDays, Count: 2},
		{Every: 1, Unit: "month", Count: 2},
		{Every: 1, Unit: data.SeriesDays},
		{Every: 1, Unit: data.SeriesDays, Until: dayOf(t, "2026-03-01", time.UTC)},
	} {
		if _, _, _, err := Occurrences(start, "09:00", berlin, r); err == nil {
			t.Errorf("%+v was accepted", r)
		}
	}
}

func TestScheduleSeriesAndDeleteFuture(t *testing.T) {
	berlin := tmZone(t, "Europe/Berlin")
	e := newQueueEnv(t, tmInstant(t, "2026-03-01T12:00:00Z"))
	acc := e.account(t, "@a", "")
	ctx := context.Background()

	// A draft saved first is replaced by the series.
	draft, err := e.app.SaveDraft(ctx, Draft{Text: "weekly tip", AccountIDs: []int64{acc.ID}})
	if err != nil {
		t.Fatal(err)
	}
	d := Draft{PostID: draft.ID, Text: "weekly tip", AccountIDs: []int64{acc.ID}, Day: dayOf(t, "2026-03-02", berlin), Clock: "09:00", Zone: berlin}
	first, n, note, err := e.app.ScheduleSeries(ctx, d, Repeat{Every: 2, Unit: data.SeriesWeeks, Count: 5})
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 || note != "" || !first.PlannedAt.Equal(tmInstant(t, "2026-03-02T08:00:00Z")) || first.State != data.StateScheduled {
		t.Fatalf("series: n=%d note=%q first=%v %s", n, note, first.PlannedAt, first.State)
	}
	if _, err := e.app.Post(ctx, draft.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("the draft the series was made from: %v, want gone", err)
	}
	es, err := e.app.Store.CalendarEntries(ctx, tmInstant(t, "2026-03-01T00:00:00Z"), tmInstant(t, "2026-06-01T00:00:00Z"))
	if err != nil || len(es) != 5 {
		t.Fatalf("calendar: %d entries, %v", len(es), err)
	}
	sr, err := e.app.PostSeries(ctx, es[2].PostID)
	if err != nil || es[0].SeriesID != sr.ID || es[4].SeriesID != sr.ID || sr.EveryN != 2 || sr.Unit != data.SeriesWeeks {
		t.Fatalf("series %+v (%v); entries %+v", sr, err, es)
	}

	// "This and all future ones" from the third.
	deleted, kept, err := e.app.DeleteSeriesFrom(ctx, es[2].PostID)
	if err != nil || deleted != 3 || kept != 0 {
		t.Fatalf("delete future: %d deleted, %d kept, %v", deleted, kept, err)
	}
	left, _ := e.app.Store.CalendarEntries(ctx, tmInstant(t, "2026-03-01T00:00:00Z"), tmInstant(t, "2026-06-01T00:00:00Z"))
	if len(left) != 2 || left[0].PostID != es[0].PostID || left[1].PostID != es[1].PostID {
		t.Fatalf("left: %+v, want the first two", left)
	}
	// A lone post has no series to delete from.
	lone, _, err := e.app.Schedule(ctx, Draft{Text: "alone", AccountIDs: []int64{acc.ID}, Day: dayOf(t, "2026-03-03", berlin), Clock: "10:00", Zone: berlin})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.app.DeleteSeriesFrom(ctx, lone.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("delete future of a lone post: %v, want ErrNotFound", err)
	}

	// A series starting in the past is refused, nothing stored.
	_, _, _, err = e.app.ScheduleSeries(ctx, Draft{Text: "late", AccountIDs: []int64{acc.ID}, Day: dayOf(t, "2026-02-01", berlin), Clock: "09:00", Zone: berlin},
		Repeat{Every: 1, Unit: data.SeriesDays, Count: 3})
	if !errors.Is(err, ErrInPast) {
		t.Fatalf("past series: %v, want ErrInPast", err)
	}
	// A series cut at the cap says so.
	_, n, note, err = e.app.ScheduleSeries(ctx, Draft{Text: "daily", AccountIDs: []int64{acc.ID}, Day: dayOf(t, "2026-03-02", berlin), Clock: "12:00", Zone: berlin},
		Repeat{Every: 1, Unit: data.SeriesDays, Until: dayOf(t, "2027-12-31", time.UTC)})
	if err != nil || n != maxSeriesPosts || !strings.Contains(note, "up to 100 posts") {
		t.Fatalf("capped series: n=%d note=%q err=%v", n, note, err)
	}
}
