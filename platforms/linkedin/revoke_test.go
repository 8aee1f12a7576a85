package linkedin_test

import (
	"testing"

	"localpost/platforms"
	"localpost/platforms/linkedin"
)

// LinkedIn documents no token revocation for apps (the member removes the
// app under Settings → Data privacy → Permitted services), so the client
// must not pretend to revoke.
func TestNoRevocation(t *testing.T) {
	if _, ok := any(linkedin.New(linkedin.Config{})).(platforms.Revoker); ok {
		t.Fatal("linkedin.Provider implements Revoker, but LinkedIn documents no revocation endpoint")
	}
}
