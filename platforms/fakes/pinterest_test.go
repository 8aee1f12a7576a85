package fakes_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
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

	"localpost/platforms"
	"localpost/platforms/fakes"
	"localpost/platforms/pinterest"
)

const pinterestRedirect = "http://localhost:8085/"

// pinterestAllowed lists what the fake serves that the API description
// rightly does not have: browser pages, the upload host and files.
var pinterestAllowed = map[string]string{
	"GET /oauth/":                   "the authorize page on www.pinterest.com (a browser page, not API)",
	"POST /oauth/":                  "the consent page's form submission",
	"POST /pinterest-media-upload/": "the S3 upload address POST /media hands out (not Pinterest's API)",
	"GET /pin/":                     "the web page of a Pin (the Pin URL, for the browser)",
	"GET /pinterest-avatars/":       "profile images (static files, linked from user_account)",
}

func pinterestIsAllowed(r fakes.Request) bool {
	return allowedIn(pinterestAllowed, r)
}

var loadPinterestSpec = specLoader("pinterest-v5.openapi.json")

// pinterestCheck checks one recorded request against the description,
// whose paths are relative to https://api.pinterest.com/v5.
func pinterestCheck(spec *fakes.Spec, r fakes.Request) []string {
	r.Path = strings.TrimPrefix(r.Path, "/v5")
	if r.Method == http.MethodPost && r.Path == "/oauth/token" {
		// continuous_refresh is documented in the operation's description
		// ("make sure to set the continuous_refresh parameter to true") but
		// not in its schema: take it out before the field check.
		v, _ := url.ParseQuery(string(r.Body))
		v.Del("continuous_refresh")
		r.Body = []byte(v.Encode())
	}
	errs := spec.Check(r)
	if r.Method == http.MethodPost && r.Path == "/pins" && len(r.Body) > 0 {
		// The generic check compares top-level field names; check the
		// nested media_source against its oneOf too.
		var body any
		if err := json.Unmarshal(r.Body, &body); err != nil {
			return append(errs, "POST /pins: body is not JSON")
		}
		for _, e := range spec.Validate(body, map[string]any{"$ref": "#/components/schemas/PinCreate"}) {
			errs = append(errs, "POST /pins: request "+e)
		}
	}
	return errs
}

func pinterestCheckAll(t *testing.T, spec *fakes.Spec, reqs []fakes.Request) {
	t.Helper()
	checkEach(t, reqs, pinterestIsAllowed, func(r fakes.Request) []string { return pinterestCheck(spec, r) })
}

func pinterestProvider(f *fakes.Pinterest) *pinterest.Provider {
	return pinterest.New(pinterest.Config{APIURL: f.APIURL(), AuthURL: f.AuthURL(), WebURL: f.URL, PollInterval: 5 * time.Millisecond})
}

// pinterestAuthURL builds the authorize address from the provider's
// AuthRequest the way the app does.
func pinterestAuthURL(ar platforms.AuthRequest, clientID, redirect, state string) string {
	q := url.Values{"client_id": {clientID}, "redirect_uri": {redirect}, "state": {state}, "scope": {strings.Join(ar.Scopes, ar.ScopeSep)}}
	for k, v := range ar.Params {
		q.Set(k, v)
	}
	return ar.AuthURL + "?" + q.Encode()
}

