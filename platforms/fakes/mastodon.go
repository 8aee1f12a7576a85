package fakes

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"image"
	"image/color"
	_ "image/gif" // DecodeConfig of uploads
	_ "image/jpeg"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"localpost/platforms"
)

// Mastodon is an in-process Mastodon server on 127.0.0.1. It speaks enough
// of the real API (apps, OAuth with PKCE, verify_credentials, instance,
// media, statuses) for the client tests, the contract test against the
// OpenAPI description, and --demo. It is safe for concurrent use.
//
// The one account is @demo (display name "Demo Café"). Uploads of GIF,
// video or audio are processed "asynchronously": POST /api/v2/media answers
// 202 with url null and the first GET /api/v1/media/:id answers 206, the
// next 200 (see SetMediaProcessing).
type Mastodon struct {
	URL string // http://127.0.0.1:PORT

	// AutoApprove makes GET /oauth/authorize redirect at once, as if the
	// user had pressed Authorize. Otherwise it shows a page with a button.
	AutoApprove bool

	srv *http.Server
	ln  net.Listener

	mu          sync.Mutex
	seq         int64
	apps        map[string]*mApp   // by client_id
	codes       map[string]*mCode  // by code
	tokens      map[string]*mToken // by access token
	media       map[string]*mMedia // by id
	statuses    []Status
	byKey       map[string]int // token + "\x00" + Idempotency-Key → index in statuses
	sched       mSched         // statuses held for later (mastodon_schedule.go)
	requests    []Request
	maxChars    int
	maxMedia    int
	hideV2      bool
	processing  int      // 206 answers before an async upload is ready
	fail        failKnob // FailNext
	dropN       int
	avatarBytes []byte
	hook        Hook     // SetHook
	metrics     mMetrics // counts that grow per read (mastodon_metrics.go)
}

type mApp struct {
	name, website, id, clientID, secret string
	redirectURIs                        []string
	scopes                              []string
}

type mCode struct {
	clientID, redirectURI, challenge string
	scopes                           []string
	expires                          time.Time
}

type mToken struct {
	clientID string
	scopes   []string
	revoked  bool
	created  time.Time
}

type mMedia struct {
	id, kind, mime, ext, desc string
	data                      []byte
	width, height             int
	token                     string
	pending                   int
}

// Status is a status the fake received.
type Status struct {
	ID             string
	Text           string
	MediaIDs       []string
	IdempotencyKey string
	InReplyTo      string // the status it answers (a thread), "" for none
	Token          string // which token posted it (for tests; never logged)
	URL            string
	CreatedAt      time.Time

	appName string
}

// Request is one request the fake served, for contract checks. Secrets
// (access tokens, client secrets, codes, PKCE verifiers) are replaced by
// "[redacted]" in Query, Body and Response; the keys stay.
type Request struct {
	Method, Path string
	Query        string      // raw query string
	Header       http.Header // Authorization removed
	Auth         string      // the Authorization scheme that was sent ("Bearer"), never the token
	Body         []byte      // form or JSON body; multipart bodies are recorded url-encoded, each file part's value being its file name
	Status       int         // 0 if the connection was dropped
	Response     []byte
}

// NewMastodon starts the fake on 127.0.0.1 on a free port. It panics if it
// cannot listen, like httptest.NewServer.
func NewMastodon() *Mastodon {
	f, err := StartMastodon("127.0.0.1:0")
	if err != nil {
		panic("fakes: " + err.Error())
	}
	return f
}

// StartMastodon starts the fake on a given address ("127.0.0.1:0" = free).
// Only loopback addresses are accepted; an empty host means 127.0.0.1.
func StartMastodon(addr string) (*Mastodon, error) {
	ln, base, err := listenLoopback("mastodon", addr)
	if err != nil {
		return nil, err
	}
	f := &Mastodon{
		URL:        base,
		ln:         ln,
		apps:       map[string]*mApp{},
		codes:      map[string]*mCode{},
		tokens:     map[string]*mToken{},
		media:      map[string]*mMedia{},
		byKey:      map[string]int{},
		maxChars:   500,
		maxMedia:   4,
		processing: 1,
		seq:        110000000000000000,
	}
	f.srv = serve(ln, f.routes())
	return f, nil
}

// Close stops the fake.
func (f *Mastodon) Close() { _ = f.srv.Close() }

// SetLimits sets what /api/v2/instance reports.
func (f *Mastodon) SetLimits(maxChars, maxMedia int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.maxChars, f.maxMedia = maxChars, maxMedia
}

// HideInstanceV2 makes GET /api/v2/instance answer 404, as servers older
// than Mastodon 4.0 do, so clients fall back to /api/v1/instance.
func (f *Mastodon) HideInstanceV2(hide bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hideV2 = hide
}

