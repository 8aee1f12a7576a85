package fakes

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
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
)

// MetaVersion is the Graph API version the Meta fake serves.
const MetaVersion = "v23.0"

// Meta is an in-process Meta Graph API on 127.0.0.1: the login dialog and
// token endpoint, /me/accounts, Page posts, photos and resumable video
// uploads, Instagram containers, media_publish and the rupload video host
// — one server for the facebook and instagram clients (point every base
// URL of their Config at URL). It is safe for concurrent use.
//
// The user "Demo User" manages two Pages: "Demo Café" (linked to the
// Instagram business account @democafe) and "Demo Bakery" (no Instagram).
type Meta struct {
	URL string // http://127.0.0.1:PORT

	// AutoApprove makes the login dialog redirect at once, as if the user
	// had pressed Continue. Otherwise it shows a page with two buttons.
	AutoApprove bool

	AppID, AppSecret string // the one registered app (defaults set by NewMeta)

	srv *http.Server

	mu         sync.Mutex
	seq        int64
	objs       map[string]*metaObj
	codes      map[string]*metaCode
	tokens     map[string]*metaToken
	posts      []*metaObj // Page posts and Instagram media, in order
	requests   []Request
	fails      map[string]*metaFail // by step
	polls      int                  // IN_PROGRESS answers before a container is FINISHED
	quotaUsed  int
	quotaTotal int
	pageTokens map[string]string // page id + user token → page token
	clock      func() time.Time  // SetClock
}

type metaObj struct {
	id, typ  string
	owner    string // page or IG user id
	created  time.Time
	fields   map[string]any
	token    string // token that made it
	text     string
	media    []string
	comments []string
	// photos
	published bool
	used      bool
	// containers
	status     string
	pending    int
	needUpload bool
	size       int64
	got        []byte
	children   []string
	mediaType  string
	item, reel bool
	// video sessions
	session   string
	finished  bool
	scheduled time.Time
	deleted   bool // DELETE /{id}: kept only so NodeType still knows it
	reads     int  // metric reads so far (meta_metrics.go): the numbers grow with it
}

type metaCode struct {
	clientID, redirectURI, challenge string
	scopes                           []string
	expires                          time.Time
}

type metaToken struct {
	kind    string // "short", "user", "page"
	page    string
	scopes  []string
	expires time.Time
	revoked bool
}

type metaFail struct {
	n, status, code int
	msg             string
	after           time.Duration
	drop            bool
}

// MetaPost is a Page post or Instagram media the fake holds.
type MetaPost struct {
	ID        string
	Network   string // "facebook" or "instagram"
	Owner     string // Page or Instagram account id
	Kind      string // "status", "photo", "photos", "video"; IMAGE, VIDEO, CAROUSEL_ALBUM
	Text      string
	Media     []string // photo ids / container ids
	Published bool
	Scheduled time.Time
	Comments  []string
	URL       string
}

// The demo objects.
const (
	MetaUserID   = "100000000000001"
	MetaPageID   = "101000000000001"
	MetaPage2ID  = "101000000000002"
	MetaIGUserID = "17841400000000001"
)

// NewMeta starts the fake on a free 127.0.0.1 port.
func NewMeta() *Meta {
	ln, base := mustListenFree("fakes: ")
	f := &Meta{
		URL: base, AppID: "1100000000000001", AppSecret: "meta-demo-app-secret",
		seq: 180000000000000, objs: map[string]*metaObj{}, codes: map[string]*metaCode{}, tokens: map[string]*metaToken{},
		fails: map[string]*metaFail{}, polls: 1, quotaTotal: 100, pageTokens: map[string]string{},
	}
	now := time.Now().UTC()
	f.objs["me"] = &metaObj{id: MetaUserID, typ: "User"}
	f.objs[MetaUserID] = f.objs["me"]
	f.objs[MetaPageID] = &metaObj{id: MetaPageID, typ: "Page", created: now, fields: map[string]any{"name": "Demo Café"}}
	f.objs[MetaPage2ID] = &metaObj{id: MetaPage2ID, typ: "Page", created: now, fields: map[string]any{"name": "Demo Bakery"}}
	f.objs[MetaIGUserID] = &metaObj{id: MetaIGUserID, typ: "IGUser", owner: MetaPageID, fields: map[string]any{"username": "democafe", "name": "Demo Café"}}
	f.srv = serve(ln, f.routes())
	return f
}

// Close stops the fake.
func (f *Meta) Close() { _ = f.srv.Close() }

// NodeType says what node an id is ("me" is User), for GraphSpec.Check.
func (f *Meta) NodeType(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if o := f.objs[id]; o != nil {
		return o.typ
	}
	return ""
}

// Requests returns every request served, secrets redacted.
func (f *Meta) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// Posts returns the Page posts and Instagram media, in order.
func (f *Meta) Posts() []MetaPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.runSchedulerLocked()
	var out []MetaPost
	for _, o := range f.posts {
		p := MetaPost{ID: o.id, Owner: o.owner, Text: o.text, Media: slices.Clone(o.media), Published: o.published,
			Scheduled: o.scheduled, Kind: o.mediaType, Network: "facebook"}
		for _, c := range o.comments {
			if co := f.objs[c]; co != nil {
				p.Comments = append(p.Comments, co.text)
			}
		}
		if o.typ == "IGMedia" {
			p.Network = "instagram"
			p.URL, _ = o.fields["permalink"].(string)
		} else {
			p.URL, _ = o.fields["permalink_url"].(string)
		}
		out = append(out, p)
	}
	return out
}

// RevokeAll invalidates every token (code 190), as when the user removes
// the app or changes their password.
func (f *Meta) RevokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tokens {
		t.revoked = true
	}
}

// SetContainerPolls sets how many status reads answer IN_PROGRESS before a
// container is FINISHED (default 1).
func (f *Meta) SetContainerPolls(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.polls = n
}

// SetQuota sets what content_publishing_limit reports.
func (f *Meta) SetQuota(used, total int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.quotaUsed, f.quotaTotal = used, total
}

// Steps FailStep and DropStep know: "publish" is the call that makes the
// post (POST feed, a published photo, video finish, media_publish).
const (
	MetaStepPublish   = "publish"
	MetaStepPhoto     = "photo"          // an unpublished photo upload
	MetaStepStart     = "video.start"    // resumable video: start
	MetaStepTransfer  = "video.transfer" // resumable video: one piece
	MetaStepContainer = "container"      // POST /{ig-user}/media
	MetaStepRupload   = "rupload"        // the video bytes to rupload
	MetaStepStatus    = "status"         // GET of a container
	MetaStepComment   = "comment"
	MetaStepToken     = "token"
)

