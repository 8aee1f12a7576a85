package x

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"localpost/platforms"
)

// lookupMax is how many ids GET /2/tweets takes at once (the ids
// parameter's maxItems in X's API description, x-api-v2.openapi.json).
const lookupMax = 100

// metricsWindow: X gives a post's own-post (non-public) metrics for 30
// days (docs.x.com x-api/fundamentals/metrics); reads are paid per post,
// so the app stops reading older posts and keeps their last numbers.
const metricsWindow = 30 * 24 * time.Hour

var _ platforms.MetricsReader = (*Provider)(nil)

// MetricsWindow is X's 30 days for a post's own metrics.
func (p *Provider) MetricsWindow() time.Duration { return metricsWindow }

// publicMetrics is a Post's public_metrics. X's docs name the reposts
// retweet_count; the API description (xdevplatform/xdk, 2.167) names them
// repost_count. Both are read.
type publicMetrics struct {
	Like       *int64 `json:"like_count"`
	Reply      *int64 `json:"reply_count"`
	Retweet    *int64 `json:"retweet_count"`
	Repost     *int64 `json:"repost_count"`
	Quote      *int64 `json:"quote_count"`
	Bookmark   *int64 `json:"bookmark_count"`
	Impression *int64 `json:"impression_count"`
}

func (m publicMetrics) values() platforms.Values {
	v := platforms.Values{}
	set := func(name string, n *int64) {
		if n != nil {
			v[name] = float64(*n)
		}
	}
	set(platforms.MetricLikes, m.Like)
	set(platforms.MetricComments, m.Reply)
	set(platforms.MetricShares, m.Retweet)
	if m.Retweet == nil {
		set(platforms.MetricShares, m.Repost)
	}
	set(platforms.MetricQuotes, m.Quote)
	set(platforms.MetricSaves, m.Bookmark)
	set(platforms.MetricImpressions, m.Impression)
	return v
}

// PostMetrics reads posts' public metrics, up to 100 a call: GET
// /2/tweets?ids=...&tweet.fields=public_metrics (docs.x.com
// x-api/posts/lookup; tweet.fields per x-api/fundamentals/fields). A post
// that is gone comes back in errors[] (resource-not-found) and is left out.
func (p *Provider) PostMetrics(ctx context.Context, id platforms.Identity, t platforms.Token, remoteIDs []string) (map[string]platforms.Values, error) {
	out := make(map[string]platforms.Values, len(remoteIDs))
	for batch := range chunks(remoteIDs, lookupMax) {
		q := url.Values{"ids": {strings.Join(batch, ",")}, "tweet.fields": {"public_metrics"}}
		var res struct {
			Data []struct {
				ID            string        `json:"id"`
				PublicMetrics publicMetrics `json:"public_metrics"`
			} `json:"data"`
		}
		if err := p.call(ctx, http.MethodGet, p.cfg.APIURL+"/2/tweets?"+q.Encode(), t.Access, nil, &res); err != nil {
			return nil, err
		}
		for _, d := range res.Data {
			if d.ID != "" {
				out[d.ID] = d.PublicMetrics.values()
			}
		}
	}
	return out, nil
}

// AccountMetrics reads the user's followers: GET
// /2/users/me?user.fields=public_metrics (docs.x.com x-api/users/lookup).
func (p *Provider) AccountMetrics(ctx context.Context, id platforms.Identity, t platforms.Token) (platforms.Values, error) {
	var res struct {
		Data struct {
			PublicMetrics struct {
				Followers *int64 `json:"followers_count"`
			} `json:"public_metrics"`
		} `json:"data"`
	}
	q := url.Values{"user.fields": {"public_metrics"}}
	if err := p.call(ctx, http.MethodGet, p.cfg.APIURL+"/2/users/me?"+q.Encode(), t.Access, nil, &res); err != nil {
		return nil, err
	}
	v := platforms.Values{}
	if n := res.Data.PublicMetrics.Followers; n != nil {
		v[platforms.MetricFollowers] = float64(*n)
	}
	return v, nil
}

// chunks yields ids n at a time, skipping empty and repeated ids.
func chunks(ids []string, n int) func(yield func([]string) bool) {
	return func(yield func([]string) bool) {
		seen := make(map[string]bool, len(ids))
		var cur []string
		for _, id := range ids {
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			if cur = append(cur, id); len(cur) == n {
				if !yield(cur) {
					return
				}
				cur = nil
			}
		}
		if len(cur) > 0 {
			yield(cur)
		}
	}
}
