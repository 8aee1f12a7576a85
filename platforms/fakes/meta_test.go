package fakes_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
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
	"localpost/platforms/facebook"
	"localpost/platforms/fakes"
	"localpost/platforms/instagram"
)

// metaAllowed lists what the fake serves that the node descriptions rightly
// do not have: the login (not a node), the rupload host, browser pages.
var metaAllowed = map[string]string{
	"GET /v23.0/dialog/oauth":         "the login dialog (a browser page, documented in the manual login flow guide)",
	"POST /v23.0/dialog/oauth":        "the consent page's form submission (browser page)",
	"POST /v23.0/oauth/access_token":  "the token endpoint (manual login flow + long-lived token guides), not a node",
	"POST /ig-api-upload/":            "rupload.facebook.com, the resumable video host (IG resumable uploads guide)",
	"GET /connect/login_success.html": "the landing page the user pastes",
	"GET /avatars/":                   "profile pictures (files)",
	"GET /p/":                         "permalinks (browser pages)",
}

func metaIsAllowed(r fakes.Request) bool {
	return allowedIn(metaAllowed, r)
}

func loadGraphSpec(t *testing.T) *fakes.GraphSpec {
	t.Helper()
	s, err := fakes.LoadGraphSpec(filepath.Join("testdata", "facebook-graph-api"), fakes.MetaVersion)
	if err != nil {
		t.Fatal(err)
	}
	// The codegen lists file parameters only where the SDK uploads them;
	// Page/photos takes the file as "source" (Page Photos reference).
	s.AllowParam("Page", "POST", "photos", "source", "multipart file, Page Photos reference")
	// The resumable video upload sends the piece as a file part.
	s.AllowParam("Page", "POST", "videos", "video_file_chunk", "listed as a string; sent as a multipart file (Video API resumable upload guide)")
	return s
}

func metaJPEG(t *testing.T, name string) platforms.Media {
	t.Helper()
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4)), nil)
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return platforms.Media{Path: p, Mime: "image/jpeg", Size: int64(buf.Len()), Alt: "grey", PublicURL: "https://media.example.com/" + name}
}

func metaVideo(t *testing.T) platforms.Media {
	t.Helper()
	p := filepath.Join(t.TempDir(), "v.mp4")
	if err := os.WriteFile(p, bytes.Repeat([]byte("mp4!"), 700), 0o600); err != nil {
		t.Fatal(err)
	}
	return platforms.Media{Path: p, Mime: "video/mp4", Size: 2800}
}

