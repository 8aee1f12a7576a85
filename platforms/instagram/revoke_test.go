package instagram_test

import (
	"context"
	"testing"

	"localpost/platforms"
	"localpost/platforms/fakes"
)

func TestRevokeThroughFacebookLogin(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p, _, tok := account(t, f)
	if err := p.Revoke(context.Background(), platforms.AppCredentials{ClientID: f.AppID, ClientSecret: f.AppSecret}, tok); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if f.Revocations() != 1 {
		t.Errorf("revocations = %d, want 1", f.Revocations())
	}
	if _, err := p.Identities(context.Background(), tok); platforms.KindOf(err) != platforms.KindReconnect {
		t.Errorf("the login still works: %v", err)
	}
}