// FailNext makes the next n publish calls answer status with Meta's error
// for it (401 → code 190, 403 → 200, 429 → 4 with Retry-After, 400 → 100,
// 5xx → 2), creating nothing.
func (f *Meta) FailNext(n, status int, retryAfter time.Duration) {
	f.FailStep(MetaStepPublish, n, status)
	f.mu.Lock()
	f.fails[MetaStepPublish].after = retryAfter
	f.mu.Unlock()
}

// FailStep makes the next n calls of step answer status (see FailNext).
func (f *Meta) FailStep(step string, n, status int) {
	code, msg := metaErrorFor(status)
	f.FailWith(step, n, status, code, msg)
}

// FailWith makes the next n calls of step answer a Graph error with this
// status, code and message.
func (f *Meta) FailWith(step string, n, status, code int, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails[step] = &metaFail{n: n, status: status, code: code, msg: msg}
}

// DropNext makes the next n publish calls do their work and then cut the
// connection before answering.
func (f *Meta) DropNext(n int) { f.DropStep(MetaStepPublish, n) }

// DropStep makes the next n calls of step do their work (for rupload: take
// half the bytes) and then cut the connection.
func (f *Meta) DropStep(step string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails[step] = &metaFail{n: n, drop: true}
}

func metaErrorFor(status int) (int, string) {
	switch {
	case status == 401:
		return 190, "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons."
	case status == 403:
		return 200, "(#200) The user hasn't authorized the application to perform this action"
	case status == 429:
		return 4, "(#4) Application request limit reached"
	case status >= 500:
		return 2, "An unexpected error has occurred. Please retry your request later."
	}
	return 100, "(#100) Invalid parameter"
}

// take consumes one failure of step; the caller answers or drops.
func (f *Meta) take(step string) *metaFail {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := f.fails[step]
	if fl == nil || fl.n <= 0 {
		return nil
	}
	fl.n--
	c := *fl
	return &c
}

// failed answers a configured failure (not drops) and reports whether it did.
func (f *Meta) failed(w http.ResponseWriter, step string) (drop bool, done bool) {
	fl := f.take(step)
	if fl == nil {
		return false, false
	}
	if fl.drop {
		return true, false
	}
	setRetryAfter(w, fl.after)
	metaError(w, fl.status, fl.code, 0, fl.msg)
	return false, true
}

func metaError(w http.ResponseWriter, status, code, sub int, msg string) {
	typ := "OAuthException"
	if code == 2 || code == 1 {
		typ = "FacebookApiException"
	}
	e := map[string]any{"message": msg, "type": typ, "code": code, "fbtrace_id": "A" + metaRandom()[:22]}
	if sub != 0 {
		e["error_subcode"] = sub
	}
	if code == 2 {
		e["is_transient"] = true
	}
	writeJSON(w, status, map[string]any{"error": e})
}

func metaRandom() string { return strings.NewReplacer("-", "a", "_", "b").Replace(randomString()) }

func (f *Meta) nextIDLocked() string {
	f.seq++
	return strconv.FormatInt(f.seq, 10)
}

func (f *Meta) routes() http.Handler {
	mux := http.NewServeMux()
	v := "/" + MetaVersion
	mux.HandleFunc("GET "+v+"/dialog/oauth", f.dialog)
	mux.HandleFunc("POST "+v+"/dialog/oauth", f.dialogDecision)
	mux.HandleFunc(v+"/oauth/access_token", f.accessToken)
	mux.HandleFunc("GET /connect/login_success.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<!doctype html><title>Success</title><p>Success. Copy this page's address into Localpost.</p>")
	})
	mux.HandleFunc("POST /ig-api-upload/"+MetaVersion+"/{id}", f.rupload)
	mux.HandleFunc("GET /avatars/{file}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(demoAvatar())
	})
	mux.HandleFunc("GET /p/{id}", f.postPage)
	mux.HandleFunc(v+"/", f.graph)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		metaError(w, http.StatusBadRequest, 2500, 0, "Unknown path components: "+r.URL.Path)
	})
	return f.record(mux)
}

// ---- recording (secrets redacted, nested JSON included) ----

var metaSecretKeys = []string{"access_token", "client_secret", "code", "code_verifier", "fb_exchange_token", "refresh_token"}

func metaRedactValues(v url.Values) url.Values {
	for _, k := range metaSecretKeys {
		if v.Has(k) {
			v.Set(k, "[redacted]")
		}
	}
	return v
}

func metaRedactQuery(q string) string {
	v, _ := url.ParseQuery(q)
	return metaRedactValues(v).Encode()
}

func metaRedactJSON(b []byte) []byte {
	var x any
	if json.Unmarshal(b, &x) != nil {
		return b
	}
	var walk func(any) any
	walk = func(x any) any {
		switch t := x.(type) {
		case map[string]any:
			for k, v := range t {
				if slices.Contains(metaSecretKeys, k) {
					t[k] = "[redacted]"
				} else {
					t[k] = walk(v)
				}
			}
		case []any:
			for i := range t {
				t[i] = walk(t[i])
			}
		}
		return x
	}
	out, _ := json.Marshal(walk(x))
	return out
}

func (f *Meta) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		if !strings.HasPrefix(r.URL.Path, "/ig-api-upload/") {
			body = keepBody(r, 256<<20)
		}
		req, _ := serveRecorded(next, w, r, metaRedactQuery, metaRedactJSON)
		mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch mt {
		case "multipart/form-data":
			req.Body = []byte(metaRedactValues(multipartFields(body, params["boundary"])).Encode())
		case "application/x-www-form-urlencoded":
			req.Body = []byte(metaRedactQuery(string(body)))
		case "application/json":
			req.Body = metaRedactJSON(body)
		default:
			if len(body) > 0 || r.ContentLength > 0 {
				req.Body = fmt.Appendf(nil, "[%d bytes]", max(int64(len(body)), r.ContentLength))
			}
		}
		f.mu.Lock()
		f.requests = append(f.requests, req)
		f.mu.Unlock()
	})
}

// ---- login ----

func (f *Meta) redirectOK(uri string) bool {
	u, err := url.Parse(uri)
	if err != nil || u.RawQuery != "" || u.Fragment != "" {
		return false
	}
	if uri == f.URL+"/connect/login_success.html" || uri == "https://www.facebook.com/connect/login_success.html" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return u.Scheme == "http" && ip != nil && ip.IsLoopback()
}

