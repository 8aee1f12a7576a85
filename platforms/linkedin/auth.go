package linkedin

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"localpost/platforms"
)

// Authorize describes the authorize request. Without a client secret it
// is LinkedIn's native PKCE page (loopback on any port); with one, the
// standard page, for apps LinkedIn has not enabled native PKCE for. PKCE
// is sent on both: the standard flow ignores what it does not know.
func (p *Provider) Authorize(creds platforms.AppCredentials, redirectURI string) platforms.AuthRequest {
	auth := p.cfg.AuthURL
	if creds.ClientSecret != "" {
		auth = p.cfg.StandardAuthURL
	}
	return platforms.AuthRequest{
		AuthURL:  auth,
		Scopes:   append([]string(nil), Scopes...),
		ScopeSep: " ",
		PKCE:     true,
	}
}

type tokenJSON struct {
	AccessToken           string `json:"access_token"`
	ExpiresIn             int64  `json:"expires_in"`
	RefreshToken          string `json:"refresh_token"`
	RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in"`
	Scope                 string `json:"scope"`
}

// Exchange trades the code for a token at /oauth/v2/accessToken with the
// PKCE verifier; the client secret goes along only when the user gave one.
func (p *Provider) Exchange(ctx context.Context, creds platforms.AppCredentials, redirectURI, code, verifier string) (platforms.Token, error) {
	form := url.Values{
		"grant_type":   {"authorization_code"},
		"code":         {code},
		"redirect_uri": {redirectURI},
		"client_id":    {creds.ClientID},
	}
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	if creds.ClientSecret != "" {
		form.Set("client_secret", creds.ClientSecret)
	}
	return p.token(ctx, form, platforms.Token{}, code, verifier, creds.ClientSecret)
}

// Refresh renews a token with its refresh token, which LinkedIn issues
// only to approved partners; without one it returns ErrNoRefresh.
func (p *Provider) Refresh(ctx context.Context, creds platforms.AppCredentials, t platforms.Token) (platforms.Token, error) {
	if t.Refresh == "" {
		return platforms.Token{}, platforms.ErrNoRefresh
	}
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {t.Refresh},
		"client_id":     {creds.ClientID},
	}
	if creds.ClientSecret != "" {
		form.Set("client_secret", creds.ClientSecret)
	}
	return p.token(ctx, form, t, t.Refresh, t.Access, creds.ClientSecret)
}

func (p *Provider) token(ctx context.Context, form url.Values, old platforms.Token, secrets ...string) (platforms.Token, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return platforms.Token{}, &platforms.Error{Message: "could not build the request to LinkedIn", Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	var tj tokenJSON
	if _, err := p.do(req, "", &tj); err != nil {
		if pe, ok := err.(*platforms.Error); ok {
			pe.Message = platforms.CleanMessage(pe.Message, secrets...)
			// A refused code or refresh token means: sign in again.
			if pe.Status == 400 || pe.Status == 401 {
				pe.Kind = platforms.KindReconnect
			}
		}
		return platforms.Token{}, err
	}
	if tj.AccessToken == "" {
		return platforms.Token{}, &platforms.Error{Kind: platforms.KindRetry, Message: "LinkedIn answered the sign-in without a token"}
	}
	now := time.Now()
	t := platforms.Token{Access: tj.AccessToken, Refresh: tj.RefreshToken, Scopes: strings.FieldsFunc(tj.Scope, func(r rune) bool { return r == ',' || r == ' ' })}
	if tj.ExpiresIn > 0 {
		t.Expiry = now.Add(time.Duration(tj.ExpiresIn) * time.Second)
	}
	if tj.RefreshTokenExpiresIn > 0 {
		t.RefreshExpiry = now.Add(time.Duration(tj.RefreshTokenExpiresIn) * time.Second)
	}
	if t.Refresh == "" && old.Refresh != "" {
		// LinkedIn's refresh keeps the refresh token (non-sliding); keep ours.
		t.Refresh, t.RefreshExpiry = old.Refresh, old.RefreshExpiry
	}
	if len(t.Scopes) == 0 {
		t.Scopes = old.Scopes
	}
	return t, nil
}
