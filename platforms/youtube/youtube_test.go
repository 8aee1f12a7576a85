package youtube_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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

	"golang.org/x/oauth2"

	"localpost/platforms"
	"localpost/platforms/fakes"
	"localpost/platforms/youtube"
)

func init() {
	youtube.ChunkSize = 256 << 10
	youtube.RetryWait = time.Millisecond
}

func newProvider(f *fakes.YouTube) *youtube.Provider {
	return youtube.New(youtube.Config{
		HTTP:      &http.Client{Timeout: 20 * time.Second},
		APIURL:    f.URL + "/youtube/v3",
		UploadURL: f.URL + "/upload/youtube/v3",
		AuthURL:   f.URL + "/o/oauth2/v2/auth",
		TokenURL:  f.URL + "/token",
		SiteURL:   f.URL,
	})
}

func setup(t *testing.T) (*fakes.YouTube, *youtube.Provider, platforms.AppCredentials) {
	t.Helper()
	f := fakes.NewYouTube()
	t.Cleanup(f.Close)
	return f, newProvider(f), platforms.AppCredentials{ClientID: f.ClientID, ClientSecret: f.ClientSecret}
}

// loopback is the app's one-shot redirect listener.
type loopback struct {
	srv  *httptest.Server
	mu   sync.Mutex
	got  url.Values
	uri  string
	hits int
}

func newLoopback(t *testing.T) *loopback {
	l := &loopback{}
	l.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.got, l.hits = r.URL.Query(), l.hits+1
		l.mu.Unlock()
		_, _ = w.Write([]byte("You can close this window."))
	}))
	t.Cleanup(l.srv.Close)
	l.uri = l.srv.URL + "/callback"
	return l
}

func (l *loopback) query() url.Values {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.got
}

// authURL builds the authorize address as the app does and checks it.
func authURL(t *testing.T, p *youtube.Provider, creds platforms.AppCredentials, redirect, verifier string) string {
	t.Helper()
	ar := p.Authorize(creds, redirect)
	if !ar.PKCE || ar.ScopeSep != " " {
		t.Fatalf("AuthRequest %+v", ar)
	}
	u := youtube.AuthCodeURL(ar, creds.ClientID, redirect, "st4te", oauth2.S256ChallengeFromVerifier(verifier))
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := pu.Query()
	for k, want := range map[string]string{
		"client_id": creds.ClientID, "redirect_uri": redirect, "response_type": "code", "access_type": "offline",
		"prompt": "consent", "code_challenge_method": "S256", "state": "st4te",
		"scope": youtube.ScopeUpload + " " + youtube.ScopeReadOnly + " " + youtube.ScopeForceSSL,
	} {
		if got := q.Get(k); got != want {
			t.Errorf("authorize %s = %q, want %q", k, got, want)
		}
	}
	if q.Get("code_challenge") == "" || strings.Contains(u, verifier) {
		t.Error("the challenge is missing or the verifier leaked into the authorize URL")
	}
	return u
}

// connect runs authorize (the fake's consent page, approved by Approve)
// → loopback redirect → Exchange.
func connect(t *testing.T, f *fakes.YouTube, p *youtube.Provider, creds platforms.AppCredentials) platforms.Token {
	t.Helper()
	lb := newLoopback(t)
	verifier := oauth2.GenerateVerifier()
	if err := f.Approve(authURL(t, p, creds, lb.uri, verifier)); err != nil {
		t.Fatalf("Approve: %v", err)
	}
	q := lb.query()
	if q.Get("state") != "st4te" || q.Get("code") == "" {
		t.Fatalf("redirect query %v", q)
	}
	tok, err := p.Exchange(context.Background(), creds, lb.uri, q.Get("code"), verifier)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return tok
}

func kindOf(t *testing.T, err error, want platforms.Kind) *platforms.Error {
	t.Helper()
	var pe *platforms.Error
	if !errorsAs(err, &pe) {
		t.Fatalf("error %v (%T) is not a *platforms.Error", err, err)
	}
	if pe.Kind != want {
		t.Fatalf("kind %v, want %v: %v", pe.Kind, want, err)
	}
	return pe
}