var metaKnownScopes = []string{"pages_show_list", "pages_manage_posts", "pages_read_engagement", "business_management",
	"instagram_basic", "instagram_content_publish", "pages_manage_engagement", "read_insights", "instagram_manage_comments",
	"instagram_manage_insights", "public_profile", "email", "openid"}

// dialogCheck validates the dialog parameters; it writes the error itself.
func (f *Meta) dialogCheck(w http.ResponseWriter, q url.Values) bool {
	switch {
	case q.Get("client_id") != f.AppID:
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "Invalid App ID: the app you are logging in to does not exist.")
		return false
	case !f.redirectOK(q.Get("redirect_uri")):
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "URL blocked: This redirect failed because the redirect URI is not whitelisted in the app's Client OAuth Settings.")
		return false
	}
	return true
}

func (f *Meta) dialogRedirect(w http.ResponseWriter, r *http.Request, q url.Values, approve bool) {
	back, _ := url.Parse(q.Get("redirect_uri"))
	out := url.Values{}
	if q.Get("state") != "" {
		out.Set("state", q.Get("state"))
	}
	switch {
	case !approve:
		out.Set("error", "access_denied")
		out.Set("error_code", "200")
		out.Set("error_description", "Permissions error")
		out.Set("error_reason", "user_denied")
	case q.Get("response_type") != "" && q.Get("response_type") != "code":
		out.Set("error", "unsupported_response_type")
	case q.Get("code_challenge") != "" && q.Get("code_challenge_method") != "S256":
		out.Set("error", "invalid_request")
		out.Set("error_description", "code_challenge_method must be S256")
	default:
		var scopes []string
		for _, s := range strings.Split(q.Get("scope"), ",") {
			if s = strings.TrimSpace(s); slices.Contains(metaKnownScopes, s) {
				scopes = append(scopes, s)
			} else if s != "" {
				out.Set("error", "invalid_scope")
				out.Set("error_description", "Invalid Scopes: "+s)
			}
		}
		if out.Get("error") == "" {
			code := metaRandom()
			f.mu.Lock()
			f.codes[code] = &metaCode{clientID: q.Get("client_id"), redirectURI: q.Get("redirect_uri"), challenge: q.Get("code_challenge"), scopes: scopes, expires: time.Now().Add(10 * time.Minute)}
			f.mu.Unlock()
			out.Set("code", code)
		}
	}
	back.RawQuery = out.Encode()
	back.Fragment = "_=_" // Meta appends #_=_ to login redirects
	http.Redirect(w, r, back.String(), http.StatusFound)
}

