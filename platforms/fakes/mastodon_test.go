package fakes_test

import (
	"bytes"
	"context"
	"encoding/json"
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
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"localpost/platforms"
	"localpost/platforms/fakes"
	"localpost/platforms/mastodon"
)

const redirectURI = "http://127.0.0.1:53682/callback"

// noRedirect is a client that hands back redirects instead of following
// them, the way the browser's redirect reaches the app's listener.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func writeImage(t *testing.T, name string) string {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, 8, 6), color.Palette{color.White, color.Black})
	img.SetColorIndex(1, 1, 1)
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

// connect runs register → authorize (AutoApprove) → token exchange.
func connect(t *testing.T, f *fakes.Mastodon, c *mastodon.Client) (mastodon.App, string) {
	t.Helper()
	ctx := context.Background()
	app, err := c.RegisterApp(ctx, redirectURI)
	if err != nil {
		t.Fatalf("RegisterApp: %v", err)
	}
	cfg := oauth2.Config{ClientID: app.ClientID, ClientSecret: app.ClientSecret, Endpoint: c.Endpoint(), RedirectURL: redirectURI, Scopes: mastodon.Scopes}
	verifier := oauth2.GenerateVerifier()
	resp, err := noRedirect.Get(cfg.AuthCodeURL("st4te", oauth2.S256ChallengeOption(verifier)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: status %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), redirectURI+"?") {
		t.Fatalf("authorize redirected to %q", resp.Header.Get("Location"))
	}
	if got := loc.Query().Get("state"); got != "st4te" {
		t.Fatalf("state %q", got)
	}
	tok, err := cfg.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if tok.TokenType != "Bearer" || tok.AccessToken == "" {
		t.Fatalf("token %+v", tok)
	}
	return app, tok.AccessToken
}

// allowed lists what the fake serves that the API description rightly
// does not have: they are browser pages and files, not API endpoints.
var allowed = map[string]string{
	"POST /oauth/authorize": "the consent page's form submission (a browser page in Mastodon, not API)",
	"GET /avatars/":         "avatar and header images (static files, linked from the account JSON)",
	"GET /media/":           "uploaded files (static files, linked from the media JSON)",
	"GET /@demo/":           "the web page of a status (the status URL, for the browser)",
}

func isAllowed(r fakes.Request) bool {
	return allowedIn(allowed, r)
}

// loadSpec parses the 1.4 MB description once per test binary.
var loadSpec = specLoader("mastodon.openapi.json")

func checkAll(t *testing.T, spec *fakes.Spec, reqs []fakes.Request) {
	t.Helper()
	checkEach(t, reqs, isAllowed, spec.Check)
}

