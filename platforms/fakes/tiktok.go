package fakes

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
)

// TikTok is an in-process TikTok (Login Kit + Content Posting API) on
// 127.0.0.1. It speaks the desktop OAuth flow (client_key, comma-separated
// scopes, PKCE with TikTok's hex-encoded S256 challenge, client secret at
// the token endpoint, rotating refresh tokens), /v2/user/info/, the
// creator_info query, video init (Direct Post and inbox), photo init,
// chunked PUT uploads and the status fetch, with TikTok's
// {"data":…,"error":{"code","message","log_id"}} answers. It is safe for
// concurrent use.
//
// The one registered app is ClientKey/ClientSecret with the redirect URIs
// in RedirectURIs ("*" as port matches any port). The one creator is
// @localpost.demo.
type TikTok struct {
	URL string // http://127.0.0.1:PORT; API, authorize page and upload host

	// AutoApprove makes GET /v2/auth/authorize/ redirect at once, as if the
	// user had pressed Authorize. Otherwise it shows a page with buttons.
	AutoApprove bool

	srv *http.Server

	mu           sync.Mutex
	clientKey    string
	clientSecret string
	redirectURIs []string
	seq          int64
	codes        map[string]*ttCode
	tokens       map[string]*ttToken // access tokens
	refresh      map[string]*ttToken // refresh tokens (the same struct as the access token they came with)
	publishes    map[string]*ttPublish
	uploads      map[string]*ttPublish // by upload_id
	posts        []TikTokPost
	requests     []Request
	inits        map[string][]time.Time // per open_id, for the 6/min limit
	initLimit    int
	privacy      []string
	commentOff   bool
	duetOff      bool
	stitchOff    bool
	maxDuration  int
	unaudited    bool
	privateAcct  bool
	processing   int
	failReason   string
	verified     []string
	minChunk     int64
	maxChunk     int64
	accessLife   time.Duration
	fails        map[string]*ttFail // by step
	drops        map[string]int     // by step
	skips        map[string]int     // by step: requests let through before the drops
	avatarBytes  []byte
	uploadTokens []string  // redacted from recordings
	videoReads   postReads // metric reads per video id, and of follower_count under ""
}

type ttCode struct {
	redirectURI, challenge, scope string
	expires                       time.Time
}

type ttToken struct {
	access, refresh string
	scopes          []string
	expires         time.Time
	refreshExpires  time.Time
	revoked         bool
	refreshUsed     bool
}

type ttFail struct {
	n, status  int
	code, msg  string
	retryAfter time.Duration
}

type ttPublish struct {
	id, mode, uploadID, uploadToken string
	postInfo                        map[string]any
	size, chunk                     int64
	count, next                     int
	received                        int64
	sum                             hash.Hash
	expired, complete               bool
	polls                           int
	status, failReason              string
	postID                          int64
	photos                          []string
}

// TikTokPost is a post (or inbox draft) the fake received.
type TikTokPost struct {
	ID             string // the public post id ("publicaly_available_post_id")
	PublishID      string
	Mode           string // "video", "video_draft", "photo", "photo_draft"
	Title          string
	Description    string // photo posts
	Privacy        string // what the post got (unaudited apps: always SELF_ONLY)
	DisableComment bool
	DisableDuet    bool
	DisableStitch  bool
	Size           int64  // video bytes received
	SHA256         string // of the video bytes received, hex
	PhotoURLs      []string
	CreatedAt      time.Time
}

// The step names FailStep and DropStep take.
const (
	TikTokStepToken       = "token"
	TikTokStepUserInfo    = "user_info"
	TikTokStepCreatorInfo = "creator_info"
	TikTokStepInit        = "init" // video, inbox and photo init
	TikTokStepUpload      = "upload"
	TikTokStepStatus      = "status"
)

// TikTokScopes are the scopes the fake's app may ask for.
var TikTokScopes = []string{"user.info.basic", "user.info.profile", "user.info.stats", "video.list", "video.publish", "video.upload"}

// NewTikTok starts the fake on 127.0.0.1 on a free port. It panics if it
// cannot listen, like httptest.NewServer.
func NewTikTok() *TikTok {
	ln, base := mustListenFree("fakes: tiktok: ")
	f := &TikTok{
		URL:          base,
		clientKey:    "lpdemoclientkey",
		clientSecret: "lp-demo-client-secret",
		redirectURIs: []string{"http://127.0.0.1:*/callback/", "http://localhost:*/callback/"},
		seq:          7400000000000000000,
		codes:        map[string]*ttCode{},
		tokens:       map[string]*ttToken{},
		refresh:      map[string]*ttToken{},
		publishes:    map[string]*ttPublish{},
		uploads:      map[string]*ttPublish{},
		inits:        map[string][]time.Time{},
		initLimit:    6,
		privacy:      []string{"PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"},
		maxDuration:  600,
		processing:   1,
		verified:     []string{"https://media.localpost.example/"},
		minChunk:     5 << 20,
		maxChunk:     64 << 20,
		accessLife:   2 * time.Hour,
		fails:        map[string]*ttFail{},
		drops:        map[string]int{},
		skips:        map[string]int{},
		avatarBytes:  demoAvatar(),
	}
	f.srv = serve(ln, f.ttRoutes())
	return f
}

// Close stops the fake.
func (f *TikTok) Close() { _ = f.srv.Close() }

// ClientKey is the registered app's client key.
func (f *TikTok) ClientKey() string { return f.clientKey }

// ClientSecret is the registered app's client secret.
func (f *TikTok) ClientSecret() string { return f.clientSecret }

