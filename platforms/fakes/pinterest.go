package fakes

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
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

// Pinterest is an in-process Pinterest (REST API v5) on 127.0.0.1: the
// OAuth authorize page (/oauth/) and token endpoint (/v5/oauth/token, HTTP
// Basic, single-use codes, continuous refresh tokens), /v5/user_account,
// /v5/boards, /v5/boards/{id}/pins, /v5/pins, /v5/media and an S3-like
// upload address for videos (/pinterest-media-upload/). It is safe for
// concurrent use.
//
// Pinterest has no dynamic app registration: the fake has one app,
// ClientID / ClientSecret, whose registered redirect URIs are set with
// SetRedirectURIs (default http://localhost:8085/, the quickstart's).
// The user is "localpostdemo" (business "Demo Café") with three boards.
type Pinterest struct {
	URL          string // http://127.0.0.1:PORT
	ClientID     string
	ClientSecret string

	// AutoApprove makes GET /oauth/ redirect at once with a code, as if
	// the user had pressed Authorize; otherwise it shows a consent page.
	AutoApprove bool

	srv *http.Server
	ln  net.Listener

	mu         sync.Mutex
	seq        int64
	redirects  []string
	codes      map[string]*pinCode
	tokens     map[string]*pinToken // by access token
	refreshes  map[string]*pinToken // by refresh token
	boards     []PinterestBoard
	media      map[string]*pinMedia
	pins       []PinterestPin
	requests   []Request
	fails      map[string]*failKnob
	drops      map[string]int
	processing int
	s3key      []byte
	avatar     []byte
	reads      postReads // metric reads per Pin id, "" the account (pinterest_metrics.go)
}

// PinterestBoard is a board of the demo user.
type PinterestBoard struct {
	ID, Name, Privacy string
}

// PinterestPin is a Pin the fake received.
type PinterestPin struct {
	ID, BoardID                   string
	Title, Description, Link, Alt string
	MediaType                     string // "image" or "video"
	SourceType                    string // image_base64, image_url, video_id
	ContentType                   string // of an image_base64
	Image                         []byte // decoded image_base64
	ImageURL                      string // image_url
	MediaID                       string // video_id
	Cover                         string // "data", "url" or "frame:N"
	CoverBytes                    []byte
	Token                         string // which access token made it (tests only; never logged)
	CreatedAt                     time.Time
	titleNull, descNull, linkNull bool
}

// PinterestMedia is a registered video upload.
type PinterestMedia struct {
	ID      string
	Status  string // registered, processing, succeeded, failed
	Uploads int    // how many times the file was sent
	Size    int
}

type pinCode struct {
	redirectURI string
	scopes      []string
	expires     time.Time
}

type pinToken struct {
	access, refresh string
	scopes          []string
	revoked         bool
	expires         time.Time
}

type pinMedia struct {
	PinterestMedia
	token   string
	key     string
	pending int
	data    []byte
}

// The steps FailStep and DropStep name.
const (
	PinterestStepToken    = "token"        // POST /v5/oauth/token
	PinterestStepAccount  = "user_account" // GET /v5/user_account
	PinterestStepBoards   = "boards"       // GET /v5/boards
	PinterestStepRegister = "media"        // POST /v5/media
	PinterestStepUpload   = "upload"       // POST /pinterest-media-upload/
	PinterestStepStatus   = "media_status" // GET /v5/media/{id}
	PinterestStepPin      = "pin"          // POST /v5/pins
)

// NewPinterest starts the fake on 127.0.0.1 on a free port; it panics if
// it cannot listen, like httptest.NewServer.
func NewPinterest() *Pinterest {
	f, err := StartPinterest("127.0.0.1:0")
	if err != nil {
		panic("fakes: " + err.Error())
	}
	return f
}

// StartPinterest starts the fake on a loopback address ("127.0.0.1:0" =
// a free port; an empty host means 127.0.0.1).
func StartPinterest(addr string) (*Pinterest, error) {
	ln, base, err := listenLoopback("pinterest", addr)
	if err != nil {
		return nil, err
	}
	f := &Pinterest{
		URL:          base,
		ClientID:     "1484362",
		ClientSecret: randomString(),
		ln:           ln,
		redirects:    []string{"http://localhost:8085/"},
		codes:        map[string]*pinCode{},
		tokens:       map[string]*pinToken{},
		refreshes:    map[string]*pinToken{},
		media:        map[string]*pinMedia{},
		fails:        map[string]*failKnob{},
		drops:        map[string]int{},
		processing:   1,
		seq:          1022106146234567000,
		s3key:        []byte(randomString()),
		boards: []PinterestBoard{
			{ID: "1022106077902810180", Name: "Café recipes", Privacy: "PUBLIC"},
			{ID: "1022106077902810181", Name: "Shop window", Privacy: "PUBLIC"},
			{ID: "1022106077902810182", Name: "Drafts", Privacy: "SECRET"},
		},
	}
	f.srv = serve(ln, f.routes())
	return f, nil
}

// Close stops the fake.
func (f *Pinterest) Close() { _ = f.srv.Close() }

