package tiktok_test

import (
	"context"
	"strings"
	"testing"

	"localpost/platforms"
)

func TestRevokeEndsTheLogin(t *testing.T) {
	f, p, creds := newFake(t)
	tok := connect(t, p, creds)
	identity(t, p, tok)
	if err := p.Revoke(context.Background(), creds, tok); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if f.Revocations() != 1 {
		t.Errorf("revocations = %d, want 1", f.Revocations())
	}
	if _, err := p.Identities(context.Background(), tok); platforms.KindOf(err) != platforms.KindReconnect {
		t.Errorf("the revoked access token still works: %v", err)
	}
	if _, err := p.Refresh(context.Background(), creds, tok); platforms.KindOf(err) != platforms.KindReconnect {
		t.Errorf("the refresh token of a revoked login still works: %v", err)
	}
	// Again: TikTok no longer knows the token; the error holds no secret.
	err := p.Revoke(context.Background(), creds, tok)
	if err == nil {
		t.Fatal("revoking an unknown token reported success")
	}
	for _, s := range []string{tok.Access, tok.Refresh, creds.ClientSecret} {
		if strings.Contains(err.Error(), s) {
			t.Fatalf("error text holds a secret: %v", err)
		}
	}
}