// SetRedirectURIs replaces the registered redirect URIs ("*" as port is a
// wildcard, as in TikTok's desktop settings).
func (f *TikTok) SetRedirectURIs(uris ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.redirectURIs = slices.Clone(uris)
}

// SetPrivacyOptions sets what creator_info reports as privacy_level_options.
func (f *TikTok) SetPrivacyOptions(opts ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.privacy = slices.Clone(opts)
}

// SetCreatorSettings sets the creator's comment/duet/stitch switches
// (true = disabled) and the longest video they may post.
func (f *TikTok) SetCreatorSettings(commentOff, duetOff, stitchOff bool, maxDurationSec int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.commentOff, f.duetOff, f.stitchOff, f.maxDuration = commentOff, duetOff, stitchOff, maxDurationSec
}

// SetUnaudited makes the app unaudited: every post becomes SELF_ONLY and,
// unless the account is private, init fails with
// unaudited_client_can_only_post_to_private_accounts.
func (f *TikTok) SetUnaudited(unaudited, privateAccount bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unaudited, f.privateAcct = unaudited, privateAccount
}

// SetProcessing sets how many status fetches answer PROCESSING_* after an
// upload completes, before PUBLISH_COMPLETE (default 1).
func (f *TikTok) SetProcessing(polls int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.processing = polls
}

// FailProcessing makes the next completed upload end FAILED with this
// fail_reason (e.g. "duration_check_failed") instead of being posted.
func (f *TikTok) FailProcessing(reason string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failReason = reason
}

// SetChunkLimits sets the accepted chunk sizes (TikTok: 5 MB–64 MB), so
// tests can upload several chunks of a small file.
func (f *TikTok) SetChunkLimits(minChunk, maxChunk int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.minChunk, f.maxChunk = minChunk, maxChunk
}

// SetVerifiedURLPrefixes sets the URL prefixes PULL_FROM_URL accepts (the
// domains verified for the app).
func (f *TikTok) SetVerifiedURLPrefixes(prefixes ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.verified = slices.Clone(prefixes)
}

// SetInitLimit sets how many init calls a user may make per minute (6).
func (f *TikTok) SetInitLimit(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.initLimit = n
}

// SetAccessLifetime sets the expires_in of new access tokens (2 h).
func (f *TikTok) SetAccessLifetime(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.accessLife = d
}

// FailNext makes the next n init calls (video, inbox, photo) answer status
// with the TikTok error code that goes with it, and Retry-After if
// retryAfter > 0.
func (f *TikTok) FailNext(n, status int, retryAfter time.Duration) {
	f.FailStepCode(TikTokStepInit, n, status, "", "", retryAfter)
}

// FailStep makes the next n requests of a step (TikTokStep*) answer status.
func (f *TikTok) FailStep(step string, n, status int) {
	f.FailStepCode(step, n, status, "", "", 0)
}

// FailStepCode is FailStep with TikTok's error code and message ("" =
// derived from the status).
func (f *TikTok) FailStepCode(step string, n, status int, code, message string, retryAfter time.Duration) {
	if code == "" {
		code, message = ttCodeFor(status, message)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails[step] = &ttFail{n: n, status: status, code: code, msg: message, retryAfter: retryAfter}
}

// DropNext makes the next n init calls do their work and then cut the
// connection before answering.
func (f *TikTok) DropNext(n int) { f.DropStep(TikTokStepInit, n) }

// DropStep makes the next n requests of a step do their work (an upload
// chunk is stored) and then cut the connection.
func (f *TikTok) DropStep(step string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.drops[step] = n
	f.skips[step] = 0
}

// SetDropAfter lets the next skip requests of a step through and drops
// the one after (it does its work, then the connection is cut): e.g.
// SetDropAfter(TikTokStepUpload, 1) cuts the second chunk's upload.
func (f *TikTok) SetDropAfter(step string, skip int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.skips[step] = skip
	f.drops[step] = 1
}

// ExpireUploads makes every upload URL issued so far invalid (404), as
// TikTok's do after an hour.
func (f *TikTok) ExpireUploads() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.uploads {
		p.expired = true
	}
}

// RevokeAll makes every access and refresh token invalid.
func (f *TikTok) RevokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tokens {
		t.revoked = true
	}
}

// ExpireAccessTokens makes every access token expired (refresh tokens
// still work).
func (f *TikTok) ExpireAccessTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tokens {
		t.expires = time.Now().Add(-time.Second)
	}
}

// Posts returns what was posted (and sent to the inbox), in order.
func (f *TikTok) Posts() []TikTokPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]TikTokPost, len(f.posts))
	for i, p := range f.posts {
		p.PhotoURLs = slices.Clone(p.PhotoURLs)
		out[i] = p
	}
	return out
}

// Inits returns how many publishes were initialized (publish ids issued).
func (f *TikTok) Inits() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.publishes)
}

// Requests returns every request served, in order. Tokens, the client
// secret, codes, verifiers and upload tokens are "[redacted]"; upload
// bodies are recorded as "[N bytes]".
func (f *TikTok) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return cloneRequests(f.requests)
}

// Approve plays the user's browser for an authorize address of this fake:
// it presses Authorize and follows the redirect to the app's loopback
// listener.
func (f *TikTok) Approve(authURL string) error {
	return approveByForm(authURL, f.URL+"/v2/auth/authorize/", f.URL+"/v2/auth/authorize/", nil)
}