// metaLogin runs the paste flow for one provider.
func metaLogin(t *testing.T, f *fakes.Meta, p platforms.Provider) platforms.Token {
	t.Helper()
	info := p.Info()
	ar := p.Authorize(platforms.AppCredentials{ClientID: f.AppID}, info.PasteURL)
	v := oauth2.GenerateVerifier()
	q := url.Values{"client_id": {f.AppID}, "redirect_uri": {info.PasteURL}, "state": {"st"}, "scope": {strings.Join(ar.Scopes, ar.ScopeSep)},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(v)}, "code_challenge_method": {"S256"}}
	for k, x := range ar.Params {
		q.Set(k, x)
	}
	landed, err := f.Landed(ar.AuthURL + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	code, err := facebook.ParsePasted(landed, "st")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := p.Exchange(context.Background(), platforms.AppCredentials{ClientID: f.AppID, ClientSecret: f.AppSecret}, info.PasteURL, code, v)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestMetaContract drives the real facebook and instagram clients through
// connect → identities → text, photo, photos, video, scheduled, image,
// carousel and reel, then checks every request and answer against Meta's
// own node descriptions.
func TestMetaContract(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	oldPoll, oldChunk := instagram.PollInterval, facebook.ChunkSize
	instagram.PollInterval, facebook.ChunkSize = 5*time.Millisecond, 1024
	defer func() { instagram.PollInterval, facebook.ChunkSize = oldPoll, oldChunk }()
	cfg := facebook.Config{GraphURL: f.URL, VideoURL: f.URL, AuthURL: f.URL, RuploadURL: f.URL}
	ctx := context.Background()
	secrets := []string{f.AppSecret}

	fb := facebook.New(cfg)
	tok := metaLogin(t, f, fb)
	pages, err := fb.Identities(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	pg := pages[0]
	secrets = append(secrets, tok.Access, pg.Token)
	for _, post := range []platforms.Post{
		{Text: "Text with a link", Options: platforms.Options{Link: "https://example.com", FirstComment: "first!"}},
		{Text: "One photo", Media: []platforms.Media{metaJPEG(t, "a.jpg")}},
		{Text: "Two photos", Media: []platforms.Media{metaJPEG(t, "b.jpg"), metaJPEG(t, "c.jpg")}},
		{Text: "A video", Media: []platforms.Media{metaVideo(t)}, Options: platforms.Options{Title: "Video", FirstComment: "watch"}},
		{Text: "Later", Options: platforms.Options{PublishAt: time.Now().Add(time.Hour)}},
	} {
		if _, err := fb.Publish(ctx, pg, tok, post, nil, nil); err != nil {
			t.Fatalf("%s: %v", post.Text, err)
		}
	}
	// A resume that looks for a post whose answer was lost (GET feed).
	var last []byte
	f.DropNext(1)
	if _, err := fb.Publish(ctx, pg, tok, platforms.Post{Text: "lost answer"}, nil, func(b []byte) error { last = b; return nil }); err == nil {
		t.Fatal("drop not seen")
	}
	if _, err := fb.Publish(ctx, pg, tok, platforms.Post{Text: "lost answer"}, last, nil); err != nil {
		t.Fatal(err)
	}

	ig := instagram.New(cfg)
	itok := metaLogin(t, f, ig)
	accts, err := ig.Identities(ctx, itok)
	if err != nil {
		t.Fatal(err)
	}
	acct := accts[0]
	secrets = append(secrets, itok.Access, acct.Token)
	for _, post := range []platforms.Post{
		{Text: "IG image", Media: []platforms.Media{metaJPEG(t, "d.jpg")}, Options: platforms.Options{FirstComment: "#one"}},
		{Text: "IG carousel", Media: []platforms.Media{metaJPEG(t, "e.jpg"), metaJPEG(t, "f.jpg"), metaVideo(t)}},
		{Text: "IG reel", Media: []platforms.Media{metaVideo(t)}, Options: platforms.Options{Kind: "REELS"}},
	} {
		if _, err := ig.Publish(ctx, acct, itok, post, nil, nil); err != nil {
			t.Fatalf("%s: %v", post.Text, err)
		}
	}
	// A lost media_publish answer: the resume reads GET /{ig-user}/media.
	last = nil
	f.DropNext(1)
	post := platforms.Post{Text: "IG lost", Media: []platforms.Media{metaJPEG(t, "g.jpg")}}
	if _, err := ig.Publish(ctx, acct, itok, post, nil, func(b []byte) error { last = b; return nil }); err == nil {
		t.Fatal("drop not seen")
	}
	if _, err := ig.Publish(ctx, acct, itok, post, last, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Posts()); n != 10 {
		t.Fatalf("%d posts, want 10", n)
	}

	spec := loadGraphSpec(t)
	seen := map[string]bool{}
	for _, r := range f.Requests() {
		all := r.Query + string(r.Body) + string(r.Response) + strings.Join(r.Header.Values("Authorization"), "")
		for _, s := range secrets {
			if strings.Contains(all, s) {
				t.Errorf("%s %s: a secret was recorded", r.Method, r.Path)
			}
		}
		if metaIsAllowed(r) {
			seen[r.Method+" "+r.Path[:min(len(r.Path), 20)]] = true
			continue
		}
		segs := strings.Split(strings.Trim(r.Path, "/"), "/")
		key := r.Method + " " + f.NodeType(segs[1])
		if len(segs) > 2 {
			key += " " + segs[2]
		}
		seen[key] = true
		for _, e := range spec.Check(r, f.NodeType) {
			t.Error(e)
		}
	}
	for _, want := range []string{"GET User accounts", "POST Page feed", "POST Page photos", "POST Page videos", "POST PagePost comments",
		"POST AdVideo comments", "GET PagePost", "GET AdVideo", "GET Page feed", "GET IGUser content_publishing_limit", "POST IGUser media",
		"GET ShadowIGMediaBuilder", "POST IGUser media_publish", "GET IGMedia", "POST IGMedia comments", "GET IGUser media"} {
		if !seen[want] {
			t.Errorf("the flow did not exercise %s (saw %v)", want, seen)
		}
	}
}

// TestGraphSpecCheckIsStrict makes sure the checker notices drift.
func TestGraphSpecCheckIsStrict(t *testing.T) {
	spec := loadGraphSpec(t)
	f := fakes.NewMeta()
	defer f.Close()
	fb := facebook.New(facebook.Config{GraphURL: f.URL, VideoURL: f.URL, AuthURL: f.URL, RuploadURL: f.URL})
	tok := metaLogin(t, f, fb)
	ig := instagram.New(facebook.Config{GraphURL: f.URL, AuthURL: f.URL})
	if _, err := ig.Identities(context.Background(), metaLogin(t, f, ig)); err != nil {
		t.Fatal(err)
	}
	_ = tok
	var acc fakes.Request
	for _, r := range f.Requests() {
		if r.Path == "/v23.0/me/accounts" {
			acc = r
		}
	}
	if errs := spec.Check(acc, f.NodeType); len(errs) != 0 {
		t.Fatalf("clean answer flagged: %v", errs)
	}
	mutate := func(name string, edit func(page map[string]any)) {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal(acc.Response, &m); err != nil {
			t.Fatal(err)
		}
		edit(m["data"].([]any)[0].(map[string]any))
		r := acc
		r.Response, _ = json.Marshal(m)
		if errs := spec.Check(r, f.NodeType); len(errs) == 0 {
			t.Errorf("%s: not flagged", name)
		}
	}
	mutate("no id", func(p map[string]any) { delete(p, "id") })
	mutate("unknown field", func(p map[string]any) { p["fan_club"] = "x" })
	mutate("wrong type", func(p map[string]any) { p["name"] = 42 })
	mutate("nested IG field type", func(p map[string]any) {
		p["instagram_business_account"].(map[string]any)["username"] = true
	})
	mutate("nested IG unknown field", func(p map[string]any) {
		p["instagram_business_account"].(map[string]any)["followers"] = 3
	})
	mutate("edge without data", func(p map[string]any) { p["picture"] = map[string]any{"url": "x"} })

	check := func(name string, r fakes.Request) {
		t.Helper()
		if errs := spec.Check(r, f.NodeType); len(errs) == 0 {
			t.Errorf("%s: not flagged", name)
		}
	}
	form := map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}}
	check("unknown edge", fakes.Request{Method: "POST", Path: "/v23.0/" + fakes.MetaPageID + "/tweets", Header: form})
	check("wrong method", fakes.Request{Method: "DELETE", Path: "/v23.0/" + fakes.MetaPageID + "/feed", Header: form})
	check("missing required creation_id", fakes.Request{Method: "POST", Path: "/v23.0/" + fakes.MetaIGUserID + "/media_publish", Header: form, Body: []byte("x=1")})
	check("unknown parameter", fakes.Request{Method: "POST", Path: "/v23.0/" + fakes.MetaPageID + "/feed", Header: form, Body: []byte("mesage=hi")})
	check("bad enum value", fakes.Request{Method: "POST", Path: "/v23.0/" + fakes.MetaPageID + "/videos", Header: form, Body: []byte("upload_phase=begin")})
	check("unknown field requested", fakes.Request{Method: "GET", Path: "/v23.0/me/accounts", Query: "fields=id,colour"})
	check("unknown nested field requested", fakes.Request{Method: "GET", Path: "/v23.0/me/accounts", Query: "fields=instagram_business_account{id,colour}"})
	check("unknown node", fakes.Request{Method: "GET", Path: "/v23.0/999"})
	check("create answer not in the documented shape", fakes.Request{Method: "POST", Path: "/v23.0/" + fakes.MetaPageID + "/feed", Header: form,
		Body: []byte("message=hi"), Status: 200, Response: []byte(`{"id":"1_2","extra":true}`)})
	check("create answer id not a string", fakes.Request{Method: "POST", Path: "/v23.0/" + fakes.MetaPageID + "/feed", Header: form,
		Body: []byte("message=hi"), Status: 200, Response: []byte(`{"id":12}`)})
}

