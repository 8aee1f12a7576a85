package app

import (
	"net/http"

	"localpost/platforms"
	"localpost/platforms/facebook"
	"localpost/platforms/fbgroup"
	"localpost/platforms/instagram"
	"localpost/platforms/linkedin"
	"localpost/platforms/pinterest"
	"localpost/platforms/tiktok"
	"localpost/platforms/x"
	"localpost/platforms/youtube"
)

// DefaultProviders are the real networks, all through the app's one client.
func DefaultProviders(hc *http.Client) map[platforms.Network]platforms.Provider {
	return map[platforms.Network]platforms.Provider{
		platforms.X:         x.New(x.Config{HTTP: hc}),
		platforms.Facebook:  facebook.New(facebook.Config{HTTP: hc}),
		platforms.FBGroup:   fbgroup.New(),
		platforms.Instagram: instagram.New(facebook.Config{HTTP: hc}),
		platforms.LinkedIn:  linkedin.New(linkedin.Config{HTTP: hc}),
		platforms.Pinterest: pinterest.New(pinterest.Config{HTTP: hc}),
		platforms.TikTok:    tiktok.New(tiktok.Config{HTTP: hc}),
		platforms.YouTube:   youtube.New(youtube.Config{HTTP: hc}),
	}
}