func (f *TikTok) ttRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/auth/authorize/", f.ttAuthorizePage)
	mux.HandleFunc("POST /v2/auth/authorize/", f.ttAuthorizeDecision)
	mux.HandleFunc("POST /v2/oauth/token/", f.ttToken)
	mux.HandleFunc("POST /v2/oauth/revoke/", f.ttRevoke) // tiktok_revoke.go
	mux.HandleFunc("GET /v2/user/info/", f.ttUserInfo)
	mux.HandleFunc("POST /v2/post/publish/creator_info/query/", f.ttCreatorInfo)
	mux.HandleFunc("POST /v2/post/publish/video/init/", f.ttVideoInit)
	mux.HandleFunc("POST /v2/post/publish/inbox/video/init/", f.ttVideoInit)
	mux.HandleFunc("POST /v2/post/publish/content/init/", f.ttContentInit)
	mux.HandleFunc("POST /v2/post/publish/status/fetch/", f.ttStatus)
	mux.HandleFunc("POST /v2/video/query/", f.ttVideoQuery)
	mux.HandleFunc("PUT /video/", f.ttUpload)
	mux.HandleFunc("GET /avatar/localpost.demo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(f.avatarBytes)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		ttWriteError(w, http.StatusNotFound, "invalid_params", "The requested path does not exist.", 0)
	})
	return f.ttRecord(mux)
}

// ---- recording ----

func (f *TikTok) ttRecord(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		upload := r.Method == http.MethodPut
		if !upload {
			body = keepBody(r, 1<<20)
		}
		req, _ := serveRecorded(next, w, r, redactQuery, redactJSON)
		if upload {
			req.Body = []byte(fmt.Sprintf("[%d bytes]", r.ContentLength))
		} else {
			req.Body = recordBody(r.Header.Get("Content-Type"), body)
		}
		f.mu.Lock()
		for _, t := range f.uploadTokens {
			req.Query = strings.ReplaceAll(req.Query, t, "[redacted]")
			req.Response = bytes.ReplaceAll(req.Response, []byte(t), []byte("[redacted]"))
		}
		f.requests = append(f.requests, req)
		f.mu.Unlock()
	})
}

// ---- helpers ----

func ttLogID() string {
	return time.Now().UTC().Format("20060102150405") + strings.ToUpper(hex.EncodeToString([]byte(randomString()[:9])))
}

func ttWriteError(w http.ResponseWriter, status int, code, msg string, retryAfter time.Duration) {
	setRetryAfter(w, retryAfter)
	writeJSON(w, status, map[string]any{"data": map[string]any{}, "error": map[string]any{"code": code, "message": msg, "log_id": ttLogID()}})
}

func ttWriteData(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "error": map[string]any{"code": "ok", "message": "", "log_id": ttLogID()}})
}

// ttCodeFor is the TikTok error code an HTTP status goes with
// (developers.tiktok.com/doc/tiktok-api-v2-error-handling).
func ttCodeFor(status int, msg string) (string, string) {
	code, def := "invalid_params", "One or more fields in the request are invalid."
	switch {
	case status == 401:
		code, def = "access_token_invalid", "The access token is invalid or not found in the request."
	case status == 403:
		code, def = "spam_risk_too_many_posts", "The daily post cap from the API is reached for the current user."
	case status == 429:
		code, def = "rate_limit_exceeded", "The API rate limit was exceeded. Please try again later."
	case status >= 500:
		code, def = "internal_error", "Something went wrong. Please try again later."
	}
	if msg == "" {
		msg = def
	}
	return code, msg
}

// ttFailOrDrop consumes a FailStep for step; it reports whether it
// answered, and whether the caller must cut the connection after working.
func (f *TikTok) ttFailOrDrop(w http.ResponseWriter, step string) (answered, drop bool) {
	f.mu.Lock()
	fl := f.fails[step]
	if fl != nil && fl.n > 0 {
		fl.n--
		f.mu.Unlock()
		ttWriteError(w, fl.status, fl.code, fl.msg, fl.retryAfter)
		return true, false
	}
	if f.drops[step] > 0 {
		if f.skips[step] > 0 {
			f.skips[step]--
		} else {
			f.drops[step]--
			drop = true
		}
	}
	f.mu.Unlock()
	return false, drop
}

// ttBearer returns the caller's token, or answers 401 and returns nil.
func (f *TikTok) ttBearer(w http.ResponseWriter, r *http.Request, scope string) *ttToken {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	t := f.tokens[tok]
	f.mu.Unlock()
	if !ok || t == nil || t.revoked || time.Now().After(t.expires) {
		ttWriteError(w, http.StatusUnauthorized, "access_token_invalid", "The access token is invalid or not found in the request.", 0)
		return nil
	}
	if scope != "" && !slices.Contains(t.scopes, scope) {
		ttWriteError(w, http.StatusUnauthorized, "scope_not_authorized", "The user did not authorize the scope required for completing this request.", 0)
		return nil
	}
	return t
}

func ttDecode(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	var m map[string]any
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		ttWriteError(w, http.StatusBadRequest, "invalid_params", "Content-Type must be application/json; charset=UTF-8.", 0)
		return nil, false
	}
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		ttWriteError(w, http.StatusBadRequest, "invalid_params", "The request body is not valid JSON.", 0)
		return nil, false
	}
	return m, true
}

func ttUTF16Len(s string) int { return len(utf16.Encode([]rune(s))) }

func ttObj(m map[string]any, k string) map[string]any {
	o, _ := m[k].(map[string]any)
	return o
}

func ttInt(m map[string]any, k string) (int64, bool) {
	x, ok := m[k].(float64)
	return int64(x), ok && x == float64(int64(x))
}

