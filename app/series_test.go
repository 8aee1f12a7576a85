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

func TestUpdateSeriesFrom(t *testing.T) {
	berlin := tmZone(t, "Europe/Berlin")
	e := newQueueEnv(t, tmInstant(t, "2026-03-01T12:00:00Z"))
	acc := e.account(t, "@a", "")
	ctx := context.Background()
	d := Draft{Text: "weekly tip", AccountIDs: []int64{acc.ID}, Labels: []string{"tips"}, Day: dayOf(t, "2026-03-16", berlin), Clock: "09:00", Zone: berlin}
	first, _, _, err := e.app.ScheduleSeries(ctx, d, Repeat{Every: 1, Unit: data.SeriesWeeks, Count: 4})
	if err != nil {
		t.Fatal(err)
	}
	sr, _ := e.app.PostSeries(ctx, first.ID)
	ids, _ := e.app.Store.SeriesPosts(ctx, sr.ID)
	if len(ids) != 4 {
		t.Fatalf("series posts %v", ids)
	}
	// The third (30 March, summer time) was published.
	p2, _ := e.app.Post(ctx, ids[2])
	if err := e.app.Store.SetTargetState(ctx, p2.Targets[0].ID, data.StatePublished, "", time.Time{}); err != nil {
		t.Fatal(err)
	}

	// "Only this one": Schedule changes the first alone; it stays in the series.
	one := e.app.DraftFromPost(first, berlin)
	one.Text = "only the first"
	if _, _, err := e.app.Schedule(ctx, one); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		p, _ := e.app.Post(ctx, id)
		if want := map[bool]string{true: "only the first", false: "weekly tip"}[i == 0]; p.Text != want {
			t.Errorf("after only this one: post %d says %q, want %q", i, p.Text, want)
		}
		if got, err := e.app.PostSeries(ctx, id); err != nil || got.ID != sr.ID {
			t.Errorf("post %d left the series: %v", i, err)
		}
	}

	// "This and all later ones" from the second: new text, media with alt,
	// a variant, labels and 10:30 instead of 09:00.
	img, err := e.app.AddMedia(ctx, writePNG(t, t.TempDir(), "tip.png"))
	if err != nil {
		t.Fatal(err)
	}
	img.Alt = "a chart"
	p1, _ := e.app.Post(ctx, ids[1])
	ed := e.app.DraftFromPost(p1, berlin)
	ed.Text, ed.Clock, ed.Media, ed.Labels = "new tip", "10:30", []DraftMedia{img}, []string{"tips", "new"}
	ed.Variants = map[int64]Variant{acc.ID: {Text: "new tip for mastodon"}}
	changed, kept, notes, err := e.app.UpdateSeriesFrom(ctx, ids[1], ed)
	if err != nil {
		t.Fatal(err)
	}
	if changed != 2 || kept != 1 || len(notes) != 0 {
		t.Fatalf("changed %d kept %d notes %q; want 2, 1, none", changed, kept, notes)
	}
	want := []struct {
		text, at string
		edited   bool
	}{
		{"only the first", "2026-03-16T08:00:00Z", false},
		{"new tip", "2026-03-23T09:30:00Z", true},     // 10:30 CET
		{"weekly tip", "2026-03-30T07:00:00Z", false}, // published: kept
		{"new tip", "2026-04-06T08:30:00Z", true},     // 10:30 CEST
	}
	for i, id := range ids {
		p, _ := e.app.Post(ctx, id)
		w := want[i]
		if p.Text != w.text || !p.PlannedAt.Equal(tmInstant(t, w.at)) {
			t.Errorf("post %d: %q at %s; want %q at %s", i, p.Text, p.PlannedAt.Format(time.RFC3339), w.text, w.at)
		}
		if !w.edited {
			continue
		}
		if len(p.Media) != 1 || p.Media[0].ID != img.MediaID || p.Media[0].Alt != "a chart" ||
			len(p.Targets) != 1 || p.Targets[0].TextOverride != "new tip for mastodon" || p.Targets[0].State != data.StateScheduled ||
			strings.Join(p.Labels, ",") != "tips,new" {
			t.Errorf("post %d: media %+v targets %+v labels %v", i, p.Media, p.Targets, p.Labels)
		}
	}

	// A daily series at 09:00 moved to 02:30 from 28 March: on 29 March
	// 02:30 does not exist in Berlin; that post goes at 03:30, noted.
	first, _, _, err = e.app.ScheduleSeries(ctx, Draft{Text: "daily", AccountIDs: []int64{acc.ID}, Day: dayOf(t, "2026-03-27", berlin), Clock: "09:00", Zone: berlin},
		Repeat{Every: 1, Unit: data.SeriesDays, Count: 4})
	if err != nil {
		t.Fatal(err)
	}
	sr, _ = e.app.PostSeries(ctx, first.ID)
	ids, _ = e.app.Store.SeriesPosts(ctx, sr.ID)
	p1, _ = e.app.Post(ctx, ids[1])
	ed = e.app.DraftFromPost(p1, berlin)
	ed.Clock = "02:30"
	changed, kept, notes, err = e.app.UpdateSeriesFrom(ctx, ids[1], ed)
	if err != nil || changed != 3 || kept != 0 || len(notes) != 1 || !strings.Contains(notes[0], "29 March") {
		t.Fatalf("daily to 02:30: changed %d kept %d notes %q err %v", changed, kept, notes, err)
	}
	var ats []time.Time
	for _, id := range ids {
		p, _ := e.app.Post(ctx, id)
		ats = append(ats, p.PlannedAt)
	}
	if want := "2026-03-27T08:00Z,2026-03-28T01:30Z,2026-03-29T01:30Z,2026-03-30T00:30Z"; fmtAll(ats) != want {
		t.Fatalf("daily moved to 02:30:\n got %s\nwant %s", fmtAll(ats), want)
	}

	// The time gone by: refused, nothing changed.
	ed.Day, ed.Clock = dayOf(t, "2026-02-01", berlin), "09:00"
	if _, _, _, err := e.app.UpdateSeriesFrom(ctx, ids[1], ed); !errors.Is(err, ErrInPast) {
		t.Fatalf("past: %v, want ErrInPast", err)
	}
	// A post on its own has no series.
	lone, _, _ := e.app.Schedule(ctx, Draft{Text: "alone", AccountIDs: []int64{acc.ID}, Day: dayOf(t, "2026-03-20", berlin), Clock: "10:00", Zone: berlin})
	ed = e.app.DraftFromPost(lone, berlin)
	if _, _, _, err := e.app.UpdateSeriesFrom(ctx, lone.ID, ed); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("lone: %v, want ErrNotFound", err)
	}
}

