package facebook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"localpost/platforms"
)

// Version is the Graph API version every path uses.
const Version = "v23.0"

// Real Meta hosts, the defaults of Config.
const (
	DefaultGraphURL   = "https://graph.facebook.com"
	DefaultVideoURL   = "https://graph-video.facebook.com"
	DefaultAuthURL    = "https://www.facebook.com"
	DefaultRuploadURL = "https://rupload.facebook.com"
)

// LoginSuccessPath is where Meta sends desktop logins; the user pastes the
// address they land on (see Info.PasteURL).
const LoginSuccessPath = "/connect/login_success.html"

// maxJSON caps how much of an answer is read.
const maxJSON = 4 << 20

// Config holds the HTTP client and every Meta base URL, so tests and --demo
// can point them at platforms/fakes. Empty fields take the real values.
type Config struct {
	HTTP       *http.Client
	GraphURL   string // https://graph.facebook.com
	VideoURL   string // https://graph-video.facebook.com (Page video uploads)
	AuthURL    string // https://www.facebook.com (login dialog and landing page)
	RuploadURL string // https://rupload.facebook.com (Instagram resumable video)
}

func (c Config) withDefaults() Config {
	if c.HTTP == nil {
		c.HTTP = http.DefaultClient
	}
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
		*s = strings.TrimSuffix(*s, "/")
	}
	def(&c.GraphURL, DefaultGraphURL)
	def(&c.VideoURL, DefaultVideoURL)
	def(&c.AuthURL, DefaultAuthURL)
	def(&c.RuploadURL, DefaultRuploadURL)
	return c
}

// Graph is the small Graph API client shared by the Facebook and Instagram
// providers: Meta login, JSON calls, multipart uploads and error mapping.
// The token always travels in the Authorization header, never in a URL, so
// no transport error can carry it.
type Graph struct {
	cfg Config
}

// NewGraph returns a client for cfg (defaults filled in).
func NewGraph(cfg Config) *Graph { return &Graph{cfg: cfg.withDefaults()} }

// Config returns the configuration with defaults filled in.
func (g *Graph) Config() Config { return g.cfg }

// PasteURL is the redirect URI the user registers and lands on.
func (g *Graph) PasteURL() string { return g.cfg.AuthURL + LoginSuccessPath }

// Authorize builds the login dialog request for scopes.
func (g *Graph) Authorize(creds platforms.AppCredentials, scopes []string) platforms.AuthRequest {
	return platforms.AuthRequest{
		AuthURL:  g.cfg.AuthURL + "/" + Version + "/dialog/oauth",
		Params:   map[string]string{"response_type": "code"},
		Scopes:   scopes,
		ScopeSep: ",",
		// Meta documents PKCE S256 for manually built login flows (OIDC
		// code flow guide); the app secret is still needed at the token step.
		PKCE: true,
	}
}

// LongLivedLifetime is what Meta gives a long-lived user token when it
// does not say (about 60 days).
const LongLivedLifetime = 60 * 24 * time.Hour

type tokenJSON struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// Exchange trades the code for a short-lived user token, then that for a
// long-lived one (about 60 days). Both calls send the app secret in a POST
// body, never in a URL.
func (g *Graph) Exchange(ctx context.Context, creds platforms.AppCredentials, redirectURI, code, verifier string, scopes []string) (platforms.Token, error) {
	if creds.ClientID == "" || creds.ClientSecret == "" {
		return platforms.Token{}, &platforms.Error{Kind: platforms.KindReconnect, Message: "Enter your Meta app's App ID and App secret in Settings first"}
	}
	form := url.Values{"client_id": {creds.ClientID}, "client_secret": {creds.ClientSecret}, "redirect_uri": {redirectURI}, "code": {code}}
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	var short tokenJSON
	if err := g.tokenCall(ctx, form, &short, creds.ClientSecret, code, verifier); err != nil {
		return platforms.Token{}, err
	}
	if short.AccessToken == "" {
		return platforms.Token{}, &platforms.Error{Kind: platforms.KindRetry, Message: "Facebook answered the login without a token; try again"}
	}
	form = url.Values{"grant_type": {"fb_exchange_token"}, "client_id": {creds.ClientID}, "client_secret": {creds.ClientSecret}, "fb_exchange_token": {short.AccessToken}}
	var long tokenJSON
	if err := g.tokenCall(ctx, form, &long, creds.ClientSecret, short.AccessToken); err != nil {
		return platforms.Token{}, err
	}
	if long.AccessToken == "" {
		return platforms.Token{}, &platforms.Error{Kind: platforms.KindRetry, Message: "Facebook did not extend the login; try again"}
	}
	life := LongLivedLifetime
	if long.ExpiresIn > 0 {
		life = time.Duration(long.ExpiresIn) * time.Second
	}
	return platforms.Token{Access: long.AccessToken, Expiry: time.Now().Add(life).Truncate(time.Second), Scopes: scopes}, nil
}

