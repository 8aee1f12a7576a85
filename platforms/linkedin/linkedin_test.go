package linkedin_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"localpost/platforms"
	"localpost/platforms/fakes"
	"localpost/platforms/linkedin"
)

const redirectURI = "http://127.0.0.1:53682/callback"

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func newProvider(f *fakes.LinkedIn) *linkedin.Provider {
	return linkedin.New(linkedin.Config{
		APIURL: f.URL, AuthURL: f.URL + "/oauth/native-pkce/authorization", StandardAuthURL: f.URL + "/oauth/v2/authorization",
		TokenURL: f.URL + "/oauth/v2/accessToken", WebURL: f.URL, UploadURL: f.URL,
		PollInterval: time.Millisecond, PollTimeout: 5 * time.Second,
	})
}

// authURL builds the address the app opens, the way app/ does from an
// AuthRequest: client id, redirect, scopes, state and the PKCE challenge.
func authURL(ar platforms.AuthRequest, clientID, redirect, state, verifier string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirect}, "state": {state},
		"scope": {strings.Join(ar.Scopes, ar.ScopeSep)}}
	if ar.PKCE {
		q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))
		q.Set("code_challenge_method", "S256")
	}
	return ar.AuthURL + "?" + q.Encode()
}

func authorizeCode(t *testing.T, u string) string {
	t.Helper()
	resp, err := noRedirect.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}

func connect(t *testing.T, f *fakes.LinkedIn, p *linkedin.Provider) platforms.Token {
	t.Helper()
	f.AutoApprove = true
	creds := platforms.AppCredentials{ClientID: f.ClientID}
	v := oauth2.GenerateVerifier()
	code := authorizeCode(t, authURL(p.Authorize(creds, redirectURI), f.ClientID, redirectURI, "st", v))
	tok, err := p.Exchange(context.Background(), creds, redirectURI, code, v)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return tok
}

func identities(t *testing.T, p *linkedin.Provider, tok platforms.Token) (member, org platforms.Identity) {
	t.Helper()
	ids, err := p.Identities(context.Background(), tok)
	if err != nil || len(ids) != 2 {
		t.Fatalf("Identities: %+v, %v", ids, err)
	}
	return ids[0], ids[1]
}

func writeFile(t *testing.T, name string, size int) string {
	t.Helper()
	b := bytes.Repeat([]byte("localpost-"), size/10+1)[:size]
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func media(t *testing.T, name, mime string, size int) platforms.Media {
	return platforms.Media{Path: writeFile(t, name, size), Mime: mime, Size: int64(size)}
}

// saver keeps the last saved state, as the app's store would.
type saver struct{ last []byte }

func (s *saver) save(b []byte) error { s.last = append([]byte(nil), b...); return nil }

func TestInfoAndLimits(t *testing.T) {
	p := linkedin.New(linkedin.Config{})
	in := p.Info()
	if in.Network != platforms.LinkedIn || in.NeedsSecret || in.Redirect != platforms.RedirectLoopbackAnyPort || in.CanSchedule {
		t.Errorf("Info: %+v", in)
	}
	if !strings.Contains(in.Guide, "native PKCE") || !strings.Contains(in.Gates, "Community Management API") {
		t.Errorf("Guide/Gates do not explain the gates: %q / %q", in.Guide, in.Gates)
	}
	l := p.Limits()
	if l.MaxChars != 3000 || l.MaxMedia != 20 || !l.AltText {
		t.Errorf("Limits: %+v", l)
	}
	ar := p.Authorize(platforms.AppCredentials{ClientID: "x"}, redirectURI)
	if ar.AuthURL != linkedin.DefaultAuthURL || !ar.PKCE || ar.ScopeSep != " " {
		t.Errorf("Authorize: %+v", ar)
	}
	if ar := p.Authorize(platforms.AppCredentials{ClientID: "x", ClientSecret: "s"}, redirectURI); ar.AuthURL != linkedin.DefaultStandardAuthURL {
		t.Errorf("with a secret: %+v", ar)
	}
}

func TestConnect(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := newProvider(f)
	f.AutoApprove = true
	creds := platforms.AppCredentials{ClientID: f.ClientID}
	v := oauth2.GenerateVerifier()
	u := authURL(p.Authorize(creds, redirectURI), f.ClientID, redirectURI, "st", v)
	pu, _ := url.Parse(u)
	if pu.Path != "/oauth/native-pkce/authorization" || pu.Query().Get("code_challenge_method") != "S256" ||
		pu.Query().Get("scope") != "openid profile w_member_social w_organization_social r_organization_social rw_organization_admin" {
		t.Fatalf("authorize URL %s", u)
	}
	code := authorizeCode(t, u)

	// A wrong verifier is refused, and the code is spent.
	if _, err := p.Exchange(context.Background(), creds, redirectURI, code, oauth2.GenerateVerifier()); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("wrong verifier: %v", err)
	}
	if _, err := p.Exchange(context.Background(), creds, redirectURI, code, v); err == nil {
		t.Fatal("a code was accepted twice")
	}
	code = authorizeCode(t, u)
	tok, err := p.Exchange(context.Background(), creds, redirectURI, code, v)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Access == "" || tok.Refresh != "" || time.Until(tok.Expiry) < 59*24*time.Hour || len(tok.Scopes) != 6 {
		t.Fatalf("token %+v", tok)
	}
	if _, err := p.Refresh(context.Background(), creds, tok); !errors.Is(err, platforms.ErrNoRefresh) {
		t.Fatalf("Refresh without a refresh token: %v", err)
	}
}

