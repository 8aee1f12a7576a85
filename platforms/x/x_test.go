package x_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"image/png"
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
	"localpost/platforms/x"
)

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func newProvider(f *fakes.X) *x.Provider {
	return x.New(x.Config{
		HTTP: &http.Client{Timeout: 10 * time.Second}, APIURL: f.URL, UploadURL: f.URL,
		AuthURL: f.AuthorizeURL(), TokenURL: f.TokenURL(), WebURL: f.URL,
		ChunkSize: 1000, PollInterval: 5 * time.Millisecond,
	})
}

// authURL builds the authorize address the way the app does from an
// AuthRequest: state and the S256 challenge added.
func authURL(ar platforms.AuthRequest, clientID, redirect, state, verifier string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirect},
		"scope": {strings.Join(ar.Scopes, ar.ScopeSep)}, "state": {state}}
	if ar.PKCE {
		q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))
		q.Set("code_challenge_method", "S256")
	}
	for k, v := range ar.Params {
		q.Set(k, v)
	}
	return ar.AuthURL + "?" + q.Encode()
}

var creds = platforms.AppCredentials{ClientID: fakes.XClientID}

// connect runs authorize (AutoApprove) → exchange with the default client.
func connect(t *testing.T, f *fakes.X, p *x.Provider) platforms.Token {
	t.Helper()
	f.AutoApprove = true
	verifier := oauth2.GenerateVerifier()
	resp, err := noRedirect.Get(authURL(p.Authorize(creds, fakes.XRedirectURI), creds.ClientID, fakes.XRedirectURI, "st4te", verifier))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc == nil || loc.Query().Get("state") != "st4te" || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	tok, err := p.Exchange(context.Background(), creds, fakes.XRedirectURI, loc.Query().Get("code"), verifier)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return tok
}

func identity(t *testing.T, p *x.Provider, tok platforms.Token) platforms.Identity {
	t.Helper()
	ids, err := p.Identities(context.Background(), tok)
	if err != nil || len(ids) != 1 {
		t.Fatalf("Identities: %v %v", ids, err)
	}
	return ids[0]
}

func setup(t *testing.T) (*fakes.X, *x.Provider, platforms.Token, platforms.Identity) {
	t.Helper()
	f := fakes.NewX()
	t.Cleanup(f.Close)
	p := newProvider(f)
	tok := connect(t, f, p)
	return f, p, tok, identity(t, p, tok)
}

func writePNG(t *testing.T, name string) platforms.Media {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, 8, 6), color.Palette{color.White, color.Black})
	var buf bytes.Buffer
	var err error
	mt := "image/png"
	if strings.HasSuffix(name, ".gif") {
		err, mt = gif.Encode(&buf, img, nil), "image/gif"
	} else {
		err = png.Encode(&buf, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, name, mt, buf.Bytes())
}

func writeFile(t *testing.T, name, mt string, b []byte) platforms.Media {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return platforms.Media{Path: p, Mime: mt, Size: int64(len(b))}
}

func writeVideo(t *testing.T, n int) platforms.Media {
	t.Helper()
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return writeFile(t, "clip.mp4", "video/mp4", b)
}

// saver keeps every state Publish saved.
type saver struct {
	states [][]byte
	hook   func(x.State)
}

func (s *saver) save(b []byte) error {
	s.states = append(s.states, append([]byte(nil), b...))
	if s.hook != nil {
		var st x.State
		_ = json.Unmarshal(b, &st)
		s.hook(st)
	}
	return nil
}

func (s *saver) last() []byte {
	if len(s.states) == 0 {
		return nil
	}
	return s.states[len(s.states)-1]
}

func TestInfoAndLimits(t *testing.T) {
	p := x.New(x.Config{})
	in := p.Info()
	if in.Network != platforms.X || in.NeedsSecret || in.Redirect != platforms.RedirectLoopbackFixedPort || in.DefaultPort != 53682 || in.CanSchedule {
		t.Fatalf("Info %+v", in)
	}
	if !strings.Contains(in.Gates, "$0.015") || !strings.Contains(in.Guide, "127.0.0.1") {
		t.Fatalf("Info texts: %q / %q", in.Gates, in.Guide)
	}
	l := p.Limits()
	if l.MaxChars != 280 || l.URLWeight != 23 || l.WideWeight != 2 || l.MaxMedia != 4 || l.MaxImageBytes != 5<<20 {
		t.Fatalf("Limits %+v", l)
	}
	ar := p.Authorize(creds, fakes.XRedirectURI)
	if ar.AuthURL != "https://x.com/i/oauth2/authorize" || !ar.PKCE || ar.ScopeSep != " " || strings.Join(ar.Scopes, " ") != "tweet.read tweet.write users.read media.write offline.access" {
		t.Fatalf("Authorize %+v", ar)
	}
}

