package app

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"localpost/app/demo"
	"localpost/data"
	"localpost/platforms"
)

// allEnv is an App wired to the fakes of every network, as --demo runs.
type allEnv struct {
	*env
	nets *demo.Networks
}

func newAllEnv(t testing.TB) *allEnv {
	t.Helper()
	keyring.MockInit()
	hc := NewHTTPClient()
	guard := &hostGuard{hosts: map[string]int{}, next: hc.Transport}
	hc.Transport = guard
	nets, err := demo.Start(hc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nets.Close)
	e := &env{fake: nets.Mastodon, guard: guard, clock: &clock{t: time.Now().UTC()}, dir: t.TempDir()}
	// The fakes publish what they hold when the app's time says so.
	nets.Mastodon.SetClock(e.clock.Now)
	nets.Meta.SetClock(e.clock.Now)
	nets.YouTube.SetClock(e.clock.Now)
	a, err := New(Config{DataDir: e.dir, Secrets: data.Keyring(), HTTP: hc, OpenURL: nets.Approve, Providers: nets.Providers, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	a.tick = 20 * time.Millisecond
	nets.Paste = a.PasteRedirect
	e.app = a
	t.Cleanup(func() { a.Close() })
	for n, c := range nets.Credentials {
		if err := a.SetAppCredentials(n, c.ClientID, c.ClientSecret); err != nil {
			t.Fatalf("%s credentials: %v", n, err)
		}
	}
	for n, p := range nets.Ports {
		if err := a.SetRedirectPort(n, p); err != nil {
			t.Fatal(err)
		}
	}
	return &allEnv{env: e, nets: nets}
}

// connectAll connects every network but Mastodon and adds the first
// identity of each (Facebook: the Page linked to Instagram).
func (e *allEnv) connectAll(t testing.TB) map[platforms.Network]data.Account {
	t.Helper()
	out := map[platforms.Network]data.Account{}
	for _, n := range []platforms.Network{platforms.X, platforms.Facebook, platforms.Instagram, platforms.LinkedIn,
		platforms.Pinterest, platforms.TikTok, platforms.YouTube} {
		l, err := e.app.Connect(context.Background(), n, nil)
		if err != nil {
			t.Fatalf("connect %s: %v", n, err)
		}
		for _, id := range l.Identities {
			if id.Token != "" {
				t.Fatalf("%s: an identity's token reached the UI", n)
			}
		}
		accs, err := e.app.AddIdentities(context.Background(), l, []string{l.Identities[0].RemoteID})
		if err != nil || len(accs) != 1 {
			t.Fatalf("add %s: %v", n, err)
		}
		out[n] = accs[0]
	}
	return out
}

// writeVideo makes a small file that starts like an MP4.
func writeVideo(t *testing.T, dir string) string {
	t.Helper()
	b := make([]byte, 200<<10)
	binary.BigEndian.PutUint32(b, 0x18)
	copy(b[4:], "ftypmp42\x00\x00\x00\x00mp42isom")
	p := filepath.Join(dir, "clip.mp4")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEveryNetworkConnectsAndPublishes(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	accs := e.connectAll(t)

	for n, acc := range accs {
		if acc.Network != string(n) || acc.State != data.AccountConnected {
			t.Fatalf("%s account %+v", n, acc)
		}
	}
	// X renews its 2-hour tokens itself: no date to reconnect by. Meta has
	// no renewal: its 60 days show.
	if !accs[platforms.X].TokenExpiry.IsZero() {
		t.Errorf("X shows a login expiry of %s though Localpost renews it", accs[platforms.X].TokenExpiry)
	}
	if d := time.Until(accs[platforms.Facebook].TokenExpiry); d < 50*24*time.Hour {
		t.Errorf("Facebook login expiry in %s, want about 60 days", d)
	}
	// Every token is in the keyring; none is in the data folder.
	folder := readAll(t, e.dir)
	for _, acc := range accs {
		cred, err := e.app.credential(acc)
		if err != nil || cred.AccessToken == "" {
			t.Fatalf("%s: no token in the keyring: %v", acc.Network, err)
		}
		if strings.Contains(folder, cred.AccessToken) || cred.IdentityToken != "" && strings.Contains(folder, cred.IdentityToken) {
			t.Fatalf("%s: a token was written to the data folder", acc.Network)
		}
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
	if len(boards) == 0 {
		t.Fatal("no Pinterest boards synced")
	}

	text := Draft{Text: "Winter hours: 8 to 6, every day.", Zone: time.UTC,
		AccountIDs: []int64{accs[platforms.X].ID, accs[platforms.Facebook].ID, accs[platforms.LinkedIn].ID},
		Variants:   map[int64]Variant{accs[platforms.X].ID: {Text: "Winter hours: 8–6 daily ❄", Options: platforms.Options{FirstComment: "See you soon!"}}}}
	clip := Draft{Text: "A minute in our bakery", Zone: time.UTC, Media: []DraftMedia{video},
		AccountIDs: []int64{accs[platforms.YouTube].ID, accs[platforms.TikTok].ID, accs[platforms.Instagram].ID},
		Variants: map[int64]Variant{
			accs[platforms.YouTube].ID:   {Options: platforms.Options{Title: "A minute in our bakery", Privacy: "unlisted"}},
			accs[platforms.TikTok].ID:    {Options: platforms.Options{Privacy: "SELF_ONLY"}},
			accs[platforms.Instagram].ID: {Options: platforms.Options{Kind: "REELS"}},
		}}
	pin := Draft{Text: "Our window this week", Zone: time.UTC, Media: []DraftMedia{img},
		AccountIDs: []int64{accs[platforms.Pinterest].ID},
		Variants:   map[int64]Variant{accs[platforms.Pinterest].ID: {Options: platforms.Options{BoardID: boards[0].ID, Title: "Shop window"}}}}
	var posts []data.Post
	for _, d := range []Draft{text, clip, pin} {
		if probs := e.app.Check(ctx, d); len(probs) > 0 {
			t.Fatalf("problems: %v", probs)
		}
		p, err := e.app.PostNow(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		posts = append(posts, p)
	}
	e.app.Start(ctx)
	for _, p := range posts {
		waitFor(t, "post "+p.Text, func() bool {
			st := e.post(t, p.ID).State
			return st == data.StatePublished || st == data.StateFailed
		})
		for _, tg := range e.post(t, p.ID).Targets {
			if tg.State != data.StatePublished || tg.RemoteURL == "" {
				t.Errorf("account %d: %s %q", tg.AccountID, tg.State, tg.LastError)
			}
		}
	}

	if got := e.nets.X.Posts(); len(got) != 2 || got[0].Text != "Winter hours: 8–6 daily ❄" {
		t.Errorf("X: %+v (want the variant and its first comment)", got)
	}
	meta := e.nets.Meta.Posts()
	if len(meta) != 2 {
		t.Errorf("Meta: %+v (want one Page post and one reel)", meta)
	}
	if n := len(e.nets.LinkedIn.Posts()); n != 1 {
		t.Errorf("LinkedIn: %d posts", n)
	}
	if n := len(e.nets.YouTube.Posts()); n != 1 {
		t.Errorf("YouTube: %d videos", n)
	}
	if n := len(e.nets.TikTok.Posts()); n != 1 {
		t.Errorf("TikTok: %d posts", n)
	}
	if got := e.nets.Pinterest.Pins(); len(got) != 1 || got[0].BoardID != boards[0].ID {
		t.Errorf("Pinterest: %+v", got)
	}

	// Only the connected networks were talked to.
	allowed := []string{}
	for _, u := range []string{e.nets.Mastodon.URL, e.nets.X.URL, e.nets.Pinterest.URL, e.nets.YouTube.URL,
		e.nets.LinkedIn.URL, e.nets.TikTok.URL, e.nets.Meta.URL} {
		pu, _ := url.Parse(u)
		allowed = append(allowed, pu.Host)
	}
	for host := range e.guard.seen() {
		if !slices.Contains(allowed, host) {
			t.Errorf("the app talked to %s", host)
		}
	}
}

func TestConnectNeedsDeveloperApp(t *testing.T) {
	keyring.MockInit()
	e := newAllEnv(t)
	if err := e.app.secrets.Delete(appSecretKey(platforms.X)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Connect(context.Background(), platforms.X, nil); err != ErrNotConfigured {
		t.Fatalf("err = %v, want ErrNotConfigured", err)
	}
	for _, ni := range e.app.Networks() {
		if ni.Network == platforms.X && ni.Configured {
			t.Fatal("X still shows as configured")
		}
		if ni.Network == platforms.Pinterest && !strings.HasPrefix(ni.RedirectURI, "http://localhost:") {
			t.Fatalf("Pinterest redirect %q", ni.RedirectURI)
		}
		if ni.Network == platforms.Facebook && ni.Redirect != platforms.RedirectPaste {
			t.Fatal("Facebook is not a paste-mode network")
		}
	}
	if err := e.app.PasteRedirect("https://www.facebook.com/connect/login_success.html?code=x&state=y"); err == nil {
		t.Fatal("a pasted address was accepted with no login waiting")
	}
}

func TestExpiringLoginIsAnnounced(t *testing.T) {
	e := newAllEnv(t)
	var notes []string
	e.app.cfg.Notify = func(title, body string) { notes = append(notes, title) }
	l, err := e.app.Connect(context.Background(), platforms.Facebook, nil)
	if err != nil {
		t.Fatal(err)
	}
	accs, err := e.app.AddIdentities(context.Background(), l, []string{l.Identities[0].RemoteID})
	if err != nil {
		t.Fatal(err)
	}
	// Meta's login lasts 60 days and has no renewal: 55 days on, it is due.
	e.app.now = func() time.Time { return time.Now().Add(55 * 24 * time.Hour) }
	e.app.warnExpiring(context.Background())
	if len(notes) != 1 || !strings.Contains(notes[0], accs[0].Handle) {
		t.Fatalf("notes %q", notes)
	}
	notes = nil
	e.app.now = time.Now
	e.app.warnExpiring(context.Background())
	if len(notes) != 0 {
		t.Fatalf("warned 60 days ahead: %q", notes)
	}
}

func TestFacebookGroupByReminder(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	var mu sync.Mutex
	var notes []string
	e.app.cfg.Notify = func(title, body string) { mu.Lock(); notes = append(notes, title); mu.Unlock() }
	if _, err := e.app.AddReminderAccount(ctx, platforms.FBGroup, "Neighbours", "not an address"); err == nil {
		t.Fatal("a bad address was accepted")
	}
	if _, err := e.app.AddReminderAccount(ctx, platforms.X, "x", "https://x.com"); err == nil {
		t.Fatal("X was added as a reminder account")
	}
	group, err := e.app.AddReminderAccount(ctx, platforms.FBGroup, "Neighbours", "https://www.facebook.com/groups/neighbours")
	if err != nil {
		t.Fatal(err)
	}
	masto := e.connect(t)
	img, err := e.app.AddMedia(ctx, writePNG(t, t.TempDir(), "flyer.png"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.app.PostNow(ctx, Draft{Text: "Market on Saturday", Media: []DraftMedia{img}, Zone: time.UTC,
		AccountIDs: []int64{group.ID, masto.ID}})
	if err != nil {
		t.Fatal(err)
	}
	e.app.Start(ctx)
	waitFor(t, "the reminder", func() bool {
		for _, tg := range e.post(t, p.ID).Targets {
			if tg.AccountID == group.ID && tg.State == data.StateMissed {
				return true
			}
		}
		return false
	})
	rs, err := e.app.Reminders(ctx, p.ID)
	if err != nil || len(rs) != 1 {
		t.Fatalf("reminders %+v %v", rs, err)
	}
	r := rs[0]
	if r.URL != "https://www.facebook.com/groups/neighbours" || r.Text != "Market on Saturday" || len(r.Files) != 1 {
		t.Fatalf("reminder %+v", r)
	}
	if _, err := os.Stat(r.Files[0]); err != nil {
		t.Fatalf("media to attach: %v", err)
	}
	mu.Lock()
	reminded := slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, "Neighbours") })
	mu.Unlock()
	if !reminded {
		t.Fatal("no reminder notification")
	}
	if err := e.app.CompleteReminder(ctx, r.TargetID, "no url"); err == nil {
		t.Fatal("a bad post address was accepted")
	}
	if err := e.app.CompleteReminder(ctx, r.TargetID, "https://www.facebook.com/groups/neighbours/posts/1"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "all published", func() bool { return e.post(t, p.ID).State == data.StatePublished })
	if rs, _ := e.app.Reminders(ctx, p.ID); len(rs) != 0 {
		t.Fatalf("reminders left: %+v", rs)
	}
}

func TestInstagramImageThroughPublicFolder(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	l, err := e.app.Connect(ctx, platforms.Instagram, nil)
	if err != nil {
		t.Fatal(err)
	}
	accs, err := e.app.AddIdentities(ctx, l, []string{l.Identities[0].RemoteID})
	if err != nil {
		t.Fatal(err)
	}
	ig := accs[0]
	img, err := e.app.AddMedia(ctx, writeJPEG(t, t.TempDir(), "cake.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	d := Draft{Text: "Cake of the day", Media: []DraftMedia{img}, Zone: time.UTC, AccountIDs: []int64{ig.ID}}

	// Without a public location the draft is refused before it is
	// scheduled, in words that say what is missing.
	var pe *ProblemsError
	if _, err := e.app.PostNow(ctx, d); !errors.As(err, &pe) || !strings.Contains(err.Error(), "public") {
		t.Fatalf("err = %v, want a problem naming the public address", err)
	}
	if err := e.app.SetPublicMedia("/no/such/folder", "https://example.com/m"); err == nil {
		t.Fatal("a missing folder was accepted")
	}
	pub := t.TempDir()
	if err := e.app.SetPublicMedia(pub, "http://example.com/m"); err == nil {
		t.Fatal("a plain http address was accepted")
	}
	if err := e.app.SetPublicMedia(pub, "https://cdn.example.com/m/"); err != nil {
		t.Fatal(err)
	}
	p, err := e.app.PostNow(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	e.app.Start(ctx)
	waitFor(t, "published", func() bool { return e.post(t, p.ID).State == data.StatePublished })
	if _, err := os.Stat(filepath.Join(pub, filepath.Base(img.Path))); err != nil {
		t.Fatalf("image not copied to the public folder: %v", err)
	}
	found := false
	for _, r := range e.nets.Meta.Requests() {
		if strings.Contains(string(r.Body), "cdn.example.com") || strings.Contains(r.Query, "cdn.example.com") {
			found = true
		}
	}
	if !found {
		t.Fatal("Instagram was not given the public address")
	}
}

func writeJPEG(t *testing.T, dir, name string) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := jpeg.Encode(f, img, nil); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLaterPostsAreHandedToNetworksThatSchedule(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	accs := e.connectAll(t)
	masto := e.connect(t)
	video, err := e.app.AddMedia(ctx, writeVideo(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	at := e.clock.Now().Add(2 * time.Hour).Truncate(time.Minute)
	day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
	fb, _, err := e.app.Schedule(ctx, Draft{Text: "Opening night, 7pm", Day: day, Clock: at.Format("15:04"), Zone: time.UTC,
		AccountIDs: []int64{accs[platforms.Facebook].ID, masto.ID}})
	if err != nil {
		t.Fatal(err)
	}
	yt, _, err := e.app.Schedule(ctx, Draft{Text: "Tour of the kitchen", Day: day, Clock: at.Format("15:04"), Zone: time.UTC,
		Media: []DraftMedia{video}, AccountIDs: []int64{accs[platforms.YouTube].ID},
		Variants: map[int64]Variant{accs[platforms.YouTube].ID: {Options: platforms.Options{Title: "Kitchen tour"}}}})
	if err != nil {
		t.Fatal(err)
	}
	e.app.Start(ctx)
	handed := func(p data.Post, acc int64) bool {
		for _, tg := range e.post(t, p.ID).Targets {
			if tg.AccountID == acc {
				return tg.State == data.StateScheduled && tg.RemoteID != ""
			}
		}
		return false
	}
	waitFor(t, "Facebook holds the post", func() bool { return handed(fb, accs[platforms.Facebook].ID) })
	waitFor(t, "YouTube holds the video", func() bool { return handed(yt, accs[platforms.YouTube].ID) })

	posts := e.nets.Meta.Posts()
	if len(posts) != 1 || posts[0].Published || !posts[0].Scheduled.Equal(at) {
		t.Fatalf("Meta holds %+v, want one unpublished post scheduled for %s", posts, at)
	}
	if n := len(e.nets.YouTube.Posts()); n != 1 {
		t.Fatalf("YouTube holds %d videos", n)
	}
	if len(e.nets.Mastodon.Statuses()) != 0 {
		t.Fatal("Mastodon was posted to before the time")
	}
	waitFor(t, "Mastodon holds the post", func() bool { return handed(fb, masto.ID) })
	if st := e.post(t, fb.ID).State; st != data.StateScheduled {
		t.Fatalf("post state %s while the network holds it", st)
	}
	if held, err := e.app.HeldByNetworks(ctx, fb.ID); err != nil || len(held) != 2 || held[0] != "Facebook Pages" || held[1] != "Mastodon" {
		t.Fatalf("held by %q, %v", held, err)
	}
	// Edits, moves and deletes of held posts: native_test.go.

	// The time comes: the network published it; Localpost posts the rest.
	e.clock.Set(time.Now().Add(2*time.Hour + time.Minute))
	e.app.Wake()
	waitFor(t, "all published", func() bool {
		return e.post(t, fb.ID).State == data.StatePublished && e.post(t, yt.ID).State == data.StatePublished
	})
	if len(e.nets.Meta.Posts()) != 1 || len(e.nets.Mastodon.Statuses()) != 1 {
		t.Fatalf("after the time: meta %d, mastodon %d", len(e.nets.Meta.Posts()), len(e.nets.Mastodon.Statuses()))
	}
}

// The "done": one post to every network, tailored per network,
// published everywhere (and a reminder for the group), each with its link.
func TestOnePostToEveryNetwork(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	accs := e.connectAll(t)
	masto := e.connect(t)
	group, err := e.app.AddReminderAccount(ctx, platforms.FBGroup, "Neighbours", "https://www.facebook.com/groups/neighbours")
	if err != nil {
		t.Fatal(err)
	}
	video, err := e.app.AddMedia(ctx, writeVideo(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	board := e.app.Boards(ctx, accs[platforms.Pinterest].ID)[0]
	d := Draft{Text: "A minute in our bakery, every morning at 6.", Media: []DraftMedia{video}, Zone: time.UTC,
		AccountIDs: []int64{masto.ID, group.ID},
		Variants: map[int64]Variant{
			accs[platforms.X].ID:         {Text: "6am in our bakery 🥐", Options: platforms.Options{FirstComment: "Open till 6pm"}},
			accs[platforms.Pinterest].ID: {Options: platforms.Options{BoardID: board.ID, Title: "Our bakery at dawn"}},
			accs[platforms.YouTube].ID:   {Options: platforms.Options{Title: "A minute in our bakery", Privacy: "public"}},
			accs[platforms.TikTok].ID:    {Options: platforms.Options{Privacy: "PUBLIC_TO_EVERYONE"}},
			accs[platforms.LinkedIn].ID:  {Text: "How a neighbourhood bakery starts its day."},
		}}
	for _, acc := range accs {
		d.AccountIDs = append(d.AccountIDs, acc.ID)
	}
	if probs := e.app.Check(ctx, d); len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	p, err := e.app.PostNow(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	e.app.Start(ctx)
	waitFor(t, "every network answered", func() bool {
		for _, tg := range e.post(t, p.ID).Targets {
			if tg.State == data.StateScheduled || tg.State == data.StatePublishing {
				return false
			}
		}
		return true
	})
	for _, tg := range e.post(t, p.ID).Targets {
		acc, _ := e.app.Store.Account(ctx, tg.AccountID)
		switch {
		case acc.ID == group.ID:
			if tg.State != data.StateMissed {
				t.Errorf("group: %s, want a reminder", tg.State)
			}
		case tg.State != data.StatePublished || tg.RemoteURL == "":
			t.Errorf("%s: %s %q", acc.Network, tg.State, tg.LastError)
		}
	}
	if st := e.nets.X.Posts(); len(st) != 2 || st[0].Text != "6am in our bakery 🥐" {
		t.Errorf("X got %+v", st)
	}
}

func TestPinterestBoardsStayInSync(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	l, err := e.app.Connect(ctx, platforms.Pinterest, nil)
	if err != nil {
		t.Fatal(err)
	}
	accs, err := e.app.AddIdentities(ctx, l, []string{l.Identities[0].RemoteID})
	if err != nil {
		t.Fatal(err)
	}
	before := len(e.app.Boards(ctx, accs[0].ID))
	e.nets.Pinterest.AddBoards("Autumn menu")
	e.app.syncAccounts(ctx)
	after := e.app.Boards(ctx, accs[0].ID)
	if len(after) != before+1 || !slices.ContainsFunc(after, func(b platforms.Board) bool { return b.Name == "Autumn menu" }) {
		t.Fatalf("boards after sync: %+v (had %d)", after, before)
	}
}

func TestPublishDueOnceForTheOSScheduler(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	accs := e.connectAll(t)
	masto := e.connect(t)
	// Two due posts on the same networks (one at a time each), one refused.
	for _, text := range []string{"first", "second"} {
		if _, err := e.app.PostNow(ctx, Draft{Text: text, Zone: time.UTC, AccountIDs: []int64{masto.ID, accs[platforms.X].ID}}); err != nil {
			t.Fatal(err)
		}
	}
	e.nets.Mastodon.FailNext(1, 422, 0)
	sum, err := e.app.PublishDue(ctx) // no Start: what `localpost publish-due` runs
	if err != nil {
		t.Fatal(err)
	}
	if sum.Published != 3 || sum.Failed != 1 {
		t.Fatalf("summary %s, want 3 published and 1 failed", sum)
	}
	if n := len(e.nets.X.Posts()); n != 2 {
		t.Fatalf("X holds %d posts", n)
	}
	// Nothing left: a second run does nothing.
	if sum, err := e.app.PublishDue(ctx); err != nil || sum.Published != 0 {
		t.Fatalf("second run: %s %v", sum, err)
	}
}

// Two publishers on one data folder (the lock normally keeps the second
// out; here both run, as two processes could race between the lock and a
// crash): the conditional claim lets each target go out once.
func TestTwoPublishersNeverPostTwice(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	accs := e.connectAll(t)
	second, err := New(Config{DataDir: e.dir, Secrets: data.Keyring(), HTTP: e.app.http, OpenURL: e.nets.Approve,
		Providers: e.nets.Providers, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	second.tick = 5 * time.Millisecond
	t.Cleanup(func() { second.Close() })
	const n = 20
	var ids []int64
	for i := 0; i < n; i++ {
		p, err := e.app.PostNow(ctx, Draft{Text: fmt.Sprintf("post %d", i), Zone: time.UTC,
			AccountIDs: []int64{accs[platforms.X].ID, accs[platforms.LinkedIn].ID}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	e.app.Start(ctx)
	second.Start(ctx)
	for _, id := range ids {
		waitFor(t, "published", func() bool { return e.post(t, id).State == data.StatePublished })
	}
	if got := len(e.nets.X.Posts()); got != n {
		t.Fatalf("X holds %d posts, want %d", got, n)
	}
	if got := len(e.nets.LinkedIn.Posts()); got != n {
		t.Fatalf("LinkedIn holds %d posts, want %d", got, n)
	}
}
