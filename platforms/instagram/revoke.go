package instagram

import (
	"context"

	"localpost/platforms"
)

var _ platforms.Revoker = (*Provider)(nil)

// Revoke withdraws Localpost's access at Meta with the Facebook user token
// the Instagram account was connected through (see facebook.Graph.Revoke).
func (p *Provider) Revoke(ctx context.Context, creds platforms.AppCredentials, t platforms.Token) error {
	return p.g.Revoke(ctx, creds, t)
}