func TestConnectExchangeRefresh(t *testing.T) {
	f := fakes.NewX()
	defer f.Close()
	p := newProvider(f)
	ctx := context.Background()

	// The authorize address has what X needs.
	verifier := oauth2.GenerateVerifier()
	u, _ := url.Parse(authURL(p.Authorize(creds, fakes.XRedirectURI), creds.ClientID, fakes.XRedirectURI, "s1", verifier))
	q := u.Query()
	for k, want := range map[string]string{"response_type": "code", "client_id": fakes.XClientID, "redirect_uri": fakes.XRedirectURI,
		"code_challenge_method": "S256", "scope": "tweet.read tweet.write users.read media.write offline.access", "state": "s1"} {
		if q.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, q.Get(k), want)
		}
	}

	// A wrong verifier is refused by the fake (PKCE checked), and the code is then spent.
	f.AutoApprove = true
	resp, err := noRedirect.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	code := loc.Query().Get("code")
	if _, err := p.Exchange(ctx, creds, fakes.XRedirectURI, code, oauth2.GenerateVerifier()); platforms.KindOf(err) != platforms.KindReconnect || !strings.Contains(err.Error(), "code_verifier") {
		t.Fatalf("wrong verifier: %v", err)
	}
	if _, err := p.Exchange(ctx, creds, fakes.XRedirectURI, code, verifier); err == nil {
		t.Fatal("a code was accepted twice")
	}

	tok := connect(t, f, p)
	if tok.Access == "" || tok.Refresh == "" || time.Until(tok.Expiry) < 119*time.Minute || time.Until(tok.Expiry) > 121*time.Minute {
		t.Fatalf("token: refresh %v, expiry in %v", tok.Refresh != "", time.Until(tok.Expiry))
	}
	if len(tok.Scopes) != 5 {
		t.Fatalf("scopes %v", tok.Scopes)
	}

	// Expired access token → reconnect kind; refresh rotates the refresh token.
	f.ExpireAll()
	if _, err := p.Identities(ctx, tok); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("expired: %v", err)
	}
	nt, err := p.Refresh(ctx, creds, tok)
	if err != nil {
		t.Fatal(err)
	}
	if nt.Access == tok.Access || nt.Refresh == "" || nt.Refresh == tok.Refresh {
		t.Fatal("refresh did not rotate the tokens")
	}
	if _, err := p.Identities(ctx, nt); err != nil {
		t.Fatal(err)
	}
	_, err = p.Refresh(ctx, creds, tok) // the old refresh token is spent
	if platforms.KindOf(err) != platforms.KindReconnect || strings.Contains(err.Error(), tok.Refresh) {
		t.Fatalf("old refresh token: %v", err)
	}
	if _, err := p.Refresh(ctx, creds, platforms.Token{Access: "a"}); err != platforms.ErrNoRefresh {
		t.Fatalf("no refresh token: %v", err)
	}
}

func TestConfidentialClient(t *testing.T) {
	f := fakes.NewX()
	defer f.Close()
	const redirect = "http://127.0.0.1:53999/callback"
	f.AddClient("conf-client", "s3cret-value", redirect)
	f.AutoApprove = true
	p := newProvider(f)
	c := platforms.AppCredentials{ClientID: "conf-client", ClientSecret: "s3cret-value"}
	verifier := oauth2.GenerateVerifier()
	resp, err := noRedirect.Get(authURL(p.Authorize(c, redirect), c.ClientID, redirect, "s", verifier))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if _, err := p.Exchange(context.Background(), platforms.AppCredentials{ClientID: "conf-client", ClientSecret: "wrong"}, redirect, loc.Query().Get("code"), verifier); platforms.KindOf(err) != platforms.KindReconnect || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("wrong secret: %v", err)
	}
	resp, _ = noRedirect.Get(authURL(p.Authorize(c, redirect), c.ClientID, redirect, "s", verifier))
	resp.Body.Close()
	loc, _ = url.Parse(resp.Header.Get("Location"))
	if _, err := p.Exchange(context.Background(), c, redirect, loc.Query().Get("code"), verifier); err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Requests() {
		if r.Path == "/2/oauth2/token" && strings.Contains(string(r.Body), "client_id") {
			t.Errorf("a confidential client sent client_id in the body: %s", r.Body)
		}
	}
}

