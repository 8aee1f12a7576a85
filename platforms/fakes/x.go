package fakes

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"image"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"localpost/platforms"
)

// X is an in-process X (Twitter) API v2 server on 127.0.0.1: OAuth 2.0
// authorize and token endpoints with PKCE and rotating refresh tokens,
// GET /2/users/me, the chunked media upload (/2/media/upload/initialize,
// /{id}/append, /{id}/finalize, GET /2/media/upload?command=STATUS),
// /2/media/metadata, POST /2/tweets and GET /2/users/{id}/tweets. It is
// safe for concurrent use.
//
// One developer app is registered: XClientID, a public "Native App" client
// (no secret) whose callback is XRedirectURI; AddClient registers more. The
// one user is @localpost_demo. Videos and GIFs are processed
// "asynchronously": FINALIZE answers processing_info pending and each
// STATUS poll counts down, answering in_progress until the count is spent,
// then succeeded; by default the first poll answers succeeded (see
// SetProcessing).
type X struct {
	URL string // http://127.0.0.1:PORT; serves api.x.com, x.com/i/oauth2 and the web pages

	// AutoApprove makes GET /i/oauth2/authorize redirect at once, as if the
	// user had pressed Authorize. Otherwise it shows a page with buttons.
	AutoApprove bool

	srv *http.Server

	mu          sync.Mutex
	seq         int64
	clients     map[string]*xClient
	codes       map[string]*xCode
	tokens      map[string]*xToken   // by access token
	refresh     map[string]*xRefresh // by refresh token
	uploads     map[string]*xUpload
	uploadOrder []string
	posts       []XPost
	requests    []Request
	faults      map[string]*xFault
	processing  int
	failProcess bool
	lifetime    time.Duration
	maxChars    int
	avatar      []byte
	hook        Hook      // SetHook
	metricReads postReads // GET /2/tweets and users/me public_metrics, per post id ("" the user)
}

// XClientID and XRedirectURI are the developer app the fake knows from the
// start: a public client, as Localpost registers it ("Native App").
const (
	XClientID    = "bG9jYWxwb3N0LWRlbW8tY2xpZW50OjE6Y2k"
	XRedirectURI = "http://127.0.0.1:53682/callback"
)

// The demo user.
const (
	XUserID   = "1790000000000000001"
	XUsername = "localpost_demo"
	XName     = "Demo Café"
)

type xClient struct {
	id, secret string
	redirects  []string
}

type xCode struct {
	clientID, redirectURI, challenge, method string
	scopes                                   []string
	expires                                  time.Time
}

type xToken struct {
	clientID string
	scopes   []string
	expires  time.Time
	revoked  bool
}

type xRefresh struct {
	clientID string
	scopes   []string
	revoked  bool
}

type xUpload struct {
	id, key, mediaType, category string
	total                        int64
	segments                     map[int][]byte
	finalized                    bool
	pending                      int // STATUS polls left before it is processed
	failed                       bool
	alt                          string
	expires                      time.Time
	w, h                         int
}

type xFault struct {
	n          int
	status     int
	retryAfter time.Duration
	drop       bool
}

// XPost is a post the fake received.
type XPost struct {
	ID        string
	Text      string // as sent
	MediaIDs  []string
	ReplyTo   string
	AuthorID  string
	CreatedAt time.Time
	stored    string // as X returns it: escaped, links as t.co
}

// XUpload is a media upload the fake received.
type XUpload struct {
	ID, MediaType, Category string
	TotalBytes, Received    int64
	Segments                int
	Finalized, Processed    bool
	Alt                     string
}

// NewX starts the fake on 127.0.0.1 on a free port; it panics if it
// cannot listen, like httptest.NewServer.
func NewX() *X {
	ln, base := mustListenFree("fakes: x: ")
	f := &X{
		URL:        base,
		clients:    map[string]*xClient{XClientID: {id: XClientID, redirects: []string{XRedirectURI}}},
		codes:      map[string]*xCode{},
		tokens:     map[string]*xToken{},
		refresh:    map[string]*xRefresh{},
		uploads:    map[string]*xUpload{},
		faults:     map[string]*xFault{},
		processing: 1,
		lifetime:   2 * time.Hour,
		maxChars:   280,
		seq:        1860000000000000000,
	}
	f.srv = serve(ln, f.routes())
	return f
}

// Close stops the fake.
func (f *X) Close() { _ = f.srv.Close() }

// AuthorizeURL and TokenURL are the fake's OAuth endpoints (the real ones
// are https://x.com/i/oauth2/authorize and https://api.x.com/2/oauth2/token).
func (f *X) AuthorizeURL() string { return f.URL + "/i/oauth2/authorize" }

// TokenURL is the fake's token endpoint.
func (f *X) TokenURL() string { return f.URL + "/2/oauth2/token" }

