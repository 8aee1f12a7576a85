package x_test

import (
	"context"
	"strings"
	"testing"

	"localpost/platforms"
	"localpost/platforms/fakes"
)

func TestRevokeEndsTheLogin(t *testing.T) {
	f := fakes.NewX()
	defer f.Close()
	p := newProvider(f)
	tok := connect(t, f, p)
	identity(t, p, tok)
	if tok.Refresh == "" {
		t.Fatal("no refresh token to revoke")
	}
	if err := p.Revoke(context.Background(), creds, tok); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if n := f.Revocations(); n != 2 {
		t.Errorf("revocations = %d, want 2 (refresh and access token)", n)
	}
	if _, err := p.Identities(context.Background(), tok); platforms.KindOf(err) != platforms.KindReconnect {
		t.Errorf("the revoked access token still works: %v", err)
	}
	if _, err := p.Refresh(context.Background(), creds, tok); platforms.KindOf(err) != platforms.KindReconnect {
		t.Errorf("the revoked refresh token still works: %v", err)
	}
	for _, r := range f.Requests() {
		if r.Path == "/2/oauth2/revoke" && (!strings.Contains(string(r.Body), "client_id="+fakes.XClientID) || r.Auth != "") {
			t.Errorf("a public client names itself in the form, without Basic auth: %q auth %q", r.Body, r.Auth)
		}
	}
}

func TestRevokeConfidentialClientAndRefusal(t *testing.T) {
	f := fakes.NewX()
	defer f.Close()
	p := newProvider(f)
	tok := connect(t, f, p)
	const id, secret = "confidential-client", "s3cret-value-never-shown"
	f.AddClient(id, secret, fakes.XRedirectURI)
	// A wrong secret: X refuses and the error names neither token nor secret.
	err := p.Revoke(context.Background(), platforms.AppCredentials{ClientID: id, ClientSecret: "wrong-" + secret}, tok)
	if err == nil {
		t.Fatal("a refused revocation reported success")
	}
	for _, s := range []string{tok.Access, tok.Refresh, secret} {
		if strings.Contains(err.Error(), s) {
			t.Fatalf("error text holds a secret: %v", err)
		}
	}
	if !strings.Contains(err.Error(), "X did not confirm") {
		t.Errorf("error does not say what happened: %v", err)
	}
	if f.Revocations() != 0 {
		t.Error("the fake granted a refused revocation")
	}
	identity(t, p, tok) // still works
}