func TestRefreshForPartners(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	f.IssueRefreshTokens(true)
	p := newProvider(f)
	tok := connect(t, f, p)
	if tok.Refresh == "" || tok.RefreshExpiry.IsZero() {
		t.Fatalf("no refresh token: %+v", tok)
	}
	creds := platforms.AppCredentials{ClientID: f.ClientID, ClientSecret: f.ClientSecret}
	nt, err := p.Refresh(context.Background(), creds, tok)
	if err != nil || nt.Access == "" || nt.Access == tok.Access || nt.Refresh != tok.Refresh {
		t.Fatalf("Refresh: %+v, %v", nt, err)
	}
	if _, err := p.Identities(context.Background(), nt); err != nil {
		t.Fatal(err)
	}
}

// TestConnectThroughConsentPage drives the page the member sees: Approve
// presses Allow and the redirect reaches a loopback listener on a random
// port, as native PKCE allows.
func TestConnectThroughConsentPage(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := newProvider(f)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan url.Values, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got <- r.URL.Query() })}
	go srv.Serve(ln)
	defer srv.Close()
	redirect := "http://" + ln.Addr().String() + "/callback"
	creds := platforms.AppCredentials{ClientID: f.ClientID}
	v := oauth2.GenerateVerifier()
	u := authURL(p.Authorize(creds, redirect), f.ClientID, redirect, "st8", v)
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("consent page: %s", resp.Header.Get("Content-Type"))
	}
	if err := f.Approve(u); err != nil {
		t.Fatal(err)
	}
	q := <-got
	if q.Get("state") != "st8" {
		t.Fatalf("callback %v", q)
	}
	if _, err := p.Exchange(context.Background(), creds, redirect, q.Get("code"), v); err != nil {
		t.Fatal(err)
	}
}

func TestIdentities(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := newProvider(f)
	tok := connect(t, f, p)
	m, o := identities(t, p, tok)
	if m.Kind != "profile" || m.Name != "Demo Member" || m.Extra["author"] != "urn:li:person:"+m.RemoteID || m.AvatarURL == "" {
		t.Errorf("member %+v", m)
	}
	if o.Kind != "organization" || o.Name != "Demo Café GmbH" || o.Extra["author"] != "urn:li:organization:2414183" || !strings.HasSuffix(o.URL, "/company/demo-cafe/") {
		t.Errorf("organization %+v", o)
	}
	// A login without the organization scopes: the member alone.
	tok.Scopes = []string{"openid", "profile", "w_member_social"}
	if ids, err := p.Identities(context.Background(), tok); err != nil || len(ids) != 1 {
		t.Errorf("member-only login: %+v, %v", ids, err)
	}
}

func TestPublishTextEscapesLittle(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := newProvider(f)
	tok := connect(t, f, p)
	m, _ := identities(t, p, tok)
	text := "Open (finally) [beta] {v2} <3 @team ~ *news* a_b \\ | #launch https://example.com/a_(b)"
	var s saver
	res, err := p.Publish(context.Background(), m, tok, platforms.Post{Text: text}, nil, s.save)
	if err != nil {
		t.Fatal(err)
	}
	posts := f.Posts()
	if len(posts) != 1 || posts[0].Text != text || posts[0].Author != m.Extra["author"] {
		t.Fatalf("LinkedIn shows %q, want %q", posts[0].Text, text)
	}
	if res.RemoteID != posts[0].URN || res.URL != f.URL+"/feed/update/"+posts[0].URN+"/" {
		t.Errorf("result %+v", res)
	}
	if resp, err := http.Get(res.URL); err != nil || resp.StatusCode != 200 {
		t.Errorf("post page: %v %v", resp, err)
	}
}

