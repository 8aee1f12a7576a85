// Package fbgroup is Facebook Groups by reminder: Meta removed the Groups
// API for every app on 2024-04-22 (Graph API v19.0 changelog), so Localpost
// cannot post to a group. The app reminds the user at the due time, copies
// the text, opens the group and lets them mark the post as published. This
// provider exists so the app can list the network, show why, and check the
// text against Facebook's limits; every network call refuses clearly.
package fbgroup

import (
	"context"

	"localpost/platforms"
	"localpost/platforms/facebook"
)

// Message is the error every network call returns.
const Message = "Facebook Groups cannot be posted to by any app since April 2024; Localpost reminds you instead"

// Provider is Facebook Groups (reminder only).
type Provider struct{}

var _ platforms.Provider = (*Provider)(nil)

// New returns the reminder-only provider.
func New() *Provider { return &Provider{} }

func refused() error { return &platforms.Error{Kind: platforms.KindFixPost, Message: Message} }

// Info describes the reminder mode.
func (p *Provider) Info() platforms.Info {
	return platforms.Info{
		Network:      platforms.FBGroup,
		Name:         "Facebook Group (reminder)",
		ReminderOnly: true,
		Guide: "Nothing to set up: add the group's address. At the due time Localpost notifies you, copies the text, " +
			"opens the group in your browser and shows the media files; you post and mark it as published.",
		Gates: "Meta removed the Groups API (publish_to_groups and the Groups feed) for all apps on 22 April 2024 " +
			"(Graph API v19.0 changelog), so no app can post to a group; Localpost reminds you instead.",
	}
}

// Limits are those of a Facebook post.
func (p *Provider) Limits() platforms.Limits {
	l := facebook.New(facebook.Config{}).Limits()
	l.NativeSchedule = false
	return l
}

// Authorize returns an empty request: there is nothing to log in to.
func (p *Provider) Authorize(creds platforms.AppCredentials, redirectURI string) platforms.AuthRequest {
	return platforms.AuthRequest{}
}

// Exchange always refuses.
func (p *Provider) Exchange(ctx context.Context, creds platforms.AppCredentials, redirectURI, code, verifier string) (platforms.Token, error) {
	return platforms.Token{}, refused()
}

// Refresh has nothing to refresh.
func (p *Provider) Refresh(ctx context.Context, creds platforms.AppCredentials, t platforms.Token) (platforms.Token, error) {
	return t, platforms.ErrNoRefresh
}

// Identities always refuses: the app asks the user for the group address.
func (p *Provider) Identities(ctx context.Context, t platforms.Token) ([]platforms.Identity, error) {
	return nil, refused()
}

// Publish always refuses; the app must never call it (Info.ReminderOnly).
func (p *Provider) Publish(ctx context.Context, id platforms.Identity, t platforms.Token, post platforms.Post, state []byte, save func([]byte) error) (platforms.Result, error) {
	return platforms.Result{}, refused()
}
