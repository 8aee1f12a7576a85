package pinterest_test

import (
	"testing"

	"localpost/platforms"
	"localpost/platforms/pinterest"
)

// Pinterest's POST /oauth/token/revoke accepts only system users' tokens
// (pinterest-v5.openapi.json, token/revoke), not the user tokens Localpost
// holds, so the client must not pretend to revoke.
func TestNoRevocation(t *testing.T) {
	if _, ok := any(pinterest.New(pinterest.Config{})).(platforms.Revoker); ok {
		t.Fatal("pinterest.Provider implements Revoker, but Pinterest revokes only system users' tokens")
	}
}