func ttBool(m map[string]any, k string) bool {
	b, _ := m[k].(bool)
	return b
}

func ttStr(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// ---- OAuth ----

// ttRedirectOK matches a redirect URI against the registered ones; a
// registered port "*" matches any port. The path must match exactly.
func (f *TikTok) ttRedirectOK(uri string) bool {
	u, err := url.Parse(uri)
	if err != nil || u.RawQuery != "" || u.Fragment != "" {
		return false
	}
	f.mu.Lock()
	regs := slices.Clone(f.redirectURIs)
	f.mu.Unlock()
	for _, reg := range regs {
		ru, err := url.Parse(strings.Replace(reg, ":*/", ":0/", 1))
		if err != nil {
			continue
		}
		wild := strings.Contains(reg, ":*/")
		if ru.Scheme == u.Scheme && ru.Hostname() == u.Hostname() && ru.Path == u.Path && (wild && u.Port() != "" || ru.Port() == u.Port()) {
			return true
		}
	}
	return false
}

type ttAuthReq struct {
	redirectURI, state, scope, challenge string
}

var ttHexChallenge = func(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

func (f *TikTok) ttCheckAuthorize(w http.ResponseWriter, r *http.Request, v url.Values) (*ttAuthReq, bool) {
	page := func(msg string) (*ttAuthReq, bool) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		_ = ttErrorTmpl.Execute(w, msg)
		return nil, false
	}
	if v.Get("client_key") != f.clientKey {
		return page("client_key")
	}
	ar := &ttAuthReq{redirectURI: v.Get("redirect_uri"), state: v.Get("state"), scope: v.Get("scope"), challenge: v.Get("code_challenge")}
	if !f.ttRedirectOK(ar.redirectURI) {
		return page("redirect_uri")
	}
	fail := func(code, desc string) (*ttAuthReq, bool) {
		redirectWithQuery(w, r, ar.redirectURI, url.Values{"error": {code}, "error_description": {desc}, "state": {ar.state}})
		return nil, false
	}
	if v.Get("response_type") != "code" {
		return fail("invalid_request", "response_type must be code")
	}
	if ar.scope == "" {
		return fail("invalid_scope", "scope is required")
	}
	for _, s := range strings.Split(ar.scope, ",") {
		if !slices.Contains(TikTokScopes, s) {
			return fail("invalid_scope", "unknown scope "+s)
		}
	}
	if v.Get("code_challenge_method") != "S256" || !ttHexChallenge(ar.challenge) {
		// Desktop apps must use PKCE with the hex-encoded SHA-256.
		return fail("invalid_request", "code_challenge")
	}
	return ar, true
}

func (f *TikTok) ttApprove(w http.ResponseWriter, r *http.Request, ar *ttAuthReq) {
	code := randomString()
	f.mu.Lock()
	f.codes[code] = &ttCode{redirectURI: ar.redirectURI, challenge: ar.challenge, scope: ar.scope, expires: time.Now().Add(5 * time.Minute)}
	f.mu.Unlock()
	redirectWithQuery(w, r, ar.redirectURI, url.Values{"code": {code}, "scopes": {ar.scope}, "state": {ar.state}})
}

var ttErrorTmpl = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TikTok</title></head><body>
<p>We couldn't log in with TikTok. This may be due to specific app settings.</p>
<p>If you're a developer, correct the following and try again: <code>{{.}}</code></p>
</body></html>
`))

var ttAuthorizeTmpl = template.Must(template.New("authorize").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log in with TikTok</title>
<style>body{font-family:sans-serif;max-width:28em;margin:4em auto;text-align:center}button{font-size:1.1em;margin:.5em;padding:.4em 1.2em}</style>
</head><body>
<h1>Localpost would like to access your TikTok account</h1>
<p>Account: @localpost.demo</p>
<p>It asks for: {{.scope}}</p>
<form method="post" action="/v2/auth/authorize/">
<input type="hidden" name="client_key" value="{{.client_key}}">
<input type="hidden" name="redirect_uri" value="{{.redirect_uri}}">
<input type="hidden" name="response_type" value="{{.response_type}}">
<input type="hidden" name="state" value="{{.state}}">
<input type="hidden" name="scope" value="{{.scope}}">
<input type="hidden" name="code_challenge" value="{{.code_challenge}}">
<input type="hidden" name="code_challenge_method" value="{{.code_challenge_method}}">
<button type="submit" name="decision" value="approve" id="authorize">Authorize</button>
<button type="submit" name="decision" value="deny" id="deny">Cancel</button>
</form>
</body></html>
`))

func (f *TikTok) ttAuthorizePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ar, ok := f.ttCheckAuthorize(w, r, q)
	if !ok {
		return
	}
	if f.AutoApprove {
		f.ttApprove(w, r, ar)
		return
	}
	data := map[string]string{}
	for _, k := range []string{"client_key", "redirect_uri", "response_type", "state", "scope", "code_challenge", "code_challenge_method"} {
		data[k] = q.Get(k)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = ttAuthorizeTmpl.Execute(w, data)
}

func (f *TikTok) ttAuthorizeDecision(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	ar, ok := f.ttCheckAuthorize(w, r, r.PostForm)
	if !ok {
		return
	}
	if r.PostForm.Get("decision") != "approve" {
		redirectWithQuery(w, r, ar.redirectURI, url.Values{"error": {"access_denied"}, "error_description": {"The user denied the request."}, "state": {ar.state}})
		return
	}
	f.ttApprove(w, r, ar)
}

func ttOAuthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]any{"error": code, "error_description": desc, "log_id": ttLogID()})
}

