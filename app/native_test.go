package app

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"localpost/data"
	"localpost/platforms"
	"localpost/platforms/fakes"
)

// offline makes the app's client fail for the hosts switched off, as when
// the computer loses its connection or a network is down, and loses the
// answers to the next requests to a path (the server did the work).
type offline struct {
	next http.RoundTripper
	mu   sync.Mutex
	down map[string]bool
	lose map[string]int // path → answers still to lose
}

func (o *offline) RoundTrip(r *http.Request) (*http.Response, error) {
	o.mu.Lock()
	down := o.down[r.URL.Host]
	o.mu.Unlock()
	if down {
		return nil, &netErr{syscall.ECONNREFUSED}
	}
	resp, err := o.next.RoundTrip(r)
	o.mu.Lock()
	lose := err == nil && o.lose[r.URL.Path] > 0
	if lose {
		o.lose[r.URL.Path]--
	}
	o.mu.Unlock()
	if lose {
		resp.Body.Close()
		return nil, &netErr{syscall.ECONNRESET}
	}
	return resp, err
}

type netErr struct{ error }

func (o *offline) set(host string, down bool) {
	o.mu.Lock()
	o.down[host] = down
	o.mu.Unlock()
}

// nativeEnv is the app on the fakes of every network, their clocks tied to
// the app's, with Mastodon, Facebook and YouTube connected.
type nativeEnv struct {
	*allEnv
	net            *offline
	masto, fb, yt  data.Account
	notesMu        sync.Mutex
	notes          []string
	video          DraftMedia
	fbHost, ytHost string
}