// Deleting one post of a series can be undone, back into its series.
func TestSeriesDeleteOneUndo(t *testing.T) {
	berlin := tmZone(t, "Europe/Berlin")
	e := newQueueEnv(t, tmInstant(t, "2026-03-01T12:00:00Z"))
	acc := e.account(t, "@a", "")
	ctx := context.Background()
	first, _, _, err := e.app.ScheduleSeries(ctx, Draft{Text: "tip", AccountIDs: []int64{acc.ID}, Day: dayOf(t, "2026-03-16", berlin), Clock: "09:00", Zone: berlin},
		Repeat{Every: 1, Unit: data.SeriesWeeks, Count: 3})
	if err != nil {
		t.Fatal(err)
	}
	sr, _ := e.app.PostSeries(ctx, first.ID)
	ids, _ := e.app.Store.SeriesPosts(ctx, sr.ID)
	undo, err := e.app.DeleteWithUndo(ctx, ids[1])
	if err != nil || !undo {
		t.Fatalf("delete: undo=%v %v", undo, err)
	}
	back, err := e.app.UndoDelete(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.app.PostSeries(ctx, back.ID); err != nil || got.ID != sr.ID {
		t.Fatalf("restored post's series %+v, %v; want %d", got, err, sr.ID)
	}
	if left, _ := e.app.Store.SeriesPosts(ctx, sr.ID); len(left) != 3 {
		t.Fatalf("series after undo: %v", left)
	}
}
