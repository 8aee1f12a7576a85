package youtube

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"localpost/platforms"
)

// maxJSON caps how much of a JSON answer is read.
const maxJSON = 4 << 20

// errNotJSON marks a 2xx answer that is not the JSON expected.
var errNotJSON = errors.New("answer is not JSON")

// googleError is the JSON error body of every Google API:
// {"error":{"code":403,"message":"...","errors":[{"reason":"quotaExceeded",...}]}}.
type googleError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Errors  []struct {
			Reason  string `json:"reason"`
			Message string `json:"message"`
			Domain  string `json:"domain"`
		} `json:"errors"`
	} `json:"error"`
}

// getJSON GETs url with the bearer token and decodes a 2xx answer into out.
func (p *Provider) getJSON(ctx context.Context, rawURL, token string, out any) error {
	host := p.host(rawURL)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return &platforms.Error{Message: "could not build the request to " + host, Err: err}
	}
	resp, err := p.do(req, token)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return p.decode(resp, token, out)
}

// do sends req with the token; a failure without an answer is a NetError.
func (p *Provider) do(req *http.Request, token string) (*http.Response, error) {
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := p.cfg.HTTP.Do(req)
	if err != nil {
		return nil, platforms.NetError(req.URL.Host, err)
	}
	return resp, nil
}

// decode reads a 2xx JSON answer into out (if not nil), or maps an error.
func (p *Provider) decode(resp *http.Response, token string, out any) error {
	host := resp.Request.URL.Host
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxJSON))
	if err != nil {
		return platforms.NetError(host, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return p.errorFrom(resp, b, token)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(bytes.TrimSpace(b), out); err != nil {
		return &platforms.Error{Kind: platforms.KindRetry, Status: resp.StatusCode,
			Message: host + " gave an answer Localpost does not understand", Err: errors.Join(errNotJSON, err)}
	}
	return nil
}

// errorFrom maps a Google error answer: the reason decides where the
// status alone would mislead (quota and rate limits come as 403).
func (p *Provider) errorFrom(resp *http.Response, body []byte, token string) *platforms.Error {
	var ge googleError
	_ = json.Unmarshal(body, &ge)
	reason := ""
	if len(ge.Error.Errors) > 0 {
		reason = ge.Error.Errors[0].Reason
	}
	msg := ge.Error.Message
	if msg == "" && len(ge.Error.Errors) > 0 {
		msg = ge.Error.Errors[0].Message
	}
	msg = platforms.CleanMessage(msg, token)
	now := p.now()
	e := platforms.ErrorFromStatus(resp.StatusCode, msg, platforms.RetryAfter(resp.Header, now))
	switch {
	case reason == "quotaExceeded" || reason == "dailyLimitExceeded":
		e.Kind = platforms.KindRetry
		if e.RetryAfter == 0 {
			e.RetryAfter = untilPacificMidnight(now)
		}
		e.Message = "The YouTube API quota of this Google Cloud project is used up for today; it resets at midnight Pacific time" + detail(msg)
	case reason == "uploadLimitExceeded":
		e.Kind = platforms.KindRetry
		if e.RetryAfter == 0 {
			e.RetryAfter = 24 * time.Hour
		}
		e.Message = "This channel has reached YouTube's upload limit for now; try again tomorrow" + detail(msg)
	case reason == "rateLimitExceeded" || reason == "userRateLimitExceeded" || reason == "backendError" || reason == "internalError":
		e.Kind = platforms.KindRetry
	case reason == "authError" || reason == "invalidCredentials" || reason == "expired" || reason == "youtubeSignupRequired":
		e.Kind = platforms.KindReconnect
	case reason == "insufficientPermissions" || reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT":
		e.Kind = platforms.KindReconnect
		e.Message = "The saved login does not allow this (missing permission): reconnect YouTube and allow every requested access" + detail(msg)
	case reason == "forbidden" && resp.StatusCode == http.StatusForbidden:
		// The action is refused for this video or account (e.g. custom
		// thumbnails need a verified channel): a new login will not help.
		e.Kind = platforms.KindFixPost
	case strings.HasPrefix(reason, "invalid") || reason == "mediaBodyRequired" || reason == "badContent" ||
		reason == "defaultLanguageNotSet" || reason == "mediaBodyTooBig" || reason == "uploadLimitExceededForVideo":
		e.Kind = platforms.KindFixPost
	}
	if e.Status == http.StatusUnauthorized {
		e.Kind = platforms.KindReconnect
	}
	return e
}

func detail(msg string) string {
	if msg == "" {
		return ""
	}
	return " (" + msg + ")"
}

// untilPacificMidnight is how long until the YouTube quota resets.
func untilPacificMidnight(now time.Time) time.Duration {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		loc = time.FixedZone("PST", -8*3600)
	}
	t := now.In(loc)
	next := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
	return next.Sub(now) + time.Minute
}