func TestPublishImagesAsOrganization(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := newProvider(f)
	tok := connect(t, f, p)
	_, o := identities(t, p, tok)
	one := media(t, "a.png", "image/png", 2000)
	one.Alt = "a cup"
	if _, err := p.Publish(context.Background(), o, tok, platforms.Post{Text: "one", Media: []platforms.Media{one}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	three := []platforms.Media{media(t, "a.jpg", "image/jpeg", 100), media(t, "b.gif", "image/gif", 100), media(t, "c.png", "image/png", 100)}
	three[1].Alt = "second"
	if _, err := p.Publish(context.Background(), o, tok, platforms.Post{Text: "three", Media: three}, nil, nil); err != nil {
		t.Fatal(err)
	}
	posts := f.Posts()
	if len(posts) != 2 || posts[0].Kind != "image" || posts[0].AltTexts[0] != "a cup" || posts[1].Kind != "multiImage" || len(posts[1].Media) != 3 || posts[1].AltTexts[1] != "second" {
		t.Fatalf("posts %+v", posts)
	}
	for _, a := range f.Assets() {
		if a.Owner != "urn:li:organization:2414183" || !a.Uploaded {
			t.Errorf("asset %+v", a)
		}
	}
}

func TestPublishVideoWithFirstComment(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	f.SetVideoPartSize(80 << 10)
	f.SetProcessing(2)
	p := newProvider(f)
	tok := connect(t, f, p)
	m, _ := identities(t, p, tok)
	v := media(t, "clip.mp4", "video/mp4", 200<<10)
	post := platforms.Post{Text: "video", Media: []platforms.Media{v}, Options: platforms.Options{FirstComment: "More at example.com (link)"}}
	res, err := p.Publish(context.Background(), m, tok, post, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	posts, comments := f.Posts(), f.Comments()
	if len(posts) != 1 || posts[0].Kind != "video" || len(comments) != 1 || comments[0].Object != res.RemoteID || comments[0].Text != "More at example.com (link)" {
		t.Fatalf("posts %+v comments %+v", posts, comments)
	}
	for _, a := range f.Assets() {
		if a.Kind != "video" || !a.Finalized || len(a.PutsPerPart) != 3 {
			t.Errorf("video %+v", a)
		}
	}
}

func TestPublishDocument(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := newProvider(f)
	tok := connect(t, f, p)
	_, o := identities(t, p, tok)
	d := media(t, "Menu 2026.pdf", "application/pdf", 3000)
	if _, err := p.Publish(context.Background(), o, tok, platforms.Post{Text: "our menu", Media: []platforms.Media{d}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if posts := f.Posts(); len(posts) != 1 || posts[0].Kind != "document" {
		t.Fatalf("posts %+v", posts)
	}
}

func TestErrors(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := newProvider(f)
	tok := connect(t, f, p)
	m, _ := identities(t, p, tok)
	ctx := context.Background()
	post := platforms.Post{Text: "hello"}

	f.FailNext(1, 429, 90*time.Second)
	_, err := p.Publish(ctx, m, tok, post, nil, nil)
	if platforms.KindOf(err) != platforms.KindRetry || platforms.RetryAfterOf(err) != 90*time.Second {
		t.Errorf("429: %v (%v, %v)", err, platforms.KindOf(err), platforms.RetryAfterOf(err))
	}
	f.FailNext(1, 422, 0)
	_, err = p.Publish(ctx, m, tok, post, nil, nil)
	if platforms.KindOf(err) != platforms.KindFixPost || !strings.Contains(err.Error(), "Content is a duplicate") {
		t.Errorf("422: %v", err)
	}
	f.FailNext(1, 400, 0)
	if _, err = p.Publish(ctx, m, tok, post, nil, nil); platforms.KindOf(err) != platforms.KindFixPost {
		t.Errorf("400: %v", err)
	}
	f.FailNext(1, 401, 0)
	if _, err = p.Publish(ctx, m, tok, post, nil, nil); platforms.KindOf(err) != platforms.KindReconnect {
		t.Errorf("401: %v", err)
	}
	// A member-only login posting as the page: 403 ACCESS_DENIED.
	tok2 := tok
	f2 := fakes.NewLinkedIn()
	defer f2.Close()
	p2 := newProvider(f2)
	f2.AutoApprove = true
	creds := platforms.AppCredentials{ClientID: f2.ClientID}
	v := oauth2.GenerateVerifier()
	ar := p2.Authorize(creds, redirectURI)
	ar.Scopes = []string{"openid", "profile", "w_member_social"}
	code := authorizeCode(t, authURL(ar, f2.ClientID, redirectURI, "s", v))
	tok2, err = p2.Exchange(ctx, creds, redirectURI, code, v)
	if err != nil {
		t.Fatal(err)
	}
	org := platforms.Identity{RemoteID: "2414183", Kind: "organization", Extra: map[string]string{"author": "urn:li:organization:2414183"}}
	_, err = p2.Publish(ctx, org, tok2, post, nil, nil)
	if platforms.KindOf(err) != platforms.KindReconnect || !strings.Contains(err.Error(), "ADMINISTRATOR") {
		t.Errorf("403: %v", err)
	}
	if len(f.Posts()) != 0 || len(f2.Posts()) != 0 {
		t.Error("a failed call posted")
	}
	// A retired API version is not the post's fault.
	old := linkedin.New(linkedin.Config{APIURL: f.URL, Version: "202301"})
	if _, err := old.Identities(ctx, tok); platforms.KindOf(err) != platforms.KindUnknown || !strings.Contains(err.Error(), "update Localpost") {
		t.Errorf("old version: %v", err)
	}
	f.RevokeAll()
	_, err = p.Publish(ctx, m, tok, post, nil, nil)
	if platforms.KindOf(err) != platforms.KindReconnect || strings.Contains(err.Error(), tok.Access) {
		t.Errorf("revoked: %v", err)
	}
	// No answer at all.
	dead := linkedin.New(linkedin.Config{APIURL: "http://127.0.0.1:1"})
	if _, err := dead.Identities(ctx, tok); platforms.KindOf(err) != platforms.KindRetry {
		t.Errorf("no server: %v", err)
	}
}

// TestResumeAfterDroppedVideoPart cuts the connection while the second
// part of a video goes up: the retry continues from the saved state, sends
// only the missing parts, and LinkedIn ends up with one video and one post.
func TestResumeAfterDroppedVideoPart(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	f.SetVideoPartSize(80 << 10)
	p := newProvider(f)
	tok := connect(t, f, p)
	m, _ := identities(t, p, tok)
	post := platforms.Post{Text: "resume", Media: []platforms.Media{media(t, "clip.mp4", "video/mp4", 200<<10)}}
	f.DropStep(fakes.LinkedInStepUpload, 1, 1)
	var s saver
	_, err := p.Publish(context.Background(), m, tok, post, nil, s.save)
	if platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("dropped part: %v", err)
	}
	if len(f.Posts()) != 0 || !strings.Contains(string(s.last), `"etags":["/ambry/`) {
		t.Fatalf("state after the drop: %s", s.last)
	}
	res, err := p.Publish(context.Background(), m, tok, post, s.last, s.save)
	if err != nil {
		t.Fatal(err)
	}
	assets := f.Assets()
	if len(assets) != 1 {
		t.Fatalf("%d videos initialized", len(assets))
	}
	for _, a := range assets {
		// Part 0 once; part 1 dropped after LinkedIn stored it, sent again; part 2 once.
		if a.PutsPerPart[0] != 1 || a.PutsPerPart[2] != 1 || !a.Finalized {
			t.Errorf("video %+v", a)
		}
	}
	if posts := f.Posts(); len(posts) != 1 || posts[0].URN != res.RemoteID {
		t.Fatalf("posts %+v", posts)
	}
}

func TestResumeAfterDroppedImageUpload(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := newProvider(f)
	tok := connect(t, f, p)
	m, _ := identities(t, p, tok)
	post := platforms.Post{Text: "two", Media: []platforms.Media{media(t, "a.png", "image/png", 100), media(t, "b.png", "image/png", 100)}}
	f.FailStep(fakes.LinkedInStepImageInit, 1, 1, 503)
	var s saver
	if _, err := p.Publish(context.Background(), m, tok, post, nil, s.save); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("503 at the second image: %v", err)
	}
	if _, err := p.Publish(context.Background(), m, tok, post, s.last, s.save); err != nil {
		t.Fatal(err)
	}
	if a := f.Assets(); len(a) != 2 {
		t.Errorf("%d images initialized, want 2 (the first reused)", len(a))
	}
	if len(f.Posts()) != 1 {
		t.Errorf("posts %+v", f.Posts())
	}
}

// TestDroppedPostCreation: LinkedIn created the post but the answer was
// lost. For a page, Localpost finds the post and does not post again; for
// a member (whose posts it may not read) it asks the user instead.
func TestDroppedPostCreation(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := newProvider(f)
	tok := connect(t, f, p)
	m, o := identities(t, p, tok)
	post := platforms.Post{Text: "once (only)", Options: platforms.Options{FirstComment: "first"}}

	f.DropNext(1)
	var s saver
	if _, err := p.Publish(context.Background(), o, tok, post, nil, s.save); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("drop: %v", err)
	}
	res, err := p.Publish(context.Background(), o, tok, post, s.last, s.save)
	if err != nil {
		t.Fatal(err)
	}
	if posts := f.Posts(); len(posts) != 1 || posts[0].URN != res.RemoteID || len(f.Comments()) != 1 {
		t.Fatalf("posts %+v comments %+v", posts, f.Comments())
	}

	f.DropNext(1)
	s = saver{}
	if _, err := p.Publish(context.Background(), m, tok, post, nil, s.save); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("drop: %v", err)
	}
	_, err = p.Publish(context.Background(), m, tok, post, s.last, s.save)
	if !errors.Is(err, linkedin.ErrMaybePublished) || platforms.KindOf(err) != platforms.KindUnknown {
		t.Fatalf("member resume: %v", err)
	}
	if n := len(f.Posts()); n != 2 {
		t.Fatalf("%d posts, want 2 (one per author)", n)
	}

	// A dropped first comment is looked for before it is sent again.
	f.DropStep(fakes.LinkedInStepComment, 0, 1)
	s = saver{}
	post.Text = "comment drop"
	if _, err := p.Publish(context.Background(), o, tok, post, nil, s.save); platforms.KindOf(err) != platforms.KindRetry {
		t.Fatalf("comment drop: %v", err)
	}
	if _, err := p.Publish(context.Background(), o, tok, post, s.last, s.save); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Comments()); n != 2 {
		t.Fatalf("%d comments, want 2", n)
	}
}

