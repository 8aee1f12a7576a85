package data

import (
	"strings"
	"testing"
)

// TestCalendarQueryPlan keeps both forms of the month query on the
// covering index, without a sort.
func TestCalendarQueryPlan(t *testing.T) {
	s := mustOpen(t)
	queries := map[string]string{
		"rows": `SELECT id, planned_at, zone, state, snippet, networks FROM posts
			WHERE planned_at >= ? AND planned_at < ? ORDER BY planned_at, id`,
		"one string": `SELECT count(*), group_concat(id || planned_at || state || zone || networks || snippet)
			FROM posts WHERE planned_at >= ? AND planned_at < ?`,
	}
	for name, q := range queries {
		rows, err := s.r.Query(`EXPLAIN QUERY PLAN `+q, 0, 1)
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
		if want := "SEARCH posts USING COVERING INDEX posts_calendar"; !strings.Contains(plan, want) || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s plan:\n%s\nwant %q and no sort", name, plan, want)
		}
	}
}