// SetMediaProcessing sets how many GET /api/v1/media/:id answer 206 (still
// processing) for an asynchronous upload before it is ready (default 1).
func (f *Mastodon) SetMediaProcessing(polls int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.processing = polls
}

// Statuses returns what was posted, in order (scheduled statuses once
// their time has come).
func (f *Mastodon) Statuses() []Status {
	f.runScheduler()
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Status, len(f.statuses))
	for i, s := range f.statuses {
		s.MediaIDs = slices.Clone(s.MediaIDs)
		out[i] = s
	}
	return out
}

// Requests returns every request served, in order.
func (f *Mastodon) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return cloneRequests(f.requests)
}

// RevokeAll makes every issued token invalid (401), as when the user
// revokes the app on the server.
func (f *Mastodon) RevokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tokens {
		t.revoked = true
	}
}

// FailNext makes the next n POST /api/v1/statuses answer status (with
// Retry-After if retryAfter > 0) without posting.
func (f *Mastodon) FailNext(n, status int, retryAfter time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = failKnob{n: n, status: status, after: retryAfter}
}

// DropNext makes the next n POST /api/v1/statuses post the status and then
// cut the connection before answering, as a network failure would. A repeat
// with the same Idempotency-Key then gets the stored status back.
func (f *Mastodon) DropNext(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dropN = n
}

// SetHook sets (nil: removes) the hook called around every request.
func (f *Mastodon) SetHook(h Hook) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = h
}

func (f *Mastodon) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/apps", f.createApp)
	mux.HandleFunc("GET /oauth/authorize", f.authorizePage)
	mux.HandleFunc("POST /oauth/authorize", f.authorizeDecision)
	mux.HandleFunc("POST /oauth/token", f.token)
	mux.HandleFunc("POST /oauth/revoke", f.revoke)
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", f.verifyCredentials)
	mux.HandleFunc("GET /api/v2/instance", f.instanceV2)
	mux.HandleFunc("GET /api/v1/instance", f.instanceV1)
	mux.HandleFunc("POST /api/v2/media", f.createMedia)
	mux.HandleFunc("GET /api/v1/media/{id}", f.getMedia)
	mux.HandleFunc("PUT /api/v1/media/{id}", f.updateMedia)
	mux.HandleFunc("POST /api/v1/statuses", f.createStatus)
	mux.HandleFunc("GET /api/v1/statuses/{id}", f.getStatus)
	mux.HandleFunc("GET /api/v1/statuses", f.getStatuses)
	mux.HandleFunc("GET /api/v1/scheduled_statuses", f.listScheduled)
	mux.HandleFunc("GET /api/v1/scheduled_statuses/{id}", f.getScheduled)
	mux.HandleFunc("PUT /api/v1/scheduled_statuses/{id}", f.updateScheduled)
	mux.HandleFunc("DELETE /api/v1/scheduled_statuses/{id}", f.deleteScheduled)
	mux.HandleFunc("GET /api/v1/accounts/{id}/statuses", f.accountStatuses)
	mux.HandleFunc("GET /avatars/{file}", f.avatar)
	mux.HandleFunc("GET /media/{file}", f.mediaFile)
	mux.HandleFunc("GET /@demo/{id}", f.statusPage)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "Record not found"})
	})
	return f.record(mux)
}

// ---- recording ----

func (f *Mastodon) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		hook := f.hook
		f.mu.Unlock()
		if hook != nil {
			hook(r, false)
		}
		f.runScheduler() // what fell due since the last request is out now
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

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": msg})
}

func (f *Mastodon) nextIDLocked() string {
	f.seq++
	return strconv.FormatInt(f.seq, 10)
}

func (f *Mastodon) host() string {
	u, _ := url.Parse(f.URL)
	return u.Hostname()
}

// params reads form, multipart or JSON parameters into url.Values; JSON
// arrays become repeated values and "media_ids[]" is read as "media_ids".
func params(r *http.Request) (url.Values, *multipart.Form, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			return nil, nil, err
		}
		v := url.Values{}
		for k, x := range m {
			switch x := x.(type) {
			case []any:
				for _, e := range x {
					v.Add(k, fmt.Sprint(e))
				}
			case nil:
			default:
				v.Set(k, fmt.Sprint(x))
			}
		}
		return v, nil, nil
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return nil, nil, err
		}
		return normalizeArrays(r.MultipartForm.Value), r.MultipartForm, nil
	default:
		if err := r.ParseForm(); err != nil {
			return nil, nil, err
		}
		return normalizeArrays(r.PostForm), nil, nil
	}
}

func normalizeArrays(in url.Values) url.Values {
	v := url.Values{}
	for k, xs := range in {
		k = strings.TrimSuffix(k, "[]")
		v[k] = append(v[k], xs...)
	}
	return v
}

