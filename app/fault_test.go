package app

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"localpost/data"
	"localpost/platforms"
	"localpost/platforms/fakes"
)

// Fault tests: the publisher against networks that misbehave — 429 storms,
// 5xx bursts, connections cut mid-upload, servers that never answer, logins
// that run out mid-batch — and against a database another process holds.
// Each checks the end state and that no network received a post twice.

// faultRound runs one `publish-due` round with the clock at `at` and waits
// for it: a deterministic step of the publisher.
func faultRound(t *testing.T, e *env, at time.Time) {
	t.Helper()
	e.clock.Set(at)
	if _, err := e.app.PublishDue(context.Background()); err != nil {
		t.Fatalf("publish-due at %s: %v", at.Format(time.RFC3339), err)
	}
}

// faultCalls counts the requests a fake recorded with method and path
// (path may end in "*" to match a prefix), whatever their answer.
func faultCalls(rs []fakes.Request, method, path string) int {
	n := 0
	for _, r := range rs {
		if r.Method != method {
			continue
		}
		if p, ok := strings.CutSuffix(path, "*"); ok && strings.HasPrefix(r.Path, p) || r.Path == path {
			n++
		}
	}
	return n
}

// faultTarget is the post's target on the account.
func faultTarget(t *testing.T, e *env, postID, accountID int64) data.Target {
	t.Helper()
	for _, tg := range e.post(t, postID).Targets {
		if tg.AccountID == accountID {
			return tg
		}
	}
	t.Fatalf("post %d has no target on account %d", postID, accountID)
	return data.Target{}
}

// faultConnect connects one network of the fakes and adds its first
// identity.
func faultConnect(t *testing.T, e *allEnv, n platforms.Network) data.Account {
	t.Helper()
	l, err := e.app.Connect(context.Background(), n, nil)
	if err != nil {
		t.Fatalf("connect %s: %v", n, err)
	}
	accs, err := e.app.AddIdentities(context.Background(), l, []string{l.Identities[0].RemoteID})
	if err != nil || len(accs) != 1 {
		t.Fatalf("add %s: %v", n, err)
	}
	return accs[0]
}

// faultNotes collects the app's notifications.
func faultNotes(a *App) func() []string {
	var mu sync.Mutex
	var notes []string
	a.cfg.Notify = func(title, body string) {
		mu.Lock()
		notes = append(notes, title+": "+body)
		mu.Unlock()
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), notes...)
	}
}