// APIURL is the base of the API (Config.APIURL of the client).
func (f *Pinterest) APIURL() string { return f.URL + "/v5" }

// AuthURL is the authorize page (Config.AuthURL of the client).
func (f *Pinterest) AuthURL() string { return f.URL + "/oauth/" }

// SetRedirectURIs sets the app's registered redirect URIs (exact match).
func (f *Pinterest) SetRedirectURIs(uris ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.redirects = slices.Clone(uris)
}

// AddBoards adds boards to the demo user (for pagination tests).
func (f *Pinterest) AddBoards(names ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range names {
		f.boards = append(f.boards, PinterestBoard{ID: f.nextIDLocked(), Name: n, Privacy: "PUBLIC"})
	}
}

// Boards returns the demo user's boards.
func (f *Pinterest) Boards() []PinterestBoard {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.boards)
}

// SetVideoProcessing sets how many GET /v5/media/{id} answer "processing"
// after an upload before "succeeded" (default 1).
func (f *Pinterest) SetVideoProcessing(polls int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.processing = polls
}

// Pins returns what was pinned, in order.
func (f *Pinterest) Pins() []PinterestPin {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]PinterestPin, len(f.pins))
	for i, p := range f.pins {
		p.Image = slices.Clone(p.Image)
		p.CoverBytes = slices.Clone(p.CoverBytes)
		out[i] = p
	}
	return out
}

// Media returns the registered video uploads, in order of registration.
func (f *Pinterest) Media() []PinterestMedia {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []PinterestMedia
	for _, m := range f.media {
		out = append(out, m.PinterestMedia)
	}
	slices.SortFunc(out, func(a, b PinterestMedia) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Requests returns every request served, in order. Tokens, the client
// secret, codes and upload signatures are "[redacted]".
func (f *Pinterest) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return cloneRequests(f.requests)
}

// RevokeAll makes every access and refresh token invalid, as when the user
// removes the app from their Pinterest settings.
func (f *Pinterest) RevokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tokens {
		t.revoked = true
	}
}

// ExpireAll makes every access token expired (refresh tokens still work).
func (f *Pinterest) ExpireAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tokens {
		t.expires = time.Now().Add(-time.Second)
	}
}

// FailNext makes the next n POST /v5/pins answer status (with
// Retry-After if retryAfter > 0) without pinning.
func (f *Pinterest) FailNext(n, status int, retryAfter time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails[PinterestStepPin] = &failKnob{n: n, status: status, after: retryAfter}
}

// FailStep makes the next n calls of a step (PinterestStep*) answer status
// without doing anything.
func (f *Pinterest) FailStep(step string, n, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails[step] = &failKnob{n: n, status: status}
}

// DropNext makes the next n POST /v5/pins create the Pin and then cut the
// connection before answering.
func (f *Pinterest) DropNext(n int) { f.DropStep(PinterestStepPin, n) }

// DropStep makes the next n calls of a step do their work (register,
// store the upload, pin) and then cut the connection before answering.
func (f *Pinterest) DropStep(step string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.drops[step] = n
}

func (f *Pinterest) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/{$}", f.authorizePage)
	mux.HandleFunc("POST /oauth/{$}", f.authorizeDecision)
	mux.HandleFunc("POST /v5/oauth/token", f.token)
	mux.HandleFunc("GET /v5/user_account", f.userAccount)
	mux.HandleFunc("GET /v5/boards", f.listBoards)
	mux.HandleFunc("GET /v5/boards/{board_id}/pins", f.boardPins)
	mux.HandleFunc("POST /v5/pins", f.createPin)
	mux.HandleFunc("GET /v5/pins/{pin_id}", f.getPin)
	mux.HandleFunc("GET /v5/pins/{pin_id}/analytics", f.pinAnalytics)
	mux.HandleFunc("POST /v5/media", f.registerMedia)
	mux.HandleFunc("GET /v5/media/{media_id}", f.getMedia)
	mux.HandleFunc("POST /pinterest-media-upload/{$}", f.upload)
	mux.HandleFunc("GET /pin/{id}/{$}", f.pinPage)
	mux.HandleFunc("GET /pinterest-avatars/{file}", f.avatarFile)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		pinError(w, http.StatusNotFound, 404, "Not found.")
	})
	return f.record(mux)
}

// ---- recording ----

// pinterestSecretKeys are redacted (when they hold strings) from recorded
// queries, bodies and answers; Pinterest's error "code" is a number and
// stays.
var pinterestSecretKeys = []string{"access_token", "refresh_token", "client_secret", "code", "policy", "x-amz-signature", "x-amz-security-token", "x-amz-credential"}

func (f *Pinterest) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := keepBody(r, 64<<20)
		req, _ := serveRecorded(next, w, r, pinRedactForm, pinRedactJSON)
		req.Body = recordBody(r.Header.Get("Content-Type"), body)
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") || strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			req.Body = []byte(pinRedactForm(string(req.Body)))
		} else {
			req.Body = pinRedactJSON(body)
		}
		f.mu.Lock()
		f.requests = append(f.requests, req)
		f.mu.Unlock()
	})
}

