package tiktok_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
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
	"localpost/platforms/tiktok"
)

func TestMain(m *testing.M) {
	tiktok.PollInterval = 5 * time.Millisecond
	tiktok.PollTimeout = 2 * time.Second
	os.Exit(m.Run())
}

const redirectURI = "http://127.0.0.1:53682/callback/"

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func newFake(t *testing.T) (*fakes.TikTok, *tiktok.Provider, platforms.AppCredentials) {
	t.Helper()
	f := fakes.NewTikTok()
	t.Cleanup(f.Close)
	f.AutoApprove = true
	p := tiktok.New(tiktok.Config{AuthURL: f.URL + "/v2/auth/authorize/", APIURL: f.URL})
	return f, p, platforms.AppCredentials{ClientID: f.ClientKey(), ClientSecret: f.ClientSecret()}
}

// authURL builds the authorize address the way the app does from an
// AuthRequest: client id under ClientKey, scopes joined by ScopeSep, the
// extra params, state (and no PKCE of its own since PKCE is false).
func authURL(t *testing.T, ar platforms.AuthRequest, creds platforms.AppCredentials, redirect, state string) string {
	t.Helper()
	if ar.PKCE {
		t.Fatal("TikTok's PKCE is hex-encoded: the provider must add it, not the app")
	}
	q := url.Values{}
	q.Set(ar.ClientKey, creds.ClientID)
	q.Set("redirect_uri", redirect)
	q.Set("scope", strings.Join(ar.Scopes, ar.ScopeSep))
	q.Set("state", state)
	for k, v := range ar.Params {
		q.Set(k, v)
	}
	return ar.AuthURL + "?" + q.Encode()
}

// code runs the authorize step (AutoApprove) and returns the code.
func code(t *testing.T, u, state string) string {
	t.Helper()
	resp, err := noRedirect.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("authorize: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if loc.Query().Get("error") != "" {
		t.Fatalf("authorize refused: %s", loc.RawQuery)
	}
	if loc.Query().Get("state") != state {
		t.Fatalf("state %q", loc.Query().Get("state"))
	}
	return loc.Query().Get("code")
}

func connect(t *testing.T, p *tiktok.Provider, creds platforms.AppCredentials) platforms.Token {
	t.Helper()
	ar := p.Authorize(creds, redirectURI)
	c := code(t, authURL(t, ar, creds, redirectURI, "st4te"), "st4te")
	tok, err := p.Exchange(context.Background(), creds, redirectURI, c, "")
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return tok
}

func identity(t *testing.T, p *tiktok.Provider, tok platforms.Token) platforms.Identity {
	t.Helper()
	ids, err := p.Identities(context.Background(), tok)
	if err != nil || len(ids) != 1 {
		t.Fatalf("Identities: %v %v", ids, err)
	}
	return ids[0]
}

func writeFile(t *testing.T, name string, size int) (string, string) {
	t.Helper()
	b := make([]byte, size)
	_, _ = rand.Read(b)
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return path, hex.EncodeToString(sum[:])
}

func video(t *testing.T, size int) (platforms.Media, string) {
	t.Helper()
	path, sum := writeFile(t, "clip.mp4", size)
	return platforms.Media{Path: path, Mime: "video/mp4", Size: int64(size)}, sum
}

// saver keeps the last saved state, as the app's store does.
type saver struct {
	last  []byte
	saves int
}

func (s *saver) save(b []byte) error {
	s.last = append([]byte(nil), b...)
	s.saves++
	return nil
}

func kindOf(t *testing.T, err error, want platforms.Kind) *platforms.Error {
	t.Helper()
	var pe *platforms.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T), want a *platforms.Error of kind %v", err, err, want)
	}
	if pe.Kind != want {
		t.Fatalf("kind %v (%q), want %v", pe.Kind, pe.Message, want)
	}
	return pe
}

func TestInfoAndLimits(t *testing.T) {
	p := tiktok.New(tiktok.Config{})
	info := p.Info()
	if info.Network != platforms.TikTok || !info.NeedsSecret || info.Redirect != platforms.RedirectLoopbackAnyPort || info.CanSchedule {
		t.Fatalf("info %+v", info)
	}
	if !strings.Contains(info.Gates, "private") {
		t.Errorf("Gates does not explain the audit: %q", info.Gates)
	}
	l := p.Limits()
	if l.MaxChars != 2200 || l.MaxMedia != 35 || !l.MediaRequired || l.NativeSchedule {
		t.Fatalf("limits %+v", l)
	}
}

