package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"localpost/data"
	"localpost/platforms/fakes"
)

// hostGuard records every host the app's client talks to.
type hostGuard struct {
	mu    sync.Mutex
	hosts map[string]int
	next  http.RoundTripper
}

func (g *hostGuard) RoundTrip(r *http.Request) (*http.Response, error) {
	g.mu.Lock()
	g.hosts[r.URL.Host]++
	g.mu.Unlock()
	return g.next.RoundTrip(r)
}

func (g *hostGuard) seen() map[string]int {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := map[string]int{}
	for h, n := range g.hosts {
		out[h] = n
	}
	return out
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

type env struct {
	app   *App
	fake  *fakes.Mastodon
	guard *hostGuard
	clock *clock
	dir   string
	notes []string
	mu    sync.Mutex
}

// newEnv builds an App on a real SQLite file in a temp folder, with the
// keyring mocked, the fake server auto-approving logins, and the one HTTP
// client wrapped so the test sees every host it talks to.
func newEnv(t *testing.T) *env {
	t.Helper()
	keyring.MockInit()
	fake := fakes.NewMastodon()
	fake.AutoApprove = true
	t.Cleanup(fake.Close)
	hc := NewHTTPClient()
	guard := &hostGuard{hosts: map[string]int{}, next: hc.Transport}
	hc.Transport = guard
	e := &env{fake: fake, guard: guard, clock: &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}, dir: t.TempDir()}
	fake.SetClock(e.clock.Now) // the server publishes what it holds when the app's time says so
	a, err := New(Config{
		DataDir: e.dir,
		Secrets: data.Keyring(),
		HTTP:    hc,
		OpenURL: followWithoutApp(t),
		Now:     e.clock.Now,
		Notify: func(title, body string) {
			e.mu.Lock()
			e.notes = append(e.notes, title+": "+body)
			e.mu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	a.tick = 20 * time.Millisecond
	e.app = a
	t.Cleanup(func() { a.Close() })
	return e
}

// followWithoutApp is the user's browser: its own client, not the app's.
func followWithoutApp(t *testing.T) func(string) error {
	return func(u string) error {
		go func() {
			nc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			for i := 0; i < 3 && u != ""; i++ {
				resp, err := nc.Get(u)
				if err != nil {
					t.Errorf("browser: %v", err)
					return
				}
				resp.Body.Close()
				u = resp.Header.Get("Location")
			}
		}()
		return nil
	}
}

func (e *env) connect(t testing.TB) data.Account {
	t.Helper()
	var steps []string
	acc, err := e.app.ConnectMastodon(context.Background(), e.fake.URL, func(s string) { steps = append(steps, s) })
	if err != nil {
		t.Fatalf("connect: %v (steps %q)", err, steps)
	}
	return acc
}

func writePNG(t *testing.T, dir, name string) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
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

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func (e *env) post(t *testing.T, id int64) data.Post {
	t.Helper()
	p, err := e.app.Post(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConnectComposePublishTalksOnlyToTheServer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	if acc.Handle == "" || acc.DisplayName == "" || acc.State != data.AccountConnected {
		t.Fatalf("account: %+v", acc)
	}
	if e.app.AvatarFile(acc) == "" {
		t.Fatal("no avatar saved")
	}
	if _, err := os.Stat(e.app.AvatarFile(acc)); err != nil {
		t.Fatalf("avatar file: %v", err)
	}
	// The token is in the keyring, and nowhere in the database file.
	cred, err := e.app.credential(acc)
	if err != nil || cred.AccessToken == "" {
		t.Fatalf("keyring: %v", err)
	}
	dbBytes := readAll(t, e.dir)
	if strings.Contains(dbBytes, cred.AccessToken) || strings.Contains(dbBytes, cred.ClientSecret) {
		t.Fatal("a secret was written to the data folder")
	}

	img := writePNG(t, t.TempDir(), "shop.png")
	m, err := e.app.AddMedia(ctx, img)
	if err != nil {
		t.Fatal(err)
	}
	m.Alt = "Our shop window"
	d := Draft{Text: "Winter opening hours ❄", AccountIDs: []int64{acc.ID}, Media: []DraftMedia{m},
		Day: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Clock: "10:00", Zone: time.UTC}
	p, note, err := e.app.Schedule(ctx, d)
	if err != nil || note != "" {
		t.Fatalf("schedule: %v %q", err, note)
	}
	if p.State != data.StateScheduled {
		t.Fatalf("state %s", p.State)
	}
	e.app.Start(ctx)
	waitFor(t, "handed to the server's scheduler", func() bool { return len(e.fake.Scheduled()) == 1 })
	if n := len(e.fake.Statuses()); n != 0 {
		t.Fatalf("published %d statuses before the time", n)
	}
	e.clock.Set(time.Date(2026, 12, 1, 10, 0, 1, 0, time.UTC))
	e.app.Wake()
	waitFor(t, "published", func() bool { return e.post(t, p.ID).State == data.StatePublished })

	got := e.post(t, p.ID)
	st := e.fake.Statuses()
	if len(st) != 1 || st[0].Text != d.Text || len(st[0].MediaIDs) != 1 {
		t.Fatalf("fake received %+v", st)
	}
	if got.Targets[0].RemoteURL != st[0].URL || got.Targets[0].RemoteID != st[0].ID {
		t.Fatalf("target %+v, status %+v", got.Targets[0], st[0])
	}
	// Handed to the server's scheduler an hour ahead, under a key derived
	// from the target's (native.go).
	if st[0].IdempotencyKey == "" || !strings.HasPrefix(st[0].IdempotencyKey, got.Targets[0].IdempotencyKey) {
		t.Fatalf("idempotency key not sent: %q", st[0].IdempotencyKey)
	}
	entries, err := e.app.Month(ctx, 2026, time.December, time.UTC)
	if err != nil || len(entries) != 1 || entries[0].State != data.StatePublished {
		t.Fatalf("calendar: %+v %v", entries, err)
	}

	server, _ := url.Parse(e.fake.URL)
	for host := range e.guard.seen() {
		if host != server.Host {
			t.Errorf("the app talked to %s; only %s was connected", host, server.Host)
		}
	}
	if len(e.guard.seen()) == 0 {
		t.Fatal("the guard saw no traffic: the app is not using its client")
	}
}

func readAll(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			if c, err := os.ReadFile(p); err == nil {
				b.Write(c)
			}
		}
		return nil
	})
	return b.String()
}

func TestConnectFailuresLeaveNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cases := []struct{ server, want string }{
		{"", "server"},
		{"not a server", "not a server address"},
		{"nonexistent.invalid", "Could not reach"},
	}
	for _, c := range cases {
		_, err := e.app.ConnectMastodon(ctx, c.server, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("server %q: err %v, want %q", c.server, err, c.want)
		}
	}
	// A cancelled login leaves no account and no token behind.
	e.fake.AutoApprove = false
	cctx, cancel := context.WithCancel(ctx)
	e.app.openURL = func(string) error { cancel(); return nil }
	if _, err := e.app.ConnectMastodon(cctx, e.fake.URL, nil); !errors.Is(err, ErrCancelled) {
		t.Fatalf("cancel: %v", err)
	}
	// So does a login nobody answers.
	e.app.openURL = func(string) error { return nil }
	e.app.connectTimeout = 50 * time.Millisecond
	if _, err := e.app.ConnectMastodon(ctx, e.fake.URL, nil); !errors.Is(err, ErrLoginTimeout) {
		t.Fatalf("timeout: %v", err)
	}
	accs, _ := e.app.Accounts(ctx)
	if len(accs) != 0 {
		t.Fatalf("accounts left behind: %+v", accs)
	}
}