// AddClient registers a developer app: secret "" is a public client
// (client_id in the body), else a confidential one (HTTP Basic).
func (f *X) AddClient(id, secret string, redirectURIs ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clients[id] = &xClient{id: id, secret: secret, redirects: redirectURIs}
}

// SetProcessing sets how many STATUS polls answer in_progress before a
// video or GIF is processed (default 1); fail makes processing fail.
func (f *X) SetProcessing(polls int, fail bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.processing, f.failProcess = polls, fail
}

// SetTokenLifetime sets how long new access tokens last (default 2 h).
func (f *X) SetTokenLifetime(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lifetime = d
}

// SetMaxChars sets the weighted length POST /2/tweets accepts (default 280).
func (f *X) SetMaxChars(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.maxChars = n
}

// RevokeAll makes every access and refresh token invalid, as when the user
// removes the app under "Connected apps".
func (f *X) RevokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tokens {
		t.revoked = true
	}
	for _, r := range f.refresh {
		r.revoked = true
	}
}

// ExpireAll makes every access token expired; refresh tokens still work.
func (f *X) ExpireAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tokens {
		t.expires = time.Now().Add(-time.Second)
	}
}

// The steps FailStep and DropStep know.
const (
	XStepToken      = "token"
	XStepMe         = "me"
	XStepInitialize = "initialize"
	XStepAppend     = "append"
	XStepFinalize   = "finalize"
	XStepStatus     = "status"
	XStepMetadata   = "metadata"
	XStepTweets     = "tweets"
	XStepTimeline   = "timeline"
)

// FailNext makes the next n POST /2/tweets answer status without posting;
// a 429 carries x-rate-limit-reset retryAfter from now (X sends no
// Retry-After), other statuses a Retry-After if retryAfter > 0.
func (f *X) FailNext(n, status int, retryAfter time.Duration) {
	f.setFault(XStepTweets, &xFault{n: n, status: status, retryAfter: retryAfter})
}

// DropNext makes the next n POST /2/tweets create the post and then cut
// the connection before answering.
func (f *X) DropNext(n int) { f.setFault(XStepTweets, &xFault{n: n, drop: true}) }

// FailStep makes the next n requests of a step (XStepAppend, ...) answer
// status without doing anything.
func (f *X) FailStep(step string, n, status int) {
	f.setFault(step, &xFault{n: n, status: status})
}

// DropStep makes the next n requests of a step do their work and then cut
// the connection before answering.
func (f *X) DropStep(step string, n int) { f.setFault(step, &xFault{n: n, drop: true}) }

func (f *X) setFault(step string, ft *xFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[step] = ft
}

// Posts returns what was posted, in order.
func (f *X) Posts() []XPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]XPost, len(f.posts))
	for i, p := range f.posts {
		p.MediaIDs = slices.Clone(p.MediaIDs)
		out[i] = p
	}
	return out
}

// Uploads returns every upload session started, in order.
func (f *X) Uploads() []XUpload {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []XUpload
	for _, id := range f.uploadOrder {
		u := f.uploads[id]
		var got int64
		for _, s := range u.segments {
			got += int64(len(s))
		}
		out = append(out, XUpload{ID: u.id, MediaType: u.mediaType, Category: u.category, TotalBytes: u.total, Received: got,
			Segments: len(u.segments), Finalized: u.finalized, Processed: u.finalized && u.pending == 0 && !u.failed, Alt: u.alt})
	}
	return out
}

// Requests returns every request served, in order, secrets redacted.
func (f *X) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return cloneRequests(f.requests)
}

// SetHook sets (nil: removes) the hook called around every request.
func (f *X) SetHook(h Hook) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = h
}

func (f *X) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /i/oauth2/authorize", f.authorizePage)
	mux.HandleFunc("POST /i/oauth2/authorize", f.authorizeDecision)
	mux.HandleFunc("POST /2/oauth2/token", f.token)
	mux.HandleFunc("POST /2/oauth2/revoke", f.revoke) // x_revoke.go
	mux.HandleFunc("GET /2/users/me", f.me)
	mux.HandleFunc("GET /2/users/{id}/tweets", f.timeline)
	mux.HandleFunc("POST /2/media/upload/initialize", f.initialize)
	mux.HandleFunc("POST /2/media/upload/{id}/append", f.appendSegment)
	mux.HandleFunc("POST /2/media/upload/{id}/finalize", f.finalize)
	mux.HandleFunc("GET /2/media/upload", f.status)
	mux.HandleFunc("POST /2/media/metadata", f.metadata)
	mux.HandleFunc("POST /2/tweets", f.createPost)
	mux.HandleFunc("GET /2/tweets", f.lookup)
	mux.HandleFunc("GET /profile_images/{file}", f.avatarFile)
	mux.HandleFunc("GET /{user}/status/{id}", f.postPage)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		xProblem(w, http.StatusNotFound, "about:blank", "Not Found", "Sorry, that page does not exist.")
	})
	return f.record(mux)
}

