package fakes

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// LinkedIn is an in-process LinkedIn on 127.0.0.1: the native PKCE and
// standard OAuth pages, the token endpoint, /v2/userinfo, the versioned
// REST API (organizationAcls, organizations, images, videos, documents,
// posts, socialActions comments) and the upload addresses it hands out.
// It is safe for concurrent use.
//
// The member is "Demo Member" (sub "dEm0Sub"); it administers one
// organization, "Demo Café GmbH" (2414183). The app registered in the
// "developer portal" is ClientID / ClientSecret.
type LinkedIn struct {
	URL string // http://127.0.0.1:PORT

	ClientID, ClientSecret string

	// AutoApprove makes the authorize page redirect at once, as if the
	// member had pressed Allow.
	AutoApprove bool

	srv *http.Server

	mu           sync.Mutex
	seq          int64
	codes        map[string]*liCode
	tokens       map[string]*liToken
	refresh      map[string]*liToken // by refresh token
	issueRefresh bool
	uploads      map[string]*liUpload // by upload key
	assets       map[string]*liAsset  // by URN
	posts        []LinkedInPost
	comments     []LinkedInComment
	requests     []LinkedInRequest
	orgs         []liOrg
	processing   int      // GET polls answering PROCESSING before AVAILABLE
	partSize     int64    // video part size
	fail         failKnob // FailNext
	faults       map[string]*liFault
	metricFail   failKnob  // FailMetrics
	metricReads  postReads // metric reads per post URN, and of followers under ""
}

type liCode struct {
	redirectURI, challenge string
	scopes                 []string
	native                 bool
	expires                time.Time
}

type liToken struct {
	scopes  []string
	revoked bool
}

type liUpload struct {
	asset       string // URN
	first, last int64
	part        int
	token       string
}

type liAsset struct {
	urn, kind, owner, token string
	size                    int64
	parts                   [][]byte
	etags                   []string
	uploadToken             string
	puts                    []int // PUTs per part
	uploaded, finalized     bool
	pending                 int
}

type liOrg struct {
	id         int64
	name, slug string
}

type liFault struct {
	skip, n, status int
	drop            bool
}

// LinkedInPost is a post the fake received.
type LinkedInPost struct {
	URN        string
	Author     string
	Commentary string // as sent, little format
	Text       string // as LinkedIn shows it: unescaped and, like LinkedIn, cut at an unescaped reserved character
	Media      []string
	Kind       string // "", "image", "multiImage", "video", "document", "article"
	AltTexts   []string
	Created    time.Time
}

// LinkedInComment is a comment the fake received.
type LinkedInComment struct {
	URN, Actor, Object, Text string
}

// LinkedInRequest is one served request (secrets redacted, as Request)
// with the answer's headers, for the contract check of x-restli-id.
type LinkedInRequest struct {
	Request
	ResponseHeader http.Header
}

// NewLinkedIn starts the fake on a free port of 127.0.0.1.
func NewLinkedIn() *LinkedIn {
	ln, base := mustListenFree("fakes: linkedin: ")
	f := &LinkedIn{
		URL:          base,
		ClientID:     "86demolinkedin",
		ClientSecret: randomString(),
		codes:        map[string]*liCode{},
		tokens:       map[string]*liToken{},
		refresh:      map[string]*liToken{},
		uploads:      map[string]*liUpload{},
		assets:       map[string]*liAsset{},
		faults:       map[string]*liFault{},
		orgs:         []liOrg{{id: 2414183, name: "Demo Café GmbH", slug: "demo-cafe"}},
		processing:   1,
		partSize:     4 << 20, // LinkedIn's 4 MB parts
		seq:          7100000000000000000,
	}
	f.srv = serve(ln, f.routes())
	return f
}

// Close stops the fake.
func (f *LinkedIn) Close() { _ = f.srv.Close() }

// IssueRefreshTokens makes the token endpoint hand out refresh tokens, as
// LinkedIn does for approved partners only (off by default).
func (f *LinkedIn) IssueRefreshTokens(on bool) { f.mu.Lock(); f.issueRefresh = on; f.mu.Unlock() }

// SetVideoPartSize sets the byte size of the video parts initializeUpload
// hands out (LinkedIn: 4 MB), so tests get several parts from a small file.
func (f *LinkedIn) SetVideoPartSize(n int64) { f.mu.Lock(); f.partSize = n; f.mu.Unlock() }

// SetProcessing sets how many status polls of a video or document answer
// PROCESSING before AVAILABLE (default 1).
func (f *LinkedIn) SetProcessing(polls int) { f.mu.Lock(); f.processing = polls; f.mu.Unlock() }

// AddOrganization adds an organization the member administers.
func (f *LinkedIn) AddOrganization(id int64, name, vanity string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.orgs = append(f.orgs, liOrg{id: id, name: name, slug: vanity})
}

// RevokeAll makes every token invalid (401 REVOKED_ACCESS_TOKEN).
func (f *LinkedIn) RevokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tokens {
		t.revoked = true
	}
}

// FailNext makes the next n POST /rest/posts answer status (with
// Retry-After when retryAfter > 0) without posting.
func (f *LinkedIn) FailNext(n, status int, retryAfter time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = failKnob{n: n, status: status, after: retryAfter}
}

// DropNext makes the next n POST /rest/posts create the post and then cut
// the connection before answering.
func (f *LinkedIn) DropNext(n int) { f.DropStep("post", 0, n) }

