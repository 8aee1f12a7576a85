package fakes_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"localpost/platforms"
	"localpost/platforms/fakes"
	"localpost/platforms/x"
)

// xAllowed lists what the X fake serves that the API description rightly
// does not have as paths: the OAuth endpoints (the description names them
// only in securitySchemes) and browser pages and files.
var xAllowed = map[string]string{
	"GET /i/oauth2/authorize":  "the authorize page on x.com (a browser page; securitySchemes names https://api.x.com/2/oauth2/authorize)",
	"POST /i/oauth2/authorize": "the consent page's form submission (browser)",
	"POST /2/oauth2/token":     "the token endpoint, named in securitySchemes.OAuth2UserToken.flows.authorizationCode.tokenUrl, not in paths",
	"GET /profile_images/":     "the avatar image linked from profile_image_url (static file)",
	"GET /localpost_demo/":     "the web page of a post (the post URL, for the browser)",
}

func xIsAllowed(r fakes.Request) bool {
	return allowedIn(xAllowed, r)
}

var xLoadSpec = specLoader("x-api-v2.openapi.json")

func xCheckAll(t *testing.T, spec *fakes.Spec, reqs []fakes.Request) {
	t.Helper()
	checkEach(t, reqs, xIsAllowed, spec.Check)
}

func xProvider(f *fakes.X) *x.Provider {
	return x.New(x.Config{HTTP: &http.Client{Timeout: 10 * time.Second}, APIURL: f.URL, UploadURL: f.URL, AuthURL: f.AuthorizeURL(),
		TokenURL: f.TokenURL(), WebURL: f.URL, ChunkSize: 1000, PollInterval: 5 * time.Millisecond})
}

// xAuthURL builds the authorize address from an AuthRequest as the app does.
func xAuthURL(ar platforms.AuthRequest, clientID, redirect, state, verifier string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirect},
		"scope": {strings.Join(ar.Scopes, ar.ScopeSep)}, "state": {state}}
	if verifier != "" {
		q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))
		q.Set("code_challenge_method", "S256")
	}
	return ar.AuthURL + "?" + q.Encode()
}