func TestMetaDialog(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	paste := f.URL + "/connect/login_success.html"
	q := url.Values{"client_id": {f.AppID}, "redirect_uri": {paste}, "state": {"xyz"}, "scope": {"pages_show_list"}, "response_type": {"code"}}
	dialog := f.URL + "/v23.0/dialog/oauth?" + q.Encode()
	resp, err := noRedirect.Get(dialog)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "Continue as Demo User") {
		t.Fatalf("page %d %s", resp.StatusCode, page)
	}
	form := q
	form.Set("decision", "deny")
	resp, err = noRedirect.PostForm(f.URL+"/v23.0/dialog/oauth", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := facebook.ParsePasted(resp.Header.Get("Location"), "xyz"); err == nil || !strings.Contains(err.Error(), "did not log you in") {
		t.Fatalf("deny: %v", err)
	}
	// AutoApprove redirects at once; a loopback redirect is followed by Approve.
	f.AutoApprove = true
	resp, err = noRedirect.Get(dialog)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code, err := facebook.ParsePasted(resp.Header.Get("Location"), "xyz"); err != nil || code == "" {
		t.Fatalf("auto approve: %v", err)
	}
	hit := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit <- r.URL.Query().Get("code") }))
	defer srv.Close()
	q.Set("redirect_uri", srv.URL+"/callback")
	if err := f.Approve(f.URL + "/v23.0/dialog/oauth?" + q.Encode()); err != nil {
		t.Fatal(err)
	}
	if code := <-hit; code == "" {
		t.Fatal("no code at the loopback listener")
	}
	// A redirect address the app did not register is refused without a redirect.
	q.Set("redirect_uri", "https://evil.example/cb")
	if resp, _ := noRedirect.Get(f.URL + "/v23.0/dialog/oauth?" + q.Encode()); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad redirect: %d", resp.StatusCode)
	}
	q.Set("redirect_uri", paste)
	q.Set("client_id", "42")
	if resp, _ := noRedirect.Get(f.URL + "/v23.0/dialog/oauth?" + q.Encode()); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad client: %d", resp.StatusCode)
	}
}
