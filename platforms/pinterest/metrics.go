package pinterest

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"localpost/platforms"
)

// metricsWindow: Pin analytics reach back at most 90 days (start_date
// "Cannot be more than 90 days back from today", GET
// /pins/{pin_id}/analytics in pinterest-v5.openapi.json).
const metricsWindow = 90 * 24 * time.Hour

// pinMetricTypes are read for every Pin, with their shared names.
var pinMetricTypes = []struct{ typ, name string }{
	{"IMPRESSION", platforms.MetricImpressions},
	{"PIN_CLICK", platforms.MetricClicks},
	{"OUTBOUND_CLICK", platforms.MetricOutboundClicks},
	{"SAVE", platforms.MetricSaves},
}

var _ platforms.MetricsReader = (*Provider)(nil)

// MetricsWindow is Pinterest's 90 days of Pin analytics.
func (p *Provider) MetricsWindow() time.Duration { return metricsWindow }

// PostMetrics reads each Pin's impressions, clicks, outbound clicks and
// saves over the last 90 days (the most Pinterest gives): GET
// /v5/pins/{pin_id}/analytics, one Pin a call (the endpoint takes no
// list), the period's summary_metrics of the "all" group. A Pin that is
// gone (404) is left out.
func (p *Provider) PostMetrics(ctx context.Context, id platforms.Identity, t platforms.Token, remoteIDs []string) (map[string]platforms.Values, error) {
	today := time.Now().UTC()
	var types []string
	for _, m := range pinMetricTypes {
		types = append(types, m.typ)
	}
	q := url.Values{
		// 89 days back: a clock a little ahead of Pinterest's must not
		// make the range longer than 90 days there.
		"start_date":   {today.AddDate(0, 0, -89).Format(time.DateOnly)},
		"end_date":     {today.Format(time.DateOnly)},
		"metric_types": {strings.Join(types, ",")},
	}
	out := make(map[string]platforms.Values, len(remoteIDs))
	for _, pin := range remoteIDs {
		if _, done := out[pin]; done || pin == "" {
			continue
		}
		var res map[string]struct {
			Summary map[string]float64 `json:"summary_metrics"`
		}
		err := p.get(ctx, "/pins/"+url.PathEscape(pin)+"/analytics", q, t.Access, &res)
		var pe *platforms.Error
		if errors.As(err, &pe) && pe.Status == http.StatusNotFound {
			continue // deleted
		}
		if err != nil {
			return nil, err
		}
		group, ok := res["all"]
		if !ok {
			for _, g := range res { // split by app type: there is one group only when not split
				group = g
				break
			}
		}
		v := platforms.Values{}
		for _, m := range pinMetricTypes {
			if x, ok := group.Summary[m.typ]; ok {
				v[m.name] = x
			}
		}
		out[pin] = v
	}
	return out, nil
}

// AccountMetrics reads the account's followers: GET /v5/user_account
// (Account.follower_count, pinterest-v5.openapi.json).
func (p *Provider) AccountMetrics(ctx context.Context, id platforms.Identity, t platforms.Token) (platforms.Values, error) {
	var a struct {
		Followers *int64 `json:"follower_count"`
	}
	if err := p.get(ctx, "/user_account", nil, t.Access, &a); err != nil {
		return nil, err
	}
	v := platforms.Values{}
	if a.Followers != nil {
		v[platforms.MetricFollowers] = float64(*a.Followers)
	}
	return v, nil
}