func errorsAs(err error, pe **platforms.Error) bool {
	for err != nil {
		if e, ok := err.(*platforms.Error); ok {
			*pe = e
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

func writeVideo(t *testing.T, size int) (string, string) {
	t.Helper()
	b := make([]byte, size)
	_, _ = rand.Read(b)
	copy(b[4:], "ftypisom")
	p := filepath.Join(t.TempDir(), "clip.mp4")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return p, hex.EncodeToString(sum[:])
}

func writePNG(t *testing.T) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 64, 36))
	img.Set(3, 3, color.Black)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "thumb.png")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func videoPost(path string) platforms.Post {
	return platforms.Post{
		Text:  "Behind the counter ☕\n\nHow we roast our beans, in three minutes.",
		Media: []platforms.Media{{Path: path, Mime: "video/mp4"}},
	}
}

// saver records every saved state.
type saver struct {
	mu     sync.Mutex
	states [][]byte
}

func (s *saver) save(b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.states = append(s.states, append([]byte(nil), b...))
	return nil
}

func (s *saver) last(t *testing.T) (youtube.Pending, []byte) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.states) == 0 {
		t.Fatal("nothing was saved")
	}
	b := s.states[len(s.states)-1]
	var p youtube.Pending
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p, b
}

func TestInfoAndLimits(t *testing.T) {
	p := youtube.New(youtube.Config{})
	info := p.Info()
	if info.Network != platforms.YouTube || !info.NeedsSecret || info.Redirect != platforms.RedirectLoopbackAnyPort || !info.CanSchedule {
		t.Errorf("Info %+v", info)
	}
	for _, w := range []string{"private", "10,000", "7 days"} {
		if !strings.Contains(info.Gates, w) {
			t.Errorf("Gates does not mention %q", w)
		}
	}
	l := p.Limits()
	if l.MaxChars != 5000 || l.MaxMedia != 1 || !l.MediaRequired || !l.NativeSchedule || l.MaxImageBytes != 256<<30 {
		t.Errorf("Limits %+v", l)
	}
	ar := p.Authorize(platforms.AppCredentials{ClientID: "x"}, "http://127.0.0.1:1/cb")
	if ar.AuthURL != youtube.DefaultAuthURL {
		t.Errorf("AuthURL %q", ar.AuthURL)
	}
}

func TestConnectRefreshAndRevoke(t *testing.T) {
	f, p, creds := setup(t)
	f.SetTesting(true)
	tok := connect(t, f, p, creds)
	if tok.Access == "" || tok.Refresh == "" {
		t.Fatalf("token without access or refresh: %+v", tok.Scopes)
	}
	if d := time.Until(tok.Expiry); d < 55*time.Minute || d > time.Hour {
		t.Errorf("expiry in %v", d)
	}
	if d := time.Until(tok.RefreshExpiry); d < 6*24*time.Hour || d > 7*24*time.Hour {
		t.Errorf("refresh expiry in %v (Testing consent screen: 7 days)", d)
	}
	if len(tok.Scopes) != 3 {
		t.Errorf("scopes %v", tok.Scopes)
	}
	ctx := context.Background()

	f.ExpireAccess()
	_, err := p.Identities(ctx, tok)
	kindOf(t, err, platforms.KindReconnect)
	nt, err := p.Refresh(ctx, creds, tok)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if nt.Access == tok.Access || nt.Refresh != tok.Refresh || nt.RefreshExpiry != tok.RefreshExpiry {
		t.Errorf("refresh should renew access and keep the refresh token")
	}
	if _, err := p.Identities(ctx, nt); err != nil {
		t.Fatalf("Identities after refresh: %v", err)
	}

	f.RevokeAll()
	_, err = p.Refresh(ctx, creds, nt)
	pe := kindOf(t, err, platforms.KindReconnect)
	if strings.Contains(pe.Error(), nt.Refresh) || strings.Contains(pe.Error(), creds.ClientSecret) {
		t.Error("a secret is in the error")
	}
	_, err = p.Refresh(ctx, creds, platforms.Token{Access: "a"})
	kindOf(t, err, platforms.KindReconnect)
}