func splitScopes(s string) []string { return strings.Fields(s) }

// grants reports whether scopes cover want: "write" covers "write:media".
func grants(scopes []string, want ...string) bool {
	for _, w := range want {
		top, _, _ := strings.Cut(w, ":")
		if slices.Contains(scopes, w) || slices.Contains(scopes, top) {
			return true
		}
	}
	return false
}

// bearer returns the caller's token, or answers 401/403 and returns "".
func (f *Mastodon) bearer(w http.ResponseWriter, r *http.Request, scopes ...string) string {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	t := f.tokens[tok]
	f.mu.Unlock()
	if !ok || t == nil || t.revoked {
		writeError(w, http.StatusUnauthorized, "The access token is invalid")
		return ""
	}
	if len(scopes) > 0 && !grants(t.scopes, scopes...) {
		writeError(w, http.StatusForbidden, "This action is outside the authorized scopes")
		return ""
	}
	return tok
}

// ---- apps and OAuth ----

func (f *Mastodon) createApp(w http.ResponseWriter, r *http.Request) {
	v, _, err := params(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Could not read the request body")
		return
	}
	name := v.Get("client_name")
	var uris []string
	for _, u := range v["redirect_uris"] {
		uris = append(uris, strings.Fields(u)...)
	}
	switch {
	case name == "":
		writeError(w, http.StatusUnprocessableEntity, "Validation failed: Application name can't be blank")
		return
	case len(uris) == 0:
		writeError(w, http.StatusUnprocessableEntity, "Validation failed: Redirect URI can't be blank")
		return
	}
	for _, u := range uris {
		if pu, err := url.Parse(u); u != "urn:ietf:wg:oauth:2.0:oob" && (err != nil || pu.Scheme == "" || pu.Fragment != "") {
			writeError(w, http.StatusUnprocessableEntity, "Validation failed: Redirect URI must be an absolute URI.")
			return
		}
	}
	scopes := splitScopes(v.Get("scopes"))
	if len(scopes) == 0 {
		scopes = []string{"read"}
	}
	f.mu.Lock()
	a := &mApp{name: name, website: v.Get("website"), id: f.nextIDLocked(), clientID: randomString(), secret: randomString(), redirectURIs: uris, scopes: scopes}
	f.apps[a.clientID] = a
	f.mu.Unlock()
	var website any
	if a.website != "" {
		website = a.website
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id":                       a.id,
		"name":                     a.name,
		"website":                  website,
		"scopes":                   a.scopes,
		"redirect_uri":             strings.Join(a.redirectURIs, "\n"),
		"redirect_uris":            a.redirectURIs,
		"client_id":                a.clientID,
		"client_secret":            a.secret,
		"client_secret_expires_at": 0,
		"vapid_key":                "BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M=",
	})
}

// authRequest is a checked GET/POST /oauth/authorize.
type authRequest struct {
	app                               *mApp
	redirectURI, state, scope         string
	challenge, challengeMethod, rtype string
}

// checkAuthorize validates an authorization request. Problems with the
// client or redirect_uri get an error page (it is unsafe to redirect);
// others are redirected back with error=..., as Doorkeeper does.
func (f *Mastodon) checkAuthorize(w http.ResponseWriter, r *http.Request, v url.Values) (*authRequest, bool) {
	f.mu.Lock()
	app := f.apps[v.Get("client_id")]
	f.mu.Unlock()
	ar := &authRequest{app: app, redirectURI: v.Get("redirect_uri"), state: v.Get("state"), scope: v.Get("scope"),
		challenge: v.Get("code_challenge"), challengeMethod: v.Get("code_challenge_method"), rtype: v.Get("response_type")}
	if app == nil {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_client", "error_description": "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."})
		return nil, false
	}
	if !slices.Contains(app.redirectURIs, ar.redirectURI) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_redirect_uri", "error_description": "The requested redirect uri is malformed or doesn't match client redirect URI."})
		return nil, false
	}
	if ar.scope == "" {
		ar.scope = "read"
	}
	fail := func(code, desc string) (*authRequest, bool) {
		redirectWithQuery(w, r, ar.redirectURI, url.Values{"error": {code}, "error_description": {desc}, "state": {ar.state}})
		return nil, false
	}
	if ar.rtype != "code" {
		return fail("unsupported_response_type", "The authorization server does not support this response type.")
	}
	for _, s := range splitScopes(ar.scope) {
		if !slices.Contains(app.scopes, s) {
			return fail("invalid_scope", "The requested scope is invalid, unknown, or malformed.")
		}
	}
	if ar.challenge == "" || ar.challengeMethod != "S256" {
		return fail("invalid_request", "Localpost's fake server requires PKCE: code_challenge with code_challenge_method=S256.")
	}
	return ar, true
}

