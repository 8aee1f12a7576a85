package fakes

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"image"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// YouTube is an in-process fake of Google OAuth (installed-app flow with
// PKCE) and the parts of the YouTube Data API v3 Localpost uses:
// channels.list, videos.insert by the resumable upload protocol (session
// URL, chunked PUTs with Content-Range, 308 with Range, status queries with
// "bytes */total", the video on completion) and thumbnails.set. It listens
// on 127.0.0.1 only and is safe for concurrent use.
//
// Paths are the real ones, all on one host: /o/oauth2/v2/auth (authorize),
// /token, /youtube/v3/..., /upload/youtube/v3/..., so a client's Config is
// URL+"/o/oauth2/v2/auth", URL+"/token", URL+"/youtube/v3",
// URL+"/upload/youtube/v3", and URL as the site for watch links.
type YouTube struct {
	URL string // http://127.0.0.1:PORT

	// AutoApprove makes the authorize page redirect at once with a code for
	// every requested scope. Otherwise it shows a consent page.
	AutoApprove bool

	// The one registered OAuth client ("Desktop app").
	ClientID, ClientSecret string

	srv *http.Server
	ln  net.Listener

	mu        sync.Mutex
	testing   bool // consent screen in "Testing": refresh tokens live 7 days
	consented map[string]bool
	codes     map[string]*ytCode
	access    map[string]*ytToken
	refresh   map[string]*ytRefresh
	sessions  map[string]*ytSession
	nSessions int
	videos    []YouTubeVideo
	channels  []YouTubeChannel
	requests  []Request

	fail       failKnob // FailNext, with failReason and failMsg
	failReason string
	failMsg    string
	steps      map[string]*failKnob
	dropN      int   // final PUTs that complete the upload, then cut the connection
	dropAt     int64 // cut the connection once a session holds this many bytes (-1: off)
	noThumbs   bool
	clock      func() time.Time // SetClock
	reads      postReads        // statistics reads per video id, channel id (youtube_metrics.go)
}

type ytCode struct {
	clientID, redirectURI, challenge string
	scopes                           []string
	offline                          bool
	expires                          time.Time
}

type ytToken struct {
	scopes  []string
	expires time.Time
	revoked bool
}

type ytRefresh struct {
	scopes  []string
	revoked bool
}

type ytSession struct {
	id, mime, videoID string
	parts             []string
	meta              ytVideoMeta
	total             int64
	data              []byte
}

type ytVideoMeta struct {
	Snippet struct {
		Title       string   `json:"title"`
		Description string   `json:"description"`
		Tags        []string `json:"tags"`
		CategoryID  string   `json:"categoryId"`
	} `json:"snippet"`
	Status struct {
		PrivacyStatus string `json:"privacyStatus"`
		PublishAt     string `json:"publishAt"`
	} `json:"status"`
}

// YouTubeVideo is a video the fake received completely.
type YouTubeVideo struct {
	ID, ChannelID, Title, Description string
	Tags                              []string
	Privacy                           string
	PublishAt                         string // RFC 3339, "" if not scheduled
	Mime                              string
	Size                              int64
	SHA256                            string // of the bytes received
	Thumbnail                         bool
	CreatedAt                         time.Time

	parts []string
}

// YouTubeChannel is a channel of the fake's one Google account.
type YouTubeChannel struct {
	ID, Title, Handle string
}

// The scopes the fake knows.
const (
	ytScopeYouTube  = "https://www.googleapis.com/auth/youtube"
	ytScopeForceSSL = "https://www.googleapis.com/auth/youtube.force-ssl"
	ytScopeUpload   = "https://www.googleapis.com/auth/youtube.upload"
	ytScopeRead     = "https://www.googleapis.com/auth/youtube.readonly"
	ytChunkAlign    = 256 << 10
	ytMaxVideo      = 256 << 30
	ytMaxThumb      = 2 << 20
)

var ytKnownScopes = []string{ytScopeYouTube, ytScopeForceSSL, ytScopeUpload, ytScopeRead,
	"openid", "email", "profile", "https://www.googleapis.com/auth/yt-analytics.readonly"}

// NewYouTube starts the fake on a free port of 127.0.0.1; it panics if it
// cannot listen, like httptest.NewServer.
func NewYouTube() *YouTube {
	ln, base := mustListenFree("fakes: youtube: ")
	f := &YouTube{
		URL:          base,
		ClientID:     "123456789012-localpostdemo.apps.googleusercontent.com",
		ClientSecret: "GOCSPX-" + ytRandom(21),
		ln:           ln,
		consented:    map[string]bool{},
		codes:        map[string]*ytCode{},
		access:       map[string]*ytToken{},
		refresh:      map[string]*ytRefresh{},
		sessions:     map[string]*ytSession{},
		steps:        map[string]*failKnob{},
		dropAt:       -1,
		channels:     []YouTubeChannel{{ID: "UCLocalpostDemoChannel01", Title: "Demo Café", Handle: "@democafe"}},
	}
	f.srv = serve(ln, f.routes())
	return f
}

// Close stops the fake.
func (f *YouTube) Close() { _ = f.srv.Close() }