// LinkedIn steps for FailStep and DropStep.
const (
	LinkedInStepImageInit    = "image-init"
	LinkedInStepDocumentInit = "document-init"
	LinkedInStepVideoInit    = "video-init"
	LinkedInStepUpload       = "upload" // any PUT of bytes (image, document, video part)
	LinkedInStepFinalize     = "video-finalize"
	LinkedInStepPost         = "post"
	LinkedInStepComment      = "comment"
)

// FailStep makes the next n calls of step answer status without doing
// anything, after letting skip calls through.
func (f *LinkedIn) FailStep(step string, skip, n, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[step] = &liFault{skip: skip, n: n, status: status}
}

// DropStep makes the next n calls of step do their work and then cut the
// connection, after letting skip calls through.
func (f *LinkedIn) DropStep(step string, skip, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[step] = &liFault{skip: skip, n: n, drop: true}
}

// fault returns what to do for this call of step: 0 = nothing, -1 = drop
// after the work, else a status to fail with.
func (f *LinkedIn) fault(step string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	ft := f.faults[step]
	if ft == nil || ft.n == 0 {
		return 0
	}
	if ft.skip > 0 {
		ft.skip--
		return 0
	}
	ft.n--
	if ft.drop {
		return -1
	}
	return ft.status
}

// Posts returns the posts created, in order.
func (f *LinkedIn) Posts() []LinkedInPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := slices.Clone(f.posts)
	for i := range out {
		out[i].Media = slices.Clone(out[i].Media)
		out[i].AltTexts = slices.Clone(out[i].AltTexts)
	}
	return out
}

// Comments returns the comments created, in order.
func (f *LinkedIn) Comments() []LinkedInComment {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.comments)
}

// LinkedInAssetInfo tells a test how an upload went.
type LinkedInAssetInfo struct {
	URN, Kind, Owner    string
	Size                int64
	PutsPerPart         []int
	Uploaded, Finalized bool
}

// Assets returns every image, video and document initialized, by URN.
func (f *LinkedIn) Assets() map[string]LinkedInAssetInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]LinkedInAssetInfo{}
	for k, a := range f.assets {
		out[k] = LinkedInAssetInfo{URN: a.urn, Kind: a.kind, Owner: a.owner, Size: a.size, PutsPerPart: slices.Clone(a.puts), Uploaded: a.uploaded, Finalized: a.finalized}
	}
	return out
}

// Requests returns every request served, in order.
func (f *LinkedIn) Requests() []LinkedInRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]LinkedInRequest, len(f.requests))
	for i, r := range f.requests {
		r.Request = r.Request.clone()
		r.ResponseHeader = r.ResponseHeader.Clone()
		out[i] = r
	}
	return out
}

func (f *LinkedIn) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/native-pkce/authorization", f.authorizePage(true))
	mux.HandleFunc("GET /oauth/v2/authorization", f.authorizePage(false))
	mux.HandleFunc("POST /oauth/native-pkce/authorization", f.authorizeDecision(true))
	mux.HandleFunc("POST /oauth/v2/authorization", f.authorizeDecision(false))
	mux.HandleFunc("POST /oauth/v2/accessToken", f.accessToken)
	mux.HandleFunc("GET /v2/userinfo", f.userinfo)
	mux.HandleFunc("GET /rest/organizationAcls", f.rest(f.organizationAcls))
	mux.HandleFunc("GET /rest/organizations/{id}", f.rest(f.organization))
	mux.HandleFunc("POST /rest/images", f.rest(f.assetAction("image")))
	mux.HandleFunc("POST /rest/documents", f.rest(f.assetAction("document")))
	mux.HandleFunc("POST /rest/videos", f.rest(f.assetAction("video")))
	mux.HandleFunc("GET /rest/images/{urn}", f.rest(f.assetStatus("image")))
	mux.HandleFunc("GET /rest/documents/{urn}", f.rest(f.assetStatus("document")))
	mux.HandleFunc("GET /rest/videos/{urn}", f.rest(f.assetStatus("video")))
	mux.HandleFunc("PUT /dms-uploads/{key}", f.upload)
	mux.HandleFunc("POST /rest/posts", f.rest(f.createPost))
	mux.HandleFunc("GET /rest/posts", f.rest(f.findPosts))
	mux.HandleFunc("POST /rest/socialActions/{urn}/comments", f.rest(f.createComment))
	mux.HandleFunc("GET /rest/socialActions/{urn}/comments", f.rest(f.listComments))
	mux.HandleFunc("GET /rest/socialActions/{urn}", f.rest(f.socialActionsSummary))
	mux.HandleFunc("GET /rest/organizationalEntityShareStatistics", f.rest(f.shareStatistics))
	mux.HandleFunc("GET /rest/networkSizes/{urn}", f.rest(f.networkSize))
	mux.HandleFunc("GET /feed/update/{urn}/", f.postPage)
	mux.HandleFunc("GET /dms/image/avatar.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(demoAvatar())
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		liError(w, http.StatusNotFound, 0, "", "No virtual resource found")
	})
	return f.record(mux)
}

// ---- recording ----

func (f *LinkedIn) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		if r.Method != http.MethodPut {
			body = keepBody(r, 64<<20)
		}
		req, hijacked := serveRecorded(next, w, r, redactQuery, redactJSON)
		req.Body = recordBody(r.Header.Get("Content-Type"), body)
		lr := LinkedInRequest{Request: req}
		if !hijacked {
			lr.ResponseHeader = w.Header().Clone()
			if loc := lr.ResponseHeader.Get("Location"); loc != "" {
				// The redirect carries the authorization code.
				if u, err := url.Parse(loc); err == nil {
					u.RawQuery = redactQuery(u.RawQuery)
					lr.ResponseHeader.Set("Location", u.String())
				}
				lr.Response = nil
			}
		}
		f.mu.Lock()
		f.requests = append(f.requests, lr)
		f.mu.Unlock()
	})
}