func (f *Mastodon) approve(w http.ResponseWriter, r *http.Request, ar *authRequest) {
	code := randomString()
	f.mu.Lock()
	f.codes[code] = &mCode{clientID: ar.app.clientID, redirectURI: ar.redirectURI, challenge: ar.challenge,
		scopes: splitScopes(ar.scope), expires: time.Now().Add(10 * time.Minute)}
	f.mu.Unlock()
	redirectWithQuery(w, r, ar.redirectURI, url.Values{"code": {code}, "state": {ar.state}})
}

var authorizeTmpl = template.Must(template.New("authorize").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorization required</title>
<style>body{font-family:sans-serif;max-width:28em;margin:4em auto;text-align:center}button{font-size:1.1em;margin:.5em;padding:.4em 1.2em}</style>
</head><body>
<h1>Authorization required</h1>
<p>Authorize {{.App}} to use your account {{.Handle}}?</p>
<p>It asks for: {{.Scope}}</p>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="response_type" value="{{.ResponseType}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="code_challenge" value="{{.Challenge}}">
<input type="hidden" name="code_challenge_method" value="{{.ChallengeMethod}}">
<button type="submit" name="decision" value="approve" id="authorize">Authorize</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form>
</body></html>
`))

// authorizePage is GET /oauth/authorize: a consent page, or with
// AutoApprove an immediate redirect with a code.
func (f *Mastodon) authorizePage(w http.ResponseWriter, r *http.Request) {
	ar, ok := f.checkAuthorize(w, r, r.URL.Query())
	if !ok {
		return
	}
	if f.AutoApprove {
		f.approve(w, r, ar)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = authorizeTmpl.Execute(w, map[string]string{
		"App": ar.app.name, "Handle": "@demo@" + f.host(), "Scope": ar.scope,
		"ClientID": ar.app.clientID, "RedirectURI": ar.redirectURI, "ResponseType": ar.rtype,
		"State": ar.state, "Challenge": ar.challenge, "ChallengeMethod": ar.challengeMethod,
	})
}

// authorizeDecision is the consent form's POST /oauth/authorize.
func (f *Mastodon) authorizeDecision(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "Could not read the form")
		return
	}
	ar, ok := f.checkAuthorize(w, r, r.PostForm)
	if !ok {
		return
	}
	if r.PostForm.Get("decision") != "approve" {
		redirectWithQuery(w, r, ar.redirectURI, url.Values{"error": {"access_denied"}, "error_description": {"The resource owner or authorization server denied the request."}, "state": {ar.state}})
		return
	}
	f.approve(w, r, ar)
}

func (f *Mastodon) clientAuth(r *http.Request, v url.Values) *mApp {
	id, secret := v.Get("client_id"), v.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.apps[id]
	if a == nil || a.secret != secret {
		return nil
	}
	return a
}

// token is POST /oauth/token (authorization_code with PKCE S256).
func (f *Mastodon) token(w http.ResponseWriter, r *http.Request) {
	v, _, err := params(r)
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Could not read the request body.")
		return
	}
	app := f.clientAuth(r, v)
	if app == nil {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.")
		return
	}
	if gt := v.Get("grant_type"); gt != "authorization_code" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
		return
	}
	invalid := func() {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.")
	}
	f.mu.Lock()
	c := f.codes[v.Get("code")]
	delete(f.codes, v.Get("code")) // single use, even when the attempt fails
	f.mu.Unlock()
	if c == nil || c.clientID != app.clientID || time.Now().After(c.expires) || c.redirectURI != v.Get("redirect_uri") {
		invalid()
		return
	}
	sum := sha256.Sum256([]byte(v.Get("code_verifier")))
	if v.Get("code_verifier") == "" || base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge {
		invalid()
		return
	}
	tok := randomString()
	now := time.Now()
	f.mu.Lock()
	f.tokens[tok] = &mToken{clientID: app.clientID, scopes: c.scopes, created: now}
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok,
		"token_type":   "Bearer",
		"scope":        strings.Join(c.scopes, " "),
		"created_at":   now.Unix(),
	})
}

// revoke is POST /oauth/revoke; like Doorkeeper it answers 200 {} for
// unknown tokens, 403 if the client is not the token's.
func (f *Mastodon) revoke(w http.ResponseWriter, r *http.Request) {
	v, _, err := params(r)
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Could not read the request body.")
		return
	}
	app := f.clientAuth(r, v)
	if app == nil {
		oauthError(w, http.StatusForbidden, "unauthorized_client", "You are not authorized to revoke this token")
		return
	}
	f.mu.Lock()
	t := f.tokens[v.Get("token")]
	mine := t == nil || t.clientID == app.clientID
	if t != nil && mine {
		t.revoked = true
	}
	f.mu.Unlock()
	if !mine {
		oauthError(w, http.StatusForbidden, "unauthorized_client", "You are not authorized to revoke this token")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

// ---- accounts and instance ----

var demoCreated = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

// accountJSONLocked is the Account entity of @demo.
func (f *Mastodon) accountJSONLocked() map[string]any {
	var last any
	if n := len(f.statuses); n > 0 {
		last = f.statuses[n-1].CreatedAt.UTC().Format("2006-01-02")
	}
	return map[string]any{
		"id":              "109000000000000001",
		"username":        "demo",
		"acct":            "demo",
		"display_name":    "Demo Café",
		"locked":          false,
		"bot":             false,
		"discoverable":    true,
		"indexable":       false,
		"group":           false,
		"noindex":         false,
		"created_at":      demoCreated.Format("2006-01-02T15:04:05.000Z"),
		"note":            "<p>The demo account of Localpost&#39;s local Mastodon server.</p>",
		"url":             f.URL + "/@demo",
		"uri":             f.URL + "/users/demo",
		"avatar":          f.URL + "/avatars/demo.png",
		"avatar_static":   f.URL + "/avatars/demo.png",
		"header":          f.URL + "/avatars/header.png",
		"header_static":   f.URL + "/avatars/header.png",
		"followers_count": 42,
		"following_count": 7,
		"statuses_count":  len(f.statuses),
		"last_status_at":  last,
		"emojis":          []any{},
		"fields":          []any{},
	}
}

func (f *Mastodon) verifyCredentials(w http.ResponseWriter, r *http.Request) {
	if f.bearer(w, r, "read:accounts", "profile") == "" {
		return
	}
	f.mu.Lock()
	a := f.accountJSONLocked()
	a["followers_count"] = f.followersLocked()
	f.mu.Unlock()
	a["source"] = map[string]any{
		"privacy":               "public",
		"sensitive":             false,
		"language":              "en",
		"note":                  "The demo account of Localpost's local Mastodon server.",
		"fields":                []any{},
		"follow_requests_count": 0,
		"indexable":             false,
		"discoverable":          true,
		"hide_collections":      false,
	}
	a["role"] = map[string]any{"id": "-99", "name": "", "permissions": "0", "color": "", "highlighted": false}
	writeJSON(w, http.StatusOK, a)
}

var mediaMimes = []string{
	"image/jpeg", "image/png", "image/gif", "image/webp",
	"video/mp4", "video/webm", "audio/mpeg", "audio/ogg",
}

const (
	imageSizeLimit = 16 << 20
	videoSizeLimit = 99 << 20
	altLimit       = 1500
)

func (f *Mastodon) mediaConfig() map[string]any {
	return map[string]any{
		"supported_mime_types":   mediaMimes,
		"description_limit":      altLimit,
		"image_size_limit":       imageSizeLimit,
		"image_matrix_limit":     33177600,
		"video_size_limit":       videoSizeLimit,
		"video_frame_rate_limit": 120,
		"video_matrix_limit":     8294400,
	}
}

var pollsConfig = map[string]any{"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300, "max_expiration": 2629746}

func (f *Mastodon) instanceV2(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	hide, maxChars, maxMedia := f.hideV2, f.maxChars, f.maxMedia
	f.mu.Unlock()
	if hide {
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"domain":      f.host(),
		"title":       "Localpost demo",
		"version":     "4.3.0",
		"source_url":  "https://github.com/mastodon/mastodon",
		"description": "A Mastodon server inside Localpost, for tests and the demo.",
		"usage":       map[string]any{"users": map[string]any{"active_month": 1}},
		"thumbnail":   map[string]any{"url": f.URL + "/avatars/demo.png", "blurhash": nil, "versions": nil},
		"icon":        []any{map[string]any{"src": f.URL + "/avatars/demo.png", "size": "48x48"}},
		"languages":   []string{"en"},
		"configuration": map[string]any{
			"urls":              map[string]any{"streaming": nil, "status": nil, "about": f.URL + "/about", "privacy_policy": nil, "terms_of_service": nil},
			"accounts":          map[string]any{"max_featured_tags": 10, "max_pinned_statuses": 5},
			"statuses":          map[string]any{"max_characters": maxChars, "max_media_attachments": maxMedia, "characters_reserved_per_url": 23},
			"media_attachments": f.mediaConfig(),
			"polls":             pollsConfig,
			"translation":       map[string]any{"enabled": false},
		},
		"registrations": map[string]any{"enabled": false, "approval_required": false, "message": nil, "url": nil},
		"api_versions":  map[string]any{"mastodon": 2},
		"contact":       map[string]any{"email": "demo@localhost.invalid", "account": nil},
		"rules":         []any{},
	})
}

func (f *Mastodon) instanceV1(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	maxChars, maxMedia, n := f.maxChars, f.maxMedia, len(f.statuses)
	f.mu.Unlock()
	mc := f.mediaConfig()
	delete(mc, "description_limit") // not in v1
	writeJSON(w, http.StatusOK, map[string]any{
		"uri":               f.host(),
		"title":             "Localpost demo",
		"short_description": "A Mastodon server inside Localpost.",
		"description":       "A Mastodon server inside Localpost, for tests and the demo.",
		"email":             "demo@localhost.invalid",
		"version":           "4.3.0",
		"urls":              map[string]any{"streaming_api": "ws://" + strings.TrimPrefix(f.URL, "http://")},
		"stats":             map[string]any{"user_count": 1, "status_count": n, "domain_count": 0},
		"thumbnail":         f.URL + "/avatars/demo.png",
		"languages":         []string{"en"},
		"registrations":     false,
		"approval_required": false,
		"invites_enabled":   false,
		"configuration": map[string]any{
			"accounts":          map[string]any{"max_featured_tags": 10},
			"statuses":          map[string]any{"max_characters": maxChars, "max_media_attachments": maxMedia, "characters_reserved_per_url": 23},
			"media_attachments": mc,
			"polls":             pollsConfig,
		},
		"contact_account": nil,
		"rules":           []any{},
	})
}

// ---- media ----

func (f *Mastodon) mediaJSON(m *mMedia) map[string]any {
	var u, preview, desc any
	if m.pending == 0 {
		u = f.URL + "/media/" + m.id + m.ext
		preview = u
	}
	if m.desc != "" {
		desc = m.desc
	}
	var meta any
	if m.width > 0 {
		d := map[string]any{"width": m.width, "height": m.height, "size": fmt.Sprintf("%dx%d", m.width, m.height), "aspect": float64(m.width) / float64(m.height)}
		meta = map[string]any{"original": d, "small": d}
	}
	return map[string]any{
		"id": m.id, "type": m.kind, "url": u, "preview_url": preview, "remote_url": nil,
		"meta": meta, "description": desc, "blurhash": nil,
	}
}

func (f *Mastodon) createMedia(w http.ResponseWriter, r *http.Request) {
	tok := f.bearer(w, r, "write:media")
	if tok == "" {
		return
	}
	_, form, err := params(r)
	if err != nil || form == nil || len(form.File["file"]) == 0 {
		writeError(w, http.StatusUnprocessableEntity, "Validation failed: File can't be blank")
		return
	}
	fh := form.File["file"][0]
	file, err := fh.Open()
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "Validation failed: File can't be read")
		return
	}
	data, _ := io.ReadAll(file)
	file.Close()
	mt := http.DetectContentType(data)
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	if !slices.Contains(mediaMimes, mt) {
		mt = fh.Header.Get("Content-Type")
	}
	if !slices.Contains(mediaMimes, mt) {
		writeError(w, http.StatusUnprocessableEntity, "Validation failed: File content type is invalid")
		return
	}
	kind, limit := "image", int64(imageSizeLimit)
	switch {
	case mt == "image/gif":
		kind = "gifv" // Mastodon turns GIFs into looping videos, asynchronously
	case strings.HasPrefix(mt, "video/"):
		kind, limit = "video", videoSizeLimit
	case strings.HasPrefix(mt, "audio/"):
		kind, limit = "audio", videoSizeLimit
	}
	if int64(len(data)) > limit {
		writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("Validation failed: File file size must be less than %d MB", limit>>20))
		return
	}
	desc := form.Value["description"]
	m := &mMedia{kind: kind, mime: mt, data: data, token: tok}
	if len(desc) > 0 {
		m.desc = desc[0]
	}
	if utf8.RuneCountInString(m.desc) > altLimit {
		writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("Validation failed: Description is too long (maximum is %d characters)", altLimit))
		return
	}
	if exts, _ := mime.ExtensionsByType(mt); len(exts) > 0 {
		m.ext = exts[0]
	}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
		m.width, m.height = cfg.Width, cfg.Height
	}
	status := http.StatusOK
	f.mu.Lock()
	m.id = f.nextIDLocked()
	if kind != "image" {
		m.pending = f.processing
		status = http.StatusAccepted
	}
	f.media[m.id] = m
	body := f.mediaJSON(m)
	f.mu.Unlock()
	writeJSON(w, status, body)
}

func (f *Mastodon) ownMedia(w http.ResponseWriter, r *http.Request) (*mMedia, bool) {
	tok := f.bearer(w, r, "write:media")
	if tok == "" {
		return nil, false
	}
	f.mu.Lock()
	m := f.media[r.PathValue("id")]
	f.mu.Unlock()
	if m == nil || m.token != tok {
		writeError(w, http.StatusNotFound, "Record not found")
		return nil, false
	}
	return m, true
}

func (f *Mastodon) getMedia(w http.ResponseWriter, r *http.Request) {
	m, ok := f.ownMedia(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	status := http.StatusOK
	if m.pending > 0 {
		status = http.StatusPartialContent
		body := f.mediaJSON(m)
		m.pending--
		f.mu.Unlock()
		writeJSON(w, status, body)
		return
	}
	body := f.mediaJSON(m)
	f.mu.Unlock()
	writeJSON(w, status, body)
}

func (f *Mastodon) updateMedia(w http.ResponseWriter, r *http.Request) {
	m, ok := f.ownMedia(w, r)
	if !ok {
		return
	}
	v, _, err := params(r)
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "Could not read the request body")
		return
	}
	f.mu.Lock()
	if v.Has("description") {
		m.desc = v.Get("description")
	}
	body := f.mediaJSON(m)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

func (f *Mastodon) mediaFile(w http.ResponseWriter, r *http.Request) {
	id, _, _ := strings.Cut(r.PathValue("file"), ".")
	f.mu.Lock()
	m := f.media[id]
	f.mu.Unlock()
	if m == nil || m.pending > 0 {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", m.mime)
	_, _ = w.Write(m.data)
}

// ---- statuses ----

func (f *Mastodon) statusJSONLocked(s Status) map[string]any {
	atts := []any{}
	for _, id := range s.MediaIDs {
		if m := f.media[id]; m != nil {
			atts = append(atts, f.mediaJSON(m))
		}
	}
	var replyTo, replyAccount any // null unless the status answers one (a thread)
	if s.InReplyTo != "" {
		replyTo, replyAccount = s.InReplyTo, "109000000000000001" // the one demo account
	}
	return map[string]any{
		"id":                     s.ID,
		"created_at":             s.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z"),
		"in_reply_to_id":         replyTo,
		"in_reply_to_account_id": replyAccount,
		"sensitive":              false,
		"spoiler_text":           "",
		"visibility":             "public",
		"language":               "en",
		"uri":                    f.URL + "/users/demo/statuses/" + s.ID,
		"url":                    s.URL,
		"replies_count":          0,
		"reblogs_count":          0,
		"favourites_count":       0,
		"quotes_count":           0,
		"edited_at":              nil,
		"favourited":             false,
		"reblogged":              false,
		"muted":                  false,
		"bookmarked":             false,
		"pinned":                 false,
		"content":                statusHTML(s.Text),
		"reblog":                 nil,
		"application":            map[string]any{"name": s.appName, "website": nil},
		"account":                f.accountJSONLocked(),
		"media_attachments":      atts,
		"mentions":               []any{},
		"tags":                   []any{},
		"emojis":                 []any{},
		"card":                   nil,
		"poll":                   nil,
	}
}

func statusHTML(text string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(template.HTMLEscapeString(para), "\n", "<br>"))
		b.WriteString("</p>")
	}
	return b.String()
}

func failMessage(status int) string {
	switch status {
	case 401:
		return "The access token is invalid"
	case 403:
		return "This action is outside the authorized scopes"
	case 404:
		return "Record not found"
	case 422:
		return "Validation failed: Text can't be blank"
	case 429:
		return "Too many requests"
	case 503:
		return "Service Unavailable"
	}
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Error"
}

func (f *Mastodon) createStatus(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	if status, after, fail := f.fail.take(); fail {
		f.mu.Unlock()
		setRetryAfter(w, after)
		writeError(w, status, failMessage(status))
		return
	}
	f.mu.Unlock()

	tok := f.bearer(w, r, "write:statuses")
	if tok == "" {
		return
	}
	v, _, err := params(r)
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "Could not read the request body")
		return
	}
	key := r.Header.Get("Idempotency-Key")
	text := v.Get("status")
	ids := v["media_ids"]
	if v.Get("scheduled_at") != "" {
		f.createScheduled(w, tok, key, text, ids, v.Get("scheduled_at"))
		return
	}

	f.mu.Lock()
	if key != "" {
		if i, ok := f.byKey[tok+"\x00"+key]; ok {
			body := f.statusJSONLocked(f.statuses[i])
			f.mu.Unlock()
			writeJSON(w, http.StatusOK, body)
			return
		}
		if _, ok := f.sched.byKey[tok+"\x00"+key]; ok {
			// The key scheduled a status: Mastodon finds no status by it.
			f.mu.Unlock()
			writeError(w, http.StatusNotFound, "Record not found")
			return
		}
	}
	limits := platforms.Limits{MaxChars: f.maxChars, URLWeight: 23}
	fail := func(msg string) {
		f.mu.Unlock()
		writeError(w, http.StatusUnprocessableEntity, msg)
	}
	switch {
	case strings.TrimSpace(text) == "" && len(ids) == 0:
		fail("Validation failed: Text can't be blank")
		return
	case limits.CountChars(text) > f.maxChars:
		fail(fmt.Sprintf("Validation failed: Text character limit of %d exceeded", f.maxChars))
		return
	case len(ids) > f.maxMedia:
		fail(fmt.Sprintf("Validation failed: Media attachments can't be more than %d", f.maxMedia))
		return
	}
	for _, id := range ids {
		m := f.media[id]
		switch {
		case m == nil || m.token != tok:
			fail("Validation failed: Media attachments are invalid")
			return
		case m.pending > 0:
			fail("Cannot attach files that have not finished processing. Try again in a moment!")
			return
		}
	}
	reply := v.Get("in_reply_to_id")
	if _, ok := f.findStatusLocked(reply); reply != "" && !ok {
		f.mu.Unlock()
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	app := ""
	if t := f.tokens[tok]; t != nil && f.apps[t.clientID] != nil {
		app = f.apps[t.clientID].name
	}
	id := f.nextIDLocked()
	s := Status{ID: id, Text: text, MediaIDs: slices.Clone(ids), IdempotencyKey: key, InReplyTo: reply, Token: tok,
		URL: f.URL + "/@demo/" + id, CreatedAt: f.nowLocked(), appName: app}
	f.statuses = append(f.statuses, s)
	if key != "" {
		f.byKey[tok+"\x00"+key] = len(f.statuses) - 1
	}
	body := f.statusJSONLocked(s)
	drop := f.dropN > 0
	if drop {
		f.dropN--
	}
	f.mu.Unlock()

	if drop && hangUp(w) {
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func (f *Mastodon) findStatusLocked(id string) (Status, bool) {
	for _, s := range f.statuses {
		if s.ID == id {
			return s, true
		}
	}
	return Status{}, false
}

func (f *Mastodon) getStatus(w http.ResponseWriter, r *http.Request) {
	if f.failRead(w) {
		return
	}
	f.mu.Lock()
	s, ok := f.findStatusLocked(r.PathValue("id"))
	var body map[string]any
	if ok {
		body = f.statusJSONLocked(s)
		f.countsLocked(body)
	}
	f.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	writeJSON(w, http.StatusOK, body)
}

var statusTmpl = template.Must(template.New("status").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Demo Café: {{.Short}}</title>
<style>body{font-family:sans-serif;max-width:36em;margin:3em auto}img{max-width:100%;border-radius:6px}</style>
</head><body>
<p><img src="/avatars/demo.png" width="48" height="48" alt=""> <strong>Demo Café</strong> @demo@{{.Host}}</p>
{{.Content}}
{{range .Media}}<p><img src="{{.URL}}" alt="{{.Alt}}"></p>{{end}}
<p><small>{{.When}} · Localpost demo server</small></p>
</body></html>
`))

