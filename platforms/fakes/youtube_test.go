package fakes_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
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
	"localpost/platforms/youtube"
)

var loadDiscoveryOnce = sync.OnceValues(func() (*fakes.Discovery, error) {
	return fakes.LoadDiscovery(filepath.Join("testdata", "youtube-v3.discovery.json"))
})

// ytAllowed: what the fake serves that the Discovery document rightly
// lacks (Google's OAuth endpoints, the browser's consent form, web pages).
func ytAllowed(r fakes.Request) bool {
	switch {
	case r.Path == "/o/oauth2/v2/auth", r.Path == "/token":
		return true
	case r.Path == "/watch", strings.HasPrefix(r.Path, "/channel/"), strings.HasPrefix(r.Path, "/yt/"):
		return true
	}
	return false
}

// ytFlow drives the real client: connect → identities → publish (with a
// dropped connection mid-upload, a thumbnail, a schedule) → errors.
func ytFlow(t *testing.T) (*fakes.YouTube, platforms.Token, platforms.AppCredentials) {
	t.Helper()
	f := fakes.NewYouTube()
	t.Cleanup(f.Close)
	youtube.ChunkSize = 256 << 10
	youtube.RetryWait = time.Millisecond
	p := youtube.New(youtube.Config{APIURL: f.URL + "/youtube/v3", UploadURL: f.URL + "/upload/youtube/v3",
		AuthURL: f.URL + "/o/oauth2/v2/auth", TokenURL: f.URL + "/token", SiteURL: f.URL})
	creds := platforms.AppCredentials{ClientID: f.ClientID, ClientSecret: f.ClientSecret}
	var got url.Values
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.URL.Query() }))
	t.Cleanup(lb.Close)
	redirect := lb.URL + "/callback"
	v := oauth2.GenerateVerifier()
	if err := f.Approve(youtube.AuthCodeURL(p.Authorize(creds, redirect), creds.ClientID, redirect, "s", oauth2.S256ChallengeFromVerifier(v))); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tok, err := p.Exchange(ctx, creds, redirect, got.Get("code"), v)
	if err != nil {
		t.Fatal(err)
	}
	if tok, err = p.Refresh(ctx, creds, tok); err != nil {
		t.Fatal(err)
	}
	ids, err := p.Identities(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	video := make([]byte, 600<<10)
	_, _ = rand.Read(video)
	vp := filepath.Join(dir, "v.mp4")
	thumb := filepath.Join(dir, "t.png")
	_ = os.WriteFile(vp, video, 0o600)
	_ = os.WriteFile(thumb, pngBytes(t), 0o600)
	post := platforms.Post{Text: "Roast day\nBeans, fire, patience.", Media: []platforms.Media{{Path: vp, Mime: "video/mp4"}},
		Options: platforms.Options{Tags: []string{"coffee", "roast day"}, Privacy: "public", Thumbnail: thumb, PublishAt: time.Now().Add(2 * time.Hour)}}
	f.DropAfter(300 << 10)
	if _, err := p.Publish(ctx, ids[0], tok, post, nil, nil); err != nil {
		t.Fatal(err)
	}
	f.FailNext(1, 429, time.Second)
	if _, err := p.Publish(ctx, ids[0], tok, post, nil, nil); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("429: %v", err)
	}
	f.FailNextReason(1, 403, "quotaExceeded", "quota", 0)
	if _, err := p.Publish(ctx, ids[0], tok, post, nil, nil); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("quota: %v", err)
	}
	return f, tok, creds
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	// A 1×1 PNG.
	const b64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
	out, err := base64Std(b64)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestYouTubeContract checks every request of the flow and every answer
// of the fake against Google's Discovery document of the YouTube Data API.
func TestYouTubeContract(t *testing.T) {
	d, err := loadDiscoveryOnce()
	if err != nil {
		t.Fatal(err)
	}
	f, tok, creds := ytFlow(t)
	reqs := f.Requests()
	seen := map[string]bool{}
	reads := map[string][]string{
		"youtube.channels.list":  {"items[].id", "items[].snippet.title", "items[].snippet.customUrl", "items[].snippet.thumbnails.medium.url"},
		"youtube.thumbnails.set": {"items"},
	}
	for _, r := range reqs {
		if ytAllowed(r) {
			continue
		}
		id := d.Method(r.Method, r.Path, r.Query)
		seen[id+" "+r.Method] = true
		for _, e := range d.Check(r) {
			t.Error(e)
		}
		if r.Status == 200 {
			fields := reads[id]
			if id == "youtube.videos.insert" && r.Method == http.MethodPut {
				fields = []string{"id"}
			}
			if len(fields) > 0 {
				for _, e := range d.CheckReads(r, fields...) {
					t.Error(e)
				}
			}
		}
		all := string(r.Body) + r.Query + string(r.Response)
		for _, s := range []string{tok.Access, tok.Refresh, creds.ClientSecret} {
			if strings.Contains(all, s) {
				t.Errorf("%s %s: a secret was recorded", r.Method, r.Path)
			}
		}
	}
	for _, want := range []string{"youtube.channels.list GET", "youtube.videos.insert POST", "youtube.videos.insert PUT", "youtube.thumbnails.set POST"} {
		if !seen[want] {
			t.Errorf("the flow did not exercise %s", want)
		}
	}
	var statuses = map[int]bool{}
	for _, r := range reqs {
		statuses[r.Status] = true
	}
	for _, s := range []int{0, 200, 308, 403, 429} {
		if !statuses[s] {
			t.Errorf("no answer %d in the flow", s)
		}
	}
}