func newNativeEnv(t *testing.T) *nativeEnv {
	t.Helper()
	e := &nativeEnv{allEnv: newAllEnv(t)}
	e.clock.Set(time.Now().UTC().Truncate(time.Minute))
	e.nets.Mastodon.SetClock(e.clock.Now)
	e.nets.Meta.SetClock(e.clock.Now)
	e.nets.YouTube.SetClock(e.clock.Now)
	e.net = &offline{next: e.guard.next, down: map[string]bool{}, lose: map[string]int{}}
	e.guard.next = e.net
	e.app.cfg.Notify = func(title, body string) {
		e.notesMu.Lock()
		e.notes = append(e.notes, title+": "+body)
		e.notesMu.Unlock()
	}
	ctx := context.Background()
	e.masto = e.connect(t)
	for _, n := range []platforms.Network{platforms.Facebook, platforms.YouTube} {
		l, err := e.app.Connect(ctx, n, nil)
		if err != nil {
			t.Fatalf("connect %s: %v", n, err)
		}
		accs, err := e.app.AddIdentities(ctx, l, []string{l.Identities[0].RemoteID})
		if err != nil || len(accs) != 1 {
			t.Fatalf("add %s: %v", n, err)
		}
		if n == platforms.Facebook {
			e.fb = accs[0]
		} else {
			e.yt = accs[0]
		}
	}
	v, err := e.app.AddMedia(ctx, writeVideo(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	e.video = v
	e.fbHost = strings.TrimPrefix(e.nets.Meta.URL, "http://")
	e.ytHost = strings.TrimPrefix(e.nets.YouTube.URL, "http://")
	return e
}

func (e *nativeEnv) noted(s string) bool {
	e.notesMu.Lock()
	defer e.notesMu.Unlock()
	for _, n := range e.notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// draft is a post at the given time on the given accounts; a YouTube one
// carries the video and a title.
func (e *nativeEnv) draft(text string, at time.Time, accs ...data.Account) Draft {
	at = at.UTC()
	d := Draft{Text: text, Day: time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC), Clock: at.Format("15:04"), Zone: time.UTC}
	for _, acc := range accs {
		d.AccountIDs = append(d.AccountIDs, acc.ID)
		if acc.ID == e.yt.ID {
			d.Media = []DraftMedia{e.video}
			d.Variants = map[int64]Variant{acc.ID: {Options: platforms.Options{Title: "Kitchen tour"}}}
		}
	}
	return d
}

func (e *nativeEnv) schedule(t *testing.T, d Draft) data.Post {
	t.Helper()
	p, _, err := e.app.Schedule(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// target is the post's target on the account.
func (e *nativeEnv) target(t *testing.T, postID int64, acc data.Account) data.Target {
	t.Helper()
	for _, tg := range e.post(t, postID).Targets {
		if tg.AccountID == acc.ID {
			return tg
		}
	}
	t.Fatalf("post %d has no target on %s", postID, acc.Handle)
	return data.Target{}
}

// waitHanded waits until every target of the post is held by its network
// (other than the remote ids in not) and returns them by account.
func (e *nativeEnv) waitHanded(t *testing.T, postID int64, not ...string) map[int64]data.Target {
	t.Helper()
	out := map[int64]data.Target{}
	waitFor(t, "the networks hold the post", func() bool {
		p, err := e.app.Post(context.Background(), postID)
		if err != nil {
			return false
		}
		for _, tg := range p.Targets {
			if tg.State != data.StateScheduled || tg.RemoteID == "" {
				return false
			}
			for _, n := range not {
				if tg.RemoteID == n {
					return false
				}
			}
			out[tg.AccountID] = tg
		}
		return true
	})
	return out
}

// waitSynced waits until no change is waiting for a network.
func (e *nativeEnv) waitSynced(t *testing.T) {
	t.Helper()
	waitFor(t, "the networks told", func() bool {
		cs, err := e.app.Store.PendingRemoteChanges(context.Background(), time.Unix(1<<40, 0), 0)
		return err == nil && len(cs) == 0
	})
}

func (e *nativeEnv) metaPosts() []fakes.MetaPost {
	var out []fakes.MetaPost
	for _, p := range e.nets.Meta.Posts() {
		if p.Network == "facebook" {
			out = append(out, p)
		}
	}
	return out
}

func TestNativeMastodonHandOverAndSettle(t *testing.T) {
	e := newNativeEnv(t)
	ctx := context.Background()
	at := e.clock.Now().Add(2 * time.Hour)
	p := e.schedule(t, e.draft("Soup of the day: leek & potato", at, e.masto))
	e.app.Start(ctx)
	tg := e.waitHanded(t, p.ID)[e.masto.ID]

	held := e.nets.Mastodon.Scheduled()
	if len(held) != 1 || held[0].ID != tg.RemoteID || !held[0].At.Equal(at) || held[0].Text != "Soup of the day: leek & potato" {
		t.Fatalf("the server holds %+v; target %+v", held, tg)
	}
	if n := len(e.nets.Mastodon.Statuses()); n != 0 {
		t.Fatalf("%d statuses before the time", n)
	}
	if !strings.HasPrefix(held[0].IdempotencyKey, tg.IdempotencyKey+"-h") {
		t.Fatalf("hand-over key %q, target key %q", held[0].IdempotencyKey, tg.IdempotencyKey)
	}

	// The time comes: the server publishes it; Localpost links the status.
	e.clock.Set(at.Add(time.Minute))
	e.app.Wake()
	waitFor(t, "settled", func() bool { return e.post(t, p.ID).State == data.StatePublished })
	st := e.nets.Mastodon.Statuses()
	tg = e.target(t, p.ID, e.masto)
	if len(st) != 1 || tg.RemoteID != st[0].ID || tg.RemoteURL != st[0].URL || len(e.nets.Mastodon.Scheduled()) != 0 {
		t.Fatalf("statuses %+v, target %+v", st, tg)
	}
}

func TestNativeMoveKeepsOneCopyAtTheNewTime(t *testing.T) {
	e := newNativeEnv(t)
	ctx := context.Background()
	at := e.clock.Now().Add(2 * time.Hour)
	text := e.schedule(t, e.draft("Opening night, 7pm", at, e.fb, e.masto))
	video := e.schedule(t, e.draft("Tour of the kitchen", at, e.yt))
	e.app.Start(ctx)
	before := e.waitHanded(t, text.ID)
	before[e.yt.ID] = e.waitHanded(t, video.ID)[e.yt.ID]

	later := at.Add(3 * time.Hour)
	for _, id := range []int64{text.ID, video.ID} {
		d := e.app.DraftFromPost(e.post(t, id), time.UTC)
		d.Clock = later.Format("15:04")
		d.Day = time.Date(later.Year(), later.Month(), later.Day(), 0, 0, 0, 0, time.UTC)
		if _, _, err := e.app.Schedule(ctx, d); err != nil {
			t.Fatalf("moving a post the networks hold: %v", err)
		}
	}
	e.waitSynced(t)

	if ps := e.metaPosts(); len(ps) != 1 || ps[0].ID != before[e.fb.ID].RemoteID || !ps[0].Scheduled.Equal(later) || ps[0].Published {
		t.Fatalf("Meta holds %+v, want the same post at %s", ps, later)
	}
	if held := e.nets.Mastodon.Scheduled(); len(held) != 1 || held[0].ID != before[e.masto.ID].RemoteID || !held[0].At.Equal(later) {
		t.Fatalf("Mastodon holds %+v", held)
	}
	if vs := e.nets.YouTube.Posts(); len(vs) != 1 || vs[0].ID != before[e.yt.ID].RemoteID || vs[0].PublishAt != later.Format(time.RFC3339) {
		t.Fatalf("YouTube holds %+v", vs)
	}
	for _, acc := range []data.Account{e.fb, e.masto} {
		if tg := e.target(t, text.ID, acc); tg.RemoteID != before[acc.ID].RemoteID || !strings.Contains(tg.LastError, "Scheduled on") {
			t.Fatalf("%s target after the move %+v", acc.Network, tg)
		}
	}
	if n := len(e.nets.Mastodon.Statuses()); n != 0 {
		t.Fatalf("%d statuses", n)
	}

	// Moved to within minutes: no network can hold it that close, so it is
	// taken back and Localpost publishes it itself, once.
	soon := e.clock.Now().Add(3 * time.Minute)
	d := e.app.DraftFromPost(e.post(t, text.ID), time.UTC)
	d.Clock, d.Day = soon.Format("15:04"), time.Date(soon.Year(), soon.Month(), soon.Day(), 0, 0, 0, 0, time.UTC)
	if _, _, err := e.app.Schedule(ctx, d); err != nil {
		t.Fatal(err)
	}
	e.waitSynced(t)
	if len(e.metaPosts()) != 0 || len(e.nets.Mastodon.Scheduled()) != 0 {
		t.Fatalf("still held after a move too close: meta %+v, mastodon %+v", e.metaPosts(), e.nets.Mastodon.Scheduled())
	}
	e.clock.Set(soon.Add(time.Minute))
	e.app.Wake()
	waitFor(t, "published from here", func() bool { return e.post(t, text.ID).State == data.StatePublished })
	if ps, st := e.metaPosts(), e.nets.Mastodon.Statuses(); len(ps) != 1 || !ps[0].Published || len(st) != 1 {
		t.Fatalf("after the time: meta %+v, mastodon %+v", ps, st)
	}
}

func TestNativeEditTakesBackAndHandsOverAgain(t *testing.T) {
	e := newNativeEnv(t)
	ctx := context.Background()
	at := e.clock.Now().Add(2 * time.Hour)
	p := e.schedule(t, e.draft("Opening night, 7pm", at, e.fb, e.masto))
	e.app.Start(ctx)
	first := e.waitHanded(t, p.ID)

	d := e.app.DraftFromPost(e.post(t, p.ID), time.UTC)
	d.Text = "Opening night, 7pm, with live music"
	if _, _, err := e.app.Schedule(ctx, d); err != nil {
		t.Fatalf("editing a post the networks hold: %v", err)
	}
	second := e.waitHanded(t, p.ID, first[e.fb.ID].RemoteID, first[e.masto.ID].RemoteID)
	e.waitSynced(t)

	ps := e.metaPosts()
	if len(ps) != 1 || ps[0].ID != second[e.fb.ID].RemoteID || ps[0].Text != d.Text || !ps[0].Scheduled.Equal(at) {
		t.Fatalf("Meta holds %+v: want only the new version", ps)
	}
	held := e.nets.Mastodon.Scheduled()
	if len(held) != 1 || held[0].ID != second[e.masto.ID].RemoteID || held[0].Text != d.Text {
		t.Fatalf("Mastodon holds %+v: want only the new version", held)
	}
	atts, err := e.app.Attempts(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	withdrawn := 0
	for _, a := range atts {
		if a.Outcome == "withdrawn" {
			withdrawn++
		}
	}
	if withdrawn != 2 {
		t.Fatalf("attempts %+v: want the two take-backs in the history", atts)
	}

	// Its time: each network publishes the new version, once.
	e.clock.Set(at.Add(time.Minute))
	e.app.Wake()
	waitFor(t, "published", func() bool { return e.post(t, p.ID).State == data.StatePublished })
	st := e.nets.Mastodon.Statuses()
	if len(st) != 1 || st[0].Text != d.Text || len(e.metaPosts()) != 1 || !e.metaPosts()[0].Published {
		t.Fatalf("after the time: statuses %+v, meta %+v", st, e.metaPosts())
	}
}

func TestNativeDeleteTakesBackEverywhere(t *testing.T) {
	e := newNativeEnv(t)
	ctx := context.Background()
	at := e.clock.Now().Add(2 * time.Hour)
	text := e.schedule(t, e.draft("Opening night, 7pm", at, e.fb, e.masto))
	video := e.schedule(t, e.draft("Tour of the kitchen", at, e.yt))
	e.app.Start(ctx)
	e.waitHanded(t, text.ID)
	e.waitHanded(t, video.ID)
	if held, err := e.app.HeldByNetworks(ctx, text.ID); err != nil || len(held) != 2 {
		t.Fatalf("held by %v, %v", held, err)
	}
	for _, id := range []int64{text.ID, video.ID} {
		if err := e.app.DeletePost(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	e.waitSynced(t)
	if len(e.metaPosts()) != 0 || len(e.nets.Mastodon.Scheduled()) != 0 || len(e.nets.YouTube.Posts()) != 0 {
		t.Fatalf("still held: meta %+v, mastodon %+v, youtube %+v", e.metaPosts(), e.nets.Mastodon.Scheduled(), e.nets.YouTube.Posts())
	}
	if probs, err := e.app.RemoteProblems(ctx); err != nil || len(probs) != 0 {
		t.Fatalf("problems %+v, %v", probs, err)
	}
	e.clock.Set(at.Add(time.Hour))
	if len(e.nets.Mastodon.Statuses()) != 0 || len(e.metaPosts()) != 0 {
		t.Fatal("a deleted post was published")
	}
}

// TestNativeOfflineEditNeverTwoCopies: edited while the networks cannot be
// reached, the post waits: not published from here, the old version still
// held there; once they answer, the old version is taken back and the new
// one handed over. At no point are there two.
func TestNativeOfflineEditNeverTwoCopies(t *testing.T) {
	e := newNativeEnv(t)
	ctx := context.Background()
	at := e.clock.Now().Add(2 * time.Hour)
	p := e.schedule(t, e.draft("Opening night, 7pm", at, e.fb, e.masto))
	e.app.Start(ctx)
	first := e.waitHanded(t, p.ID)
	mastoHost := strings.TrimPrefix(e.nets.Mastodon.URL, "http://")

	e.net.set(mastoHost, true)
	e.net.set(e.fbHost, true)
	d := e.app.DraftFromPost(e.post(t, p.ID), time.UTC)
	d.Text = "Opening night, 7pm, with live music"
	if _, _, err := e.app.Schedule(ctx, d); err != nil {
		t.Fatalf("editing offline: %v", err)
	}
	waitFor(t, "both tried", func() bool {
		cs, _ := e.app.Store.PendingRemoteChanges(ctx, time.Unix(1<<40, 0), 0)
		return len(cs) == 2 && cs[0].Tries > 0 && cs[1].Tries > 0
	})
	for _, acc := range []data.Account{e.fb, e.masto} {
		tg := e.target(t, p.ID, acc)
		if tg.RemoteID != first[acc.ID].RemoteID || tg.State != data.StateScheduled || !strings.Contains(tg.LastError, "Could not yet take back") {
			t.Fatalf("%s target while offline: %+v", acc.Network, tg)
		}
	}
	oneCopy := func(text string) {
		t.Helper()
		held := e.nets.Mastodon.Scheduled()
		ps := e.metaPosts()
		if len(held) != 1 || held[0].Text != text || len(ps) != 1 || ps[0].Text != text || len(e.nets.Mastodon.Statuses()) != 0 {
			t.Fatalf("want one copy of %q: mastodon %+v / %d statuses, meta %+v", text, held, len(e.nets.Mastodon.Statuses()), ps)
		}
	}
	oneCopy("Opening night, 7pm")

	// Back online: the retry (after its backoff) takes the old version back
	// and hands the new one over.
	e.net.set(mastoHost, false)
	e.net.set(e.fbHost, false)
	e.clock.Set(e.clock.Now().Add(10 * time.Minute))
	e.app.Wake()
	e.waitHanded(t, p.ID, first[e.fb.ID].RemoteID, first[e.masto.ID].RemoteID)
	e.waitSynced(t)
	oneCopy(d.Text)
}

// TestNativeAlreadyPublishedIsSaid: edited offline, and the networks
// published the old version at its time before Localpost could reach
// them: the post is published (with its link) and the user told so, not
// published again.
func TestNativeAlreadyPublishedIsSaid(t *testing.T) {
	e := newNativeEnv(t)
	ctx := context.Background()
	at := e.clock.Now().Add(2 * time.Hour)
	p := e.schedule(t, e.draft("Opening night, 7pm", at, e.fb, e.masto))
	e.app.Start(ctx)
	first := e.waitHanded(t, p.ID)
	mastoHost := strings.TrimPrefix(e.nets.Mastodon.URL, "http://")

	e.net.set(mastoHost, true)
	e.net.set(e.fbHost, true)
	d := e.app.DraftFromPost(e.post(t, p.ID), time.UTC)
	d.Text = "Opening night, 7pm, with live music"
	if _, _, err := e.app.Schedule(ctx, d); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "tried", func() bool {
		cs, _ := e.app.Store.PendingRemoteChanges(ctx, time.Unix(1<<40, 0), 0)
		return len(cs) == 2 && cs[0].Tries > 0 && cs[1].Tries > 0
	})
	// The time passes while offline: due here, but waiting for the
	// networks, it is not published from here.
	e.clock.Set(at.Add(5 * time.Minute))
	e.app.Wake()
	time.Sleep(100 * time.Millisecond)
	for _, acc := range []data.Account{e.fb, e.masto} {
		if tg := e.target(t, p.ID, acc); tg.State != data.StateScheduled || tg.RemoteID != first[acc.ID].RemoteID {
			t.Fatalf("%s target while offline after the time: %+v", acc.Network, tg)
		}
	}

	e.net.set(mastoHost, false)
	e.net.set(e.fbHost, false)
	e.clock.Set(at.Add(30 * time.Minute))
	e.app.Wake()
	waitFor(t, "settled", func() bool { return e.post(t, p.ID).State == data.StatePublished })
	e.waitSynced(t)

	st := e.nets.Mastodon.Statuses()
	ps := e.metaPosts()
	if len(st) != 1 || st[0].Text != "Opening night, 7pm" || len(ps) != 1 || !ps[0].Published {
		t.Fatalf("want the old version once: statuses %+v, meta %+v", st, ps)
	}
	if tg := e.target(t, p.ID, e.masto); tg.RemoteID != st[0].ID || tg.RemoteURL != st[0].URL {
		t.Fatalf("mastodon target %+v, status %+v", tg, st[0])
	}
	if tg := e.target(t, p.ID, e.fb); tg.RemoteID != ps[0].ID || tg.RemoteURL == "" {
		t.Fatalf("facebook target %+v", tg)
	}
	probs, err := e.app.RemoteProblems(ctx)
	if err != nil || len(probs) != 2 {
		t.Fatalf("problems %+v, %v", probs, err)
	}
	for _, pr := range probs {
		if pr.PostID != p.ID || !strings.Contains(pr.Message, "had already published the earlier version") || !strings.Contains(pr.Message, "your later changes are not on") {
			t.Errorf("problem %+v", pr)
		}
	}
	if !e.noted("Already published on") {
		t.Errorf("no notification; notes %q", e.notes)
	}
	if err := e.app.DismissRemoteProblem(ctx, probs[0].ID); err != nil {
		t.Fatal(err)
	}
	if probs, _ := e.app.RemoteProblems(ctx); len(probs) != 1 {
		t.Fatalf("after dismissing: %+v", probs)
	}
}

// TestNativeDeleteRefusedIsSaid: the network refuses the login when a
// deleted post is to be taken back: the user is told at once, and the
// message stays until it is resolved.
func TestNativeDeleteRefusedIsSaid(t *testing.T) {
	e := newNativeEnv(t)
	ctx := context.Background()
	at := e.clock.Now().Add(2 * time.Hour)
	p := e.schedule(t, e.draft("Opening night, 7pm", at, e.masto))
	e.app.Start(ctx)
	e.waitHanded(t, p.ID)
	e.nets.Mastodon.RevokeAll()
	if err := e.app.DeletePost(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "told", func() bool { return e.noted("Not yet changed on") })
	probs, err := e.app.RemoteProblems(ctx)
	if err != nil || len(probs) != 1 || !probs[0].Waiting || !strings.Contains(probs[0].Message, "reconnect") ||
		!strings.Contains(probs[0].Message, "Opening night, 7pm") {
		t.Fatalf("problems %+v, %v", probs, err)
	}
	if err := e.app.DismissRemoteProblem(ctx, probs[0].ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("a change still being tried was dismissed: %v", err)
	}
	if len(e.nets.Mastodon.Scheduled()) != 1 {
		t.Fatal("the server should still hold it")
	}
}

// TestNativeLostHandOverAnswerNeverTwoCopies: the server holds the post
// but its answer is lost. Handed over again, what the server holds under
// the lost try's key is replaced, not doubled; and if the time comes
// first, publishing from here finds what the server did instead of
// posting a second copy.
func TestNativeLostHandOverAnswerNeverTwoCopies(t *testing.T) {
	for _, timeFirst := range []bool{false, true} {
		t.Run(map[bool]string{false: "handed over again", true: "the time comes first"}[timeFirst], func(t *testing.T) {
			e := newNativeEnv(t)
			ctx := context.Background()
			at := e.clock.Now().Add(2 * time.Hour)
			p := e.schedule(t, e.draft("Soup of the day: leek & potato", at, e.masto))
			e.net.mu.Lock()
			e.net.lose["/api/v1/statuses"] = 1
			e.net.mu.Unlock()
			e.app.Start(ctx)
			waitFor(t, "the lost answer seen", func() bool {
				tg := e.target(t, p.ID, e.masto)
				return tg.State == data.StateScheduled && tg.Attempts == 1 && !tg.NextAttemptAt.IsZero()
			})
			if n := len(e.nets.Mastodon.Scheduled()); n != 1 {
				t.Fatalf("the server holds %d", n)
			}
			if timeFirst {
				e.clock.Set(at.Add(time.Minute))
			} else {
				e.clock.Set(e.clock.Now().Add(5 * time.Minute))
				e.app.Wake()
				e.waitHanded(t, p.ID)
				if held := e.nets.Mastodon.Scheduled(); len(held) != 1 || held[0].ID != e.target(t, p.ID, e.masto).RemoteID {
					t.Fatalf("held %+v", held)
				}
				e.clock.Set(at.Add(time.Minute))
			}
			e.app.Wake()
			waitFor(t, "published", func() bool { return e.post(t, p.ID).State == data.StatePublished })
			st := e.nets.Mastodon.Statuses()
			if tg := e.target(t, p.ID, e.masto); len(st) != 1 || tg.RemoteID != st[0].ID || len(e.nets.Mastodon.Scheduled()) != 0 {
				t.Fatalf("statuses %+v, target %+v", st, tg)
			}
		})
	}
}

// Disconnecting an account first takes back what its network holds:
// otherwise those posts would still go out after Localpost let go. Kept,
// they wait here; deleted, they are gone; Delete everything takes back
// every network's.
func TestDisconnectTakesBackHeldPosts(t *testing.T) {
	e := newNativeEnv(t)
	ctx := context.Background()
	at := e.clock.Now().Add(2 * time.Hour)
	keep := e.schedule(t, e.draft("Opening night, 7pm", at, e.masto))
	gone := e.schedule(t, e.draft("Opening night on Facebook", at, e.fb))
	video := e.schedule(t, e.draft("Tour of the kitchen", at, e.yt))
	e.app.Start(ctx)
	e.waitHanded(t, keep.ID)
	e.waitHanded(t, gone.ID)
	e.waitHanded(t, video.ID)

	if _, err := e.app.DisconnectAccount(ctx, e.masto.ID, true); err != nil {
		t.Fatal(err)
	}
	if held := e.nets.Mastodon.Scheduled(); len(held) != 0 {
		t.Errorf("Mastodon still holds %+v after the disconnect", held)
	}
	tg := e.target(t, keep.ID, e.masto)
	if tg.RemoteID != "" || tg.State != data.StateScheduled || !strings.Contains(tg.LastError, "Reconnect") {
		t.Errorf("kept post's target: %+v, want waiting here, not held", tg)
	}
	if _, err := e.app.DisconnectAccount(ctx, e.fb.ID, false); err != nil {
		t.Fatal(err)
	}
	if len(e.metaPosts()) != 0 {
		t.Errorf("Facebook still holds %+v", e.metaPosts())
	}
	e.app.RevokeAll(ctx)
	if n := len(e.nets.YouTube.Posts()); n != 0 {
		t.Errorf("YouTube still holds %d videos after Delete everything's revocations", n)
	}
	e.clock.Set(at.Add(time.Hour))
	if len(e.nets.Mastodon.Statuses()) != 0 || len(e.metaPosts()) != 0 {
		t.Fatal("a post went out after its account was disconnected")
	}
}
