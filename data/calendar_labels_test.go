package data

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestCalendarLabelFilter keeps the posts with one of the asked labels,
// with the other filters too, and the labels come back per post for the
// chips.
func TestCalendarLabelFilter(t *testing.T) {
	s, acc, from, to := calendarFixture(t)
	ctx := context.Background()
	for _, pl := range []struct {
		id    int64
		names []string
	}{{1, []string{"Sale", "Summer"}}, {3, []string{"summer"}}, {4, []string{"Sale"}}, {6, []string{"Thanks"}}} {
		if err := s.SetPostLabels(ctx, pl.id, pl.names); err != nil {
			t.Fatal(err)
		}
	}
	byName := map[string]int64{}
	ls, err := s.Labels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		byName[l.Name] = l.ID
	}
	cases := []struct {
		name string
		f    CalendarFilter
		want []int64
	}{
		{"one label", CalendarFilter{LabelIDs: []int64{byName["Sale"]}}, []int64{1, 4}},
		{"two labels", CalendarFilter{LabelIDs: []int64{byName["Summer"], byName["Thanks"]}}, []int64{1, 3, 6}},
		{"no such label", CalendarFilter{LabelIDs: []int64{9999}}, []int64{}},
		{"label and account", CalendarFilter{LabelIDs: []int64{byName["Sale"]}, AccountIDs: []int64{acc["x2"].ID}}, []int64{4}},
		{"label and state", CalendarFilter{LabelIDs: []int64{byName["Summer"]}, States: []PostState{StateFailed}}, []int64{3}},
	}
	for _, c := range cases {
		if c.f.IsZero() {
			t.Fatalf("%s: a label filter counts as no filter", c.name)
		}
		es, err := s.CalendarFiltered(ctx, from, to, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := ids(es); !slices.Equal(got, c.want) {
			t.Errorf("%s: got posts %v, want %v", c.name, got, c.want)
		}
		n, err := s.CalendarCount(ctx, from, to, c.f)
		if err != nil || n != len(c.want) {
			t.Errorf("%s: count %d, %v; want %d", c.name, n, err, len(c.want))
		}
		p, err := s.CalendarPage(ctx, from, to, c.f, 0, 50)
		if err != nil || !slices.Equal(ids(p), c.want) {
			t.Errorf("%s: page %v, %v", c.name, ids(p), err)
		}
	}
	got, err := s.CalendarLabels(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || len(got[1]) != 2 || got[1][0].Name != "Sale" || got[1][1].Name != "Summer" || got[3][0].Name != "Summer" {
		t.Errorf("calendar labels: %v", got)
	}
}

// TestCalendarLabelQueryPlan keeps the range on the covering index with a
// label filter, probing post_labels by its primary key, and keeps the
// unfiltered month on the covering index alone.
func TestCalendarLabelQueryPlan(t *testing.T) {
	s := mustOpen(t)
	from, to := at("2026-07-01T00:00:00Z"), at("2026-08-01T00:00:00Z")
	plan := func(query string, args []any) string {
		t.Helper()
		rows, err := s.r.Query(`EXPLAIN QUERY PLAN `+query, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			out += detail + "\n"
		}
		return out
	}
	where, args := CalendarFilter{LabelIDs: []int64{1, 2}, States: []PostState{StateScheduled}}.where(from, to)
	p := plan(`SELECT id FROM posts WHERE `+where+` ORDER BY planned_at, id`, args)
	if !strings.Contains(p, "posts_calendar") || strings.Contains(p, "TEMP B-TREE") || strings.Contains(p, "SCAN pl") ||
		!strings.Contains(p, "PRIMARY KEY") {
		t.Errorf("label plan:\n%s", p)
	}
	where, args = CalendarFilter{}.where(from, to)
	if where != rangeOnly {
		t.Fatalf("unfiltered where = %q", where)
	}
	p = plan(calendarBlobQuery+where, args)
	if !strings.Contains(p, "COVERING INDEX posts_calendar") || strings.Contains(p, "post_labels") {
		t.Errorf("unfiltered plan:\n%s", p)
	}
}
