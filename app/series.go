package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"localpost/data"
)

// A series is planned at most this far ahead, and holds at most this many
// posts: each occurrence is a stored post, so an endless repeat is cut.
const (
	maxSeriesPosts = 100
	maxSeriesYears = 1
)

// Repeat says how a post repeats: every Every days or weeks, until the day
// Until (inclusive, read in the draft's zone) or Count posts in all,
// whichever comes first. At least one of Until and Count is needed.
type Repeat struct {
	Every int
	Unit  data.SeriesUnit
	Until time.Time // year, month and day are used; zero = by Count
	Count int       // posts in all, the first included; 0 = until Until
}

// Occurrences expands a repeat from the first day and clock in loc. Every
// occurrence keeps the wall-clock time in loc (09:00 stays 09:00 across a
// DST change); one falling into a gap or an overlap is resolved as
// ResolveTime does and its note is returned. capped is true when the
// series was cut at maxSeriesPosts posts or maxSeriesYears.
func Occurrences(first time.Time, clock string, loc *time.Location, r Repeat) (ats []time.Time, notes []string, capped bool, err error) {
	if loc == nil {
		loc = time.Local
	}
	if r.Every < 1 {
		return nil, nil, false, errors.New("a post repeats every 1 or more days or weeks")
	}
	step := 0
	switch r.Unit {
	case data.SeriesDays:
		step = r.Every
	case data.SeriesWeeks:
		step = 7 * r.Every
	default:
		return nil, nil, false, fmt.Errorf("a post repeats every few days or weeks, not %q", r.Unit)
	}
	if r.Until.IsZero() && r.Count <= 0 {
		return nil, nil, false, errors.New("say until which day the post repeats, or how many times")
	}
	day0 := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc)
	var last time.Time
	if !r.Until.IsZero() {
		last = time.Date(r.Until.Year(), r.Until.Month(), r.Until.Day(), 0, 0, 0, 0, loc)
		if last.Before(day0) {
			return nil, nil, false, fmt.Errorf("the repeat ends on %s, before the first post on %s; pick a later end",
				last.Format("2 Jan 2006"), day0.Format("2 Jan 2006"))
		}
	}
	limit := day0.AddDate(maxSeriesYears, 0, 0)
	for i := 0; ; i++ {
		day := day0.AddDate(0, 0, i*step) // calendar days: DST days are not 24 hours
		if !last.IsZero() && day.After(last) || r.Count > 0 && i >= r.Count {
			return ats, notes, false, nil
		}
		if i >= maxSeriesPosts || day.After(limit) {
			return ats, notes, true, nil
		}
		t, note, err := ResolveTime(day, clock, loc)
		if err != nil {
			return nil, nil, false, err
		}
		ats = append(ats, t)
		if note != "" {
			notes = append(notes, note)
		}
	}
}

// ScheduleSeries checks the draft and schedules it with its repeats, each a
// post of its own tied together as a series, in one transaction. A draft
// already stored (d.PostID) is replaced by the series. It returns the first
// post, how many posts the series has, and a note to show the user (DST
// adjustments, a cut at the cap).
func (a *App) ScheduleSeries(ctx context.Context, d Draft, r Repeat) (first data.Post, n int, note string, err error) {
	if probs := a.Check(ctx, d); len(probs) > 0 {
		return data.Post{}, 0, "", &ProblemsError{probs}
	}
	if d.Zone == nil {
		d.Zone = a.Location()
	}
	ats, notes, capped, err := Occurrences(d.Day, d.Clock, d.Zone, r)
	if err != nil {
		return data.Post{}, 0, "", err
	}
	if ats[0].Before(a.now().Add(-time.Minute)) {
		return data.Post{}, 0, "", ErrInPast
	}
	old := d.PostID
	d.PostID = 0
	posts := make([]data.Post, len(ats))
	for i, at := range ats {
		posts[i] = toPost(d, at, data.StateScheduled)
	}
	sr := data.Series{EveryN: r.Every, Unit: r.Unit, Count: r.Count}
	if !r.Until.IsZero() {
		sr.Until = time.Date(r.Until.Year(), r.Until.Month(), r.Until.Day(), 0, 0, 0, 0, time.UTC) // a date, not an instant
	}
	_, ids, err := a.Store.CreateSeries(ctx, sr, posts)
	if err != nil {
		return data.Post{}, 0, "", err
	}
	a.changed()
	a.Wake()
	notes = slices.Compact(notes)
	if capped {
		notes = append(notes, fmt.Sprintf("Repeats are planned up to %d posts or a year ahead: %d posts, the last on %s. Repeat the series from there when the time comes.",
			maxSeriesPosts, len(ats), ats[len(ats)-1].In(d.Zone).Format("2 January 2006")))
	}
	if old != 0 {
		if err := a.Store.DeletePost(ctx, old); err != nil && !errors.Is(err, data.ErrNotFound) {
			notes = append(notes, "The repeats are planned, but the draft they were made from could not be removed ("+err.Error()+"); delete it yourself.")
		}
	}
	first, err = a.Store.Post(ctx, ids[0])
	if err != nil {
		return data.Post{}, 0, "", err
	}
	return first, len(ids), strings.Join(notes, "\n"), nil
}

