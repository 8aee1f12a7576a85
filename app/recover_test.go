package app

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"localpost/data"
	"localpost/platforms"
	"localpost/platforms/fakes"
)

// interrupt leaves a post as a run that stopped mid-publish at claimedAt
// does: planned and claimed then and, if sent, already on the network.
// dropProgress forgets what the network's client saved on the way, as a
// client that saves nothing (Mastodon) leaves it.
func interrupt(t *testing.T, e *env, acc data.Account, d Draft, claimedAt time.Time, sent, dropProgress bool) data.Post {
	t.Helper()
	ctx := context.Background()
	now := e.clock.Now()
	e.clock.Set(claimedAt)
	defer e.clock.Set(now)
	d.AccountIDs, d.Zone = []int64{acc.ID}, time.UTC
	p, err := e.app.PostNow(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	p = e.post(t, p.ID)
	tg := p.Targets[0]
	if ok, err := e.app.Store.ClaimTarget(ctx, tg.ID, claimedAt); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if sent {
		if _, err := e.app.publishTarget(ctx, data.DueTarget{Target: tg, Post: p, Account: acc}, time.Time{}); err != nil {
			t.Fatalf("send: %v", err)
		}
	}
	if dropProgress {
		if err := e.app.Store.SetTargetPending(ctx, tg.ID, nil); err != nil {
			t.Fatal(err)
		}
	}
	p = e.post(t, p.ID)
	if p.Targets[0].State != data.StatePublishing {
		t.Fatalf("setup: target %s", p.Targets[0].State)
	}
	return p
}

func requestsTo(reqs []fakes.Request, method, suffix string) int {
	n := 0
	for _, r := range reqs {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

func (e *env) target(t *testing.T, postID int64) data.Target {
	t.Helper()
	return e.post(t, postID).Targets[0]
}

func (e *env) attempts(t *testing.T, postID int64) []data.Attempt {
	t.Helper()
	as, err := e.app.Attempts(context.Background(), postID)
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// TestRecoverFindsThePostOnTheNetwork: a Mastodon status made two hours
// before the restart (too long ago for its idempotency key) is found among
// the account's statuses and recorded with its address; nothing is sent.
func TestRecoverFindsThePostOnTheNetwork(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Now().UTC())
	acc := e.connect(t)
	p := interrupt(t, e, acc, Draft{Text: "Winter hours\n\n8 to 6 & Sundays off: https://example.com/hours"}, e.clock.Now().Add(-2*time.Hour), true, false)
	if n := len(e.fake.Statuses()); n != 1 {
		t.Fatalf("setup: %d statuses", n)
	}
	posted := requestsTo(e.fake.Requests(), http.MethodPost, "/api/v1/statuses")

	e.app.Start(context.Background()) // the restart
	waitFor(t, "published", func() bool { return e.target(t, p.ID).State == data.StatePublished })
	st := e.fake.Statuses()
	if len(st) != 1 {
		t.Fatalf("the fake holds %d statuses, want 1", len(st))
	}
	if n := requestsTo(e.fake.Requests(), http.MethodPost, "/api/v1/statuses"); n != posted {
		t.Errorf("%d more statuses sent after the restart", n-posted)
	}
	if tg := e.target(t, p.ID); tg.RemoteID != st[0].ID || tg.RemoteURL != st[0].URL {
		t.Errorf("target %s %s, the status is %s %s", tg.RemoteID, tg.RemoteURL, st[0].ID, st[0].URL)
	}
	as := e.attempts(t, p.ID)
	if len(as) != 1 || as[0].Outcome != "published" || !strings.Contains(as[0].Message, "Found on the network after a restart") {
		t.Errorf("attempts %+v", as)
	}
}

// TestRecoverSendsAgainWhatIsNotThere: the run stopped before the status
// was sent; the look says surely not there, so it goes out, once.
func TestRecoverSendsAgainWhatIsNotThere(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Now().UTC())
	acc := e.connect(t)
	p := interrupt(t, e, acc, Draft{Text: "Never sent before the crash"}, e.clock.Now().Add(-2*time.Hour), false, false)

	e.app.Start(context.Background())
	waitFor(t, "published", func() bool { return e.target(t, p.ID).State == data.StatePublished })
	st := e.fake.Statuses()
	if len(st) != 1 || st[0].Text != "Never sent before the crash" {
		t.Fatalf("the fake holds %+v, want the post once", st)
	}
	if n := requestsTo(e.fake.Requests(), http.MethodGet, "/statuses"); n < 1 {
		t.Error("sent again without looking first")
	}
	if tg := e.target(t, p.ID); tg.RemoteID != st[0].ID {
		t.Errorf("target %+v", tg)
	}
}

// TestRecoverMediaOnlyMastodonUsesTheKey: a status without text cannot be
// looked for; within the hour the server keeps keys it is sent again with
// the same one, and the server drops the repeat.
func TestRecoverMediaOnlyMastodonUsesTheKey(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Now().UTC())
	acc := e.connect(t)
	m, err := e.app.AddMedia(context.Background(), writePNG(t, t.TempDir(), "w.png"))
	if err != nil {
		t.Fatal(err)
	}
	p := interrupt(t, e, acc, Draft{Media: []DraftMedia{m}}, e.clock.Now().Add(-10*time.Minute), true, false)

	e.app.Start(context.Background())
	waitFor(t, "published", func() bool { return e.target(t, p.ID).State == data.StatePublished })
	if st := e.fake.Statuses(); len(st) != 1 || e.target(t, p.ID).RemoteID != st[0].ID {
		t.Fatalf("the fake holds %d statuses, want 1 (the key made the server drop the repeat)", len(st))
	}
}

// TestRecoverWaitsWhileTheLookFails: while the network does not answer the
// look, the target stays "publishing" with a note, is not sent again and
// not given up; once the look works the post is found, once.
func TestRecoverWaitsWhileTheLookFails(t *testing.T) {
	e := newAllEnv(t)
	accs := e.connectAll(t)
	x := e.nets.X
	// Sent, but the client's saved progress is lost: only a look can tell.
	p := interrupt(t, e.env, accs[platforms.X], Draft{Text: "Posted before the crash, X answer lost"}, e.clock.Now().Add(-10*time.Minute), true, true)
	if n := len(x.Posts()); n != 1 {
		t.Fatalf("setup: %d posts", n)
	}
	x.FailStep(fakes.XStepTimeline, 3, http.StatusServiceUnavailable)

	e.app.Start(context.Background())
	waitFor(t, "the note", func() bool { return strings.Contains(e.target(t, p.ID).LastError, "could not yet check") })
	if tg := e.target(t, p.ID); tg.State != data.StatePublishing || len(x.Posts()) != 1 {
		t.Fatalf("while the look fails: %s, %d posts", tg.State, len(x.Posts()))
	}
	waitFor(t, "published", func() bool { return e.target(t, p.ID).State == data.StatePublished })
	if n := len(x.Posts()); n != 1 {
		t.Fatalf("X holds %d posts, want 1", n)
	}
	if n := requestsTo(x.Requests(), http.MethodGet, "/tweets"); n != 4 {
		t.Errorf("%d looks, want 3 failed + 1", n)
	}
	if tg := e.target(t, p.ID); tg.RemoteID != x.Posts()[0].ID {
		t.Errorf("target %+v", tg)
	}
	var unchecked int
	for _, a := range e.attempts(t, p.ID) {
		if a.Outcome == "unchecked" {
			unchecked++
		}
	}
	if unchecked != 1 {
		t.Errorf("%d notes for one run, want 1", unchecked)
	}
}

// TestPublishDueLooksOnceAndLeavesTheRest: `localpost publish-due` does not
// wait for a network that does not answer the look; the next run settles
// the post (here: not there, so it goes out once).
func TestPublishDueLooksOnceAndLeavesTheRest(t *testing.T) {
	e := newAllEnv(t)
	accs := e.connectAll(t)
	x := e.nets.X
	p := interrupt(t, e.env, accs[platforms.X], Draft{Text: "Claimed, never sent"}, e.clock.Now().Add(-10*time.Minute), false, false)
	x.FailStep(fakes.XStepTimeline, 1, http.StatusServiceUnavailable)
	ctx := context.Background()

	if _, err := e.app.PublishDue(ctx); err != nil {
		t.Fatal(err)
	}
	if tg := e.target(t, p.ID); tg.State != data.StatePublishing || len(x.Posts()) != 0 {
		t.Fatalf("after a failed look: %s, %d posts", tg.State, len(x.Posts()))
	}
	sum, err := e.app.PublishDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tg := e.target(t, p.ID); tg.State != data.StatePublished || len(x.Posts()) != 1 || sum.Published != 1 {
		t.Fatalf("next run: %s, %d posts, %s", tg.State, len(x.Posts()), sum)
	}
}

// TestRecoverAsksWhenTheNetworkCannotTell: LinkedIn does not list a
// member's posts, so the user decides, with "It is there" and "Publish
// again".
func TestRecoverAsksWhenTheNetworkCannotTell(t *testing.T) {
	e := newAllEnv(t)
	accs := e.connectAll(t)
	li := accs[platforms.LinkedIn]
	claimed := e.clock.Now().Add(-10 * time.Minute)
	there := interrupt(t, e.env, li, Draft{Text: "Maybe posted"}, claimed, false, false)
	again := interrupt(t, e.env, li, Draft{Text: "Maybe posted too"}, claimed, false, false)

	e.app.Start(context.Background())
	for _, p := range []data.Post{there, again} {
		waitFor(t, "uncertain", func() bool { return e.target(t, p.ID).State == data.StateUncertain })
		msg := e.target(t, p.ID).LastError
		for _, want := range []string{"cannot check", "approved partners", "“It is there”", "“Publish again”"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q lacks %q", msg, want)
			}
		}
	}
	if n := len(e.nets.LinkedIn.Posts()); n != 0 {
		t.Fatalf("LinkedIn holds %d posts before the user decided", n)
	}
	ctx := context.Background()
	if err := e.app.MarkPublished(ctx, there.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.app.Retry(ctx, again.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "published again", func() bool { return e.target(t, again.ID).State == data.StatePublished })
	if st := e.target(t, there.ID).State; st != data.StatePublished {
		t.Errorf("marked: %s", st)
	}
	if got := e.nets.LinkedIn.Posts(); len(got) != 1 || got[0].Text != "Maybe posted too" {
		t.Errorf("LinkedIn holds %+v, want the one published again", got)
	}
}