// SetTesting puts the consent screen in "Testing": token answers carry
// refresh_token_expires_in of 7 days, as Google's do then.
func (f *YouTube) SetTesting(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.testing = on
}

// SetChannels replaces the account's channels (none: channels.list
// answers an empty list).
func (f *YouTube) SetChannels(chs []YouTubeChannel) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.channels = slices.Clone(chs)
}

// Posts returns the videos uploaded completely, in order (those held for
// later public once their publishAt has come).
func (f *YouTube) Posts() []YouTubeVideo {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.runSchedulerLocked()
	out := make([]YouTubeVideo, len(f.videos))
	for i, v := range f.videos {
		v.Tags = slices.Clone(v.Tags)
		v.parts = nil
		out[i] = v
	}
	return out
}

// Sessions returns how many upload sessions were opened.
func (f *YouTube) Sessions() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.nSessions
}

// Requests returns every request served, in order. Authorization, tokens,
// codes, verifiers and the client secret are redacted; upload bodies are
// not kept.
func (f *YouTube) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return cloneRequests(f.requests)
}

// RevokeAll revokes every access and refresh token, as when the user
// removes the app at myaccount.google.com.
func (f *YouTube) RevokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.access {
		t.revoked = true
	}
	for _, t := range f.refresh {
		t.revoked = true
	}
}

// ExpireAccess makes every access token expired (401) while refresh
// tokens keep working.
func (f *YouTube) ExpireAccess() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.access {
		t.expires = time.Now().Add(-time.Second)
	}
}

// ExpireSessions forgets every upload session (their URLs answer 404), as
// Google does after about a week.
func (f *YouTube) ExpireSessions() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions = map[string]*ytSession{}
}

// FailNext makes the next n videos.insert calls (the POST that opens an
// upload) answer status with Google's error body and the usual reason for
// that status (400 invalidTitle, 401 authError, 403 forbidden, 429
// rateLimitExceeded, 5xx backendError), with Retry-After if retryAfter > 0.
func (f *YouTube) FailNext(n, status int, retryAfter time.Duration) {
	f.FailNextReason(n, status, "", "", retryAfter)
}

// FailNextReason is FailNext with a chosen reason and message ("" = the
// defaults), e.g. 403 quotaExceeded.
func (f *YouTube) FailNextReason(n, status int, reason, msg string, retryAfter time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = failKnob{n: n, status: status, after: retryAfter}
	f.failReason, f.failMsg = reason, msg
}

// FailStep makes the next n requests of one step answer status without
// doing anything: "token", "channels", "init" (videos.insert), "chunk"
// (a PUT carrying bytes), "query" (a PUT asking for the status),
// "thumbnail".
func (f *YouTube) FailStep(step string, n, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.steps[step] = &failKnob{n: n, status: status}
}

// DropNext makes the next n PUTs that complete an upload create the video
// and then cut the connection before answering.
func (f *YouTube) DropNext(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dropN = n
}

// DropAfter cuts the connection of the upload PUT in flight once the
// session holds n bytes (once): the bytes up to n are kept, as Google
// keeps what arrived, and a status query reports them.
func (f *YouTube) DropAfter(n int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dropAt = n
}

// RefuseThumbnails makes thumbnails.set answer 403 forbidden, as for a
// channel that is not verified.
func (f *YouTube) RefuseThumbnails(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noThumbs = on
}

func (f *YouTube) step(name string) (int, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	status, _, ok := f.steps[name].take()
	return status, ok
}

func (f *YouTube) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /o/oauth2/v2/auth", f.authorizePage)
	mux.HandleFunc("POST /o/oauth2/v2/auth", f.authorizeDecision)
	mux.HandleFunc("POST /token", f.token)
	mux.HandleFunc("POST /revoke", f.revoke) // youtube_revoke.go
	mux.HandleFunc("GET /youtube/v3/channels", f.channelsList)
	mux.HandleFunc("POST /upload/youtube/v3/videos", f.videosInsert)
	mux.HandleFunc("PUT /upload/youtube/v3/videos", f.uploadPut)
	mux.HandleFunc("POST /upload/youtube/v3/thumbnails/set", f.thumbnailsSet)
	mux.HandleFunc("GET /youtube/v3/videos", f.videosList)
	mux.HandleFunc("PUT /youtube/v3/videos", f.videosUpdate)
	mux.HandleFunc("DELETE /youtube/v3/videos", f.videosDelete)
	mux.HandleFunc("GET /watch", f.watchPage)
	mux.HandleFunc("GET /channel/{id}", f.channelPage)
	mux.HandleFunc("GET /yt/{file}", f.image)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		ytError(w, http.StatusNotFound, "notFound", "Not Found")
	})
	return f.record(mux)
}

// ---- recording ----

// record keeps JSON and form bodies (redacted) but streams every other
// body (video chunks, images) to the handler untouched.
func (f *YouTube) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		var body []byte
		if ct == "application/json" || ct == "application/x-www-form-urlencoded" {
			body = keepBody(r, 1<<20)
		}
		req, _ := serveRecorded(next, w, r, redactQuery, redactJSON)
		if body != nil {
			req.Body = recordBody(r.Header.Get("Content-Type"), body)
		}
		f.mu.Lock()
		f.requests = append(f.requests, req)
		f.mu.Unlock()
	})
}