func pinRedactForm(q string) string { return redactForm(q, pinterestSecretKeys) }

func pinRedactJSON(b []byte) []byte {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return b
	}
	var walk func(x any) bool
	walk = func(x any) bool {
		changed := false
		switch m := x.(type) {
		case map[string]any:
			for k, e := range m {
				if _, ok := e.(string); ok && slices.Contains(pinterestSecretKeys, k) {
					m[k] = "[redacted]"
					changed = true
				} else if walk(e) {
					changed = true
				}
			}
		case []any:
			for _, e := range m {
				if walk(e) {
					changed = true
				}
			}
		}
		return changed
	}
	if !walk(v) {
		return b
	}
	out, _ := json.Marshal(v)
	return out
}

// ---- helpers ----

// pinError writes Pinterest's error shape {"code": n, "message": "..."}.
func pinError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"code": code, "message": msg})
}

func (f *Pinterest) nextIDLocked() string {
	f.seq++
	return strconv.FormatInt(f.seq, 10)
}

// failOrDrop applies FailStep/FailNext for a step: it answers and reports
// true when the call must fail now.
func (f *Pinterest) failStep(w http.ResponseWriter, step string) bool {
	f.mu.Lock()
	status, after, fail := f.fails[step].take()
	f.mu.Unlock()
	if !fail {
		return false
	}
	setRetryAfter(w, after)
	if step == PinterestStepUpload {
		s3Error(w, status, "InternalError", "We encountered an internal error. Please try again.")
		return true
	}
	code, msg := pinFailMessage(status)
	pinError(w, status, code, msg)
	return true
}

// dropNow reports whether this call of step should cut the connection
// after doing its work, and counts it.
func (f *Pinterest) dropNow(step string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.drops[step] > 0 {
		f.drops[step]--
		return true
	}
	return false
}

func pinFailMessage(status int) (int, string) {
	switch status {
	case 400:
		return 1, "Invalid request."
	case 401:
		return 2, "Authentication failed."
	case 403:
		return 403, "Not authorized to access board or pin."
	case 404:
		return 404, "Board not found."
	case 429:
		return 8, "You have exceeded your rate limit. Try again later."
	case 500, 503:
		return status, "Something went wrong on our end. Sorry about that."
	}
	return status, http.StatusText(status)
}

// bearer returns the caller's token (checking scopes), or answers 401/403.
func (f *Pinterest) bearer(w http.ResponseWriter, r *http.Request, scopes ...string) *pinToken {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	t := f.tokens[tok]
	f.mu.Unlock()
	if !ok || t == nil || t.revoked || time.Now().After(t.expires) {
		pinError(w, http.StatusUnauthorized, 2, "Authentication failed.")
		return nil
	}
	for _, s := range scopes {
		if !slices.Contains(t.scopes, s) {
			pinError(w, http.StatusForbidden, 403, "Your application consumer type is not supported or the token lacks the scope "+s+".")
			return nil
		}
	}
	return t
}

// ---- OAuth ----

var pinterestScopes = []string{"ads:read", "ads:write", "billing:read", "billing:write", "biz_access:read", "biz_access:write",
	"boards:read", "boards:read_secret", "boards:write", "boards:write_secret", "catalogs:read", "catalogs:write",
	"pins:read", "pins:read_secret", "pins:write", "pins:write_secret", "user_accounts:read", "user_accounts:write"}

type pinAuthRequest struct {
	redirectURI, state, scope, rtype string
	scopes                           []string
}

// checkAuthorize validates an authorize request. A wrong client or
// redirect URI gets an error page (never a redirect); other problems are
// redirected back with error=...
func (f *Pinterest) checkAuthorize(w http.ResponseWriter, r *http.Request, v url.Values) (*pinAuthRequest, bool) {
	ar := &pinAuthRequest{redirectURI: v.Get("redirect_uri"), state: v.Get("state"), scope: v.Get("scope"), rtype: v.Get("response_type")}
	f.mu.Lock()
	okRedirect := slices.Contains(f.redirects, ar.redirectURI)
	f.mu.Unlock()
	page := func(msg string) (*pinAuthRequest, bool) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		_ = pinErrorTmpl.Execute(w, msg)
		return nil, false
	}
	if v.Get("client_id") != f.ClientID {
		return page("This app is not registered (unknown client_id).")
	}
	if !okRedirect {
		return page("The redirect URI does not match any of the app's registered redirect URIs.")
	}
	fail := func(code, desc string) (*pinAuthRequest, bool) {
		u, _ := url.Parse(ar.redirectURI)
		q := u.Query()
		q.Set("error", code)
		q.Set("error_description", desc)
		if ar.state != "" {
			q.Set("state", ar.state)
		}
		u.RawQuery = q.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
		return nil, false
	}
	if ar.rtype != "code" {
		return fail("unsupported_response_type", "response_type must be code")
	}
	for _, s := range strings.Split(ar.scope, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !slices.Contains(pinterestScopes, s) {
			return fail("invalid_scope", "Unknown scope "+s)
		}
		ar.scopes = append(ar.scopes, s)
	}
	if len(ar.scopes) == 0 {
		return fail("invalid_scope", "At least one scope is required")
	}
	return ar, true
}

