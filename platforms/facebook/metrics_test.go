package facebook_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"localpost/platforms"
	"localpost/platforms/facebook"
	"localpost/platforms/fakes"
)

// TestPostMetricsGrowAndMap publishes a text post and a video, reads their
// numbers twice, and checks the names, that they grew, that an unknown id
// is left out and that the Page's fans are read.
func TestPostMetricsGrowAndMap(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p := facebook.New(cfg(f))
	pg, tok := page(t, f, p)
	ctx := context.Background()
	text, err := p.Publish(ctx, pg, tok, platforms.Post{Text: "numbers"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	vid, err := p.Publish(ctx, pg, tok, platforms.Post{Text: "clip", Media: []platforms.Media{writeVideo(t, 3000)}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{text.RemoteID, vid.RemoteID, fakes.MetaPageID + "_999"}
	first, err := p.PostMetrics(ctx, pg, tok, ids)
	if err != nil {
		t.Fatal(err)
	}
	second, err := p.PostMetrics(ctx, pg, tok, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 || len(second) != 2 {
		t.Fatalf("answers %v / %v, want the two posts and not the unknown id", first, second)
	}
	for _, n := range []string{platforms.MetricImpressions, platforms.MetricLikes, platforms.MetricReactions, platforms.MetricComments, platforms.MetricShares} {
		a, ok1 := first[text.RemoteID][n]
		b, ok2 := second[text.RemoteID][n]
		if !ok1 || !ok2 || b <= a {
			t.Errorf("post %s: %v then %v, want present and growing", n, a, b)
		}
	}
	if v := second[text.RemoteID]; v[platforms.MetricLikes] > v[platforms.MetricReactions] {
		t.Errorf("likes %v > reactions %v", v[platforms.MetricLikes], v[platforms.MetricReactions])
	}
	for _, n := range []string{platforms.MetricViews, platforms.MetricLikes, platforms.MetricComments} {
		if a, b := first[vid.RemoteID][n], second[vid.RemoteID][n]; b <= a {
			t.Errorf("video %s: %v then %v, want growing", n, a, b)
		}
	}
	for _, v := range second {
		if _, ok := v[platforms.MetricEngagement]; ok {
			t.Error("the provider set engagement, which the app derives")
		}
	}
	a1, err := p.AccountMetrics(ctx, pg, tok)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := p.AccountMetrics(ctx, pg, tok)
	if err != nil {
		t.Fatal(err)
	}
	if a1[platforms.MetricFollowers] <= 0 || a2[platforms.MetricFollowers] <= a1[platforms.MetricFollowers] {
		t.Errorf("fans %v then %v", a1, a2)
	}
	if p.MetricsWindow() != 0 {
		t.Error("window")
	}
}

// TestPostMetricsErrors: a 429 is a retry later with Meta's Retry-After, a
// revoked login needs a reconnect.
func TestPostMetricsErrors(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p := facebook.New(cfg(f))
	pg, tok := page(t, f, p)
	ctx := context.Background()
	res, err := p.Publish(ctx, pg, tok, platforms.Post{Text: "numbers"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.FailMetrics(1, 429, 90*time.Second)
	_, err = p.PostMetrics(ctx, pg, tok, []string{res.RemoteID})
	var pe *platforms.Error
	if !errors.As(err, &pe) || pe.Kind != platforms.KindRetry || pe.RetryAfter != 90*time.Second {
		t.Fatalf("429: %#v", err)
	}
	f.FailMetrics(1, 429, 30*time.Second)
	if _, err := p.AccountMetrics(ctx, pg, tok); !errors.As(err, &pe) || pe.Kind != platforms.KindRetry || pe.RetryAfter != 30*time.Second {
		t.Fatalf("429 account: %#v", err)
	}
	f.RevokeAll()
	if _, err := p.PostMetrics(ctx, pg, tok, []string{res.RemoteID}); !errors.As(err, &pe) || pe.Kind != platforms.KindReconnect {
		t.Fatalf("revoked: %#v", err)
	}
}
