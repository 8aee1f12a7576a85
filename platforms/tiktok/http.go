package tiktok

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

// apiError is TikTok's v2 error object, sent with every answer (code "ok"
// on success, sometimes with HTTP 200 on failure too).
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	LogID   string `json:"log_id"`
}

// envelope is every Content Posting / Display API answer.
type envelope struct {
	Data  json.RawMessage `json:"data"`
	Error *apiError       `json:"error"`
}

// Error codes (developers.tiktok.com/doc/tiktok-api-v2-error-handling and
// the Content Posting references) and what the user should do about them.
var codeKinds = map[string]platforms.Kind{
	"access_token_invalid":    platforms.KindReconnect,
	"scope_not_authorized":    platforms.KindReconnect,
	"scope_permission_missed": platforms.KindReconnect,

	"rate_limit_exceeded":              platforms.KindRetry,
	"spam_risk_too_many_posts":         platforms.KindRetry,
	"spam_risk_too_many_pending_share": platforms.KindRetry,
	"reached_active_user_cap":          platforms.KindRetry,
	"internal_error":                   platforms.KindRetry,

	"spam_risk_user_banned_from_posting":                 platforms.KindFixPost,
	"unaudited_client_can_only_post_to_private_accounts": platforms.KindFixPost,
	"privacy_level_option_mismatch":                      platforms.KindFixPost,
	"invalid_params":                                     platforms.KindFixPost,
	"invalid_file_upload":                                platforms.KindFixPost,
	"file_format_check_failed":                           platforms.KindFixPost,
	"duration_check_failed":                              platforms.KindFixPost,
	"frame_rate_check_failed":                            platforms.KindFixPost,
	"picture_size_check_failed":                          platforms.KindFixPost,
	"video_pull_failed":                                  platforms.KindFixPost,
	"photo_pull_failed":                                  platforms.KindFixPost,
	"url_ownership_unverified":                           platforms.KindFixPost,
}

// codeHints explain codes whose message alone does not tell the user what
// to do.
var codeHints = map[string]string{
	"unaudited_client_can_only_post_to_private_accounts": "Until TikTok audits your app, your TikTok account must be private to post through it",
	"spam_risk_too_many_posts":                           "TikTok's daily post limit for this account is reached",
	"spam_risk_user_banned_from_posting":                 "TikTok does not let this account post at the moment",
	"reached_active_user_cap":                            "TikTok's daily limit of accounts posting through your unaudited app is reached",
	"url_ownership_unverified":                           "The photo address is not on a domain verified for your TikTok app",
	"scope_not_authorized":                               "The account did not grant Localpost permission to post; reconnect it and allow every permission",
	"access_token_invalid":                               "TikTok refused the saved login; reconnect the account",
}

func (p *Provider) host() string {
	if u, err := url.Parse(p.apiURL); err == nil && u.Host != "" {
		return u.Host
	}
	return p.apiURL
}

// apiCall POSTs (or GETs, when body is nil and method is GET) a JSON
// request with the bearer token and decodes data into out.
func (p *Provider) apiCall(ctx context.Context, method, path, token string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return &platforms.Error{Message: "could not build the request to " + p.host(), Err: err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.apiURL+path, rd)
	if err != nil {
		return &platforms.Error{Message: "could not build the request to " + p.host(), Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return platforms.NetError(p.host(), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxJSON))
	if err != nil {
		return platforms.NetError(p.host(), err)
	}
	var env envelope
	jsonErr := json.Unmarshal(b, &env)
	if env.Error != nil && env.Error.Code != "" && env.Error.Code != "ok" {
		return codeError(resp, env.Error, token)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return platforms.ErrorFromStatus(resp.StatusCode, "", platforms.RetryAfter(resp.Header, time.Now()))
	}
	if jsonErr != nil {
		return &platforms.Error{Kind: platforms.KindRetry, Status: resp.StatusCode, Message: p.host() + " gave an answer Localpost does not understand", Err: jsonErr}
	}
	if out != nil && len(env.Data) > 0 {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return &platforms.Error{Kind: platforms.KindRetry, Status: resp.StatusCode, Message: p.host() + " gave an answer Localpost does not understand", Err: err}
		}
	}
	return nil
}