func (f *X) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		hook := f.hook
		f.mu.Unlock()
		if hook != nil {
			hook(r, false)
		}
		body := keepBody(r, 64<<20)
		req, _ := serveRecorded(next, w, r, redactQuery, redactJSON)
		req.Body = recordBody(r.Header.Get("Content-Type"), body)
		f.mu.Lock()
		f.requests = append(f.requests, req)
		f.mu.Unlock()
		if hook != nil {
			hook(r, true)
		}
	})
}

// ---- helpers ----

func (f *X) xNextIDLocked() string {
	f.seq += 1 + f.seq%7
	return strconv.FormatInt(f.seq, 10)
}

// xProblem writes X's problem JSON (application/problem+json).
func xProblem(w http.ResponseWriter, status int, typ, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"title": title, "detail": detail, "type": typ, "status": status})
}

// xInvalid writes X's 400 for a bad parameter: problem JSON plus errors[].
func xInvalid(w http.ResponseWriter, param, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{"parameters": map[string]any{param: []any{}}, "message": msg}},
		"title":  "Invalid Request", "detail": "One or more parameters to your request was invalid.",
		"type": "https://api.x.com/2/problems/invalid-request",
	})
}

func xStatusProblem(w http.ResponseWriter, status int) {
	t := http.StatusText(status)
	xProblem(w, status, "about:blank", t, t)
}

// fail answers an injected failure for step, if one is due.
func (f *X) fail(w http.ResponseWriter, step string) bool {
	f.mu.Lock()
	ft := f.faults[step]
	if ft == nil || ft.drop || ft.n <= 0 {
		f.mu.Unlock()
		return false
	}
	ft.n--
	f.mu.Unlock()
	if ft.status == http.StatusTooManyRequests {
		w.Header().Set("x-rate-limit-limit", "100")
		w.Header().Set("x-rate-limit-remaining", "0")
		w.Header().Set("x-rate-limit-reset", strconv.FormatInt(time.Now().Add(ft.retryAfter).Unix(), 10))
	} else if ft.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(ft.retryAfter/time.Second)))
	}
	switch ft.status {
	case http.StatusBadRequest:
		xInvalid(w, "text", "Your post was refused by the fake: FailNext(400).")
	case http.StatusUnauthorized:
		xProblem(w, 401, "about:blank", "Unauthorized", "Unauthorized")
	default:
		xStatusProblem(w, ft.status)
	}
	return true
}

// answer writes v, or with an injected drop cuts the connection instead.
func (f *X) answer(w http.ResponseWriter, step string, status int, v any) {
	f.mu.Lock()
	ft := f.faults[step]
	drop := ft != nil && ft.drop && ft.n > 0
	if drop {
		ft.n--
	}
	f.mu.Unlock()
	if drop && hangUp(w) {
		return
	}
	writeJSON(w, status, v)
}

// user checks the bearer token and its scopes; it answers 401/403 and
// returns false when they do not do.
func (f *X) user(w http.ResponseWriter, r *http.Request, scopes ...string) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	t := f.tokens[tok]
	f.mu.Unlock()
	if !ok || t == nil || t.revoked || time.Now().After(t.expires) {
		xProblem(w, http.StatusUnauthorized, "about:blank", "Unauthorized", "Unauthorized")
		return false
	}
	for _, s := range scopes {
		if !slices.Contains(t.scopes, s) {
			xProblem(w, http.StatusForbidden, "about:blank", "Forbidden",
				"You are not permitted to perform this action: the token lacks the "+s+" scope.")
			return false
		}
	}
	return true
}

// ---- OAuth ----

var xScopes = []string{"tweet.read", "tweet.write", "users.read", "media.write", "offline.access",
	"follows.read", "follows.write", "like.read", "like.write", "list.read", "list.write", "bookmark.read",
	"bookmark.write", "block.read", "mute.read", "mute.write", "space.read", "dm.read", "dm.write", "tweet.moderate.write"}

type xAuthReq struct {
	client                           *xClient
	redirectURI, state, scope, rtype string
	challenge, method                string
}

