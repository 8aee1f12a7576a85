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

// CalendarFilter narrows what the calendar shows. The zero value keeps
// every post. Fields combine with AND, the values inside one field with OR.
type CalendarFilter struct {
	AccountIDs []int64     // posts with a target on one of these accounts
	Networks   []string    // posts going to one of these networks
	States     []PostState // posts in one of these states (the post's own state)
	Text       string      // posts whose title or text holds this (ASCII letters in any case)
	LabelIDs   []int64     // posts with one of these labels
}

// IsZero reports whether f keeps every post.
func (f CalendarFilter) IsZero() bool {
	return len(f.AccountIDs) == 0 && len(f.Networks) == 0 && len(f.States) == 0 && len(f.LabelIDs) == 0 &&
		strings.TrimSpace(f.Text) == ""
}

// where is the SQL condition (on posts) and its arguments for posts planned
// in [from, to) that pass f. Without a filter it is the range alone, which
// SQLite answers from the covering index posts_calendar; network and state
// are read from that index too, accounts from targets' (post_id, account_id)
// index, labels from post_labels' primary key, and only text reads the
// posts themselves.
func (f CalendarFilter) where(from, to time.Time) (string, []any) {
	args := []any{from.UnixMilli(), to.UnixMilli()}
	if f.IsZero() {
		return rangeOnly, args
	}
	var b strings.Builder
	b.WriteString(rangeOnly)
	anyOf := func(n int, clause string) {
		b.WriteString(" AND (")
		for i := range n {
			if i > 0 {
				b.WriteString(" OR ")
			}
			b.WriteString(clause)
		}
		b.WriteString(")")
	}
	if len(f.States) > 0 {
		anyOf(len(f.States), "state = ?")
		for _, st := range f.States {
			args = append(args, string(st))
		}
	}
	if len(f.Networks) > 0 {
		// networks is a comma-separated list of names that hold no comma
		anyOf(len(f.Networks), "instr(',' || networks || ',', ?) > 0")
		for _, n := range f.Networks {
			args = append(args, ","+n+",")
		}
	}
	if len(f.AccountIDs) > 0 {
		b.WriteString(" AND EXISTS (SELECT 1 FROM targets t WHERE t.post_id = posts.id AND t.account_id IN (" +
			placeholders(len(f.AccountIDs)) + "))")
		for _, id := range f.AccountIDs {
			args = append(args, id)
		}
	}
	if len(f.LabelIDs) > 0 {
		// one probe per post on post_labels' primary key (post_id, label_id)
		b.WriteString(" AND EXISTS (SELECT 1 FROM post_labels pl WHERE pl.post_id = posts.id AND pl.label_id IN (" +
			placeholders(len(f.LabelIDs)) + "))")
		for _, id := range f.LabelIDs {
			args = append(args, id)
		}
	}
	if q := strings.TrimSpace(f.Text); q != "" {
		b.WriteString(` AND (title LIKE ? ESCAPE '\' OR text LIKE ? ESCAPE '\')`)
		pat := "%" + likeEscaper.Replace(q) + "%"
		args = append(args, pat, pat)
	}
	return b.String(), args
}

// likeEscaper makes LIKE match a search text literally.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// calendarBlobQuery reads the calendar as one string (see fieldSep); a
// condition from CalendarFilter.where follows it.
const calendarBlobQuery = `SELECT count(*), coalesce(group_concat(
			id || char(31) || planned_at || char(31) || state || char(31) || zone || char(31) || networks || char(31) ||
			coalesce(series_id, 0) || char(31) || snippet,
			char(30)), '')
		FROM posts WHERE `

// rangeOnly is CalendarFilter.where without a filter.
const rangeOnly = "planned_at >= ? AND planned_at < ?"

// CalendarEntries returns posts planned in [from, to), ordered by time (then
// id). Undated drafts are not included. It reads one covering index.
func (s *Store) CalendarEntries(ctx context.Context, from, to time.Time) ([]CalendarEntry, error) {
	return s.CalendarFiltered(ctx, from, to, CalendarFilter{})
}

// CalendarFiltered is CalendarEntries for the posts that pass f.
func (s *Store) CalendarFiltered(ctx context.Context, from, to time.Time, f CalendarFilter) ([]CalendarEntry, error) {
	where, args := f.where(from, to)
	query := calendarBlobQuery + rangeOnly // a constant without a filter
	if where != rangeOnly {
		query = calendarBlobQuery + where
	}
	var n int
	var blob string
	err := s.r.QueryRowContext(ctx, query, args...).Scan(&n, &blob)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	if es, ok := parseCalendar(n, blob); ok {
		return es, nil
	}
	calendarFallbacks.Add(1)
	return s.calendarQuery(ctx, where, args)
}

// CalendarCount counts the posts planned in [from, to) that pass f.
func (s *Store) CalendarCount(ctx context.Context, from, to time.Time, f CalendarFilter) (int, error) {
	where, args := f.where(from, to)
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM posts WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("calendar count: %w", err)
	}
	return n, nil
}

// CalendarPage returns at most limit of the posts CalendarFiltered would,
// skipping the first offset: the list view reads a long range a page at a
// time, never all of it.
func (s *Store) CalendarPage(ctx context.Context, from, to time.Time, f CalendarFilter, offset, limit int) ([]CalendarEntry, error) {
	if offset < 0 || limit <= 0 {
		return nil, fmt.Errorf("calendar page: offset %d, limit %d", offset, limit)
	}
	where, args := f.where(from, to)
	return s.calendarQuery(ctx, where+" ORDER BY planned_at, id LIMIT ? OFFSET ?", append(args, limit, offset))
}

func parseCalendar(n int, blob string) ([]CalendarEntry, bool) {
	es := make([]CalendarEntry, 0, n)
	if n == 0 {
		return es, blob == ""
	}
	for rec := range strings.SplitSeq(blob, rowSep) {
		var f [6]string
		for i := range f {
			var ok bool
			if f[i], rec, ok = strings.Cut(rec, fieldSep); !ok {
				return nil, false
			}
		}
		id, err1 := strconv.ParseInt(f[0], 10, 64)
		planned, err2 := strconv.ParseInt(f[1], 10, 64)
		series, err3 := strconv.ParseInt(f[5], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, false
		}
		es = append(es, CalendarEntry{PostID: id, PlannedAt: time.UnixMilli(planned).UTC(),
			State: PostState(f[2]), Zone: f[3], Networks: f[4], SeriesID: series, Snippet: rec})
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
	where, args := CalendarFilter{}.where(from, to)
	return s.calendarQuery(ctx, where, args)
}

// calendarQuery reads calendar entries row by row; where is a condition
// from CalendarFilter.where, possibly with its own ORDER BY and LIMIT.
func (s *Store) calendarQuery(ctx context.Context, where string, args []any) ([]CalendarEntry, error) {
	if !strings.Contains(where, "ORDER BY") {
		where += " ORDER BY planned_at, id"
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, planned_at, zone, state, snippet, networks, coalesce(series_id, 0) FROM posts
		WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	defer rows.Close()
	es := make([]CalendarEntry, 0, 64)
	for rows.Next() {
		var e CalendarEntry
		var planned int64
		if err := rows.Scan(&e.PostID, &planned, &e.Zone, &e.State, &e.Snippet, &e.Networks, &e.SeriesID); err != nil {
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
