package pinterest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"

	"localpost/platforms"
)

// maxJSON caps how much of a JSON answer is read.
const maxJSON = 4 << 20

func (p *Provider) apiHost() string {
	if u, err := url.Parse(p.cfg.APIURL); err == nil && u.Host != "" {
		return u.Host
	}
	return "Pinterest"
}

func (p *Provider) get(ctx context.Context, path string, q url.Values, access string, out any) error {
	u := p.cfg.APIURL + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return &platforms.Error{Message: "could not build the request to Pinterest", Err: err}
	}
	_, err = p.do(req, access, nil, out)
	return err
}

func (p *Provider) postJSON(ctx context.Context, path, access string, in, out any) (int, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return 0, &platforms.Error{Message: "could not build the request to Pinterest", Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.APIURL+path, bytes.NewReader(b))
	if err != nil {
		return 0, &platforms.Error{Message: "could not build the request to Pinterest", Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	return p.do(req, access, nil, out)
}

// do sends req (with the bearer token if access is set) and decodes a 2xx
// JSON answer into out. secrets are cut out of any message shown.
func (p *Provider) do(req *http.Request, access string, secrets []string, out any) (int, error) {
	req.Header.Set("Accept", "application/json")
	if access != "" {
		req.Header.Set("Authorization", "Bearer "+access)
		secrets = append(secrets, access)
	}
	resp, err := p.cfg.HTTP.Do(req)
	if err != nil {
		return 0, platforms.NetError(p.apiHost(), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxJSON))
	if err != nil {
		return 0, platforms.NetError(p.apiHost(), err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, errorFromResponse(resp, b, secrets)
	}
	if out == nil {
		return resp.StatusCode, nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return resp.StatusCode, &platforms.Error{Kind: platforms.KindRetry, Status: resp.StatusCode,
			Message: "Pinterest gave an answer Localpost does not understand", Err: err}
	}
	return resp.StatusCode, nil
}

// apiError is Pinterest's {"code": n, "message": "..."}; the token endpoint
// may also answer OAuth's {"error": ..., "error_description": ...}.
type apiError struct {
	Code        *int   `json:"code"`
	Message     string `json:"message"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// Pinterest's own codes that say more than the HTTP status.
const (
	codeAuthFailed = 2 // "Authentication failed." with 401
)

func errorFromResponse(resp *http.Response, body []byte, secrets []string) *platforms.Error {
	var e apiError
	msg := ""
	if json.Unmarshal(body, &e) == nil {
		switch {
		case e.Message != "":
			msg = e.Message
		case e.Description != "":
			msg = e.Description
		default:
			msg = e.Error
		}
	}
	msg = platforms.CleanMessage(msg, secrets...)
	pe := platforms.ErrorFromStatus(resp.StatusCode, msg, platforms.RetryAfter(resp.Header, time.Now()))
	if e.Code != nil && *e.Code == codeAuthFailed {
		pe.Kind = platforms.KindReconnect
	}
	// Trial apps hit a daily quota: Pinterest says so with 429 and a
	// message; there is nothing to fix, only to wait.
	if resp.StatusCode == http.StatusTooManyRequests {
		pe.Kind = platforms.KindRetry
	}
	return pe
}

// isNet reports whether err is a failure without an answer (the request
// may or may not have reached Pinterest).
func isNet(err error) bool {
	var pe *platforms.Error
	return errors.As(err, &pe) && pe.Kind == platforms.KindRetry && pe.Status == 0
}