func TestAuthorizeRequest(t *testing.T) {
	_, p, creds := newFake(t)
	ar := p.Authorize(creds, redirectURI)
	if ar.ClientKey != "client_key" || ar.ScopeSep != "," || ar.PKCE {
		t.Fatalf("auth request %+v", ar)
	}
	if got := strings.Join(ar.Scopes, ar.ScopeSep); got != "user.info.basic,video.publish,video.upload,video.list,user.info.stats" {
		t.Fatalf("scopes %q", got)
	}
	ch := ar.Params["code_challenge"]
	if ar.Params["code_challenge_method"] != "S256" || len(ch) != 64 || strings.Trim(ch, "0123456789abcdef") != "" {
		t.Fatalf("challenge %q, method %q: want 64 hex digits and S256", ch, ar.Params["code_challenge_method"])
	}
	if ar.Params["response_type"] != "code" {
		t.Fatalf("params %v", ar.Params)
	}
	u, _ := url.Parse(authURL(t, ar, creds, redirectURI, "x"))
	if u.Query().Get("client_key") != creds.ClientID || u.Query().Get("client_id") != "" {
		t.Fatalf("authorize address %s", u)
	}
	if tiktok.Challenge("abc") != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatal("Challenge is not hex SHA-256")
	}
}

func TestConnectExchangeAndRefresh(t *testing.T) {
	f, p, creds := newFake(t)
	ctx := context.Background()
	tok := connect(t, p, creds)
	if !strings.HasPrefix(tok.Access, "act.") || !strings.HasPrefix(tok.Refresh, "rft.") {
		t.Fatalf("token %+v", tok)
	}
	if d := time.Until(tok.Expiry); d < 119*time.Minute || d > 121*time.Minute {
		t.Errorf("access expiry in %v, want 2 h", d)
	}
	if d := time.Until(tok.RefreshExpiry); d < 179*24*time.Hour || d > 181*24*time.Hour {
		t.Errorf("refresh expiry in %v, want 180 days", d)
	}
	if strings.Join(tok.Scopes, ",") != "user.info.basic,video.publish,video.upload,video.list,user.info.stats" {
		t.Errorf("scopes %v", tok.Scopes)
	}

	// Refresh rotates: a new refresh token, and the old one stops working.
	f.ExpireAccessTokens()
	if _, err := p.Identities(ctx, tok); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("expired access token: %v", err)
	}
	nt, err := p.Refresh(ctx, creds, tok)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if nt.Access == tok.Access || nt.Refresh == tok.Refresh || nt.Refresh == "" {
		t.Fatal("refresh did not rotate the tokens")
	}
	if _, err := p.Identities(ctx, nt); err != nil {
		t.Fatalf("Identities after refresh: %v", err)
	}
	_, err = p.Refresh(ctx, creds, tok)
	pe := kindOf(t, err, platforms.KindReconnect)
	if strings.Contains(pe.Error(), tok.Refresh) || strings.Contains(pe.Error(), creds.ClientSecret) {
		t.Fatal("a secret leaked into the error")
	}
	// The client secret is checked.
	if _, err := p.Refresh(ctx, platforms.AppCredentials{ClientID: creds.ClientID, ClientSecret: "wrong"}, nt); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("wrong secret: %v", err)
	}
}