var pinErrorTmpl = template.Must(template.New("err").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pinterest</title></head><body><h1>Something went wrong</h1><p>{{.}}</p></body></html>
`))

var pinAuthorizeTmpl = template.Must(template.New("authorize").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Give access to your Pinterest account</title>
<style>body{font-family:sans-serif;max-width:28em;margin:4em auto;text-align:center}button{font-size:1.1em;margin:.5em;padding:.4em 1.2em;border-radius:2em}#authorize{background:#e60023;color:#fff;border:0}</style>
</head><body>
<h1>Give access to your Pinterest account</h1>
<p>App {{.ClientID}} wants to use your account {{.User}}.</p>
<p>It asks for: {{.Scope}}</p>
<form method="post" action="/oauth/">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="response_type" value="{{.ResponseType}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<button type="submit" name="decision" value="approve" id="authorize">Give access</button>
<button type="submit" name="decision" value="deny" id="deny">Cancel</button>
</form>
</body></html>
`))

func (f *Pinterest) approve(w http.ResponseWriter, r *http.Request, ar *pinAuthRequest) {
	code := randomString()
	f.mu.Lock()
	f.codes[code] = &pinCode{redirectURI: ar.redirectURI, scopes: ar.scopes, expires: time.Now().Add(10 * time.Minute)}
	f.mu.Unlock()
	u, _ := url.Parse(ar.redirectURI)
	q := u.Query()
	q.Set("code", code)
	if ar.state != "" {
		q.Set("state", ar.state)
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// authorizePage is GET /oauth/: a consent page, or with AutoApprove an
// immediate redirect with a code.
func (f *Pinterest) authorizePage(w http.ResponseWriter, r *http.Request) {
	ar, ok := f.checkAuthorize(w, r, r.URL.Query())
	if !ok {
		return
	}
	if f.AutoApprove {
		f.approve(w, r, ar)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = pinAuthorizeTmpl.Execute(w, map[string]string{
		"ClientID": f.ClientID, "User": "localpostdemo", "Scope": ar.scope,
		"RedirectURI": ar.redirectURI, "ResponseType": ar.rtype, "State": ar.state,
	})
}

// authorizeDecision is the consent form's POST /oauth/.
func (f *Pinterest) authorizeDecision(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	ar, ok := f.checkAuthorize(w, r, r.PostForm)
	if !ok {
		return
	}
	if r.PostForm.Get("decision") != "approve" {
		u, _ := url.Parse(ar.redirectURI)
		q := u.Query()
		q.Set("error", "access_denied")
		if ar.state != "" {
			q.Set("state", ar.state)
		}
		u.RawQuery = q.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
		return
	}
	f.approve(w, r, ar)
}

// Approve plays the user's browser for an authorize address of this fake:
// it presses "Give access" and follows the redirect to the app's loopback
// listener.
func (f *Pinterest) Approve(authURL string) error {
	return approveByForm(authURL, f.URL+"/oauth/?", f.URL+"/oauth/", nil)
}

const (
	pinAccessLife  = 30 * 24 * time.Hour
	pinRefreshLife = 60 * 24 * time.Hour // continuous refresh tokens
)

// token is POST /v5/oauth/token: authorization_code or refresh_token,
// the app authenticated with HTTP Basic.
func (f *Pinterest) token(w http.ResponseWriter, r *http.Request) {
	if f.failStep(w, PinterestStepToken) {
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok || id != f.ClientID || !hmac.Equal([]byte(secret), []byte(f.ClientSecret)) {
		pinError(w, http.StatusUnauthorized, 2, "Authentication failed.")
		return
	}
	if err := r.ParseForm(); err != nil {
		pinError(w, http.StatusBadRequest, 1, "Invalid request body.")
		return
	}
	v := r.PostForm
	now := time.Now()
	var scopes []string
	kind := v.Get("grant_type")
	switch kind {
	case "authorization_code":
		f.mu.Lock()
		c := f.codes[v.Get("code")]
		delete(f.codes, v.Get("code")) // single use, even when the attempt fails
		f.mu.Unlock()
		if c == nil || now.After(c.expires) {
			pinError(w, http.StatusBadRequest, 1, "Invalid authorization code.")
			return
		}
		if c.redirectURI != v.Get("redirect_uri") {
			pinError(w, http.StatusBadRequest, 1, "Invalid redirect_uri: it must match the one of the authorization request.")
			return
		}
		scopes = c.scopes
	case "refresh_token":
		f.mu.Lock()
		old := f.refreshes[v.Get("refresh_token")]
		if old != nil {
			delete(f.refreshes, v.Get("refresh_token")) // continuous refresh: each use hands out a new one
		}
		f.mu.Unlock()
		if old == nil || old.revoked {
			pinError(w, http.StatusBadRequest, 1, "Invalid refresh token.")
			return
		}
		scopes = old.scopes
	default:
		pinError(w, http.StatusBadRequest, 1, "Unsupported grant_type.")
		return
	}
	t := &pinToken{access: "pina_" + randomString(), refresh: "pinr_" + randomString(), scopes: scopes, expires: now.Add(pinAccessLife)}
	f.mu.Lock()
	f.tokens[t.access] = t
	f.refreshes[t.refresh] = t
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":             t.access,
		"refresh_token":            t.refresh,
		"response_type":            kind,
		"token_type":               "bearer",
		"expires_in":               int64(pinAccessLife / time.Second),
		"refresh_token_expires_in": int64(pinRefreshLife / time.Second),
		"refresh_token_expires_at": now.Add(pinRefreshLife).Unix(),
		"scope":                    strings.Join(scopes, " "),
	})
}

// ---- account and boards ----

func (f *Pinterest) userAccount(w http.ResponseWriter, r *http.Request) {
	if f.failStep(w, PinterestStepAccount) {
		return
	}
	if f.bearer(w, r, "user_accounts:read") == nil {
		return
	}
	f.mu.Lock()
	nb, np := len(f.boards), len(f.pins)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"account_type":    "BUSINESS",
		"id":              "1022106146234561234",
		"username":        "localpostdemo",
		"profile_image":   f.URL + "/pinterest-avatars/localpostdemo.png",
		"website_url":     "https://example.com",
		"business_name":   "Demo Café",
		"about":           "The demo account of Localpost's local Pinterest.",
		"board_count":     nb,
		"pin_count":       np,
		"follower_count":  f.followers(),
		"following_count": 7,
		"monthly_views":   1234,
	})
}

