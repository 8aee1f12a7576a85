package tiktok

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"localpost/platforms"
)

var _ platforms.Revoker = (*Provider)(nil)

// Revoke withdraws a login at TikTok (POST /v2/oauth/revoke/ with the
// app's client key and secret and the user access token, per TikTok's
// "Revoke a User Access Token"); TikTok then drops Localpost from the
// user's connected apps. An empty answer is success.
func (p *Provider) Revoke(ctx context.Context, creds platforms.AppCredentials, t platforms.Token) error {
	form := url.Values{
		"client_key":    {creds.ClientID},
		"client_secret": {creds.ClientSecret},
		"token":         {t.Access},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.apiURL+"/v2/oauth/revoke/", strings.NewReader(form.Encode()))
	if err != nil {
		return &platforms.Error{Message: "could not build the request to TikTok", Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return platforms.DoRevoke(p.http, req, "TikTok", t.Access, t.Refresh, creds.ClientSecret)
}
