package youtube

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"localpost/platforms"
)

// tokenJSON is Google's token endpoint answer.
type tokenJSON struct {
	AccessToken           string `json:"access_token"`
	ExpiresIn             int64  `json:"expires_in"`
	RefreshToken          string `json:"refresh_token"`
	RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in"`
	Scope                 string `json:"scope"`
	TokenType             string `json:"token_type"`
	Error                 string `json:"error"`
	ErrorDescription      string `json:"error_description"`
}

// Exchange trades the code and PKCE verifier for tokens. Google's desktop
// clients send their (not confidential, but required) secret in the form.
func (p *Provider) Exchange(ctx context.Context, creds platforms.AppCredentials, redirectURI, code, verifier string) (platforms.Token, error) {
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {redirectURI},
		"client_id":     {creds.ClientID},
		"client_secret": {creds.ClientSecret},
		"code_verifier": {verifier},
	}
	tj, err := p.tokenCall(ctx, form, creds.ClientSecret, code, verifier)
	if err != nil {
		return platforms.Token{}, err
	}
	t := p.tokenFrom(tj, platforms.Token{})
	if !slices.Contains(t.Scopes, ScopeUpload) && !slices.Contains(t.Scopes, "https://www.googleapis.com/auth/youtube") {
		return platforms.Token{}, &platforms.Error{Kind: platforms.KindReconnect,
			Message: "Google did not grant upload access: connect again and leave \"Manage your YouTube videos\" ticked"}
	}
	return t, nil
}

// Refresh renews the access token. Google keeps the refresh token (it
// sends no new one), so the old one is carried over.
func (p *Provider) Refresh(ctx context.Context, creds platforms.AppCredentials, t platforms.Token) (platforms.Token, error) {
	if t.Refresh == "" {
		return platforms.Token{}, &platforms.Error{Kind: platforms.KindReconnect,
			Message: "No saved refresh token for YouTube: reconnect the account", Err: platforms.ErrNoRefresh}
	}
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {t.Refresh},
		"client_id":     {creds.ClientID},
		"client_secret": {creds.ClientSecret},
	}
	tj, err := p.tokenCall(ctx, form, creds.ClientSecret, t.Refresh, t.Access)
	if err != nil {
		return platforms.Token{}, err
	}
	return p.tokenFrom(tj, t), nil
}

func (p *Provider) tokenFrom(tj tokenJSON, old platforms.Token) platforms.Token {
	now := p.now()
	t := platforms.Token{Access: tj.AccessToken, Refresh: tj.RefreshToken, Scopes: strings.Fields(tj.Scope)}
	if tj.ExpiresIn > 0 {
		t.Expiry = now.Add(time.Duration(tj.ExpiresIn) * time.Second)
	}
	if tj.RefreshTokenExpiresIn > 0 {
		t.RefreshExpiry = now.Add(time.Duration(tj.RefreshTokenExpiresIn) * time.Second)
	}
	if t.Refresh == "" {
		t.Refresh, t.RefreshExpiry = old.Refresh, old.RefreshExpiry
	}
	if len(t.Scopes) == 0 {
		t.Scopes = slices.Clone(old.Scopes)
	}
	return t
}

// tokenCall posts to the token endpoint. secrets are cut from any message.
func (p *Provider) tokenCall(ctx context.Context, form url.Values, secrets ...string) (tokenJSON, error) {
	host := p.host(p.cfg.TokenURL)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return tokenJSON{}, &platforms.Error{Message: "could not build the request to " + host, Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := p.cfg.HTTP.Do(req)
	if err != nil {
		return tokenJSON{}, platforms.NetError(host, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxJSON))
	if err != nil {
		return tokenJSON{}, platforms.NetError(host, err)
	}
	var tj tokenJSON
	jerr := json.Unmarshal(b, &tj)
	if resp.StatusCode == http.StatusOK && jerr == nil && tj.AccessToken != "" {
		return tj, nil
	}
	if resp.StatusCode == http.StatusOK {
		return tokenJSON{}, &platforms.Error{Kind: platforms.KindRetry, Status: 200,
			Message: host + " gave a token answer without a token", Err: errors.Join(errNotJSON, jerr)}
	}
	msg := tj.ErrorDescription
	if msg == "" {
		msg = tj.Error
	}
	msg = platforms.CleanMessage(msg, secrets...)
	e := platforms.ErrorFromStatus(resp.StatusCode, msg, platforms.RetryAfter(resp.Header, p.now()))
	switch tj.Error {
	case "invalid_grant":
		// The code was used or expired, or the refresh token was revoked,
		// expired (7 days in Testing) or outlived by a password change.
		e.Kind = platforms.KindReconnect
		e.Message = "Google refused the saved login (" + nonEmpty(msg, "expired or revoked") + "): reconnect the YouTube account"
	case "invalid_client", "unauthorized_client":
		e.Kind = platforms.KindReconnect
		e.Message = "Google refused the app's client ID or secret (" + nonEmpty(msg, tj.Error) + "): check them in Settings, then reconnect"
	case "invalid_request", "invalid_scope", "unsupported_grant_type":
		e.Kind = platforms.KindReconnect
	}
	return tokenJSON{}, e
}

func nonEmpty(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
