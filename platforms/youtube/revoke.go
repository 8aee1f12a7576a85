package youtube

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"localpost/platforms"
)

var _ platforms.Revoker = (*Provider)(nil)

// Revoke withdraws a login at Google (POST https://oauth2.googleapis.com/revoke,
// the token endpoint's sibling, so Config.TokenURL moves both). Google
// revokes the whole grant whichever token is sent; the refresh token is
// preferred as it outlives the access token. The token goes in the form
// body, not the query, so it never appears in an address.
func (p *Provider) Revoke(ctx context.Context, creds platforms.AppCredentials, t platforms.Token) error {
	tok := t.Refresh
	if tok == "" {
		tok = t.Access
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.revokeURL(), strings.NewReader(url.Values{"token": {tok}}.Encode()))
	if err != nil {
		return &platforms.Error{Message: "could not build the request to Google", Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return platforms.DoRevoke(p.cfg.HTTP, req, "Google", t.Access, t.Refresh, creds.ClientSecret)
}

// revokeURL is TokenURL with its last path element "token" replaced by
// "revoke".
func (p *Provider) revokeURL() string {
	if base, ok := strings.CutSuffix(p.cfg.TokenURL, "/token"); ok {
		return base + "/revoke"
	}
	return "https://oauth2.googleapis.com/revoke"
}
