package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"localpost/data"
)

func TestMovePostKeepsEverythingButTheTime(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	orig := scheduledRich(t, e, acc, e.clock.Now().Add(48*time.Hour).Truncate(time.Minute))

	day := time.Date(2026, 12, 8, 0, 0, 0, 0, berlin)
	at, note, err := e.app.MovePost(ctx, orig.ID, day, "10:30")
	if err != nil || note != "" {
		t.Fatalf("move: %v (note %q)", err, note)
	}
	want := time.Date(2026, 12, 8, 10, 30, 0, 0, berlin)
	if !at.Equal(want) {
		t.Errorf("moved to %v, want %v", at, want)
	}
	p := e.post(t, orig.ID)
	if !p.PlannedAt.Equal(want) || p.State != data.StateScheduled || p.Text != orig.Text || p.Title != orig.Title ||
		p.Zone != orig.Zone || !slices.Equal(p.Labels, orig.Labels) {
		t.Errorf("after the move %+v, was %+v", p, orig)
	}
	if len(p.Media) != 1 || p.Media[0].ID != orig.Media[0].ID || p.Media[0].Alt != "a cat" {
		t.Errorf("media after the move %+v", p.Media)
	}
	if len(p.Targets) != 1 || p.Targets[0].ID != orig.Targets[0].ID || p.Targets[0].TextOverride != "hello Mastodon" ||
		p.Targets[0].Options != orig.Targets[0].Options || p.Targets[0].IdempotencyKey != orig.Targets[0].IdempotencyKey {
		t.Errorf("targets after the move %+v, were %+v", p.Targets, orig.Targets)
	}

	// A draft stays a draft on its new day.
	d := Draft{Text: "half written", AccountIDs: []int64{acc.ID}, Day: day, Clock: "09:00", Zone: berlin}
	dp, err := e.app.SaveDraft(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.app.MovePost(ctx, dp.ID, day.AddDate(0, 0, 1), "09:00"); err != nil {
		t.Fatal(err)
	}
	if p := e.post(t, dp.ID); p.State != data.StateDraft || !p.PlannedAt.Equal(time.Date(2026, 12, 9, 9, 0, 0, 0, berlin)) {
		t.Errorf("draft after the move: %s at %v", p.State, p.PlannedAt)
	}

	// Into the past: refused, nothing changes.
	_, _, err = e.app.MovePost(ctx, orig.ID, time.Date(2026, 11, 30, 0, 0, 0, 0, berlin), "10:30")
	if !errors.Is(err, ErrInPast) || !strings.Contains(err.Error(), "later day or hour") {
		t.Errorf("moving into the past: %v", err)
	}
	if p := e.post(t, orig.ID); !p.PlannedAt.Equal(want) {
		t.Errorf("a refused move changed the time to %v", p.PlannedAt)
	}

	// A failed post is scheduled again for its new time.
	if err := e.app.Store.SetTargetState(ctx, orig.Targets[0].ID, data.StateFailed, "server said no", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.app.MovePost(ctx, orig.ID, day, "11:00"); err != nil {
		t.Fatal(err)
	}
	if p := e.post(t, orig.ID); p.State != data.StateScheduled {
		t.Errorf("failed post after the move is %s", p.State)
	}

	// A published post stays where it went out.
	if err := e.app.Store.SetTargetState(ctx, orig.Targets[0].ID, data.StatePublished, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.app.MovePost(ctx, orig.ID, day, "12:00"); !errors.Is(err, ErrPublishedStays) {
		t.Errorf("moving a published post: %v", err)
	}
	if _, _, err := e.app.MovePost(ctx, 9999, day, "12:00"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("moving a missing post: %v", err)
	}
}

func TestMovePostAcrossClockChanges(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	p := scheduledRich(t, e, acc, e.clock.Now().Add(48*time.Hour).Truncate(time.Minute))

	// 02:30 does not exist on 28 March 2027 in Berlin: 03:30 CEST.
	at, note, err := e.app.MovePost(ctx, p.ID, time.Date(2027, 3, 28, 0, 0, 0, 0, berlin), "02:30")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2027, 3, 28, 1, 30, 0, 0, time.UTC); !at.Equal(want) || !e.post(t, p.ID).PlannedAt.Equal(want) {
		t.Errorf("moved into the gap: %v, want %v", at, want)
	}
	if !strings.Contains(note, "does not exist") || !strings.Contains(note, "03:30") {
		t.Errorf("gap note %q", note)
	}

	// 02:30 happens twice on 31 October 2027: the first one, in CEST.
	at, note, err = e.app.MovePost(ctx, p.ID, time.Date(2027, 10, 31, 0, 0, 0, 0, berlin), "02:30")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2027, 10, 31, 0, 30, 0, 0, time.UTC); !at.Equal(want) {
		t.Errorf("moved into the overlap: %v, want %v", at, want)
	}
	if !strings.Contains(note, "happens twice") {
		t.Errorf("overlap note %q", note)
	}
}

// A post Mastodon holds is moved there too: while the server cannot be
// reached the move waits in the queue, then the server holds the same
// scheduled status at the new time.
func TestMovePostHeldByANetworkMovesItThere(t *testing.T) {
	e := newNativeEnv(t)
	ctx := context.Background()
	at := e.clock.Now().Add(2 * time.Hour)
	p := e.schedule(t, e.draft("Opening night, 7pm", at, e.masto))
	e.app.Start(ctx)
	before := e.waitHanded(t, p.ID)[e.masto.ID]
	if held, err := e.app.HeldByNetworks(ctx, p.ID); err != nil || len(held) != 1 {
		t.Fatalf("held by %v, %v", held, err)
	}

	host := strings.TrimPrefix(e.nets.Mastodon.URL, "http://")
	e.net.set(host, true)
	later := at.Add(3 * time.Hour)
	day := time.Date(later.Year(), later.Month(), later.Day(), 0, 0, 0, 0, time.UTC)
	if _, _, err := e.app.MovePost(ctx, p.ID, day, later.Format("15:04")); err != nil {
		t.Fatal(err)
	}
	chs, err := e.app.Store.RemoteChangesOf(ctx, before.ID)
	if err != nil || len(chs) != 1 || chs[0].Action != data.RemoteMove || !chs[0].NewAt.Equal(later) {
		t.Fatalf("queued changes %+v, %v", chs, err)
	}

	e.net.set(host, false)
	e.app.Wake()
	e.waitSynced(t)
	held := e.nets.Mastodon.Scheduled()
	if len(held) != 1 || held[0].ID != before.RemoteID || !held[0].At.Equal(later) {
		t.Fatalf("Mastodon holds %+v, want %s at %v", held, before.RemoteID, later)
	}
	if n := len(e.nets.Mastodon.Statuses()); n != 0 {
		t.Errorf("%d statuses", n)
	}
}
