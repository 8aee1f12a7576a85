package fakes_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"localpost/platforms"
	"localpost/platforms/fakes"
)

// TestXMetrics reads two posts' metrics twice through the real client:
// the numbers grow and land under the shared names, an unknown post is
// left out, 103 ids take two calls, followers grow, and every request and
// answer matches X's API description.
func TestXMetrics(t *testing.T) {
	f := fakes.NewX()
	defer f.Close()
	p := xProvider(f)
	ctx := context.Background()
	tok := xConnect(t, f, p)
	ids, err := p.Identities(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	id := ids[0]
	var posted []string
	for _, text := range []string{"metrics one", "metrics two"} {
		res, err := p.Publish(ctx, id, tok, platforms.Post{Text: text}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		posted = append(posted, res.RemoteID)
	}
	if p.MetricsWindow() != 30*24*time.Hour {
		t.Errorf("window %v, want 30 days", p.MetricsWindow())
	}

	// posted[0] first, 100 unknown ids, posted[1] in the second call.
	asked := []string{posted[0]}
	for i := range 100 {
		asked = append(asked, strconv.Itoa(1000+i))
	}
	asked = append(asked, posted[1], posted[0]) // a repeated id is asked once
	first, err := p.PostMetrics(ctx, id, tok, asked)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 {
		t.Fatalf("answer for %d posts, want the 2 that exist: %v", len(first), first)
	}
	lookups := 0
	for _, r := range f.Requests() {
		if r.Method == http.MethodGet && r.Path == "/2/tweets" {
			lookups++
		}
	}
	if lookups != 2 {
		t.Errorf("%d calls to GET /2/tweets for 101 ids, want 2", lookups)
	}
	second, err := p.PostMetrics(ctx, id, tok, posted)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{platforms.MetricImpressions, platforms.MetricLikes, platforms.MetricComments,
		platforms.MetricShares, platforms.MetricQuotes, platforms.MetricSaves}
	checkGrown(t, first, second, posted, names)
	for _, rid := range posted {
		a := first[rid]
		if a[platforms.MetricLikes] > a[platforms.MetricImpressions] {
			t.Errorf("%s: more likes than impressions: %v", rid, a)
		}
	}

	checkFollowersGrow(t, ctx, p, id, tok)

	xCheckAll(t, xLoadSpec(t), f.Requests())
}

// TestXMetricsErrors: a 429 becomes retry-later with X's reset time, a
// revoked login needs a reconnect.
func TestXMetricsErrors(t *testing.T) {
	f := fakes.NewX()
	defer f.Close()
	p := xProvider(f)
	ctx := context.Background()
	tok := xConnect(t, f, p)
	id := platforms.Identity{RemoteID: fakes.XUserID}

	f.FailLookup(1, http.StatusTooManyRequests, time.Hour)
	_, err := p.PostMetrics(ctx, id, tok, []string{"1"})
	var pe *platforms.Error
	if !errors.As(err, &pe) || pe.Kind != platforms.KindRetry || pe.RetryAfter < 50*time.Minute || pe.RetryAfter > time.Hour {
		t.Fatalf("429: %#v, want KindRetry with about an hour to wait", err)
	}
	if got, err := p.PostMetrics(ctx, id, tok, []string{"1"}); err != nil || len(got) != 0 {
		t.Fatalf("after the 429: %v, %v; want an empty answer", got, err)
	}
	f.RevokeAll()
	if _, err := p.PostMetrics(ctx, id, tok, []string{"1"}); !errors.As(err, &pe) || pe.Kind != platforms.KindReconnect {
		t.Errorf("revoked: %v, want KindReconnect", err)
	}
	if _, err := p.AccountMetrics(ctx, id, tok); !errors.As(err, &pe) || pe.Kind != platforms.KindReconnect {
		t.Errorf("revoked, account: %v, want KindReconnect", err)
	}
	xCheckAll(t, xLoadSpec(t), answered(f.Requests()))
}

// answered keeps the requests answered 2xx. Error answers are left out of
// the spec checks: X sends problem JSON and Mastodon {"error"} where the
// descriptions give other shapes (X's flat Error, Mastodon's
// ValidationError with details), as the existing fakes do.
func answered(reqs []fakes.Request) []fakes.Request {
	var out []fakes.Request
	for _, r := range reqs {
		if r.Status >= 200 && r.Status < 300 {
			out = append(out, r)
		}
	}
	return out
}
