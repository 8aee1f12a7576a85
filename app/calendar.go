package app

import (
	"context"
	"time"

	"localpost/data"
)

// Calendar returns the posts planned in [from, to) that pass f, in time
// order: the month, week and day views.
func (a *App) Calendar(ctx context.Context, from, to time.Time, f data.CalendarFilter) ([]data.CalendarEntry, error) {
	return a.Store.CalendarFiltered(ctx, from, to, f)
}

// CalendarCount counts the posts planned in [from, to) that pass f: the
// length of the list view.
func (a *App) CalendarCount(ctx context.Context, from, to time.Time, f data.CalendarFilter) (int, error) {
	return a.Store.CalendarCount(ctx, from, to, f)
}

// CalendarPage returns limit of those posts from offset on: the rows of
// the list view that are on screen.
func (a *App) CalendarPage(ctx context.Context, from, to time.Time, f data.CalendarFilter, offset, limit int) ([]data.CalendarEntry, error) {
	return a.Store.CalendarPage(ctx, from, to, f, offset, limit)
}

// CalendarLabels returns the labels of the posts planned in [from, to), by
// post id, for the calendar's chips; posts without labels are absent.
func (a *App) CalendarLabels(ctx context.Context, from, to time.Time) (map[int64][]data.Label, error) {
	return a.Store.CalendarLabels(ctx, from, to)
}