// ttClientForm reads an OAuth form and checks the app's client key and
// secret in it; false after answering a bad request.
func (f *TikTok) ttClientForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		ttOAuthError(w, http.StatusBadRequest, "invalid_request", "Content-Type must be application/x-www-form-urlencoded.")
		return nil, false
	}
	if err := r.ParseForm(); err != nil {
		ttOAuthError(w, http.StatusBadRequest, "invalid_request", "Could not read the request body.")
		return nil, false
	}
	v := r.PostForm
	if v.Get("client_key") != f.clientKey || v.Get("client_secret") != f.clientSecret {
		ttOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client key or secret is incorrect.")
		return nil, false
	}
	return v, true
}

// ttToken is POST /v2/oauth/token/: authorization_code (client secret,
// single-use code, exact redirect_uri, PKCE verifier checked against the
// hex challenge) and refresh_token (rotating).
func (f *TikTok) ttToken(w http.ResponseWriter, r *http.Request) {
	answered, drop := f.ttFailOrDrop(w, TikTokStepToken)
	if answered {
		return
	}
	v, ok := f.ttClientForm(w, r)
	if !ok {
		return
	}
	var scope string
	f.mu.Lock()
	switch v.Get("grant_type") {
	case "authorization_code":
		c := f.codes[v.Get("code")]
		delete(f.codes, v.Get("code")) // single use
		switch {
		case c == nil || time.Now().After(c.expires):
			f.mu.Unlock()
			ttOAuthError(w, http.StatusBadRequest, "invalid_grant", "Authorization code is expired.")
			return
		case c.redirectURI != v.Get("redirect_uri"):
			f.mu.Unlock()
			ttOAuthError(w, http.StatusBadRequest, "invalid_request", "The redirect_uri does not match the one used for the authorization request.")
			return
		}
		sum := sha256.Sum256([]byte(v.Get("code_verifier")))
		if v.Get("code_verifier") == "" || hex.EncodeToString(sum[:]) != c.challenge {
			f.mu.Unlock()
			ttOAuthError(w, http.StatusBadRequest, "invalid_request", "Code verifier or code challenge is invalid.")
			return
		}
		scope = c.scope
	case "refresh_token":
		old := f.refresh[v.Get("refresh_token")]
		if old == nil || old.revoked || old.refreshUsed || time.Now().After(old.refreshExpires) {
			f.mu.Unlock()
			ttOAuthError(w, http.StatusBadRequest, "invalid_grant", "Refresh token is invalid or expired.")
			return
		}
		old.refreshUsed = true // rotation: the old refresh token stops working
		scope = strings.Join(old.scopes, ",")
	default:
		f.mu.Unlock()
		ttOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "The grant_type is not supported.")
		return
	}
	now := time.Now()
	t := &ttToken{access: "act." + randomString(), refresh: "rft." + randomString(), scopes: strings.Split(scope, ","),
		expires: now.Add(f.accessLife), refreshExpires: now.Add(180 * 24 * time.Hour)}
	f.tokens[t.access] = t
	f.refresh[t.refresh] = t
	life := int64(f.accessLife / time.Second)
	f.mu.Unlock()
	if drop && hangUp(w) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":       t.access,
		"expires_in":         life,
		"open_id":            ttOpenID,
		"refresh_expires_in": int64(180 * 24 * 3600),
		"refresh_token":      t.refresh,
		"scope":              scope,
		"token_type":         "Bearer",
	})
}

// ---- user and creator ----

const (
	ttOpenID   = "-000LocalpostDemoOpenID0001"
	ttUnionID  = "c9c60f44-a68e-4f5d-84dd-ce22faeb0ba1"
	ttUsername = "localpost.demo"
	ttNickname = "Localpost Demo"
)

var ttProfileFields = []string{"bio_description", "profile_deep_link", "is_verified", "username"}
var ttStatsFields = []string{"follower_count", "following_count", "likes_count", "video_count"}

func (f *TikTok) ttUserInfo(w http.ResponseWriter, r *http.Request) {
	t := f.ttBearer(w, r, "user.info.basic")
	if t == nil {
		return
	}
	answered, drop := f.ttFailOrDrop(w, TikTokStepUserInfo)
	if answered {
		return
	}
	fields := r.URL.Query().Get("fields")
	if fields == "" {
		ttWriteError(w, http.StatusBadRequest, "invalid_params", "The fields parameter is required.", 0)
		return
	}
	all := map[string]any{
		"open_id": ttOpenID, "union_id": ttUnionID,
		"avatar_url": f.URL + "/avatar/localpost.demo.png", "avatar_url_100": f.URL + "/avatar/localpost.demo.png", "avatar_large_url": f.URL + "/avatar/localpost.demo.png",
		"display_name": ttNickname, "bio_description": "Posting from Localpost", "profile_deep_link": "https://vm.tiktok.com/localpost.demo/",
		"is_verified": false, "username": ttUsername,
		"follower_count": 42, "following_count": 7, "likes_count": 420, "video_count": 3,
	}
	user := map[string]any{}
	for _, k := range strings.Split(fields, ",") {
		v, ok := all[k]
		if !ok {
			ttWriteError(w, http.StatusBadRequest, "invalid_params", "Unknown field "+k+".", 0)
			return
		}
		if slices.Contains(ttProfileFields, k) && !slices.Contains(t.scopes, "user.info.profile") ||
			slices.Contains(ttStatsFields, k) && !slices.Contains(t.scopes, "user.info.stats") {
			ttWriteError(w, http.StatusUnauthorized, "scope_not_authorized", "The user did not authorize the scope required for field "+k+".", 0)
			return
		}
		user[k] = v
	}
	if _, ok := user["follower_count"]; ok {
		user["follower_count"] = f.ttNextFollowers() // grows with every read
	}
	if drop && hangUp(w) {
		return
	}
	ttWriteData(w, map[string]any{"user": user})
}

