package app

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"localpost/data"
	"localpost/platforms"
)

// scheduledRich schedules a post with media, a variant, labels and a title.
func scheduledRich(t *testing.T, e *env, acc data.Account, at time.Time) data.Post {
	t.Helper()
	ctx := context.Background()
	m, err := e.app.AddMedia(ctx, writePNG(t, t.TempDir(), "cat.png"))
	if err != nil {
		t.Fatal(err)
	}
	m.Alt = "a cat"
	d := Draft{Text: "hello #cats", Title: "note", AccountIDs: []int64{acc.ID}, Media: []DraftMedia{m},
		Day: at, Clock: at.Format("15:04"), Zone: time.UTC, Labels: []string{"Launch", "pets"},
		Variants: map[int64]Variant{acc.ID: {Text: "hello Mastodon", Options: platforms.Options{FirstComment: "more"}}}}
	p, _, err := e.app.Schedule(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDuplicateIsADraftWithEverything(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	orig := scheduledRich(t, e, acc, e.clock.Now().Add(48*time.Hour).Truncate(time.Minute))

	cp, err := e.app.DuplicatePost(ctx, orig.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cp.ID == orig.ID || cp.State != data.StateDraft || cp.Text != orig.Text || cp.Title != orig.Title ||
		!cp.PlannedAt.Equal(orig.PlannedAt) || !slices.Equal(cp.Labels, []string{"Launch", "pets"}) {
		t.Errorf("copy = %+v", cp)
	}
	if len(cp.Media) != 1 || cp.Media[0].ID != orig.Media[0].ID || cp.Media[0].Alt != "a cat" {
		t.Errorf("copy's media = %+v", cp.Media)
	}
	if len(cp.Targets) != 1 || cp.Targets[0].AccountID != acc.ID || cp.Targets[0].State != data.StateDraft ||
		cp.Targets[0].TextOverride != "hello Mastodon" || !strings.Contains(cp.Targets[0].Options, "more") ||
		cp.Targets[0].IdempotencyKey == orig.Targets[0].IdempotencyKey {
		t.Errorf("copy's targets = %+v", cp.Targets)
	}

	// Once the original's time has passed, a copy has no date: an idea.
	e.clock.Set(orig.PlannedAt.Add(time.Hour))
	cp2, err := e.app.DuplicatePost(ctx, orig.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !cp2.PlannedAt.IsZero() {
		t.Errorf("copy of a past post planned at %v", cp2.PlannedAt)
	}
	ideas, err := e.app.Ideas(ctx)
	if err != nil || len(ideas) != 1 || ideas[0].PostID != cp2.ID {
		t.Errorf("ideas = %+v, %v", ideas, err)
	}
	if _, err := e.app.DuplicatePost(ctx, 9999); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("duplicate of a missing post: %v", err)
	}
}

func TestDeleteAndUndoRestoresThePost(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	orig := scheduledRich(t, e, acc, e.clock.Now().Add(48*time.Hour).Truncate(time.Minute))

	undo, err := e.app.DeleteWithUndo(ctx, orig.ID)
	if err != nil || !undo {
		t.Fatalf("delete: undo %v, %v", undo, err)
	}
	if _, err := e.app.Post(ctx, orig.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	back, err := e.app.UndoDelete(ctx, orig.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Everything as it was, down to the idempotency key.
	if back.ID != orig.ID || back.Text != orig.Text || back.Title != orig.Title || !back.PlannedAt.Equal(orig.PlannedAt) ||
		back.State != data.StateScheduled || !slices.Equal(back.Labels, orig.Labels) ||
		len(back.Media) != 1 || back.Media[0].Alt != "a cat" || len(back.Targets) != 1 ||
		!reflect.DeepEqual(back.Targets, orig.Targets) {
		t.Errorf("back = %+v\nwant %+v", back, orig)
	}
	if _, err := e.app.UndoDelete(ctx, orig.ID); !errors.Is(err, ErrUndoGone) {
		t.Errorf("second undo: %v", err)
	}

	// Too late: after UndoKeep the post stays deleted.
	if _, err := e.app.DeleteWithUndo(ctx, orig.ID); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(e.clock.Now().Add(UndoKeep + time.Second))
	if _, err := e.app.UndoDelete(ctx, orig.ID); !errors.Is(err, ErrUndoGone) {
		t.Errorf("late undo: %v", err)
	}
	if _, err := e.app.Post(ctx, orig.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("after a late undo: %v", err)
	}
}

func TestHeldPostIsDeletedWithoutUndo(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	p := scheduledRich(t, e, acc, e.clock.Now().Add(48*time.Hour).Truncate(time.Minute))
	// As the publisher does when it hands the post to Mastodon's scheduler.
	if err := e.app.Store.HandOver(ctx, p.Targets[0].ID, data.Attempt{StartedAt: e.clock.Now(), EndedAt: e.clock.Now(),
		Outcome: "scheduled"}, "s1", e.fake.URL+"/s1", "held"); err != nil {
		t.Fatal(err)
	}
	if held, _ := e.app.HeldByNetworks(ctx, p.ID); len(held) != 1 {
		t.Fatalf("held by %q", held)
	}
	undo, err := e.app.DeleteWithUndo(ctx, p.ID)
	if err != nil || undo {
		t.Fatalf("delete of a held post: undo %v, %v", undo, err)
	}
	if _, err := e.app.UndoDelete(ctx, p.ID); !errors.Is(err, ErrUndoGone) {
		t.Errorf("undo of a held post: %v", err)
	}
	cs, err := e.app.Store.PendingRemoteChanges(ctx, e.clock.Now().Add(time.Hour), 10)
	if err != nil || len(cs) != 1 || cs[0].Action != data.RemoteCancel {
		t.Errorf("take-back queued: %+v, %v", cs, err)
	}
}

func TestIdeasAndDatingThem(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)

	if _, err := e.app.NewIdea(ctx, "   "); err == nil {
		t.Error("an empty idea was kept")
	}
	bare, err := e.app.NewIdea(ctx, "a post about bread")
	if err != nil {
		t.Fatal(err)
	}
	withAcc, err := e.app.SaveDraft(ctx, Draft{Text: "a post about cake", AccountIDs: []int64{acc.ID}, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	ideas, err := e.app.Ideas(ctx)
	if err != nil || len(ideas) != 2 {
		t.Fatalf("ideas = %+v, %v", ideas, err)
	}

	when := e.clock.Now().Add(24 * time.Hour).Truncate(time.Minute)
	// No account yet: dated, still a draft, and the reason given.
	p, probs, err := e.app.DateIdea(ctx, bare.ID, when)
	if err != nil {
		t.Fatal(err)
	}
	if !p.PlannedAt.Equal(when) || p.State != data.StateDraft || len(probs) == 0 || probs[0].Field != "accounts" {
		t.Errorf("bare idea dated: %+v, %+v", p, probs)
	}
	// In the past: a draft on that day, and it says so.
	p, probs, err = e.app.DateIdea(ctx, withAcc.ID, e.clock.Now().Add(-2*time.Hour))
	if err != nil || p.State != data.StateDraft || len(probs) != 1 || !strings.Contains(probs[0].Message, "passed") {
		t.Errorf("idea dated in the past: %+v, %+v, %v", p, probs, err)
	}
	// With an account and a time ahead: scheduled.
	p, probs, err = e.app.DateIdea(ctx, withAcc.ID, when)
	if err != nil || len(probs) != 0 || p.State != data.StateScheduled || !p.PlannedAt.Equal(when) {
		t.Errorf("idea scheduled: %+v, %+v, %v", p, probs, err)
	}
	if ideas, _ := e.app.Ideas(ctx); len(ideas) != 0 {
		t.Errorf("ideas after dating both: %+v", ideas)
	}
}

func TestSnippetsAndLabelsThroughTheCore(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s, err := e.app.SaveSnippet(ctx, data.SavedSnippet{Kind: data.SnippetHashtags, Name: "Food", Body: "bread cake"})
	if err != nil || s.Body != "#bread #cake" {
		t.Fatalf("saved %+v, %v", s, err)
	}
	if got, _ := e.app.Snippets(ctx, data.SnippetHashtags); len(got) != 1 {
		t.Errorf("snippets = %+v", got)
	}
	if err := e.app.DeleteSnippet(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	d, err := e.app.SaveDraft(ctx, Draft{Text: "x", Zone: time.UTC, Labels: []string{"Food"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.app.DraftFromPost(d, time.UTC); !slices.Equal(got.Labels, []string{"Food"}) {
		t.Errorf("draft labels = %q", got.Labels)
	}
	ls, err := e.app.Labels(ctx)
	if err != nil || len(ls) != 1 {
		t.Fatalf("labels = %+v, %v", ls, err)
	}
	ls[0].Colour = "#000000"
	if _, err := e.app.SaveLabel(ctx, ls[0]); err != nil {
		t.Fatal(err)
	}
	if err := e.app.DeleteLabel(ctx, ls[0].ID); err != nil {
		t.Fatal(err)
	}
	if p, _ := e.app.Post(ctx, d.ID); len(p.Labels) != 0 {
		t.Errorf("labels after deleting the label: %q", p.Labels)
	}
}