// statusPage is GET /@demo/:id, so a status URL opens in a browser.
func (f *Mastodon) statusPage(w http.ResponseWriter, r *http.Request) {
	type media struct{ URL, Alt string }
	f.mu.Lock()
	s, ok := f.findStatusLocked(r.PathValue("id"))
	var ms []media
	for _, id := range s.MediaIDs {
		if m := f.media[id]; m != nil {
			ms = append(ms, media{URL: f.URL + "/media/" + m.id + m.ext, Alt: m.desc})
		}
	}
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	short := []rune(s.Text)
	if len(short) > 40 {
		short = append(short[:40], '…')
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = statusTmpl.Execute(w, map[string]any{
		"Short": string(short), "Host": f.host(), "Content": template.HTML(statusHTML(s.Text)),
		"Media": ms, "When": s.CreatedAt.Format("2 Jan 2006 15:04 MST"),
	})
}

// avatar serves a small generated PNG: a coloured disc (demo.png) or a
// plain band (header.png).
func (f *Mastodon) avatar(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if name != "demo.png" && name != "header.png" {
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	if f.avatarBytes == nil {
		f.avatarBytes = demoAvatar()
	}
	b := f.avatarBytes
	f.mu.Unlock()
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

func demoAvatar() []byte {
	const n = 48
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	bg := color.NRGBA{0x56, 0x3a, 0xcc, 0xff}
	fg := color.NRGBA{0xff, 0xd8, 0x6b, 0xff}
	for y := range n {
		for x := range n {
			dx, dy := x-n/2, y-n/2
			c := bg
			if dx*dx+dy*dy < (n/4)*(n/4) {
				c = fg
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// Approve plays the user's browser for an authorize address of this fake:
// it presses Authorize and follows the redirect to the app's loopback
// listener. --demo uses it when no system browser can be opened.
func (f *Mastodon) Approve(authURL string) error {
	return approveByForm(authURL, f.URL+"/oauth/authorize", f.URL+"/oauth/authorize", nil)
}