func (f *TikTok) ttCreatorInfo(w http.ResponseWriter, r *http.Request) {
	if f.ttBearer(w, r, "video.publish") == nil {
		return
	}
	answered, drop := f.ttFailOrDrop(w, TikTokStepCreatorInfo)
	if answered {
		return
	}
	f.mu.Lock()
	data := map[string]any{
		"creator_avatar_url":          f.URL + "/avatar/localpost.demo.png",
		"creator_username":            ttUsername,
		"creator_nickname":            ttNickname,
		"privacy_level_options":       slices.Clone(f.privacy),
		"comment_disabled":            f.commentOff,
		"duet_disabled":               f.duetOff,
		"stitch_disabled":             f.stitchOff,
		"max_video_post_duration_sec": f.maxDuration,
	}
	f.mu.Unlock()
	if drop && hangUp(w) {
		return
	}
	ttWriteData(w, data)
}

// ---- publishing ----

// ttStartInit applies the init rate limit (per user per minute) and the
// unaudited rules; it answers and returns false on refusal.
func (f *TikTok) ttStartInit(w http.ResponseWriter, privacy string, direct bool) (string, bool) {
	f.mu.Lock()
	now := time.Now()
	recent := slices.DeleteFunc(f.inits[ttOpenID], func(t time.Time) bool { return now.Sub(t) > time.Minute })
	if f.initLimit > 0 && len(recent) >= f.initLimit {
		f.inits[ttOpenID] = recent
		f.mu.Unlock()
		ttWriteError(w, http.StatusTooManyRequests, "rate_limit_exceeded", "The API rate limit was exceeded. Please try again later.", time.Minute-now.Sub(recent[0]))
		return "", false
	}
	f.inits[ttOpenID] = append(recent, now)
	opts, unaudited, private := slices.Clone(f.privacy), f.unaudited, f.privateAcct
	f.mu.Unlock()
	if !direct {
		return "", true
	}
	if !slices.Contains(opts, privacy) {
		ttWriteError(w, http.StatusBadRequest, "privacy_level_option_mismatch", "privacy_level is not one of the creator's privacy_level_options.", 0)
		return "", false
	}
	if unaudited {
		if !private {
			ttWriteError(w, http.StatusForbidden, "unaudited_client_can_only_post_to_private_accounts", "Unaudited clients can only post to a private account.", 0)
			return "", false
		}
		privacy = "SELF_ONLY"
	}
	return privacy, true
}

func (f *TikTok) ttNewPublishLocked(kind string) *ttPublish {
	f.seq++
	p := &ttPublish{id: fmt.Sprintf("%s_pub_file~v2-1.%d", kind, f.seq), status: "PROCESSING_UPLOAD"}
	f.publishes[p.id] = p
	return p
}

func (f *TikTok) ttVideoInit(w http.ResponseWriter, r *http.Request) {
	direct := r.URL.Path == "/v2/post/publish/video/init/"
	scope := "video.upload"
	if direct {
		scope = "video.publish"
	}
	if f.ttBearer(w, r, scope) == nil {
		return
	}
	answered, drop := f.ttFailOrDrop(w, TikTokStepInit)
	if answered {
		return
	}
	body, ok := ttDecode(w, r)
	if !ok {
		return
	}
	info, src := ttObj(body, "post_info"), ttObj(body, "source_info")
	bad := func(msg string) { ttWriteError(w, http.StatusBadRequest, "invalid_params", msg, 0) }
	if src == nil {
		bad("source_info is required.")
		return
	}
	if direct {
		if info == nil || ttStr(info, "privacy_level") == "" {
			bad("post_info.privacy_level is required.")
			return
		}
		if ttUTF16Len(ttStr(info, "title")) > 2200 {
			bad("post_info.title is longer than 2200 UTF-16 runes.")
			return
		}
	}
	f.mu.Lock()
	minC, maxC := f.minChunk, f.maxChunk
	f.mu.Unlock()
	var size, chunk, count int64
	switch ttStr(src, "source") {
	case "FILE_UPLOAD":
		var ok1, ok2, ok3 bool
		size, ok1 = ttInt(src, "video_size")
		chunk, ok2 = ttInt(src, "chunk_size")
		count, ok3 = ttInt(src, "total_chunk_count")
		switch {
		case !ok1 || !ok2 || !ok3 || size <= 0 || chunk <= 0:
			bad("source_info needs video_size, chunk_size and total_chunk_count for FILE_UPLOAD.")
			return
		case size > 4<<30:
			bad("The video is larger than 4 GB.")
			return
		case size < minC && (chunk != size || count != 1):
			bad("A video smaller than 5 MB must be uploaded as a whole: chunk_size = video_size, total_chunk_count = 1.")
			return
		case size >= minC && chunk != size && (chunk < minC || chunk > maxC):
			bad("chunk_size must be between 5 MB and 64 MB.")
			return
		case size > maxC && chunk == size:
			bad("A video larger than 64 MB must be uploaded in chunks.")
			return
		case count != size/chunk || count < 1 || count > 1000:
			bad("total_chunk_count must be video_size / chunk_size rounded down (1 to 1000).")
			return
		case size-(count-1)*chunk > 128<<20:
			bad("The last chunk may not be larger than 128 MB.")
			return
		}
	case "PULL_FROM_URL":
		bad("PULL_FROM_URL video is not supported by this fake.")
		return
	default:
		bad("source_info.source must be FILE_UPLOAD or PULL_FROM_URL.")
		return
	}
	privacy, ok := f.ttStartInit(w, ttStr(info, "privacy_level"), direct)
	if !ok {
		return
	}
	f.mu.Lock()
	p := f.ttNewPublishLocked("v")
	p.mode = "video_draft"
	if direct {
		p.mode = "video"
		info["privacy_level"] = privacy
		p.postInfo = info
	}
	p.size, p.chunk, p.count = size, chunk, int(count)
	p.sum = sha256.New()
	p.uploadID = strconv.FormatInt(f.seq, 10)
	p.uploadToken = randomString()
	f.uploads[p.uploadID] = p
	f.uploadTokens = append(f.uploadTokens, p.uploadToken)
	uploadURL := f.URL + "/video/?upload_id=" + p.uploadID + "&upload_token=" + url.QueryEscape(p.uploadToken)
	f.mu.Unlock()
	if drop && hangUp(w) {
		return
	}
	ttWriteData(w, map[string]any{"publish_id": p.id, "upload_url": uploadURL})
}

