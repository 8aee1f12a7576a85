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
	"localpost/platforms/mastodon"
)

// TestMastodonMetrics reads statuses' counts twice through the real
// client, with GET /api/v1/statuses (20 ids a call) and, on a server
// without it, one status at a time: the numbers grow and land under the
// shared names, unknown statuses are left out, followers grow, and every
// request and answer matches the API description.
func TestMastodonMetrics(t *testing.T) {
	for _, multi := range []bool{true, false} {
		t.Run("multi="+strconv.FormatBool(multi), func(t *testing.T) {
			f := fakes.NewMastodon()
			defer f.Close()
			f.AutoApprove = true
			f.HideMultiGet(!multi)
			ctx := context.Background()
			c, err := mastodon.New(f.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, token := connect(t, f, c)
			tok := platforms.Token{Access: token}
			id := platforms.Identity{RemoteID: "109000000000000001"}
			var posted []string
			for _, text := range []string{"metrics one", "metrics two"} {
				res, err := c.Publish(ctx, token, platforms.Post{Text: text})
				if err != nil {
					t.Fatal(err)
				}
				posted = append(posted, res.RemoteID)
			}
			if c.MetricsWindow() != 0 {
				t.Errorf("window %v, want 0", c.MetricsWindow())
			}
			// posted[0], 20 unknown ids, posted[1]: two calls of 20 and 2.
			asked := []string{posted[0]}
			for i := range 20 {
				asked = append(asked, strconv.Itoa(990000+i))
			}
			asked = append(asked, posted[1])
			first, err := c.PostMetrics(ctx, id, tok, asked)
			if err != nil {
				t.Fatal(err)
			}
			if len(first) != 2 {
				t.Fatalf("answer for %d statuses, want the 2 that exist: %v", len(first), first)
			}
			var multiCalls, oneCalls int
			for _, r := range f.Requests() {
				switch spec := loadSpec(t).Match(r.Path); {
				case r.Method == http.MethodGet && spec == "/api/v1/statuses":
					multiCalls++
				case r.Method == http.MethodGet && spec == "/api/v1/statuses/{id}":
					oneCalls++
				}
			}
			if multi && (multiCalls != 2 || oneCalls != 0) {
				t.Errorf("%d multi calls and %d single ones for 22 ids, want 2 and 0", multiCalls, oneCalls)
			}
			if !multi && (multiCalls != 1 || oneCalls != 22) {
				t.Errorf("%d multi calls and %d single ones without the multi endpoint, want 1 and 22", multiCalls, oneCalls)
			}
			second, err := c.PostMetrics(ctx, id, tok, posted)
			if err != nil {
				t.Fatal(err)
			}
			names := []string{platforms.MetricLikes, platforms.MetricShares, platforms.MetricComments}
			checkGrown(t, first, second, posted, names)
			checkFollowersGrow(t, ctx, c, id, tok)
			checkAll(t, loadSpec(t), f.Requests())
		})
	}
}

// TestMastodonMetricsErrors: a 429 becomes retry-later with its
// Retry-After, a revoked token needs a reconnect, and the fake refuses
// more than 20 ids as Mastodon does.
func TestMastodonMetricsErrors(t *testing.T) {
	f := fakes.NewMastodon()
	defer f.Close()
	f.AutoApprove = true
	ctx := context.Background()
	c, err := mastodon.New(f.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, token := connect(t, f, c)
	tok := platforms.Token{Access: token}
	id := platforms.Identity{RemoteID: "109000000000000001"}

	f.FailReads(1, http.StatusTooManyRequests, 90*time.Second)
	_, err = c.PostMetrics(ctx, id, tok, []string{"1"})
	var pe *platforms.Error
	if !errors.As(err, &pe) || pe.Kind != platforms.KindRetry || pe.RetryAfter != 90*time.Second {
		t.Fatalf("429: %v, want KindRetry after 90s", err)
	}
	if got, err := c.PostMetrics(ctx, id, tok, []string{"1"}); err != nil || len(got) != 0 {
		t.Fatalf("after the 429: %v, %v; want an empty answer", got, err)
	}

	q := "?"
	for i := range 21 {
		q += "id[]=" + strconv.Itoa(i+1) + "&"
	}
	req, _ := http.NewRequest(http.MethodGet, f.URL+"/api/v1/statuses"+q, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("21 ids: status %d, want 422", resp.StatusCode)
	}

	f.RevokeAll()
	if _, err := c.PostMetrics(ctx, id, tok, []string{"1"}); !errors.As(err, &pe) || pe.Kind != platforms.KindReconnect {
		t.Errorf("revoked: %v, want KindReconnect", err)
	}
	if _, err := c.AccountMetrics(ctx, id, tok); !errors.As(err, &pe) || pe.Kind != platforms.KindReconnect {
		t.Errorf("revoked, account: %v, want KindReconnect", err)
	}
	checkAll(t, loadSpec(t), answered(f.Requests()))
}