func TestExchangeVerifiesPKCE(t *testing.T) {
	_, p, creds := newFake(t)
	ctx := context.Background()
	ar := p.Authorize(creds, redirectURI)
	c := code(t, authURL(t, ar, creds, redirectURI, "s"), "s")
	_, err := p.Exchange(ctx, creds, redirectURI, c, tiktok.NewVerifier())
	pe := kindOf(t, err, platforms.KindReconnect)
	if !strings.Contains(pe.Message, "Code verifier") {
		t.Fatalf("message %q", pe.Message)
	}
	// Codes are single use, even after a failed attempt.
	if _, err := p.Exchange(ctx, creds, redirectURI, c, ""); err == nil {
		t.Fatal("a code was accepted twice")
	}

	// An app that keeps the verifier itself.
	v := tiktok.NewVerifier()
	ar = p.AuthorizeWithVerifier(creds, redirectURI, v)
	c = code(t, authURL(t, ar, creds, redirectURI, "s2"), "s2")
	if _, err := p.Exchange(ctx, creds, redirectURI, c, v); err != nil {
		t.Fatalf("Exchange with the app's verifier: %v", err)
	}

	// A base64url (RFC 7636) challenge is refused, as TikTok's desktop flow does.
	ar = p.Authorize(creds, redirectURI)
	ar.Params["code_challenge"] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	resp, err := noRedirect.Get(authURL(t, ar, creds, redirectURI, "s3"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "error=invalid_request") {
		t.Fatalf("base64url challenge accepted: %s", loc)
	}
}

func TestApproveAndRedirectRules(t *testing.T) {
	f, p, creds := newFake(t)
	f.AutoApprove = false
	got := make(chan url.Values, 1)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/callback/" {
			got <- r.URL.Query()
		}
	}))
	defer app.Close()
	redirect := app.URL + "/callback/" // a random port: the wildcard registration accepts it
	ar := p.Authorize(creds, redirect)
	u := authURL(t, ar, creds, redirect, "abc")
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("authorize page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if err := f.Approve(u); err != nil {
		t.Fatal(err)
	}
	q := <-got
	if q.Get("state") != "abc" || q.Get("code") == "" || q.Get("scopes") != "user.info.basic,video.publish,video.upload,video.list,user.info.stats" {
		t.Fatalf("callback %v", q)
	}
	if _, err := p.Exchange(context.Background(), creds, redirect, q.Get("code"), ""); err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	// Without the trailing slash the path does not match the registration.
	bad := authURL(t, p.Authorize(creds, app.URL+"/callback"), creds, app.URL+"/callback", "x")
	resp, err = noRedirect.Get(bad)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unregistered redirect: %d", resp.StatusCode)
	}
}

func TestIdentities(t *testing.T) {
	_, p, creds := newFake(t)
	id := identity(t, p, connect(t, p, creds))
	if id.Kind != "profile" || id.RemoteID == "" || id.Name != "Localpost Demo" || id.Handle != "@localpost.demo" ||
		id.URL != "https://www.tiktok.com/@localpost.demo" || id.AvatarURL == "" {
		t.Fatalf("identity %+v", id)
	}
	if id.Extra["open_id"] != id.RemoteID || id.Extra["username"] != "localpost.demo" || id.Extra["privacy_level_options"] == "" {
		t.Fatalf("extra %v", id.Extra)
	}
}

func TestPublishVideoOneChunk(t *testing.T) {
	f, p, creds := newFake(t)
	tok := connect(t, p, creds)
	id := identity(t, p, tok)
	m, sum := video(t, 3000)
	var s saver
	res, err := p.Publish(context.Background(), id, tok, platforms.Post{Text: "Hello TikTok ☕ #localpost", Media: []platforms.Media{m}, Options: platforms.Options{Privacy: "public"}}, nil, s.save)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	posts := f.Posts()
	if len(posts) != 1 || posts[0].SHA256 != sum || posts[0].Title != "Hello TikTok ☕ #localpost" || posts[0].Privacy != "PUBLIC_TO_EVERYONE" {
		t.Fatalf("posts %+v", posts)
	}
	if res.RemoteID != posts[0].ID || res.URL != "https://www.tiktok.com/@localpost.demo/video/"+posts[0].ID {
		t.Fatalf("result %+v", res)
	}
	st, err := tiktok.DecodeState(s.last)
	if err != nil || st.PublishID == "" || st.TotalChunks != 1 || st.ChunksDone != 1 || st.ChunkSize != 3000 {
		t.Fatalf("state %+v %v", st, err)
	}
}

func smallChunks(t *testing.T, f *fakes.TikTok) {
	t.Helper()
	old := tiktok.ChunkSize
	tiktok.ChunkSize = 1024
	t.Cleanup(func() { tiktok.ChunkSize = old })
	f.SetChunkLimits(1024, 4096)
}