func TestValidate(t *testing.T) {
	p := linkedin.New(linkedin.Config{})
	img := platforms.Media{Path: "/x/a.png", Mime: "image/png", Size: 100}
	vid := platforms.Media{Path: "/x/v.mp4", Mime: "video/mp4", Size: 1 << 20}
	cases := []struct {
		name  string
		post  platforms.Post
		field string
	}{
		{"too long", platforms.Post{Text: strings.Repeat("é", 3001)}, "text"},
		{"too many images", platforms.Post{Text: "x", Media: func() []platforms.Media {
			var ms []platforms.Media
			for range 21 {
				ms = append(ms, img)
			}
			return ms
		}()}, "media"},
		{"video and image", platforms.Post{Text: "x", Media: []platforms.Media{vid, img}}, "media"},
		{"wrong type", platforms.Post{Text: "x", Media: []platforms.Media{{Path: "/x/a.webp", Mime: "image/webp", Size: 10}}}, "media[0]"},
		{"video too big", platforms.Post{Text: "x", Media: []platforms.Media{{Path: "/x/v.mp4", Mime: "video/mp4", Size: 600 << 20}}}, "media[0]"},
		{"two documents", platforms.Post{Text: "x", Media: []platforms.Media{{Path: "/a.pdf", Mime: "application/pdf", Size: 10}, {Path: "/b.pdf", Mime: "application/pdf", Size: 10}}}, "media"},
	}
	for _, c := range cases {
		probs := p.Validate(c.post)
		found := false
		for _, pr := range probs {
			found = found || pr.Field == c.field
		}
		if !found {
			t.Errorf("%s: %v", c.name, probs)
		}
	}
	if probs := p.Validate(platforms.Post{Text: strings.Repeat("a", 3000), Media: []platforms.Media{img, img}}); len(probs) != 0 {
		t.Errorf("valid post: %v", probs)
	}
	// Publish refuses an invalid post before calling LinkedIn.
	_, err := p.Publish(context.Background(), platforms.Identity{RemoteID: "x"}, platforms.Token{Access: "t"}, cases[0].post, nil, nil)
	if platforms.KindOf(err) != platforms.KindFixPost {
		t.Errorf("Publish of a long post: %v", err)
	}
}

func TestEscapeLittle(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                     "plain",
		"a (b) [c]":                 `a \(b\) \[c\]`,
		"#tag and # alone":          `#tag and \# alone`,
		"mail@example.com":          `mail\@example.com`,
		"see https://x.io/a_(b)":    "see https://x.io/a_(b)",
		`back\slash *star* ~_|<>{}`: `back\\slash \*star\* \~\_\|\<\>\{\}`,
	} {
		if got := linkedin.EscapeLittle(in); got != want {
			t.Errorf("EscapeLittle(%q) = %q, want %q", in, got, want)
		}
	}
}
