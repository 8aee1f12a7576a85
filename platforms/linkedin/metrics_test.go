package linkedin_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"localpost/platforms"
	"localpost/platforms/fakes"
	"localpost/platforms/linkedin"
)

// publishTexts publishes n text posts as id and returns their URNs.
func publishTexts(t *testing.T, p *linkedin.Provider, id platforms.Identity, tok platforms.Token, n int) []string {
	t.Helper()
	var urns []string
	for i := range n {
		res, err := p.Publish(context.Background(), id, tok, platforms.Post{Text: "numbers " + strings.Repeat("x", i)}, nil, nil)
		if err != nil {
			t.Fatalf("Publish %d: %v", i, err)
		}
		urns = append(urns, res.RemoteID)
	}
	return urns
}

// calls counts the fake's answered requests to path.
func calls(f *fakes.LinkedIn, path string) int {
	n := 0
	for _, r := range f.Requests() {
		if r.Method == http.MethodGet && strings.HasPrefix(r.Path, path) {
			n++
		}
	}
	return n
}

// TestOrgPostMetricsGrowAndMap: a page's posts read twice through the share
// statistics grow, map to the shared names, an unknown post is left out,
// and the page's followers grow.
func TestOrgPostMetricsGrowAndMap(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := newProvider(f)
	tok := connect(t, f, p)
	_, org := identities(t, p, tok)
	ctx := context.Background()
	urns := publishTexts(t, p, org, tok, 2)
	ids := append(append([]string{}, urns...), "urn:li:share:1")
	first, err := p.PostMetrics(ctx, org, tok, ids)
	if err != nil {
		t.Fatal(err)
	}
	second, err := p.PostMetrics(ctx, org, tok, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 || len(second) != 2 {
		t.Fatalf("answers %v / %v, want the two posts and not the unknown one", first, second)
	}
	names := []string{platforms.MetricImpressions, platforms.MetricClicks, platforms.MetricLikes, platforms.MetricComments, platforms.MetricShares}
	for _, u := range urns {
		for _, n := range names {
			a, ok1 := first[u][n]
			b, ok2 := second[u][n]
			if !ok1 || !ok2 || b <= a {
				t.Errorf("%s %s: %v then %v, want present and growing", u, n, a, b)
			}
		}
		if v := second[u]; len(v) != len(names) || v[platforms.MetricLikes] > v[platforms.MetricImpressions] {
			t.Errorf("%s: %v", u, v)
		}
	}
	if n := calls(f, "/rest/organizationalEntityShareStatistics"); n != 2 {
		t.Errorf("%d statistics calls, want 2", n)
	}
	a1, err := p.AccountMetrics(ctx, org, tok)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := p.AccountMetrics(ctx, org, tok)
	if err != nil {
		t.Fatal(err)
	}
	if a1[platforms.MetricFollowers] <= 0 || a2[platforms.MetricFollowers] <= a1[platforms.MetricFollowers] {
		t.Errorf("followers %v then %v, want growing", a1, a2)
	}
	if p.MetricsWindow() != 365*24*time.Hour {
		t.Errorf("window %v", p.MetricsWindow())
	}
}

// TestOrgPostMetricsBatches: 25 posts take two statistics calls (the
// fake takes at most 20 posts a call) and all are answered.
func TestOrgPostMetricsBatches(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := newProvider(f)
	tok := connect(t, f, p)
	_, org := identities(t, p, tok)
	urns := publishTexts(t, p, org, tok, 25)
	got, err := p.PostMetrics(context.Background(), org, tok, urns)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 25 {
		t.Fatalf("%d answers, want 25", len(got))
	}
	if n := calls(f, "/rest/organizationalEntityShareStatistics"); n != 2 {
		t.Fatalf("%d statistics calls, want 2", n)
	}
}

// TestMemberPostMetrics: a profile's posts need r_member_social, which
// LinkedIn grants approved partners only: without it the reading stops
// with an error that does not ask for a reconnect; with it likes and
// comments are read and grow, and a deleted post is left out. A profile
// has no followers to read.
func TestMemberPostMetrics(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := newProvider(f)
	tok := connect(t, f, p)
	member, _ := identities(t, p, tok)
	ctx := context.Background()
	urns := publishTexts(t, p, member, tok, 1)
	_, err := p.PostMetrics(ctx, member, tok, urns)
	var pe *platforms.Error
	if !errors.As(err, &pe) || pe.Kind == platforms.KindReconnect || !strings.Contains(pe.Message, "r_member_social") {
		t.Fatalf("without r_member_social: %#v", err)
	}
	f.GrantScope("r_member_social")
	ids := append(append([]string{}, urns...), "urn:li:share:1")
	first, err := p.PostMetrics(ctx, member, tok, ids)
	if err != nil {
		t.Fatal(err)
	}
	second, err := p.PostMetrics(ctx, member, tok, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 1 || len(second) != 1 {
		t.Fatalf("answers %v / %v, want the one post", first, second)
	}
	for _, n := range []string{platforms.MetricLikes, platforms.MetricComments} {
		if a, b := first[urns[0]][n], second[urns[0]][n]; b <= a {
			t.Errorf("%s: %v then %v, want growing", n, a, b)
		}
	}
	if a, err := p.AccountMetrics(ctx, member, tok); err != nil || len(a) != 0 {
		t.Fatalf("member account: %v %v, want empty", a, err)
	}
	if n := calls(f, "/rest/networkSizes/"); n != 0 {
		t.Errorf("%d follower calls for a member", n)
	}
}

// TestMetricsErrors: a 429 is a retry later with LinkedIn's Retry-After,
// a revoked login needs a reconnect, and no message holds the token.
func TestMetricsErrors(t *testing.T) {
	f := fakes.NewLinkedIn()
	defer f.Close()
	p := newProvider(f)
	tok := connect(t, f, p)
	_, org := identities(t, p, tok)
	ctx := context.Background()
	urns := publishTexts(t, p, org, tok, 1)
	var pe *platforms.Error
	f.FailMetrics(1, http.StatusTooManyRequests, 45*time.Second)
	if _, err := p.PostMetrics(ctx, org, tok, urns); !errors.As(err, &pe) || pe.Kind != platforms.KindRetry || pe.RetryAfter != 45*time.Second {
		t.Fatalf("429: %#v", err)
	}
	f.FailMetrics(1, http.StatusTooManyRequests, 15*time.Second)
	if _, err := p.AccountMetrics(ctx, org, tok); !errors.As(err, &pe) || pe.Kind != platforms.KindRetry || pe.RetryAfter != 15*time.Second {
		t.Fatalf("429 account: %#v", err)
	}
	// A page the member does not administer: a 403 that says what to do.
	other := org
	other.RemoteID, other.Extra = "999", map[string]string{linkedin.ExtraAuthor: "urn:li:organization:999"}
	if _, err := p.PostMetrics(ctx, other, tok, urns); !errors.As(err, &pe) || pe.Kind != platforms.KindReconnect || !strings.Contains(pe.Message, "ADMINISTRATOR") {
		t.Fatalf("403: %#v", err)
	}
	f.RevokeAll()
	_, err := p.PostMetrics(ctx, org, tok, urns)
	if !errors.As(err, &pe) || pe.Kind != platforms.KindReconnect {
		t.Fatalf("revoked: %#v", err)
	}
	if strings.Contains(pe.Error(), tok.Access) {
		t.Fatal("the token is in the error")
	}
	if _, err := p.AccountMetrics(ctx, org, tok); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("revoked account: %v", err)
	}
}