func pinterestConnect(t *testing.T, f *fakes.Pinterest, p *pinterest.Provider) (platforms.AppCredentials, platforms.Token) {
	t.Helper()
	creds := platforms.AppCredentials{ClientID: f.ClientID, ClientSecret: f.ClientSecret}
	resp, err := noRedirect.Get(pinterestAuthURL(p.Authorize(creds, pinterestRedirect), creds.ClientID, pinterestRedirect, "st4te"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc == nil || loc.Query().Get("state") != "st4te" || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	tok, err := p.Exchange(context.Background(), creds, pinterestRedirect, loc.Query().Get("code"), "")
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return creds, tok
}

func writeJPEG(t *testing.T, name string) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(1, 1, color.White)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeVideo(t *testing.T) string {
	t.Helper()
	// An MP4 "ftyp" box is enough for the fake; it does not decode video.
	b := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), bytes.Repeat([]byte{0xA5}, 64<<10)...)
	p := filepath.Join(t.TempDir(), "clip.mp4")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPinterestContract drives the real client through connect → refresh
// → identities → image Pin (base64 and URL) → video Pin against the fake,
// then checks every request and answer against Pinterest's own OpenAPI
// description (pinterest/api-description v5.23.0).
func TestPinterestContract(t *testing.T) {
	f := fakes.NewPinterest()
	defer f.Close()
	f.AutoApprove = true
	p := pinterestProvider(f)
	ctx := context.Background()
	creds, tok := pinterestConnect(t, f, p)
	tok, err := p.Refresh(ctx, creds, tok)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := p.Identities(ctx, tok)
	if err != nil || len(ids) != 1 || len(ids[0].Boards) != 3 {
		t.Fatalf("Identities: %+v, %v", ids, err)
	}
	board := ids[0].Boards[0].ID
	img := writeJPEG(t, "a.jpg")
	fi, _ := os.Stat(img)
	post := platforms.Post{Text: "Contract test ☕", Media: []platforms.Media{{Path: img, Mime: "image/jpeg", Size: fi.Size(), Alt: "a cup"}},
		Options: platforms.Options{BoardID: board, Title: "Contract", Link: "https://example.com/a"}}
	if _, err := p.Publish(ctx, ids[0], tok, post, nil, nil); err != nil {
		t.Fatal(err)
	}
	post.Media[0].PublicURL = "https://media.example.com/a.jpg"
	if _, err := p.Publish(ctx, ids[0], tok, post, nil, nil); err != nil {
		t.Fatal(err)
	}
	vid := writeVideo(t)
	vpost := platforms.Post{Text: "A video", Media: []platforms.Media{{Path: vid, Mime: "video/mp4", Size: 1 << 16}},
		Options: platforms.Options{BoardID: board, Thumbnail: writeJPEG(t, "cover.jpg")}}
	var state []byte
	if _, err := p.Publish(ctx, ids[0], tok, vpost, nil, func(b []byte) error { state = b; return nil }); err != nil {
		t.Fatal(err)
	}
	// A resume after a dropped answer looks on the board first.
	f.DropNext(1)
	vpost.Options.Thumbnail = ""
	state = nil
	save := func(b []byte) error { state = b; return nil }
	if _, err := p.Publish(ctx, ids[0], tok, vpost, nil, save); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("dropped: %v", err)
	}
	if _, err := p.Publish(ctx, ids[0], tok, vpost, state, save); err != nil {
		t.Fatal(err)
	}
	// Errors are in the description too.
	f.FailNext(1, http.StatusTooManyRequests, time.Second)
	if _, err := p.Publish(ctx, ids[0], tok, post, nil, nil); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("429: %v", err)
	}

	reqs := f.Requests()
	spec := loadPinterestSpec(t)
	seen := map[string]bool{}
	for _, r := range reqs {
		seen[r.Method+" "+spec.Match(strings.TrimPrefix(r.Path, "/v5"))] = true
		if pinterestIsAllowed(r) {
			seen[r.Method+" "+r.Path] = true
		}
	}
	for _, want := range []string{"GET /oauth/", "POST /oauth/token", "GET /user_account", "GET /boards", "POST /pins",
		"POST /media", "GET /media/{media_id}", "POST /pinterest-media-upload/", "GET /boards/{board_id}/pins"} {
		if !seen[want] {
			t.Errorf("the flow did not exercise %s", want)
		}
	}
	pinterestCheckAll(t, spec, reqs)

	sentContinuous := false
	for _, r := range reqs {
		all := string(r.Body) + r.Query + string(r.Response) + strings.Join(r.Header.Values("Authorization"), "")
		for _, secret := range []string{tok.Access, tok.Refresh, creds.ClientSecret} {
			if strings.Contains(all, secret) {
				t.Errorf("%s %s: a secret was recorded", r.Method, r.Path)
			}
		}
		if r.Path == "/v5/oauth/token" && strings.Contains(string(r.Body), "continuous_refresh=true") {
			sentContinuous = true
		}
		if r.Path == "/v5/oauth/token" && r.Auth != "Basic" {
			t.Errorf("token request without HTTP Basic")
		}
	}
	if !sentContinuous {
		t.Error("the code exchange did not ask for the continuous refresh token")
	}
	if n := len(f.Pins()); n != 4 {
		t.Errorf("%d pins, want 4", n)
	}
}

