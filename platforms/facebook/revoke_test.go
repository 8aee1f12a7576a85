package facebook_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"localpost/platforms"
	"localpost/platforms/facebook"
	"localpost/platforms/fakes"
)

func TestRevokeDeauthorizesTheApp(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p := facebook.New(cfg(f))
	id, tok := page(t, f, p)
	if err := p.Revoke(context.Background(), creds(f), tok); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if f.Revocations() != 1 {
		t.Errorf("revocations = %d, want 1", f.Revocations())
	}
	if _, err := p.Identities(context.Background(), tok); platforms.KindOf(err) != platforms.KindReconnect {
		t.Errorf("the user token still works: %v", err)
	}
	// The Page token came from the same login: it ends with it.
	_, err := p.Publish(context.Background(), id, tok, platforms.Post{Text: "after revoke"}, nil, nil)
	if platforms.KindOf(err) != platforms.KindReconnect {
		t.Errorf("the Page token still works: %v", err)
	}
	spec, err := fakes.LoadGraphSpec(filepath.Join("..", "fakes", "testdata", "facebook-graph-api"), fakes.MetaVersion)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range f.Requests() {
		if strings.HasSuffix(r.Path, "/permissions") {
			n++
			for _, e := range spec.Check(r, f.NodeType) {
				t.Error(e)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d permission requests", n)
	}
	err = p.Revoke(context.Background(), creds(f), tok)
	if err == nil || strings.Contains(err.Error(), tok.Access) || strings.Contains(err.Error(), creds(f).ClientSecret) {
		t.Fatalf("revoking a dead token: %v", err)
	}
}