// ---- helpers ----

func ytRandom(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}

func ytStatusName(status int) string {
	switch status {
	case 400:
		return "INVALID_ARGUMENT"
	case 401:
		return "UNAUTHENTICATED"
	case 403:
		return "PERMISSION_DENIED"
	case 404:
		return "NOT_FOUND"
	case 413:
		return "OUT_OF_RANGE"
	case 429:
		return "RESOURCE_EXHAUSTED"
	case 503:
		return "UNAVAILABLE"
	}
	if status >= 500 {
		return "INTERNAL"
	}
	return "UNKNOWN"
}

// ytError writes Google's JSON error body.
func ytError(w http.ResponseWriter, status int, reason, msg string) {
	domain := "youtube.video"
	switch reason {
	case "authError", "required", "notFound", "backendError", "insufficientPermissions":
		domain = "global"
	case "quotaExceeded", "rateLimitExceeded":
		domain = "youtube.quota"
	}
	e := map[string]any{"message": msg, "domain": domain, "reason": reason}
	if status == http.StatusUnauthorized {
		e["location"], e["locationType"] = "Authorization", "header"
		w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="invalid_token"`)
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"code": status, "message": msg, "errors": []any{e}, "status": ytStatusName(status),
	}})
}

func ytDefaultFailure(status int) (string, string) {
	switch status {
	case 400:
		return "invalidTitle", "The request metadata specifies an invalid or empty video title."
	case 401:
		return "authError", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."
	case 403:
		return "forbidden", "Access forbidden. The request may not be properly authorized."
	case 404:
		return "notFound", "Not Found"
	case 429:
		return "rateLimitExceeded", "The request cannot be completed because you have exceeded your quota."
	}
	return "backendError", "Backend Error"
}

func (f *YouTube) failWith(w http.ResponseWriter, status int) {
	reason, msg := ytDefaultFailure(status)
	ytError(w, status, reason, msg)
}

// bearer checks the access token and its scopes (any of want); it answers
// 401/403 and returns false when they do not do.
func (f *YouTube) bearer(w http.ResponseWriter, r *http.Request, want ...string) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	t := f.access[tok]
	f.mu.Unlock()
	if !ok || t == nil || t.revoked || time.Now().After(t.expires) {
		reason, msg := ytDefaultFailure(401)
		ytError(w, http.StatusUnauthorized, reason, msg)
		return false
	}
	for _, s := range want {
		if slices.Contains(t.scopes, s) {
			return true
		}
	}
	ytError(w, http.StatusForbidden, "insufficientPermissions", "Request had insufficient authentication scopes.")
	return false
}

// ---- OAuth ----

// ytLoopback reports whether a redirect URI is one Google accepts for a
// desktop client: http on 127.0.0.1, [::1] or localhost, any port.
func ytLoopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Fragment != "" {
		return false
	}
	h := u.Hostname()
	ip := net.ParseIP(h)
	return h == "localhost" || (ip != nil && ip.IsLoopback())
}

type ytAuthReq struct {
	clientID, redirectURI, state, challenge, method string
	scopes                                          []string
	offline                                         bool
	prompt                                          string
}

func ytErrorPage(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = ytErrorTmpl.Execute(w, map[string]any{"Status": status, "Code": code, "Desc": desc})
}

var ytErrorTmpl = template.Must(template.New("e").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Error {{.Status}}: {{.Code}}</title></head>
<body><h1>Access blocked: this request is invalid</h1><p>Error {{.Status}}: {{.Code}}</p><p>{{.Desc}}</p></body></html>
`))

func (f *YouTube) checkAuthorize(w http.ResponseWriter, r *http.Request, v url.Values) (*ytAuthReq, bool) {
	ar := &ytAuthReq{clientID: v.Get("client_id"), redirectURI: v.Get("redirect_uri"), state: v.Get("state"),
		challenge: v.Get("code_challenge"), method: v.Get("code_challenge_method"),
		scopes: strings.Fields(v.Get("scope")), offline: v.Get("access_type") == "offline", prompt: v.Get("prompt")}
	if ar.clientID != f.ClientID {
		ytErrorPage(w, http.StatusUnauthorized, "invalid_client", "The OAuth client was not found.")
		return nil, false
	}
	if !ytLoopback(ar.redirectURI) {
		ytErrorPage(w, http.StatusBadRequest, "redirect_uri_mismatch", "A desktop client accepts only a loopback redirect: http://127.0.0.1:PORT/...")
		return nil, false
	}
	if len(ar.scopes) == 0 {
		ytErrorPage(w, http.StatusBadRequest, "invalid_request", "Missing required parameter: scope")
		return nil, false
	}
	for _, s := range ar.scopes {
		if !slices.Contains(ytKnownScopes, s) {
			ytErrorPage(w, http.StatusBadRequest, "invalid_scope", "Some requested scopes were invalid: "+s)
			return nil, false
		}
	}
	back := func(code, desc string) (*ytAuthReq, bool) {
		q := url.Values{"error": {code}, "error_description": {desc}}
		if ar.state != "" {
			q.Set("state", ar.state)
		}
		f.redirectTo(w, r, ar.redirectURI, q)
		return nil, false
	}
	if v.Get("response_type") != "code" {
		return back("unsupported_response_type", "Invalid response_type: "+v.Get("response_type"))
	}
	// Google accepts plain PKCE or none; the fake insists on S256 so the
	// client's PKCE is verified.
	if ar.method != "S256" || len(ar.challenge) < 43 {
		return back("invalid_request", "Localpost's fake Google requires PKCE: code_challenge with code_challenge_method=S256.")
	}
	return ar, true
}