func TestRevokedTokenWaitsForReconnect(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	e.fake.RevokeAll()
	p, err := e.app.PostNow(ctx, Draft{Text: "hello", AccountIDs: []int64{acc.ID}, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	e.app.Start(ctx)
	waitFor(t, "needs reconnect", func() bool {
		a, _ := e.app.Store.Account(ctx, acc.ID)
		return a.State == data.AccountNeedsReconnect
	})
	got := e.post(t, p.ID)
	if got.Targets[0].State != data.StateScheduled || !strings.Contains(got.Targets[0].LastError, "Reconnect") {
		t.Fatalf("target after 401: %+v", got.Targets[0])
	}
	if len(e.fake.Statuses()) != 0 {
		t.Fatal("posted with a revoked token")
	}
	// Reconnecting the same account lets the waiting post go out.
	e.connect(t)
	e.app.Wake()
	waitFor(t, "published after reconnect", func() bool { return e.post(t, p.ID).State == data.StatePublished })
}

func TestTemporaryFailuresRetryWithoutDuplicates(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	e.fake.FailNext(1, 429, 2*time.Second)
	e.fake.DropNext(1)
	p, err := e.app.PostNow(ctx, Draft{Text: "retry me", AccountIDs: []int64{acc.ID}, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	e.app.Start(ctx)
	waitFor(t, "first failure", func() bool { return e.post(t, p.ID).Targets[0].Attempts >= 1 })
	tg := e.post(t, p.ID).Targets[0]
	if tg.State != data.StateScheduled || !tg.NextAttemptAt.After(e.clock.Now().Add(time.Second)) {
		t.Fatalf("after 429: %+v", tg)
	}
	// Time passes; the dropped connection posts but the app never hears back.
	for i := 0; i < 3 && e.post(t, p.ID).State != data.StatePublished; i++ {
		e.clock.Set(e.clock.Now().Add(time.Hour))
		e.app.Wake()
		time.Sleep(200 * time.Millisecond)
	}
	waitFor(t, "published", func() bool { return e.post(t, p.ID).State == data.StatePublished })
	if n := len(e.fake.Statuses()); n != 1 {
		t.Fatalf("the fake holds %d statuses, want exactly 1", n)
	}
	// Go's transport itself resends a request with an Idempotency-Key when
	// a reused connection drops, so the drop may never surface as an
	// attempt; what matters is one status on the server, and the record.
	at, _ := e.app.Attempts(ctx, p.ID)
	if len(at) < 2 || at[0].HTTPStatus != 429 || at[len(at)-1].Outcome != "published" {
		t.Fatalf("attempts %+v, want a 429 first and a published last", at)
	}
}

func TestPostRefusedIsKeptWithReason(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	e.fake.FailNext(1, 422, 0)
	p, err := e.app.PostNow(ctx, Draft{Text: "refused", AccountIDs: []int64{acc.ID}, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	e.app.Start(ctx)
	waitFor(t, "failed", func() bool { return e.post(t, p.ID).State == data.StateFailed })
	got := e.post(t, p.ID)
	if got.Text != "refused" || got.Targets[0].LastError == "" {
		t.Fatalf("post after refusal: %+v", got)
	}
	// Posting it by hand is offered beside Retry.
	if rs, err := e.app.Reminders(ctx, p.ID); err != nil || len(rs) != 1 || !rs[0].Manual || rs[0].Text != "refused" {
		t.Fatalf("by-hand offer: %+v %v", rs, err)
	}
	if err := e.app.Retry(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "published on retry", func() bool { return e.post(t, p.ID).State == data.StatePublished })
}

func TestMissedWhileClosed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	late, _, err := e.app.Schedule(ctx, Draft{Text: "two hours late", AccountIDs: []int64{acc.ID}, Day: day, Clock: "10:00", Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	soon, _, err := e.app.Schedule(ctx, Draft{Text: "thirty minutes late", AccountIDs: []int64{acc.ID}, Day: day, Clock: "11:30", Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	// The app was closed; it starts at 12:00.
	e.clock.Set(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
	e.app.Start(ctx)
	waitFor(t, "the recent one published", func() bool { return e.post(t, soon.ID).State == data.StatePublished })
	if st := e.post(t, late.ID); st.State != data.StateMissed || !strings.Contains(st.Targets[0].LastError, "late") {
		t.Fatalf("late post: %s %q", st.State, st.Targets[0].LastError)
	}
	if len(e.fake.Statuses()) != 1 {
		t.Fatalf("statuses: %d", len(e.fake.Statuses()))
	}
	if err := e.app.Retry(ctx, late.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "published on the user's word", func() bool { return e.post(t, late.ID).State == data.StatePublished })
}

func TestScheduleBadInput(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	base := Draft{Text: "ok", AccountIDs: []int64{acc.ID}, Day: day, Clock: "10:00", Zone: time.UTC}

	var pe *ProblemsError
	empty := base
	empty.Text = ""
	if _, _, err := e.app.Schedule(ctx, empty); !errors.As(err, &pe) {
		t.Errorf("empty post: %v", err)
	}
	long := base
	long.Text = strings.Repeat("a", 501)
	if _, _, err := e.app.Schedule(ctx, long); !errors.As(err, &pe) || !strings.Contains(err.Error(), "1 over") {
		t.Errorf("long post: %v", err)
	}
	none := base
	none.AccountIDs = nil
	if _, _, err := e.app.Schedule(ctx, none); !errors.As(err, &pe) {
		t.Errorf("no account: %v", err)
	}
	past := base
	past.Clock = "08:00"
	if _, _, err := e.app.Schedule(ctx, past); !errors.Is(err, ErrInPast) {
		t.Errorf("past: %v", err)
	}
	// A media file that vanished from the data folder.
	img := writePNG(t, t.TempDir(), "gone.png")
	m, err := e.app.AddMedia(ctx, img)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(m.Path); err != nil {
		t.Fatal(err)
	}
	vanished := base
	vanished.Media = []DraftMedia{m}
	if _, _, err := e.app.Schedule(ctx, vanished); !errors.As(err, &pe) || !strings.Contains(err.Error(), "attach the image again") {
		t.Errorf("vanished media: %v", err)
	}
	// An unsupported type is refused when attached.
	txt := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(txt, []byte("hello"), 0o600)
	if _, err := e.app.AddMedia(ctx, txt); err == nil {
		t.Error("a text file was accepted as an image")
	}
	// Nothing of the above was stored; the draft text is the caller's to keep.
	entries, _ := e.app.Month(ctx, 2026, time.December, time.UTC)
	if len(entries) != 0 {
		t.Fatalf("bad drafts were stored: %+v", entries)
	}
	// The server's own limit is used, read when connecting.
	e.fake.SetLimits(20, 1)
	acc = e.connect(t)
	if got := e.app.Limits(ctx, []int64{acc.ID}); got.MaxChars != 20 || got.MaxMedia != 1 {
		t.Fatalf("limits %+v", got)
	}
}

// crashMidPublish leaves a target as a crash would: claimed, its status
// already on the server (sent with the target's key), no outcome recorded.
func crashMidPublish(t *testing.T, e *env, acc data.Account, text string, claimedAt time.Time) data.Post {
	t.Helper()
	ctx := context.Background()
	p, err := e.app.PostNow(ctx, Draft{Text: text, AccountIDs: []int64{acc.ID}, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	p = e.post(t, p.ID)
	if ok, err := e.app.Store.ClaimTarget(ctx, p.Targets[0].ID, claimedAt); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	due := data.DueTarget{Target: p.Targets[0], Post: p, Account: acc}
	if _, err := e.app.publishTarget(ctx, due, time.Time{}); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCrashMidPublishIsNeverPostedTwice(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.connect(t)
	now := e.clock.Now()
	recent := crashMidPublish(t, e, acc, "crashed a minute ago", now.Add(-time.Minute))
	// Planned and claimed yesterday: too old for the idempotency key, so
	// only looking at the account's statuses can tell.
	e.clock.Set(now.Add(-24 * time.Hour))
	old := crashMidPublish(t, e, acc, "crashed yesterday", now.Add(-24*time.Hour))
	e.clock.Set(now)
	if n := len(e.fake.Statuses()); n != 2 {
		t.Fatalf("setup: %d statuses", n)
	}

	e.app.Start(ctx) // the restart
	for _, p := range []data.Post{recent, old} {
		waitFor(t, p.Text+" published", func() bool { return e.post(t, p.ID).State == data.StatePublished })
	}
	if n := len(e.fake.Statuses()); n != 2 {
		t.Fatalf("after restart the fake holds %d statuses, want 2 (no repeat)", n)
	}
	urls := map[string]bool{}
	for _, s := range e.fake.Statuses() {
		urls[s.URL] = true
	}
	for _, p := range []data.Post{recent, old} {
		if got := e.post(t, p.ID).Targets[0]; !urls[got.RemoteURL] {
			t.Fatalf("%s: target %+v does not link to its status", p.Text, got)
		}
	}
}

// noKeyring is a machine without a Secret Service.
type noKeyring struct{}

func (noKeyring) Set(string, string) error {
	return fmt.Errorf("%w: install GNOME Keyring", data.ErrNoKeyring)
}
func (noKeyring) Get(string) (string, error) {
	return "", fmt.Errorf("%w: install GNOME Keyring", data.ErrNoKeyring)
}
func (noKeyring) Delete(string) error {
	return fmt.Errorf("%w: install GNOME Keyring", data.ErrNoKeyring)
}

func TestNoKeyringStoresNothing(t *testing.T) {
	e := newEnv(t)
	e.app.secrets = noKeyring{}
	_, err := e.app.ConnectMastodon(context.Background(), e.fake.URL, nil)
	if !errors.Is(err, data.ErrNoKeyring) || !strings.Contains(err.Error(), "install") {
		t.Fatalf("err = %v, want the keyring error saying what to install", err)
	}
	accs, _ := e.app.Accounts(context.Background())
	if len(accs) != 0 {
		t.Fatalf("account stored without its token: %+v", accs)
	}
}

func TestAvatarIsCheckedBeforeKeeping(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(make([]byte, maxAvatar+1))
	}))
	defer big.Close()
	if _, err := e.app.fetchAvatar(ctx, big.URL+"/a.png"); err == nil {
		t.Fatal("an avatar over the size cap was kept")
	}
	if _, err := e.app.fetchAvatar(ctx, "file:///etc/passwd"); err == nil {
		t.Fatal("a non-web address was fetched")
	}
	name, err := e.app.fetchAvatar(ctx, e.fake.URL+"/avatars/demo.png")
	if err != nil || !strings.HasSuffix(name, ".png") {
		t.Fatalf("avatar %q %v", name, err)
	}
}