// codeError maps TikTok's error object: the code decides the kind where
// TikTok documents it, else the HTTP status does.
func codeError(resp *http.Response, e *apiError, secrets ...string) *platforms.Error {
	msg := platforms.CleanMessage(e.Message, secrets...)
	if h := codeHints[e.Code]; h != "" {
		if msg == "" {
			msg = h
		} else {
			msg = h + ": " + msg
		}
	}
	if msg == "" {
		msg = "TikTok answered " + e.Code
	}
	status := resp.StatusCode
	pe := platforms.ErrorFromStatus(status, msg, platforms.RetryAfter(resp.Header, time.Now()))
	if k, ok := codeKinds[e.Code]; ok {
		pe.Kind = k
	} else if status >= 200 && status < 300 {
		pe.Kind = platforms.KindUnknown
	}
	if status >= 200 && status < 300 {
		pe.Status = 0 // an error in a 200 answer: do not show "(HTTP 200)"
	}
	pe.Err = errors.New("tiktok error " + e.Code + " log_id " + e.LogID)
	return pe
}

// tokenJSON is POST /v2/oauth/token/'s answer; errors come as
// {"error","error_description","log_id"}.
type tokenJSON struct {
	AccessToken      string `json:"access_token"`
	ExpiresIn        int64  `json:"expires_in"`
	RefreshToken     string `json:"refresh_token"`
	RefreshExpiresIn int64  `json:"refresh_expires_in"`
	OpenID           string `json:"open_id"`
	Scope            string `json:"scope"`
	TokenType        string `json:"token_type"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	LogID            string `json:"log_id"`
}

func (p *Provider) token(ctx context.Context, form url.Values, secrets ...string) (platforms.Token, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.apiURL+"/v2/oauth/token/", strings.NewReader(form.Encode()))
	if err != nil {
		return platforms.Token{}, &platforms.Error{Message: "could not build the request to " + p.host(), Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cache-Control", "no-cache")
	resp, err := p.http.Do(req)
	if err != nil {
		return platforms.Token{}, platforms.NetError(p.host(), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxJSON))
	if err != nil {
		return platforms.Token{}, platforms.NetError(p.host(), err)
	}
	var t tokenJSON
	jsonErr := json.Unmarshal(b, &t)
	if t.Error != "" || resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := platforms.CleanMessage(t.ErrorDescription, secrets...)
		if msg == "" {
			msg = platforms.CleanMessage(t.Error, secrets...)
		}
		pe := platforms.ErrorFromStatus(resp.StatusCode, msg, platforms.RetryAfter(resp.Header, time.Now()))
		switch t.Error {
		case "invalid_grant", "invalid_client", "invalid_request", "access_denied", "unauthorized_client":
			// A code or refresh token that no longer works, or app
			// credentials TikTok does not know: only a new login helps.
			pe.Kind = platforms.KindReconnect
		case "rate_limit_exceeded", "server_error", "temporarily_unavailable":
			pe.Kind = platforms.KindRetry
		}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			pe.Status = 0
		}
		if pe.Message == "" {
			pe.Message = "TikTok refused the login"
		}
		pe.Err = errors.New("tiktok oauth error " + t.Error + " log_id " + t.LogID)
		return platforms.Token{}, pe
	}
	if jsonErr != nil || t.AccessToken == "" {
		return platforms.Token{}, &platforms.Error{Kind: platforms.KindRetry, Status: resp.StatusCode, Message: p.host() + " gave a login answer without a token", Err: jsonErr}
	}
	now := time.Now()
	tok := platforms.Token{Access: t.AccessToken, Refresh: t.RefreshToken}
	if t.ExpiresIn > 0 {
		tok.Expiry = now.Add(time.Duration(t.ExpiresIn) * time.Second)
	}
	if t.RefreshExpiresIn > 0 {
		tok.RefreshExpiry = now.Add(time.Duration(t.RefreshExpiresIn) * time.Second)
	}
	for _, s := range strings.Split(t.Scope, ",") {
		if s = strings.TrimSpace(s); s != "" {
			tok.Scopes = append(tok.Scopes, s)
		}
	}
	return tok, nil
}

// Exchange trades the code for a token (POST /v2/oauth/token/ with the
// client secret and the PKCE verifier). An empty verifier means the one
// Authorize made for this redirect URI.
func (p *Provider) Exchange(ctx context.Context, creds platforms.AppCredentials, redirectURI, code, verifier string) (platforms.Token, error) {
	if verifier == "" {
		verifier = p.takeVerifier(redirectURI)
	} else {
		p.takeVerifier(redirectURI)
	}
	form := url.Values{
		"client_key":    {creds.ClientID},
		"client_secret": {creds.ClientSecret},
		"code":          {code},
		"grant_type":    {"authorization_code"},
		"redirect_uri":  {redirectURI},
		"code_verifier": {verifier},
	}
	return p.token(ctx, form, creds.ClientSecret, code, verifier)
}

// Refresh renews the access token. TikTok rotates refresh tokens: the
// returned Token holds the new one and the old one stops working, so the
// app must store the result before anything else.
func (p *Provider) Refresh(ctx context.Context, creds platforms.AppCredentials, t platforms.Token) (platforms.Token, error) {
	if t.Refresh == "" {
		return platforms.Token{}, &platforms.Error{Kind: platforms.KindReconnect, Message: "No TikTok refresh token is stored; reconnect the account"}
	}
	form := url.Values{
		"client_key":    {creds.ClientID},
		"client_secret": {creds.ClientSecret},
		"grant_type":    {"refresh_token"},
		"refresh_token": {t.Refresh},
	}
	nt, err := p.token(ctx, form, creds.ClientSecret, t.Refresh, t.Access)
	if err != nil {
		return platforms.Token{}, err
	}
	if nt.Refresh == "" {
		nt.Refresh, nt.RefreshExpiry = t.Refresh, t.RefreshExpiry
	}
	if len(nt.Scopes) == 0 {
		nt.Scopes = t.Scopes
	}
	return nt, nil
}

// userJSON is GET /v2/user/info/'s data.user.
type userJSON struct {
	OpenID      string `json:"open_id"`
	UnionID     string `json:"union_id"`
	AvatarURL   string `json:"avatar_url"`
	DisplayName string `json:"display_name"`
}

// Identities returns the one profile the login belongs to. The username
// comes from the creator_info query (user/info would need the extra
// user.info.profile scope for it); if that query fails for a reason other
// than the token, the profile is still returned without a handle.
func (p *Provider) Identities(ctx context.Context, t platforms.Token) ([]platforms.Identity, error) {
	var out struct {
		User userJSON `json:"user"`
	}
	if err := p.apiCall(ctx, http.MethodGet, "/v2/user/info/?fields=open_id,union_id,avatar_url,display_name", t.Access, nil, &out); err != nil {
		return nil, err
	}
	u := out.User
	if u.OpenID == "" {
		return nil, &platforms.Error{Kind: platforms.KindRetry, Message: p.host() + " gave a profile without an id"}
	}
	id := platforms.Identity{RemoteID: u.OpenID, Kind: "profile", Name: u.DisplayName, AvatarURL: u.AvatarURL, Extra: map[string]string{"open_id": u.OpenID}}
	if u.UnionID != "" {
		id.Extra["union_id"] = u.UnionID
	}
	ci, err := p.creatorInfo(ctx, t.Access)
	switch {
	case err == nil:
		if ci.Username != "" {
			id.Handle = "@" + ci.Username
			id.URL = "https://www.tiktok.com/@" + ci.Username
			id.Extra["username"] = ci.Username
		}
		if id.Name == "" {
			id.Name = ci.Nickname
		}
		if id.AvatarURL == "" {
			id.AvatarURL = ci.AvatarURL
		}
		id.Extra["privacy_level_options"] = strings.Join(ci.PrivacyLevelOptions, ",")
	case platforms.KindOf(err) == platforms.KindReconnect:
		return nil, err
	}
	return []platforms.Identity{id}, nil
}