func (f *YouTube) redirectTo(w http.ResponseWriter, r *http.Request, to string, q url.Values) {
	http.Redirect(w, r, withQuery(to, q), http.StatusFound)
}

func (f *YouTube) grant(w http.ResponseWriter, r *http.Request, ar *ytAuthReq, scopes []string) {
	code := "4/0A" + ytRandom(40)
	f.mu.Lock()
	f.codes[code] = &ytCode{clientID: ar.clientID, redirectURI: ar.redirectURI, challenge: ar.challenge,
		scopes: scopes, expires: time.Now().Add(10 * time.Minute),
		offline: ar.offline && (strings.Contains(ar.prompt, "consent") || !f.consented[ar.clientID])}
	f.consented[ar.clientID] = true
	f.mu.Unlock()
	q := url.Values{"code": {code}, "scope": {strings.Join(scopes, " ")}}
	if ar.state != "" {
		q.Set("state", ar.state)
	}
	f.redirectTo(w, r, ar.redirectURI, q)
}

var ytConsentTmpl = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - Google Accounts</title>
<style>body{font-family:sans-serif;max-width:30em;margin:4em auto}button{font-size:1.1em;margin:.5em;padding:.4em 1.2em}</style>
</head><body>
<h1>Localpost wants access to your Google Account</h1>
<p>demo.cafe@gmail.com</p>
<form method="post" action="/o/oauth2/v2/auth">
{{range $k, $v := .Hidden}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}{{range .Scopes}}<p><label><input type="checkbox" name="grant" value="{{.}}" checked> {{.}}</label></p>
{{end}}<button type="submit" name="decision" value="approve" id="authorize">Continue</button>
<button type="submit" name="decision" value="deny" id="deny">Cancel</button>
</form>
</body></html>
`))

func (f *YouTube) authorizePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ar, ok := f.checkAuthorize(w, r, q)
	if !ok {
		return
	}
	if f.AutoApprove {
		f.grant(w, r, ar, ar.scopes)
		return
	}
	hidden := map[string]string{}
	for _, k := range []string{"client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method", "access_type", "prompt"} {
		if q.Has(k) {
			hidden[k] = q.Get(k)
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = ytConsentTmpl.Execute(w, map[string]any{"Hidden": hidden, "Scopes": ar.scopes})
}

// authorizeDecision is the consent form: the user may untick scopes, as
// Google's granular consent allows.
func (f *YouTube) authorizeDecision(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		ytErrorPage(w, http.StatusBadRequest, "invalid_request", "Could not read the form")
		return
	}
	ar, ok := f.checkAuthorize(w, r, r.PostForm)
	if !ok {
		return
	}
	if r.PostForm.Get("decision") != "approve" {
		q := url.Values{"error": {"access_denied"}}
		if ar.state != "" {
			q.Set("state", ar.state)
		}
		f.redirectTo(w, r, ar.redirectURI, q)
		return
	}
	var scopes []string
	for _, s := range r.PostForm["grant"] {
		if slices.Contains(ar.scopes, s) {
			scopes = append(scopes, s)
		}
	}
	f.grant(w, r, ar, scopes)
}

// Approve plays the user's browser on an authorize address of this fake:
// it continues with every scope ticked and follows the redirect to the
// app's loopback listener.
func (f *YouTube) Approve(authURL string) error { return f.ApproveScopes(authURL, nil) }

// ApproveScopes is Approve with only some scopes ticked (nil = all).
func (f *YouTube) ApproveScopes(authURL string, scopes []string) error {
	if scopes == nil {
		if u, err := url.Parse(authURL); err == nil {
			scopes = strings.Fields(u.Query().Get("scope"))
		}
	}
	return approveByForm(authURL, f.URL+"/o/oauth2/v2/auth", f.URL+"/o/oauth2/v2/auth", url.Values{"grant": scopes})
}

// token is POST /token: authorization_code (PKCE S256 verified, codes
// single use, redirect_uri must match) and refresh_token; the client
// secret is required, in the form or as Basic auth.
func (f *YouTube) token(w http.ResponseWriter, r *http.Request) {
	if status, ok := f.step("token"); ok {
		oauthError(w, status, "internal_failure", "Backend Error")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Could not read the request body.")
		return
	}
	v := r.PostForm
	id, secret := v.Get("client_id"), v.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	switch {
	case id != f.ClientID:
		oauthError(w, http.StatusUnauthorized, "invalid_client", "The OAuth client was not found.")
		return
	case secret == "":
		oauthError(w, http.StatusBadRequest, "invalid_request", "client_secret is missing.")
		return
	case secret != f.ClientSecret:
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Unauthorized")
		return
	}
	var scopes []string
	var refresh string
	switch v.Get("grant_type") {
	case "authorization_code":
		f.mu.Lock()
		c := f.codes[v.Get("code")]
		delete(f.codes, v.Get("code")) // single use
		f.mu.Unlock()
		if c == nil || time.Now().After(c.expires) || c.clientID != id {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "Bad Request")
			return
		}
		if c.redirectURI != v.Get("redirect_uri") {
			oauthError(w, http.StatusBadRequest, "redirect_uri_mismatch", "Bad Request")
			return
		}
		ver := v.Get("code_verifier")
		if ver == "" {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "Missing code verifier.")
			return
		}
		sum := sha256.Sum256([]byte(ver))
		if base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "Invalid code verifier.")
			return
		}
		scopes = c.scopes
		if c.offline {
			refresh = "1//0" + ytRandom(60)
			f.mu.Lock()
			f.refresh[refresh] = &ytRefresh{scopes: scopes}
			f.mu.Unlock()
		}
	case "refresh_token":
		f.mu.Lock()
		rt := f.refresh[v.Get("refresh_token")]
		f.mu.Unlock()
		if rt == nil || rt.revoked {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked.")
			return
		}
		scopes = rt.scopes
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "+v.Get("grant_type"))
		return
	}
	access := "ya29.a0" + ytRandom(100)
	f.mu.Lock()
	f.access[access] = &ytToken{scopes: scopes, expires: time.Now().Add(3599 * time.Second)}
	testing := f.testing
	f.mu.Unlock()
	out := map[string]any{"access_token": access, "expires_in": 3599, "scope": strings.Join(scopes, " "), "token_type": "Bearer"}
	if refresh != "" {
		out["refresh_token"] = refresh
		if testing {
			out["refresh_token_expires_in"] = 604799
		}
	}
	w.Header().Set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
	writeJSON(w, http.StatusOK, out)
}

// ---- channels ----

func (f *YouTube) thumbs(base string) map[string]any {
	return map[string]any{
		"default": map[string]any{"url": base + "?s=88", "width": 88, "height": 88},
		"medium":  map[string]any{"url": base + "?s=240", "width": 240, "height": 240},
		"high":    map[string]any{"url": base + "?s=800", "width": 800, "height": 800},
	}
}

func ytEtag(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(sum[:20])
}

func (f *YouTube) channelsList(w http.ResponseWriter, r *http.Request) {
	if status, ok := f.step("channels"); ok {
		f.failWith(w, status)
		return
	}
	if !f.bearer(w, r, ytScopeRead, ytScopeYouTube, ytScopeForceSSL) {
		return
	}
	q := r.URL.Query()
	if q.Get("part") == "" {
		ytError(w, http.StatusBadRequest, "required", "Required parameter: part")
		return
	}
	if q.Get("mine") != "true" && q.Get("id") == "" && q.Get("forHandle") == "" {
		ytError(w, http.StatusBadRequest, "missingRequiredParameter", "No filter selected. Expected one of: mine, id, forHandle, forUsername, managedByMe, categoryId, mySubscribers")
		return
	}
	parts := strings.Split(q.Get("part"), ",")
	f.mu.Lock()
	chs := slices.Clone(f.channels)
	f.mu.Unlock()
	items := []any{}
	for _, c := range chs {
		if q.Get("id") != "" && !slices.Contains(strings.Split(q.Get("id"), ","), c.ID) {
			continue
		}
		it := map[string]any{"kind": "youtube#channel", "etag": ytEtag(c.ID, c.Title), "id": c.ID}
		if slices.Contains(parts, "snippet") {
			desc := "The demo channel of Localpost's local YouTube."
			it["snippet"] = map[string]any{
				"title": c.Title, "description": desc, "customUrl": c.Handle,
				"publishedAt": "2024-03-01T10:00:00Z", "thumbnails": f.thumbs(f.URL + "/yt/avatar.png"),
				"localized": map[string]any{"title": c.Title, "description": desc}, "country": "FR",
			}
		}
		if slices.Contains(parts, "statistics") {
			it["statistics"] = f.channelStatistics(c.ID)
		}
		items = append(items, it)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"kind": "youtube#channelListResponse", "etag": ytEtag("channels", strconv.Itoa(len(items))),
		"pageInfo": map[string]any{"totalResults": len(items), "resultsPerPage": 5},
		"items":    items,
	})
}

// ---- videos.insert (resumable) ----

func ytTagChars(tags []string) int {
	n := 0
	for i, t := range tags {
		n += utf8.RuneCountInString(t)
		if strings.ContainsRune(t, ' ') {
			n += 2
		}
		if i > 0 {
			n++
		}
	}
	return n
}

func (f *YouTube) videosInsert(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	if status, after, fail := f.fail.take(); fail {
		reason, msg := f.failReason, f.failMsg
		f.mu.Unlock()
		dr, dm := ytDefaultFailure(status)
		if reason == "" {
			reason = dr
		}
		if msg == "" {
			msg = dm
		}
		setRetryAfter(w, after)
		ytError(w, status, reason, msg)
		return
	}
	f.mu.Unlock()
	if status, ok := f.step("init"); ok {
		f.failWith(w, status)
		return
	}
	if !f.bearer(w, r, ytScopeUpload, ytScopeYouTube, ytScopeForceSSL) {
		return
	}
	q := r.URL.Query()
	if q.Get("uploadType") != "resumable" {
		ytError(w, http.StatusBadRequest, "invalidUploadType", "The fake serves uploadType=resumable only.")
		return
	}
	if q.Get("part") == "" {
		ytError(w, http.StatusBadRequest, "required", "Required parameter: part")
		return
	}
	parts := strings.Split(q.Get("part"), ",")
	for _, p := range parts {
		if !slices.Contains([]string{"snippet", "status", "contentDetails", "id", "statistics", "player", "processingDetails"}, p) {
			ytError(w, http.StatusBadRequest, "unknownPart", "'"+p+"'")
			return
		}
	}
	mt := r.Header.Get("X-Upload-Content-Type")
	if mt != "" && !strings.HasPrefix(mt, "video/") && mt != "application/octet-stream" {
		ytError(w, http.StatusBadRequest, "badContent", fmt.Sprintf("Media type '%s' is not supported. Valid media types: [video/*, application/octet-stream]", mt))
		return
	}
	total, err := strconv.ParseInt(r.Header.Get("X-Upload-Content-Length"), 10, 64)
	if err != nil || total <= 0 {
		ytError(w, http.StatusBadRequest, "invalidUploadLength", "X-Upload-Content-Length is missing or invalid.")
		return
	}
	if total > ytMaxVideo {
		ytError(w, http.StatusRequestEntityTooLarge, "uploadTooLarge", "Media larger than: 274877906944")
		return
	}
	var meta ytVideoMeta
	if err := json.NewDecoder(r.Body).Decode(&meta); err != nil {
		ytError(w, http.StatusBadRequest, "parseError", "Parse Error")
		return
	}
	s := meta.Snippet
	switch {
	case strings.TrimSpace(s.Title) == "" || utf8.RuneCountInString(s.Title) > 100 || strings.ContainsAny(s.Title, "<>"):
		ytError(w, http.StatusBadRequest, "invalidTitle", "The request metadata specifies an invalid or empty video title.")
		return
	case len(s.Description) > 5000 || strings.ContainsAny(s.Description, "<>"):
		ytError(w, http.StatusBadRequest, "invalidDescription", "The request metadata specifies an invalid video description.")
		return
	case ytTagChars(s.Tags) > 500:
		ytError(w, http.StatusBadRequest, "invalidTags", "The request metadata specifies invalid video keywords.")
		return
	}
	st := meta.Status
	if st.PrivacyStatus == "" {
		st.PrivacyStatus = "public"
	}
	if !slices.Contains([]string{"public", "unlisted", "private"}, st.PrivacyStatus) {
		ytError(w, http.StatusBadRequest, "invalidVideoMetadata", "The request metadata is invalid.")
		return
	}
	if st.PublishAt != "" {
		at, err := time.Parse(time.RFC3339, st.PublishAt)
		if err != nil || st.PrivacyStatus != "private" || !at.After(time.Now()) {
			ytError(w, http.StatusBadRequest, "invalidPublishAt", "The request metadata specifies an invalid scheduled publishing time.")
			return
		}
	}
	meta.Status = st
	if mt == "" {
		mt = "application/octet-stream"
	}
	id := ytRandom(32)
	f.mu.Lock()
	f.sessions[id] = &ytSession{id: id, mime: mt, parts: parts, meta: meta, total: total}
	f.nSessions++
	f.mu.Unlock()
	loc := f.URL + "/upload/youtube/v3/videos?" + url.Values{"uploadType": {"resumable"}, "part": {q.Get("part")}, "upload_id": {id}}.Encode()
	w.Header().Set("Location", loc)
	w.Header().Set("X-GUploader-UploadID", id)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// ytParseContentRange reads "bytes a-b/total" (query=false) or
// "bytes */total" (query=true).
func ytParseContentRange(h string) (a, b, total int64, query bool, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(h), "bytes ")
	if !found {
		return 0, 0, 0, false, false
	}
	rng, tot, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, 0, false, false
	}
	total, err := strconv.ParseInt(tot, 10, 64)
	if err != nil {
		return 0, 0, 0, false, false
	}
	if rng == "*" {
		return 0, 0, total, true, true
	}
	as, bs, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, 0, false, false
	}
	a, err1 := strconv.ParseInt(as, 10, 64)
	b, err2 := strconv.ParseInt(bs, 10, 64)
	if err1 != nil || err2 != nil || a < 0 || b < a {
		return 0, 0, 0, false, false
	}
	return a, b, total, false, true
}

// uploadPut is a PUT to a session URL: a chunk or a status query.
func (f *YouTube) uploadPut(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	s := f.sessions[r.URL.Query().Get("upload_id")]
	f.mu.Unlock()
	if s == nil {
		ytError(w, http.StatusNotFound, "notFound", "The upload session was not found or has expired.")
		return
	}
	a, b, total, query, ok := ytParseContentRange(r.Header.Get("Content-Range"))
	if !ok || total != s.total {
		ytError(w, http.StatusBadRequest, "badRequest", "Failed to parse Content-Range header.")
		return
	}
	if query {
		if status, failed := f.step("query"); failed {
			f.failWith(w, status)
			return
		}
		f.answerSession(w, s)
		return
	}
	if status, failed := f.step("chunk"); failed {
		f.failWith(w, status)
		return
	}
	n := b - a + 1
	f.mu.Lock()
	have := int64(len(s.data))
	f.mu.Unlock()
	switch {
	case r.ContentLength != n:
		ytError(w, http.StatusBadRequest, "badRequest", "Content-Length does not match Content-Range.")
		return
	case b >= s.total:
		ytError(w, http.StatusBadRequest, "badRequest", "Content-Range goes past the declared length.")
		return
	case a > have:
		ytError(w, http.StatusBadRequest, "badRequest", fmt.Sprintf("Invalid request. The server has bytes 0-%d; the chunk starts at %d.", have-1, a))
		return
	case b+1 < s.total && n%ytChunkAlign != 0:
		ytError(w, http.StatusBadRequest, "badRequest", fmt.Sprintf("Invalid request. The number of bytes uploaded is required to be equal or greater than 262144, except for the final request (it's recommended to be the exact multiple of 262144). The received request contained %d bytes, which does not meet this requirement.", n))
		return
	}
	// Read the chunk, skipping bytes the session already holds, and cut
	// the connection at dropAt if asked.
	buf := make([]byte, 32<<10)
	pos := a
	for pos <= b {
		m, err := r.Body.Read(buf[:min(int64(len(buf)), b-pos+1)])
		if m > 0 {
			chunk := buf[:m]
			f.mu.Lock()
			have = int64(len(s.data))
			if pos+int64(m) > have {
				from := max(have-pos, 0)
				keep := chunk[from:]
				drop := f.dropAt >= 0 && have+int64(len(keep)) >= f.dropAt && f.dropAt < s.total
				if drop {
					keep = keep[:max(f.dropAt-have, 0)]
					f.dropAt = -1
				}
				s.data = append(s.data, keep...)
				f.mu.Unlock()
				if drop {
					hangUp(w)
					return
				}
			} else {
				f.mu.Unlock()
			}
			pos += int64(m)
		}
		if err != nil {
			if pos <= b {
				return // the client went away; keep what arrived
			}
			break
		}
	}
	f.mu.Lock()
	complete := int64(len(s.data)) == s.total
	drop := complete && s.videoID == "" && f.dropN > 0
	if drop {
		f.dropN--
	}
	f.mu.Unlock()
	if drop {
		f.finish(s)
		hangUp(w)
		return
	}
	f.answerSession(w, s)
}

// answerSession answers 308 with Range while bytes are missing, else the
// video (created on first completion).
func (f *YouTube) answerSession(w http.ResponseWriter, s *ytSession) {
	f.mu.Lock()
	have := int64(len(s.data))
	f.mu.Unlock()
	if have < s.total {
		if have > 0 {
			w.Header().Set("Range", fmt.Sprintf("bytes=0-%d", have-1))
		}
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusPermanentRedirect)
		return
	}
	writeJSON(w, http.StatusOK, f.finish(s))
}

// finish creates the video once and returns its JSON.
func (f *YouTube) finish(s *ytSession) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s.videoID == "" {
		s.videoID = ytRandom(11)
		sum := sha256.Sum256(s.data)
		ch := YouTubeChannel{ID: "UCLocalpostDemoChannel01", Title: "Demo Café"}
		if len(f.channels) > 0 {
			ch = f.channels[0]
		}
		f.videos = append(f.videos, YouTubeVideo{
			ID: s.videoID, ChannelID: ch.ID, Title: s.meta.Snippet.Title, Description: s.meta.Snippet.Description,
			Tags: slices.Clone(s.meta.Snippet.Tags), Privacy: s.meta.Status.PrivacyStatus, PublishAt: s.meta.Status.PublishAt,
			Mime: s.mime, Size: s.total, SHA256: hex.EncodeToString(sum[:]), CreatedAt: time.Now().UTC(), parts: s.parts,
		})
	}
	v, _ := f.videoLocked(s.videoID)
	return f.videoJSONLocked(v)
}

func (f *YouTube) videoLocked(id string) (*YouTubeVideo, bool) {
	for i := range f.videos {
		if f.videos[i].ID == id {
			return &f.videos[i], true
		}
	}
	return nil, false
}

func (f *YouTube) videoJSONLocked(v *YouTubeVideo) map[string]any {
	out := map[string]any{"kind": "youtube#video", "etag": ytEtag(v.ID, v.Title, strconv.FormatBool(v.Thumbnail)), "id": v.ID}
	chTitle := "Demo Café"
	for _, c := range f.channels {
		if c.ID == v.ChannelID {
			chTitle = c.Title
		}
	}
	if slices.Contains(v.parts, "snippet") {
		sn := map[string]any{
			"publishedAt": v.CreatedAt.Format(time.RFC3339), "channelId": v.ChannelID, "title": v.Title,
			"description": v.Description, "thumbnails": f.videoThumbs(v.ID), "channelTitle": chTitle,
			"categoryId": "22", "liveBroadcastContent": "none",
			"localized": map[string]any{"title": v.Title, "description": v.Description},
		}
		if len(v.Tags) > 0 {
			sn["tags"] = v.Tags
		}
		out["snippet"] = sn
	}
	if slices.Contains(v.parts, "status") {
		st := map[string]any{"uploadStatus": "uploaded", "privacyStatus": v.Privacy, "license": "youtube",
			"embeddable": true, "publicStatsViewable": true}
		if v.PublishAt != "" {
			st["publishAt"] = v.PublishAt
		}
		out["status"] = st
	}
	if slices.Contains(v.parts, "statistics") {
		out["statistics"] = f.videoStatisticsLocked(v.ID)
	}
	return out
}

func (f *YouTube) videoThumbs(id string) map[string]any {
	base := f.URL + "/yt/video.png?v=" + url.QueryEscape(id)
	return map[string]any{
		"default": map[string]any{"url": base + "&s=default", "width": 120, "height": 90},
		"medium":  map[string]any{"url": base + "&s=medium", "width": 320, "height": 180},
		"high":    map[string]any{"url": base + "&s=high", "width": 480, "height": 360},
	}
}

// ---- thumbnails.set ----

func (f *YouTube) thumbnailsSet(w http.ResponseWriter, r *http.Request) {
	if status, ok := f.step("thumbnail"); ok {
		f.failWith(w, status)
		return
	}
	if !f.bearer(w, r, ytScopeUpload, ytScopeYouTube, ytScopeForceSSL) {
		return
	}
	id := r.URL.Query().Get("videoId")
	if id == "" {
		ytError(w, http.StatusBadRequest, "required", "Required parameter: videoId")
		return
	}
	f.mu.Lock()
	_, found := f.videoLocked(id)
	refuse := f.noThumbs
	f.mu.Unlock()
	if !found {
		ytError(w, http.StatusNotFound, "videoNotFound", "The video that you are trying to update cannot be found. Check the value of the videoId parameter in the request body to ensure that it is correct.")
		return
	}
	if refuse {
		ytError(w, http.StatusForbidden, "forbidden", "The authenticated user doesn't have permissions to upload and set custom video thumbnails.")
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "image/jpeg" && ct != "image/png" && ct != "application/octet-stream" {
		ytError(w, http.StatusBadRequest, "mediaBodyRequired", "The request does not include the image content.")
		return
	}
	data, _ := io.ReadAll(io.LimitReader(r.Body, ytMaxThumb+1))
	if len(data) > ytMaxThumb {
		ytError(w, http.StatusRequestEntityTooLarge, "mediaBodyTooBig", "Media larger than: 2097152")
		return
	}
	if _, format, err := image.DecodeConfig(bytes.NewReader(data)); err != nil || (format != "jpeg" && format != "png") {
		ytError(w, http.StatusBadRequest, "invalidImage", "The thumbnail image file is invalid.")
		return
	}
	f.mu.Lock()
	v, _ := f.videoLocked(id)
	v.Thumbnail = true
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"kind": "youtube#thumbnailSetResponse", "etag": ytEtag("thumb", id),
		"items": []any{f.videoThumbs(id)},
	})
}

// ---- pages for --demo ----

var ytWatchTmpl = template.Must(template.New("watch").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} - YouTube (Localpost demo)</title>
<style>body{font-family:sans-serif;max-width:40em;margin:3em auto}</style></head><body>
<p><img src="/yt/video.png" width="480" height="270" alt=""></p>
<h1>{{.Title}}</h1><p><strong>{{.Channel}}</strong> · {{.Privacy}}{{if .PublishAt}} · goes public {{.PublishAt}}{{end}}</p>
<p style="white-space:pre-wrap">{{.Description}}</p>
{{if .Tags}}<p>{{range .Tags}}#{{.}} {{end}}</p>{{end}}
</body></html>
`))

func (f *YouTube) watchPage(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	v, ok := f.videoLocked(r.URL.Query().Get("v"))
	var data map[string]any
	if ok {
		data = map[string]any{"Title": v.Title, "Channel": v.ChannelID, "Privacy": v.Privacy, "PublishAt": v.PublishAt,
			"Description": v.Description, "Tags": slices.Clone(v.Tags)}
	}
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = ytWatchTmpl.Execute(w, data)
}

func (f *YouTube) channelPage(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	var ch *YouTubeChannel
	for i := range f.channels {
		if f.channels[i].ID == r.PathValue("id") {
			ch = &f.channels[i]
		}
	}
	var title string
	if ch != nil {
		title = ch.Title
	}
	f.mu.Unlock()
	if ch == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s - YouTube</title></head><body><h1>%s</h1></body></html>\n",
		template.HTMLEscapeString(title), template.HTMLEscapeString(title))
}

// image serves the avatar and video thumbnails (one generated PNG).
func (f *YouTube) image(w http.ResponseWriter, r *http.Request) {
	if name := r.PathValue("file"); name != "avatar.png" && name != "video.png" {
		http.NotFound(w, r)
		return
	}
	b := demoAvatar()
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}
