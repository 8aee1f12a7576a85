package data

import (
	"context"
	"errors"
	"testing"
	"time"
)

// handedOver makes a post on two accounts, both targets held by their
// networks (remote ids fb_1 and m_1).
func handedOver(t *testing.T, s *Store, planned time.Time) (Post, Account, Account) {
	t.Helper()
	ctx := context.Background()
	fb := mustAccount(t, s, "facebook", "page1")
	md := mustAccount(t, s, "mastodon", "42")
	p := mustPost(t, s, Post{Text: "Opening night", PlannedAt: planned, Zone: "UTC",
		Targets: []Target{{AccountID: fb.ID, State: StateScheduled}, {AccountID: md.ID, State: StateScheduled}}})
	for i, rid := range []string{"fb_1", "m_1"} {
		tid := p.Targets[i].ID
		if ok, err := s.ClaimTarget(ctx, tid, planned.Add(-time.Hour)); !ok || err != nil {
			t.Fatalf("claim: %v %v", ok, err)
		}
		if err := s.HandOver(ctx, tid, Attempt{StartedAt: planned.Add(-time.Hour)}, rid, "https://n/"+rid, "held"); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Post(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got, fb, md
}

func pending(t *testing.T, s *Store, now time.Time) map[string]RemoteChange {
	t.Helper()
	cs, err := s.PendingRemoteChanges(context.Background(), now, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]RemoteChange{}
	for _, c := range cs {
		out[c.RemoteID] = c
	}
	return out
}

func TestEditsOfAHeldPostAreQueued(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	planned := at("2026-12-01T18:00:00Z")
	p, fb, _ := handedOver(t, s, planned)

	// Only the time changes: a move for each network, both still held.
	p.PlannedAt = planned.Add(2 * time.Hour)
	if _, err := s.UpdatePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	cs := pending(t, s, planned)
	if len(cs) != 2 || cs["fb_1"].Action != RemoteMove || !cs["fb_1"].NewAt.Equal(planned.Add(2*time.Hour)) ||
		!cs["fb_1"].HeldAt.Equal(planned) || cs["fb_1"].HeldText != "Opening night" || cs["fb_1"].Network != "facebook" ||
		cs["fb_1"].TargetID != p.Targets[0].ID || cs["m_1"].Network != "mastodon" {
		t.Fatalf("after a move: %+v", cs)
	}
	got, _ := s.Post(ctx, p.ID)
	for _, tg := range got.Targets {
		if tg.RemoteID == "" || tg.State != StateScheduled || tg.LastError != noteQueued {
			t.Fatalf("target after the move %+v", tg)
		}
	}
	// Held targets are never due here, whatever the time.
	if due, _ := s.DueTargets(ctx, planned.Add(5*time.Hour), 0); len(due) != 0 {
		t.Fatalf("held targets due: %+v", due)
	}

	// The text changes: a cancel, merged into the same rows (rev counts).
	p = got
	p.Text = "Opening night, now with music"
	if _, err := s.UpdatePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	cs2 := pending(t, s, planned)
	if len(cs2) != 2 || cs2["fb_1"].Action != RemoteCancel || cs2["fb_1"].Rev != cs["fb_1"].Rev+1 || cs2["fb_1"].HeldText != "Opening night" {
		t.Fatalf("after an edit: %+v", cs2)
	}
	// A later move does not undo the cancel.
	p, _ = s.Post(ctx, p.ID)
	p.PlannedAt = planned.Add(3 * time.Hour)
	if _, err := s.UpdatePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	cs3 := pending(t, s, planned)
	if cs3["fb_1"].Action != RemoteCancel || cs3["m_1"].Action != RemoteCancel {
		t.Fatalf("a move after an edit: %+v", cs3)
	}
	if held, err := s.PendingRemoteTargets(ctx); err != nil || !held[p.Targets[0].ID] || !held[p.Targets[1].ID] {
		t.Fatalf("PendingRemoteTargets %v %v", held, err)
	}

	// The network confirms with an outdated rev: nothing happens.
	if ok, err := s.RemoteCancelled(ctx, cs["fb_1"], Attempt{Outcome: "withdrawn"}, "taken back"); ok || err != nil {
		t.Fatalf("stale confirmation applied: %v %v", ok, err)
	}
	ok, err := s.RemoteCancelled(ctx, cs3["fb_1"], Attempt{Outcome: "withdrawn", Message: "taken back"}, "taken back")
	if !ok || err != nil {
		t.Fatalf("RemoteCancelled: %v %v", ok, err)
	}
	got, _ = s.Post(ctx, p.ID)
	if tg := got.Targets[0]; tg.RemoteID != "" || tg.RemoteURL != "" || tg.State != StateScheduled || tg.LastError != "taken back" {
		t.Fatalf("released target %+v", tg)
	}
	if at, _ := s.Attempts(ctx, got.Targets[0].ID); len(at) != 2 || at[1].Outcome != "withdrawn" {
		t.Fatalf("attempts %+v", at)
	}
	// Released, it is published from here at its time; the other is not.
	due, _ := s.DueTargets(ctx, planned.Add(3*time.Hour), 0)
	if len(due) != 1 || due[0].Account.ID != fb.ID || due[0].Post.Text != "Opening night, now with music" {
		t.Fatalf("due after the cancel: %+v", due)
	}
	if cs := pending(t, s, planned); len(cs) != 1 {
		t.Fatalf("left: %+v", cs)
	}
}

func TestDeletingAHeldPostQueuesCancels(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	planned := at("2026-12-01T18:00:00Z")
	p, _, md := handedOver(t, s, planned)

	// Unticking an account cancels it there.
	p.Targets = p.Targets[:1]
	if _, err := s.UpdatePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	cs := pending(t, s, planned)
	if len(cs) != 1 || cs["m_1"].Action != RemoteCancel || cs["m_1"].TargetID != 0 || cs["m_1"].AccountID != md.ID {
		t.Fatalf("after unticking: %+v", cs)
	}
	if err := s.DeletePost(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	cs = pending(t, s, planned)
	if len(cs) != 2 || cs["fb_1"].Action != RemoteCancel || cs["fb_1"].TargetID != 0 || cs["fb_1"].Snippet != "Opening night" ||
		cs["fb_1"].RemoteURL != "https://n/fb_1" {
		t.Fatalf("after deleting: %+v", cs)
	}

	// A retry waits; giving up keeps the message until dismissed.
	c := cs["fb_1"]
	if ok, err := s.RemoteRetry(ctx, c, "offline", planned.Add(time.Minute)); !ok || err != nil {
		t.Fatalf("retry %v %v", ok, err)
	}
	if cs := pending(t, s, planned); len(cs) != 1 {
		t.Fatalf("a change waiting for its retry is offered: %+v", cs)
	}
	c = pending(t, s, planned.Add(time.Minute))["fb_1"]
	if c.Tries != 1 || c.LastError != "offline" {
		t.Fatalf("after a retry %+v", c)
	}
	if ok, err := s.RemoteGiveUp(ctx, c, "Delete it on Facebook yourself."); !ok || err != nil {
		t.Fatalf("give up %v %v", ok, err)
	}
	failed, err := s.FailedRemoteChanges(ctx)
	if err != nil || len(failed) != 1 || failed[0].LastError != "Delete it on Facebook yourself." {
		t.Fatalf("failed %+v %v", failed, err)
	}
	if err := s.DismissRemoteChange(ctx, failed[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DismissRemoteChange(ctx, failed[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("dismiss twice: %v", err)
	}
	if err := s.DismissRemoteChange(ctx, cs["m_1"].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a pending change was dismissed: %v", err)
	}
}

func TestHeldPostSavedAsDraftAndAlreadyPublished(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	planned := at("2026-12-01T18:00:00Z")
	p, _, _ := handedOver(t, s, planned)

	// Saved back as a draft: taken back everywhere; the drafts keep their
	// remote ids until the networks confirm.
	for i := range p.Targets {
		p.Targets[i].State = StateDraft
	}
	if _, err := s.UpdatePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	cs := pending(t, s, planned)
	if len(cs) != 2 || cs["fb_1"].Action != RemoteCancel || cs["m_1"].Action != RemoteCancel {
		t.Fatalf("after saving as draft: %+v", cs)
	}

	// The network had published it already: the target is published with
	// the network's id, and the message stays.
	end := planned.Add(time.Minute)
	ok, err := s.RemoteAlreadyPublished(ctx, cs["m_1"], Attempt{StartedAt: end, EndedAt: end, Outcome: "published"}, "9001", "https://m/9001", "Mastodon published it already.")
	if !ok || err != nil {
		t.Fatalf("RemoteAlreadyPublished %v %v", ok, err)
	}
	got, _ := s.Post(ctx, p.ID)
	tg := got.Targets[1]
	if tg.State != StatePublished || tg.RemoteID != "9001" || tg.RemoteURL != "https://m/9001" || !tg.PublishedAt.Equal(end) {
		t.Fatalf("target %+v", tg)
	}
	if failed, _ := s.FailedRemoteChanges(ctx); len(failed) != 1 || failed[0].LastError != "Mastodon published it already." {
		t.Fatalf("failed %+v", failed)
	}
	// A published target is locked: the post can no longer be edited.
	edit := got
	edit.Targets = []Target{{AccountID: got.Targets[0].AccountID, State: StateDraft}, {AccountID: got.Targets[1].AccountID, State: StateDraft}}
	if _, err := s.UpdatePost(ctx, edit); !errors.Is(err, ErrPostLocked) {
		t.Fatalf("update with a published target: %v", err)
	}
	// Moved only now, the remaining held target.
	if ok, err := s.RemoteMoved(ctx, cs["fb_1"], Attempt{Outcome: "moved"}, "moved"); !ok || err != nil {
		t.Fatalf("RemoteMoved %v %v", ok, err)
	}
	got, _ = s.Post(ctx, p.ID)
	if got.Targets[0].RemoteID != "fb_1" || got.Targets[0].LastError != "moved" {
		t.Fatalf("moved target %+v", got.Targets[0])
	}
}
