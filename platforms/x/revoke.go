package x

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"localpost/platforms"
)

var _ platforms.Revoker = (*Provider)(nil)

// Revoke withdraws a login at X (POST /2/oauth2/revoke on the API host, as
// X's OAuth 2.0 guide describes): the refresh token first, so no new
// access token can come of it, then the access token. A public client
// names itself with client_id; a confidential one uses Basic auth, as at
// the token endpoint.
func (p *Provider) Revoke(ctx context.Context, creds platforms.AppCredentials, t platforms.Token) error {
	for _, tok := range []struct{ value, hint string }{{t.Refresh, "refresh_token"}, {t.Access, "access_token"}} {
		if tok.value == "" {
			continue
		}
		form := url.Values{"token": {tok.value}, "token_type_hint": {tok.hint}}
		if creds.ClientSecret == "" {
			form.Set("client_id", creds.ClientID)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.APIURL+"/2/oauth2/revoke", strings.NewReader(form.Encode()))
		if err != nil {
			return &platforms.Error{Message: "could not build the request to X", Err: err}
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if creds.ClientSecret != "" {
			req.SetBasicAuth(url.QueryEscape(creds.ClientID), url.QueryEscape(creds.ClientSecret))
		}
		if err := platforms.DoRevoke(p.cfg.HTTP, req, "X", t.Access, t.Refresh, creds.ClientSecret); err != nil {
			return err
		}
	}
	return nil
}