func (f *Pinterest) boardJSONLocked(b PinterestBoard) map[string]any {
	n := 0
	var thumbs []string
	for _, p := range f.pins {
		if p.BoardID == b.ID {
			n++
			if len(thumbs) < 4 {
				thumbs = append(thumbs, f.URL+"/pin/"+p.ID+"/")
			}
		}
	}
	var cover any
	if len(thumbs) > 0 {
		cover = thumbs[0]
	}
	return map[string]any{
		"id":                     b.ID,
		"name":                   b.Name,
		"description":            nil,
		"privacy":                b.Privacy,
		"owner":                  map[string]any{"username": "localpostdemo"},
		"created_at":             "2024-03-01T09:00:00",
		"board_pins_modified_at": "2024-03-01T09:00:00",
		"pin_count":              n,
		"follower_count":         3,
		"collaborator_count":     0,
		"is_ads_only":            false,
		"media":                  map[string]any{"image_cover_url": cover, "pin_thumbnail_urls": append([]string{}, thumbs...)},
	}
}

// pinPage answers one page of a list with Pinterest's bookmark cursor.
func pinPage(r *http.Request, n int) (from, to int, bookmark any, errMsg string) {
	size := 25
	if s := r.URL.Query().Get("page_size"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > 250 {
			return 0, 0, nil, "page_size must be between 1 and 250."
		}
		size = v
	}
	if bm := r.URL.Query().Get("bookmark"); bm != "" {
		b, err := base64.RawURLEncoding.DecodeString(bm)
		v, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || v < 0 || v > n {
			return 0, 0, nil, "Invalid bookmark."
		}
		from = v
	}
	to = min(from+size, n)
	if to < n {
		bookmark = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(to)))
	}
	return from, to, bookmark, ""
}

func (f *Pinterest) listBoards(w http.ResponseWriter, r *http.Request) {
	if f.failStep(w, PinterestStepBoards) {
		return
	}
	if f.bearer(w, r, "boards:read") == nil {
		return
	}
	f.mu.Lock()
	from, to, bm, bad := pinPage(r, len(f.boards))
	items := []any{}
	if bad == "" {
		for _, b := range f.boards[from:to] {
			items = append(items, f.boardJSONLocked(b))
		}
	}
	f.mu.Unlock()
	if bad != "" {
		pinError(w, http.StatusBadRequest, 1, bad)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "bookmark": bm})
}

func (f *Pinterest) boardLocked(id string) (PinterestBoard, bool) {
	for _, b := range f.boards {
		if b.ID == id {
			return b, true
		}
	}
	return PinterestBoard{}, false
}

func (f *Pinterest) boardPins(w http.ResponseWriter, r *http.Request) {
	if f.bearer(w, r, "boards:read", "pins:read") == nil {
		return
	}
	id := r.PathValue("board_id")
	f.mu.Lock()
	_, ok := f.boardLocked(id)
	var on []PinterestPin
	for i := len(f.pins) - 1; i >= 0; i-- { // newest first
		if f.pins[i].BoardID == id {
			on = append(on, f.pins[i])
		}
	}
	from, to, bm, bad := pinPage(r, len(on))
	items := []any{}
	if ok && bad == "" {
		for _, p := range on[from:to] {
			items = append(items, f.pinJSON(p))
		}
	}
	f.mu.Unlock()
	switch {
	case !ok:
		pinError(w, http.StatusNotFound, 404, "Board not found.")
	case bad != "":
		pinError(w, http.StatusBadRequest, 1, bad)
	default:
		writeJSON(w, http.StatusOK, map[string]any{"items": items, "bookmark": bm})
	}
}

