package tiktok_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"localpost/platforms"
	"localpost/platforms/fakes"
	"localpost/platforms/tiktok"
)

// publishVideos publishes n public videos and returns their RemoteIDs.
func publishVideos(t *testing.T, p *tiktok.Provider, id platforms.Identity, tok platforms.Token, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		m, _ := video(t, 200+i)
		res, err := p.Publish(context.Background(), id, tok, platforms.Post{Text: "numbers", Media: []platforms.Media{m}, Options: platforms.Options{Privacy: "public"}}, nil, nil)
		if err != nil {
			t.Fatalf("Publish %d: %v", i, err)
		}
		ids = append(ids, res.RemoteID)
	}
	return ids
}

// queries counts the video queries the fake answered.
func queries(f *fakes.TikTok) int {
	n := 0
	for _, r := range f.Requests() {
		if r.Method == "POST" && r.Path == "/v2/video/query/" {
			n++
		}
	}
	return n
}

// TestPostMetricsGrowAndMap publishes two videos and a draft, reads their
// numbers twice and checks the names, that they grew, that an unknown id
// and the draft's publish id are left out (the publish id without a call),
// and that the followers grow too.
func TestPostMetricsGrowAndMap(t *testing.T) {
	f, p, creds := newFake(t)
	tok := connect(t, p, creds)
	id := identity(t, p, tok)
	ctx := context.Background()
	vids := publishVideos(t, p, id, tok, 2)
	m, _ := video(t, 300)
	draft, err := p.Publish(ctx, id, tok, platforms.Post{Text: "draft", Media: []platforms.Media{m}, Options: platforms.Options{Privacy: tiktok.Draft}}, nil, nil)
	if err != nil || !strings.HasPrefix(draft.RemoteID, "v_pub_") {
		t.Fatalf("draft %+v %v", draft, err)
	}
	ids := append(append([]string{}, vids...), "7000000000000000001", draft.RemoteID)
	first, err := p.PostMetrics(ctx, id, tok, ids)
	if err != nil {
		t.Fatal(err)
	}
	second, err := p.PostMetrics(ctx, id, tok, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 || len(second) != 2 {
		t.Fatalf("answers %v / %v, want the two videos only", first, second)
	}
	if n := queries(f); n != 2 {
		t.Errorf("%d video queries, want 2 (one per read; the publish id is never sent)", n)
	}
	for _, rid := range vids {
		for _, n := range []string{platforms.MetricViews, platforms.MetricLikes, platforms.MetricComments, platforms.MetricShares} {
			a, ok1 := first[rid][n]
			b, ok2 := second[rid][n]
			if !ok1 || !ok2 || b <= a {
				t.Errorf("%s %s: %v then %v, want present and growing", rid, n, a, b)
			}
		}
		if v := second[rid]; v[platforms.MetricLikes] > v[platforms.MetricViews] || len(v) != 4 {
			t.Errorf("%s: %v: want exactly views, likes, comments, shares with likes <= views", rid, v)
		}
	}
	a1, err := p.AccountMetrics(ctx, id, tok)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := p.AccountMetrics(ctx, id, tok)
	if err != nil {
		t.Fatal(err)
	}
	if a1[platforms.MetricFollowers] <= 0 || a2[platforms.MetricFollowers] <= a1[platforms.MetricFollowers] {
		t.Errorf("followers %v then %v, want growing", a1, a2)
	}
	if p.MetricsWindow() != 0 {
		t.Error("window")
	}
	// Only publish ids: nothing to ask.
	if got, err := p.PostMetrics(ctx, id, tok, []string{draft.RemoteID, "p_pub_1"}); err != nil || len(got) != 0 {
		t.Fatalf("publish ids only: %v %v", got, err)
	}
	if n := queries(f); n != 2 {
		t.Errorf("%d video queries after publish ids only, want still 2", n)
	}
}

// TestPostMetricsBatches: 25 videos take two queries (TikTok: at most 20
// ids a request), and every video is answered.
func TestPostMetricsBatches(t *testing.T) {
	f, p, creds := newFake(t)
	f.SetInitLimit(100)
	tok := connect(t, p, creds)
	id := identity(t, p, tok)
	vids := publishVideos(t, p, id, tok, 25)
	got, err := p.PostMetrics(context.Background(), id, tok, vids)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 25 {
		t.Fatalf("%d answers, want 25", len(got))
	}
	if n := queries(f); n != 2 {
		t.Fatalf("%d video queries, want 2", n)
	}
}

// TestPostMetricsErrors: a 429 is a retry later with TikTok's Retry-After,
// a revoked login needs a reconnect, and a login without the analytics
// scopes says to reconnect and allow them.
func TestPostMetricsErrors(t *testing.T) {
	f, p, creds := newFake(t)
	tok := connect(t, p, creds)
	id := identity(t, p, tok)
	ctx := context.Background()
	vids := publishVideos(t, p, id, tok, 1)
	f.FailStepCode(fakes.TikTokStepVideoQuery, 1, 429, "", "", 40*time.Second)
	_, err := p.PostMetrics(ctx, id, tok, vids)
	if pe := kindOf(t, err, platforms.KindRetry); pe.RetryAfter != 40*time.Second {
		t.Fatalf("Retry-After %v, want 40s", pe.RetryAfter)
	}
	f.FailStepCode(fakes.TikTokStepUserInfo, 1, 429, "", "", 20*time.Second)
	_, err = p.AccountMetrics(ctx, id, tok)
	if pe := kindOf(t, err, platforms.KindRetry); pe.RetryAfter != 20*time.Second {
		t.Fatalf("account Retry-After %v, want 20s", pe.RetryAfter)
	}

	// A login from before analytics: the scopes are missing.
	old := tiktok.Scopes
	tiktok.Scopes = []string{"user.info.basic", "video.publish", "video.upload"}
	narrow := connect(t, p, creds)
	tiktok.Scopes = old
	_, err = p.PostMetrics(ctx, id, narrow, vids)
	if pe := kindOf(t, err, platforms.KindReconnect); !strings.Contains(pe.Message, "reconnect") || !strings.Contains(pe.Message, "numbers") {
		t.Fatalf("missing scope: %q", pe.Message)
	}
	if _, err := p.AccountMetrics(ctx, id, narrow); platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("missing stats scope: %v", err)
	}

	f.RevokeAll()
	_, err = p.PostMetrics(ctx, id, tok, vids)
	pe := kindOf(t, err, platforms.KindReconnect)
	if strings.Contains(pe.Error(), tok.Access) {
		t.Fatal("the token is in the error")
	}
}