// ---- helpers ----

// liError writes LinkedIn's error body.
func liError(w http.ResponseWriter, status, serviceCode int, code, msg string) {
	body := map[string]any{"status": status, "message": msg}
	if serviceCode != 0 {
		body["serviceErrorCode"] = serviceCode
	}
	if code != "" {
		body["code"] = code
	}
	writeJSON(w, status, body)
}

func (f *LinkedIn) nextIDLocked() string {
	f.seq++
	return strconv.FormatInt(f.seq, 10)
}

const liMemberSub = "dEm0Sub"

// liSupportedVersions are the LinkedIn-Version values the fake accepts
// (LinkedIn keeps about a year of monthly versions).
func liVersionOK(v string) bool {
	if len(v) != 6 {
		return false
	}
	n, err := strconv.Atoi(v)
	return err == nil && n >= 202511 && n <= 202612
}

// bearer checks the token and scopes; it answers 401/403 itself.
func (f *LinkedIn) bearer(w http.ResponseWriter, r *http.Request, anyScope ...string) (string, *liToken) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	t := f.tokens[tok]
	f.mu.Unlock()
	switch {
	case !ok || t == nil:
		liError(w, http.StatusUnauthorized, 65600, "INVALID_ACCESS_TOKEN", "Invalid access token")
		return "", nil
	case t.revoked:
		liError(w, http.StatusUnauthorized, 65601, "REVOKED_ACCESS_TOKEN", "The token used in the request has been revoked by the user")
		return "", nil
	}
	if len(anyScope) > 0 && !slices.ContainsFunc(anyScope, func(s string) bool { return slices.Contains(t.scopes, s) }) {
		liError(w, http.StatusForbidden, 100, "ACCESS_DENIED", fmt.Sprintf("Not enough permissions to access: %s %s", r.Method, r.URL.Path))
		return "", nil
	}
	return tok, t
}

// rest wraps a /rest handler: LinkedIn-Version and the Rest.li protocol
// header are required.
func (f *LinkedIn) rest(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := r.Header.Get("LinkedIn-Version")
		switch {
		case v == "":
			liError(w, http.StatusBadRequest, 0, "VERSION_MISSING", "A version must be present. Please specify a version by adding the LinkedIn-Version header.")
			return
		case !liVersionOK(v):
			liError(w, http.StatusUpgradeRequired, 0, "NONEXISTENT_VERSION", "Requested version "+v+" is not active")
			return
		case r.Header.Get("X-Restli-Protocol-Version") != "2.0.0":
			liError(w, http.StatusBadRequest, 0, "", "Rest.li protocol version 2.0.0 is required: add X-Restli-Protocol-Version: 2.0.0")
			return
		}
		h(w, r)
	}
}

// ---- OAuth ----

type liAuth struct {
	redirectURI, state, scope, challenge, method string
}

func (f *LinkedIn) checkAuthorize(w http.ResponseWriter, r *http.Request, v url.Values, native bool) (*liAuth, bool) {
	a := &liAuth{redirectURI: v.Get("redirect_uri"), state: v.Get("state"), scope: v.Get("scope"),
		challenge: v.Get("code_challenge"), method: v.Get("code_challenge_method")}
	if v.Get("client_id") != f.ClientID {
		http.Error(w, "The passed in client_id is invalid", http.StatusBadRequest)
		return nil, false
	}
	ru, err := url.Parse(a.redirectURI)
	// Native PKCE accepts only loopback IPs, on any port; the standard
	// flow wants the address registered in the portal.
	if err != nil || ru.Fragment != "" || (native && !(ru.Hostname() == "127.0.0.1" || ru.Hostname() == "::1")) ||
		(!native && a.redirectURI != "http://127.0.0.1:8910/callback") {
		http.Error(w, "The redirect_uri does not match the registered value", http.StatusBadRequest)
		return nil, false
	}
	fail := func(code, desc string) (*liAuth, bool) {
		redirectWithQuery(w, r, a.redirectURI, url.Values{"error": {code}, "error_description": {desc}, "state": {a.state}})
		return nil, false
	}
	if v.Get("response_type") != "code" {
		return fail("invalid_request", "response_type must be code")
	}
	known := []string{"openid", "profile", "email", "w_member_social", "w_organization_social", "r_organization_social", "rw_organization_admin", "r_organization_admin"}
	for _, s := range strings.Fields(a.scope) {
		if !slices.Contains(known, s) {
			return fail("unauthorized_scope_error", "Scope \""+s+"\" is not authorized for your application")
		}
	}
	if native && (a.challenge == "" || a.method != "S256") {
		return fail("invalid_request", "code_challenge with code_challenge_method=S256 is required")
	}
	return a, true
}

func (f *LinkedIn) approve(w http.ResponseWriter, r *http.Request, a *liAuth, native bool) {
	code := randomString()
	f.mu.Lock()
	f.codes[code] = &liCode{redirectURI: a.redirectURI, challenge: a.challenge, scopes: strings.Fields(a.scope), native: native, expires: time.Now().Add(30 * time.Minute)}
	f.mu.Unlock()
	redirectWithQuery(w, r, a.redirectURI, url.Values{"code": {code}, "state": {a.state}})
}

