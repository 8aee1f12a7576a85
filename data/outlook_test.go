package data

import (
	"context"
	"testing"
	"time"
)

func TestOutlook(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	now := at("2026-06-01T12:00:00Z")

	o, err := s.Outlook(ctx, now)
	if err != nil || !o.Next.IsZero() || o.Waiting != 0 {
		t.Fatalf("empty store: %+v, %v", o, err)
	}

	ok := mustAccount(t, s, "mastodon", "ok")
	other := mustAccount(t, s, "x", "other")
	broken := mustAccount(t, s, "linkedin", "broken")
	if err := s.SetAccountState(ctx, broken.ID, AccountNeedsReconnect); err != nil {
		t.Fatal(err)
	}
	post := func(text string, planned time.Time, states map[int64]TargetState) Post {
		var ts []Target
		for id, st := range states {
			ts = append(ts, Target{AccountID: id, State: st})
		}
		return mustPost(t, s, Post{Text: text, PlannedAt: planned, Targets: ts})
	}
	setState := func(p Post, accountID int64, st TargetState) {
		t.Helper()
		for _, tg := range p.Targets {
			if tg.AccountID == accountID {
				if err := s.SetTargetState(ctx, tg.ID, st, "", time.Time{}); err != nil {
					t.Fatal(err)
				}
				return
			}
		}
		t.Fatalf("post %d has no target on account %d", p.ID, accountID)
	}

	// Not counted: a draft, a post due on a connected account (the
	// publisher is on it), a published one, and one planned later on the
	// broken account (it waits only once it is due).
	post("draft", now.Add(-time.Hour), map[int64]TargetState{ok.ID: StateDraft})
	post("due now", now.Add(-time.Minute), map[int64]TargetState{ok.ID: StateScheduled})
	pub := post("published", now.Add(-2*time.Hour), map[int64]TargetState{other.ID: StateScheduled})
	setState(pub, other.ID, StatePublished)
	later := now.Add(3 * time.Hour)
	post("later, broken account", later, map[int64]TargetState{broken.ID: StateScheduled})
	post("even later", now.Add(5*time.Hour), map[int64]TargetState{ok.ID: StateScheduled})

	o, err = s.Outlook(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Next.Equal(later) || o.Waiting != 0 {
		t.Fatalf("before anything waits: %+v, want next %v and 0 waiting", o, later)
	}

	// Counted, once per post: missed, uncertain, and due on the broken
	// account (twice over: missed on one account, due on the broken one).
	missed := post("missed", now.Add(-3*time.Hour), map[int64]TargetState{ok.ID: StateScheduled, broken.ID: StateScheduled})
	setState(missed, ok.ID, StateMissed)
	unsure := post("uncertain", now.Add(-4*time.Hour), map[int64]TargetState{other.ID: StateScheduled})
	setState(unsure, other.ID, StateUncertain)
	post("due, broken account", now.Add(-time.Minute), map[int64]TargetState{broken.ID: StateScheduled})

	o, err = s.Outlook(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if o.Waiting != 3 || !o.Next.Equal(later) {
		t.Fatalf("outlook = %+v, want 3 waiting and next %v", o, later)
	}

	// The user decides: publishing the missed post's remaining target
	// still leaves it waiting on the broken account until reconnected.
	setState(missed, ok.ID, StatePublished)
	if err := s.SetAccountState(ctx, broken.ID, AccountConnected); err != nil {
		t.Fatal(err)
	}
	if o, err = s.Outlook(ctx, now); err != nil || o.Waiting != 1 {
		t.Fatalf("after reconnecting: %+v, %v; want only the uncertain post waiting", o, err)
	}
}

// A post due on an account the user disconnected (keeping its posts)
// waits for the user too: it goes out only once the account is back.
func TestOutlookCountsPostsOfDisconnectedAccounts(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	now := at("2026-11-29T10:00:00Z")
	acc := mustAccount(t, s, "mastodon", "kept")
	mustPost(t, s, Post{Text: "due", PlannedAt: now.Add(-time.Minute), Targets: []Target{{AccountID: acc.ID, State: StateScheduled}}})
	if o, err := s.Outlook(ctx, now); err != nil || o.Waiting != 0 {
		t.Fatalf("connected: %+v, %v; want nothing waiting (the publisher is on it)", o, err)
	}
	if err := s.MarkDisconnected(ctx, acc.ID, "Waiting: disconnected"); err != nil {
		t.Fatal(err)
	}
	if o, err := s.Outlook(ctx, now); err != nil || o.Waiting != 1 {
		t.Fatalf("disconnected: %+v, %v; want the due post waiting", o, err)
	}
}