// TestMastodonContract drives the real client through the whole connect
// and publish flow against the fake, then checks every request and answer
// against the OpenAPI description of the real Mastodon API.
func TestMastodonContract(t *testing.T) {
	f := fakes.NewMastodon()
	defer f.Close()
	f.AutoApprove = true
	mastodon.MediaPollInterval = 10 * time.Millisecond
	ctx := context.Background()
	c, err := mastodon.New(f.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	limits, err := c.Instance(ctx)
	if err != nil || limits.MaxChars != 500 {
		t.Fatalf("Instance: %+v, %v", limits, err)
	}
	app, token := connect(t, f, c)
	acct, err := c.VerifyCredentials(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := c.HTTP.Get(acct.AvatarURL); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("avatar: %v", err)
	} else {
		resp.Body.Close()
	}
	res, err := c.Publish(ctx, token, platforms.Post{
		Text:           "Contract test ☕ https://example.com/a/long/link",
		Media:          []platforms.Media{{Path: writeImage(t, "a.png"), Mime: "image/png", Alt: "a dot"}, {Path: writeImage(t, "b.gif"), Mime: "image/gif"}},
		IdempotencyKey: "contract-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, f.URL+"/api/v1/statuses/"+res.RemoteID, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
	f.HideInstanceV2(true)
	if _, err := c.Instance(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Revoke(ctx, app, token); err != nil {
		t.Fatal(err)
	}

	reqs := f.Requests()
	seen := map[string]bool{}
	spec := loadSpec(t)
	for _, r := range reqs {
		seen[r.Method+" "+spec.Match(r.Path)] = true
	}
	for _, want := range []string{"POST /api/v1/apps", "GET /oauth/authorize", "POST /oauth/token", "GET /api/v1/accounts/verify_credentials",
		"GET /api/v2/instance", "GET /api/v1/instance", "POST /api/v2/media", "GET /api/v1/media/{id}", "POST /api/v1/statuses",
		"GET /api/v1/statuses/{id}", "POST /oauth/revoke"} {
		if !seen[want] {
			t.Errorf("the flow did not exercise %s", want)
		}
	}
	checkAll(t, spec, reqs)

	for _, r := range reqs {
		all := string(r.Body) + r.Query + string(r.Response) + r.Header.Get("Authorization")
		if strings.Contains(all, token) || strings.Contains(all, app.ClientSecret) {
			t.Errorf("%s %s: a secret was recorded", r.Method, r.Path)
		}
	}
}

// TestSpecCheckIsStrict makes sure the checker would notice a fake that
// drifts from the description.
func TestSpecCheckIsStrict(t *testing.T) {
	spec := loadSpec(t)
	f := fakes.NewMastodon()
	defer f.Close()
	f.AutoApprove = true
	c, _ := mastodon.New(f.URL, nil)
	_, token := connect(t, f, c)
	if _, err := c.VerifyCredentials(context.Background(), token); err != nil {
		t.Fatal(err)
	}
	var vc fakes.Request
	for _, r := range f.Requests() {
		if r.Path == "/api/v1/accounts/verify_credentials" {
			vc = r
		}
	}
	if errs := spec.Check(vc); len(errs) != 0 {
		t.Fatalf("clean answer flagged: %v", errs)
	}
	mutate := func(name string, edit func(m map[string]any)) {
		var m map[string]any
		if err := json.Unmarshal(vc.Response, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		r := vc
		r.Response, _ = json.Marshal(m)
		if errs := spec.Check(r); len(errs) == 0 {
			t.Errorf("%s: not flagged", name)
		}
	}
	mutate("no acct", func(m map[string]any) { delete(m, "acct") })
	mutate("nested source.privacy", func(m map[string]any) { delete(m["source"].(map[string]any), "privacy") })
	mutate("wrong type", func(m map[string]any) { m["followers_count"] = "42" })
	mutate("null where not nullable", func(m map[string]any) { m["username"] = nil })
	mutate("array item", func(m map[string]any) { m["fields"] = []any{map[string]any{"name": "x"}} })

	bad := fakes.Request{Method: "POST", Path: "/api/v1/statuses", Auth: "Bearer", Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		Body: []byte("media_id%5B%5D=1"), Status: 200, Response: []byte(`{}`)}
	if errs := spec.Check(bad); len(errs) < 2 {
		t.Errorf("bad status request: %v", errs)
	}
	if errs := spec.Check(fakes.Request{Method: "GET", Path: "/api/v9/nothing"}); len(errs) == 0 {
		t.Error("unknown path not flagged")
	}
	if errs := spec.Check(fakes.Request{Method: "PATCH", Path: "/api/v1/apps"}); len(errs) == 0 {
		t.Error("unknown method not flagged")
	}
}

func register(t *testing.T, f *fakes.Mastodon) (*mastodon.Client, mastodon.App, oauth2.Config) {
	t.Helper()
	c, _ := mastodon.New(f.URL, nil)
	app, err := c.RegisterApp(context.Background(), redirectURI)
	if err != nil {
		t.Fatal(err)
	}
	return c, app, oauth2.Config{ClientID: app.ClientID, ClientSecret: app.ClientSecret, Endpoint: c.Endpoint(), RedirectURL: redirectURI, Scopes: mastodon.Scopes}
}

func TestMastodonAuthorizePage(t *testing.T) {
	f := fakes.NewMastodon()
	defer f.Close()
	_, _, cfg := register(t, f)
	verifier := oauth2.GenerateVerifier()
	authURL := cfg.AuthCodeURL("xyz", oauth2.S256ChallengeOption(verifier))
	resp, err := noRedirect.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "Authorize Localpost to use your account @demo@127.0.0.1?") {
		t.Fatalf("page %d: %s", resp.StatusCode, page)
	}
	form := url.Values{}
	for _, k := range []string{"client_id", "redirect_uri", "response_type", "state", "scope", "code_challenge", "code_challenge_method"} {
		form.Set(k, hiddenValue(t, string(page), k))
	}
	post := func(decision string) *url.URL {
		form.Set("decision", decision)
		resp, err := noRedirect.PostForm(f.URL+"/oauth/authorize", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusFound || loc == nil {
			t.Fatalf("%s: status %d", decision, resp.StatusCode)
		}
		return loc
	}
	if q := post("deny").Query(); q.Get("error") != "access_denied" || q.Get("state") != "xyz" {
		t.Fatalf("deny: %v", q)
	}
	q := post("approve").Query()
	if q.Get("code") == "" || q.Get("state") != "xyz" {
		t.Fatalf("approve: %v", q)
	}
	ctx := context.Background()
	if _, err := cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("wrong verifier: %v", err)
	}
	// The code is single use: even the right verifier fails now.
	if _, err := cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier)); err == nil {
		t.Fatal("code reused")
	}
	checkAll(t, loadSpec(t), f.Requests())
}

func hiddenValue(t *testing.T, page, name string) string {
	t.Helper()
	marker := `name="` + name + `" value="`
	i := strings.Index(page, marker)
	if i < 0 {
		t.Fatalf("no hidden %s", name)
	}
	rest := page[i+len(marker):]
	v := rest[:strings.IndexByte(rest, '"')]
	// html/template escapes attribute values.
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(v)
}

func TestMastodonAuthorizeRejects(t *testing.T) {
	f := fakes.NewMastodon()
	defer f.Close()
	f.AutoApprove = true
	_, _, cfg := register(t, f)
	get := func(u string) *http.Response {
		resp, err := noRedirect.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	// No PKCE: redirected back with an error.
	resp := get(cfg.AuthCodeURL("s"))
	if loc, _ := url.Parse(resp.Header.Get("Location")); resp.StatusCode != http.StatusFound || loc.Query().Get("error") != "invalid_request" {
		t.Fatalf("no PKCE: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Another redirect URI: an error page, no redirect.
	other := cfg
	other.RedirectURL = "http://127.0.0.1:9/evil"
	if resp := get(other.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("redirect mismatch: %d", resp.StatusCode)
	}
	// Unknown client.
	other = cfg
	other.ClientID = "nope"
	if resp := get(other.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unknown client: %d", resp.StatusCode)
	}
	checkAll(t, loadSpec(t), f.Requests())
}

func TestMastodonRevokeAndRevokeAll(t *testing.T) {
	f := fakes.NewMastodon()
	defer f.Close()
	f.AutoApprove = true
	c, _ := mastodon.New(f.URL, nil)
	ctx := context.Background()
	app, tok := connect(t, f, c)
	_, tok2 := connect(t, f, c)
	if err := c.Revoke(ctx, app, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := c.VerifyCredentials(ctx, tok); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("revoked token: %v", err)
	}
	if _, err := c.VerifyCredentials(ctx, tok2); err != nil {
		t.Fatal(err)
	}
	f.RevokeAll()
	if _, err := c.VerifyCredentials(ctx, tok2); platforms.KindOf(err) != platforms.KindReconnect || !strings.Contains(err.Error(), "The access token is invalid") {
		t.Fatalf("RevokeAll: %v", err)
	}
}

func TestMastodonStatusPageAndFiles(t *testing.T) {
	f := fakes.NewMastodon()
	defer f.Close()
	f.AutoApprove = true
	c, _ := mastodon.New(f.URL, nil)
	_, tok := connect(t, f, c)
	res, err := c.Publish(context.Background(), tok, platforms.Post{Text: "<b>hi</b> & bye", Media: []platforms.Media{{Path: writeImage(t, "x.png"), Mime: "image/png", Alt: "alt"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.URL != f.URL+"/@demo/"+res.RemoteID {
		t.Fatalf("URL %s", res.URL)
	}
	resp, err := http.Get(res.URL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "&lt;b&gt;hi&lt;/b&gt; &amp; bye") || !strings.Contains(string(page), `/media/`) {
		t.Fatalf("status page: %s", page)
	}
	st := f.Statuses()
	if len(st) != 1 || st[0].Text != "<b>hi</b> & bye" || len(st[0].MediaIDs) != 1 || st[0].Token != tok {
		t.Fatalf("statuses %+v", st)
	}
}

func TestStartMastodonLoopbackOnly(t *testing.T) {
	if _, err := fakes.StartMastodon("0.0.0.0:0"); err == nil {
		t.Fatal("listened on all interfaces")
	}
	f, err := fakes.StartMastodon(":0")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !strings.HasPrefix(f.URL, "http://127.0.0.1:") {
		t.Fatal(f.URL)
	}
}

func TestApproveFollowsToTheApp(t *testing.T) {
	f := fakes.NewMastodon()
	defer f.Close()
	got := make(chan url.Values, 1)
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got <- r.URL.Query() }))
	defer lb.Close()
	c, err := mastodon.New(f.URL, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	app, err := c.RegisterApp(context.Background(), lb.URL+"/callback")
	if err != nil {
		t.Fatal(err)
	}
	cfg := oauth2.Config{ClientID: app.ClientID, Endpoint: c.Endpoint(), RedirectURL: lb.URL + "/callback", Scopes: mastodon.Scopes}
	if err := f.Approve(cfg.AuthCodeURL("st4te", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))); err != nil {
		t.Fatal(err)
	}
	q := <-got
	if q.Get("state") != "st4te" || q.Get("code") == "" {
		t.Fatalf("redirect query %v", q)
	}
	if err := f.Approve("http://example.com/oauth/authorize"); err == nil {
		t.Fatal("approved a foreign address")
	}
}

// TestMastodonScheduledContract drives scheduling through the real client
// (hold, read, list, move, cancel, publish at the time or at once, find
// the status it became) and checks every request and answer against the
// OpenAPI description.
func TestMastodonScheduledContract(t *testing.T) {
	f := fakes.NewMastodon()
	defer f.Close()
	f.AutoApprove = true
	now := time.Now().UTC()
	f.SetClock(func() time.Time { return now })
	ctx := context.Background()
	c, _ := mastodon.New(f.URL, nil)
	_, token := connect(t, f, c)
	acct, err := c.VerifyCredentials(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	at := now.Add(time.Hour).Truncate(time.Second)
	hold := func(text string) string {
		t.Helper()
		res, err := c.Publish(ctx, token, platforms.Post{Text: text, IdempotencyKey: text,
			Media: []platforms.Media{{Path: writeImage(t, "a.png"), Mime: "image/png", Alt: "a dot"}}, Options: platforms.Options{PublishAt: at}})
		if err != nil {
			t.Fatal(err)
		}
		return res.RemoteID
	}
	a, b, x := hold("first"), hold("second"), hold("third")
	if _, err := c.Scheduled(ctx, token, a); err != nil {
		t.Fatal(err)
	}
	if all, err := c.ScheduledStatuses(ctx, token); err != nil || len(all) != 3 {
		t.Fatalf("list: %d, %v", len(all), err)
	}
	if _, err := c.Reschedule(ctx, token, a, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := c.CancelScheduled(ctx, token, x); err != nil {
		t.Fatal(err)
	}
	// b at once (a test's shortcut), a at its time.
	if !f.PublishScheduled(b) || f.PublishScheduled(x) {
		t.Fatal("PublishScheduled")
	}
	if st := f.Statuses(); len(st) != 1 || st[0].Text != "second" {
		t.Fatalf("after publishing b: %+v", st)
	}
	now = now.Add(3 * time.Hour)
	st := f.Statuses()
	if len(st) != 2 || st[1].Text != "first" || !st[1].CreatedAt.Equal(at.Add(time.Hour)) || len(st[1].MediaIDs) != 1 || len(f.Scheduled()) != 0 {
		t.Fatalf("after the time: %+v, held %+v", st, f.Scheduled())
	}
	if res, ok, err := c.FindPublished(ctx, token, acct.RemoteID, "first", at.Add(time.Hour)); err != nil || !ok || res.RemoteID != st[1].ID {
		t.Fatalf("FindPublished: %+v %v %v", res, ok, err)
	}
	if _, err := c.Scheduled(ctx, token, a); !errors.Is(err, mastodon.ErrScheduledGone) {
		t.Fatalf("published, still held: %v", err)
	}

	spec := loadSpec(t)
	seen := map[string]bool{}
	for _, r := range f.Requests() {
		seen[r.Method+" "+spec.Match(r.Path)] = true
	}
	for _, want := range []string{"POST /api/v1/statuses", "GET /api/v1/scheduled_statuses", "GET /api/v1/scheduled_statuses/{id}",
		"PUT /api/v1/scheduled_statuses/{id}", "DELETE /api/v1/scheduled_statuses/{id}", "GET /api/v1/accounts/{id}/statuses"} {
		if !seen[want] {
			t.Errorf("not exercised: %s", want)
		}
	}
	checkAll(t, spec, f.Requests())
}
