package instagram_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"localpost/platforms"
	"localpost/platforms/fakes"
)

// TestPostMetricsGrowAndMap publishes two images, reads their numbers
// twice, and checks names, growth, that an unknown id is left out and the
// account's followers.
func TestPostMetricsGrowAndMap(t *testing.T) {
	f := fakes.NewMeta()
	defer f.Close()
	p, acct, tok := account(t, f)
	ctx := context.Background()
	var ids []string
	for _, name := range []string{"a.jpg", "b.jpg"} {
		res, err := p.Publish(ctx, acct, tok, platforms.Post{Text: name, Media: []platforms.Media{img(name)}}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.RemoteID)
	}
	ids = append(ids, "17999999999999999")
	first, err := p.PostMetrics(ctx, acct, tok, ids)
	if err != nil {
		t.Fatal(err)
	}
	second, err := p.PostMetrics(ctx, acct, tok, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 || len(second) != 2 {
		t.Fatalf("answers %v / %v, want the two media and not the unknown id", first, second)
	}
	for _, id := range ids[:2] {
		for _, n := range []string{platforms.MetricLikes, platforms.MetricComments, platforms.MetricReach, platforms.MetricSaves, platforms.MetricShares, platforms.MetricViews} {
			a, ok1 := first[id][n]
			b, ok2 := second[id][n]
			if !ok1 || !ok2 || b <= a {
				t.Errorf("%s %s: %v then %v, want present and growing", id, n, a, b)
			}
		}
	}
	a1, err := p.AccountMetrics(ctx, acct, tok)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := p.AccountMetrics(ctx, acct, tok)
	if err != nil {
		t.Fatal(err)
	}
	if a1[platforms.MetricFollowers] <= 0 || a2[platforms.MetricFollowers] <= a1[platforms.MetricFollowers] {
		t.Errorf("followers %v then %v", a1, a2)
	}

	f.FailMetrics(1, 429, 2*time.Minute)
	_, err = p.PostMetrics(ctx, acct, tok, ids[:1])
	var pe *platforms.Error
	if !errors.As(err, &pe) || pe.Kind != platforms.KindRetry || pe.RetryAfter != 2*time.Minute {
		t.Fatalf("429: %#v", err)
	}
}