var liAuthorizeTmpl = template.Must(template.New("li").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LinkedIn: sign in</title>
<style>body{font-family:sans-serif;max-width:28em;margin:4em auto;text-align:center}button{font-size:1.1em;margin:.5em;padding:.4em 1.2em}</style>
</head><body>
<h1>Localpost would like to access your LinkedIn account</h1>
<p>Signed in as Demo Member. It asks for: {{.Scope}}</p>
<form method="post" action="{{.Action}}">
{{range $k, $v := .Params}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}<button type="submit" name="decision" value="approve" id="authorize">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Cancel</button>
</form></body></html>
`))

func (f *LinkedIn) authorizePage(native bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		a, ok := f.checkAuthorize(w, r, q, native)
		if !ok {
			return
		}
		if f.AutoApprove {
			f.approve(w, r, a, native)
			return
		}
		params := map[string]string{}
		for k := range q {
			params[k] = q.Get(k)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = liAuthorizeTmpl.Execute(w, map[string]any{"Scope": a.scope, "Action": r.URL.Path, "Params": params})
	}
}

func (f *LinkedIn) authorizeDecision(native bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		a, ok := f.checkAuthorize(w, r, r.PostForm, native)
		if !ok {
			return
		}
		if r.PostForm.Get("decision") != "approve" {
			redirectWithQuery(w, r, a.redirectURI, url.Values{"error": {"user_cancelled_authorize"}, "error_description": {"The user cancelled the authorization"}, "state": {a.state}})
			return
		}
		f.approve(w, r, a, native)
	}
}

// Approve plays the member's browser: it presses Allow on an authorize
// address of this fake and follows the redirect to the app's listener.
func (f *LinkedIn) Approve(authURL string) error {
	var path string
	if u, err := url.Parse(authURL); err == nil {
		path = u.Path
	}
	return approveByForm(authURL, f.URL+"/oauth/", f.URL+path, nil)
}

// accessToken is POST /oauth/v2/accessToken: authorization_code (PKCE
// verifier required for native codes; client secret required for standard
// codes and checked whenever sent) and refresh_token (secret required).
func (f *LinkedIn) accessToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Unable to read the form")
		return
	}
	v := r.PostForm
	if v.Get("client_id") != f.ClientID || (v.Has("client_secret") && v.Get("client_secret") != f.ClientSecret) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	}
	var scopes []string
	switch v.Get("grant_type") {
	case "authorization_code":
		f.mu.Lock()
		c := f.codes[v.Get("code")]
		delete(f.codes, v.Get("code"))
		f.mu.Unlock()
		bad := func(desc string) { oauthError(w, http.StatusBadRequest, "invalid_request", desc) }
		switch {
		case c == nil || time.Now().After(c.expires):
			bad("Unable to retrieve access token: authorization code not found")
			return
		case c.redirectURI != v.Get("redirect_uri"):
			bad("Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists")
			return
		case !c.native && v.Get("client_secret") == "":
			oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed: client_secret is required")
			return
		}
		if c.challenge != "" || c.native {
			sum := sha256.Sum256([]byte(v.Get("code_verifier")))
			if v.Get("code_verifier") == "" || base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge {
				bad("Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists")
				return
			}
		}
		scopes = c.scopes
	case "refresh_token":
		f.mu.Lock()
		t := f.refresh[v.Get("refresh_token")]
		f.mu.Unlock()
		if t == nil || t.revoked || v.Get("client_secret") == "" {
			oauthError(w, http.StatusBadRequest, "invalid_request", "The provided refresh token is invalid or expired")
			return
		}
		scopes = t.scopes
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant_type")
		return
	}
	tok := randomString()
	t := &liToken{scopes: scopes}
	f.mu.Lock()
	f.tokens[tok] = t
	body := map[string]any{"access_token": tok, "expires_in": 5184000, "scope": strings.Join(scopes, ","), "token_type": "Bearer"}
	if f.issueRefresh {
		if v.Get("grant_type") == "refresh_token" {
			f.refresh[v.Get("refresh_token")] = t // non-sliding: the same refresh token
			body["refresh_token"] = v.Get("refresh_token")
		} else {
			rt := randomString()
			f.refresh[rt] = t
			body["refresh_token"] = rt
		}
		body["refresh_token_expires_in"] = 31536000
	}
	if slices.Contains(scopes, "openid") {
		body["id_token"] = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkRW0wU3ViIn0.c2lnbmF0dXJl"
	}
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// ---- member and organizations ----

func (f *LinkedIn) userinfo(w http.ResponseWriter, r *http.Request) {
	if tok, _ := f.bearer(w, r, "profile", "openid"); tok == "" {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"sub":            liMemberSub,
		"email_verified": true,
		"name":           "Demo Member",
		"locale":         map[string]any{"country": "US", "language": "en"},
		"given_name":     "Demo",
		"family_name":    "Member",
		"picture":        f.URL + "/dms/image/avatar.png",
	})
}

func (f *LinkedIn) organizationAcls(w http.ResponseWriter, r *http.Request) {
	if tok, _ := f.bearer(w, r, "rw_organization_admin", "r_organization_admin"); tok == "" {
		return
	}
	q := r.URL.Query()
	if q.Get("q") != "roleAssignee" {
		liError(w, http.StatusBadRequest, 0, "", "Invalid finder: "+q.Get("q"))
		return
	}
	start, _ := strconv.Atoi(q.Get("start"))
	count := 10
	if c, err := strconv.Atoi(q.Get("count")); err == nil && c > 0 {
		count = c
	}
	f.mu.Lock()
	var els []any
	for _, o := range f.orgs {
		if r := q.Get("role"); r != "" && r != "ADMINISTRATOR" {
			continue
		}
		els = append(els, map[string]any{
			"roleAssignee": "urn:li:person:" + liMemberSub, "state": "APPROVED", "role": "ADMINISTRATOR",
			"organization": "urn:li:organization:" + strconv.FormatInt(o.id, 10),
		})
	}
	f.mu.Unlock()
	total := len(els)
	els = els[min(start, total):min(start+count, total)]
	if els == nil {
		els = []any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"paging": map[string]any{"start": start, "count": count, "links": []any{}, "total": total}, "elements": els})
}

func (f *LinkedIn) organization(w http.ResponseWriter, r *http.Request) {
	if tok, _ := f.bearer(w, r, "rw_organization_admin", "r_organization_admin"); tok == "" {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	f.mu.Lock()
	i := slices.IndexFunc(f.orgs, func(o liOrg) bool { return o.id == id })
	var o liOrg
	if i >= 0 {
		o = f.orgs[i]
	}
	f.mu.Unlock()
	if i < 0 {
		liError(w, http.StatusNotFound, 0, "", "Organization "+r.PathValue("id")+" not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": o.id, "localizedName": o.name, "vanityName": o.slug,
		"name":                    map[string]any{"localized": map[string]any{"en_US": o.name}, "preferredLocale": map[string]any{"country": "US", "language": "en"}},
		"primaryOrganizationType": "NONE", "localizedWebsite": "https://example.com",
		"$URN": "urn:li:organization:" + strconv.FormatInt(o.id, 10),
	})
}

// canAuthor reports whether the token may post as author.
func (f *LinkedIn) canAuthor(t *liToken, author string) (bool, string) {
	switch {
	case author == "urn:li:person:"+liMemberSub:
		return slices.Contains(t.scopes, "w_member_social"), "w_member_social"
	case strings.HasPrefix(author, "urn:li:organization:"):
		id, _ := strconv.ParseInt(strings.TrimPrefix(author, "urn:li:organization:"), 10, 64)
		f.mu.Lock()
		admin := slices.ContainsFunc(f.orgs, func(o liOrg) bool { return o.id == id })
		f.mu.Unlock()
		return admin && slices.Contains(t.scopes, "w_organization_social"), "w_organization_social"
	}
	return false, "w_member_social"
}

// ---- uploads ----

func (f *LinkedIn) assetAction(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, t := f.bearer(w, r)
		if tok == "" {
			return
		}
		action := r.URL.Query().Get("action")
		var body map[string]map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			liError(w, http.StatusBadRequest, 0, "", "Invalid JSON body")
			return
		}
		switch {
		case action == "initializeUpload":
			f.initUpload(w, t, tok, kind, body["initializeUploadRequest"])
		case action == "finalizeUpload" && kind == "video":
			f.finalizeUpload(w, tok, body["finalizeUploadRequest"])
		default:
			liError(w, http.StatusBadRequest, 0, "", "Unknown action: "+action)
		}
	}
}

func (f *LinkedIn) initUpload(w http.ResponseWriter, t *liToken, tok, kind string, req map[string]any) {
	step := kind + "-init"
	flt := f.fault(step)
	if flt > 0 {
		liError(w, flt, 0, "", http.StatusText(flt))
		return
	}
	owner, _ := req["owner"].(string)
	if owner == "" {
		liError(w, http.StatusUnprocessableEntity, 0, "", "/initializeUploadRequest/owner :: field is required but not found and has no default value")
		return
	}
	if ok, _ := f.canAuthor(t, owner); !ok {
		liError(w, http.StatusForbidden, 100, "ACCESS_DENIED", "Accessing this "+kind+" resource is forbidden. Please check your permissions for this resource")
		return
	}
	a := &liAsset{kind: kind, owner: owner, token: tok}
	f.mu.Lock()
	id := "D4E10AQ" + f.nextIDLocked()
	a.urn = "urn:li:" + kind + ":" + id
	exp := time.Now().Add(24 * time.Hour).UnixMilli()
	value := map[string]any{}
	switch kind {
	case "video":
		size, ok := req["fileSizeBytes"].(float64)
		if !ok || size <= 0 {
			f.mu.Unlock()
			liError(w, http.StatusUnprocessableEntity, 0, "", "/initializeUploadRequest/fileSizeBytes :: field is required but not found and has no default value")
			return
		}
		a.size = int64(size)
		a.uploadToken = ""
		var ins []any
		for first, part := int64(0), 0; first < a.size; first, part = first+f.partSize, part+1 {
			last := min(first+f.partSize, a.size) - 1
			key := randomString()
			f.uploads[key] = &liUpload{asset: a.urn, first: first, last: last, part: part, token: tok}
			ins = append(ins, map[string]any{"uploadUrl": f.URL + "/dms-uploads/" + key, "firstByte": first, "lastByte": last})
		}
		a.parts = make([][]byte, len(ins))
		a.etags = make([]string, len(ins))
		a.puts = make([]int, len(ins))
		if len(ins) > 1 {
			a.uploadToken = "ViYm9keSI6eyJpZCI6" + id
		}
		value = map[string]any{"uploadUrlsExpireAt": exp, "video": a.urn, "uploadInstructions": ins, "uploadToken": a.uploadToken}
	default:
		key := randomString()
		f.uploads[key] = &liUpload{asset: a.urn, last: -1, token: tok}
		a.parts, a.etags, a.puts = make([][]byte, 1), make([]string, 1), make([]int, 1)
		value = map[string]any{"uploadUrlExpiresAt": exp, "uploadUrl": f.URL + "/dms-uploads/" + key, kind: a.urn}
	}
	f.assets[a.urn] = a
	f.mu.Unlock()
	if flt < 0 && hangUp(w) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"value": value})
}

// upload is PUT to an upload address: the bytes of an image, a document or
// one video part. Video parts answer with an ETag.
func (f *LinkedIn) upload(w http.ResponseWriter, r *http.Request) {
	tok, _ := f.bearer(w, r)
	if tok == "" {
		return
	}
	flt := f.fault(LinkedInStepUpload)
	if flt > 0 {
		io.Copy(io.Discard, r.Body)
		liError(w, flt, 0, "", http.StatusText(flt))
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, 600<<20))
	if err != nil {
		return
	}
	f.mu.Lock()
	up := f.uploads[r.PathValue("key")]
	var a *liAsset
	if up != nil {
		a = f.assets[up.asset]
	}
	if up == nil || a == nil || up.token != tok {
		f.mu.Unlock()
		liError(w, http.StatusNotFound, 0, "", "Upload URL not found or expired")
		return
	}
	if up.last >= 0 && int64(len(data)) != up.last-up.first+1 {
		f.mu.Unlock()
		liError(w, http.StatusBadRequest, 0, "", fmt.Sprintf("Expected %d bytes for this part, got %d", up.last-up.first+1, len(data)))
		return
	}
	a.parts[up.part] = data
	a.puts[up.part]++
	sum := sha256.Sum256(data)
	etag := "/ambry/" + base64.RawURLEncoding.EncodeToString(sum[:12])
	a.etags[up.part] = etag
	if a.kind != "video" {
		a.uploaded = true
		a.pending = f.processing
	}
	f.mu.Unlock()
	if flt < 0 && hangUp(w) {
		return
	}
	if a.kind == "video" {
		w.Header().Set("ETag", etag)
	}
	w.WriteHeader(http.StatusCreated)
}

func (f *LinkedIn) finalizeUpload(w http.ResponseWriter, tok string, req map[string]any) {
	flt := f.fault(LinkedInStepFinalize)
	if flt > 0 {
		liError(w, flt, 0, "", http.StatusText(flt))
		return
	}
	urn, _ := req["video"].(string)
	ut, _ := req["uploadToken"].(string)
	var ids []string
	if xs, ok := req["uploadedPartIds"].([]any); ok {
		for _, x := range xs {
			s, _ := x.(string)
			ids = append(ids, s)
		}
	}
	_, hasToken := req["uploadToken"]
	f.mu.Lock()
	a := f.assets[urn]
	switch {
	case a == nil || a.token != tok:
		f.mu.Unlock()
		liError(w, http.StatusNotFound, 0, "", "Video "+urn+" not found")
		return
	case !hasToken || ut != a.uploadToken:
		f.mu.Unlock()
		liError(w, http.StatusBadRequest, 0, "", "/finalizeUploadRequest/uploadToken :: does not match the upload")
		return
	case !slices.Equal(ids, a.etags) || slices.Contains(a.etags, ""):
		f.mu.Unlock()
		liError(w, http.StatusBadRequest, 0, "", "uploadedPartIds do not match the uploaded parts")
		return
	}
	a.finalized, a.uploaded = true, true
	a.pending = f.processing
	f.mu.Unlock()
	if flt < 0 && hangUp(w) {
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (f *LinkedIn) assetStatus(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, _ := f.bearer(w, r)
		if tok == "" {
			return
		}
		urn := r.PathValue("urn")
		f.mu.Lock()
		a := f.assets[urn]
		if a == nil || a.kind != kind {
			f.mu.Unlock()
			liError(w, http.StatusNotFound, 0, "", kind+" "+urn+" not found")
			return
		}
		status := "WAITING_UPLOAD"
		switch {
		case a.uploaded && a.pending > 0:
			status = "PROCESSING"
			a.pending--
		case a.uploaded:
			status = "AVAILABLE"
		}
		body := map[string]any{"id": a.urn, "owner": a.owner, "status": status}
		if kind == "video" {
			body["duration"] = 12000
			body["aspectRatioWidth"], body["aspectRatioHeight"] = 16.0, 9.0
		}
		if status == "AVAILABLE" {
			body["downloadUrl"] = f.URL + "/dms-uploads/download/" + url.PathEscape(a.urn)
			body["downloadUrlExpiresAt"] = time.Now().Add(time.Hour).UnixMilli()
		}
		f.mu.Unlock()
		writeJSON(w, http.StatusOK, body)
	}
}

// ---- posts and comments ----

// liUnescape turns little commentary into the text LinkedIn shows: \x is
// x, and like LinkedIn the text is cut at the first unescaped reserved
// character outside a link, a hashtag or a mention.
func liUnescape(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '\\' && i+1 < len(rs) {
			i++
			b.WriteRune(rs[i])
			continue
		}
		if r == 'h' && (strings.HasPrefix(string(rs[i:]), "http://") || strings.HasPrefix(string(rs[i:]), "https://")) {
			for ; i < len(rs) && !strings.ContainsRune(" \n\t<>\"", rs[i]); i++ {
				b.WriteRune(rs[i])
			}
			i--
			continue
		}
		if r == '#' && i+1 < len(rs) && !strings.ContainsRune(` \#`, rs[i+1]) {
			b.WriteRune(r)
			continue
		}
		if strings.ContainsRune(`\|{}@[]()<>#*_~`, r) {
			break // silently truncated, as LinkedIn does
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (f *LinkedIn) createPost(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	if status, after, fail := f.fail.take(); fail {
		f.mu.Unlock()
		setRetryAfter(w, after)
		switch status {
		case 401:
			liError(w, status, 65602, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired")
		case 429:
			liError(w, status, 0, "", "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.")
		case 400, 422:
			liError(w, status, 0, "", "Content is a duplicate of urn:li:share:7000000000000000001")
		default:
			liError(w, status, 0, "", http.StatusText(status))
		}
		return
	}
	f.mu.Unlock()
	tok, t := f.bearer(w, r)
	if tok == "" {
		return
	}
	flt := f.fault(LinkedInStepPost)
	if flt > 0 {
		liError(w, flt, 0, "", http.StatusText(flt))
		return
	}
	var p struct {
		Author         string          `json:"author"`
		Commentary     *string         `json:"commentary"`
		Visibility     string          `json:"visibility"`
		LifecycleState string          `json:"lifecycleState"`
		Distribution   *map[string]any `json:"distribution"`
		Content        *struct {
			Media *struct {
				ID      string `json:"id"`
				Title   string `json:"title"`
				AltText string `json:"altText"`
			} `json:"media"`
			MultiImage *struct {
				Images []struct {
					ID      string `json:"id"`
					AltText string `json:"altText"`
				} `json:"images"`
			} `json:"multiImage"`
			Article *struct {
				Source string `json:"source"`
				Title  string `json:"title"`
			} `json:"article"`
		} `json:"content"`
	}
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		liError(w, http.StatusBadRequest, 0, "", "Invalid JSON body")
		return
	}
	unprocessable := func(msg string) { liError(w, http.StatusUnprocessableEntity, 0, "", msg) }
	switch {
	case p.Author == "":
		unprocessable("/author :: field is required but not found and has no default value")
		return
	case p.Visibility == "":
		unprocessable("/visibility :: field is required but not found and has no default value")
		return
	case p.LifecycleState == "":
		unprocessable("/lifecycleState :: field is required but not found and has no default value")
		return
	case p.Distribution == nil || (*p.Distribution)["feedDistribution"] == nil:
		unprocessable("/distribution/feedDistribution :: field is required but not found and has no default value")
		return
	case p.Commentary != nil && utf8.RuneCountInString(*p.Commentary) > 3000:
		unprocessable("/commentary :: length of 3001 exceeds the maximum allowed length of 3000")
		return
	}
	if ok, scope := f.canAuthor(t, p.Author); !ok {
		liError(w, http.StatusForbidden, 100, "ACCESS_DENIED", "Unpermitted fields present in REQUEST_BODY: Data Processing Exception while processing fields [/author] (needs "+scope+")")
		return
	}
	post := LinkedInPost{Author: p.Author, Created: time.Now().UTC()}
	if p.Commentary != nil {
		post.Commentary = *p.Commentary
		post.Text = liUnescape(*p.Commentary)
	}
	var ids []string
	if c := p.Content; c != nil {
		switch {
		case c.Media != nil:
			ids = []string{c.Media.ID}
			post.AltTexts = []string{c.Media.AltText}
			post.Kind = strings.Split(strings.TrimPrefix(c.Media.ID, "urn:li:"), ":")[0]
			if post.Kind == "document" && c.Media.Title == "" {
				unprocessable("/content/media/title :: field is required for documents")
				return
			}
		case c.MultiImage != nil:
			post.Kind = "multiImage"
			if n := len(c.MultiImage.Images); n < 2 || n > 20 {
				unprocessable(fmt.Sprintf("/content/multiImage/images :: a multiImage post takes 2 to 20 images, got %d", n))
				return
			}
			for _, im := range c.MultiImage.Images {
				ids = append(ids, im.ID)
				post.AltTexts = append(post.AltTexts, im.AltText)
			}
		case c.Article != nil:
			post.Kind = "article"
			if c.Article.Source == "" || c.Article.Title == "" {
				unprocessable("/content/article :: source and title are required")
				return
			}
		}
	}
	f.mu.Lock()
	for _, id := range ids {
		a := f.assets[id]
		switch {
		case a == nil || a.owner != p.Author:
			f.mu.Unlock()
			unprocessable("Media " + id + " is not found or is not owned by the author")
			return
		case !a.uploaded || (a.kind == "video" && !a.finalized):
			f.mu.Unlock()
			unprocessable("Media " + id + " has not been uploaded")
			return
		case post.Kind == "multiImage" && a.kind != "image":
			f.mu.Unlock()
			unprocessable("/content/multiImage/images :: only images are supported")
			return
		}
	}
	post.Media = ids
	post.URN = "urn:li:share:" + f.nextIDLocked()
	f.posts = append(f.posts, post)
	f.mu.Unlock()
	if flt < 0 && hangUp(w) {
		return
	}
	w.Header().Set("x-restli-id", post.URN)
	w.Header().Set("x-linkedin-id", post.URN)
	w.WriteHeader(http.StatusCreated)
}

// findPosts is GET /rest/posts?q=author: an organization's posts need
// r_organization_social; a member's need r_member_social, which LinkedIn
// grants only to approved partners (the fake never does).
func (f *LinkedIn) findPosts(w http.ResponseWriter, r *http.Request) {
	tok, t := f.bearer(w, r)
	if tok == "" {
		return
	}
	q := r.URL.Query()
	author := q.Get("author")
	if q.Get("q") != "author" || author == "" {
		liError(w, http.StatusBadRequest, 0, "", "Invalid finder")
		return
	}
	if !strings.HasPrefix(author, "urn:li:organization:") || !slices.Contains(t.scopes, "r_organization_social") {
		liError(w, http.StatusForbidden, 100, "ACCESS_DENIED", "Not enough permissions to access: partnerApiPostsExternal.FINDER-author")
		return
	}
	start, count := 0, 10 // start and count page the list (Rest.li paging)
	if v, err := strconv.Atoi(q.Get("start")); err == nil && v >= 0 {
		start = v
	}
	if v, err := strconv.Atoi(q.Get("count")); err == nil && v > 0 {
		count = min(v, 100)
	}
	f.mu.Lock()
	els := []any{}
	total := 0
	for i := len(f.posts) - 1; i >= 0; i-- {
		p := f.posts[i]
		if p.Author != author {
			continue
		}
		if total++; total <= start || len(els) == count {
			continue
		}
		els = append(els, map[string]any{
			"id": p.URN, "author": p.Author, "commentary": p.Commentary, "visibility": "PUBLIC", "lifecycleState": "PUBLISHED",
			"distribution": map[string]any{"feedDistribution": "MAIN_FEED", "targetEntities": []any{}, "thirdPartyDistributionChannels": []any{}},
			"createdAt":    p.Created.UnixMilli(), "lastModifiedAt": p.Created.UnixMilli(), "publishedAt": p.Created.UnixMilli(),
			"isReshareDisabledByAuthor": false,
		})
	}
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"paging": map[string]any{"start": start, "count": count, "links": []any{}, "total": total}, "elements": els})
}

