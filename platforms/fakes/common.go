package fakes

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Mechanics every fake shares: listening on loopback, serving, playing the
// browser on a consent form, answering, recording requests, and the
// FailNext/DropNext knobs.

// listenLoopback listens on addr ("127.0.0.1:0" = a free port), which must
// be a loopback address (an empty host means 127.0.0.1), and returns the
// listener and the fake's base URL. name ("mastodon") starts the errors.
func listenLoopback(name, addr string) (net.Listener, string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, "", fmt.Errorf("%s fake address %q: %w", name, addr, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, "", fmt.Errorf("%s fake address %q: only loopback addresses are allowed", name, addr)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, "", fmt.Errorf("%s fake: %w", name, err)
	}
	return ln, "http://" + ln.Addr().String(), nil
}

// mustListenFree listens on a free port of 127.0.0.1 and returns the
// listener and the base URL; it panics (panicPrefix + the error) if it
// cannot, like httptest.NewServer.
func mustListenFree(panicPrefix string) (net.Listener, string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(panicPrefix + err.Error())
	}
	return ln, "http://" + ln.Addr().String()
}

// serve serves h on ln in the background; Close the server to stop it.
func serve(ln net.Listener, h http.Handler) *http.Server {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return srv
}

// ---- playing the browser ----

// noRedirectClient is the browser of the Approve helpers: it stops at every
// redirect so that the Location can be looked at.
func noRedirectClient() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// landByForm plays the user's browser on a consent page of a fake: authURL
// must start with prefix; its query, with fields set on top and
// decision=approve, is POSTed to formURL by nc, and the Location of the
// answer is returned. page and answerer name the page in errors
// ("authorize page", "authorize").
func landByForm(nc *http.Client, authURL, prefix, formURL string, fields url.Values, page, answerer string) (string, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(authURL, prefix) {
		return "", fmt.Errorf("%s is not this fake's %s", u.Redacted(), page)
	}
	form := u.Query()
	for k, v := range fields {
		form[k] = v
	}
	form.Set("decision", "approve")
	resp, err := nc.PostForm(formURL, form)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if loc == "" {
		return "", fmt.Errorf("%s answered %s without a redirect", answerer, resp.Status)
	}
	return loc, nil
}

// approveByForm is landByForm on an authorize page, then the GET of the
// redirect (to the app's loopback listener), not following it further.
func approveByForm(authURL, prefix, formURL string, fields url.Values) error {
	nc := noRedirectClient()
	loc, err := landByForm(nc, authURL, prefix, formURL, fields, "authorize page", "authorize")
	if err != nil {
		return err
	}
	resp, err := nc.Get(loc)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// ---- answers ----

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// oauthError writes an OAuth 2 error body: {"error", "error_description"}.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]any{"error": code, "error_description": desc})
}

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// withQuery is the address to with q's values set in its query.
func withQuery(to string, q url.Values) string {
	u, _ := url.Parse(to)
	uq := u.Query()
	for k, vs := range q {
		uq[k] = vs
	}
	u.RawQuery = uq.Encode()
	return u.String()
}

// redirectWithQuery answers 302 to withQuery(to, q), leaving out a state
// that is "" (the app sent none).
func redirectWithQuery(w http.ResponseWriter, r *http.Request, to string, q url.Values) {
	if s := q["state"]; len(s) == 1 && s[0] == "" {
		q = maps.Clone(q)
		delete(q, "state")
	}
	http.Redirect(w, r, withQuery(to, q), http.StatusFound)
}

// ---- recording ----

type recorder struct {
	http.ResponseWriter
	status   int
	body     bytes.Buffer
	hijacked bool
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.body.Len() < 1<<20 {
		r.body.Write(b)
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("hijack not supported")
	}
	r.hijacked = true
	return h.Hijack()
}

// secretKeys are redacted from recorded bodies, queries and responses.
var secretKeys = []string{"access_token", "token", "client_secret", "code", "code_verifier", "refresh_token"}

func redactQuery(q string) string { return redactForm(q, secretKeys) }

// redactForm replaces the values of keys in a query or form body by
// "[redacted]"; what does not parse is kept as it is.
func redactForm(q string, keys []string) string {
	v, err := url.ParseQuery(q)
	if err != nil || q == "" {
		return q
	}
	for _, k := range keys {
		if v.Has(k) {
			v.Set(k, "[redacted]")
		}
	}
	return v.Encode()
}