func TestExchangeChecks(t *testing.T) {
	f, p, creds := setup(t)
	f.AutoApprove = true
	ctx := context.Background()
	redirect := "http://127.0.0.1:53682/callback"
	code := func(verifier string) string {
		nc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := nc.Get(authURL(t, p, creds, redirect, verifier))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if loc == nil || loc.Query().Get("code") == "" {
			t.Fatalf("authorize answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		return loc.Query().Get("code")
	}
	v := oauth2.GenerateVerifier()
	c := code(v)
	// Wrong verifier: PKCE is verified, and the code is then spent.
	_, err := p.Exchange(ctx, creds, redirect, c, oauth2.GenerateVerifier())
	kindOf(t, err, platforms.KindReconnect)
	_, err = p.Exchange(ctx, creds, redirect, c, v)
	kindOf(t, err, platforms.KindReconnect)
	// Missing secret.
	c = code(v)
	_, err = p.Exchange(ctx, platforms.AppCredentials{ClientID: creds.ClientID}, redirect, c, v)
	kindOf(t, err, platforms.KindReconnect)
	// Wrong secret.
	c = code(v)
	_, err = p.Exchange(ctx, platforms.AppCredentials{ClientID: creds.ClientID, ClientSecret: "nope"}, redirect, c, v)
	pe := kindOf(t, err, platforms.KindReconnect)
	if !strings.Contains(pe.Message, "client ID or secret") {
		t.Errorf("message %q", pe.Message)
	}
	// Good one, once.
	c = code(v)
	if _, err := p.Exchange(ctx, creds, redirect, c, v); err != nil {
		t.Fatal(err)
	}
	_, err = p.Exchange(ctx, creds, redirect, c, v)
	kindOf(t, err, platforms.KindReconnect)
}

func TestConnectWithoutUploadScope(t *testing.T) {
	f, p, creds := setup(t)
	lb := newLoopback(t)
	v := oauth2.GenerateVerifier()
	if err := f.ApproveScopes(authURL(t, p, creds, lb.uri, v), []string{youtube.ScopeReadOnly}); err != nil {
		t.Fatal(err)
	}
	_, err := p.Exchange(context.Background(), creds, lb.uri, lb.query().Get("code"), v)
	pe := kindOf(t, err, platforms.KindReconnect)
	if !strings.Contains(pe.Message, "upload") {
		t.Errorf("message %q", pe.Message)
	}
}

func TestIdentities(t *testing.T) {
	f, p, creds := setup(t)
	tok := connect(t, f, p, creds)
	ids, err := p.Identities(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1 {
		t.Fatalf("%d identities", len(ids))
	}
	id := ids[0]
	if id.Kind != "channel" || id.RemoteID != "UCLocalpostDemoChannel01" || id.Name != "Demo Café" || id.Handle != "@democafe" ||
		!strings.HasPrefix(id.AvatarURL, f.URL) || id.URL != f.URL+"/channel/UCLocalpostDemoChannel01" || id.Extra["channel_id"] != id.RemoteID {
		t.Errorf("identity %+v", id)
	}
	f.SetChannels(nil)
	_, err = p.Identities(context.Background(), tok)
	kindOf(t, err, platforms.KindDisconnected)
}

func TestPublishVideoWithThumbnail(t *testing.T) {
	f, p, creds := setup(t)
	tok := connect(t, f, p, creds)
	path, sum := writeVideo(t, 700<<10) // three chunks of 256 KiB, the last one short
	post := videoPost(path)
	post.Options = platforms.Options{Title: "How we roast", Tags: []string{"coffee", "roasting day"}, Privacy: "unlisted", Thumbnail: writePNG(t)}
	var s saver
	res, err := p.Publish(context.Background(), platforms.Identity{RemoteID: "UCLocalpostDemoChannel01"}, tok, post, nil, s.save)
	if err != nil {
		t.Fatal(err)
	}
	vids := f.Posts()
	if len(vids) != 1 {
		t.Fatalf("%d videos", len(vids))
	}
	v := vids[0]
	if res.RemoteID != v.ID || res.URL != f.URL+"/watch?v="+v.ID {
		t.Errorf("result %+v, video %s", res, v.ID)
	}
	if v.SHA256 != sum || v.Size != 700<<10 || v.Title != "How we roast" || v.Description != post.Text ||
		v.Privacy != "unlisted" || strings.Join(v.Tags, "|") != "coffee|roasting day" || !v.Thumbnail || v.Mime != "video/mp4" {
		t.Errorf("video %+v", v)
	}
	st, _ := s.last(t)
	if st.VideoID != v.ID || st.Thumbnail != "done" || st.Confirmed != st.Size {
		t.Errorf("last state %+v", st)
	}
	if len(s.states) < 5 { // session, 2 × 308, video, thumbnail
		t.Errorf("only %d saves", len(s.states))
	}
	// A page to open in the browser (--demo).
	resp, err := http.Get(res.URL)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("watch page: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestPublishTitleFallbackAndSchedule(t *testing.T) {
	f, p, creds := setup(t)
	tok := connect(t, f, p, creds)
	path, _ := writeVideo(t, 1000)
	post := videoPost(path)
	at := time.Now().Add(3 * time.Hour).Truncate(time.Second)
	post.Options.PublishAt = at
	post.Options.Privacy = "public"
	if _, err := p.Publish(context.Background(), platforms.Identity{}, tok, post, nil, nil); err != nil {
		t.Fatal(err)
	}
	v := f.Posts()[0]
	if v.Title != "Behind the counter ☕" || v.Privacy != "private" || v.PublishAt != at.UTC().Format(time.RFC3339) {
		t.Errorf("video %+v", v)
	}
	// Default privacy is private; a long first line is cut to 100.
	post = videoPost(path)
	post.Text = strings.Repeat("a", 150)
	if _, err := p.Publish(context.Background(), platforms.Identity{}, tok, post, nil, nil); err != nil {
		t.Fatal(err)
	}
	v = f.Posts()[1]
	if v.Privacy != "private" || v.PublishAt != "" || len([]rune(v.Title)) != 100 {
		t.Errorf("video %+v", v)
	}
}

func TestPublishErrors(t *testing.T) {
	f, p, creds := setup(t)
	tok := connect(t, f, p, creds)
	path, _ := writeVideo(t, 1000)
	ctx := context.Background()
	publish := func() error {
		_, err := p.Publish(ctx, platforms.Identity{}, tok, videoPost(path), nil, nil)
		return err
	}

	f.FailNext(1, 429, 30*time.Second)
	pe := kindOf(t, publish(), platforms.KindRetry)
	if pe.RetryAfter != 30*time.Second || pe.Status != 429 {
		t.Errorf("429: %+v", pe)
	}

	f.FailNext(1, 400, 0)
	pe = kindOf(t, publish(), platforms.KindFixPost)
	if !strings.Contains(pe.Message, "invalid or empty video title") {
		t.Errorf("400 message %q", pe.Message)
	}

	f.FailNextReason(1, 403, "quotaExceeded", "The request cannot be completed because you have exceeded your quota.", 0)
	pe = kindOf(t, publish(), platforms.KindRetry)
	if pe.RetryAfter <= 0 || pe.RetryAfter > 25*time.Hour || !strings.Contains(pe.Message, "quota") {
		t.Errorf("quota: %+v", pe)
	}

	f.FailNext(1, 503, 0)
	kindOf(t, publish(), platforms.KindRetry)

	f.RevokeAll()
	pe = kindOf(t, publish(), platforms.KindReconnect)
	if pe.Status != 401 || strings.Contains(pe.Error(), tok.Access) {
		t.Errorf("401: %+v", pe)
	}
	if n := len(f.Posts()); n != 0 {
		t.Errorf("%d videos after failures", n)
	}
}

func TestPublishSurvivesDropWithinOneCall(t *testing.T) {
	f, p, creds := setup(t)
	tok := connect(t, f, p, creds)
	path, sum := writeVideo(t, 900<<10)
	f.DropAfter(300 << 10) // mid-chunk: the session keeps 300 KiB
	f.FailStep("chunk", 1, 503)
	res, err := p.Publish(context.Background(), platforms.Identity{}, tok, videoPost(path), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	vids := f.Posts()
	if len(vids) != 1 || vids[0].SHA256 != sum || vids[0].ID != res.RemoteID || f.Sessions() != 1 {
		t.Fatalf("videos %+v, sessions %d", vids, f.Sessions())
	}
}

func TestPublishResumesAfterRestart(t *testing.T) {
	f, p, creds := setup(t)
	tok := connect(t, f, p, creds)
	path, sum := writeVideo(t, 900<<10)
	old := youtube.UploadRetries
	youtube.UploadRetries = 0 // give up at once, like a process killed mid-upload
	defer func() { youtube.UploadRetries = old }()

	f.DropAfter(600<<10 + 1000)
	var s saver
	_, err := p.Publish(context.Background(), platforms.Identity{}, tok, videoPost(path), nil, s.save)
	kindOf(t, err, platforms.KindRetry)
	st, state := s.last(t)
	if st.Session == "" || st.VideoID != "" || st.Confirmed != 512<<10 {
		t.Fatalf("state after the drop %+v", st)
	}
	if len(f.Posts()) != 0 {
		t.Fatal("a video exists before the upload finished")
	}

	// "Restart": a new provider, the saved state.
	p2 := newProvider(f)
	var s2 saver
	res, err := p2.Publish(context.Background(), platforms.Identity{}, tok, videoPost(path), state, s2.save)
	if err != nil {
		t.Fatal(err)
	}
	vids := f.Posts()
	if len(vids) != 1 || vids[0].SHA256 != sum || vids[0].ID != res.RemoteID {
		t.Fatalf("videos %+v", vids)
	}
	if f.Sessions() != 1 {
		t.Errorf("%d upload sessions: the first was not reused", f.Sessions())
	}
	// The resume asked where to start, and went on from the byte after
	// the last one the session held (the dropped PUT is recorded when its
	// handler ends, so it is skipped).
	var after []string
	queried := false
	for _, r := range f.Requests() {
		cr := r.Header.Get("Content-Range")
		switch {
		case r.Method != http.MethodPut || r.Status == 0:
		case strings.HasPrefix(cr, "bytes */"):
			queried = true
		case queried:
			after = append(after, cr)
		}
	}
	want := []string{"bytes 615400-877543/921600", "bytes 877544-921599/921600"}
	if !queried || strings.Join(after, ",") != strings.Join(want, ",") {
		t.Errorf("query %v, then %v; want %v", queried, after, want)
	}
}

func TestPublishFinalAnswerLost(t *testing.T) {
	f, p, creds := setup(t)
	tok := connect(t, f, p, creds)
	path, _ := writeVideo(t, 1000)
	old := youtube.UploadRetries
	youtube.UploadRetries = 0
	defer func() { youtube.UploadRetries = old }()
	f.DropNext(1) // the video is created, the answer never arrives
	var s saver
	_, err := p.Publish(context.Background(), platforms.Identity{}, tok, videoPost(path), nil, s.save)
	kindOf(t, err, platforms.KindRetry)
	if len(f.Posts()) != 1 {
		t.Fatal("the fake should hold the video")
	}
	_, state := s.last(t)
	res, err := p.Publish(context.Background(), platforms.Identity{}, tok, videoPost(path), state, s.save)
	if err != nil {
		t.Fatal(err)
	}
	if vids := f.Posts(); len(vids) != 1 || vids[0].ID != res.RemoteID || f.Sessions() != 1 {
		t.Fatalf("videos %+v, sessions %d", vids, f.Sessions())
	}
}

func TestPublishExpiredSessionStartsOver(t *testing.T) {
	f, p, creds := setup(t)
	tok := connect(t, f, p, creds)
	path, sum := writeVideo(t, 600<<10)
	old := youtube.UploadRetries
	youtube.UploadRetries = 0
	defer func() { youtube.UploadRetries = old }()
	f.FailStep("chunk", 1, 503)
	var s saver
	_, err := p.Publish(context.Background(), platforms.Identity{}, tok, videoPost(path), nil, s.save)
	kindOf(t, err, platforms.KindRetry)
	_, state := s.last(t)
	f.ExpireSessions()
	if _, err := p.Publish(context.Background(), platforms.Identity{}, tok, videoPost(path), state, s.save); err != nil {
		t.Fatal(err)
	}
	if vids := f.Posts(); len(vids) != 1 || vids[0].SHA256 != sum || f.Sessions() != 2 {
		t.Fatalf("videos %+v, sessions %d", vids, f.Sessions())
	}
}

func TestThumbnailRetryAndRefusal(t *testing.T) {
	f, p, creds := setup(t)
	tok := connect(t, f, p, creds)
	path, _ := writeVideo(t, 1000)
	post := videoPost(path)
	post.Options.Thumbnail = writePNG(t)
	ctx := context.Background()

	// A passing failure of the thumbnail: retry later redoes only it.
	f.FailStep("thumbnail", 1, 503)
	var s saver
	_, err := p.Publish(ctx, platforms.Identity{}, tok, post, nil, s.save)
	kindOf(t, err, platforms.KindRetry)
	_, state := s.last(t)
	res, err := p.Publish(ctx, platforms.Identity{}, tok, post, state, s.save)
	if err != nil {
		t.Fatal(err)
	}
	if vids := f.Posts(); len(vids) != 1 || !vids[0].Thumbnail || f.Sessions() != 1 || vids[0].ID != res.RemoteID {
		t.Fatalf("videos %+v", vids)
	}

	// Refused for good: the video stands, the error says so, a repeat is quiet.
	f.RefuseThumbnails(true)
	var s2 saver
	res, err = p.Publish(ctx, platforms.Identity{}, tok, post, nil, s2.save)
	pe := kindOf(t, err, platforms.KindFixPost)
	if res.RemoteID == "" || !strings.Contains(pe.Message, "published") || !strings.Contains(pe.Message, "custom video thumbnails") {
		t.Errorf("result %+v, error %q", res, pe.Message)
	}
	_, state = s2.last(t)
	res2, err := p.Publish(ctx, platforms.Identity{}, tok, post, state, s2.save)
	if err != nil || res2.RemoteID != res.RemoteID {
		t.Errorf("repeat: %+v %v", res2, err)
	}
	if n := len(f.Posts()); n != 2 {
		t.Errorf("%d videos, want 2", n)
	}
}

func TestValidation(t *testing.T) {
	f, p, creds := setup(t)
	tok := connect(t, f, p, creds)
	path, _ := writeVideo(t, 1000)
	ok := videoPost(path)
	if probs := p.Validate(ok); len(probs) != 0 {
		t.Fatalf("valid post: %v", probs)
	}
	cases := map[string]func(*platforms.Post){
		"title":     func(p *platforms.Post) { p.Options.Title = strings.Repeat("t", 101) },
		"title<>":   func(p *platforms.Post) { p.Options.Title = "a <b>" },
		"empty":     func(p *platforms.Post) { p.Text = "" },
		"text":      func(p *platforms.Post) { p.Text = "t\n" + strings.Repeat("é", 2500) }, // 5002 bytes
		"tags":      func(p *platforms.Post) { p.Options.Tags = []string{strings.Repeat("x", 250), strings.Repeat("y", 250)} },
		"privacy":   func(p *platforms.Post) { p.Options.Privacy = "friends" },
		"no media":  func(p *platforms.Post) { p.Media = nil },
		"two media": func(p *platforms.Post) { p.Media = append(p.Media, p.Media[0]) },
		"image":     func(p *platforms.Post) { p.Media[0].Mime = "image/png" },
		"huge":      func(p *platforms.Post) { p.Media[0].Size = 257 << 30 },
		"thumb":     func(p *platforms.Post) { p.Options.Thumbnail = path },
	}
	before := len(f.Requests())
	for name, mod := range cases {
		post := videoPost(path)
		mod(&post)
		if probs := p.Validate(post); len(probs) == 0 {
			t.Errorf("%s: no problem found", name)
		}
		_, err := p.Publish(context.Background(), platforms.Identity{}, tok, post, nil, nil)
		kindOf(t, err, platforms.KindFixPost)
	}
	if after := len(f.Requests()); after != before {
		t.Errorf("invalid posts reached the network (%d requests)", after-before)
	}
	if youtube.TagChars([]string{"a b", "c"}) != 7 {
		t.Errorf("TagChars = %d", youtube.TagChars([]string{"a b", "c"}))
	}
	// The generic limits agree on the simple cases.
	l := p.Limits()
	if probs := l.Validate(ok); len(probs) != 0 {
		t.Errorf("Limits.Validate: %v", probs)
	}
	two := videoPost(path)
	two.Media = append(two.Media, two.Media[0])
	if probs := l.Validate(two); len(probs) == 0 {
		t.Error("Limits.Validate allows two videos")
	}
}

func TestNoSecretInErrors(t *testing.T) {
	f, p, creds := setup(t)
	tok := connect(t, f, p, creds)
	f.RevokeAll()
	_, err := p.Identities(context.Background(), tok)
	if err == nil || strings.Contains(err.Error(), tok.Access) || strings.Contains(err.Error(), tok.Refresh) {
		t.Errorf("error %v", err)
	}
	for _, r := range f.Requests() {
		all := string(r.Body) + r.Query + string(r.Response) + r.Header.Get("Authorization")
		for _, s := range []string{tok.Access, tok.Refresh, creds.ClientSecret} {
			if strings.Contains(all, s) {
				t.Errorf("%s %s: a secret was recorded", r.Method, r.Path)
			}
		}
	}
}