var xErrorPage = template.Must(template.New("xerr").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>X</title></head>
<body><h1>Something went wrong</h1><p>You weren’t able to give access to the App. {{.}}</p></body></html>
`))

// checkAuthorize validates an authorize request: an unknown client or a
// callback that is not registered exactly get an error page; the rest are
// redirected back with error=...
func (f *X) checkAuthorize(w http.ResponseWriter, r *http.Request, v url.Values) (*xAuthReq, bool) {
	f.mu.Lock()
	c := f.clients[v.Get("client_id")]
	f.mu.Unlock()
	ar := &xAuthReq{client: c, redirectURI: v.Get("redirect_uri"), state: v.Get("state"), scope: v.Get("scope"),
		rtype: v.Get("response_type"), challenge: v.Get("code_challenge"), method: v.Get("code_challenge_method")}
	page := func(msg string) (*xAuthReq, bool) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		_ = xErrorPage.Execute(w, msg)
		return nil, false
	}
	if c == nil {
		return page("The client_id is not a registered app.")
	}
	if !slices.Contains(c.redirects, ar.redirectURI) {
		return page("The callback URL does not match one registered for the app, exactly.")
	}
	fail := func(code, desc string) (*xAuthReq, bool) {
		q := url.Values{"error": {code}, "error_description": {desc}}
		if ar.state != "" {
			q.Set("state", ar.state)
		}
		xRedirect(w, ar.redirectURI, q)
		return nil, false
	}
	if ar.rtype != "code" {
		return fail("unsupported_response_type", "response_type must be code")
	}
	if ar.state == "" {
		return fail("invalid_request", "state is required")
	}
	scopes := strings.Fields(ar.scope)
	if len(scopes) == 0 {
		return fail("invalid_scope", "scope is required")
	}
	for _, s := range scopes {
		if !slices.Contains(xScopes, s) {
			return fail("invalid_scope", "unknown scope "+s)
		}
	}
	if ar.challenge == "" || (ar.method != "S256" && ar.method != "plain") {
		return fail("invalid_request", "code_challenge with code_challenge_method S256 or plain is required")
	}
	return ar, true
}

// xRedirect answers 302 without a body (the code must not be recorded).
func xRedirect(w http.ResponseWriter, to string, q url.Values) {
	w.Header().Set("Location", withQuery(to, q))
	w.WriteHeader(http.StatusFound)
}

func (f *X) approve(w http.ResponseWriter, ar *xAuthReq) {
	code := randomString()
	f.mu.Lock()
	f.codes[code] = &xCode{clientID: ar.client.id, redirectURI: ar.redirectURI, challenge: ar.challenge, method: ar.method,
		scopes: strings.Fields(ar.scope), expires: time.Now().Add(30 * time.Second)}
	f.mu.Unlock()
	xRedirect(w, ar.redirectURI, url.Values{"code": {code}, "state": {ar.state}})
}

var xAuthorizeTmpl = template.Must(template.New("xauth").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize app</title>
<style>body{font-family:sans-serif;max-width:30em;margin:4em auto;text-align:center}button{font-size:1.1em;margin:.5em;padding:.4em 1.2em}</style>
</head><body>
<h1>𝕏</h1>
<p>Localpost wants to access your X account @{{.User}}.</p>
<p>It asks for: {{.Scope}}</p>
<form method="post" action="/i/oauth2/authorize">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="response_type" value="{{.ResponseType}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="code_challenge" value="{{.Challenge}}">
<input type="hidden" name="code_challenge_method" value="{{.Method}}">
<button type="submit" name="decision" value="approve" id="authorize">Authorize app</button>
<button type="submit" name="decision" value="deny" id="deny">Cancel</button>
</form>
</body></html>
`))

func (f *X) authorizePage(w http.ResponseWriter, r *http.Request) {
	ar, ok := f.checkAuthorize(w, r, r.URL.Query())
	if !ok {
		return
	}
	if f.AutoApprove {
		f.approve(w, ar)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = xAuthorizeTmpl.Execute(w, map[string]string{
		"User": XUsername, "Scope": ar.scope, "ClientID": ar.client.id, "RedirectURI": ar.redirectURI,
		"ResponseType": ar.rtype, "State": ar.state, "Challenge": ar.challenge, "Method": ar.method,
	})
}

func (f *X) authorizeDecision(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		xStatusProblem(w, http.StatusBadRequest)
		return
	}
	ar, ok := f.checkAuthorize(w, r, r.PostForm)
	if !ok {
		return
	}
	if r.PostForm.Get("decision") != "approve" {
		xRedirect(w, ar.redirectURI, url.Values{"error": {"access_denied"}, "state": {ar.state}})
		return
	}
	f.approve(w, ar)
}

// Approve plays the user's browser: it submits the consent form of authURL
// (an authorize address built for this fake) with Authorize and follows
// the redirect to the app's callback.
func (f *X) Approve(authURL string) error {
	return approveByForm(authURL, f.AuthorizeURL()+"?", f.AuthorizeURL(), nil)
}

