package app

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"localpost/data"
	"localpost/platforms"
)

// BenchmarkThousandDue is issue #4's publishing benchmark: 1,000 posts due
// in the same minute across 20 accounts on four networks (the local fakes,
// which have no rate limits), published by the running publisher on the
// real clock. It reports how late posts went out (p50, p99, max: from the
// planned instant to the moment the post was recorded as published),
// throughput, and duplicates on the fakes (must be 0).
//
//	spread: planned evenly over one minute (what a busy calendar looks like)
//	burst:  all planned for the same second (the worst case; lateness is
//	        then mostly queueing, so it measures throughput)
func BenchmarkThousandDue(b *testing.B) {
	for _, c := range []struct {
		name   string
		spread time.Duration
	}{{"spread", time.Minute}, {"burst", 0}} {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				benchDue(b, 1000, c.spread)
			}
		})
	}
}

func benchDue(b *testing.B, n int, spread time.Duration) {
	b.StopTimer()
	e := newAllEnv(b)
	ctx := context.Background()
	base := e.connectAll(b)
	base[platforms.Mastodon] = e.connect(b)
	// Twenty accounts on four networks: each connected one and copies
	// sharing its login (the Facebook fake knows only its one Page).
	var accs []data.Account
	for _, c := range []struct {
		network platforms.Network
		count   int
	}{{platforms.Mastodon, 7}, {platforms.X, 7}, {platforms.LinkedIn, 5}, {platforms.Facebook, 1}} {
		acc := base[c.network]
		accs = append(accs, acc)
		cred, err := e.app.secrets.Get(acc.SecretKey())
		if err != nil {
			b.Fatal(err)
		}
		for k := 1; k < c.count; k++ {
			c := acc
			c.ID, c.RemoteID, c.Handle = 0, fmt.Sprintf("%s-copy%d", acc.RemoteID, k), fmt.Sprintf("%s copy %d", acc.Handle, k)
			saved, err := e.app.Store.SaveAccount(ctx, c)
			if err != nil {
				b.Fatal(err)
			}
			if err := e.app.secrets.Set(saved.SecretKey(), cred); err != nil {
				b.Fatal(err)
			}
			accs = append(accs, saved)
		}
	}
	e.app.now = time.Now
	e.app.tick = 15 * time.Second // the app's own
	e.app.unpaced = true          // the fakes have no rate limits
	start := time.Now().Add(3 * time.Second).Truncate(time.Second).Add(time.Second)
	planned := map[int64]time.Time{}
	for i := range n {
		at := start
		if spread > 0 {
			at = start.Add(spread * time.Duration(i) / time.Duration(n))
		}
		acc := accs[i%len(accs)]
		p, err := e.app.Store.CreatePost(ctx, data.Post{Text: fmt.Sprintf("bench post %d", i), PlannedAt: at, Zone: "UTC",
			Targets: []data.Target{{AccountID: acc.ID, State: data.StateScheduled}}})
		if err != nil {
			b.Fatal(err)
		}
		planned[p.ID] = at
	}
	b.StartTimer()
	e.app.Start(ctx)
	deadline := time.Now().Add(spread + 2*time.Minute)
	for onFakes(e) < n {
		if time.Now().After(deadline) {
			for _, st := range []data.TargetState{data.StateScheduled, data.StateFailed, data.StateUncertain, data.StatePublishing} {
				ts, _ := e.app.Store.TargetsInState(ctx, st)
				if len(ts) > 0 {
					b.Logf("%d %s, e.g. %q", len(ts), st, ts[0].LastError)
				}
			}
			b.Fatalf("%d of %d on the fakes after %v", onFakes(e), n, spread+2*time.Minute)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The last ones are on the fakes; give their records a moment.
	for {
		if ts, err := e.app.Store.TargetsInState(ctx, data.StatePublished); err == nil && len(ts) == n {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("not every post was recorded as published")
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.StopTimer()
	pub, _ := e.app.Store.TargetsInState(ctx, data.StatePublished)
	var late []time.Duration
	var last time.Time
	for _, t := range pub {
		atts, err := e.app.Store.Attempts(ctx, t.ID)
		if err != nil || len(atts) != 1 {
			b.Fatalf("target %d: %d attempts (%v)", t.ID, len(atts), err)
		}
		done := atts[0].EndedAt
		late = append(late, done.Sub(planned[t.PostID]))
		if os.Getenv("BENCH_DEBUG") != "" && done.Sub(planned[t.PostID]) > time.Second {
			b.Logf("late %v: planned +%v account %d", done.Sub(planned[t.PostID]), planned[t.PostID].Sub(start), t.AccountID)
		}
		if done.After(last) {
			last = done
		}
	}
	slices.Sort(late)
	pct := func(p float64) float64 {
		return float64(late[min(len(late)-1, int(p*float64(len(late))))].Microseconds()) / 1000
	}
	texts := map[string]int{}
	for _, s := range e.nets.Mastodon.Statuses() {
		texts[s.Text]++
	}
	for _, p := range e.nets.X.Posts() {
		texts[p.Text]++
	}
	for _, p := range e.nets.LinkedIn.Posts() {
		texts[p.Commentary]++
	}
	for _, p := range e.nets.Meta.Posts() {
		texts[p.Text]++
	}
	dups, missing := 0, 0
	for i := range n {
		switch c := texts[fmt.Sprintf("bench post %d", i)]; {
		case c == 0:
			missing++
		case c > 1:
			dups += c - 1
		}
	}
	if missing > 0 {
		b.Fatalf("%d posts are not on the fakes", missing)
	}
	first := start
	b.ReportMetric(pct(0.50), "p50-late-ms")
	b.ReportMetric(pct(0.99), "p99-late-ms")
	b.ReportMetric(float64(late[len(late)-1].Microseconds())/1000, "max-late-ms")
	if spread == 0 {
		b.ReportMetric(float64(n)/last.Sub(first).Seconds(), "posts/s")
	}
	b.ReportMetric(float64(dups), "duplicates")
	if dups > 0 {
		b.Errorf("%d duplicates on the fakes", dups)
	}
}

func onFakes(e *allEnv) int {
	return len(e.nets.Mastodon.Statuses()) + len(e.nets.X.Posts()) + len(e.nets.LinkedIn.Posts()) + len(e.nets.Meta.Posts())
}