var metaDialogTmpl = template.Must(template.New("dialog").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log in with Facebook</title></head>
<body style="font-family:sans-serif;max-width:30em;margin:3em auto">
<h1>Localpost is requesting access to: {{.Scopes}}</h1>
<p>Demo User · Pages: Demo Café, Demo Bakery</p>
<form method="post" action="/{{.Version}}/dialog/oauth">
{{range $k, $v := .Params}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}<button name="decision" value="approve">Continue as Demo User</button>
<button name="decision" value="deny">Cancel</button>
</form></body></html>
`))

func (f *Meta) dialog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !f.dialogCheck(w, q) {
		return
	}
	if f.AutoApprove {
		f.dialogRedirect(w, r, q, true)
		return
	}
	params := map[string]string{}
	for k := range q {
		params[k] = q.Get(k)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = metaDialogTmpl.Execute(w, map[string]any{"Scopes": q.Get("scope"), "Params": params, "Version": MetaVersion})
}

func (f *Meta) dialogDecision(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	q := r.PostForm
	if !f.dialogCheck(w, q) {
		return
	}
	f.dialogRedirect(w, r, q, q.Get("decision") == "approve")
}

// Landed plays the user's browser on a login dialog address of this fake:
// it presses Continue and returns the address the browser lands on (the
// one the user would paste into Localpost).
func (f *Meta) Landed(authURL string) (string, error) {
	dialog := f.URL + "/" + MetaVersion + "/dialog/oauth"
	return landByForm(noRedirectClient(), authURL, dialog, dialog, nil, "login dialog", "the dialog")
}

// Approve is Landed and then follows the redirect when it goes to a
// loopback listener (a paste address is left for the caller).
func (f *Meta) Approve(authURL string) error {
	loc, err := f.Landed(authURL)
	if err != nil {
		return err
	}
	if u, _ := url.Parse(loc); u != nil {
		if ip := net.ParseIP(u.Hostname()); ip != nil && ip.IsLoopback() {
			resp, err := http.Get(loc)
			if err != nil {
				return err
			}
			return resp.Body.Close()
		}
	}
	return nil
}

func (f *Meta) accessToken(w http.ResponseWriter, r *http.Request) {
	if drop, done := f.failed(w, MetaStepToken); done {
		return
	} else if drop {
		hangUp(w)
		return
	}
	_ = r.ParseForm()
	v := r.Form
	if v.Get("client_id") != f.AppID || v.Get("client_secret") != f.AppSecret {
		metaError(w, http.StatusBadRequest, 1, 0, "Error validating client secret.")
		return
	}
	if v.Get("grant_type") == "fb_exchange_token" {
		f.mu.Lock()
		t := f.tokens[v.Get("fb_exchange_token")]
		if t == nil || t.revoked || t.kind == "page" || time.Now().After(t.expires) {
			f.mu.Unlock()
			metaError(w, http.StatusBadRequest, 190, 0, "Invalid OAuth access token - Cannot parse access token")
			return
		}
		tok := "EAAL" + metaRandom()
		f.tokens[tok] = &metaToken{kind: "user", scopes: t.scopes, expires: time.Now().Add(60 * 24 * time.Hour)}
		f.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": 5184000})
		return
	}
	f.mu.Lock()
	c := f.codes[v.Get("code")]
	delete(f.codes, v.Get("code")) // single use
	f.mu.Unlock()
	switch {
	case c == nil || time.Now().After(c.expires):
		metaError(w, http.StatusBadRequest, 100, 36007, "This authorization code has expired or has been used.")
		return
	case c.redirectURI != v.Get("redirect_uri"):
		metaError(w, http.StatusBadRequest, 100, 36008, "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request")
		return
	case c.challenge != "":
		sum := sha256.Sum256([]byte(v.Get("code_verifier")))
		if base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge {
			metaError(w, http.StatusBadRequest, 100, 0, "Invalid code verifier")
			return
		}
	}
	tok := "EAAS" + metaRandom()
	f.mu.Lock()
	f.tokens[tok] = &metaToken{kind: "short", scopes: c.scopes, expires: time.Now().Add(2 * time.Hour)}
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": 7200})
}

// ---- Graph ----

type metaCall struct {
	w      http.ResponseWriter
	r      *http.Request
	tok    string
	t      *metaToken
	params url.Values
	files  map[string][]*multipart.FileHeader
}

func (f *Meta) auth(w http.ResponseWriter, r *http.Request, params url.Values) (string, *metaToken, bool) {
	a := r.Header.Get("Authorization")
	tok := params.Get("access_token")
	if s, ok := strings.CutPrefix(a, "Bearer "); ok {
		tok = s
	} else if s, ok := strings.CutPrefix(a, "OAuth "); ok {
		tok = s
	}
	f.mu.Lock()
	t := f.tokens[tok]
	f.mu.Unlock()
	if tok == "" {
		metaError(w, http.StatusBadRequest, 104, 0, "An access token is required to request this resource.")
		return "", nil, false
	}
	if t == nil || t.revoked || time.Now().After(t.expires) {
		metaError(w, http.StatusBadRequest, 190, 460, "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.")
		return "", nil, false
	}
	return tok, t, true
}

func metaHasScope(t *metaToken, s string) bool { return slices.Contains(t.scopes, s) }

func (f *Meta) graph(w http.ResponseWriter, r *http.Request) {
	params := url.Values{}
	for k, v := range r.URL.Query() {
		params[k] = v
	}
	var files map[string][]*multipart.FileHeader
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(64 << 20); err != nil {
			metaError(w, http.StatusBadRequest, 100, 0, "(#100) Could not read the upload")
			return
		}
		for k, v := range r.MultipartForm.Value {
			params[k] = append(params[k], v...)
		}
		files = r.MultipartForm.File
	case "application/x-www-form-urlencoded":
		_ = r.ParseForm()
		for k, v := range r.PostForm {
			params[k] = append(params[k], v...)
		}
	}
	tok, t, ok := f.auth(w, r, params)
	if !ok {
		return
	}
	segs := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/"+MetaVersion), "/"), "/")
	id, edge := segs[0], ""
	if len(segs) > 1 {
		edge = segs[1]
	}
	f.mu.Lock()
	f.runSchedulerLocked()
	o := f.objs[id]
	gone := o != nil && o.deleted
	f.mu.Unlock()
	if o == nil || gone || len(segs) > 2 {
		metaError(w, http.StatusBadRequest, 100, 33, "Unsupported get request. Object with ID '"+id+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.")
		return
	}
	c := &metaCall{w: w, r: r, tok: tok, t: t, params: params, files: files}
	if t.kind == "page" && (o.typ == "Page" && o.id != t.page || o.typ == "IGUser" && o.owner != t.page) {
		metaError(w, http.StatusForbidden, 200, 0, "(#200) The Page token does not belong to this object")
		return
	}
	switch r.Method + " " + o.typ + " " + edge {
	case "GET User ":
		f.read(c, o)
	case "GET User accounts":
		f.accounts(c)
	case "GET Page feed", "GET Page scheduled_posts":
		f.pageFeed(c, o, edge == "scheduled_posts")
	case "GET Page published_posts":
		f.publishedPosts(c, o)
	case "POST Page feed":
		f.createFeed(c, o)
	case "POST Page photos":
		f.createPhoto(c, o)
	case "POST Page videos":
		f.video(c, o)
	case "POST PagePost ", "POST AdVideo ":
		f.reschedule(c, o)
	case "DELETE PagePost ", "DELETE AdVideo ":
		f.deletePost(c, o)
	case "POST PagePost comments", "POST Photo comments", "POST AdVideo comments", "POST IGMedia comments":
		f.comment(c, o)
	case "GET IGUser content_publishing_limit":
		f.mu.Lock()
		used, total := f.quotaUsed, f.quotaTotal
		f.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"data": []any{metaSelect(map[string]any{
			"quota_usage": used, "config": map[string]any{"quota_total": total, "quota_duration": 86400}}, params.Get("fields"), "quota_usage")}})
	case "POST IGUser media":
		f.createContainer(c, o)
	case "GET IGUser media":
		f.igMediaList(c, o)
	case "DELETE User permissions":
		f.deletePermissions(c) // meta_revoke.go
	case "POST IGUser media_publish":
		f.mediaPublish(c, o)
	case "GET PagePost insights", "GET IGMedia insights":
		f.insights(c, o)
	case "GET Page ", "GET PagePost ", "GET Photo ", "GET AdVideo ", "GET IGUser ", "GET IGMedia ", "GET ShadowIGMediaBuilder ", "GET Comment ", "GET IGComment ":
		if f.metricRead(c, o) {
			return
		}
		if o.typ == "ShadowIGMediaBuilder" {
			if drop, done := f.failed(w, MetaStepStatus); done {
				return
			} else if drop {
				hangUp(w)
				return
			}
		}
		f.read(c, o)
	default:
		metaError(w, http.StatusBadRequest, 100, 0, fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (%s)", edge, o.typ))
	}
}

// objJSONLocked renders every field of an object.
func (f *Meta) objJSONLocked(o *metaObj, tok string) map[string]any {
	m := map[string]any{"id": o.id}
	for k, v := range o.fields {
		m[k] = v
	}
	switch o.typ {
	case "User":
		m["name"] = "Demo User"
	case "Page":
		m["link"] = f.URL + "/p/" + o.id
		m["category"] = "Café"
		m["picture"] = map[string]any{"data": map[string]any{"url": f.URL + "/avatars/demo.png", "is_silhouette": false, "height": 50, "width": 50}}
		if tok != "" {
			m["access_token"] = f.pageTokenLocked(o.id, tok)
		}
		if ig := f.igOfLocked(o.id); ig != nil {
			m["instagram_business_account"] = f.objJSONLocked(ig, "")
		}
	case "IGUser":
		m["profile_picture_url"] = f.URL + "/avatars/demo.png"
		m["followers_count"] = 42
		m["media_count"] = f.countIGLocked(o.id)
	case "ShadowIGMediaBuilder":
		m["status_code"] = o.status
		m["status"] = o.status
		if o.status == "ERROR" {
			m["status"] = "Error: Media download has failed. The media URI doesn't meet our requirements."
		}
		if o.needUpload || o.size > 0 {
			up := map[string]any{"status": "not_started", "bytes_transferred": len(o.got)}
			if o.size > 0 {
				up["source_file_size"] = o.size
				up["status"] = "in_progress"
				if int64(len(o.got)) >= o.size {
					up["status"] = "complete"
				}
			}
			proc := map[string]any{"status": "not_started"}
			if o.status == "FINISHED" || o.status == "PUBLISHED" {
				proc["status"] = "complete"
			}
			m["video_status"] = map[string]any{"uploading_phase": up, "processing_phase": proc}
		}
	}
	return m
}

func (f *Meta) igOfLocked(page string) *metaObj {
	for _, o := range f.objs {
		if o.typ == "IGUser" && o.owner == page {
			return o
		}
	}
	return nil
}

func (f *Meta) countIGLocked(ig string) int {
	n := 0
	for _, p := range f.posts {
		if p.typ == "IGMedia" && p.owner == ig {
			n++
		}
	}
	return n
}

// pageTokenLocked returns the Page token for a user token (a secret of
// its own, with the user's scopes; it does not expire).
func (f *Meta) pageTokenLocked(page, userTok string) string {
	k := page + "\x00" + userTok
	if pt := f.pageTokens[k]; pt != "" && !f.tokens[pt].revoked {
		return pt
	}
	pt := "EAAP" + metaRandom()
	ut := f.tokens[userTok]
	f.tokens[pt] = &metaToken{kind: "page", page: page, scopes: ut.scopes, expires: time.Now().Add(100 * 365 * 24 * time.Hour)}
	f.pageTokens[k] = pt
	return pt
}

// metaSelect keeps the fields asked for ("a,b{c}"), or def when none.
func metaSelect(m map[string]any, fields, def string) map[string]any {
	if fields == "" {
		fields = def
	}
	sel, err := graphParseFields(fields)
	if err != nil {
		return map[string]any{"id": m["id"]}
	}
	return metaApplySel(m, sel)
}

func metaApplySel(m map[string]any, sel []graphFieldSel) map[string]any {
	out := map[string]any{}
	for _, s := range sel {
		v, ok := m[s.name]
		if !ok {
			continue
		}
		if s.sub != nil {
			if vm, ok := v.(map[string]any); ok {
				if d, ok := vm["data"].(map[string]any); ok {
					v = map[string]any{"data": metaApplySel(d, s.sub)}
				} else {
					v = metaApplySel(vm, s.sub)
				}
			}
		}
		out[s.name] = v
	}
	if id, ok := m["id"]; ok {
		out["id"] = id // Graph always answers the id of a node
	}
	return out
}

func (f *Meta) read(c *metaCall, o *metaObj) {
	f.mu.Lock()
	tok := ""
	if o.typ == "Page" && c.t.kind != "page" {
		tok = c.tok
	}
	f.advanceLocked(o)
	m := f.objJSONLocked(o, tok)
	f.mu.Unlock()
	def := "id,name"
	switch o.typ {
	case "PagePost", "IGMedia", "Comment", "IGComment":
		def = "id"
	case "ShadowIGMediaBuilder":
		def = "id"
	}
	writeJSON(c.w, http.StatusOK, metaSelect(m, c.params.Get("fields"), def))
}

func (f *Meta) accounts(c *metaCall) {
	if c.t.kind == "page" {
		metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) Tried accessing nonexisting field (accounts) on node type (Page)")
		return
	}
	if !metaHasScope(c.t, "pages_show_list") {
		metaError(c.w, http.StatusForbidden, 200, 0, "(#200) Requires pages_show_list permission to manage the object")
		return
	}
	if drop, done := f.failed(c.w, "accounts"); done {
		return
	} else if drop {
		hangUp(c.w)
		return
	}
	f.mu.Lock()
	var data []any
	for _, id := range []string{MetaPageID, MetaPage2ID} {
		m := f.objJSONLocked(f.objs[id], c.tok)
		if !metaHasScope(c.t, "instagram_basic") {
			delete(m, "instagram_business_account")
		}
		data = append(data, metaSelect(m, c.params.Get("fields"), "id,name,access_token,category"))
	}
	f.mu.Unlock()
	writeJSON(c.w, http.StatusOK, map[string]any{"data": data, "paging": map[string]any{"cursors": map[string]any{"before": "QVFIUjFh", "after": "QVFIUjJi"}}})
}

func (f *Meta) needPost(c *metaCall, page string) bool {
	if c.t.kind != "page" || c.t.page != page {
		metaError(c.w, http.StatusForbidden, 200, 0, "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission")
		return false
	}
	if !metaHasScope(c.t, "pages_manage_posts") {
		metaError(c.w, http.StatusForbidden, 200, 0, "(#200) The user hasn't authorized the application to perform this action")
		return false
	}
	return true
}

const metaTimeFormat = "2006-01-02T15:04:05-0700"

// schedule reads published/scheduled_publish_time; ok false = answered.
func (f *Meta) schedule(c *metaCall) (published bool, at time.Time, ok bool) {
	published = c.params.Get("published") != "false"
	s := c.params.Get("scheduled_publish_time")
	if s == "" {
		return published, time.Time{}, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	at = time.Unix(n, 0).UTC()
	now := f.now()
	if err != nil || published || at.Before(now.Add(10*time.Minute-time.Minute)) || at.After(now.Add(30*24*time.Hour+time.Hour)) {
		metaError(c.w, http.StatusBadRequest, 100, 1363026, "(#100) The specified scheduled publish time is invalid.")
		return false, time.Time{}, false
	}
	return false, at, true
}

// newPostLocked adds a Page post.
func (f *Meta) newPostLocked(page, text, kind, tok string, media []string, published bool, at time.Time) *metaObj {
	id := page + "_" + f.nextIDLocked()
	now := time.Now().UTC()
	o := &metaObj{id: id, typ: "PagePost", owner: page, created: now, text: text, media: media, published: published, scheduled: at, mediaType: kind, token: tok,
		fields: map[string]any{"created_time": now.Format(metaTimeFormat), "permalink_url": f.URL + "/p/" + id, "is_published": published}}
	if text != "" {
		o.fields["message"] = text
	}
	if !at.IsZero() {
		o.fields["scheduled_publish_time"] = float64(at.Unix())
	}
	f.objs[id] = o
	f.posts = append(f.posts, o)
	return o
}

func (f *Meta) pageFeed(c *metaCall, page *metaObj, scheduled bool) {
	f.mu.Lock()
	var data []any
	for i := len(f.posts) - 1; i >= 0; i-- {
		p := f.posts[i]
		if p.typ != "PagePost" || p.owner != page.id || p.scheduled.IsZero() != !scheduled {
			continue
		}
		data = append(data, metaSelect(f.objJSONLocked(p, ""), c.params.Get("fields"), "id,message,created_time"))
	}
	f.mu.Unlock()
	if data == nil {
		data = []any{}
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"data": data})
}

func (f *Meta) createFeed(c *metaCall, page *metaObj) {
	if !f.needPost(c, page.id) {
		return
	}
	if drop, done := f.failed(c.w, MetaStepPublish); done {
		return
	} else if drop {
		defer hangUp(c.w)
		c.w = metaDiscard{}
	}
	published, at, ok := f.schedule(c)
	if !ok {
		return
	}
	msg, link := c.params.Get("message"), c.params.Get("link")
	var photos []string
	for i := 0; ; i++ {
		v := c.params.Get(fmt.Sprintf("attached_media[%d]", i))
		if v == "" {
			break
		}
		var am struct {
			ID string `json:"media_fbid"`
		}
		if json.Unmarshal([]byte(v), &am) != nil || am.ID == "" {
			metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) param attached_media must be an array of objects with media_fbid")
			return
		}
		photos = append(photos, am.ID)
	}
	switch {
	case msg == "" && link == "" && len(photos) == 0:
		metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) Missing message or attachment")
		return
	case utf8.RuneCountInString(msg) > 63206:
		metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) The post's message is too long")
		return
	}
	f.mu.Lock()
	for _, id := range photos {
		p := f.objs[id]
		if p == nil || p.typ != "Photo" || p.owner != page.id || p.published || p.used {
			f.mu.Unlock()
			metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) The photo "+id+" cannot be attached: it does not exist, is published or was used already")
			return
		}
	}
	for _, id := range photos {
		f.objs[id].used = true
	}
	kind := "status"
	if len(photos) > 0 {
		kind = "photos"
	}
	if link != "" {
		msg = strings.TrimSpace(msg)
	}
	o := f.newPostLocked(page.id, msg, kind, c.tok, photos, published, at)
	f.mu.Unlock()
	writeJSON(c.w, http.StatusOK, map[string]any{"id": o.id})
}

// metaDiscard answers nothing (the connection is cut after the work).
type metaDiscard struct{}

func (metaDiscard) Header() http.Header         { return http.Header{} }
func (metaDiscard) Write(b []byte) (int, error) { return len(b), nil }
func (metaDiscard) WriteHeader(int)             {}

func (f *Meta) fileData(c *metaCall, field string) ([]byte, string, bool) {
	fhs := c.files[field]
	if len(fhs) == 0 {
		return nil, "", false
	}
	fl, err := fhs[0].Open()
	if err != nil {
		return nil, "", false
	}
	defer fl.Close()
	b, _ := io.ReadAll(fl)
	return b, fhs[0].Header.Get("Content-Type"), true
}

func (f *Meta) createPhoto(c *metaCall, page *metaObj) {
	if !f.needPost(c, page.id) {
		return
	}
	published, at, ok := f.schedule(c)
	if !ok {
		return
	}
	step := MetaStepPhoto
	if published || !at.IsZero() {
		step = MetaStepPublish
	}
	if drop, done := f.failed(c.w, step); done {
		return
	} else if drop {
		defer hangUp(c.w)
		c.w = metaDiscard{}
	}
	data, _, ok := f.fileData(c, "source")
	if !ok && c.params.Get("url") == "" {
		metaError(c.w, http.StatusBadRequest, 324, 0, "(#324) Requires upload file")
		return
	}
	if ok {
		mt := http.DetectContentType(data)
		if !strings.HasPrefix(mt, "image/") {
			metaError(c.w, http.StatusBadRequest, 324, 2069019, "(#324) The photo file is missing or is not an image")
			return
		}
		if len(data) > 4<<20 {
			metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) The photo is larger than 4 MB")
			return
		}
	}
	f.mu.Lock()
	id := f.nextIDLocked()
	now := time.Now().UTC()
	ph := &metaObj{id: id, typ: "Photo", owner: page.id, created: now, token: c.tok, published: published,
		fields: map[string]any{"created_time": now.Format(metaTimeFormat), "link": f.URL + "/p/" + id}}
	if cap := c.params.Get("caption"); cap != "" {
		ph.fields["name"] = cap
	}
	if alt := c.params.Get("alt_text_custom"); alt != "" {
		ph.fields["alt_text_custom"] = alt
	}
	f.objs[id] = ph
	resp := map[string]any{"id": id}
	if published || !at.IsZero() {
		ph.used = true
		post := f.newPostLocked(page.id, c.params.Get("caption"), "photo", c.tok, []string{id}, published, at)
		resp["post_id"] = post.id
	}
	f.mu.Unlock()
	writeJSON(c.w, http.StatusOK, resp)
}

// video is the resumable upload: start → transfer… → finish.
func (f *Meta) video(c *metaCall, page *metaObj) {
	if !f.needPost(c, page.id) {
		return
	}
	phase := c.params.Get("upload_phase")
	step := map[string]string{"start": MetaStepStart, "transfer": MetaStepTransfer, "finish": MetaStepPublish}[phase]
	if step == "" {
		metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) This demo server only takes the resumable upload (upload_phase start/transfer/finish)")
		return
	}
	drop, done := f.failed(c.w, step)
	if done {
		return
	}
	if drop {
		defer hangUp(c.w)
		c.w = metaDiscard{}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	session := func() *metaObj {
		for _, o := range f.objs {
			if o.typ == "AdVideo" && o.session == c.params.Get("upload_session_id") && o.owner == page.id {
				return o
			}
		}
		return nil
	}
	switch phase {
	case "start":
		size, err := strconv.ParseInt(c.params.Get("file_size"), 10, 64)
		if err != nil || size <= 0 {
			metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) file_size is required")
			return
		}
		id := f.nextIDLocked()
		v := &metaObj{id: id, typ: "AdVideo", owner: page.id, session: f.nextIDLocked(), size: size, token: c.tok, created: time.Now().UTC(),
			fields: map[string]any{"permalink_url": "/" + page.id + "/videos/" + id + "/", "created_time": time.Now().UTC().Format(metaTimeFormat)}}
		f.objs[id] = v
		writeJSON(c.w, http.StatusOK, map[string]any{"video_id": id, "upload_session_id": v.session, "start_offset": "0", "end_offset": strconv.FormatInt(min(size, 1<<20), 10)})
	case "transfer":
		v := session()
		if v == nil {
			metaError(c.w, http.StatusBadRequest, 6000, 1363019, "There was a problem uploading your video file. Please try again with another file.")
			return
		}
		off, _ := strconv.ParseInt(c.params.Get("start_offset"), 10, 64)
		f.mu.Unlock()
		data, _, ok := f.fileData(c, "video_file_chunk")
		f.mu.Lock()
		if ok && off >= 0 && off < int64(len(v.got)) {
			v.got = v.got[:off] // a piece sent again after a lost answer replaces the old one
		}
		if !ok || off != int64(len(v.got)) {
			metaError(c.w, http.StatusBadRequest, 6000, 1363037, fmt.Sprintf("There was a problem uploading your video file: the piece starts at %d, expected %d.", off, len(v.got)))
			return
		}
		v.got = append(v.got, data...)
		next := int64(len(v.got))
		writeJSON(c.w, http.StatusOK, map[string]any{"start_offset": strconv.FormatInt(next, 10), "end_offset": strconv.FormatInt(min(v.size, next+1<<20), 10)})
	case "finish":
		v := session()
		if v == nil || int64(len(v.got)) != v.size {
			metaError(c.w, http.StatusBadRequest, 6000, 1363030, "Your video upload is incomplete.")
			return
		}
		if !v.finished {
			published, at := c.params.Get("published") != "false", time.Time{}
			if s := c.params.Get("scheduled_publish_time"); s != "" {
				n, _ := strconv.ParseInt(s, 10, 64)
				at = time.Unix(n, 0).UTC()
			}
			v.finished, v.published, v.scheduled, v.text, v.mediaType = true, published, at, c.params.Get("description"), "video"
			v.fields["published"] = published
			if d := c.params.Get("description"); d != "" {
				v.fields["description"] = d
			}
			if t := c.params.Get("title"); t != "" {
				v.fields["title"] = t
			}
			f.posts = append(f.posts, v)
		}
		writeJSON(c.w, http.StatusOK, map[string]any{"success": true})
	}
}

func (f *Meta) comment(c *metaCall, o *metaObj) {
	if drop, done := f.failed(c.w, MetaStepComment); done {
		return
	} else if drop {
		defer hangUp(c.w)
		c.w = metaDiscard{}
	}
	msg := c.params.Get("message")
	if strings.TrimSpace(msg) == "" {
		metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) Missing message")
		return
	}
	f.mu.Lock()
	typ := "Comment"
	if o.typ == "IGMedia" {
		typ = "IGComment"
	}
	id := o.id + "_c" + f.nextIDLocked()
	if o.typ == "IGMedia" {
		id = f.nextIDLocked()
	}
	f.objs[id] = &metaObj{id: id, typ: typ, owner: o.id, text: msg, created: time.Now().UTC(), fields: map[string]any{"message": msg}}
	if typ == "IGComment" {
		f.objs[id].fields = map[string]any{"text": msg}
	}
	o.comments = append(o.comments, id)
	f.mu.Unlock()
	writeJSON(c.w, http.StatusOK, map[string]any{"id": id})
}

// ---- Instagram ----

func (f *Meta) needIG(c *metaCall, ig *metaObj) bool {
	if c.t.kind != "page" || c.t.page != ig.owner || !metaHasScope(c.t, "instagram_content_publish") {
		metaError(c.w, http.StatusForbidden, 10, 0, "(#10) Application does not have permission for this action")
		return false
	}
	return true
}

func (f *Meta) createContainer(c *metaCall, ig *metaObj) {
	if !f.needIG(c, ig) {
		return
	}
	if drop, done := f.failed(c.w, MetaStepContainer); done {
		return
	} else if drop {
		defer hangUp(c.w)
		c.w = metaDiscard{}
	}
	p := c.params
	mt := strings.ToUpper(p.Get("media_type"))
	if utf8.RuneCountInString(p.Get("caption")) > 2200 {
		metaError(c.w, http.StatusBadRequest, 100, 2207035, "The caption is longer than 2,200 characters.")
		return
	}
	o := &metaObj{typ: "ShadowIGMediaBuilder", owner: ig.id, token: c.tok, text: p.Get("caption"), created: time.Now().UTC(), status: "IN_PROGRESS", fields: map[string]any{}}
	switch {
	case mt == "CAROUSEL":
		kids := strings.Split(p.Get("children"), ",")
		if len(kids) < 2 || len(kids) > 10 {
			metaError(c.w, http.StatusBadRequest, 100, 2207020, "A carousel needs 2 to 10 items.")
			return
		}
		f.mu.Lock()
		for _, k := range kids {
			kc := f.objs[k]
			if kc == nil || kc.typ != "ShadowIGMediaBuilder" || kc.owner != ig.id || kc.status != "FINISHED" || !kc.item {
				f.mu.Unlock()
				metaError(c.w, http.StatusBadRequest, 100, 2207009, "The carousel item "+k+" is not a finished carousel item of this account.")
				return
			}
		}
		f.mu.Unlock()
		o.children, o.mediaType = kids, "CAROUSEL_ALBUM"
	case p.Get("upload_type") == "resumable" && (mt == "REELS" || mt == "VIDEO" || mt == "STORIES"):
		if mt == "VIDEO" && p.Get("is_carousel_item") != "true" {
			metaError(c.w, http.StatusBadRequest, 100, 2207023, "The VIDEO media type is only for carousel items; use REELS.")
			return
		}
		o.needUpload, o.status, o.mediaType = true, "IN_PROGRESS", "VIDEO"
	case p.Get("image_url") != "":
		u, err := url.Parse(p.Get("image_url"))
		if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
			metaError(c.w, http.StatusBadRequest, 9004, 2207052, "The media could not be fetched from this URI: "+p.Get("image_url"))
			return
		}
		o.mediaType = "IMAGE"
		if !strings.HasSuffix(strings.ToLower(u.Path), ".jpg") && !strings.HasSuffix(strings.ToLower(u.Path), ".jpeg") && strings.Contains(u.Path, ".") {
			o.status = "ERROR" // only JPEG is accepted
		}
	default:
		metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) The parameter image_url is required")
		return
	}
	o.item, o.reel = p.Get("is_carousel_item") == "true", mt == "REELS"
	if mt == "STORIES" {
		o.mediaType = "STORY" + o.mediaType
	}
	f.mu.Lock()
	o.id = f.nextIDLocked()
	o.pending = f.polls
	f.objs[o.id] = o
	f.mu.Unlock()
	resp := map[string]any{"id": o.id}
	if o.needUpload {
		resp["uri"] = f.URL + "/ig-api-upload/" + MetaVersion + "/" + o.id
	}
	writeJSON(c.w, http.StatusOK, resp)
}

// advanceLocked moves a container on: a read after pending polls
// finishes it (once a video has all its bytes).
func (f *Meta) advanceLocked(o *metaObj) {
	if o.typ != "ShadowIGMediaBuilder" || o.status != "IN_PROGRESS" {
		return
	}
	if o.needUpload && (o.size == 0 || int64(len(o.got)) < o.size) {
		return
	}
	if o.pending > 0 {
		o.pending--
		return
	}
	o.status = "FINISHED"
}

func (f *Meta) rupload(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	o := f.objs[r.PathValue("id")]
	f.mu.Unlock()
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "OAuth ")
	f.mu.Lock()
	t := f.tokens[tok]
	f.mu.Unlock()
	switch {
	case !ok || t == nil || t.revoked:
		writeJSON(w, http.StatusUnauthorized, map[string]any{"debug_info": map[string]any{"type": "OAuthException", "message": "Invalid OAuth access token"}})
		return
	case o == nil || !o.needUpload || o.token != tok:
		writeJSON(w, http.StatusBadRequest, map[string]any{"debug_info": map[string]any{"type": "ProcessingFailedError", "message": "Request processing failed"}})
		return
	}
	off, err1 := strconv.ParseInt(r.Header.Get("offset"), 10, 64)
	size, err2 := strconv.ParseInt(r.Header.Get("file_size"), 10, 64)
	f.mu.Lock()
	have := int64(len(o.got))
	f.mu.Unlock()
	if err1 != nil || err2 != nil || size <= 0 || off != have && off != 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"debug_info": map[string]any{"type": "ProcessingFailedError", "message": fmt.Sprintf("offset must be %d", have)}})
		return
	}
	fl := f.take(MetaStepRupload)
	if fl != nil && !fl.drop {
		writeJSON(w, fl.status, map[string]any{"debug_info": map[string]any{"type": "ProcessingFailedError", "message": fl.msg}})
		return
	}
	var body []byte
	if fl != nil && fl.drop {
		body, _ = io.ReadAll(io.LimitReader(r.Body, max((size-off)/2, 1)))
	} else {
		body, _ = io.ReadAll(io.LimitReader(r.Body, size-off))
	}
	f.mu.Lock()
	if off == 0 {
		o.got = nil
	}
	o.got = append(o.got, body...)
	o.size = size
	done := int64(len(o.got)) == size
	f.mu.Unlock()
	if fl != nil && fl.drop {
		hangUp(w)
		return
	}
	if !done {
		writeJSON(w, http.StatusBadRequest, map[string]any{"debug_info": map[string]any{"type": "ProcessingFailedError", "message": "incomplete upload"}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "message": "Upload successful. Video will be processed shortly."})
}

func (f *Meta) mediaPublish(c *metaCall, ig *metaObj) {
	if !f.needIG(c, ig) {
		return
	}
	if drop, done := f.failed(c.w, MetaStepPublish); done {
		return
	} else if drop {
		defer hangUp(c.w)
		c.w = metaDiscard{}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.objs[c.params.Get("creation_id")]
	switch {
	case o == nil || o.typ != "ShadowIGMediaBuilder" || o.owner != ig.id:
		metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) Param creation_id must be a valid container of this account")
		return
	case o.status == "PUBLISHED":
		metaError(c.w, http.StatusBadRequest, 9004, 2207027, "The media has already been published.")
		return
	case o.status != "FINISHED":
		metaError(c.w, http.StatusBadRequest, 9007, 2207027, "Media ID is not available: the media is not ready for publishing, please wait for a moment")
		return
	case f.quotaUsed >= f.quotaTotal:
		metaError(c.w, http.StatusBadRequest, 9, 2207042, "You have reached the maximum number of posts that is allowed in 24 hours.")
		return
	}
	f.quotaUsed++
	o.status = "PUBLISHED"
	id := f.nextIDLocked()
	now := time.Now().UTC()
	short := strings.ToUpper(id[len(id)-8:])
	m := &metaObj{id: id, typ: "IGMedia", owner: ig.id, created: now, text: o.text, media: append([]string{o.id}, o.children...), published: true, mediaType: o.mediaType, token: c.tok,
		fields: map[string]any{"permalink": f.URL + "/p/" + id, "shortcode": short, "timestamp": now.Format(metaTimeFormat), "media_type": o.mediaType,
			"media_product_type": "FEED", "username": "democafe", "comments_count": 0, "like_count": 0}}
	if o.reel {
		m.fields["media_product_type"] = "REELS"
	}
	if strings.HasPrefix(o.mediaType, "STORY") {
		m.fields["media_product_type"] = "STORY"
		m.fields["media_type"] = strings.TrimPrefix(o.mediaType, "STORY")
	}
	if o.text != "" {
		m.fields["caption"] = o.text
	}
	f.objs[id] = m
	f.posts = append(f.posts, m)
	writeJSON(c.w, http.StatusOK, map[string]any{"id": id})
}

func (f *Meta) igMediaList(c *metaCall, ig *metaObj) {
	f.mu.Lock()
	data := []any{}
	for i := len(f.posts) - 1; i >= 0; i-- {
		p := f.posts[i]
		if p.typ == "IGMedia" && p.owner == ig.id {
			data = append(data, metaSelect(f.objJSONLocked(p, ""), c.params.Get("fields"), "id"))
		}
	}
	f.mu.Unlock()
	writeJSON(c.w, http.StatusOK, map[string]any{"data": data})
}

var metaPostTmpl = template.Must(template.New("post").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family:sans-serif;max-width:36em;margin:3em auto">
<p><img src="/avatars/demo.png" width="40" height="40" alt=""> <strong>Demo Café</strong></p>
<p style="white-space:pre-wrap">{{.Text}}</p>
<p><small>{{.Kind}} · Localpost demo of Facebook and Instagram</small></p>
</body></html>
`))

// postPage is the browser page of a post, page or media (permalinks).
func (f *Meta) postPage(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	o := f.objs[r.PathValue("id")]
	var text, kind string
	if o != nil {
		text, kind = o.text, o.typ
		if n, ok := o.fields["name"].(string); ok && text == "" {
			text = n
		}
	}
	f.mu.Unlock()
	if o == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = metaPostTmpl.Execute(w, map[string]any{"Title": kind + " " + o.id, "Text": text, "Kind": kind})
}