// TestDiscoveryCheckIsStrict proves the checker fails when the document
// and the traffic disagree: a property removed from a schema, a required
// parameter dropped, an unknown parameter, a wrong type, a bad error body.
func TestDiscoveryCheckIsStrict(t *testing.T) {
	f, _, _ := ytFlow(t)
	var chans, insert fakes.Request
	for _, r := range f.Requests() {
		if r.Path == "/youtube/v3/channels" && r.Status == 200 {
			chans = r
		}
		if r.Path == "/upload/youtube/v3/videos" && r.Method == "POST" && r.Status == 200 {
			insert = r
		}
	}
	d, err := loadDiscoveryOnce()
	if err != nil {
		t.Fatal(err)
	}
	if errs := append(d.Check(chans), d.Check(insert)...); len(errs) != 0 {
		t.Fatalf("baseline: %v", errs)
	}

	// The document without ChannelSnippet.customUrl: the answer has it.
	raw, err := os.ReadFile(filepath.Join("testdata", "youtube-v3.discovery.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	_ = json.Unmarshal(raw, &doc)
	props := doc["schemas"].(map[string]any)["ChannelSnippet"].(map[string]any)["properties"].(map[string]any)
	delete(props, "customUrl")
	b, _ := json.Marshal(doc)
	p := filepath.Join(t.TempDir(), "d.json")
	_ = os.WriteFile(p, b, 0o600)
	d2, err := fakes.LoadDiscovery(p)
	if err != nil {
		t.Fatal(err)
	}
	if errs := d2.Check(chans); len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), "customUrl") {
		t.Errorf("a property missing from the document went unnoticed: %v", errs)
	}
	if errs := d2.CheckReads(chans, "items[].snippet.customUrl"); len(errs) == 0 {
		t.Error("a read field missing from the document went unnoticed")
	}

	bad := func(name string, r fakes.Request) {
		t.Helper()
		if errs := d.Check(r); len(errs) == 0 {
			t.Errorf("%s went unnoticed", name)
		}
	}
	r := chans
	r.Query = "mine=true"
	bad("a missing required part", r)
	r = chans
	r.Query = chans.Query + "&mien=true"
	bad("an unknown parameter", r)
	r = chans
	r.Query = "part=snippet&mine=yes"
	bad("a non-boolean mine", r)
	r = chans
	r.Auth = ""
	bad("a call without a token", r)
	r = chans
	r.Response = []byte(strings.Replace(string(chans.Response), `"totalResults":1`, `"totalResults":"1"`, 1))
	bad("a string where an integer belongs", r)
	r = chans
	r.Status, r.Response = 403, []byte(`{"error":"nope"}`)
	bad("a non-Google error body", r)
	r = insert
	r.Body = []byte(`{"snippet":{"title":"t","tittle":"x"}}`)
	bad("an unknown request field", r)
	r = insert
	r.Header = insert.Header.Clone()
	r.Header.Set("X-Upload-Content-Type", "image/png")
	bad("an upload type outside mediaUpload.accept", r)
	r = insert
	r.Method = "DELETE"
	bad("a method the path does not have", r)
	if missing := d.Validate(map[string]any{"id": 5}, "Video"); len(missing) == 0 {
		t.Error("Validate accepted a numeric id")
	}
}

func base64Std(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

// TestYouTubeAuthorizeRules: the fake refuses what Google refuses for a
// desktop client, so a client that gets these wrong fails its tests.
func TestYouTubeAuthorizeRules(t *testing.T) {
	f := fakes.NewYouTube()
	defer f.Close()
	f.AutoApprove = true
	nc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(mod func(url.Values)) *http.Response {
		t.Helper()
		q := url.Values{"client_id": {f.ClientID}, "redirect_uri": {"http://127.0.0.1:4567/cb"}, "response_type": {"code"},
			"scope": {"https://www.googleapis.com/auth/youtube.upload"}, "code_challenge": {strings.Repeat("a", 43)}, "code_challenge_method": {"S256"}}
		mod(q)
		resp, err := nc.Get(f.URL + "/o/oauth2/v2/auth?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := get(func(url.Values) {}); r.StatusCode != http.StatusFound || !strings.Contains(r.Header.Get("Location"), "code=") {
		t.Errorf("good request: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := get(func(q url.Values) { q.Set("redirect_uri", "https://example.com/cb") }); r.StatusCode != http.StatusBadRequest {
		t.Errorf("non-loopback redirect: %d", r.StatusCode)
	}
	if r := get(func(q url.Values) { q.Set("client_id", "other") }); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown client: %d", r.StatusCode)
	}
	if r := get(func(q url.Values) { q.Del("code_challenge") }); !strings.Contains(r.Header.Get("Location"), "error=invalid_request") {
		t.Errorf("no PKCE: %s", r.Header.Get("Location"))
	}
	if r := get(func(q url.Values) { q.Set("scope", "https://www.googleapis.com/auth/drive") }); r.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown scope: %d", r.StatusCode)
	}
}