// ---- pins ----

func nullable(s string, null bool) any {
	if null {
		return nil
	}
	return s
}

func (f *Pinterest) pinJSON(p PinterestPin) map[string]any {
	img := func(w, h int, size string) map[string]any {
		return map[string]any{"width": w, "height": h, "url": f.URL + "/pin/" + p.ID + "/?size=" + size}
	}
	images := map[string]any{"150x150": img(150, 150, "150x150"), "400x300": img(400, 300, "400x300"), "600x": img(600, 600, "600x"), "1200x": img(1200, 1200, "1200x")}
	media := map[string]any{"media_type": "image", "images": images}
	creative := "REGULAR"
	if p.MediaType == "video" {
		creative = "VIDEO"
		media = map[string]any{"media_type": "video", "images": images, "cover_image_url": f.URL + "/pin/" + p.ID + "/?size=cover",
			"video_url": nil, "duration": 6000, "height": 720, "width": 1280}
	}
	alt := any(nil)
	if p.Alt != "" {
		alt = p.Alt
	}
	return map[string]any{
		"id":                p.ID,
		"created_at":        p.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"),
		"link":              nullable(p.Link, p.linkNull),
		"title":             nullable(p.Title, p.titleNull),
		"description":       nullable(p.Description, p.descNull),
		"dominant_color":    "#6E7874",
		"alt_text":          alt,
		"creative_type":     creative,
		"board_id":          p.BoardID,
		"board_section_id":  nil,
		"board_owner":       map[string]any{"username": "localpostdemo"},
		"is_owner":          true,
		"is_standard":       true,
		"has_been_promoted": false,
		"parent_pin_id":     nil,
		"pin_metrics":       nil,
		"media":             media,
	}
}

// pinCreateJSON is the part of PinCreate the fake reads.
type pinCreateJSON struct {
	BoardID     string  `json:"board_id"`
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Link        *string `json:"link"`
	AltText     *string `json:"alt_text"`
	MediaSource *struct {
		SourceType            string `json:"source_type"`
		ContentType           string `json:"content_type"`
		Data                  string `json:"data"`
		URL                   string `json:"url"`
		MediaID               string `json:"media_id"`
		CoverImageURL         string `json:"cover_image_url"`
		CoverImageData        string `json:"cover_image_data"`
		CoverImageContentType string `json:"cover_image_content_type"`
		CoverImageKeyFrame    *int   `json:"cover_image_key_frame_time"`
	} `json:"media_source"`
}

func deref(s *string) (string, bool) {
	if s == nil {
		return "", true
	}
	return *s, false
}

// pinImage decodes base64 image data and checks it is what content_type says.
func pinImage(data, contentType string) ([]byte, string) {
	if contentType != "image/jpeg" && contentType != "image/png" {
		return nil, "content_type must be image/jpeg or image/png."
	}
	b, err := base64.StdEncoding.DecodeString(data)
	if err != nil || len(b) == 0 {
		return nil, "The image data is not valid base64."
	}
	if got := http.DetectContentType(b); got != contentType {
		return nil, "Sorry, we could not read this image: its content is " + got + ", not " + contentType + "."
	}
	return b, ""
}