// clientForm reads an OAuth form and the client naming itself in it
// (client_id) or with Basic auth (a confidential client); false after
// answering a malformed request.
func clientForm(w http.ResponseWriter, r *http.Request) (v url.Values, id, pass string, basic, ok bool) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
		return nil, "", "", false, false
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Could not read the request body.")
		return nil, "", "", false, false
	}
	v = r.PostForm
	id = v.Get("client_id")
	user, pass, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(user)
		pass, _ = url.QueryUnescape(pass)
	}
	return v, id, pass, basic, true
}

// token is POST /2/oauth2/token: authorization_code (PKCE verified) and
// refresh_token (rotating: the old refresh token stops working).
func (f *X) token(w http.ResponseWriter, r *http.Request) {
	if f.fail(w, XStepToken) {
		return
	}
	v, id, pass, basic, ok := clientForm(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	c := f.clients[id]
	f.mu.Unlock()
	switch {
	case c == nil:
		oauthError(w, http.StatusUnauthorized, "unauthorized_client", "Missing valid authorization header")
		return
	case c.secret != "" && (!basic || pass != c.secret):
		oauthError(w, http.StatusUnauthorized, "unauthorized_client", "Missing valid authorization header")
		return
	}
	var scopes []string
	switch v.Get("grant_type") {
	case "authorization_code":
		code := v.Get("code")
		f.mu.Lock()
		cd := f.codes[code]
		delete(f.codes, code) // single use, even when this attempt fails
		f.mu.Unlock()
		if cd == nil || cd.clientID != c.id || time.Now().After(cd.expires) || cd.redirectURI != v.Get("redirect_uri") {
			oauthError(w, http.StatusBadRequest, "invalid_request", "Value passed for the authorization code was invalid.")
			return
		}
		verifier := v.Get("code_verifier")
		want := verifier
		if cd.method == "S256" {
			sum := sha256.Sum256([]byte(verifier))
			want = base64.RawURLEncoding.EncodeToString(sum[:])
		}
		if verifier == "" || want != cd.challenge {
			oauthError(w, http.StatusBadRequest, "invalid_request", "Value passed for the code_verifier was invalid.")
			return
		}
		scopes = cd.scopes
	case "refresh_token":
		rt := v.Get("refresh_token")
		f.mu.Lock()
		old := f.refresh[rt]
		delete(f.refresh, rt)
		f.mu.Unlock()
		if old == nil || old.revoked || old.clientID != c.id {
			oauthError(w, http.StatusBadRequest, "invalid_request", "Value passed for the token was invalid.")
			return
		}
		scopes = old.scopes
	default:
		oauthError(w, http.StatusBadRequest, "invalid_request", "Value passed for the grant type was invalid.")
		return
	}
	access := randomString()
	f.mu.Lock()
	life := f.lifetime
	f.tokens[access] = &xToken{clientID: c.id, scopes: scopes, expires: time.Now().Add(life)}
	out := map[string]any{"token_type": "bearer", "expires_in": int(life / time.Second), "access_token": access, "scope": strings.Join(scopes, " ")}
	if slices.Contains(scopes, "offline.access") {
		rt := randomString()
		f.refresh[rt] = &xRefresh{clientID: c.id, scopes: scopes}
		out["refresh_token"] = rt
	}
	f.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	f.answer(w, XStepToken, http.StatusOK, out)
}

// ---- users ----

func (f *X) me(w http.ResponseWriter, r *http.Request) {
	if f.fail(w, XStepMe) || !f.user(w, r, "users.read", "tweet.read") {
		return
	}
	data := map[string]any{"id": XUserID, "name": XName, "username": XUsername}
	for _, fld := range strings.Split(r.URL.Query().Get("user.fields"), ",") {
		switch fld {
		case "profile_image_url":
			data[fld] = f.URL + "/profile_images/demo_normal.png"
		case "created_at":
			data[fld] = "2024-03-01T00:00:00.000Z"
		case "description":
			data[fld] = "The demo account of Localpost's local X server."
		case "verified":
			data[fld] = false
		case "protected":
			data[fld] = false
		case "public_metrics":
			data[fld] = f.userMetrics()
		}
	}
	f.answer(w, XStepMe, http.StatusOK, map[string]any{"data": data})
}

func (f *X) timeline(w http.ResponseWriter, r *http.Request) {
	if f.fail(w, XStepTimeline) || !f.user(w, r, "users.read", "tweet.read") {
		return
	}
	if r.PathValue("id") != XUserID {
		xProblem(w, http.StatusNotFound, "https://api.x.com/2/problems/resource-not-found", "Not Found Error", "Could not find user with id: ["+r.PathValue("id")+"].")
		return
	}
	q := r.URL.Query()
	limit := 10
	if s := q.Get("max_results"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 5 || n > 100 {
			xInvalid(w, "max_results", "The `max_results` query parameter value ["+s+"] is not between 5 and 100")
			return
		}
		limit = n
	}
	var since time.Time
	if s := q.Get("start_time"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			xInvalid(w, "start_time", "Invalid 'start_time':'"+s+"'.")
			return
		}
		since = t
	}
	skip := 0 // pagination_token: how many posts earlier pages held
	if s := q.Get("pagination_token"); s != "" {
		b, err := base64.RawURLEncoding.DecodeString(s)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 {
			xInvalid(w, "pagination_token", "Invalid 'pagination_token':'"+s+"'.")
			return
		}
		skip = n
	}
	f.mu.Lock()
	var data []any
	seen, more := 0, false
	for i := len(f.posts) - 1; i >= 0 && !more; i-- {
		p := f.posts[i]
		if p.AuthorID == XUserID && !p.CreatedAt.Before(since) {
			if seen++; seen <= skip {
				continue
			}
			if more = len(data) == limit; !more {
				data = append(data, map[string]any{"id": p.ID, "text": p.stored, "edit_history_tweet_ids": []string{p.ID}})
			}
		}
	}
	f.mu.Unlock()
	meta := map[string]any{"result_count": len(data)}
	out := map[string]any{"meta": meta}
	if len(data) > 0 {
		out["data"] = data
		meta["newest_id"] = data[0].(map[string]any)["id"]
		meta["oldest_id"] = data[len(data)-1].(map[string]any)["id"]
	}
	if more {
		meta["next_token"] = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(skip + limit)))
	}
	f.answer(w, XStepTimeline, http.StatusOK, out)
}

