package data

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// calendarFixture is a store with eight posts over two days on three
// accounts of two networks, in several states; ids in time order.
func calendarFixture(t *testing.T) (s *Store, acc map[string]Account, from, to time.Time) {
	t.Helper()
	s = mustOpen(t)
	acc = map[string]Account{
		"masto": mustAccount(t, s, "mastodon", "m1"),
		"x":     mustAccount(t, s, "x", "x1"),
		"x2":    mustAccount(t, s, "x", "x2"),
	}
	base := at("2026-07-14T06:00:00Z")
	posts := []struct {
		text, title string
		accs        []string
		state       PostState
	}{
		{"Summer sale starts", "", []string{"masto"}, StateScheduled},
		{"Behind the scenes", "", []string{"x"}, StatePublished},
		{"Summer recipes", "Recipes", []string{"masto", "x"}, StateFailed},
		{"100% organic", "", []string{"x2"}, StateScheduled},
		{"Snake_case and percent", "", []string{"masto"}, StateDraft},
		{"Thanks everyone", "", []string{"x", "x2"}, StateScheduled},
		{"WINTER is coming", "", []string{"masto"}, StateScheduled},
		{"A post with a title", "Summer news", []string{"x"}, StatePublished},
	}
	for i, p := range posts {
		var ts []Target
		for _, a := range p.accs {
			ts = append(ts, Target{AccountID: acc[a].ID, State: StateScheduled})
		}
		mustPost(t, s, Post{Text: p.text, Title: p.title, PlannedAt: base.Add(time.Duration(i) * 5 * time.Hour),
			Zone: "Europe/Berlin", Targets: ts})
		if p.state != StateScheduled { // the post's state as the publisher would leave it
			if _, err := s.w.Exec(`UPDATE posts SET state = ? WHERE id = ?`, p.state, i+1); err != nil {
				t.Fatal(err)
			}
		}
	}
	return s, acc, base, base.Add(48 * time.Hour)
}

func ids(es []CalendarEntry) []int64 {
	out := []int64{}
	for _, e := range es {
		out = append(out, e.PostID)
	}
	return out
}

func TestCalendarFiltered(t *testing.T) {
	s, acc, from, to := calendarFixture(t)
	ctx := context.Background()
	cases := []struct {
		name string
		f    CalendarFilter
		want []int64
	}{
		{"none", CalendarFilter{}, []int64{1, 2, 3, 4, 5, 6, 7, 8}},
		{"one account", CalendarFilter{AccountIDs: []int64{acc["x2"].ID}}, []int64{4, 6}},
		{"two accounts", CalendarFilter{AccountIDs: []int64{acc["x2"].ID, acc["masto"].ID}}, []int64{1, 3, 4, 5, 6, 7}},
		{"network", CalendarFilter{Networks: []string{"mastodon"}}, []int64{1, 3, 5, 7}},
		{"network x", CalendarFilter{Networks: []string{"x"}}, []int64{2, 3, 4, 6, 8}},
		{"no such network", CalendarFilter{Networks: []string{"mast"}}, []int64{}},
		{"state", CalendarFilter{States: []PostState{StateFailed, StatePublished}}, []int64{2, 3, 8}},
		{"text any case", CalendarFilter{Text: "summer"}, []int64{1, 3, 8}},
		{"text in title", CalendarFilter{Text: "RECIPES"}, []int64{3}},
		{"percent literally", CalendarFilter{Text: "100%"}, []int64{4}},
		{"underscore literally", CalendarFilter{Text: "e_c"}, []int64{5}},
		{"wildcard is no wildcard", CalendarFilter{Text: "%"}, []int64{4}},
		{"spaces only", CalendarFilter{Text: "  "}, []int64{1, 2, 3, 4, 5, 6, 7, 8}},
		{"all combined", CalendarFilter{AccountIDs: []int64{acc["masto"].ID}, Networks: []string{"x"},
			States: []PostState{StateFailed}, Text: "summer"}, []int64{3}},
	}
	for _, c := range cases {
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
	}
	// The range still holds: the last post is 35 hours in.
	es, err := s.CalendarFiltered(ctx, from, from.Add(35*time.Hour), CalendarFilter{Networks: []string{"x"}})
	if err != nil || !slices.Equal(ids(es), []int64{2, 3, 4, 6}) {
		t.Errorf("range: %v, %v", ids(es), err)
	}
}

func TestCalendarPage(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	a := mustAccount(t, s, "mastodon", "m1")
	base := at("2026-07-01T00:00:00Z")
	for i := range 95 {
		// pairs share an instant, so the id order matters too
		mustPost(t, s, Post{Text: "post", PlannedAt: base.Add(time.Duration(i/2) * time.Hour), Zone: "UTC",
			Targets: []Target{{AccountID: a.ID, State: StateScheduled}}})
	}
	from, to := base, base.AddDate(0, 1, 0)
	all, err := s.CalendarEntries(ctx, from, to)
	if err != nil || len(all) != 95 {
		t.Fatalf("all: %d, %v", len(all), err)
	}
	var paged []CalendarEntry
	for off := 0; ; off += 20 {
		p, err := s.CalendarPage(ctx, from, to, CalendarFilter{}, off, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(p) > 20 {
			t.Fatalf("page at %d has %d rows", off, len(p))
		}
		paged = append(paged, p...)
		if len(p) < 20 {
			break
		}
	}
	if !slices.Equal(paged, all) {
		t.Errorf("pages differ from the whole range:\n%v\n%v", ids(paged), ids(all))
	}
	// A filtered page.
	p, err := s.CalendarPage(ctx, from, to, CalendarFilter{States: []PostState{StateScheduled}}, 90, 20)
	if err != nil || !slices.Equal(p, all[90:]) {
		t.Errorf("filtered last page: %v, %v", ids(p), err)
	}
	if _, err := s.CalendarPage(ctx, from, to, CalendarFilter{}, 0, 0); err == nil {
		t.Error("a page of 0 rows was accepted")
	}
}

// TestCalendarFilterQueryPlan keeps the range on the covering index
// whatever the filter, and finds accounts through targets' index.
func TestCalendarFilterQueryPlan(t *testing.T) {
	s := mustOpen(t)
	from, to := at("2026-07-01T00:00:00Z"), at("2026-08-01T00:00:00Z")
	for name, f := range map[string]CalendarFilter{
		"network and state": {Networks: []string{"x"}, States: []PostState{StateScheduled}},
		"account":           {AccountIDs: []int64{1, 2}},
		"text":              {Text: "sale"},
	} {
		where, args := f.where(from, to)
		rows, err := s.r.Query(`EXPLAIN QUERY PLAN SELECT id FROM posts WHERE `+where+` ORDER BY planned_at, id LIMIT 50 OFFSET 10`, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan += detail + "\n"
		}
		rows.Close()
		if !strings.Contains(plan, "posts_calendar") || strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "SCAN t") {
			t.Errorf("%s plan:\n%s", name, plan)
		}
	}
}
