package linkedin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"localpost/platforms"
)

// apiError is LinkedIn's error body: {"status", "serviceErrorCode",
// "code", "message"}; the token endpoint answers {"error",
// "error_description"} instead.
type apiError struct {
	Status           int    `json:"status"`
	ServiceErrorCode int    `json:"serviceErrorCode"`
	Code             string `json:"code"`
	Message          string `json:"message"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// Service error codes that mean the login is gone (LinkedIn's error
// handling page: 65600 invalid, 65601 revoked, 65602 expired token).
var reconnectCodes = map[int]bool{65600: true, 65601: true, 65602: true}

func (p *Provider) host(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return "LinkedIn"
}

// call sends a JSON request to the REST API with the version headers and
// decodes a JSON answer into out. It returns the answer's headers.
func (p *Provider) call(ctx context.Context, method, rawURL, token string, body, out any) (http.Header, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, &platforms.Error{Message: "could not build the request to LinkedIn", Err: err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return nil, &platforms.Error{Message: "could not build the request to LinkedIn", Err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("LinkedIn-Version", p.cfg.Version)
	req.Header.Set("X-Restli-Protocol-Version", "2.0.0")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return p.do(req, token, out)
}

func (p *Provider) do(req *http.Request, token string, out any) (http.Header, error) {
	host := req.URL.Host
	resp, err := p.cfg.HTTP.Do(req)
	if err != nil {
		return nil, platforms.NetError(host, scrubURLError(err))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxJSON))
	if err != nil {
		return nil, platforms.NetError(host, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, p.errorFrom(resp, b, token)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return nil, &platforms.Error{Kind: platforms.KindRetry, Status: resp.StatusCode,
				Message: host + " gave an answer Localpost does not understand", Err: err}
		}
	}
	return resp.Header, nil
}

// scrubURLError drops the URL from a *url.Error: upload URLs carry
// signed parameters that are as good as a secret for a while.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// errorFrom maps an HTTP error answer to the kinds the app acts on.
func (p *Provider) errorFrom(resp *http.Response, body []byte, secrets ...string) *platforms.Error {
	var e apiError
	_ = json.Unmarshal(body, &e)
	msg := e.Message
	if msg == "" {
		msg = e.ErrorDescription
	}
	if msg == "" {
		msg = e.Error
	}
	msg = platforms.CleanMessage(msg, secrets...)
	pe := platforms.ErrorFromStatus(resp.StatusCode, msg, platforms.RetryAfter(resp.Header, time.Now()))
	switch {
	case reconnectCodes[e.ServiceErrorCode]:
		pe.Kind = platforms.KindReconnect
	case resp.StatusCode == http.StatusUpgradeRequired || e.Code == "NONEXISTENT_VERSION" || e.Code == "VERSION_MISSING":
		// Not the user's doing: this Localpost speaks a retired API version.
		pe.Kind = platforms.KindUnknown
		pe.Message = "LinkedIn no longer accepts the API version this Localpost uses (" + p.cfg.Version + "); update Localpost. " + msg
	case resp.StatusCode == http.StatusForbidden:
		pe.Kind = platforms.KindReconnect
		pe.Message = "LinkedIn refused this for the account: the app needs the product for it (Share on LinkedIn, or the Community Management API for pages), " +
			"you must be an ADMINISTRATOR of the page, and a reconnect grants new permissions. LinkedIn said: " + msg
	case resp.StatusCode == 422 || resp.StatusCode == 400:
		pe.Kind = platforms.KindFixPost
	}
	pe.Message = platforms.CleanMessage(pe.Message, secrets...)
	if pe.Message == "" {
		pe.Message = fmt.Sprintf("LinkedIn answered %d", resp.StatusCode)
	}
	return pe
}

// restURL builds an API address; urn segments are escaped whole
// (urn:li:share:1 → urn%3Ali%3Ashare%3A1) as Rest.li 2.0 wants.
func (p *Provider) restURL(path string, q url.Values) string {
	u := p.cfg.APIURL + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func escURN(urn string) string { return url.QueryEscape(urn) }

// trustedUpload reports whether the token may go with bytes to u: only the
// configured upload host or the API host.
func (p *Provider) trustedUpload(u *url.URL) bool {
	for _, base := range []string{p.cfg.UploadURL, p.cfg.APIURL} {
		b, err := url.Parse(base)
		if err == nil && strings.EqualFold(b.Host, u.Host) && b.Scheme == u.Scheme {
			return true
		}
	}
	return false
}
