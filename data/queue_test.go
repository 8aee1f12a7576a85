package data

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestQueueSlotsAndZone(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	a := mustAccount(t, s, "mastodon", "a")
	b := mustAccount(t, s, "mastodon", "b")

	if z, err := s.AccountZone(ctx, a.ID); err != nil || z != "" {
		t.Fatalf("new account zone = %q, %v; want \"\" (the user's)", z, err)
	}
	if err := s.SetAccountZone(ctx, a.ID, "America/New_York"); err != nil {
		t.Fatal(err)
	}
	if z, _ := s.AccountZone(ctx, a.ID); z != "America/New_York" {
		t.Fatalf("zone = %q", z)
	}
	if err := s.SetAccountZone(ctx, 999, "UTC"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("zone of a missing account: %v, want ErrNotFound", err)
	}
	if err := s.SetAccountZone(ctx, a.ID, "Europe/\nBerlin"); err == nil {
		t.Fatal("a zone with a newline was stored")
	}

	if err := s.AddQueueSlots(ctx, a.ID, []time.Weekday{time.Monday, time.Wednesday}, 9*60+30); err != nil {
		t.Fatal(err)
	}
	// The same time again is kept once; another account's slots are its own.
	if err := s.AddQueueSlots(ctx, a.ID, []time.Weekday{time.Monday, time.Sunday}, 9*60+30); err != nil {
		t.Fatal(err)
	}
	if err := s.AddQueueSlots(ctx, b.ID, []time.Weekday{time.Friday}, 17*60); err != nil {
		t.Fatal(err)
	}
	got, err := s.QueueSlots(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var desc []string
	for _, q := range got {
		desc = append(desc, q.Weekday.String()+" "+q.Clock())
	}
	if want := "Sunday 09:30,Monday 09:30,Wednesday 09:30"; strings.Join(desc, ",") != want {
		t.Fatalf("slots = %s, want %s", strings.Join(desc, ","), want)
	}
	for _, bad := range []int{-1, 24 * 60} {
		if err := s.AddQueueSlots(ctx, a.ID, []time.Weekday{time.Monday}, bad); err == nil {
			t.Errorf("minute %d was stored", bad)
		}
	}
	if err := s.AddQueueSlots(ctx, a.ID, []time.Weekday{time.Monday, 9}, 60); err == nil {
		t.Error("weekday 9 was stored")
	}
	if n, _ := s.QueueSlots(ctx, a.ID); len(n) != 3 {
		t.Fatalf("a failed add left %d slots, want 3 (all or nothing)", len(n))
	}

	if err := s.DeleteQueueSlot(ctx, got[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteQueueSlot(ctx, got[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v, want ErrNotFound", err)
	}
	// Deleting the account deletes its posting times.
	if err := s.DeleteAccount(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if bs, _ := s.QueueSlots(ctx, b.ID); len(bs) != 0 {
		t.Fatalf("slots of a deleted account: %v", bs)
	}
}

func TestTakenInstants(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	a := mustAccount(t, s, "mastodon", "a")
	b := mustAccount(t, s, "mastodon", "b")
	t1, t2, t3 := at("2026-03-02T09:00:00Z"), at("2026-03-03T09:00:00Z"), at("2026-03-04T09:00:00Z")
	mustPost(t, s, Post{Text: "both", PlannedAt: t1, Targets: []Target{{AccountID: a.ID, State: StateScheduled}, {AccountID: b.ID, State: StateScheduled}}})
	mustPost(t, s, Post{Text: "draft on a", PlannedAt: t2, Targets: []Target{{AccountID: a.ID}}})
	p := mustPost(t, s, Post{Text: "b only", PlannedAt: t3, Targets: []Target{{AccountID: b.ID, State: StateScheduled}}})
	mustPost(t, s, Post{Text: "out of range", PlannedAt: at("2026-04-01T09:00:00Z"), Targets: []Target{{AccountID: a.ID, State: StateScheduled}}})

	got, err := s.TakenInstants(ctx, a.ID, at("2026-03-01T00:00:00Z"), at("2026-03-31T00:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].Equal(t1) {
		t.Fatalf("taken on a = %v, want only %v (a draft takes no slot)", got, t1)
	}
	// A published post still holds its time; a failed one does not.
	if err := s.SetTargetState(ctx, p.Targets[0].ID, StatePublished, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.TakenInstants(ctx, b.ID, at("2026-03-01T00:00:00Z"), at("2026-03-31T00:00:00Z"))
	if len(got) != 2 || !got[1].Equal(t3) {
		t.Fatalf("taken on b = %v, want %v and %v", got, t1, t3)
	}
	f := mustPost(t, s, Post{Text: "failed on b", PlannedAt: t2, Targets: []Target{{AccountID: b.ID, State: StateScheduled}}})
	if err := s.SetTargetState(ctx, f.Targets[0].ID, StateFailed, "x", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.TakenInstants(ctx, b.ID, at("2026-03-01T00:00:00Z"), at("2026-03-31T00:00:00Z")); len(got) != 2 {
		t.Fatalf("taken on b with a failed post = %v, want %v and %v", got, t1, t3)
	}
}