func TestRateLimitStormWaitsForRetryAfterAndPostsOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	const retryAfter = time.Hour // longer than any backoff of the first tries
	const stormRounds = 4
	texts := []string{"Storm one", "Storm two", "Storm three"}
	e.fake.FailNext(stormRounds*len(texts), http.StatusTooManyRequests, retryAfter)
	var ids []int64
	for _, text := range texts {
		p, err := e.app.PostNow(ctx, Draft{Text: text, AccountIDs: []int64{acc.ID}, Zone: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	calls := func() int { return faultCalls(e.fake.Requests(), "POST", "/api/v1/statuses") }

	at := e.clock.Now()
	for round := 1; round <= stormRounds; round++ {
		faultRound(t, e, at)
		if n := calls(); n != round*len(texts) {
			t.Fatalf("round %d: %d calls, want %d (each queued post tried once)", round, n, round*len(texts))
		}
		for _, id := range ids {
			tg := e.post(t, id).Targets[0]
			if tg.State != data.StateScheduled || tg.Attempts != round {
				t.Fatalf("round %d: target %s after %d tries", round, tg.State, tg.Attempts)
			}
			if tg.NextAttemptAt.Before(at.Add(retryAfter)) {
				t.Fatalf("round %d: next try at %s, before the Retry-After of %s", round, tg.NextAttemptAt, at.Add(retryAfter))
			}
			if !strings.Contains(tg.LastError, "HTTP 429") || !strings.Contains(tg.LastError, "Trying again") {
				t.Fatalf("round %d: message %q", round, tg.LastError)
			}
		}
		// A second before the server said: nobody knocks.
		faultRound(t, e, at.Add(retryAfter-time.Second))
		if n := calls(); n != round*len(texts) {
			t.Fatalf("round %d: %d calls before Retry-After was over", round, n)
		}
		at = at.Add(retryAfter)
	}
	// The storm is over: each post goes out once.
	faultRound(t, e, at)
	for _, id := range ids {
		p := e.post(t, id)
		if p.State != data.StatePublished || p.Targets[0].Attempts != stormRounds+1 || p.Targets[0].LastError != "" {
			t.Fatalf("post %q: %s after %d tries, %q", p.Text, p.State, p.Targets[0].Attempts, p.Targets[0].LastError)
		}
		as, err := e.app.Attempts(ctx, id)
		if err != nil || len(as) != stormRounds+1 || as[0].HTTPStatus != 429 || as[len(as)-1].Outcome != "published" {
			t.Fatalf("post %q attempts %+v %v", p.Text, as, err)
		}
	}
	faultSeenOnce(t, "Mastodon", mastodonTexts(e.fake), texts)
	if n := calls(); n != stormRounds*len(texts)+len(texts) {
		t.Fatalf("%d calls in all, want %d", n, stormRounds*len(texts)+len(texts))
	}
}

// faultSeenOnce fails unless the network holds each text exactly once
// and nothing else.
func faultSeenOnce(t *testing.T, network string, got, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, text := range got {
		seen[text]++
	}
	for _, text := range want {
		if seen[text] != 1 {
			t.Errorf("%s holds %q %d times, want once", network, text, seen[text])
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s holds %d posts %q, want %d", network, len(got), got, len(want))
	}
}

// mastodonTexts and xTexts are the texts a fake holds, in order.
func mastodonTexts(f *fakes.Mastodon) []string {
	var out []string
	for _, s := range f.Statuses() {
		out = append(out, s.Text)
	}
	return out
}

func xTexts(f *fakes.X) []string {
	var out []string
	for _, p := range f.Posts() {
		out = append(out, p.Text)
	}
	return out
}

func TestRateLimitStormPastMaxAttemptsFails(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	notes := faultNotes(e.app)
	acc := e.connect(t)
	const retryAfter = 10 * time.Minute
	e.fake.FailNext(1000, http.StatusTooManyRequests, retryAfter)
	p, err := e.app.PostNow(ctx, Draft{Text: "Never gets through", AccountIDs: []int64{acc.ID}, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	calls := func() int { return faultCalls(e.fake.Requests(), "POST", "/api/v1/statuses") }
	at := e.clock.Now()
	for i := 1; i <= 3*maxAttempts && e.post(t, p.ID).State != data.StateFailed; i++ {
		faultRound(t, e, at)
		tg := e.post(t, p.ID).Targets[0]
		if tg.State == data.StateScheduled && tg.NextAttemptAt.Sub(at) < retryAfter {
			t.Fatalf("try %d: waits %s, less than the Retry-After of %s", i, tg.NextAttemptAt.Sub(at), retryAfter)
		}
		at = at.Add(time.Hour) // past any backoff (at most backoffMax + 20 %)
	}
	tg := e.post(t, p.ID).Targets[0]
	if tg.State != data.StateFailed || tg.Attempts != maxAttempts {
		t.Fatalf("after the storm: %s after %d tries, want failed after %d", tg.State, tg.Attempts, maxAttempts)
	}
	if n := calls(); n != maxAttempts {
		t.Fatalf("the server was asked %d times, want %d (maxAttempts)", n, maxAttempts)
	}
	for _, want := range []string{fmt.Sprintf("Gave up after %d tries", maxAttempts), "Too many requests (HTTP 429)", "Retry"} {
		if !strings.Contains(tg.LastError, want) {
			t.Errorf("message %q does not say %q", tg.LastError, want)
		}
	}
	if ns := notes(); len(ns) == 0 || !strings.Contains(ns[len(ns)-1], "Could not publish") {
		t.Errorf("notifications %q", ns)
	}
	// Failed stays failed: later rounds do not knock again.
	faultRound(t, e, at.Add(24*time.Hour))
	if n := calls(); n != maxAttempts {
		t.Fatalf("a failed post was tried again: %d calls", n)
	}
	// The storm ends; the user's Retry sends it, once.
	e.fake.FailNext(0, 0, 0)
	if err := e.app.Retry(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	faultRound(t, e, at.Add(24*time.Hour))
	if st := e.post(t, p.ID).State; st != data.StatePublished {
		t.Fatalf("after Retry: %s", st)
	}
	faultSeenOnce(t, "Mastodon", mastodonTexts(e.fake), []string{"Never gets through"})
}

func TestServerErrorBurstThenRecovery(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	masto := e.connect(t)
	x := faultConnect(t, e, platforms.X)
	li := faultConnect(t, e, platforms.LinkedIn)
	// Whole seconds, so that the stored retry times compare exactly.
	e.clock.Set(e.clock.Now().Truncate(time.Second))
	text := "Open again after the outage"
	p, err := e.app.PostNow(ctx, Draft{Text: text, AccountIDs: []int64{masto.ID, x.ID, li.ID}, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	e.nets.X.FailNext(3, http.StatusServiceUnavailable, 0)
	e.nets.LinkedIn.FailNext(3, http.StatusBadGateway, 0)
	at := e.clock.Now()
	for try, status := range []int{500, 502, 503} {
		e.nets.Mastodon.FailNext(1, status, 0)
		faultRound(t, e.env, at)
		for _, acc := range []data.Account{masto, x, li} {
			tg := faultTarget(t, e.env, p.ID, acc.ID)
			if tg.State != data.StateScheduled || tg.Attempts != try+1 {
				t.Fatalf("%s after burst %d: %s after %d tries (%q)", acc.Network, try+1, tg.State, tg.Attempts, tg.LastError)
			}
			// Exponential backoff with ±20 % jitter: 30 s, 1 min, 2 min.
			base := backoffBase << try
			if w := tg.NextAttemptAt.Sub(at); w < base*8/10 || w > base*12/10 {
				t.Errorf("%s try %d waits %s, want %s ± 20 %%", acc.Network, try+1, w, base)
			}
		}
		at = at.Add(time.Hour)
	}
	faultRound(t, e.env, at)
	for _, acc := range []data.Account{masto, x, li} {
		if tg := faultTarget(t, e.env, p.ID, acc.ID); tg.State != data.StatePublished || tg.RemoteID == "" {
			t.Errorf("%s after recovery: %s %q", acc.Network, tg.State, tg.LastError)
		}
	}
	faultSeenOnce(t, "Mastodon", mastodonTexts(e.nets.Mastodon), []string{text})
	if n := len(e.nets.X.Posts()); n != 1 {
		t.Errorf("X holds %d posts, want 1", n)
	}
	if n := len(e.nets.LinkedIn.Posts()); n != 1 {
		t.Errorf("LinkedIn holds %d posts, want 1", n)
	}
	if n := faultCalls(e.nets.X.Requests(), "POST", "/2/tweets"); n != 4 {
		t.Errorf("X was asked to post %d times, want 3 failures and 1 success", n)
	}
}

// writeNoisePNG writes a PNG of random pixels, large enough (about 260 KB)
// that an upload of it is still under way when a connection is cut.
func writeNoisePNG(t *testing.T, dir, name string) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.UintN(256))
	}
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return p
}

// cutMidBody is a fake's hook that, on the first request for which match
// is true, reads a little of the body and then drops the connection, as a
// connection reset in the middle of an upload does. cut counts the cuts.
func cutMidBody(match func(*http.Request) bool) (hook fakes.Hook, cut *atomic.Int32) {
	cut = new(atomic.Int32)
	return func(r *http.Request, done bool) {
		if done || !match(r) || !cut.CompareAndSwap(0, 1) {
			return
		}
		_, _ = io.CopyN(io.Discard, r.Body, 16<<10)
		panic(http.ErrAbortHandler) // net/http closes the connection without an answer
	}, cut
}

func TestConnectionResetMidUploadRetriesOnce(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	masto := e.connect(t)
	x := faultConnect(t, e, platforms.X)
	img, err := e.app.AddMedia(ctx, writeNoisePNG(t, t.TempDir(), "window.png"))
	if err != nil {
		t.Fatal(err)
	}
	mHook, mCut := cutMidBody(func(r *http.Request) bool { return r.Method == "POST" && r.URL.Path == "/api/v2/media" })
	e.nets.Mastodon.SetHook(mHook)
	xHook, xCut := cutMidBody(func(r *http.Request) bool { return r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/append") })
	e.nets.X.SetHook(xHook)
	text := "Our new window"
	p, err := e.app.PostNow(ctx, Draft{Text: text, Media: []DraftMedia{img}, AccountIDs: []int64{masto.ID, x.ID}, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	at := e.clock.Now()
	faultRound(t, e.env, at)
	if mCut.Load() != 1 || xCut.Load() != 1 {
		t.Fatalf("uploads cut: Mastodon %d, X %d", mCut.Load(), xCut.Load())
	}
	for _, acc := range []data.Account{masto, x} {
		tg := faultTarget(t, e.env, p.ID, acc.ID)
		if tg.State != data.StateScheduled || tg.Attempts != 1 || tg.LastError == "" {
			t.Fatalf("%s after the reset: %s after %d tries (%q)", acc.Network, tg.State, tg.Attempts, tg.LastError)
		}
	}
	if len(e.nets.Mastodon.Statuses()) != 0 || len(e.nets.X.Posts()) != 0 {
		t.Fatal("posted without the image")
	}
	faultRound(t, e.env, at.Add(time.Hour))
	for _, acc := range []data.Account{masto, x} {
		if tg := faultTarget(t, e.env, p.ID, acc.ID); tg.State != data.StatePublished || tg.Attempts != 2 {
			t.Fatalf("%s after the retry: %s after %d tries (%q)", acc.Network, tg.State, tg.Attempts, tg.LastError)
		}
	}
	st := e.nets.Mastodon.Statuses()
	faultSeenOnce(t, "Mastodon", mastodonTexts(e.nets.Mastodon), []string{text})
	if len(st) == 1 && len(st[0].MediaIDs) != 1 {
		t.Errorf("status has %d images, want 1", len(st[0].MediaIDs))
	}
	xp := e.nets.X.Posts()
	if len(xp) != 1 || len(xp[0].MediaIDs) != 1 {
		t.Fatalf("X holds %+v, want one post with its image", xp)
	}
	// X's chunked upload continued the session it had begun.
	if ups := e.nets.X.Uploads(); len(ups) != 1 || !ups[0].Processed || ups[0].Received != ups[0].TotalBytes {
		t.Errorf("X uploads %+v, want one complete session", ups)
	}
}

// hangOn is a fake's hook that holds the first n requests matching match
// without an answer, after the fake did its work when afterWork, else
// before it. When release is closed the request goes on; when the client
// gives up first, the connection is dropped and the request never handled
// further. hanging counts the requests held now.
func hangOn(n int32, afterWork bool, match func(*http.Request) bool, release <-chan struct{}) (hook fakes.Hook, hanging *atomic.Int32) {
	hanging = new(atomic.Int32)
	var taken atomic.Int32
	return func(r *http.Request, done bool) {
		if done != afterWork || !match(r) || taken.Add(1) > n {
			return
		}
		hanging.Add(1)
		defer hanging.Add(-1)
		// The server notices a client that left only once the body is read.
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		select {
		case <-r.Context().Done():
			panic(http.ErrAbortHandler)
		case <-release:
		}
	}, hanging
}

func isStatusPost(r *http.Request) bool {
	return r.Method == "POST" && r.URL.Path == "/api/v1/statuses"
}

func TestServerThatNeverAnswersTimesOut(t *testing.T) {
	for _, c := range []struct {
		name      string
		afterWork bool
	}{
		{"before posting", false},
		{"after posting", true}, // the status exists; the answer never comes
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			acc := e.connect(t)
			// How long the app waits for an answer (60 s in NewHTTPClient),
			// short here; set before the publisher makes a request.
			e.guard.next.(*http.Transport).ResponseHeaderTimeout = time.Second
			hook, hanging := hangOn(1, c.afterWork, isStatusPost, nil)
			e.fake.SetHook(hook)
			text := "Hello from a quiet server"
			p, err := e.app.PostNow(ctx, Draft{Text: text, AccountIDs: []int64{acc.ID}, Zone: time.UTC})
			if err != nil {
				t.Fatal(err)
			}
			at := e.clock.Now()
			faultRound(t, e, at) // returns once the app gave up waiting
			tg := e.post(t, p.ID).Targets[0]
			if tg.State != data.StateScheduled || tg.Attempts != 1 || !strings.Contains(tg.LastError, "Trying again") {
				t.Fatalf("after the timeout: %s after %d tries (%q)", tg.State, tg.Attempts, tg.LastError)
			}
			waitFor(t, "the server to notice the client left", func() bool { return hanging.Load() == 0 })
			// Retried when the backoff is over; a slow machine may time out
			// again, which only adds a try.
			for i := 0; i < 3 && e.post(t, p.ID).State != data.StatePublished; i++ {
				at = at.Add(time.Hour)
				faultRound(t, e, at)
			}
			got := e.post(t, p.ID).Targets[0]
			if got.State != data.StatePublished {
				t.Fatalf("after the retry: %s (%q)", got.State, got.LastError)
			}
			st := e.fake.Statuses()
			faultSeenOnce(t, "Mastodon", mastodonTexts(e.fake), []string{text})
			if len(st) == 1 && got.RemoteID != st[0].ID {
				t.Errorf("target holds %q, the server %q", got.RemoteID, st[0].ID)
			}
		})
	}
}

func TestOutageOnOneNetworkDoesNotHoldUpAnother(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	masto := e.connect(t)
	x := faultConnect(t, e, platforms.X)
	release := make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	t.Cleanup(open)
	// Mastodon accepts the connection and then says nothing, for as long
	// as the test likes (the app's own timeout is a minute).
	hook, hanging := hangOn(1, false, isStatusPost, release)
	e.nets.Mastodon.SetHook(hook)
	text := "Due everywhere at nine"
	p, err := e.app.PostNow(ctx, Draft{Text: text, AccountIDs: []int64{masto.ID, x.ID}, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	e.app.Start(ctx)
	waitFor(t, "Mastodon to hang", func() bool { return hanging.Load() == 1 })
	waitFor(t, "the X post", func() bool { return faultTarget(t, e.env, p.ID, x.ID).State == data.StatePublished })
	if hanging.Load() != 1 {
		t.Fatal("the Mastodon call ended before the X post went out: the test proves nothing")
	}
	if st := faultTarget(t, e.env, p.ID, masto.ID).State; st != data.StatePublishing {
		t.Fatalf("Mastodon target %s while its server hangs", st)
	}
	// The server comes back.
	open()
	waitFor(t, "the Mastodon post", func() bool { return faultTarget(t, e.env, p.ID, masto.ID).State == data.StatePublished })
	faultSeenOnce(t, "Mastodon", mastodonTexts(e.nets.Mastodon), []string{text})
	if n := len(e.nets.X.Posts()); n != 1 {
		t.Fatalf("X holds %d posts", n)
	}
}

// faultLater schedules a post on the account at the whole minute after at
// and returns it.
func faultLater(t *testing.T, e *env, acc data.Account, text string, at time.Time) data.Post {
	t.Helper()
	at = at.UTC().Truncate(time.Minute).Add(time.Minute)
	p, _, err := e.app.Schedule(context.Background(), Draft{Text: text, AccountIDs: []int64{acc.ID},
		Day: at, Clock: at.Format("15:04"), Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoginRunningOutMidBatchIsRenewed(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	x := faultConnect(t, e, platforms.X)
	before, err := e.app.credential(x)
	if err != nil || before.RefreshToken == "" {
		t.Fatalf("X login without renewal: %v", err)
	}
	first, err := e.app.PostNow(ctx, Draft{Text: "Morning post", AccountIDs: []int64{x.ID}, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	// Two more after X's two-hour token has run out.
	later := e.clock.Now().Add(3 * time.Hour)
	second := faultLater(t, e.env, x, "Afternoon post", later)
	third := faultLater(t, e.env, x, "Afternoon post, part two", later)
	faultRound(t, e.env, e.clock.Now())
	if st := e.post(t, first.ID).State; st != data.StatePublished {
		t.Fatalf("first post: %s", st)
	}
	e.nets.X.ExpireAll() // X agrees: the morning token is dead
	faultRound(t, e.env, later.Add(time.Minute))
	for _, p := range []data.Post{second, third} {
		if got := e.post(t, p.ID); got.State != data.StatePublished {
			t.Fatalf("%q after the token ran out: %s (%q)", got.Text, got.State, got.Targets[0].LastError)
		}
	}
	if acc, _ := e.app.Store.Account(ctx, x.ID); acc.State != data.AccountConnected {
		t.Fatalf("account %s", acc.State)
	}
	after, err := e.app.credential(x)
	if err != nil || after.AccessToken == before.AccessToken || after.RefreshToken == before.RefreshToken {
		t.Fatalf("the renewed login was not saved: %v", err)
	}
	if strings.Contains(readAll(t, e.dir), after.AccessToken) {
		t.Fatal("the renewed token was written to the data folder")
	}
	renewals := 0
	for _, r := range e.nets.X.Requests() {
		if r.Path == "/2/oauth2/token" && strings.Contains(string(r.Body), "grant_type=refresh_token") && r.Status == http.StatusOK {
			renewals++
		}
	}
	if renewals == 0 {
		t.Fatal("no renewal reached X")
	}
	if n := len(e.nets.X.Posts()); n != 3 {
		t.Fatalf("X holds %d posts, want 3", n)
	}
}

func TestRefusedRenewalWaitsForReconnect(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	notes := faultNotes(e.app)
	x := faultConnect(t, e, platforms.X)
	first, err := e.app.PostNow(ctx, Draft{Text: "Morning post", AccountIDs: []int64{x.ID}, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	later := e.clock.Now().Add(3 * time.Hour)
	waiting := []data.Post{
		faultLater(t, e.env, x, "Afternoon post", later),
		faultLater(t, e.env, x, "Afternoon post, part two", later),
	}
	faultRound(t, e.env, e.clock.Now())
	if st := e.post(t, first.ID).State; st != data.StatePublished {
		t.Fatalf("first post: %s", st)
	}
	// The user removed Localpost under "Connected apps": the renewal fails.
	e.nets.X.RevokeAll()
	at := later.Add(time.Minute)
	faultRound(t, e.env, at)
	if acc, _ := e.app.Store.Account(ctx, x.ID); acc.State != data.AccountNeedsReconnect {
		t.Fatalf("account %s, want needs_reconnect", acc.State)
	}
	for _, p := range waiting {
		tg := e.post(t, p.ID).Targets[0]
		if tg.State != data.StateScheduled || !strings.Contains(tg.LastError, "Reconnect") {
			t.Errorf("%q while the login is refused: %s %q, want it waiting with a message", p.Text, tg.State, tg.LastError)
		}
	}
	asks := 0
	for _, n := range notes() {
		if strings.Contains(n, "Reconnect "+x.Handle) {
			asks++
		}
	}
	if asks != 1 {
		t.Errorf("notifications %q, want one asking to reconnect", notes())
	}
	if n := len(e.nets.X.Posts()); n != 1 {
		t.Fatalf("X holds %d posts while the login is refused", n)
	}
	// Nothing happens until the user reconnects, however often it looks.
	faultRound(t, e.env, at.Add(time.Hour))
	if n := faultCalls(e.nets.X.Requests(), "POST", "/2/tweets"); n != 1 {
		t.Fatalf("%d posts tried with a refused login", n)
	}
	faultConnect(t, e, platforms.X)
	faultRound(t, e.env, at.Add(2*time.Hour))
	for _, p := range waiting {
		if got := e.post(t, p.ID); got.State != data.StatePublished {
			t.Errorf("%q after reconnecting: %s (%q)", got.Text, got.State, got.Targets[0].LastError)
		}
	}
	if n := len(e.nets.X.Posts()); n != 3 {
		t.Fatalf("X holds %d posts, want 3", n)
	}
}

func TestConcurrentRenewalsKeepTheLogin(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	x := faultConnect(t, e, platforms.X)
	e.nets.X.ExpireAll()
	e.clock.Set(e.clock.Now().Add(3 * time.Hour))
	// The account sync and the publisher both find the token run out at
	// the same moment, each holding the same saved login. X rotates
	// refresh tokens: only one renewal may spend it.
	cred, err := e.app.credential(x)
	if err != nil {
		t.Fatal(err)
	}
	prov := e.app.providers[platforms.X]
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = e.app.tokenFor(ctx, prov, x, cred)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("renewal %d: %v", i, err)
		}
	}
	// The saved login still works.
	p, err := e.app.PostNow(ctx, Draft{Text: "After two renewals", AccountIDs: []int64{x.ID}, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	faultRound(t, e.env, e.clock.Now())
	if got := e.post(t, p.ID); got.State != data.StatePublished {
		t.Fatalf("post: %s (%q)", got.State, got.Targets[0].LastError)
	}
}

func init() {
	children["hold-db-lock"] = holdDBLock
}

// holdDBLock is another program using Localpost's database (a backup tool,
// a second copy started by hand): on "lock" it takes the write lock with
// BEGIN IMMEDIATE, on "release" it commits; it answers each on stdout.
func holdDBLock() int {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file://"+filepath.ToSlash(os.Getenv("LOCALPOST_TEST_DB"))+"?_pragma=busy_timeout(20000)")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer conn.Close()
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		stmt, reply := "", ""
		switch in.Text() {
		case "lock":
			stmt, reply = "BEGIN IMMEDIATE", "locked"
		case "release":
			stmt, reply = "COMMIT", "released"
		default:
			continue
		}
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println(reply)
	}
	return 0
}

func TestDatabaseBusyFromAnotherProcess(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	masto := e.connect(t)
	x := faultConnect(t, e, platforms.X)

	cmd := childCommand(t, "hold-db-lock", "LOCALPOST_TEST_DB="+e.app.Store.Path())
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close() // the child ends, and its lock with it
		if err := cmd.Wait(); err != nil {
			t.Errorf("lock holder: %v", err)
		}
	})
	lines := bufio.NewScanner(stdout)
	var childMu sync.Mutex
	tell := func(cmd, want string) error {
		childMu.Lock()
		defer childMu.Unlock()
		if _, err := fmt.Fprintln(stdin, cmd); err != nil {
			return err
		}
		if !lines.Scan() || lines.Text() != want {
			return fmt.Errorf("lock holder answered %q to %q (%v)", lines.Text(), cmd, lines.Err())
		}
		return nil
	}

	// The other program takes the database the moment Mastodon has stored
	// the post, before its answer reaches Localpost.
	locked := make(chan error, 1)
	var once sync.Once
	e.nets.Mastodon.SetHook(func(r *http.Request, done bool) {
		if done && isStatusPost(r) {
			once.Do(func() { locked <- tell("lock", "locked") })
		}
	})
	retriesBefore := storeRetries.Load()
	mp, err := e.app.PostNow(ctx, Draft{Text: "Posted while the database is busy", AccountIDs: []int64{masto.ID}, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	xp := faultLater(t, e.env, x, "Due while the database is busy", e.clock.Now())
	e.app.Start(ctx)
	select {
	case err := <-locked:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the Mastodon post was never sent")
	}
	// While the database is held, the X post falls due. The other program
	// keeps it until Localpost's write of the Mastodon outcome has been
	// refused (after data.Open's busy_timeout of 5 s).
	e.clock.Set(xp.PlannedAt)
	e.app.Wake()
	deadline := time.Now().Add(time.Minute)
	for storeRetries.Load() == retriesBefore && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if storeRetries.Load() == retriesBefore {
		t.Fatal("no write was refused in a minute of holding the database")
	}
	// Reading still works: Mastodon's post is out but not yet written
	// down, the X post could not be claimed.
	if st := e.post(t, mp.ID).Targets[0].State; st != data.StatePublishing {
		t.Errorf("Mastodon target %s while the database is held", st)
	}
	if st := e.post(t, xp.ID).Targets[0].State; st != data.StateScheduled {
		t.Errorf("X target %s while the database is held", st)
	}
	if n := len(e.nets.X.Posts()); n != 0 {
		t.Errorf("X was posted to without a claim: %d", n)
	}
	if err := tell("release", "released"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the Mastodon post recorded", func() bool { return e.post(t, mp.ID).State == data.StatePublished })
	waitFor(t, "the X post", func() bool { return e.post(t, xp.ID).State == data.StatePublished })
	faultSeenOnce(t, "Mastodon", mastodonTexts(e.nets.Mastodon), []string{mp.Text})
	if n := len(e.nets.X.Posts()); n != 1 {
		t.Errorf("X holds %d posts, want 1", n)
	}
	got := e.post(t, mp.ID).Targets[0]
	at, err := e.app.Attempts(ctx, mp.ID)
	if err != nil || len(at) != 1 || at[0].Outcome != "published" || got.RemoteID != e.nets.Mastodon.Statuses()[0].ID || got.LastError != "" {
		t.Fatalf("Mastodon target %+v, attempts %+v %v", got, at, err)
	}
	if left, _ := e.app.Store.TargetsInState(ctx, data.StatePublishing); len(left) != 0 {
		t.Fatalf("targets left publishing: %+v", left)
	}
}
