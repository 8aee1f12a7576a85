package facebook

import (
	"context"
	"net/http"

	"localpost/platforms"
)

var _ platforms.Revoker = (*Provider)(nil)

// Revoke withdraws Localpost's access at Meta: DELETE /me/permissions with
// the user token de-authorizes the app for that Facebook user (Graph API
// "User permissions" reference; User DELETE permissions in Meta's API
// description). It ends every Page and Instagram token of that login too.
func (p *Provider) Revoke(ctx context.Context, creds platforms.AppCredentials, t platforms.Token) error {
	return p.g.Revoke(ctx, creds, t)
}

// Revoke is DELETE /{version}/me/permissions with the user token in the
// Authorization header.
func (g *Graph) Revoke(ctx context.Context, creds platforms.AppCredentials, t platforms.Token) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, g.cfg.GraphURL+"/"+Version+"/me/permissions", nil)
	if err != nil {
		return &platforms.Error{Message: "could not build the request to Facebook", Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+t.Access)
	return platforms.DoRevoke(g.cfg.HTTP, req, "Meta", t.Access, t.Refresh, creds.ClientSecret)
}
