package mastodon

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"localpost/platforms"
)

// statusesMax is how many ids GET /api/v1/statuses takes at once
// (DEFAULT_STATUSES_LIMIT in Mastodon's Api::V1::StatusesController; more
// is a 422).
const statusesMax = 20

var _ platforms.MetricsReader = (*Client)(nil)

// MetricsWindow is 0: a server gives a status's counts as long as it has
// the status.
func (c *Client) MetricsWindow() time.Duration { return 0 }

// statusCounts is the part of a Status entity metrics are read from
// (docs.joinmastodon.org/entities/Status).
type statusCounts struct {
	ID         string `json:"id"`
	Favourites *int64 `json:"favourites_count"`
	Reblogs    *int64 `json:"reblogs_count"`
	Replies    *int64 `json:"replies_count"`
}

func (s statusCounts) values() platforms.Values {
	v := platforms.Values{}
	for name, n := range map[string]*int64{
		platforms.MetricLikes: s.Favourites, platforms.MetricShares: s.Reblogs, platforms.MetricComments: s.Replies,
	} {
		if n != nil {
			v[name] = float64(*n)
		}
	}
	return v
}

// PostMetrics reads statuses' favourites, reblogs and replies: GET
// /api/v1/statuses?id[]=... 20 at a time (Mastodon 4.3+, "View multiple
// statuses", docs.joinmastodon.org/methods/statuses/#index), which leaves
// out statuses it no longer has. A server without it (older Mastodon, most
// forks) answers 404 (or 405) there; then each status is read alone with GET
// /api/v1/statuses/:id and a 404 or 410 (deleted) is left out.
func (c *Client) PostMetrics(ctx context.Context, id platforms.Identity, t platforms.Token, remoteIDs []string) (map[string]platforms.Values, error) {
	out := make(map[string]platforms.Values, len(remoteIDs))
	ids := unique(remoteIDs)
	for start := 0; start < len(ids); start += statusesMax {
		batch := ids[start:min(start+statusesMax, len(ids))]
		q := url.Values{"id[]": batch}
		var sts []statusCounts
		err := c.call(ctx, http.MethodGet, "/api/v1/statuses?"+q.Encode(), t.Access, nil, nil, &sts)
		if noRoute(err) {
			return c.postMetricsOneByOne(ctx, t, ids, out)
		}
		if err != nil {
			return nil, err
		}
		for _, s := range sts {
			if s.ID != "" {
				out[s.ID] = s.values()
			}
		}
	}
	return out, nil
}

// postMetricsOneByOne reads the statuses ids not yet in out one by one.
func (c *Client) postMetricsOneByOne(ctx context.Context, t platforms.Token, ids []string, out map[string]platforms.Values) (map[string]platforms.Values, error) {
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		var s statusCounts
		err := c.call(ctx, http.MethodGet, "/api/v1/statuses/"+url.PathEscape(id), t.Access, nil, nil, &s)
		if notThere(err) {
			continue // deleted
		}
		if err != nil {
			return nil, err
		}
		out[id] = s.values()
	}
	return out, nil
}

// AccountMetrics reads the account's followers: GET
// /api/v1/accounts/verify_credentials (docs.joinmastodon.org/methods/accounts).
func (c *Client) AccountMetrics(ctx context.Context, id platforms.Identity, t platforms.Token) (platforms.Values, error) {
	var a struct {
		Followers *int64 `json:"followers_count"`
	}
	if err := c.call(ctx, http.MethodGet, "/api/v1/accounts/verify_credentials", t.Access, nil, nil, &a); err != nil {
		return nil, err
	}
	v := platforms.Values{}
	if a.Followers != nil {
		v[platforms.MetricFollowers] = float64(*a.Followers)
	}
	return v, nil
}

// noRoute reports an answer of a server that does not have the endpoint.
func noRoute(err error) bool {
	var pe *platforms.Error
	return errors.As(err, &pe) && (pe.Status == http.StatusNotFound || pe.Status == http.StatusMethodNotAllowed ||
		pe.Status == http.StatusNotImplemented)
}

// notThere reports a 404 or 410 answer.
func notThere(err error) bool {
	var pe *platforms.Error
	return errors.As(err, &pe) && (pe.Status == http.StatusNotFound || pe.Status == http.StatusGone)
}

// unique drops empty and repeated ids, keeping the order.
func unique(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	var out []string
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