func (f *LinkedIn) createComment(w http.ResponseWriter, r *http.Request) {
	tok, t := f.bearer(w, r)
	if tok == "" {
		return
	}
	flt := f.fault(LinkedInStepComment)
	if flt > 0 {
		liError(w, flt, 0, "", http.StatusText(flt))
		return
	}
	var c struct {
		Actor   string `json:"actor"`
		Object  string `json:"object"`
		Message struct {
			Text string `json:"text"`
		} `json:"message"`
	}
	if err := json.NewDecoder(r.Body).Decode(&c); err != nil || c.Actor == "" || c.Message.Text == "" {
		liError(w, http.StatusUnprocessableEntity, 0, "", "/actor and /message/text are required")
		return
	}
	target := r.PathValue("urn")
	if ok, _ := f.canAuthor(t, c.Actor); !ok {
		liError(w, http.StatusForbidden, 100, "ACCESS_DENIED", "Not enough permissions to comment as "+c.Actor)
		return
	}
	f.mu.Lock()
	found := slices.ContainsFunc(f.posts, func(p LinkedInPost) bool { return p.URN == target })
	if !found || (c.Object != "" && c.Object != target) {
		f.mu.Unlock()
		liError(w, http.StatusNotFound, 0, "", "Post "+target+" not found")
		return
	}
	id := f.nextIDLocked()
	cm := LinkedInComment{URN: "urn:li:comment:(" + target + "," + id + ")", Actor: c.Actor, Object: target, Text: liUnescape(c.Message.Text)}
	f.comments = append(f.comments, cm)
	f.mu.Unlock()
	if flt < 0 && hangUp(w) {
		return
	}
	now := time.Now().UnixMilli()
	w.Header().Set("x-restli-id", id)
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": id, "commentUrn": cm.URN, "actor": c.Actor, "object": target, "message": map[string]any{"text": c.Message.Text},
		"created": map[string]any{"actor": c.Actor, "time": now}, "lastModified": map[string]any{"actor": c.Actor, "time": now},
	})
}