func TestApproveReachesTheApp(t *testing.T) {
	f := fakes.NewX()
	defer f.Close()
	got := make(chan url.Values, 1)
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got <- r.URL.Query() }))
	defer lb.Close()
	redirect := lb.URL + "/callback"
	f.AddClient("loopback-client", "", redirect)
	p := newProvider(f)
	c := platforms.AppCredentials{ClientID: "loopback-client"}
	verifier := oauth2.GenerateVerifier()
	if err := f.Approve(authURL(p.Authorize(c, redirect), c.ClientID, redirect, "st", verifier)); err != nil {
		t.Fatal(err)
	}
	q := <-got
	if q.Get("state") != "st" {
		t.Fatalf("callback %v", q)
	}
	tok, err := p.Exchange(context.Background(), c, redirect, q.Get("code"), verifier)
	if err != nil || tok.Access == "" {
		t.Fatalf("Exchange: %v", err)
	}
}

func TestIdentities(t *testing.T) {
	f, _, _, id := setup(t)
	if id.RemoteID != fakes.XUserID || id.Kind != "profile" || id.Handle != "@"+fakes.XUsername || id.Name != fakes.XName ||
		id.AvatarURL != f.URL+"/profile_images/demo_normal.png" || id.URL != f.URL+"/"+fakes.XUsername || id.Extra["username"] != fakes.XUsername {
		t.Fatalf("identity %+v", id)
	}
}

func TestPublishText(t *testing.T) {
	f, p, tok, id := setup(t)
	var s saver
	res, err := p.Publish(context.Background(), id, tok, platforms.Post{Text: "Hello from Localpost ☕ https://example.com/a & b"}, nil, s.save)
	if err != nil {
		t.Fatal(err)
	}
	posts := f.Posts()
	if len(posts) != 1 || posts[0].Text != "Hello from Localpost ☕ https://example.com/a & b" || res.RemoteID != posts[0].ID {
		t.Fatalf("posts %+v, result %+v", posts, res)
	}
	if res.URL != f.URL+"/"+fakes.XUsername+"/status/"+res.RemoteID {
		t.Fatalf("URL %s", res.URL)
	}
	resp, err := http.Get(res.URL)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("post page: %v", err)
	}
	resp.Body.Close()
	if len(s.states) == 0 {
		t.Fatal("nothing saved after the post was created")
	}
}