func (f *TikTok) ttContentInit(w http.ResponseWriter, r *http.Request) {
	t := f.ttBearer(w, r, "")
	if t == nil {
		return
	}
	answered, drop := f.ttFailOrDrop(w, TikTokStepInit)
	if answered {
		return
	}
	body, ok := ttDecode(w, r)
	if !ok {
		return
	}
	// DIRECT_POST needs video.publish, MEDIA_UPLOAD video.upload.
	if need := map[string]string{"DIRECT_POST": "video.publish", "MEDIA_UPLOAD": "video.upload"}[ttStr(body, "post_mode")]; need != "" && !slices.Contains(t.scopes, need) {
		ttWriteError(w, http.StatusUnauthorized, "scope_not_authorized", "The user did not authorize the scope required for completing this request.", 0)
		return
	}
	bad := func(msg string) { ttWriteError(w, http.StatusBadRequest, "invalid_params", msg, 0) }
	info, src := ttObj(body, "post_info"), ttObj(body, "source_info")
	mode := ttStr(body, "post_mode")
	switch {
	case ttStr(body, "media_type") != "PHOTO":
		bad("media_type must be PHOTO.")
		return
	case mode != "DIRECT_POST" && mode != "MEDIA_UPLOAD":
		bad("post_mode must be DIRECT_POST or MEDIA_UPLOAD.")
		return
	case info == nil || src == nil:
		bad("post_info and source_info are required.")
		return
	case ttStr(src, "source") != "PULL_FROM_URL":
		bad("Photos can only be sent with source PULL_FROM_URL.")
		return
	case ttUTF16Len(ttStr(info, "title")) > 90:
		bad("post_info.title is longer than 90 UTF-16 runes.")
		return
	case ttUTF16Len(ttStr(info, "description")) > 4000:
		bad("post_info.description is longer than 4000 UTF-16 runes.")
		return
	case mode == "DIRECT_POST" && ttStr(info, "privacy_level") == "":
		bad("post_info.privacy_level is required for DIRECT_POST.")
		return
	}
	imgs, _ := src["photo_images"].([]any)
	cover, _ := ttInt(src, "photo_cover_index")
	if len(imgs) < 1 || len(imgs) > 35 || cover < 0 || int(cover) >= len(imgs) {
		bad("photo_images must hold 1 to 35 URLs and photo_cover_index one of them.")
		return
	}
	f.mu.Lock()
	verified := slices.Clone(f.verified)
	f.mu.Unlock()
	var urls []string
	for _, x := range imgs {
		u, _ := x.(string)
		if !slices.ContainsFunc(verified, func(p string) bool { return strings.HasPrefix(u, p) }) {
			ttWriteError(w, http.StatusForbidden, "url_ownership_unverified", "The domain or URL prefix of "+u+" is not verified for this app.", 0)
			return
		}
		urls = append(urls, u)
	}
	privacy, ok := f.ttStartInit(w, ttStr(info, "privacy_level"), mode == "DIRECT_POST")
	if !ok {
		return
	}
	f.mu.Lock()
	p := f.ttNewPublishLocked("p")
	p.mode = "photo_draft"
	if mode == "DIRECT_POST" {
		p.mode = "photo"
		info["privacy_level"] = privacy
	}
	p.postInfo = info
	p.photos = urls
	p.status = "PROCESSING_DOWNLOAD"
	f.ttCompleteLocked(p)
	f.mu.Unlock()
	if drop && hangUp(w) {
		return
	}
	ttWriteData(w, map[string]any{"publish_id": p.id})
}

// ttCompleteLocked is the end of the transfer: the post is made (or the
// FailProcessing reason is set); status fetches then report it.
func (f *TikTok) ttCompleteLocked(p *ttPublish) {
	p.complete = true
	if f.failReason != "" {
		p.failReason, f.failReason = f.failReason, ""
		return
	}
	post := TikTokPost{PublishID: p.id, Mode: p.mode, Title: ttStr(p.postInfo, "title"), Description: ttStr(p.postInfo, "description"),
		Privacy: ttStr(p.postInfo, "privacy_level"), DisableComment: ttBool(p.postInfo, "disable_comment"),
		DisableDuet: ttBool(p.postInfo, "disable_duet"), DisableStitch: ttBool(p.postInfo, "disable_stitch"),
		Size: p.received, PhotoURLs: slices.Clone(p.photos), CreatedAt: time.Now().UTC()}
	if p.sum != nil {
		post.SHA256 = hex.EncodeToString(p.sum.Sum(nil))
	}
	if p.mode == "video" || p.mode == "photo" {
		f.seq++
		p.postID = f.seq
		post.ID = strconv.FormatInt(p.postID, 10)
	}
	f.posts = append(f.posts, post)
}