// TestPinterestSpecCheckIsStrict makes sure the checker would notice a
// fake (or client) that drifts from Pinterest's description.
func TestPinterestSpecCheckIsStrict(t *testing.T) {
	spec := loadPinterestSpec(t)
	f := fakes.NewPinterest()
	defer f.Close()
	f.AutoApprove = true
	p := pinterestProvider(f)
	creds, tok := pinterestConnect(t, f, p)
	// The refresh comes last, so byPath holds its answer (response_type
	// refresh_token, which the discriminator maps to a stricter schema).
	tok, err := p.Refresh(context.Background(), creds, tok)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := p.Identities(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	post := platforms.Post{Text: "x", Media: []platforms.Media{{Path: writeJPEG(t, "x.jpg"), Mime: "image/jpeg"}}, Options: platforms.Options{BoardID: ids[0].Boards[0].ID}}
	if _, err := p.Publish(context.Background(), ids[0], tok, post, nil, nil); err != nil {
		t.Fatal(err)
	}
	vpost := platforms.Post{Media: []platforms.Media{{Path: writeVideo(t), Mime: "video/mp4"}}, Options: platforms.Options{BoardID: ids[0].Boards[0].ID}}
	if _, err := p.Publish(context.Background(), ids[0], tok, vpost, nil, nil); err != nil {
		t.Fatal(err)
	}
	byPath := map[string]fakes.Request{}
	for _, r := range f.Requests() {
		if _, ok := byPath["image pin"]; !ok && r.Method == "POST" && r.Path == "/v5/pins" {
			byPath["image pin"] = r
		}
		byPath[r.Method+" "+r.Path] = r
		if strings.HasPrefix(r.Path, "/v5/media/") {
			byPath["GET /v5/media/{id}"] = r
		}
		if !pinterestIsAllowed(r) {
			if errs := pinterestCheck(spec, r); len(errs) != 0 {
				t.Fatalf("clean request flagged: %v", errs)
			}
		}
	}
	mutate := func(name, key string, edit func(m map[string]any)) {
		t.Helper()
		r := byPath[key]
		var m map[string]any
		if err := json.Unmarshal(r.Response, &m); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		edit(m)
		r.Response, _ = json.Marshal(m)
		if errs := pinterestCheck(spec, r); len(errs) == 0 {
			t.Errorf("%s: not flagged", name)
		}
	}
	mutate("token without expires_in", "POST /v5/oauth/token", func(m map[string]any) { delete(m, "expires_in") })
	mutate("token scope as array", "POST /v5/oauth/token", func(m map[string]any) { m["scope"] = []any{"pins:read"} })
	mutate("refresh answer without refresh_token_expires_at", "POST /v5/oauth/token", func(m map[string]any) { delete(m, "refresh_token_expires_at") })
	mutate("media status outside enum", "GET /v5/media/{id}", func(m map[string]any) { m["status"] = "done" })
	mutate("upload without media_id", "POST /v5/media", func(m map[string]any) { delete(m, "media_id") })
	mutate("account_type outside enum", "GET /v5/user_account", func(m map[string]any) { m["account_type"] = "PERSONAL" })
	mutate("board without name", "GET /v5/boards", func(m map[string]any) {
		delete(m["items"].([]any)[0].(map[string]any), "name")
	})
	mutate("boards without items", "GET /v5/boards", func(m map[string]any) { delete(m, "items") })
	mutate("pin id as number", "POST /v5/pins", func(m map[string]any) { m["id"] = 42 })
	mutate("pin media without media_type", "POST /v5/pins", func(m map[string]any) {
		delete(m["media"].(map[string]any), "media_type")
	})

	// Requests: a wrong source_type, a missing data, an unknown field, no
	// bearer, and the token call without Basic.
	pin := byPath["image pin"]
	reqMutate := func(name string, edit func(m map[string]any)) {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal(pin.Body, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		r := pin
		r.Body, _ = json.Marshal(m)
		if errs := pinterestCheck(spec, r); len(errs) == 0 {
			t.Errorf("%s: not flagged", name)
		}
	}
	reqMutate("source_type typo", func(m map[string]any) { m["media_source"].(map[string]any)["source_type"] = "image_b64" })
	reqMutate("no data", func(m map[string]any) { delete(m["media_source"].(map[string]any), "data") })
	reqMutate("unknown field", func(m map[string]any) { m["board"] = m["board_id"] })
	r := pin
	r.Auth = ""
	if errs := pinterestCheck(spec, r); len(errs) == 0 {
		t.Error("pin without bearer: not flagged")
	}
	tr := byPath["POST /v5/oauth/token"]
	tr.Auth = "Bearer"
	if errs := pinterestCheck(spec, tr); len(errs) == 0 {
		t.Error("token call without Basic: not flagged")
	}
	tr = byPath["POST /v5/oauth/token"]
	tr.Body = []byte("grant_type=authorization_code&code=x")
	if errs := pinterestCheck(spec, tr); len(errs) == 0 {
		t.Error("code exchange without redirect_uri: not flagged")
	}
	if errs := pinterestCheck(spec, fakes.Request{Method: "POST", Path: "/v5/pins/1/publish"}); len(errs) == 0 {
		t.Error("unknown path not flagged")
	}
}

func TestPinterestAuthorizePage(t *testing.T) {
	f := fakes.NewPinterest()
	defer f.Close()
	p := pinterestProvider(f)
	creds := platforms.AppCredentials{ClientID: f.ClientID, ClientSecret: f.ClientSecret}
	resp, err := noRedirect.Get(pinterestAuthURL(p.Authorize(creds, pinterestRedirect), creds.ClientID, pinterestRedirect, "xyz"))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "wants to use your account localpostdemo") {
		t.Fatalf("page %d: %s", resp.StatusCode, page)
	}
	form := url.Values{}
	for _, k := range []string{"client_id", "redirect_uri", "response_type", "state", "scope"} {
		form.Set(k, hiddenValue(t, string(page), k))
	}
	post := func(decision string) url.Values {
		form.Set("decision", decision)
		resp, err := noRedirect.PostForm(f.URL+"/oauth/", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusFound || loc == nil {
			t.Fatalf("%s: status %d", decision, resp.StatusCode)
		}
		return loc.Query()
	}
	if q := post("deny"); q.Get("error") != "access_denied" || q.Get("state") != "xyz" {
		t.Fatalf("deny: %v", q)
	}
	q := post("approve")
	ctx := context.Background()
	// A wrong secret is refused, and the code is single use.
	wrong := creds
	wrong.ClientSecret = "nope"
	if _, err := p.Exchange(ctx, wrong, pinterestRedirect, q.Get("code"), ""); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("wrong secret: %v", err)
	}
	if _, err := p.Exchange(ctx, creds, "http://localhost:9999/", q.Get("code"), ""); err == nil {
		t.Fatal("another redirect_uri accepted")
	}
	if _, err := p.Exchange(ctx, creds, pinterestRedirect, q.Get("code"), ""); err == nil || !strings.Contains(err.Error(), "Invalid authorization code") {
		t.Fatalf("code reused: %v", err)
	}
	// Unregistered redirect and unknown client: an error page, no redirect.
	for _, u := range []string{
		pinterestAuthURL(p.Authorize(creds, ""), creds.ClientID, "http://127.0.0.1:9/evil", "s"),
		pinterestAuthURL(p.Authorize(creds, ""), "42", pinterestRedirect, "s"),
	} {
		resp, err := noRedirect.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: %d", u, resp.StatusCode)
		}
	}
	pinterestCheckAll(t, loadPinterestSpec(t), f.Requests())
}

