package mastodon_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"localpost/platforms"
	"localpost/platforms/fakes"
	"localpost/platforms/mastodon"
)

func TestMain(m *testing.M) {
	mastodon.MediaPollInterval = 5 * time.Millisecond
	os.Exit(m.Run())
}

func TestNormalizeServer(t *testing.T) {
	cases := []struct{ in, want string }{
		{"mastodon.social", "https://mastodon.social"},
		{"  Mastodon.Social  ", "https://mastodon.social"},
		{"https://mastodon.social/", "https://mastodon.social"},
		{"https://mastodon.social:443", "https://mastodon.social"},
		{"http://mastodon.social", "https://mastodon.social"},
		{"@me@mastodon.social", "https://mastodon.social"},
		{"me@mastodon.social", "https://mastodon.social"},
		{"mastodon.social/", "https://mastodon.social"},
		{"social.example.org:8443", "https://social.example.org:8443"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"https://127.0.0.1:8443", "https://127.0.0.1:8443"},
		{"127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://127.1.2.3:80/", "http://127.1.2.3:80"},
		{"http://localhost:3000", "http://localhost:3000"},
		{"http://[::1]:3000", "http://[::1]:3000"},
		{"http://10.0.0.5:3000", "https://10.0.0.5:3000"},
		{"toot.café", "https://toot.café"},
	}
	for _, c := range cases {
		got, err := mastodon.NormalizeServer(c.in)
		if err != nil || got != c.want {
			t.Errorf("NormalizeServer(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "   ", "foo bar", "mastodon", "https://mastodon.social/about", "mastodon.social/@me",
		"ftp://mastodon.social", "@@mastodon.social", "a@b@c.social", "https://me:pw@mastodon.social", "mastodon.social:99999",
		"mastodon.social?x=1", "-bad-.social", "exa_mple.social"} {
		if got, err := mastodon.NormalizeServer(in); err == nil {
			t.Errorf("NormalizeServer(%q) = %q, want an error", in, got)
		}
	}
	_, err := mastodon.NormalizeServer("foo bar")
	if want := "“foo bar” is not a server address; type the part after the second @ of your handle, e.g. mastodon.social"; err == nil || err.Error() != want {
		t.Errorf("message: %v", err)
	}
}

func newFake(t *testing.T) (*fakes.Mastodon, *mastodon.Client) {
	t.Helper()
	f := fakes.NewMastodon()
	t.Cleanup(f.Close)
	f.AutoApprove = true
	c, err := mastodon.New(f.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

// connect registers, authorizes (AutoApprove) and exchanges the code.
func connect(t *testing.T, c *mastodon.Client) (mastodon.App, string) {
	t.Helper()
	ctx := context.Background()
	const redirect = "http://127.0.0.1:53682/callback"
	app, err := c.RegisterApp(ctx, redirect)
	if err != nil {
		t.Fatal(err)
	}
	cfg := oauth2.Config{ClientID: app.ClientID, ClientSecret: app.ClientSecret, Endpoint: c.Endpoint(), RedirectURL: redirect, Scopes: mastodon.Scopes}
	v := oauth2.GenerateVerifier()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(v)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	tok, err := cfg.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	return app, tok.AccessToken
}

func writeImage(t *testing.T, name string) string {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, 4, 3), color.Palette{color.White, color.Black})
	var buf bytes.Buffer
	var err error
	if strings.HasSuffix(name, ".gif") {
		err = gif.Encode(&buf, img, nil)
	} else {
		err = png.Encode(&buf, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkSpec checks every request the fake served, errors included,
// against the Mastodon API description.
func checkSpec(t *testing.T, f *fakes.Mastodon) {
	t.Helper()
	spec, err := fakes.LoadSpec(filepath.Join("..", "fakes", "testdata", "mastodon.openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Requests() {
		for _, e := range spec.Check(r) {
			t.Error(e)
		}
	}
}

func wantKind(t *testing.T, err error, kind platforms.Kind) *platforms.Error {
	t.Helper()
	var pe *platforms.Error
	if !errors.As(err, &pe) || pe.Kind != kind {
		t.Fatalf("error %v (%T), want kind %v", err, err, kind)
	}
	return pe
}

func TestInstance(t *testing.T) {
	ctx := context.Background()
	f, c := newFake(t)
	f.SetLimits(1000, 6)
	l, err := c.Instance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if l.MaxChars != 1000 || l.MaxMedia != 6 || l.URLWeight != 23 || l.MaxImageBytes != 16<<20 || l.MaxAltChars != 1500 || !l.AltText || !l.NativeSchedule {
		t.Fatalf("v2 limits %+v", l)
	}
	for _, mt := range l.MediaTypes {
		if !strings.HasPrefix(mt, "image/") && !strings.HasPrefix(mt, "video/") {
			t.Fatalf("type %s in %v is neither image nor video", mt, l.MediaTypes)
		}
	}
	if !slices.Contains(l.MediaTypes, "video/mp4") {
		t.Fatalf("the server's video types were dropped: %v", l.MediaTypes)
	}

	f.HideInstanceV2(true)
	f.SetLimits(700, 2)
	if l, err = c.Instance(ctx); err != nil || l.MaxChars != 700 || l.MaxMedia != 2 || l.URLWeight != 23 {
		t.Fatalf("v1 limits %+v, %v", l, err)
	}
}

func serve(t *testing.T, h http.HandlerFunc) *mastodon.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := mastodon.New(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestInstanceDefaultsAndNotMastodon(t *testing.T) {
	ctx := context.Background()
	// An old server: no v2, a v1 without configuration.
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/instance" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"uri":"old.example","title":"Old","version":"3.1.0"}`))
	})
	l, err := c.Instance(ctx)
	if err != nil || l.MaxChars != 500 || l.MaxMedia != 4 || len(l.MediaTypes) != len(mastodon.DefaultLimits.MediaTypes) {
		t.Fatalf("defaults: %+v, %v", l, err)
	}
	// A fork that reports max_toot_chars.
	c = serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/instance" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"uri":"fork.example","max_toot_chars":5000}`))
	})
	if l, err = c.Instance(ctx); err != nil || l.MaxChars != 5000 {
		t.Fatalf("max_toot_chars: %+v, %v", l, err)
	}

	for name, h := range map[string]http.HandlerFunc{
		"html": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<!doctype html><h1>My blog</h1>"))
		},
		"404 both": http.NotFound,
		"json but not mastodon": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"hello":"world"}`))
		},
	} {
		c := serve(t, h)
		_, err := c.Instance(ctx)
		host := strings.TrimPrefix(c.BaseURL, "http://")
		if !errors.Is(err, mastodon.ErrNotMastodon) || !strings.Contains(err.Error(), host+" does not look like a Mastodon server") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestInstanceUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, _ := mastodon.New("nonexistent.invalid", nil)
	_, err := c.Instance(ctx)
	pe := wantKind(t, err, platforms.KindRetry)
	if pe.Message != "Could not reach nonexistent.invalid: check the address and your connection" {
		t.Fatalf("message %q", pe.Message)
	}
	// Connection refused: a port nothing listens on.
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	c, _ = mastodon.New(addr, nil)
	_, err = c.Instance(ctx)
	pe = wantKind(t, err, platforms.KindRetry)
	if !strings.HasPrefix(pe.Message, "Could not reach 127.0.0.1:") {
		t.Fatalf("message %q", pe.Message)
	}
}

func TestRegisterAndVerify(t *testing.T) {
	f, c := newFake(t)
	app, tok := connect(t, c)
	if app.ClientID == "" || app.ClientSecret == "" {
		t.Fatalf("app %+v", app)
	}
	var reg fakes.Request
	for _, r := range f.Requests() {
		if r.Path == "/api/v1/apps" {
			reg = r
		}
	}
	body, _ := url.ParseQuery(string(reg.Body))
	if body.Get("client_name") != "Localpost" || body.Get("scopes") != strings.Join(mastodon.Scopes, " ") || body.Get("redirect_uris") != "http://127.0.0.1:53682/callback" {
		t.Fatalf("registration body %v", body)
	}
	e := c.Endpoint()
	if e.AuthURL != f.URL+"/oauth/authorize" || e.TokenURL != f.URL+"/oauth/token" || e.AuthStyle != oauth2.AuthStyleInParams {
		t.Fatalf("endpoint %+v", e)
	}

	a, err := c.VerifyCredentials(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	want := platforms.Account{RemoteID: "109000000000000001", Handle: "@demo@127.0.0.1", DisplayName: "Demo Café", AvatarURL: f.URL + "/avatars/demo.png", URL: f.URL + "/@demo"}
	if a != want {
		t.Fatalf("account %+v\nwant %+v", a, want)
	}
	resp, err := http.Get(a.AvatarURL)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Fatalf("avatar: %d bytes, %v", len(b), err)
	}
}

func TestPublishWithImages(t *testing.T) {
	f, c := newFake(t)
	_, tok := connect(t, c)
	f.SetMediaProcessing(2)
	res, err := c.Publish(context.Background(), tok, platforms.Post{
		Text: "Two pictures ☕",
		Media: []platforms.Media{
			{Path: writeImage(t, "one.png"), Mime: "image/png", Alt: "A white square"},
			{Path: writeImage(t, "two.gif"), Mime: "image/gif", Alt: "An animation"}, // async: 202 then 206, 206, 200
		},
		IdempotencyKey: "key-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	st := f.Statuses()
	if len(st) != 1 || st[0].ID != res.RemoteID || st[0].URL != res.URL || len(st[0].MediaIDs) != 2 || st[0].Text != "Two pictures ☕" || st[0].IdempotencyKey != "key-1" {
		t.Fatalf("result %+v, statuses %+v", res, st)
	}
	var uploads, polls int
	for _, r := range f.Requests() {
		switch {
		case r.Method == "POST" && r.Path == "/api/v2/media":
			uploads++
			if q, _ := url.ParseQuery(string(r.Body)); q.Get("description") == "" || q.Get("file") == "" {
				t.Errorf("upload fields %v", q)
			}
		case r.Method == "GET" && strings.HasPrefix(r.Path, "/api/v1/media/"):
			polls++
		case r.Path == "/api/v1/statuses" && r.Header.Get("Idempotency-Key") != "key-1":
			t.Errorf("Idempotency-Key %q", r.Header.Get("Idempotency-Key"))
		}
	}
	if uploads != 2 || polls != 3 {
		t.Fatalf("%d uploads, %d polls", uploads, polls)
	}
	checkSpec(t, f)
}

func TestPublishIdempotent(t *testing.T) {
	f, c := newFake(t)
	_, tok := connect(t, c)
	p := platforms.Post{Text: "once", IdempotencyKey: "same"}
	a, err := c.Publish(context.Background(), tok, p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Publish(context.Background(), tok, p)
	if err != nil {
		t.Fatal(err)
	}
	if a != b || len(f.Statuses()) != 1 {
		t.Fatalf("%+v vs %+v, %d statuses", a, b, len(f.Statuses()))
	}
	p.IdempotencyKey = "other"
	if _, err := c.Publish(context.Background(), tok, p); err != nil || len(f.Statuses()) != 2 {
		t.Fatalf("new key: %v, %d statuses", err, len(f.Statuses()))
	}
}

func TestPublishErrors(t *testing.T) {
	ctx := context.Background()
	f, c := newFake(t)
	_, tok := connect(t, c)

	// 422 with the server's message.
	_, err := c.Publish(ctx, tok, platforms.Post{})
	pe := wantKind(t, err, platforms.KindFixPost)
	if pe.Status != 422 || pe.Message != "Validation failed: Text can't be blank" {
		t.Fatalf("422: %+v", pe)
	}
	f.SetLimits(10, 4)
	_, err = c.Publish(ctx, tok, platforms.Post{Text: "far more than ten characters"})
	if pe := wantKind(t, err, platforms.KindFixPost); !strings.Contains(pe.Message, "character limit of 10") {
		t.Fatalf("too long: %v", pe)
	}
	f.SetLimits(500, 4)

	// 429 with Retry-After.
	f.FailNext(1, 429, 30*time.Second)
	_, err = c.Publish(ctx, tok, platforms.Post{Text: "busy"})
	if pe := wantKind(t, err, platforms.KindRetry); pe.RetryAfter != 30*time.Second || pe.Status != 429 {
		t.Fatalf("429: %+v", pe)
	}
	f.FailNext(1, 503, 0)
	_, err = c.Publish(ctx, tok, platforms.Post{Text: "down"})
	wantKind(t, err, platforms.KindRetry)

	// A missing file.
	_, err = c.Publish(ctx, tok, platforms.Post{Text: "pic", Media: []platforms.Media{{Path: filepath.Join(t.TempDir(), "x.png"), Mime: "image/png"}}})
	if pe := wantKind(t, err, platforms.KindFixPost); !strings.HasPrefix(pe.Message, "image x.png no longer exists") {
		t.Fatalf("missing file: %v", pe)
	}
	// A file the server refuses.
	txt := filepath.Join(t.TempDir(), "notes.txt")
	_ = os.WriteFile(txt, []byte("hello"), 0o600)
	_, err = c.Publish(ctx, tok, platforms.Post{Text: "pic", Media: []platforms.Media{{Path: txt, Mime: "text/plain"}}})
	if pe := wantKind(t, err, platforms.KindFixPost); !strings.Contains(pe.Message, "notes.txt: Validation failed") {
		t.Fatalf("bad type: %v", pe)
	}

	// 401 once the token is revoked; the token is in no message.
	f.RevokeAll()
	_, err = c.Publish(ctx, tok, platforms.Post{Text: "revoked"})
	wantKind(t, err, platforms.KindReconnect)
	if strings.Contains(err.Error(), tok) {
		t.Fatal("token in the error")
	}
	if len(f.Statuses()) != 0 {
		t.Fatalf("posted: %+v", f.Statuses())
	}
	checkSpec(t, f)
}

func TestPublishMediaStillProcessing(t *testing.T) {
	f, c := newFake(t)
	_, tok := connect(t, c)
	f.SetMediaProcessing(1 << 20)
	old := mastodon.MediaPollTimeout
	mastodon.MediaPollTimeout = 50 * time.Millisecond
	defer func() { mastodon.MediaPollTimeout = old }()
	_, err := c.Publish(context.Background(), tok, platforms.Post{Media: []platforms.Media{{Path: writeImage(t, "slow.gif"), Mime: "image/gif"}}})
	if pe := wantKind(t, err, platforms.KindRetry); !strings.Contains(pe.Message, "still processing slow.gif") {
		t.Fatalf("%v", pe)
	}
}

func TestPublishDroppedConnection(t *testing.T) {
	f := fakes.NewMastodon()
	defer f.Close()
	f.AutoApprove = true
	// A fresh connection per request: Go's transport would otherwise resend
	// a POST carrying an Idempotency-Key by itself when a reused keep-alive
	// connection drops, hiding the failure this test is about.
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	c, _ := mastodon.New(f.URL, hc)
	_, tok := connect(t, c)
	f.DropNext(1)
	p := platforms.Post{Text: "dropped", IdempotencyKey: "k"}
	_, err := c.Publish(context.Background(), tok, p)
	pe := wantKind(t, err, platforms.KindRetry)
	if pe.Err == nil || pe.Status != 0 {
		t.Fatalf("dropped: %+v", pe)
	}
	if n := len(f.Statuses()); n != 1 {
		t.Fatalf("%d statuses after the drop", n)
	}
	// The publisher retries with the same key: no second status.
	res, err := c.Publish(context.Background(), tok, p)
	if err != nil || res.RemoteID != f.Statuses()[0].ID || len(f.Statuses()) != 1 {
		t.Fatalf("retry: %+v, %v, %d statuses", res, err, len(f.Statuses()))
	}
}

func TestPublishDroppedConnectionDefaultClient(t *testing.T) {
	// With keep-alive the transport may replay the POST on its own (it
	// carries an Idempotency-Key); either way exactly one status exists.
	f, c := newFake(t)
	_, tok := connect(t, c)
	f.DropNext(1)
	_, err := c.Publish(context.Background(), tok, platforms.Post{Text: "x", IdempotencyKey: "k2"})
	if err != nil {
		wantKind(t, err, platforms.KindRetry)
	}
	if n := len(f.Statuses()); n != 1 {
		t.Fatalf("%d statuses", n)
	}
}

func TestRevoke(t *testing.T) {
	_, c := newFake(t)
	app, tok := connect(t, c)
	if err := c.Revoke(context.Background(), app, tok); err != nil {
		t.Fatal(err)
	}
	_, err := c.VerifyCredentials(context.Background(), tok)
	wantKind(t, err, platforms.KindReconnect)
	if err := c.Revoke(context.Background(), mastodon.App{ClientID: "x", ClientSecret: "y"}, tok); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("bad client: %v", err)
	}
}

// TestPublishThread: the thread's parts go out as a chain of replies, each
// answering the one before; a part refused mid-way fails the publish, and
// the retry with the same key gets the statuses already posted back from
// the server instead of posting them twice.
func TestPublishThread(t *testing.T) {
	ctx := context.Background()
	f, c := newFake(t)
	_, tok := connect(t, c)

	// The second part is refused once (503): the head and the first part
	// are out, the publish fails as a temporary error.
	posts := 0
	f.SetHook(func(r *http.Request, done bool) {
		if done && r.Method == http.MethodPost && r.URL.Path == "/api/v1/statuses" {
			if posts++; posts == 2 {
				f.FailNext(1, http.StatusServiceUnavailable, 0)
			}
		}
	})
	p := platforms.Post{Text: "1/3 head", IdempotencyKey: "key-1",
		Options: platforms.Options{Thread: []string{"2/3 middle", "3/3 end"}}}
	_, err := c.Publish(ctx, tok, p)
	wantKind(t, err, platforms.KindRetry)
	if !strings.Contains(err.Error(), "part 3 of the thread") {
		t.Errorf("error does not say which part: %v", err)
	}
	if got := len(f.Statuses()); got != 2 {
		t.Fatalf("%d statuses after the refused part, want 2", got)
	}
	f.SetHook(nil)

	res, err := c.Publish(ctx, tok, p)
	if err != nil {
		t.Fatal(err)
	}
	st := f.Statuses()
	if len(st) != 3 {
		t.Fatalf("%d statuses after the retry, want 3 (no part twice)", len(st))
	}
	wantText := []string{"1/3 head", "2/3 middle", "3/3 end"}
	for i, s := range st {
		if s.Text != wantText[i] {
			t.Errorf("status %d = %q, want %q", i, s.Text, wantText[i])
		}
		want := ""
		if i > 0 {
			want = st[i-1].ID
		}
		if s.InReplyTo != want {
			t.Errorf("status %d answers %q, want %q", i, s.InReplyTo, want)
		}
	}
	if res.RemoteID != st[0].ID {
		t.Errorf("result %q, want the head %q", res.RemoteID, st[0].ID)
	}
	checkSpec(t, f)
}

// A thread cannot be held by the server for later: the replies need the
// published head's id. Publish refuses before posting anything.
func TestPublishThreadNotHeld(t *testing.T) {
	f, c := newFake(t)
	_, tok := connect(t, c)
	p := platforms.Post{Text: "head", Options: platforms.Options{Thread: []string{"tail"}, PublishAt: time.Now().Add(time.Hour)}}
	_, err := c.Publish(context.Background(), tok, p)
	wantKind(t, err, platforms.KindFixPost)
	if n := len(f.Statuses()); n != 0 {
		t.Fatalf("%d statuses posted", n)
	}
}