func xConnect(t *testing.T, f *fakes.X, p *x.Provider) platforms.Token {
	t.Helper()
	f.AutoApprove = true
	creds := platforms.AppCredentials{ClientID: fakes.XClientID}
	verifier := oauth2.GenerateVerifier()
	resp, err := noRedirect.Get(xAuthURL(p.Authorize(creds, fakes.XRedirectURI), creds.ClientID, fakes.XRedirectURI, "st", verifier))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	tok, err := p.Exchange(context.Background(), creds, fakes.XRedirectURI, loc.Query().Get("code"), verifier)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func xFile(t *testing.T, name string, n int) platforms.Media {
	t.Helper()
	b := make([]byte, n)
	_, _ = rand.Read(b)
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return platforms.Media{Path: p, Mime: "video/mp4", Size: int64(n)}
}

// TestXContract drives the real X client through connect → refresh →
// identities → publish text, images (with alt text), a GIF, a video, a
// thread with a first comment and a resumed publish, then checks every
// request and answer against X's own OpenAPI description.
func TestXContract(t *testing.T) {
	f := fakes.NewX()
	defer f.Close()
	f.SetProcessing(2, false)
	p := xProvider(f)
	ctx := context.Background()
	creds := platforms.AppCredentials{ClientID: fakes.XClientID}

	tok := xConnect(t, f, p)
	tok, err := p.Refresh(ctx, creds, tok)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := p.Identities(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	id := ids[0]
	png1, gif1 := writeImage(t, "a.png"), writeImage(t, "b.gif")
	posts := []platforms.Post{
		{Text: "Contract test ☕ https://example.com/a/long/link"},
		{Text: "images", Media: []platforms.Media{{Path: png1, Mime: "image/png", Alt: "a dot"}, {Path: writeImage(t, "c.png"), Mime: "image/png"}}},
		{Text: "a gif", Media: []platforms.Media{{Path: gif1, Mime: "image/gif"}}},
		{Text: "a video", Media: []platforms.Media{xFile(t, "v.mp4", 2500)}},
		{Text: "thread 1", Options: platforms.Options{Thread: []string{"thread 2"}, FirstComment: "first comment"}},
	}
	for i, post := range posts {
		if _, err := p.Publish(ctx, id, tok, post, nil, nil); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	// A post whose answer was cut off: the resume reads the timeline.
	f.DropNext(1)
	var state []byte
	save := func(b []byte) error { state = b; return nil }
	if _, err := p.Publish(ctx, id, tok, platforms.Post{Text: "cut off"}, nil, save); err == nil {
		t.Fatal("drop not seen")
	}
	if _, err := p.Publish(ctx, id, tok, platforms.Post{Text: "cut off"}, state, save); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Posts()); n != 8 {
		t.Fatalf("%d posts, want 8", n)
	}

	reqs := f.Requests()
	spec := xLoadSpec(t)
	seen := map[string]bool{}
	for _, r := range reqs {
		seen[r.Method+" "+spec.Match(r.Path)] = true
	}
	for _, want := range []string{"GET /2/users/me", "POST /2/media/upload/initialize", "POST /2/media/upload/{id}/append",
		"POST /2/media/upload/{id}/finalize", "GET /2/media/upload", "POST /2/media/metadata", "POST /2/tweets", "GET /2/users/{id}/tweets"} {
		if !seen[want] {
			t.Errorf("the flow did not exercise %s", want)
		}
	}
	xCheckAll(t, spec, reqs)

	// The description marks no User field required, so check what the
	// client reads: the fields it asks for must be there, as strings.
	for _, r := range reqs {
		if r.Path != "/2/users/me" {
			continue
		}
		var me struct {
			Data map[string]any `json:"data"`
		}
		_ = json.Unmarshal(r.Response, &me)
		for _, k := range []string{"id", "username", "name", "profile_image_url"} {
			if s, ok := me.Data[k].(string); !ok || s == "" {
				t.Errorf("users/me: %s missing or not a string", k)
			}
		}
	}
	for _, r := range reqs {
		all := string(r.Body) + r.Query + string(r.Response) + r.Header.Get("Authorization")
		if strings.Contains(all, tok.Access) || strings.Contains(all, tok.Refresh) {
			t.Errorf("%s %s: a token was recorded", r.Method, r.Path)
		}
	}
}

// TestXSpecCheckIsStrict makes sure the checker would notice the X fake
// drifting from the description.
func TestXSpecCheckIsStrict(t *testing.T) {
	spec := xLoadSpec(t)
	f := fakes.NewX()
	defer f.Close()
	p := xProvider(f)
	tok := xConnect(t, f, p)
	ctx := context.Background()
	ids, err := p.Identities(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Publish(ctx, ids[0], tok, platforms.Post{Text: "strict", Media: []platforms.Media{xFile(t, "v.mp4", 1500)}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	find := func(method, path string) fakes.Request {
		for _, r := range f.Requests() {
			if r.Method == method && spec.Match(r.Path) == path {
				return r
			}
		}
		t.Fatalf("no %s %s", method, path)
		return fakes.Request{}
	}
	tweet := find("POST", "/2/tweets")
	if errs := spec.Check(tweet); len(errs) != 0 {
		t.Fatalf("clean answer flagged: %v", errs)
	}
	mutate := func(name string, r fakes.Request, edit func(m map[string]any), body bool) {
		t.Helper()
		src := r.Response
		if body {
			src = r.Body
		}
		var m map[string]any
		if err := json.Unmarshal(src, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		b, _ := json.Marshal(m)
		if body {
			r.Body = b
		} else {
			r.Response = b
		}
		if errs := spec.Check(r); len(errs) == 0 {
			t.Errorf("%s: not flagged", name)
		}
	}
	mutate("post without id", tweet, func(m map[string]any) { delete(m["data"].(map[string]any), "id") }, false)
	mutate("post id a number", tweet, func(m map[string]any) { m["data"].(map[string]any)["id"] = 12 }, false)
	mutate("media_ids misspelled", tweet, func(m map[string]any) { m["media_id"] = []string{"1"} }, true)
	mutate("media without media_ids", tweet, func(m map[string]any) { m["media"] = map[string]any{"media_id": []string{"1"}} }, true)
	mutate("reply without in_reply_to_tweet_id", tweet, func(m map[string]any) { m["reply"] = map[string]any{} }, true)

	init := find("POST", "/2/media/upload/initialize")
	mutate("initialize without data.id", init, func(m map[string]any) { delete(m["data"].(map[string]any), "id") }, false)
	mutate("initialize with an unknown field", init, func(m map[string]any) { m["media_typ"] = "video/mp4" }, true)
	fin := find("POST", "/2/media/upload/{id}/finalize")
	mutate("finalize size as string", fin, func(m map[string]any) { m["data"].(map[string]any)["size"] = "1500" }, false)

	app := find("POST", "/2/media/upload/{id}/append")
	app.Body = []byte("media=blob")
	if errs := spec.Check(app); len(errs) == 0 {
		t.Error("append without segment_index not flagged")
	}
	st := find("GET", "/2/media/upload")
	st.Query = "command=STATUS"
	if errs := spec.Check(st); len(errs) == 0 {
		t.Error("STATUS without media_id not flagged")
	}
	me := find("GET", "/2/users/me")
	me.Auth = ""
	if errs := spec.Check(me); len(errs) == 0 {
		t.Error("users/me without a bearer token not flagged")
	}
	if errs := spec.Check(fakes.Request{Method: "POST", Path: "/2/tweet"}); len(errs) == 0 {
		t.Error("unknown path not flagged")
	}
	if errs := spec.Check(fakes.Request{Method: "PUT", Path: "/2/tweets"}); len(errs) == 0 {
		t.Error("unknown method not flagged")
	}
}

func TestXAuthorizePage(t *testing.T) {
	f := fakes.NewX()
	defer f.Close()
	p := xProvider(f)
	creds := platforms.AppCredentials{ClientID: fakes.XClientID}
	verifier := oauth2.GenerateVerifier()
	resp, err := noRedirect.Get(xAuthURL(p.Authorize(creds, fakes.XRedirectURI), creds.ClientID, fakes.XRedirectURI, "xyz", verifier))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "@"+fakes.XUsername) || !strings.Contains(string(page), `id="authorize"`) || !strings.Contains(string(page), `id="deny"`) {
		t.Fatalf("page %d: %s", resp.StatusCode, page)
	}
	form := url.Values{}
	for _, k := range []string{"client_id", "redirect_uri", "response_type", "state", "scope", "code_challenge", "code_challenge_method"} {
		form.Set(k, hiddenValue(t, string(page), k))
	}
	post := func(decision string) url.Values {
		form.Set("decision", decision)
		resp, err := noRedirect.PostForm(f.AuthorizeURL(), form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusFound || loc == nil {
			t.Fatalf("%s: %d", decision, resp.StatusCode)
		}
		return loc.Query()
	}
	if q := post("deny"); q.Get("error") != "access_denied" || q.Get("state") != "xyz" {
		t.Fatalf("deny: %v", q)
	}
	q := post("approve")
	ctx := context.Background()
	if _, err := p.Exchange(ctx, creds, fakes.XRedirectURI, q.Get("code"), oauth2.GenerateVerifier()); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("wrong verifier: %v", err)
	}
	if _, err := p.Exchange(ctx, creds, fakes.XRedirectURI, q.Get("code"), verifier); err == nil {
		t.Fatal("code reused")
	}

	get := func(u string) *http.Response {
		resp, err := noRedirect.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	ar := p.Authorize(creds, fakes.XRedirectURI)
	// No PKCE: back to the app with an error.
	if resp := get(xAuthURL(ar, creds.ClientID, fakes.XRedirectURI, "s", "")); resp.StatusCode != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), "error=invalid_request") {
		t.Fatalf("no PKCE: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// localhost instead of 127.0.0.1, or another port: no exact match, an error page.
	for _, r := range []string{"http://localhost:53682/callback", "http://127.0.0.1:53683/callback"} {
		if resp := get(xAuthURL(ar, creds.ClientID, r, "s", verifier)); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: %d", r, resp.StatusCode)
		}
	}
	if resp := get(xAuthURL(ar, "unknown", fakes.XRedirectURI, "s", verifier)); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown client: %d", resp.StatusCode)
	}
	if err := f.Approve("http://example.com/i/oauth2/authorize?x=1"); err == nil {
		t.Fatal("approved a foreign address")
	}
}

func TestXFakeLoopbackAndConcurrency(t *testing.T) {
	f := fakes.NewX()
	defer f.Close()
	if !strings.HasPrefix(f.URL, "http://127.0.0.1:") {
		t.Fatal(f.URL)
	}
	p := xProvider(f)
	tok := xConnect(t, f, p)
	ids, _ := p.Identities(context.Background(), tok)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := p.Publish(context.Background(), ids[0], tok, platforms.Post{Text: "parallel " + string(rune('a'+i))}, nil, nil); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(f.Posts()); n != 8 {
		t.Fatalf("%d posts", n)
	}
}