func recordBody(contentType string, body []byte) []byte {
	mt, params, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "multipart/form-data":
		return []byte(redactQuery(multipartFields(body, params["boundary"]).Encode()))
	case "application/x-www-form-urlencoded":
		return []byte(redactQuery(string(body)))
	case "application/json":
		return redactJSON(body)
	}
	return body
}

func redactJSON(b []byte) []byte {
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return b
	}
	changed := false
	for _, k := range secretKeys {
		if _, ok := m[k]; ok {
			m[k] = "[redacted]"
			changed = true
		}
	}
	if !changed {
		return b
	}
	out, _ := json.Marshal(m)
	return out
}

// multipartFields is a multipart body as form values, each file part's
// value being its file name (other values up to 64 KiB).
func multipartFields(body []byte, boundary string) url.Values {
	v := url.Values{}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		if p.FileName() != "" {
			v.Add(p.FormName(), p.FileName())
			continue
		}
		b, _ := io.ReadAll(io.LimitReader(p, 64<<10))
		v.Add(p.FormName(), string(b))
	}
	return v
}

// clone is r with its own header and bodies.
func (r Request) clone() Request {
	r.Header = r.Header.Clone()
	r.Body = slices.Clone(r.Body)
	r.Response = slices.Clone(r.Response)
	return r
}

// cloneRequests copies a fake's record for Requests.
func cloneRequests(rs []Request) []Request {
	out := make([]Request, len(rs))
	for i, r := range rs {
		out[i] = r.clone()
	}
	return out
}

// keepBody reads up to limit bytes of r's body for the record and puts
// them back for the handler.
func keepBody(r *http.Request, limit int64) []byte {
	body, _ := io.ReadAll(io.LimitReader(r.Body, limit))
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body
}

// serveRecorded serves r with next through a recorder and returns what
// every fake records of it: method, path, the query (through query),
// the headers without Authorization and the scheme of that, and, unless
// the handler hijacked the connection (hijacked), the status and the
// answer (through response). The body is left to the caller.
func serveRecorded(next http.Handler, w http.ResponseWriter, r *http.Request, query func(string) string, response func([]byte) []byte) (req Request, hijacked bool) {
	rec := &recorder{ResponseWriter: w}
	next.ServeHTTP(rec, r)
	req = Request{Method: r.Method, Path: r.URL.Path, Query: query(r.URL.RawQuery), Header: r.Header.Clone()}
	if a := r.Header.Get("Authorization"); a != "" {
		req.Auth, _, _ = strings.Cut(a, " ")
	}
	req.Header.Del("Authorization")
	if !rec.hijacked {
		req.Status = rec.status
		if req.Status == 0 {
			req.Status = http.StatusOK
		}
		req.Response = response(rec.body.Bytes())
	}
	return req, rec.hijacked
}

// ---- hooks ----

// Hook is called by a fake (see SetHook) on the request's goroutine:
// before the fake handles r (done false), and after it did its work
// (stored the post, say) but before the answer leaves (done true; a large
// answer may have started to leave). Tests use it to act at an exact point
// of a call, such as killing the client's process.
type Hook func(r *http.Request, done bool)

// ---- FailNext / DropNext ----

// failKnob is what FailNext and FailStep set: the next n calls answer
// status (with Retry-After after, if > 0) without doing their work.
type failKnob struct {
	n, status int
	after     time.Duration
}

// take consumes one failure if one is due (k may be nil); the caller
// holds the fake's lock.
func (k *failKnob) take() (status int, after time.Duration, ok bool) {
	if k == nil || k.n <= 0 {
		return 0, 0, false
	}
	k.n--
	return k.status, k.after, true
}

// hangUp cuts the connection without an answer, as a network failure
// would; it reports whether it could.
func hangUp(w http.ResponseWriter) bool {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}

// setRetryAfter sets Retry-After to d in whole seconds, rounded up, when
// d > 0.
func setRetryAfter(w http.ResponseWriter, d time.Duration) {
	if d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((d+time.Second-1)/time.Second)))
	}
}