func TestPublishVideoChunks(t *testing.T) {
	f, p, creds := newFake(t)
	smallChunks(t, f)
	f.SetCreatorSettings(true, false, true, 300)
	tok := connect(t, p, creds)
	m, sum := video(t, 3*1024+500) // 3 chunks, the last one 1524 bytes
	var s saver
	if _, err := p.Publish(context.Background(), identity(t, p, tok), tok, platforms.Post{Text: "chunks", Media: []platforms.Media{m}, Options: platforms.Options{Privacy: tiktok.FollowerOfCreator}}, nil, s.save); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	posts := f.Posts()
	if len(posts) != 1 || posts[0].SHA256 != sum || posts[0].Size != 3*1024+500 {
		t.Fatalf("posts %+v", posts)
	}
	if !posts[0].DisableComment || posts[0].DisableDuet || !posts[0].DisableStitch || posts[0].Privacy != tiktok.FollowerOfCreator {
		t.Fatalf("creator settings not followed: %+v", posts[0])
	}
	if s.saves != 4 { // init + 3 chunks
		t.Fatalf("%d saves, want 4", s.saves)
	}
	var puts []string
	for _, r := range f.Requests() {
		if r.Method == http.MethodPut {
			puts = append(puts, r.Header.Get("Content-Range"))
		}
	}
	if strings.Join(puts, " ") != "bytes 0-1023/3572 bytes 1024-2047/3572 bytes 2048-3571/3572" {
		t.Fatalf("chunks %q", puts)
	}
}

