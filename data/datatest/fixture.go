// Package datatest builds large Localpost stores for benchmarks of the
// data, app and views packages. It is imported only by tests.
package datatest

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the driver data uses

	"localpost/data"
)

// Fixture describes a store full of posts.
type Fixture struct {
	Posts    int           // posts in all
	Start    time.Time     // the first post's planned time
	Span     time.Duration // posts are spread evenly over [Start, Start+Span)
	Networks []string      // one account each; every post targets two of them
	// Month, if not zero, receives exactly MonthPosts of the posts, spread
	// over it; the others are spread over the span outside that month.
	Month      time.Time
	MonthPosts int
}

// Standard is what the benchmarks use: 100,000 posts over ten years from
// 2020 on four networks (about 830 a month).
func Standard() Fixture {
	return Fixture{Posts: 100_000, Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		Span: 10 * 365 * 24 * time.Hour, Networks: []string{"mastodon", "x", "linkedin", "facebook"}}
}

// Build creates the store in dir (which must not hold one yet) and fills it
// in one transaction. The posts' states cycle through published,
// scheduled, draft and failed; their zone is Europe/Berlin.
func Build(dir string, f Fixture) error {
	s, err := data.Open(dir)
	if err != nil {
		return err
	}
	ctx := context.Background()
	var accounts []int64
	for i, n := range f.Networks {
		a, err := s.SaveAccount(ctx, data.Account{Network: n, RemoteID: fmt.Sprint(i), Handle: "@bench"})
		if err != nil {
			s.Close()
			return err
		}
		accounts = append(accounts, a.ID)
	}
	if err := s.Close(); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "localpost.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	post, err := tx.Prepare(`INSERT INTO posts (id, text, title, planned_at, zone, state, snippet, networks, created_at, updated_at)
		VALUES (?, ?, '', ?, 'Europe/Berlin', ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	target, err := tx.Prepare(`INSERT INTO targets (post_id, account_id, state, idempotency_key) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	states := []data.PostState{data.StatePublished, data.StatePublished, data.StatePublished, data.StateScheduled, data.StateDraft, data.StateFailed}
	for i := 1; i <= f.Posts; i++ {
		planned := f.planned(i)
		text := fmt.Sprintf("Post number %d: a realistic amount of text that goes on for a while, with a #hashtag and a link https://example.com/%d", i, i)
		st := states[i%len(states)]
		a1, a2 := i%len(accounts), (i+1)%len(accounts)
		nets := f.Networks[a1] + "," + f.Networks[a2]
		if f.Networks[a2] < f.Networks[a1] {
			nets = f.Networks[a2] + "," + f.Networks[a1]
		}
		ms := planned.UnixMilli()
		if _, err := post.Exec(i, text, ms, st, data.Snippet("", text), nets, ms, ms); err != nil {
			return err
		}
		for _, a := range []int{a1, a2} {
			if _, err := target.Exec(i, accounts[a], st, fmt.Sprintf("%d-%d", i, a)); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// planned is the i-th post's time (1-based). Steps are divided first:
// i × ten years in nanoseconds would overflow.
func (f Fixture) planned(i int) time.Time {
	if f.Month.IsZero() || f.MonthPosts == 0 {
		return f.Start.Add(time.Duration(i) * (f.Span / time.Duration(f.Posts)))
	}
	monthEnd := f.Month.AddDate(0, 1, 0)
	if i <= f.MonthPosts {
		return f.Month.Add(time.Duration(i-1) * (monthEnd.Sub(f.Month) / time.Duration(f.MonthPosts)))
	}
	// The rest over the span, skipping the month.
	rest := f.Posts - f.MonthPosts
	outside := f.Span - monthEnd.Sub(f.Month)
	t := f.Start.Add(time.Duration(i-f.MonthPosts) * (outside / time.Duration(rest)))
	if !t.Before(f.Month) {
		t = t.Add(monthEnd.Sub(f.Month))
	}
	return t
}
