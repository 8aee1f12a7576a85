package app

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"localpost/data"
	"localpost/platforms"
)

// publishEverywhere connects every network (a LinkedIn organization and a
// Facebook Page, whose numbers can be read), publishes a post on each and
// waits until all went out; afterConnect runs between connecting and
// publishing.
func publishEverywhere(t *testing.T, e *allEnv, afterConnect ...func()) map[platforms.Network]data.Account {
	t.Helper()
	ctx := context.Background()
	accs := map[platforms.Network]data.Account{platforms.Mastodon: e.connect(t)}
	for _, n := range []platforms.Network{platforms.X, platforms.Facebook, platforms.Instagram, platforms.LinkedIn,
		platforms.Pinterest, platforms.TikTok, platforms.YouTube} {
		l, err := e.app.Connect(ctx, n, nil)
		if err != nil {
			t.Fatalf("connect %s: %v", n, err)
		}
		pick := l.Identities[0]
		for _, id := range l.Identities {
			if id.Kind == "organization" || id.Kind == "page" {
				pick = id
				break
			}
		}
		added, err := e.app.AddIdentities(ctx, l, []string{pick.RemoteID})
		if err != nil || len(added) != 1 {
			t.Fatalf("add %s: %v", n, err)
		}
		accs[n] = added[0]
	}
	for _, f := range afterConnect {
		f()
	}
	dir := t.TempDir()
	video, err := e.app.AddMedia(ctx, writeVideo(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	img, err := e.app.AddMedia(ctx, writePNG(t, dir, "window.png"))
	if err != nil {
		t.Fatal(err)
	}
	boards := e.app.Boards(ctx, accs[platforms.Pinterest].ID)
	drafts := []Draft{
		{Text: "Winter hours: 8 to 6, every day.", Zone: time.UTC, AccountIDs: []int64{accs[platforms.X].ID,
			accs[platforms.Facebook].ID, accs[platforms.LinkedIn].ID, accs[platforms.Mastodon].ID}},
		{Text: "A minute in our bakery", Zone: time.UTC, Media: []DraftMedia{video},
			AccountIDs: []int64{accs[platforms.YouTube].ID, accs[platforms.TikTok].ID, accs[platforms.Instagram].ID},
			Variants: map[int64]Variant{
				accs[platforms.YouTube].ID:   {Options: platforms.Options{Title: "A minute in our bakery", Privacy: "unlisted"}},
				accs[platforms.TikTok].ID:    {Options: platforms.Options{Privacy: "SELF_ONLY"}},
				accs[platforms.Instagram].ID: {Options: platforms.Options{Kind: "REELS"}},
			}},
		{Text: "Our window this week", Zone: time.UTC, Media: []DraftMedia{img}, AccountIDs: []int64{accs[platforms.Pinterest].ID},
			Variants: map[int64]Variant{accs[platforms.Pinterest].ID: {Options: platforms.Options{BoardID: boards[0].ID, Title: "Shop window"}}}},
	}
	var posts []data.Post
	for _, d := range drafts {
		p, err := e.app.PostNow(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		posts = append(posts, p)
	}
	e.app.cfg.MetricsEvery = -1 // this test reads when it says so
	e.app.Start(ctx)
	for _, p := range posts {
		waitFor(t, "post "+p.Text, func() bool {
			st := e.post(t, p.ID).State
			return st == data.StatePublished || st == data.StateFailed
		})
		for _, tg := range e.post(t, p.ID).Targets {
			if tg.State != data.StatePublished {
				t.Fatalf("account %d: %s %q", tg.AccountID, tg.State, tg.LastError)
			}
		}
	}
	return accs
}

// latestByAccount is each account's one post's newest numbers.
func latestByAccount(t *testing.T, a *App) map[int64]map[string]float64 {
	t.Helper()
	ps, err := a.Store.PostStats(context.Background(), time.Unix(0, 0), a.now().Add(time.Hour), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]map[string]float64{}
	for _, p := range ps {
		out[p.AccountID] = p.Values
	}
	return out
}

func TestSyncReadsEveryNetworkAndKeepsHistory(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	accs := publishEverywhere(t, e)

	var mu sync.Mutex
	var steps []SyncProgress
	rep, err := e.app.SyncMetrics(ctx, func(p SyncProgress) {
		mu.Lock()
		steps = append(steps, p)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accounts != len(accs) || len(rep.Failed) != 0 || rep.Posts != len(accs) {
		t.Fatalf("first sync: %+v, want %d accounts and posts read, none failed", rep, len(accs))
	}
	if last := steps[len(steps)-1]; last.Done != last.Total || last.Total != 2*len(accs) {
		t.Errorf("progress ended at %+v, want %d of %d (one batch and the account, per account)", last, 2*len(accs), 2*len(accs))
	}
	first := latestByAccount(t, e.app)
	want := map[platforms.Network][]string{
		platforms.X:         {"likes", "comments", "shares", "quotes", "saves", "impressions"},
		platforms.Mastodon:  {"likes", "comments", "shares"},
		platforms.Facebook:  {"reactions", "comments", "shares"},
		platforms.Instagram: {"likes", "comments", "reach"},
		platforms.LinkedIn:  {"likes", "comments", "impressions", "clicks"},
		platforms.Pinterest: {"impressions", "clicks", "outbound_clicks", "saves"},
		platforms.TikTok:    {"views", "likes", "comments", "shares"},
		platforms.YouTube:   {"views", "likes", "comments"},
	}
	for n, acc := range accs {
		v := first[acc.ID]
		for _, name := range want[n] {
			if _, ok := v[name]; !ok {
				t.Errorf("%s: no %s in %v", n, name, v)
			}
		}
		if v["engagement"] <= 0 {
			t.Errorf("%s: engagement %v", n, v["engagement"])
		}
		if _, ok := v["seen"]; ok == (n == platforms.Mastodon) {
			t.Errorf("%s: seen %v present %v", n, v["seen"], ok)
		}
	}

	// A second read: the fakes' numbers grew; the first reading is kept.
	e.clock.Set(e.clock.Now().Add(time.Hour))
	if rep, err := e.app.SyncMetrics(ctx, nil); err != nil || rep.Accounts != len(accs) {
		t.Fatalf("second sync: %+v, %v", rep, err)
	}
	second := latestByAccount(t, e.app)
	for n, acc := range accs {
		if second[acc.ID]["engagement"] <= first[acc.ID]["engagement"] {
			t.Errorf("%s: engagement %v then %v, want growth", n, first[acc.ID]["engagement"], second[acc.ID]["engagement"])
		}
	}
	d, err := e.app.Dashboard(ctx, AnalyticsFilter{From: e.clock.Now().Add(-24 * time.Hour), To: e.clock.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if d.Posts != len(accs) || len(d.Stale) != 0 {
		t.Errorf("dashboard: %d posts, stale %+v", d.Posts, d.Stale)
	}
	hist, err := e.app.MetricHistory(ctx, d.Top[0].TargetID)
	if err != nil {
		t.Fatal(err)
	}
	readings := map[time.Time]bool{}
	for _, p := range hist {
		readings[p.At] = true
	}
	if len(readings) != 2 {
		t.Errorf("history of the best post has %d readings, want 2 (never overwritten)", len(readings))
	}
	fl, err := e.app.Store.AccountHistory(ctx, []int64{accs[platforms.X].ID}, "followers", time.Unix(0, 0), e.clock.Now().Add(time.Hour))
	if err != nil || len(fl) != 2 || fl[1].Value <= fl[0].Value {
		t.Errorf("X followers readings %+v, %v; want two, growing", fl, err)
	}
}

func TestSyncGoesOnWhenANetworkFailsOrAsksToWait(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	accs := publishEverywhere(t, e)

	e.nets.X.FailLookup(1, http.StatusTooManyRequests, 2*time.Hour)
	e.nets.Pinterest.FailAnalytics(100, http.StatusInternalServerError, 0)
	rep, err := e.app.SyncMetrics(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accounts != len(accs)-2 || len(rep.Failed) != 2 {
		t.Fatalf("report %+v, want all but X and Pinterest read", rep)
	}
	got := latestByAccount(t, e.app)
	for n, acc := range accs {
		_, read := got[acc.ID]["engagement"]
		if read == (n == platforms.X || n == platforms.Pinterest) {
			t.Errorf("%s read: %v", n, read)
		}
	}
	states, _ := e.app.Store.SyncStates(ctx)
	xs := states[accs[platforms.X].ID]
	if !xs.NotBefore.After(e.clock.Now().Add(110*time.Minute)) || !strings.Contains(xs.Error, "slow down") {
		t.Errorf("X state %+v, want a wait of about two hours explained", xs)
	}
	if ps := states[accs[platforms.Pinterest].ID]; ps.Error == "" || !ps.NotBefore.IsZero() && ps.NotBefore.After(e.clock.Now()) {
		t.Errorf("Pinterest state %+v, want the failure and no wait", ps)
	}
	d, err := e.app.Dashboard(ctx, AnalyticsFilter{From: e.clock.Now().Add(-24 * time.Hour), To: e.clock.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	stale := map[platforms.Network]string{}
	for _, s := range d.Stale {
		stale[s.Network] = s.Message
	}
	if len(stale) != 2 || !strings.Contains(stale[platforms.X], "slow down") || !strings.Contains(stale[platforms.Pinterest], "could not read") {
		t.Errorf("stale notes %+v", d.Stale)
	}

	// Within X's wait the next sync leaves X alone: no request at all.
	xURL, _ := url.Parse(e.nets.X.URL)
	before := e.guard.seen()[xURL.Host]
	e.clock.Set(e.clock.Now().Add(30 * time.Minute))
	rep, err = e.app.SyncMetrics(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if after := e.guard.seen()[xURL.Host]; after != before {
		t.Errorf("X was asked %d times during its wait", after-before)
	}
	if rep.Accounts != len(accs)-1-1 { // X waits, Pinterest still fails
		t.Errorf("report %+v", rep)
	}
	// After the wait X is read again and its note goes.
	e.clock.Set(e.clock.Now().Add(2 * time.Hour))
	e.nets.Pinterest.FailAnalytics(0, 0, 0)
	if rep, err := e.app.SyncMetrics(ctx, nil); err != nil || rep.Accounts != len(accs) {
		t.Fatalf("after the wait: %+v, %v", rep, err)
	}
	if st, _ := e.app.Store.SyncStates(ctx); st[accs[platforms.X].ID].Error != "" {
		t.Errorf("X still noted: %+v", st[accs[platforms.X].ID])
	}
}

func TestSyncCancelKeepsWhatWasRead(t *testing.T) {
	e := newAllEnv(t)
	accs := publishEverywhere(t, e)
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	rep, err := e.app.SyncMetrics(ctx, func(p SyncProgress) {
		if p.Done >= 2 {
			once.Do(cancel) // after the first account is read
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want cancelled", err)
	}
	got := latestByAccount(t, e.app)
	read := 0
	for _, acc := range accs {
		if _, ok := got[acc.ID]["engagement"]; ok {
			read++
		}
	}
	if read == 0 || read == len(accs) || read < rep.Accounts {
		t.Errorf("%d accounts' numbers kept after cancelling (report %+v); want some, not all", read, rep)
	}
}

// LinkedIn shows a member's post numbers only to approved apps: the sync
// says so once and leaves the account for a week instead of failing
// every few hours.
func TestSyncLeavesNumbersTheNetworkKeepsBack(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	l, err := e.app.Connect(ctx, platforms.LinkedIn, nil)
	if err != nil {
		t.Fatal(err)
	}
	var member string
	for _, id := range l.Identities {
		if id.Kind != "organization" {
			member = id.RemoteID
		}
	}
	added, err := e.app.AddIdentities(ctx, l, []string{member})
	if err != nil || len(added) != 1 {
		t.Fatalf("add the member: %v", err)
	}
	acc := added[0]
	e.app.cfg.MetricsEvery = -1
	p, err := e.app.PostNow(ctx, Draft{Text: "Hiring a baker.", Zone: time.UTC, AccountIDs: []int64{acc.ID}})
	if err != nil {
		t.Fatal(err)
	}
	e.app.Start(ctx)
	waitFor(t, "published", func() bool { return e.post(t, p.ID).State == data.StatePublished })

	rep, err := e.app.SyncMetrics(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failed) != 1 || !strings.Contains(rep.Failed[0].Message, "approved") || !strings.Contains(rep.Failed[0].Message, "a week") {
		t.Fatalf("report %+v, want the member note", rep)
	}
	st, _ := e.app.Store.SyncStates(ctx)
	if nb := st[acc.ID].NotBefore; nb.Before(e.clock.Now().Add(6 * 24 * time.Hour)) {
		t.Errorf("asked again from %s, want in a week", nb)
	}
	li, _ := url.Parse(e.nets.LinkedIn.URL)
	before := e.guard.seen()[li.Host]
	e.clock.Set(e.clock.Now().Add(5 * time.Hour))
	if _, err := e.app.SyncMetrics(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if after := e.guard.seen()[li.Host]; after != before {
		t.Errorf("LinkedIn was asked %d more times within the week", after-before)
	}
}
