package mastodon_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"localpost/platforms"
	"localpost/platforms/mastodon"
)

// clock is a settable time for the fake's scheduler.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestScheduleMoveCancelAndFind(t *testing.T) {
	f, c := newFake(t)
	_, tok := connect(t, c)
	clk := &clock{t: time.Now()}
	f.SetClock(clk.now)
	ctx := context.Background()
	at := time.Now().Add(time.Hour).Truncate(time.Second)

	res, err := c.Publish(ctx, tok, platforms.Post{Text: "Soup of the day: <leek> & potato\n\nSee you", IdempotencyKey: "k1",
		Media: []platforms.Media{{Path: writeImage(t, "soup.png"), Mime: "image/png"}}, Options: platforms.Options{PublishAt: at}})
	if err != nil {
		t.Fatal(err)
	}
	if res.RemoteID == "" || res.URL != "" {
		t.Fatalf("result %+v: want the scheduled status id and no address yet", res)
	}
	if n := len(f.Statuses()); n != 0 {
		t.Fatalf("%d statuses before the time", n)
	}
	// The same key again: the same scheduled status, not a second one.
	again, err := c.Publish(ctx, tok, platforms.Post{Text: "Soup of the day: <leek> & potato\n\nSee you", IdempotencyKey: "k1",
		Media: []platforms.Media{{Path: writeImage(t, "soup.png"), Mime: "image/png"}}, Options: platforms.Options{PublishAt: at}})
	if err != nil || again.RemoteID != res.RemoteID || len(f.Scheduled()) != 1 {
		t.Fatalf("repeat: %+v, %v, %d held", again, err, len(f.Scheduled()))
	}
	ss, err := c.Scheduled(ctx, tok, res.RemoteID)
	if err != nil || !ss.ScheduledAt.Equal(at) || ss.Idempotency != "k1" || ss.Text == "" {
		t.Fatalf("Scheduled: %+v, %v", ss, err)
	}

	later := at.Add(90 * time.Minute)
	if ss, err := c.Reschedule(ctx, tok, res.RemoteID, later); err != nil || !ss.ScheduledAt.Equal(later) {
		t.Fatalf("Reschedule: %+v, %v", ss, err)
	}
	if got := f.Scheduled(); len(got) != 1 || !got[0].At.Equal(later) {
		t.Fatalf("held %+v", got)
	}
	if _, err := c.Reschedule(ctx, tok, res.RemoteID, time.Now().Add(time.Minute)); platforms.KindOf(err) != platforms.KindFixPost {
		t.Fatalf("a time 1 minute ahead: %v", err)
	}
	all, err := c.ScheduledStatuses(ctx, tok)
	if err != nil || len(all) != 1 || all[0].ID != res.RemoteID {
		t.Fatalf("ScheduledStatuses: %+v, %v", all, err)
	}

	// The time comes: the server publishes it; the scheduled status is gone
	// and FindPublished finds the status it became.
	clk.add(3 * time.Hour)
	if _, err := c.Scheduled(ctx, tok, res.RemoteID); !errors.Is(err, mastodon.ErrScheduledGone) {
		t.Fatalf("after the time: %v", err)
	}
	st := f.Statuses()
	if len(st) != 1 {
		t.Fatalf("%d statuses after the time", len(st))
	}
	acct, err := c.VerifyCredentials(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	found, ok, err := c.FindPublished(ctx, tok, acct.RemoteID, "Soup of the day: <leek> & potato\n\nSee you", later)
	if err != nil || !ok || found.RemoteID != st[0].ID || found.URL != st[0].URL {
		t.Fatalf("FindPublished: %+v %v %v, status %+v", found, ok, err, st[0])
	}
	if _, ok, _ := c.FindPublished(ctx, tok, acct.RemoteID, "another text", later); ok {
		t.Fatal("found a status with another text")
	}
	if _, ok, _ := c.FindPublished(ctx, tok, acct.RemoteID, "Soup of the day: <leek> & potato\n\nSee you", later.Add(time.Hour)); ok {
		t.Fatal("found a status made before the time")
	}
	if err := c.CancelScheduled(ctx, tok, res.RemoteID); !errors.Is(err, mastodon.ErrScheduledGone) {
		t.Fatalf("cancel after publishing: %v", err)
	}

	// Cancel one still held: it is never published.
	res2, err := c.Publish(ctx, tok, platforms.Post{Text: "never", Options: platforms.Options{PublishAt: clk.now().Add(time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CancelScheduled(ctx, tok, res2.RemoteID); err != nil {
		t.Fatal(err)
	}
	clk.add(2 * time.Hour)
	if n := len(f.Statuses()); n != 1 || len(f.Scheduled()) != 0 {
		t.Fatalf("after cancelling: %d statuses, %d held", n, len(f.Scheduled()))
	}
	checkSpec(t, f)
}

func TestScheduleRefusals(t *testing.T) {
	f, c := newFake(t)
	_, tok := connect(t, c)
	ctx := context.Background()
	// Too close: the server refuses, and holds nothing.
	_, err := c.Publish(ctx, tok, platforms.Post{Text: "soon", Options: platforms.Options{PublishAt: time.Now().Add(2 * time.Minute)}})
	var pe *platforms.Error
	if !errors.As(err, &pe) || pe.Status != 422 || len(f.Scheduled()) != 0 || len(f.Statuses()) != 0 {
		t.Fatalf("2 minutes ahead: %v", err)
	}
	// Mastodon holds at most 25 for one day.
	day := time.Now().Add(48 * time.Hour).Truncate(24 * time.Hour).Add(12 * time.Hour)
	for i := range 25 {
		if _, err := c.Publish(ctx, tok, platforms.Post{Text: "x", Options: platforms.Options{PublishAt: day.Add(time.Duration(i) * time.Minute)}}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.Publish(ctx, tok, platforms.Post{Text: "x", Options: platforms.Options{PublishAt: day.Add(time.Hour)}})
	if !errors.As(err, &pe) || pe.Status != 422 {
		t.Fatalf("26th of a day: %v", err)
	}
	if _, err := c.Scheduled(ctx, tok, "nope"); !errors.Is(err, mastodon.ErrScheduledGone) {
		t.Fatalf("unknown id: %v", err)
	}
	checkSpec(t, f)
}
