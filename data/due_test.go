package data

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestDueAccountsNextDueAndDefer(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	now := at("2026-06-01T12:00:00Z")
	a := mustAccount(t, s, "mastodon", "a")
	b := mustAccount(t, s, "x", "b")
	c := mustAccount(t, s, "linkedin", "c") // needs reconnect: never due
	idle := mustAccount(t, s, "pinterest", "idle")
	_ = idle
	if err := s.SetAccountState(ctx, c.ID, AccountNeedsReconnect); err != nil {
		t.Fatal(err)
	}
	sched := func(text string, planned time.Time, accs ...Account) Post {
		var ts []Target
		for _, acc := range accs {
			ts = append(ts, Target{AccountID: acc.ID, State: StateScheduled})
		}
		return mustPost(t, s, Post{Text: text, PlannedAt: planned, Targets: ts})
	}
	first := sched("first", now.Add(-time.Minute), a, c)
	sched("second", now, a)
	sched("later", now.Add(90*time.Second), b)
	sched("much later", now.Add(time.Hour), a)
	sched("reconnect first", now.Add(30*time.Second), c)

	accs, err := s.DueAccounts(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(accs) != 1 || accs[0].ID != a.ID {
		t.Fatalf("due accounts = %+v, want only a", accs)
	}
	due, err := s.DueTargetsFor(ctx, now, a.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, d := range due {
		texts = append(texts, d.Post.Text)
	}
	if !slices.Equal(texts, []string{"first", "second"}) {
		t.Fatalf("due for a = %q", texts)
	}
	if due, _ := s.DueTargetsFor(ctx, now, c.ID, 0); len(due) != 0 {
		t.Fatalf("an account that needs reconnecting has due targets: %d", len(due))
	}

	// The next due is b's post in 90 s (c's earlier one waits for reconnect).
	next, ok, err := s.NextDue(ctx, now)
	if err != nil || !ok || !next.Equal(now.Add(90*time.Second)) {
		t.Fatalf("next due = %v %v %v, want %v", next, ok, err, now.Add(90*time.Second))
	}

	// Deferring a's first post to a minute from now: no longer due, and it
	// becomes the next due; a claimed target is not deferred.
	okd, err := s.DeferTarget(ctx, first.Targets[0].ID, now.Add(time.Minute), "rate limit")
	if err != nil || !okd {
		t.Fatalf("defer = %v %v", okd, err)
	}
	if due, _ := s.DueTargetsFor(ctx, now, a.ID, 0); len(due) != 1 || due[0].Post.Text != "second" {
		t.Fatalf("after defer due = %+v", due)
	}
	next, _, _ = s.NextDue(ctx, now)
	if !next.Equal(now.Add(time.Minute)) {
		t.Fatalf("next due after defer = %v", next)
	}
	fp, err := s.Post(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	tg := fp.Targets[0]
	if tg.LastError != "rate limit" || tg.State != StateScheduled || tg.Attempts != 0 {
		t.Fatalf("deferred target = %+v", tg)
	}
	second, _ := s.DueTargetsFor(ctx, now, a.ID, 1)
	if won, err := s.ClaimTarget(ctx, second[0].Target.ID, now); err != nil || !won {
		t.Fatal(won, err)
	}
	if okd, err := s.DeferTarget(ctx, second[0].Target.ID, now.Add(time.Hour), "x"); err != nil || okd {
		t.Fatalf("a claimed target was deferred: %v %v", okd, err)
	}

	// Nothing left after everything: NextDue says so.
	empty := mustOpen(t)
	if _, ok, err := empty.NextDue(ctx, now); ok || err != nil {
		t.Fatalf("empty store next due: %v %v", ok, err)
	}
}

func TestRecentStarts(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	now := at("2026-06-01T12:00:00Z")
	a := mustAccount(t, s, "x", "a")
	b := mustAccount(t, s, "x", "b")
	p := mustPost(t, s, Post{Text: "p", PlannedAt: now, Targets: []Target{{AccountID: a.ID, State: StateScheduled}, {AccountID: b.ID, State: StateScheduled}}})
	for i, off := range []time.Duration{-20 * time.Minute, -10 * time.Minute, -time.Minute} {
		att := Attempt{StartedAt: now.Add(off), EndedAt: now.Add(off)}
		if err := s.FinishAttempt(ctx, p.Targets[0].ID, att, StateScheduled, "", "", "retry", now); err != nil {
			t.Fatal(i, err)
		}
	}
	if err := s.FinishAttempt(ctx, p.Targets[1].ID, Attempt{StartedAt: now, EndedAt: now}, StateScheduled, "", "", "retry", now); err != nil {
		t.Fatal(err)
	}
	got, err := s.RecentStarts(ctx, a.ID, now.Add(-15*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[0].Equal(now.Add(-10*time.Minute)) || !got[1].Equal(now.Add(-time.Minute)) {
		t.Fatalf("recent starts = %v", got)
	}
}

// A retry chosen by the user starts a fresh round of tries; the attempts
// table keeps the history.
func TestRetryByUserStartsFreshTries(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	now := at("2026-06-01T12:00:00Z")
	a := mustAccount(t, s, "x", "a")
	p := mustPost(t, s, Post{Text: "p", PlannedAt: now, Targets: []Target{{AccountID: a.ID, State: StateScheduled}}})
	id := p.Targets[0].ID
	for i := range 3 {
		st := StateScheduled
		if i == 2 {
			st = StateFailed
		}
		if err := s.FinishAttempt(ctx, id, Attempt{StartedAt: now, EndedAt: now}, st, "", "", "503", now); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetTargetState(ctx, id, StateScheduled, "", now); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Post(ctx, p.ID)
	if got.Targets[0].Attempts != 0 || got.Targets[0].State != StateScheduled {
		t.Fatalf("after the user's retry: %+v", got.Targets[0])
	}
	if atts, _ := s.Attempts(ctx, id); len(atts) != 3 {
		t.Fatalf("history has %d attempts, want 3", len(atts))
	}
	// A scheduled target moved by the publisher keeps its count.
	if err := s.FinishAttempt(ctx, id, Attempt{StartedAt: now, EndedAt: now}, StateScheduled, "", "", "503", now); err != nil {
		t.Fatal(err)
	}
	if err := s.SetTargetState(ctx, id, StateScheduled, "waiting", now); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Post(ctx, p.ID); got.Targets[0].Attempts != 1 {
		t.Fatalf("count reset without a user retry: %+v", got.Targets[0])
	}
}
