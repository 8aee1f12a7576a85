package mastodon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"localpost/platforms"
)

// errNotJSON marks a 2xx answer that is not JSON (an HTML page, say).
var errNotJSON = errors.New("answer is not JSON")

func (c *Client) host() string {
	if u, err := url.Parse(c.BaseURL); err == nil && u.Host != "" {
		return u.Host
	}
	return c.BaseURL
}

// hostname is the host without port, the domain part of a local handle.
func (c *Client) hostname() string {
	if u, err := url.Parse(c.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return c.BaseURL
}

// call sends one request and decodes a JSON answer into out (if not nil).
// form is sent url-encoded (every Mastodon version and fork accepts it).
func (c *Client) call(ctx context.Context, method, path, token string, form url.Values, hdr http.Header, out any) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, body)
	if err != nil {
		return &platforms.Error{Message: "could not build the request to " + c.host(), Err: err}
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	_, err = c.do(req, token, out)
	return err
}

// do sends req with the token (if any) and decodes a 2xx JSON answer into
// out; it returns the HTTP status of a success.
func (c *Client) do(req *http.Request, token string, out any) (int, error) {
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, netError(c.host(), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxJSON))
	if err != nil {
		return 0, netError(c.host(), err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return 0, errorFromResponse(resp, b, token)
	}
	if out == nil {
		return resp.StatusCode, nil
	}
	if !isJSON(resp.Header.Get("Content-Type"), b) {
		return 0, &platforms.Error{Status: resp.StatusCode, Message: c.host() + " gave an answer that is not JSON", Err: errNotJSON}
	}
	if err := json.Unmarshal(b, out); err != nil {
		return 0, &platforms.Error{Status: resp.StatusCode, Message: c.host() + " gave an answer Localpost does not understand", Err: errors.Join(errNotJSON, err)}
	}
	return resp.StatusCode, nil
}

func isJSON(contentType string, b []byte) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt != "" && mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return false
	}
	b = bytes.TrimSpace(b)
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// netError is a failure without an HTTP answer: always worth a retry.
func netError(host string, err error) error {
	msg := "Lost the connection to " + host + " before it answered"
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		msg = "Gave up waiting for " + host
	case errors.As(err, &dnsErr), errors.As(err, &opErr) && opErr.Op == "dial":
		msg = "Could not reach " + host + ": check the address and your connection"
	}
	return &platforms.Error{Kind: platforms.KindRetry, Message: msg, Err: err}
}

// errorFromResponse maps an HTTP error answer, using Mastodon's
// {"error": "...", "error_description": "..."} message where there is one.
func errorFromResponse(resp *http.Response, body []byte, token string) *platforms.Error {
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	msg := ""
	if json.Unmarshal(body, &e) == nil {
		msg = e.Error
		if e.Description != "" {
			msg = e.Description
		}
	}
	if token != "" {
		msg = strings.ReplaceAll(msg, token, "…")
	}
	if utf8.RuneCountInString(msg) > 300 {
		msg = string([]rune(msg)[:300]) + "…"
	}
	return platforms.ErrorFromStatus(resp.StatusCode, msg, retryAfter(resp.Header, time.Now()))
}

// retryAfter reads Retry-After (seconds or an HTTP date), else Mastodon's
// X-RateLimit-Reset (an ISO 8601 instant) on a 429.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return time.Duration(n) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	if v := h.Get("X-RateLimit-Reset"); v != "" && h.Get("X-RateLimit-Remaining") == "0" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	return 0
}

type mediaJSON struct {
	ID  string  `json:"id"`
	URL *string `json:"url"`
}

// upload sends one file to POST /api/v2/media and waits until the server
// has processed it. The body is streamed from disk with a known length.
func (c *Client) upload(ctx context.Context, token string, m platforms.Media) (string, error) {
	name := filepath.Base(m.Path)
	f, err := os.Open(m.Path)
	if err != nil {
		msg := fmt.Sprintf("image %s could not be read; attach it again", name)
		if errors.Is(err, os.ErrNotExist) {
			msg = fmt.Sprintf("image %s no longer exists; attach it again", name)
		}
		return "", &platforms.Error{Kind: platforms.KindFixPost, Message: msg, Err: err}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", &platforms.Error{Kind: platforms.KindFixPost, Message: fmt.Sprintf("image %s could not be read; attach it again", name), Err: err}
	}
	mt := m.Mime
	if mt == "" {
		mt = mime.TypeByExtension(filepath.Ext(name))
	}
	if mt == "" {
		mt = "application/octet-stream"
	}

	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	if m.Alt != "" {
		if err := mw.WriteField("description", m.Alt); err != nil {
			return "", &platforms.Error{Message: "could not build the upload", Err: err}
		}
	}
	ph := textproto.MIMEHeader{}
	ph.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "file", "filename": name}))
	ph.Set("Content-Type", mt)
	if _, err := mw.CreatePart(ph); err != nil {
		return "", &platforms.Error{Message: "could not build the upload", Err: err}
	}
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	body := io.MultiReader(bytes.NewReader(head.Bytes()), io.LimitReader(f, st.Size()), strings.NewReader(tail))

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+"/api/v2/media", body)
	if err != nil {
		return "", &platforms.Error{Message: "could not build the upload", Err: err}
	}
	req.ContentLength = int64(head.Len()) + st.Size() + int64(len(tail))
	req.Header.Set("Content-Type", mw.FormDataContentType())

	var ma mediaJSON
	status, err := c.do(req, token, &ma)
	if err != nil {
		var pe *platforms.Error
		if errors.As(err, &pe) && pe.Kind == platforms.KindFixPost && pe.Message != "" {
			pe.Message = name + ": " + pe.Message
		}
		return "", err
	}
	if ma.ID == "" {
		return "", &platforms.Error{Kind: platforms.KindRetry, Status: status, Message: c.host() + " accepted " + name + " but gave no media id"}
	}
	if status == http.StatusOK && ma.URL != nil && *ma.URL != "" {
		return ma.ID, nil
	}
	return ma.ID, c.waitMedia(ctx, token, ma.ID, name)
}

// waitMedia polls GET /api/v1/media/:id until the server has processed the
// upload (200 with a url; 206 means still processing).
func (c *Client) waitMedia(ctx context.Context, token, id, name string) error {
	deadline := time.Now().Add(MediaPollTimeout)
	for {
		t := time.NewTimer(MediaPollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return netError(c.host(), ctx.Err())
		case <-t.C:
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+"/api/v1/media/"+url.PathEscape(id), nil)
		if err != nil {
			return &platforms.Error{Message: "could not build the request to " + c.host(), Err: err}
		}
		var ma mediaJSON
		status, err := c.do(req, token, &ma)
		if err != nil {
			return err
		}
		if status == http.StatusOK && ma.URL != nil && *ma.URL != "" {
			return nil
		}
		if time.Now().After(deadline) {
			return &platforms.Error{Kind: platforms.KindRetry, Status: status,
				Message: fmt.Sprintf("%s is still processing %s; try again later", c.host(), name)}
		}
	}
}
