package x

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"localpost/platforms"
)

// maxJSON caps how much of an answer is read.
const maxJSON = 4 << 20

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}

// call sends a request with an optional JSON body and decodes a 2xx JSON
// answer into out (if not nil).
func (p *Provider) call(ctx context.Context, method, rawURL, token string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return &platforms.Error{Message: "could not build the request to X", Err: err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return &platforms.Error{Message: "could not build the request to X", Err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	_, err = p.do(req, token, out)
	return err
}

// do sends req (with the bearer token, if any) and decodes a 2xx JSON
// answer into out. secrets are cut out of any message shown.
func (p *Provider) do(req *http.Request, token string, out any, secrets ...string) (int, error) {
	host := req.URL.Host
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := p.cfg.HTTP.Do(req)
	if err != nil {
		return 0, platforms.NetError(host, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxJSON))
	if err != nil {
		return 0, platforms.NetError(host, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return 0, errorFrom(resp, b, append(secrets, token)...)
	}
	if out == nil || len(bytes.TrimSpace(b)) == 0 && resp.StatusCode == http.StatusNoContent {
		return resp.StatusCode, nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return 0, &platforms.Error{Kind: platforms.KindRetry, Status: resp.StatusCode, Message: host + " gave an answer Localpost does not understand", Err: err}
	}
	return resp.StatusCode, nil
}

// errorBody covers X's shapes: problem JSON {"title","detail","type",
// "status"}, {"errors":[{"message"}]} (alone or beside a problem), the
// flat {"code","message"} of the API description, and OAuth's
// {"error","error_description"}.
type errorBody struct {
	Title   string `json:"title"`
	Detail  string `json:"detail"`
	Type    string `json:"type"`
	Message string `json:"message"`
	Errors  []struct {
		Message string `json:"message"`
		Detail  string `json:"detail"`
		Title   string `json:"title"`
	} `json:"errors"`
	Error       json.RawMessage `json:"error"`
	Description string          `json:"error_description"`
}

// messageOf picks the most specific message X gave.
func messageOf(b []byte) string {
	var e errorBody
	if json.Unmarshal(b, &e) != nil {
		return ""
	}
	var parts []string
	for _, x := range e.Errors {
		switch {
		case x.Message != "":
			parts = append(parts, x.Message)
		case x.Detail != "":
			parts = append(parts, x.Detail)
		}
	}
	if len(parts) > 0 {
		return strings.Join(parts, " ")
	}
	var oauthErr string
	_ = json.Unmarshal(e.Error, &oauthErr)
	for _, s := range []string{e.Detail, e.Message, e.Description, oauthErr, e.Title} {
		if s != "" {
			return s
		}
	}
	return ""
}

// errorFrom maps an HTTP error answer to the typed error.
func errorFrom(resp *http.Response, body []byte, secrets ...string) *platforms.Error {
	msg := platforms.CleanMessage(messageOf(body), secrets...)
	e := platforms.ErrorFromStatus(resp.StatusCode, msg, platforms.RetryAfter(resp.Header, time.Now()))
	low := strings.ToLower(msg)
	if resp.StatusCode == http.StatusForbidden && (strings.Contains(low, "duplicate") || strings.Contains(low, "too long") || strings.Contains(low, "longer than")) {
		// X answers 403 to a post it refuses for its content: editing
		// the post helps, reconnecting does not.
		e.Kind = platforms.KindFixPost
	}
	if resp.StatusCode == http.StatusTooManyRequests && e.Message == "The network is busy or down" {
		e.Message = "X's rate limit was reached; Localpost will try again later"
	}
	return e
}

func isStatus(err error, codes ...int) bool {
	var pe *platforms.Error
	if !errors.As(err, &pe) {
		return false
	}
	for _, c := range codes {
		if pe.Status == c {
			return true
		}
	}
	return false
}