func (f *Pinterest) createPin(w http.ResponseWriter, r *http.Request) {
	if f.failStep(w, PinterestStepPin) {
		return
	}
	t := f.bearer(w, r, "boards:read", "boards:write", "pins:read", "pins:write")
	if t == nil {
		return
	}
	var in pinCreateJSON
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		pinError(w, http.StatusBadRequest, 1, "Invalid JSON body.")
		return
	}
	bad := func(msg string) { pinError(w, http.StatusBadRequest, 1, msg) }
	p := PinterestPin{BoardID: in.BoardID, Token: t.access, CreatedAt: time.Now().UTC()}
	p.Title, p.titleNull = deref(in.Title)
	p.Description, p.descNull = deref(in.Description)
	p.Link, p.linkNull = deref(in.Link)
	p.Alt, _ = deref(in.AltText)
	switch {
	case in.BoardID == "":
		bad("board_id is required.")
		return
	case utf8.RuneCountInString(p.Title) > 100:
		bad("Invalid parameters: title must be at most 100 characters.")
		return
	case utf8.RuneCountInString(p.Description) > 800:
		bad("Invalid parameters: description must be at most 800 characters.")
		return
	case len(p.Link) > 2048:
		bad("Invalid parameters: link must be at most 2048 characters.")
		return
	case utf8.RuneCountInString(p.Alt) > 500:
		bad("Invalid parameters: alt_text must be at most 500 characters.")
		return
	case in.MediaSource == nil:
		bad("media_source is required.")
		return
	}
	if p.Link != "" {
		if u, err := url.Parse(p.Link); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			bad("Invalid parameters: link must be a valid URL.")
			return
		}
	}
	f.mu.Lock()
	_, okBoard := f.boardLocked(in.BoardID)
	f.mu.Unlock()
	if !okBoard {
		pinError(w, http.StatusNotFound, 404, "Board not found.")
		return
	}
	ms := in.MediaSource
	p.SourceType = ms.SourceType
	switch ms.SourceType {
	case "image_base64":
		b, msg := pinImage(ms.Data, ms.ContentType)
		if msg != "" {
			bad(msg)
			return
		}
		p.MediaType, p.ContentType, p.Image = "image", ms.ContentType, b
	case "image_url":
		if u, err := url.Parse(ms.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("Invalid image URL.")
			return
		}
		p.MediaType, p.ImageURL = "image", ms.URL
	case "video_id":
		f.mu.Lock()
		m := f.media[ms.MediaID]
		status := ""
		if m != nil && f.sameUserLocked(m.token, t.access) {
			status = m.Status
		}
		f.mu.Unlock()
		switch status {
		case "":
			bad("Media not found: " + ms.MediaID + ".")
			return
		case "succeeded":
		default:
			bad("The video is not ready yet (status " + status + "); wait until GET /media/{media_id} says succeeded.")
			return
		}
		p.MediaType, p.MediaID = "video", ms.MediaID
		switch {
		case ms.CoverImageData != "":
			b, msg := pinImage(ms.CoverImageData, ms.CoverImageContentType)
			if msg != "" {
				bad("Cover image: " + msg)
				return
			}
			p.Cover, p.CoverBytes = "data", b
		case ms.CoverImageURL != "":
			p.Cover = "url"
		case ms.CoverImageKeyFrame != nil:
			p.Cover = "frame:" + strconv.Itoa(*ms.CoverImageKeyFrame)
		default:
			bad("A cover image is required for video Pins: send cover_image_url, cover_image_data or cover_image_key_frame_time.")
			return
		}
	default:
		bad("Unsupported media_source.source_type " + strconv.Quote(ms.SourceType) + ".")
		return
	}
	f.mu.Lock()
	p.ID = f.nextIDLocked()
	f.pins = append(f.pins, p)
	body := f.pinJSON(p)
	f.mu.Unlock()
	if f.dropNow(PinterestStepPin) && hangUp(w) {
		return
	}
	writeJSON(w, http.StatusCreated, body)
}

// sameUserLocked: every token of the fake belongs to the one demo user.
func (f *Pinterest) sameUserLocked(a, b string) bool { return f.tokens[a] != nil && f.tokens[b] != nil }

