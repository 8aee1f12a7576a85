package data

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

const benchPosts = 100_000

var (
	benchFixtureOnce sync.Once
	benchFixtureDir  string
	benchFixtureErr  error
	benchStart       = at("2020-01-01T00:00:00Z")
	benchSpan        = 10 * 365 * 24 * time.Hour // ten years, ~830 posts a month
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchFixtureDir != "" {
		os.RemoveAll(benchFixtureDir)
	}
	os.Exit(code)
}

// benchStore opens a store holding 100,000 posts
// spread evenly over ten years on four accounts, built once per test binary
// with one bulk transaction.
func benchStore(b *testing.B) *Store {
	b.Helper()
	benchFixtureOnce.Do(func() {
		benchFixtureDir, benchFixtureErr = os.MkdirTemp("", "localpost-bench-")
		if benchFixtureErr == nil {
			benchFixtureErr = buildBenchFixture(benchFixtureDir)
		}
	})
	if benchFixtureErr != nil {
		b.Fatal(benchFixtureErr)
	}
	return mustOpenDir(b, benchFixtureDir)
}

func buildBenchFixture(dir string) error {
	s, err := Open(dir)
	if err != nil {
		return err
	}
	defer s.Close()
	ctx := context.Background()
	networks := []string{"mastodon", "x", "linkedin", "facebook"}
	var accounts []int64
	for i, n := range networks {
		a, err := s.SaveAccount(ctx, Account{Network: n, RemoteID: fmt.Sprint(i), Handle: "@bench"})
		if err != nil {
			return err
		}
		accounts = append(accounts, a.ID)
	}
	step := benchSpan / benchPosts
	states := []PostState{StatePublished, StatePublished, StatePublished, StateScheduled, StateDraft, StateFailed}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		post, err := tx.Prepare(`INSERT INTO posts (id, text, title, planned_at, zone, state, snippet, networks, created_at, updated_at)
			VALUES (?, ?, '', ?, 'Europe/Berlin', ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		target, err := tx.Prepare(`INSERT INTO targets (post_id, account_id, state, idempotency_key) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		for i := 1; i <= benchPosts; i++ {
			planned := benchStart.Add(time.Duration(i) * step)
			text := fmt.Sprintf("Post number %d: a realistic amount of text that goes on for a while, with a #hashtag and a link https://example.com/%d", i, i)
			st := states[i%len(states)]
			a1, a2 := i%len(accounts), (i+1)%len(accounts)
			nets := networks[a1] + "," + networks[a2]
			if networks[a2] < networks[a1] {
				nets = networks[a2] + "," + networks[a1]
			}
			ms := planned.UnixMilli()
			if _, err := post.Exec(i, text, ms, st, Snippet("", text), nets, ms, ms); err != nil {
				return err
			}
			for _, a := range []int{a1, a2} {
				if _, err := target.Exec(i, accounts[a], st, fmt.Sprintf("%d-%d", i, a)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func BenchmarkMonthQuery(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	first := time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC)
	var rows int
	b.ReportAllocs()
	cpu := processCPU()
	for i := 0; b.Loop(); i++ {
		from := first.AddDate(0, i%118, 0) // every full month of the ten years in turn
		es, err := s.CalendarEntries(ctx, from, from.AddDate(0, 1, 0))
		if err != nil {
			b.Fatal(err)
		}
		rows += len(es)
	}
	b.ReportMetric(float64(rows)/float64(b.N), "posts/op")
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
}

func BenchmarkCreatePost(b *testing.B) {
	s := mustOpen(b)
	ctx := context.Background()
	a1 := mustAccount(b, s, "mastodon", "1")
	a2 := mustAccount(b, s, "x", "2")
	p := Post{
		Text: "Hello from the benchmark, a post of ordinary length with a link https://example.com",
		Zone: "Europe/Berlin", PlannedAt: at("2026-06-01T12:00:00Z"),
		Targets: []Target{{AccountID: a1.ID, State: StateScheduled}, {AccountID: a2.ID, State: StateScheduled}},
	}
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		if _, err := s.CreatePost(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
}

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