func TestPublishImagesWithAlt(t *testing.T) {
	f, p, tok, id := setup(t)
	m1, m2 := writePNG(t, "a.png"), writePNG(t, "b.png")
	m1.Alt = "a white square"
	_, err := p.Publish(context.Background(), id, tok, platforms.Post{Text: "two images", Media: []platforms.Media{m1, m2}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ups := f.Uploads()
	posts := f.Posts()
	if len(ups) != 2 || len(posts) != 1 || len(posts[0].MediaIDs) != 2 || posts[0].MediaIDs[0] != ups[0].ID || posts[0].MediaIDs[1] != ups[1].ID {
		t.Fatalf("uploads %+v posts %+v", ups, posts)
	}
	if ups[0].Alt != "a white square" || ups[1].Alt != "" || ups[0].Category != "tweet_image" || !ups[0].Processed {
		t.Fatalf("uploads %+v", ups)
	}
}

func TestPublishGIF(t *testing.T) {
	f, p, tok, id := setup(t)
	if _, err := p.Publish(context.Background(), id, tok, platforms.Post{Media: []platforms.Media{writePNG(t, "a.gif")}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if ups := f.Uploads(); len(ups) != 1 || ups[0].Category != "tweet_gif" || !ups[0].Processed {
		t.Fatalf("uploads %+v", ups)
	}
}

func TestPublishVideoChunked(t *testing.T) {
	f, p, tok, id := setup(t)
	f.SetProcessing(3, false)
	v := writeVideo(t, 3500)
	if _, err := p.Publish(context.Background(), id, tok, platforms.Post{Text: "a video", Media: []platforms.Media{v}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	ups := f.Uploads()
	if len(ups) != 1 || ups[0].Segments != 4 || ups[0].Received != 3500 || ups[0].Category != "tweet_video" || !ups[0].Processed {
		t.Fatalf("uploads %+v", ups)
	}
	polls := 0
	for _, r := range f.Requests() {
		if r.Method == "GET" && r.Path == "/2/media/upload" {
			polls++
		}
	}
	if polls != 3 {
		t.Fatalf("%d status polls, want 3", polls)
	}
}

func TestPublishVideoProcessingFails(t *testing.T) {
	f, p, tok, id := setup(t)
	f.SetProcessing(1, true)
	_, err := p.Publish(context.Background(), id, tok, platforms.Post{Text: "bad video", Media: []platforms.Media{writeVideo(t, 1500)}}, nil, nil)
	if platforms.KindOf(err) != platforms.KindFixPost || !strings.Contains(err.Error(), "clip.mp4") {
		t.Fatalf("processing failed: %v", err)
	}
	if len(f.Posts()) != 0 {
		t.Fatal("posted despite failed media")
	}
}

func TestPublishThreadAndFirstComment(t *testing.T) {
	f, p, tok, id := setup(t)
	post := platforms.Post{Text: "1/3 start", Options: platforms.Options{Thread: []string{"2/3 middle", "3/3 end"}, FirstComment: "Link in the first comment: https://example.com"}}
	res, err := p.Publish(context.Background(), id, tok, post, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ps := f.Posts()
	if len(ps) != 4 || res.RemoteID != ps[0].ID || ps[0].ReplyTo != "" || ps[1].ReplyTo != ps[0].ID || ps[2].ReplyTo != ps[1].ID || ps[3].ReplyTo != ps[0].ID || ps[3].Text != post.Options.FirstComment {
		t.Fatalf("posts %+v", ps)
	}
}

func TestThreadResumesAtTheFailedPart(t *testing.T) {
	f, p, tok, id := setup(t)
	post := platforms.Post{Text: "part one", Options: platforms.Options{Thread: []string{"part two", "part three"}}}
	s := saver{}
	s.hook = func(st x.State) {
		if len(st.Posts) == 2 && st.Sending == nil {
			f.FailNext(1, http.StatusServiceUnavailable, 0)
		}
	}
	_, err := p.Publish(context.Background(), id, tok, post, nil, s.save)
	if platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("first try: %v", err)
	}
	if n := len(f.Posts()); n != 2 {
		t.Fatalf("%d posts after the failure", n)
	}
	s.hook = nil
	if _, err := p.Publish(context.Background(), id, tok, post, s.last(), s.save); err != nil {
		t.Fatal(err)
	}
	ps := f.Posts()
	if len(ps) != 3 || ps[2].Text != "part three" || ps[2].ReplyTo != ps[1].ID {
		t.Fatalf("posts %+v", ps)
	}
}

func TestDroppedMidUploadResumes(t *testing.T) {
	f, p, tok, id := setup(t)
	v := writeVideo(t, 3500) // 4 segments of 1000
	post := platforms.Post{Text: "resume me", Media: []platforms.Media{v}}
	armed := false
	s := saver{}
	s.hook = func(st x.State) {
		if !armed && len(st.Media) == 1 && st.Media[0].Next == 2 {
			armed = true
			f.DropStep(fakes.XStepAppend, 1) // the third APPEND is cut off
		}
	}
	_, err := p.Publish(context.Background(), id, tok, post, nil, s.save)
	if platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("dropped append: %v", err)
	}
	var st x.State
	if err := json.Unmarshal(s.last(), &st); err != nil || st.Media[0].ID == "" || st.Media[0].Next != 2 {
		t.Fatalf("saved state %s", s.last())
	}
	s.hook = nil
	res, err := p.Publish(context.Background(), id, tok, post, s.last(), s.save)
	if err != nil {
		t.Fatal(err)
	}
	ups, ps := f.Uploads(), f.Posts()
	if len(ups) != 1 || ups[0].ID != st.Media[0].ID || ups[0].Segments != 4 || ups[0].Received != 3500 {
		t.Fatalf("uploads %+v", ups)
	}
	if len(ps) != 1 || ps[0].ID != res.RemoteID || ps[0].MediaIDs[0] != ups[0].ID {
		t.Fatalf("posts %+v", ps)
	}
	// A third call with the final state changes nothing.
	if res2, err := p.Publish(context.Background(), id, tok, post, s.last(), s.save); err != nil || res2.RemoteID != res.RemoteID || len(f.Posts()) != 1 {
		t.Fatalf("repeat: %v %+v", err, res2)
	}
}

func TestDroppedPostIsFoundNotRepeated(t *testing.T) {
	f, p, tok, id := setup(t)
	img := writePNG(t, "a.png")
	post := platforms.Post{Text: "Dropped <b> & found https://example.com/x", Media: []platforms.Media{img}}
	f.DropNext(1)
	var s saver
	_, err := p.Publish(context.Background(), id, tok, post, nil, s.save)
	if platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("dropped post: %v", err)
	}
	if len(f.Posts()) != 1 {
		t.Fatal("the fake did not create the post before dropping")
	}
	res, err := p.Publish(context.Background(), id, tok, post, s.last(), s.save)
	if err != nil {
		t.Fatal(err)
	}
	if ps, ups := f.Posts(), f.Uploads(); len(ps) != 1 || ps[0].ID != res.RemoteID || len(ups) != 1 {
		t.Fatalf("posts %+v uploads %+v", ps, ups)
	}
	looked := false
	for _, r := range f.Requests() {
		looked = looked || r.Path == "/2/users/"+fakes.XUserID+"/tweets"
	}
	if !looked {
		t.Fatal("the resumed publish did not look for the cut-off post")
	}
}

func TestErrors(t *testing.T) {
	f, p, tok, id := setup(t)
	ctx := context.Background()

	f.FailNext(1, http.StatusTooManyRequests, 90*time.Second)
	_, err := p.Publish(ctx, id, tok, platforms.Post{Text: "rate limited"}, nil, nil)
	if platforms.KindOf(err) != platforms.KindRetry || platforms.RetryAfterOf(err) < 85*time.Second || platforms.RetryAfterOf(err) > 91*time.Second {
		t.Fatalf("429: %v (retry after %v)", err, platforms.RetryAfterOf(err))
	}

	f.FailNext(1, http.StatusBadRequest, 0)
	_, err = p.Publish(ctx, id, tok, platforms.Post{Text: "refused"}, nil, nil)
	if platforms.KindOf(err) != platforms.KindFixPost || !strings.Contains(err.Error(), "Your post was refused by the fake") {
		t.Fatalf("400: %v", err)
	}

	if _, err := p.Publish(ctx, id, tok, platforms.Post{Text: "same words"}, nil, nil); err != nil {
		t.Fatal(err)
	}
	_, err = p.Publish(ctx, id, tok, platforms.Post{Text: "same words"}, nil, nil)
	if platforms.KindOf(err) != platforms.KindFixPost || !strings.Contains(err.Error(), "duplicate content") {
		t.Fatalf("duplicate: %v", err)
	}

	f.FailStep(fakes.XStepInitialize, 1, http.StatusServiceUnavailable)
	_, err = p.Publish(ctx, id, tok, platforms.Post{Text: "busy", Media: []platforms.Media{writePNG(t, "a.png")}}, nil, nil)
	if platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("503: %v", err)
	}

	f.RevokeAll()
	_, err = p.Publish(ctx, id, tok, platforms.Post{Text: "revoked"}, nil, nil)
	if platforms.KindOf(err) != platforms.KindReconnect || strings.Contains(err.Error(), tok.Access) {
		t.Fatalf("401: %v", err)
	}
	if _, err := p.Refresh(ctx, creds, tok); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("revoked refresh: %v", err)
	}
}

func TestNetworkDown(t *testing.T) {
	f := fakes.NewX()
	p := newProvider(f)
	f.Close()
	_, err := p.Identities(context.Background(), platforms.Token{Access: "secret-token"})
	if platforms.KindOf(err) != platforms.KindRetry || strings.Contains(err.Error(), "secret-token") {
		t.Fatalf("down: %v", err)
	}
}

func TestValidate(t *testing.T) {
	p := x.New(x.Config{})
	img := platforms.Media{Path: "/a/b.png", Mime: "image/png", Size: 1000}
	vid := platforms.Media{Path: "/a/c.mp4", Mime: "video/mp4", Size: 100 << 20}
	cases := []struct {
		name string
		post platforms.Post
		bad  string // field expected among the problems, "" = valid
	}{
		{"ok", platforms.Post{Text: "hi"}, ""},
		{"280", platforms.Post{Text: strings.Repeat("a", 280)}, ""},
		{"281", platforms.Post{Text: strings.Repeat("a", 281)}, "text"},
		{"CJK counts 2", platforms.Post{Text: strings.Repeat("日", 141)}, "text"},
		{"CJK 140", platforms.Post{Text: strings.Repeat("日", 140)}, ""},
		{"URL counts 23", platforms.Post{Text: strings.Repeat("a", 256) + " https://example.com/" + strings.Repeat("p", 100)}, ""},
		{"empty", platforms.Post{}, "text"},
		{"media only", platforms.Post{Media: []platforms.Media{img}}, ""},
		{"4 images", platforms.Post{Text: "x", Media: []platforms.Media{img, img, img, img}}, ""},
		{"5 images", platforms.Post{Text: "x", Media: []platforms.Media{img, img, img, img, img}}, "media"},
		{"big video ok", platforms.Post{Text: "x", Media: []platforms.Media{vid}}, ""},
		{"video with image", platforms.Post{Text: "x", Media: []platforms.Media{vid, img}}, "media"},
		{"video too big", platforms.Post{Text: "x", Media: []platforms.Media{{Path: "v.mp4", Mime: "video/mp4", Size: 513 << 20}}}, "media[0]"},
		{"image too big", platforms.Post{Text: "x", Media: []platforms.Media{{Path: "i.jpg", Mime: "image/jpeg", Size: 6 << 20}}}, "media[0]"},
		{"gif 10MB ok", platforms.Post{Text: "x", Media: []platforms.Media{{Path: "g.gif", Mime: "image/gif", Size: 10 << 20}}}, ""},
		{"wrong type", platforms.Post{Text: "x", Media: []platforms.Media{{Path: "i.heic", Mime: "image/heic", Size: 10}}}, "media[0]"},
		{"long alt", platforms.Post{Text: "x", Media: []platforms.Media{{Path: "i.png", Mime: "image/png", Size: 10, Alt: strings.Repeat("a", 1001)}}}, "media[0]"},
		{"thread part too long", platforms.Post{Text: "x", Options: platforms.Options{Thread: []string{strings.Repeat("b", 281)}}}, "thread[0]"},
		{"empty thread part", platforms.Post{Text: "x", Options: platforms.Options{Thread: []string{" "}}}, ""},
		{"first comment too long", platforms.Post{Text: "x", Options: platforms.Options{FirstComment: strings.Repeat("c", 300)}}, "first_comment"},
	}
	for _, c := range cases {
		probs := p.Validate(c.post)
		found := false
		for _, pr := range probs {
			if pr.Field == c.bad {
				found = true
			}
		}
		if c.bad == "" && len(probs) > 0 || c.bad != "" && !found {
			t.Errorf("%s: %v", c.name, probs)
		}
	}
}

func TestPublishRefusesInvalidWithoutCalling(t *testing.T) {
	f, p, tok, id := setup(t)
	before := len(f.Requests())
	_, err := p.Publish(context.Background(), id, tok, platforms.Post{Text: strings.Repeat("a", 281)}, nil, nil)
	if platforms.KindOf(err) != platforms.KindFixPost || !strings.Contains(err.Error(), "281 characters") {
		t.Fatalf("too long: %v", err)
	}
	if len(f.Requests()) != before {
		t.Fatal("an invalid post reached X")
	}
	// The fake refuses it too, with X's message, when the client's limit is bypassed.
	f.SetMaxChars(10)
	_, err = p.Publish(context.Background(), id, tok, platforms.Post{Text: "eleven char"}, nil, nil)
	if platforms.KindOf(err) != platforms.KindFixPost || !strings.Contains(err.Error(), "too long") {
		t.Fatalf("fake limit: %v", err)
	}
}

func TestMissingFile(t *testing.T) {
	_, p, tok, id := setup(t)
	_, err := p.Publish(context.Background(), id, tok, platforms.Post{Text: "x", Media: []platforms.Media{{Path: filepath.Join(t.TempDir(), "gone.png"), Mime: "image/png"}}}, nil, nil)
	if platforms.KindOf(err) != platforms.KindFixPost || !strings.Contains(err.Error(), "gone.png no longer exists") {
		t.Fatalf("missing file: %v", err)
	}
}
