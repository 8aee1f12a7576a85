package data

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// The month view asks for ~800 rows at a time. Row by row, database/sql and
// the driver cost two locked calls per column per row, which is most of the
// time; so the fast path asks SQLite for one string holding every row
// (fields split by US, rows by RS) and cuts it up in Go without copying.
// Snippet never holds a control character, zones and network names are
// checked on write, and the row count is compared, so a value that still
// holds a separator only sends the query down the plain path.
const (
	fieldSep = "\x1f" // ASCII unit separator
	rowSep   = "\x1e" // ASCII record separator
)

// calendarFallbacks counts trips down the plain path, for tests.
var calendarFallbacks atomic.Int64

// CalendarEntries returns posts planned in [from, to), ordered by time (then
// id). Undated drafts are not included. It reads one covering index.
func (s *Store) CalendarEntries(ctx context.Context, from, to time.Time) ([]CalendarEntry, error) {
	var n int
	var blob string
	err := s.r.QueryRowContext(ctx, `SELECT count(*), coalesce(group_concat(
			id || char(31) || planned_at || char(31) || state || char(31) || zone || char(31) || networks || char(31) || snippet,
			char(30)), '')
		FROM posts WHERE planned_at >= ? AND planned_at < ?`, from.UnixMilli(), to.UnixMilli()).Scan(&n, &blob)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	if es, ok := parseCalendar(n, blob); ok {
		return es, nil
	}
	calendarFallbacks.Add(1)
	return s.calendarRows(ctx, from, to)
}

func parseCalendar(n int, blob string) ([]CalendarEntry, bool) {
	es := make([]CalendarEntry, 0, n)
	if n == 0 {
		return es, blob == ""
	}
	for rec := range strings.SplitSeq(blob, rowSep) {
		var f [5]string
		for i := range f {
			var ok bool
			if f[i], rec, ok = strings.Cut(rec, fieldSep); !ok {
				return nil, false
			}
		}
		id, err1 := strconv.ParseInt(f[0], 10, 64)
		planned, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, false
		}
		es = append(es, CalendarEntry{PostID: id, PlannedAt: time.UnixMilli(planned).UTC(),
			State: PostState(f[2]), Zone: f[3], Networks: f[4], Snippet: rec})
	}
	if len(es) != n {
		return nil, false
	}
	// group_concat promises no order; the index gives it in practice, so
	// this sort is a cheap pass over sorted data.
	slices.SortFunc(es, func(a, b CalendarEntry) int {
		return cmp.Or(a.PlannedAt.Compare(b.PlannedAt), cmp.Compare(a.PostID, b.PostID))
	})
	return es, true
}

// calendarRows is the plain row-by-row form of CalendarEntries.
func (s *Store) calendarRows(ctx context.Context, from, to time.Time) ([]CalendarEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, planned_at, zone, state, snippet, networks FROM posts
		WHERE planned_at >= ? AND planned_at < ? ORDER BY planned_at, id`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	defer rows.Close()
	es := make([]CalendarEntry, 0, 64)
	for rows.Next() {
		var e CalendarEntry
		var planned int64
		if err := rows.Scan(&e.PostID, &planned, &e.Zone, &e.State, &e.Snippet, &e.Networks); err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
		e.PlannedAt = time.UnixMilli(planned).UTC()
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	return es, nil
}

// hasControl reports whether s holds a control character (which names and
// zones never do).
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}
