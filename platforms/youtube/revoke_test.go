package youtube_test

import (
	"context"
	"strings"
	"testing"

	"localpost/platforms"
)

func TestRevokeEndsTheGrant(t *testing.T) {
	f, p, creds := setup(t)
	tok := connect(t, f, p, creds)
	if _, err := p.Identities(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	if err := p.Revoke(context.Background(), creds, tok); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if f.Revocations() != 1 {
		t.Errorf("revocations = %d, want 1", f.Revocations())
	}
	for _, r := range f.Requests() {
		if r.Path == "/revoke" && r.Query != "" {
			t.Errorf("the token travelled in the address: %q", r.Query)
		}
	}
	if _, err := p.Identities(context.Background(), tok); platforms.KindOf(err) != platforms.KindReconnect {
		t.Errorf("the access token of a revoked grant still works: %v", err)
	}
	if _, err := p.Refresh(context.Background(), creds, tok); platforms.KindOf(err) != platforms.KindReconnect {
		t.Errorf("the revoked refresh token still works: %v", err)
	}
	err := p.Revoke(context.Background(), creds, tok)
	if err == nil || !strings.Contains(err.Error(), "Google did not confirm") {
		t.Fatalf("revoking again: %v", err)
	}
	for _, s := range []string{tok.Access, tok.Refresh, creds.ClientSecret} {
		if strings.Contains(err.Error(), s) {
			t.Fatalf("error text holds a secret: %v", err)
		}
	}
}