func TestPrivacyFallsBackToMostPrivate(t *testing.T) {
	f, p, creds := newFake(t)
	f.SetPrivacyOptions("FOLLOWER_OF_CREATOR", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY")
	tok := connect(t, p, creds)
	m, _ := video(t, 100)
	var s saver
	if _, err := p.Publish(context.Background(), identity(t, p, tok), tok, platforms.Post{Text: "x", Media: []platforms.Media{m}, Options: platforms.Options{Privacy: "public"}}, nil, s.save); err != nil {
		t.Fatal(err)
	}
	if got := f.Posts()[0].Privacy; got != tiktok.SelfOnly {
		t.Fatalf("privacy %s", got)
	}
	st, _ := tiktok.DecodeState(s.last)
	if st.Privacy != tiktok.SelfOnly || !strings.Contains(st.Note, "PUBLIC_TO_EVERYONE") {
		t.Fatalf("state %+v", st)
	}
	if lvl, note := tiktok.ChoosePrivacy("", []string{"PUBLIC_TO_EVERYONE", "SELF_ONLY"}); lvl != tiktok.SelfOnly || note == "" {
		t.Fatalf("no choice: %s %q", lvl, note)
	}
}

func TestPublishPhotos(t *testing.T) {
	f, p, creds := newFake(t)
	tok := connect(t, p, creds)
	id := identity(t, p, tok)
	var media []platforms.Media
	for _, n := range []string{"a.jpg", "b.webp"} {
		path, _ := writeFile(t, n, 200)
		mt := "image/jpeg"
		if strings.HasSuffix(n, ".webp") {
			mt = "image/webp"
		}
		media = append(media, platforms.Media{Path: path, Mime: mt, Size: 200, PublicURL: "https://media.localpost.example/u/" + n})
	}
	post := platforms.Post{Text: "Two photos", Media: media, Options: platforms.Options{Kind: "photo", Title: "Our café", Privacy: "private"}}
	res, err := p.Publish(context.Background(), id, tok, post, nil, nil)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	posts := f.Posts()
	if len(posts) != 1 || posts[0].Mode != "photo" || posts[0].Title != "Our café" || posts[0].Description != "Two photos" || len(posts[0].PhotoURLs) != 2 || posts[0].Privacy != "SELF_ONLY" {
		t.Fatalf("posts %+v", posts)
	}
	if res.URL != "https://www.tiktok.com/@localpost.demo/photo/"+posts[0].ID {
		t.Fatalf("result %+v", res)
	}

	// Without a public URL: fix the post, nothing sent.
	media[0].PublicURL = ""
	_, err = p.Publish(context.Background(), id, tok, post, nil, nil)
	pe := kindOf(t, err, platforms.KindFixPost)
	if !strings.Contains(pe.Message, "public address") {
		t.Fatalf("message %q", pe.Message)
	}
	// A URL on a domain not verified for the app: TikTok's url_ownership_unverified.
	media[0].PublicURL = "https://elsewhere.example/a.jpg"
	_, err = p.Publish(context.Background(), id, tok, post, nil, nil)
	pe = kindOf(t, err, platforms.KindFixPost)
	if !strings.Contains(pe.Message, "not verified") || pe.Status != 403 {
		t.Fatalf("error %v", pe)
	}
}

func TestPublishDraft(t *testing.T) {
	f, p, creds := newFake(t)
	tok := connect(t, p, creds)
	m, sum := video(t, 500)
	res, err := p.Publish(context.Background(), identity(t, p, tok), tok, platforms.Post{Text: "to finish in the app", Media: []platforms.Media{m}, Options: platforms.Options{Privacy: "DRAFT"}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	posts := f.Posts()
	if len(posts) != 1 || posts[0].Mode != "video_draft" || posts[0].SHA256 != sum || posts[0].ID != "" {
		t.Fatalf("posts %+v", posts)
	}
	if !strings.HasPrefix(res.RemoteID, "v_pub_") {
		t.Fatalf("result %+v", res)
	}
}

func TestPublishErrors(t *testing.T) {
	f, p, creds := newFake(t)
	ctx := context.Background()
	tok := connect(t, p, creds)
	id := identity(t, p, tok)
	m, _ := video(t, 100)
	post := platforms.Post{Text: "x", Media: []platforms.Media{m}}

	f.FailNext(1, 429, 7*time.Second)
	_, err := p.Publish(ctx, id, tok, post, nil, nil)
	pe := kindOf(t, err, platforms.KindRetry)
	if pe.RetryAfter != 7*time.Second || pe.Status != 429 {
		t.Fatalf("429: %+v", pe)
	}

	f.FailStepCode(fakes.TikTokStepInit, 1, 400, "invalid_params", "The video title contains a banned word.", 0)
	_, err = p.Publish(ctx, id, tok, post, nil, nil)
	pe = kindOf(t, err, platforms.KindFixPost)
	if pe.Message != "The video title contains a banned word." || pe.Status != 400 {
		t.Fatalf("400: %+v", pe)
	}

	f.FailStepCode(fakes.TikTokStepCreatorInfo, 1, 403, "spam_risk_too_many_posts", "The daily post cap from the API is reached for the current user.", 0)
	_, err = p.Publish(ctx, id, tok, post, nil, nil)
	kindOf(t, err, platforms.KindRetry)

	f.SetUnaudited(true, false)
	_, err = p.Publish(ctx, id, tok, post, nil, nil)
	pe = kindOf(t, err, platforms.KindFixPost)
	if !strings.Contains(pe.Message, "must be private") {
		t.Fatalf("unaudited: %q", pe.Message)
	}
	f.SetUnaudited(true, true)
	if _, err := p.Publish(ctx, id, tok, platforms.Post{Text: "y", Media: []platforms.Media{m}, Options: platforms.Options{Privacy: "public"}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := f.Posts()[0].Privacy; got != "SELF_ONLY" {
		t.Fatalf("unaudited post privacy %s", got)
	}

	f.RevokeAll()
	_, err = p.Publish(ctx, id, tok, post, nil, nil)
	pe = kindOf(t, err, platforms.KindReconnect)
	if pe.Status != 401 || strings.Contains(pe.Error(), tok.Access) {
		t.Fatalf("401: %+v", pe)
	}
}

func TestPublishProcessingFailed(t *testing.T) {
	f, p, creds := newFake(t)
	tok := connect(t, p, creds)
	m, _ := video(t, 100)
	f.FailProcessing("duration_check_failed")
	var s saver
	_, err := p.Publish(context.Background(), identity(t, p, tok), tok, platforms.Post{Text: "x", Media: []platforms.Media{m}}, nil, s.save)
	pe := kindOf(t, err, platforms.KindFixPost)
	if !strings.Contains(pe.Message, "600 s") {
		t.Fatalf("message %q", pe.Message)
	}
	if s.last != nil {
		t.Fatalf("a failed post left state behind: %s", s.last)
	}
	if len(f.Posts()) != 0 {
		t.Fatal("a failed post was published")
	}
}

func TestDroppedMidUploadResumes(t *testing.T) {
	f, p, creds := newFake(t)
	smallChunks(t, f)
	ctx := context.Background()
	tok := connect(t, p, creds)
	id := identity(t, p, tok)
	m, sum := video(t, 4*1024+10)
	post := platforms.Post{Text: "resume me", Media: []platforms.Media{m}}

	// The second chunk is stored, then the connection is cut.
	var s saver
	f.SetDropAfter(fakes.TikTokStepUpload, 1)
	_, err := p.Publish(ctx, id, tok, post, nil, s.save)
	kindOf(t, err, platforms.KindRetry)
	st, _ := tiktok.DecodeState(s.last)
	if st.ChunksDone != 1 || st.TotalChunks != 4 {
		t.Fatalf("state after the drop %+v", st)
	}

	// A restart: a new provider (no memory), the saved state.
	p2 := tiktok.New(tiktok.Config{AuthURL: f.URL + "/v2/auth/authorize/", APIURL: f.URL})
	res, err := p2.Publish(ctx, id, tok, post, s.last, s.save)
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	posts := f.Posts()
	if len(posts) != 1 || posts[0].SHA256 != sum || res.RemoteID != posts[0].ID {
		t.Fatalf("posts %+v, result %+v", posts, res)
	}
	if f.Inits() != 1 {
		t.Fatalf("%d inits, want 1: the upload was not reused", f.Inits())
	}
	// Publishing again with the final state finds the same post.
	res2, err := p2.Publish(ctx, id, tok, post, s.last, s.save)
	if err != nil || res2 != res || len(f.Posts()) != 1 {
		t.Fatalf("repeat: %+v %v", res2, err)
	}
}

func TestDroppedInitAndPollResume(t *testing.T) {
	f, p, creds := newFake(t)
	ctx := context.Background()
	tok := connect(t, p, creds)
	id := identity(t, p, tok)
	m, _ := video(t, 100)
	post := platforms.Post{Text: "x", Media: []platforms.Media{m}}

	// init is dropped before an answer: nothing saved, nothing posted.
	f.DropNext(1)
	var s saver
	_, err := p.Publish(ctx, id, tok, post, nil, s.save)
	kindOf(t, err, platforms.KindRetry)
	if s.last != nil || len(f.Posts()) != 0 {
		t.Fatal("a dropped init left a post or state")
	}

	// The status poll is dropped after the upload: the state resumes polling.
	f.DropStep(fakes.TikTokStepStatus, 1)
	_, err = p.Publish(ctx, id, tok, post, nil, s.save)
	kindOf(t, err, platforms.KindRetry)
	inits := f.Inits()
	if _, err := p.Publish(ctx, id, tok, post, s.last, s.save); err != nil {
		t.Fatal(err)
	}
	if len(f.Posts()) != 1 || f.Inits() != inits {
		t.Fatalf("%d posts, %d inits (was %d)", len(f.Posts()), f.Inits(), inits)
	}

	// Processing longer than PollTimeout: retry later, then it is there.
	old := tiktok.PollTimeout
	tiktok.PollTimeout = 0
	defer func() { tiktok.PollTimeout = old }()
	f.SetProcessing(3)
	s = saver{}
	_, err = p.Publish(ctx, id, tok, post, nil, s.save)
	kindOf(t, err, platforms.KindRetry)
	tiktok.PollTimeout = old
	if _, err := p.Publish(ctx, id, tok, post, s.last, s.save); err != nil {
		t.Fatal(err)
	}
	if len(f.Posts()) != 2 {
		t.Fatalf("%d posts", len(f.Posts()))
	}
}

func TestExpiredUploadURLStartsOver(t *testing.T) {
	f, p, creds := newFake(t)
	smallChunks(t, f)
	ctx := context.Background()
	tok := connect(t, p, creds)
	id := identity(t, p, tok)
	m, sum := video(t, 3*1024)
	post := platforms.Post{Text: "x", Media: []platforms.Media{m}}
	var s saver
	f.SetDropAfter(fakes.TikTokStepUpload, 1)
	_, err := p.Publish(ctx, id, tok, post, nil, s.save)
	kindOf(t, err, platforms.KindRetry)
	f.ExpireUploads()
	if _, err := p.Publish(ctx, id, tok, post, s.last, s.save); err != nil {
		t.Fatalf("resume after expiry: %v", err)
	}
	posts := f.Posts()
	if len(posts) != 1 || posts[0].SHA256 != sum || f.Inits() != 2 {
		t.Fatalf("posts %+v, %d inits", posts, f.Inits())
	}
}

func TestValidate(t *testing.T) {
	p := tiktok.New(tiktok.Config{})
	vid := platforms.Media{Path: "/v/a.mp4", Mime: "video/mp4", Size: 10}
	img := platforms.Media{Path: "/v/a.jpg", Mime: "image/jpeg", Size: 10, PublicURL: "https://media.localpost.example/a.jpg"}
	cases := []struct {
		name  string
		post  platforms.Post
		field string
	}{
		{"text only", platforms.Post{Text: "hi"}, "media"},
		{"caption too long", platforms.Post{Text: strings.Repeat("a", 2201), Media: []platforms.Media{vid}}, "text"},
		{"emoji count two", platforms.Post{Text: strings.Repeat("😀", 1101), Media: []platforms.Media{vid}}, "text"},
		{"two videos", platforms.Post{Text: "x", Media: []platforms.Media{vid, vid}}, "media"},
		{"wrong type", platforms.Post{Text: "x", Media: []platforms.Media{{Path: "/v/a.gif", Mime: "image/gif"}}}, "media[0]"},
		{"png photo", platforms.Post{Text: "x", Media: []platforms.Media{{Path: "/v/a.png", Mime: "image/png", PublicURL: "https://x/a.png"}}, Options: platforms.Options{Kind: "photo"}}, "media[0]"},
		{"too many photos", platforms.Post{Text: "x", Media: make36(img)}, "media"},
		{"video too big", platforms.Post{Text: "x", Media: []platforms.Media{{Path: "/v/a.mp4", Mime: "video/mp4", Size: 5 << 30}}}, "media[0]"},
		{"photo title", platforms.Post{Text: "x", Media: []platforms.Media{img}, Options: platforms.Options{Title: strings.Repeat("t", 91)}}, "title"},
	}
	for _, c := range cases {
		probs := p.Validate(c.post)
		found := false
		for _, pr := range probs {
			found = found || pr.Field == c.field
		}
		if !found {
			t.Errorf("%s: problems %v, want one for %s", c.name, probs, c.field)
		}
	}
	if probs := p.Validate(platforms.Post{Text: "ok", Media: []platforms.Media{vid}}); len(probs) != 0 {
		t.Errorf("valid video: %v", probs)
	}
	if probs := p.Validate(platforms.Post{Text: "ok", Media: []platforms.Media{img, img}}); len(probs) != 0 {
		t.Errorf("valid photos: %v", probs)
	}
	// Publish refuses before calling TikTok.
	_, err := p.Publish(context.Background(), platforms.Identity{}, platforms.Token{}, platforms.Post{Text: "hi"}, nil, nil)
	kindOf(t, err, platforms.KindFixPost)
}

func make36(m platforms.Media) []platforms.Media {
	out := make([]platforms.Media, 36)
	for i := range out {
		out[i] = m
	}
	return out
}

func TestStateIsJSON(t *testing.T) {
	f, p, creds := newFake(t)
	tok := connect(t, p, creds)
	m, _ := video(t, 10)
	var s saver
	if _, err := p.Publish(context.Background(), identity(t, p, tok), tok, platforms.Post{Text: "x", Media: []platforms.Media{m}}, nil, s.save); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(s.last, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"mode", "publish_id", "upload_url", "video_size", "chunk_size", "total_chunk_count", "chunks_done", "privacy_level"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("state lacks %s: %s", k, s.last)
		}
	}
	if strings.Contains(string(s.last), tok.Access) {
		t.Fatal("the token is in the state")
	}
	_ = f
}