// ttUpload is PUT {upload_url}: one chunk with Content-Range, in order; a
// repeat of a chunk already stored is accepted again (a client resuming
// after a dropped connection).
func (f *TikTok) ttUpload(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	p := f.uploads[q.Get("upload_id")]
	f.mu.Unlock()
	if p == nil || p.uploadToken != q.Get("upload_token") || p.expired {
		ttWriteError(w, http.StatusNotFound, "invalid_params", "The upload URL is invalid or expired.", 0)
		return
	}
	answered, drop := f.ttFailOrDrop(w, TikTokStepUpload)
	if answered {
		return
	}
	bad := func(status int, code, msg string) {
		_, _ = io.Copy(io.Discard, r.Body)
		ttWriteError(w, status, code, msg, 0)
	}
	ct := r.Header.Get("Content-Type")
	if ct != "video/mp4" && ct != "video/quicktime" && ct != "video/webm" {
		bad(http.StatusBadRequest, "invalid_file_upload", "Content-Type must be video/mp4, video/quicktime or video/webm.")
		return
	}
	var first, last, total int64
	if _, err := fmt.Sscanf(r.Header.Get("Content-Range"), "bytes %d-%d/%d", &first, &last, &total); err != nil || total != p.size {
		bad(http.StatusBadRequest, "invalid_file_upload", "Content-Range must be bytes FIRST-LAST/TOTAL with the video_size given at init.")
		return
	}
	i := int(first / p.chunk)
	wantFirst := int64(i) * p.chunk
	wantLast := wantFirst + p.chunk - 1
	if i == p.count-1 {
		wantLast = p.size - 1
	}
	if first != wantFirst || last != wantLast || i >= p.count || r.ContentLength != last-first+1 {
		bad(http.StatusBadRequest, "invalid_file_upload", fmt.Sprintf("The chunk bytes %d-%d does not match chunk_size %d and total_chunk_count %d.", first, last, p.chunk, p.count))
		return
	}
	f.mu.Lock()
	next := p.next
	f.mu.Unlock()
	if i > next {
		bad(http.StatusBadRequest, "invalid_file_upload", "Chunks must be uploaded in order.")
		return
	}
	if i < next {
		// Already stored: accept the repeat without storing it twice.
		_, _ = io.Copy(io.Discard, r.Body)
	} else {
		buf, err := io.ReadAll(io.LimitReader(r.Body, last-first+2))
		if err != nil || int64(len(buf)) != last-first+1 {
			return // the client went away mid-chunk: nothing is stored
		}
		f.mu.Lock()
		if p.next == i {
			p.sum.Write(buf)
			p.received += int64(len(buf))
			p.next++
			if p.next == p.count {
				f.ttCompleteLocked(p)
			}
		}
		f.mu.Unlock()
	}
	f.mu.Lock()
	done := p.next == p.count
	f.mu.Unlock()
	if drop && hangUp(w) {
		return
	}
	if done {
		w.WriteHeader(http.StatusCreated)
		return
	}
	w.WriteHeader(http.StatusPartialContent)
}

func (f *TikTok) ttStatus(w http.ResponseWriter, r *http.Request) {
	t := f.ttBearer(w, r, "")
	if t == nil {
		return
	}
	if !slices.Contains(t.scopes, "video.publish") && !slices.Contains(t.scopes, "video.upload") {
		ttWriteError(w, http.StatusUnauthorized, "scope_not_authorized", "The user did not authorize the scope required for completing this request.", 0)
		return
	}
	answered, drop := f.ttFailOrDrop(w, TikTokStepStatus)
	if answered {
		return
	}
	body, ok := ttDecode(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	p := f.publishes[ttStr(body, "publish_id")]
	if p == nil {
		f.mu.Unlock()
		ttWriteError(w, http.StatusBadRequest, "invalid_params", "publish_id is invalid.", 0)
		return
	}
	if p.complete && p.status != "FAILED" && p.status != "PUBLISH_COMPLETE" && p.status != "SEND_TO_USER_INBOX" {
		p.polls++
		if p.polls > f.processing {
			switch {
			case p.failReason != "":
				p.status = "FAILED"
			case strings.HasSuffix(p.mode, "_draft"):
				p.status = "SEND_TO_USER_INBOX"
			default:
				p.status = "PUBLISH_COMPLETE"
			}
		} else if p.mode == "video" || p.mode == "video_draft" {
			p.status = "PROCESSING_UPLOAD"
		}
	}
	data := map[string]any{"status": p.status, "uploaded_bytes": p.received}
	if p.photos != nil {
		data["downloaded_bytes"] = int64(len(p.photos)) * 204800
		data["uploaded_bytes"] = 0
	}
	if p.status == "FAILED" {
		data["fail_reason"] = p.failReason
	}
	if p.status == "PUBLISH_COMPLETE" && p.postID != 0 {
		data["publicaly_available_post_id"] = []int64{p.postID}
	} else {
		data["publicaly_available_post_id"] = []int64{}
	}
	f.mu.Unlock()
	if drop && hangUp(w) {
		return
	}
	ttWriteData(w, data)
}
