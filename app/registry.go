package app

import (
	"net/http"

	"localpost/platforms"
)

// DefaultProviders are the real networks, all through the app's one client.
func DefaultProviders(hc *http.Client) map[platforms.Network]platforms.Provider {
	return map[platforms.Network]platforms.Provider{}
}