func (f *Pinterest) getPin(w http.ResponseWriter, r *http.Request) {
	if f.bearer(w, r, "boards:read", "pins:read") == nil {
		return
	}
	f.mu.Lock()
	var body map[string]any
	for _, p := range f.pins {
		if p.ID == r.PathValue("pin_id") {
			body = f.pinJSON(p)
		}
	}
	f.mu.Unlock()
	if body == nil {
		pinError(w, http.StatusNotFound, 404, "Pin not found.")
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// ---- video media ----

func (f *Pinterest) s3Signature(key, policy string) string {
	m := hmac.New(sha256.New, f.s3key)
	m.Write([]byte(key + "\n" + policy))
	return hex.EncodeToString(m.Sum(nil))
}

func (f *Pinterest) registerMedia(w http.ResponseWriter, r *http.Request) {
	if f.failStep(w, PinterestStepRegister) {
		return
	}
	t := f.bearer(w, r, "pins:read", "pins:write")
	if t == nil {
		return
	}
	var in struct {
		MediaType string `json:"media_type"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.MediaType != "video" {
		pinError(w, http.StatusBadRequest, 1, "media_type must be video.")
		return
	}
	now := time.Now().UTC()
	f.mu.Lock()
	id := f.nextIDLocked()
	key := "uploads/11/aa/22/3:video:1022106146234561234:" + id
	policy := base64.StdEncoding.EncodeToString([]byte(`{"expiration":"` + now.Add(time.Hour).Format(time.RFC3339) + `","conditions":[{"key":"` + key + `"}]}`))
	m := &pinMedia{PinterestMedia: PinterestMedia{ID: id, Status: "registered"}, token: t.access, key: key}
	f.media[id] = m
	f.mu.Unlock()
	body := map[string]any{
		"media_id":   id,
		"media_type": "video",
		"upload_url": f.URL + "/pinterest-media-upload/",
		"upload_parameters": map[string]any{
			"x-amz-date":           now.Format("20060102T150405Z"),
			"x-amz-signature":      f.s3Signature(key, policy),
			"x-amz-security-token": "IQoJb3JpZ2luX2VjEJr" + randomString(),
			"x-amz-algorithm":      "AWS4-HMAC-SHA256",
			"key":                  key,
			"policy":               policy,
			"x-amz-credential":     "ASIA6QZJ64OPIKV7FRVX/" + now.Format("20060102") + "/us-east-1/s3/aws4_request",
			"Content-Type":         "multipart/form-data",
		},
	}
	if f.dropNow(PinterestStepRegister) && hangUp(w) {
		return
	}
	writeJSON(w, http.StatusCreated, body)
}

func (f *Pinterest) getMedia(w http.ResponseWriter, r *http.Request) {
	if f.failStep(w, PinterestStepStatus) {
		return
	}
	t := f.bearer(w, r, "pins:read")
	if t == nil {
		return
	}
	f.mu.Lock()
	m := f.media[r.PathValue("media_id")]
	if m == nil || !f.sameUserLocked(m.token, t.access) {
		f.mu.Unlock()
		pinError(w, http.StatusNotFound, 404, "Media not found.")
		return
	}
	status := m.Status
	if status == "processing" {
		if m.pending > 0 {
			m.pending--
		} else {
			m.Status, status = "succeeded", "succeeded"
		}
	}
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"media_id": m.ID, "media_type": "video", "status": status})
}

func s3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>", code, template.HTMLEscapeString(msg))
}

// upload is the S3-like POST of a video: the upload parameters as form
// fields, then the file. It answers 204 like S3's browser POST.
func (f *Pinterest) upload(w http.ResponseWriter, r *http.Request) {
	if f.failStep(w, PinterestStepUpload) {
		return
	}
	if err := r.ParseMultipartForm(64 << 20); err != nil {
		s3Error(w, http.StatusBadRequest, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.")
		return
	}
	v := r.MultipartForm.Value
	get := func(k string) string {
		if xs := v[k]; len(xs) > 0 {
			return xs[0]
		}
		return ""
	}
	key, policy := get("key"), get("policy")
	for _, k := range []string{"key", "policy", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-security-token", "x-amz-signature"} {
		if get(k) == "" {
			s3Error(w, http.StatusBadRequest, "InvalidArgument", "Bucket POST must contain a field named '"+k+"'.")
			return
		}
	}
	if !hmac.Equal([]byte(get("x-amz-signature")), []byte(f.s3Signature(key, policy))) {
		s3Error(w, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
		return
	}
	files := r.MultipartForm.File["file"]
	if len(files) == 0 {
		s3Error(w, http.StatusBadRequest, "InvalidArgument", "POST requires exactly one file upload per request.")
		return
	}
	fh, err := files[0].Open()
	if err != nil {
		s3Error(w, http.StatusBadRequest, "IncompleteBody", "The request body terminated unexpectedly.")
		return
	}
	data, _ := io.ReadAll(fh)
	fh.Close()
	f.mu.Lock()
	var m *pinMedia
	for _, x := range f.media {
		if x.key == key {
			m = x
		}
	}
	if m == nil {
		f.mu.Unlock()
		s3Error(w, http.StatusForbidden, "AccessDenied", "Invalid according to Policy: Policy Condition failed: [\"eq\", \"$key\"].")
		return
	}
	m.data, m.Size = data, len(data)
	m.Uploads++
	if m.Status == "registered" {
		m.Status, m.pending = "processing", f.processing
	}
	f.mu.Unlock()
	if f.dropNow(PinterestStepUpload) && hangUp(w) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ---- pages ----

var pinPageTmpl = template.Must(template.New("pin").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{if .Title}}{{.Title}}{{else}}Pin{{end}} · Demo Café</title>
<style>body{font-family:sans-serif;max-width:36em;margin:3em auto}img{max-width:100%;border-radius:16px}</style>
</head><body>
{{if .Img}}<p><img src="{{.Img}}" alt="{{.Alt}}"></p>{{end}}
<h1>{{.Title}}</h1>
<p>{{.Description}}</p>
{{if .Link}}<p><a href="{{.Link}}">{{.Link}}</a></p>{{end}}
<p><small>Pinned to {{.Board}} by localpostdemo · Localpost demo Pinterest</small></p>
</body></html>
`))

// pinPage is GET /pin/{id}/: the Pin's web page (and its image with ?size=).
func (f *Pinterest) pinPage(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	var p *PinterestPin
	for i := range f.pins {
		if f.pins[i].ID == r.PathValue("id") {
			c := f.pins[i]
			p = &c
		}
	}
	board := ""
	if p != nil {
		b, _ := f.boardLocked(p.BoardID)
		board = b.Name
	}
	f.mu.Unlock()
	if p == nil {
		http.NotFound(w, r)
		return
	}
	if r.URL.Query().Get("size") != "" {
		img := p.Image
		if len(img) == 0 {
			img = p.CoverBytes
		}
		if len(img) == 0 {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", http.DetectContentType(img))
		_, _ = w.Write(img)
		return
	}
	imgURL := ""
	if len(p.Image) > 0 || len(p.CoverBytes) > 0 {
		imgURL = "/pin/" + p.ID + "/?size=600x"
	}
	link := ""
	if u, err := url.Parse(p.Link); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		link = p.Link
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = pinPageTmpl.Execute(w, map[string]string{"Title": p.Title, "Description": p.Description, "Link": link, "Alt": p.Alt, "Img": imgURL, "Board": board})
}

func (f *Pinterest) avatarFile(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("file") != "localpostdemo.png" {
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