func (f *LinkedIn) listComments(w http.ResponseWriter, r *http.Request) {
	if tok, _ := f.bearer(w, r); tok == "" {
		return
	}
	target := r.PathValue("urn")
	f.mu.Lock()
	els := []any{}
	for _, c := range f.comments {
		if c.Object == target {
			els = append(els, map[string]any{"id": c.URN, "commentUrn": c.URN, "actor": c.Actor, "object": c.Object, "message": map[string]any{"text": c.Text}})
		}
	}
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"paging": map[string]any{"start": 0, "count": 10, "links": []any{}, "total": len(els)}, "elements": els})
}

var liPostTmpl = template.Must(template.New("lipost").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LinkedIn post</title>
<style>body{font-family:sans-serif;max-width:36em;margin:3em auto;white-space:pre-wrap}</style></head>
<body><p><strong>{{.Author}}</strong></p><p>{{.Text}}</p><p><small>{{.Kind}} {{len .Media}} attachment(s) · Localpost's LinkedIn fake</small></p></body></html>
`))

// post is the post urn, if the fake has it.
func (f *LinkedIn) post(urn string) (LinkedInPost, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := slices.IndexFunc(f.posts, func(p LinkedInPost) bool { return p.URN == urn })
	if i < 0 {
		return LinkedInPost{}, false
	}
	return f.posts[i], true
}

// postPage is the web page of a post (the URL Publish returns).
func (f *LinkedIn) postPage(w http.ResponseWriter, r *http.Request) {
	urn := r.PathValue("urn")
	p, found := f.post(urn)
	if !found {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = liPostTmpl.Execute(w, p)
}