func (f *X) avatarFile(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("file") != "demo_normal.png" {
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	if f.avatar == nil {
		f.avatar = demoAvatar()
	}
	b := f.avatar
	f.mu.Unlock()
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(b)
}

func (f *X) postPage(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	var post *XPost
	for i := range f.posts {
		if f.posts[i].ID == r.PathValue("id") {
			p := f.posts[i]
			post = &p
		}
	}
	f.mu.Unlock()
	if post == nil || r.PathValue("user") != XUsername {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s on X</title></head><body><p><b>%s</b> @%s</p><p>%s</p><p>%d media</p></body></html>\n",
		html.EscapeString(XName), html.EscapeString(XName), XUsername, html.EscapeString(post.Text), len(post.MediaIDs))
}

// ---- media ----

var xMediaTypes = map[string][]string{
	"tweet_image": {"image/jpeg", "image/png", "image/webp", "image/bmp", "image/pjpeg", "image/tiff"},
	"tweet_gif":   {"image/gif"},
	"tweet_video": {"video/mp4", "video/quicktime", "video/webm", "video/mp2t"},
}

var xMaxBytes = map[string]int64{"tweet_image": 5 << 20, "tweet_gif": 15 << 20, "tweet_video": 512 << 20}

func (f *X) initialize(w http.ResponseWriter, r *http.Request) {
	if f.fail(w, XStepInitialize) || !f.user(w, r, "media.write") {
		return
	}
	var in struct {
		MediaType     string `json:"media_type"`
		MediaCategory string `json:"media_category"`
		TotalBytes    int64  `json:"total_bytes"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		xInvalid(w, "body", "The request body is not valid JSON.")
		return
	}
	if in.MediaCategory == "" {
		in.MediaCategory = "tweet_image"
		if in.MediaType == "image/gif" {
			in.MediaCategory = "tweet_gif"
		}
	}
	switch {
	case !slices.Contains(xMediaTypes[in.MediaCategory], in.MediaType):
		xInvalid(w, "media_type", fmt.Sprintf("media_type %q is not supported for media_category %q.", in.MediaType, in.MediaCategory))
		return
	case in.TotalBytes <= 0:
		xInvalid(w, "total_bytes", "total_bytes must be a positive number.")
		return
	case in.TotalBytes > xMaxBytes[in.MediaCategory]:
		xInvalid(w, "total_bytes", fmt.Sprintf("File size exceeds %d bytes.", xMaxBytes[in.MediaCategory]))
		return
	}
	prefix := map[string]string{"tweet_image": "3_", "tweet_gif": "16_", "tweet_video": "7_"}[in.MediaCategory]
	f.mu.Lock()
	id := f.xNextIDLocked()
	u := &xUpload{id: id, key: prefix + id, mediaType: in.MediaType, category: in.MediaCategory, total: in.TotalBytes,
		segments: map[int][]byte{}, expires: time.Now().Add(24 * time.Hour)}
	f.uploads[id] = u
	f.uploadOrder = append(f.uploadOrder, id)
	f.mu.Unlock()
	f.answer(w, XStepInitialize, http.StatusOK, map[string]any{"data": map[string]any{"id": id, "media_key": u.key, "expires_after_secs": 86400}})
}

// upload returns the session for the path's {id}, or answers 400/404.
func (f *X) upload(w http.ResponseWriter, id string) *xUpload {
	f.mu.Lock()
	u := f.uploads[id]
	f.mu.Unlock()
	if u == nil || time.Now().After(u.expires) {
		xProblem(w, http.StatusNotFound, "https://api.x.com/2/problems/resource-not-found", "Not Found Error", "Could not find media with id: ["+id+"].")
		return nil
	}
	return u
}

func (f *X) appendSegment(w http.ResponseWriter, r *http.Request) {
	if f.fail(w, XStepAppend) || !f.user(w, r, "media.write") {
		return
	}
	u := f.upload(w, r.PathValue("id"))
	if u == nil {
		return
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		xInvalid(w, "media", "The request must be multipart/form-data with media and segment_index.")
		return
	}
	seg, err := strconv.Atoi(r.FormValue("segment_index"))
	if err != nil || seg < 0 || seg > 999 {
		xInvalid(w, "segment_index", "segment_index must be an integer between 0 and 999.")
		return
	}
	file, _, err := r.FormFile("media")
	if err != nil {
		xInvalid(w, "media", "media is required.")
		return
	}
	data, _ := io.ReadAll(file)
	file.Close()
	f.mu.Lock()
	finalized := u.finalized
	if !finalized {
		u.segments[seg] = data // a repeated segment replaces the earlier one
	}
	exp := u.expires.Unix()
	f.mu.Unlock()
	if finalized {
		xInvalid(w, "id", "The upload was already finalized.")
		return
	}
	f.answer(w, XStepAppend, http.StatusOK, map[string]any{"data": map[string]any{"expires_at": exp}})
}

func (f *X) finalize(w http.ResponseWriter, r *http.Request) {
	if f.fail(w, XStepFinalize) || !f.user(w, r, "media.write") {
		return
	}
	u := f.upload(w, r.PathValue("id"))
	if u == nil {
		return
	}
	f.mu.Lock()
	var got int64
	var all []byte
	ok := true
	for i := range len(u.segments) {
		s, have := u.segments[i]
		if !have {
			ok = false
		}
		got += int64(len(s))
		all = append(all, s...)
	}
	if !u.finalized && ok && got == u.total {
		u.finalized = true
		if u.category != "tweet_image" {
			u.pending, u.failed = f.processing, f.failProcess
		} else if cfg, _, err := image.DecodeConfig(bytes.NewReader(all)); err == nil {
			u.w, u.h = cfg.Width, cfg.Height
		}
	}
	resp := f.mediaJSONLocked(u)
	f.mu.Unlock()
	if !ok || got != u.total {
		xInvalid(w, "id", fmt.Sprintf("Segments do not add up to provided total file size (%d of %d bytes).", got, u.total))
		return
	}
	f.answer(w, XStepFinalize, http.StatusOK, map[string]any{"data": resp})
}

func (f *X) mediaJSONLocked(u *xUpload) map[string]any {
	d := map[string]any{"id": u.id, "media_key": u.key, "size": u.total, "expires_after_secs": max(0, int(time.Until(u.expires)/time.Second))}
	switch {
	case u.category == "tweet_image":
		img := map[string]any{"image_type": u.mediaType}
		if u.w > 0 {
			img["w"], img["h"] = u.w, u.h
		}
		d["image"] = img
	case u.failed && u.pending == 0:
		d["processing_info"] = map[string]any{"state": "failed", "progress_percent": 0}
	case u.pending > 0 && u.pending == f.processing:
		d["processing_info"] = map[string]any{"state": "pending", "check_after_secs": 1}
	case u.pending > 0:
		d["processing_info"] = map[string]any{"state": "in_progress", "check_after_secs": 1, "progress_percent": 50}
	default:
		d["processing_info"] = map[string]any{"state": "succeeded", "progress_percent": 100}
		if u.category == "tweet_video" {
			d["video"] = map[string]any{"video_type": u.mediaType}
		}
	}
	return d
}

func (f *X) status(w http.ResponseWriter, r *http.Request) {
	if f.fail(w, XStepStatus) || !f.user(w, r, "media.write") {
		return
	}
	q := r.URL.Query()
	if c := q.Get("command"); c != "" && c != "STATUS" {
		xInvalid(w, "command", "command must be STATUS.")
		return
	}
	u := f.upload(w, q.Get("media_id"))
	if u == nil {
		return
	}
	f.mu.Lock()
	if !u.finalized {
		f.mu.Unlock()
		xInvalid(w, "media_id", "The upload was not finalized.")
		return
	}
	if u.pending > 0 {
		u.pending--
	}
	d := f.mediaJSONLocked(u)
	f.mu.Unlock()
	f.answer(w, XStepStatus, http.StatusOK, map[string]any{"data": d})
}

func (f *X) metadata(w http.ResponseWriter, r *http.Request) {
	if f.fail(w, XStepMetadata) || !f.user(w, r, "media.write") {
		return
	}
	var in struct {
		ID       string `json:"id"`
		Metadata struct {
			AltText *struct {
				Text string `json:"text"`
			} `json:"alt_text"`
		} `json:"metadata"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.ID == "" {
		xInvalid(w, "id", "id is required.")
		return
	}
	u := f.upload(w, in.ID)
	if u == nil {
		return
	}
	assoc := map[string]any{}
	if a := in.Metadata.AltText; a != nil {
		if n := len([]rune(a.Text)); n > 1000 {
			xInvalid(w, "metadata.alt_text.text", "Alt text is longer than 1000 characters.")
			return
		}
		f.mu.Lock()
		u.alt = a.Text
		f.mu.Unlock()
		assoc["alt_text"] = map[string]any{"text": a.Text}
	}
	f.answer(w, XStepMetadata, http.StatusOK, map[string]any{"data": map[string]any{"id": in.ID, "associated_metadata": assoc}})
}

// ---- posts ----

var xLimits = platforms.Limits{URLWeight: 23, WideWeight: 2}

var xURLRe = regexp.MustCompile(`https?://[^\s<>"]+`)

// xStored is the text as X gives it back: &, < and > escaped and every
// link replaced by a t.co link.
func xStored(text string) string {
	s := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(text)
	return xURLRe.ReplaceAllStringFunc(s, func(string) string { return "https://t.co/" + randomString()[:10] })
}

func (f *X) createPost(w http.ResponseWriter, r *http.Request) {
	if f.fail(w, XStepTweets) || !f.user(w, r, "tweet.write", "tweet.read", "users.read") {
		return
	}
	var in struct {
		Text  *string `json:"text"`
		Media *struct {
			MediaIDs []string `json:"media_ids"`
		} `json:"media"`
		Reply *struct {
			InReplyTo string `json:"in_reply_to_tweet_id"`
		} `json:"reply"`
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		xInvalid(w, "body", "The request body must be JSON.")
		return
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		xInvalid(w, "body", "The request body is not valid JSON.")
		return
	}
	text := ""
	if in.Text != nil {
		text = *in.Text
	}
	var ids []string
	if in.Media != nil {
		ids = in.Media.MediaIDs
	}
	f.mu.Lock()
	maxChars := f.maxChars
	var kinds []string
	for _, id := range ids {
		u := f.uploads[id]
		switch {
		case u == nil || !u.finalized:
			f.mu.Unlock()
			xInvalid(w, "media.media_ids", "Your media IDs are invalid.")
			return
		case u.pending > 0 || u.failed:
			f.mu.Unlock()
			xInvalid(w, "media.media_ids", "Your media is still processing or failed to process.")
			return
		}
		kinds = append(kinds, u.category)
	}
	replyOK := true
	if in.Reply != nil {
		replyOK = slices.ContainsFunc(f.posts, func(p XPost) bool { return p.ID == in.Reply.InReplyTo })
	}
	dup := text != "" && slices.ContainsFunc(f.posts, func(p XPost) bool { return p.Text == text && p.AuthorID == XUserID })
	f.mu.Unlock()
	switch {
	case text == "" && len(ids) == 0:
		xInvalid(w, "text", "Post text is required when no media is attached.")
		return
	case xLimits.CountChars(text) > maxChars:
		xInvalid(w, "text", "Your Tweet text is too long. For more information on how X determines text length see https://github.com/twitter/twitter-text.")
		return
	case len(ids) > 4:
		xInvalid(w, "media.media_ids", "Your media IDs are invalid: at most 4.")
		return
	case len(ids) > 1 && (slices.Contains(kinds, "tweet_video") || slices.Contains(kinds, "tweet_gif")):
		xInvalid(w, "media.media_ids", "A video or GIF must be the only media of a post.")
		return
	case !replyOK:
		xInvalid(w, "reply.in_reply_to_tweet_id", "You attempted to reply to a Tweet that is deleted or not visible to you.")
		return
	case dup:
		xProblem(w, http.StatusForbidden, "about:blank", "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
		return
	}
	f.mu.Lock()
	p := XPost{ID: f.xNextIDLocked(), Text: text, MediaIDs: slices.Clone(ids), AuthorID: XUserID, CreatedAt: time.Now(), stored: xStored(text)}
	if in.Reply != nil {
		p.ReplyTo = in.Reply.InReplyTo
	}
	f.posts = append(f.posts, p)
	f.mu.Unlock()
	f.answer(w, XStepTweets, http.StatusCreated, map[string]any{"data": map[string]any{"id": p.ID, "text": p.stored, "edit_history_tweet_ids": []string{p.ID}}})
}