func TestPinterestApproveFollowsToTheApp(t *testing.T) {
	f := fakes.NewPinterest()
	defer f.Close()
	got := make(chan url.Values, 1)
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got <- r.URL.Query() }))
	defer lb.Close()
	f.SetRedirectURIs(lb.URL + "/")
	p := pinterestProvider(f)
	creds := platforms.AppCredentials{ClientID: f.ClientID, ClientSecret: f.ClientSecret}
	if err := f.Approve(pinterestAuthURL(p.Authorize(creds, lb.URL+"/"), creds.ClientID, lb.URL+"/", "st4te")); err != nil {
		t.Fatal(err)
	}
	q := <-got
	if q.Get("state") != "st4te" || q.Get("code") == "" {
		t.Fatalf("redirect query %v", q)
	}
	if _, err := p.Exchange(context.Background(), creds, lb.URL+"/", q.Get("code"), ""); err != nil {
		t.Fatal(err)
	}
	if err := f.Approve("http://example.com/oauth/?client_id=1"); err == nil {
		t.Fatal("approved a foreign address")
	}
}

func TestPinterestPinPage(t *testing.T) {
	f := fakes.NewPinterest()
	defer f.Close()
	f.AutoApprove = true
	p := pinterestProvider(f)
	_, tok := pinterestConnect(t, f, p)
	ids, _ := p.Identities(context.Background(), tok)
	res, err := p.Publish(context.Background(), ids[0], tok, platforms.Post{Text: "<b>hi</b>", Media: []platforms.Media{{Path: writeJPEG(t, "p.jpg"), Mime: "image/jpeg"}},
		Options: platforms.Options{BoardID: ids[0].Boards[1].ID, Title: "Title"}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.URL != f.URL+"/pin/"+res.RemoteID+"/" {
		t.Fatalf("URL %s", res.URL)
	}
	resp, err := http.Get(res.URL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "&lt;b&gt;hi&lt;/b&gt;") || !strings.Contains(string(page), "Shop window") {
		t.Fatalf("pin page: %s", page)
	}
	resp, err = http.Get(ids[0].AvatarURL)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("avatar: %v", err)
	}
	resp.Body.Close()
}

func TestStartPinterestLoopbackOnly(t *testing.T) {
	if _, err := fakes.StartPinterest("0.0.0.0:0"); err == nil {
		t.Fatal("listened on all interfaces")
	}
	f, err := fakes.StartPinterest(":0")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !strings.HasPrefix(f.URL, "http://127.0.0.1:") {
		t.Fatal(f.URL)
	}
}