func (g *Graph) tokenCall(ctx context.Context, form url.Values, out any, secrets ...string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.cfg.GraphURL+"/"+Version+"/oauth/access_token", strings.NewReader(form.Encode()))
	if err != nil {
		return &platforms.Error{Message: "could not build the login request", Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return g.do(req, "", out, secrets...)
}

// ParsePasted reads the address the user landed on after the login dialog
// (https://www.facebook.com/connect/login_success.html?code=…&state=…) and
// returns the code once the state matches.
func ParsePasted(address, wantState string) (code string, err error) {
	u, err := url.Parse(strings.TrimSpace(address))
	if err != nil || u.RawQuery == "" && u.Fragment == "" {
		return "", errors.New("paste the whole address of the page Facebook showed after you logged in")
	}
	q := u.Query()
	if q.Get("code") == "" && q.Get("error") == "" {
		if fq, err := url.ParseQuery(u.Fragment); err == nil && (fq.Get("code") != "" || fq.Get("error") != "") {
			q = fq
		}
	}
	if e := q.Get("error"); e != "" {
		msg := q.Get("error_description")
		if msg == "" {
			msg = q.Get("error_reason")
		}
		if msg == "" {
			msg = e
		}
		return "", errors.New("Facebook did not log you in: " + platforms.CleanMessage(msg))
	}
	if q.Get("state") != wantState {
		return "", errors.New("this address belongs to another login attempt; start connecting again")
	}
	if q.Get("code") == "" {
		return "", errors.New("the address has no login code; paste the whole address")
	}
	return q.Get("code"), nil
}

// Call sends a Graph request: GET with query, or POST with a form body. path
// starts after the version ("/me/accounts").
func (g *Graph) Call(ctx context.Context, method, path, token string, params url.Values, out any) error {
	u := g.cfg.GraphURL + "/" + Version + path
	var body io.Reader
	if method == http.MethodGet || method == http.MethodDelete {
		if len(params) > 0 {
			u += "?" + params.Encode()
		}
	} else {
		body = strings.NewReader(params.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return &platforms.Error{Message: "could not build the request to Facebook", Err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return g.do(req, token, out)
}

// File is a local file sent as one multipart part.
type File struct {
	Field string // form field name ("source")
	Path  string
	Mime  string
	// Offset and Length send a part of the file (Length 0 = to the end).
	Offset, Length int64
}

// Upload sends a multipart POST to base+"/"+Version+path with params and
// one file part streamed from disk.
func (g *Graph) Upload(ctx context.Context, base, path, token string, params url.Values, file File, out any) error {
	fh, err := os.Open(file.Path)
	if err != nil {
		return FileError(file.Path, err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return FileError(file.Path, err)
	}
	n := st.Size() - file.Offset
	if file.Length > 0 && file.Length < n {
		n = file.Length
	}
	if n < 0 {
		n = 0
	}
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	for k, vs := range params {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				return &platforms.Error{Message: "could not build the upload", Err: err}
			}
		}
	}
	mt := file.Mime
	if mt == "" {
		mt = mime.TypeByExtension(filepath.Ext(file.Path))
	}
	if mt == "" {
		mt = "application/octet-stream"
	}
	ph := textproto.MIMEHeader{}
	ph.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": file.Field, "filename": filepath.Base(file.Path)}))
	ph.Set("Content-Type", mt)
	if _, err := mw.CreatePart(ph); err != nil {
		return &platforms.Error{Message: "could not build the upload", Err: err}
	}
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	body := io.MultiReader(bytes.NewReader(head.Bytes()), io.NewSectionReader(fh, file.Offset, n), strings.NewReader(tail))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/"+Version+path, body)
	if err != nil {
		return &platforms.Error{Message: "could not build the upload", Err: err}
	}
	req.ContentLength = int64(head.Len()) + n + int64(len(tail))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return g.do(req, token, out)
}

// Raw sends a prepared request with the token in the given Authorization
// scheme ("Bearer", or "OAuth" for rupload) and decodes the JSON answer.
func (g *Graph) Raw(req *http.Request, scheme, token string, out any) error {
	if token != "" {
		req.Header.Set("Authorization", scheme+" "+token)
	}
	return g.do(req, "", out, token)
}

// FileError is the error for a media file that cannot be read.
func FileError(path string, err error) *platforms.Error {
	name := filepath.Base(path)
	msg := name + " could not be read; attach it again"
	if errors.Is(err, os.ErrNotExist) {
		msg = name + " no longer exists; attach it again"
	}
	return &platforms.Error{Kind: platforms.KindFixPost, Message: msg, Err: err}
}

func (g *Graph) do(req *http.Request, token string, out any, secrets ...string) error {
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
		secrets = append(secrets, token)
	}
	host := req.URL.Host
	resp, err := g.cfg.HTTP.Do(req)
	if err != nil {
		return platforms.NetError(host, stripURL(err))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxJSON))
	if err != nil {
		return platforms.NetError(host, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return ErrorFromResponse(resp.StatusCode, resp.Header, b, secrets...)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return &platforms.Error{Kind: platforms.KindRetry, Status: resp.StatusCode, Message: host + " gave an answer Localpost does not understand", Err: err}
	}
	return nil
}

// stripURL drops the request address from a transport error: *url.Error
// prints it, and a query could hold a parameter worth keeping private.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

type graphError struct {
	Error *struct {
		Message     string `json:"message"`
		Type        string `json:"type"`
		Code        int    `json:"code"`
		Subcode     int    `json:"error_subcode"`
		UserTitle   string `json:"error_user_title"`
		UserMsg     string `json:"error_user_msg"`
		IsTransient bool   `json:"is_transient"`
		FBTraceID   string `json:"fbtrace_id"`
	} `json:"error"`
}

// Meta error codes (developers.facebook.com/docs/graph-api/guides/error-handling).
const (
	codeUnknown          = 1
	codeService          = 2
	codeAppRateLimit     = 4
	codePermission       = 10
	codeUserRateLimit    = 17
	codeInvalidParam     = 100
	codeCustomRateLimit  = 32 // Page-level throttling
	codeAccessToken      = 190
	codeBlocked          = 368
	codeCallsLimit       = 613
	codeBUCRateLimitLow  = 80000
	codeBUCRateLimitHigh = 80014
	subcodeNoObject      = 33
)

// ErrorFromResponse maps a Graph error answer to the four kinds:
// 190 (expired or invalidated token) → reconnect; 10 and 200–299 (a
// permission is missing) → reconnect granting it; 4/17/32/613 and the
// business-use-case 80000-range (rate limits), 1/2 and is_transient →
// retry; 368 (blocked for policy) and the other 4xx → fix the post, with
// Meta's own message.
func ErrorFromResponse(status int, h http.Header, body []byte, secrets ...string) *platforms.Error {
	var ge graphError
	_ = json.Unmarshal(body, &ge)
	after := platforms.RetryAfter(h, time.Now())
	if after == 0 {
		after = bucWait(h)
	}
	if ge.Error == nil {
		return platforms.ErrorFromStatus(status, "", after)
	}
	e := ge.Error
	msg := e.Message
	if e.UserMsg != "" {
		msg = e.UserMsg
	}
	msg = platforms.CleanMessage(msg, secrets...)
	out := &platforms.Error{Status: status, Message: msg, RetryAfter: after,
		Err: fmt.Errorf("graph error code %d subcode %d type %s trace %s", e.Code, e.Subcode, e.Type, e.FBTraceID)}
	switch {
	case e.Code == codeAccessToken:
		out.Kind = platforms.KindReconnect
		out.Message = "Facebook no longer accepts the saved login (" + msg + "); reconnect the account"
	case e.Code == codePermission || e.Code >= 200 && e.Code <= 299:
		out.Kind = platforms.KindReconnect
		out.Message = "Facebook refused a permission (" + msg + "); reconnect the account and grant every permission Localpost asks for"
	case e.Code == codeAppRateLimit || e.Code == codeUserRateLimit || e.Code == codeCustomRateLimit || e.Code == codeCallsLimit ||
		e.Code >= codeBUCRateLimitLow && e.Code <= codeBUCRateLimitHigh:
		out.Kind = platforms.KindRetry
		if out.RetryAfter == 0 {
			out.RetryAfter = 15 * time.Minute
		}
	case e.IsTransient || e.Code == codeUnknown || e.Code == codeService || status >= 500:
		out.Kind = platforms.KindRetry
	case e.Code == codeInvalidParam && e.Subcode == subcodeNoObject:
		out.Kind = platforms.KindDisconnected
		out.Message = "Facebook cannot find this Page or account, or the login lost access to it (" + msg + ")"
	case e.Code == codeBlocked:
		out.Kind = platforms.KindFixPost
	default:
		out.Kind = platforms.ErrorFromStatus(status, msg, after).Kind
		if out.Kind == platforms.KindUnknown || out.Kind == platforms.KindReconnect && status == 403 {
			out.Kind = platforms.KindFixPost
		}
	}
	return out
}

// bucWait reads the estimated_time_to_regain_access (minutes) Meta puts in
// X-Business-Use-Case-Usage or X-App-Usage when a rate limit is hit.
func bucWait(h http.Header) time.Duration {
	best := 0
	for _, name := range []string{"X-Business-Use-Case-Usage", "X-Ad-Account-Usage"} {
		v := h.Get(name)
		if v == "" {
			continue
		}
		var byID map[string][]struct {
			Minutes int `json:"estimated_time_to_regain_access"`
		}
		if json.Unmarshal([]byte(v), &byID) == nil {
			for _, xs := range byID {
				for _, x := range xs {
					best = max(best, x.Minutes)
				}
			}
		}
	}
	return time.Duration(best) * time.Minute
}

// unix formats a time for scheduled_publish_time.
func unix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
