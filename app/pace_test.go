package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"localpost/data"
)

// A burst bigger than Mastodon's per-account allowance: the first 30 go
// out, the rest wait with a note saying why and until when, and go out
// once the window has moved on; none twice.
func TestRateLimitHoldsBackAndCatchesUp(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	limit := paceOf(acc.Network).perAccount
	if limit == 0 {
		t.Fatal("Mastodon has no per-account limit")
	}
	n := limit + 5
	var ids []int64
	for i := range n {
		p, err := e.app.PostNow(ctx, Draft{Text: fmt.Sprintf("burst %d", i), AccountIDs: []int64{acc.ID}, Zone: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	e.app.Start(ctx)
	waitFor(t, "the allowance published", func() bool { return len(e.fake.Statuses()) == limit })
	waitFor(t, "the rest held back", func() bool {
		held := 0
		for _, id := range ids {
			tg := e.post(t, id).Targets[0]
			if tg.State == data.StateScheduled && strings.Contains(tg.LastError, "allows 30 posts per 30 minutes") {
				held++
			}
		}
		return held == n-limit
	})
	// Nothing more goes out while the window is full.
	e.app.Wake()
	time.Sleep(100 * time.Millisecond)
	if got := len(e.fake.Statuses()); got != limit {
		t.Fatalf("%d statuses while the window is full, want %d", got, limit)
	}
	for _, id := range ids {
		if tg := e.post(t, id).Targets[0]; tg.State == data.StateScheduled && tg.Attempts != 0 {
			t.Fatalf("a held-back post counts an attempt: %+v", tg)
		}
	}
	e.clock.Set(e.clock.Now().Add(31 * time.Minute))
	e.app.Wake()
	waitFor(t, "the rest published", func() bool {
		for _, id := range ids {
			if e.post(t, id).State != data.StatePublished {
				return false
			}
		}
		return true
	})
	if got := len(e.fake.Statuses()); got != n {
		t.Fatalf("the fake holds %d statuses, want %d", got, n)
	}
}

func TestPaceWaitCountsEarlierRuns(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	// Attempts made by an earlier run (or `localpost publish-due`) count.
	p, err := e.app.Store.CreatePost(ctx, data.Post{Text: "old", PlannedAt: e.clock.Now(), Zone: "UTC",
		Targets: []data.Target{{AccountID: acc.ID, State: data.StateScheduled}}})
	if err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	for i := range 30 {
		at := now.Add(-29*time.Minute + time.Duration(i)*time.Second)
		if err := e.app.Store.FinishAttempt(ctx, p.Targets[0].ID, data.Attempt{StartedAt: at, EndedAt: at}, data.StateScheduled, "", "", "", now); err != nil {
			t.Fatal(err)
		}
	}
	wait, err := e.app.paceWait(ctx, acc)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Minute; wait != want {
		t.Fatalf("wait = %v, want %v (the oldest attempt leaves the window in a minute)", wait, want)
	}
	e.app.unpaced = true
	if wait, _ := e.app.paceWait(ctx, acc); wait != 0 {
		t.Fatalf("unpaced wait = %v", wait)
	}
}