// PostSeries returns the series a post belongs to, or data.ErrNotFound.
func (a *App) PostSeries(ctx context.Context, postID int64) (data.Series, error) {
	return a.Store.PostSeries(ctx, postID)
}

// DeleteSeriesFrom deletes a post of a series and every later one; posts
// publishing, published or uncertain stay (kept counts them). A network
// holding one for its own scheduler is asked to take it back.
func (a *App) DeleteSeriesFrom(ctx context.Context, postID int64) (deleted, kept int, err error) {
	sr, err := a.Store.PostSeries(ctx, postID)
	if err != nil {
		return 0, 0, err
	}
	p, err := a.Store.Post(ctx, postID)
	if err != nil {
		return 0, 0, err
	}
	ids, kept, err := a.Store.DeleteSeriesFrom(ctx, sr.ID, p.PlannedAt)
	if err != nil {
		return 0, 0, err
	}
	a.changed()
	a.Wake()
	return len(ids), kept, nil
}

// UpdateSeriesFrom schedules the edited draft of a post of a series (its
// PostID) and applies it to every later post of the series still draft or
// scheduled: text, title, media with alt texts, accounts with their
// variants and options, labels; they are all scheduled. When the time of
// day (or zone) changed, each later post moves to the new time on its own
// date, resolved as ResolveTime does (notes say where a DST change moved
// one); otherwise later posts keep their times. Posts publishing,
// published, uncertain, failed or missed stay as they are (kept counts
// them). Everything is changed in one transaction; networks holding a
// post for their own scheduler are told as Schedule tells them.
func (a *App) UpdateSeriesFrom(ctx context.Context, postID int64, d Draft) (changed, kept int, notes []string, err error) {
	if probs := a.Check(ctx, d); len(probs) > 0 {
		return 0, 0, nil, &ProblemsError{probs}
	}
	if d.Zone == nil {
		d.Zone = a.Location()
	}
	at, note, err := ResolveTime(d.Day, d.Clock, d.Zone)
	if err != nil {
		return 0, 0, nil, err
	}
	if at.Before(a.now().Add(-time.Minute)) {
		return 0, 0, nil, ErrInPast
	}
	if note != "" {
		notes = append(notes, note)
	}
	d.PostID = postID
	var moved bool
	edit := func(old data.Post) (data.Post, error) {
		if old.ID == postID {
			ol := postZone(old, d.Zone)
			moved = old.PlannedAt.IsZero() || ol.String() != d.Zone.String() ||
				old.PlannedAt.In(ol).Format("15:04") != d.Clock
			return toPost(d, at, data.StateScheduled), nil
		}
		t := old.PlannedAt
		if moved { // the same new clock on the post's own date
			var note string
			var err error
			t, note, err = ResolveTime(old.PlannedAt.In(postZone(old, d.Zone)), d.Clock, d.Zone)
			if err != nil {
				return data.Post{}, err
			}
			if note != "" {
				notes = append(notes, note)
			}
		}
		return toPost(d, t, data.StateScheduled), nil
	}
	ids, kept, err := a.Store.UpdateSeriesFrom(ctx, postID, edit)
	if err != nil {
		return 0, 0, nil, err
	}
	a.changed()
	a.Wake() // a network holding a post is told by the publisher (native.go)
	return len(ids), kept, slices.Compact(notes), nil
}

// postZone is the zone a post was planned in, def when it has none.
func postZone(p data.Post, def *time.Location) *time.Location {
	if p.Zone != "" {
		if l, err := time.LoadLocation(p.Zone); err == nil {
			return l
		}
	}
	return def
}
