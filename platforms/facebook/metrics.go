package facebook

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"localpost/platforms"
)

var _ platforms.MetricsReader = (*Provider)(nil)

// MetricsWindow: Page post numbers stay readable while the post exists.
func (p *Provider) MetricsWindow() time.Duration { return 0 }

// Field expansions that give an edge's total without its rows (Graph API
// field expansion: .summary(true).limit(0)).
const (
	postFields  = "shares,comments.summary(true).limit(0),reactions.summary(true).limit(0)"
	videoFields = "views,comments.summary(true).limit(0),likes.summary(true).limit(0)"
	// Page Post insights, v23 (research §3.3): post_media_view replaces
	// post_impressions (times shown); post_reactions_by_type_total gives
	// the LIKE count inside all reactions.
	postInsights = "post_media_view,post_reactions_by_type_total"
)

// PostMetrics reads each post on its own: Graph's ?ids=a,b form fails the
// whole answer when one id is gone, and a Page post and a video are
// different nodes. Page posts ("{page}_{post}", Page Post reference): GET
// /{id}?fields=shares,comments.summary(true),reactions.summary(true) and
// GET /{id}/insights. Videos (Publish stores the video id; Video
// reference): GET /{id}?fields=views,comments.summary(true),likes.summary(true).
// A post Graph no longer has (code 100, subcode 33) is left out.
func (p *Provider) PostMetrics(ctx context.Context, id platforms.Identity, t platforms.Token, remoteIDs []string) (map[string]platforms.Values, error) {
	token := id.Token
	if token == "" {
		token = t.Access
	}
	out := map[string]platforms.Values{}
	for _, rid := range remoteIDs {
		v, err := p.postMetrics(ctx, token, rid)
		if isNoObject(err) {
			continue
		}
		if err != nil {
			return out, err
		}
		out[rid] = v
	}
	return out, nil
}

type edgeSummary struct {
	Summary struct {
		TotalCount float64 `json:"total_count"`
	} `json:"summary"`
}

func (p *Provider) postMetrics(ctx context.Context, token, rid string) (platforms.Values, error) {
	path := "/" + url.PathEscape(rid)
	if !strings.Contains(rid, "_") {
		var vid struct {
			Views    *float64    `json:"views"`
			Comments edgeSummary `json:"comments"`
			Likes    edgeSummary `json:"likes"`
		}
		if err := p.g.Call(ctx, http.MethodGet, path, token, url.Values{"fields": {videoFields}}, &vid); err != nil {
			return nil, err
		}
		v := platforms.Values{platforms.MetricComments: vid.Comments.Summary.TotalCount, platforms.MetricLikes: vid.Likes.Summary.TotalCount}
		if vid.Views != nil {
			v[platforms.MetricViews] = *vid.Views
		}
		return v, nil
	}
	var post struct {
		Shares *struct {
			Count float64 `json:"count"`
		} `json:"shares"`
		Comments  edgeSummary `json:"comments"`
		Reactions edgeSummary `json:"reactions"`
	}
	if err := p.g.Call(ctx, http.MethodGet, path, token, url.Values{"fields": {postFields}}, &post); err != nil {
		return nil, err
	}
	// Graph leaves shares out until the first share.
	v := platforms.Values{platforms.MetricShares: 0, platforms.MetricComments: post.Comments.Summary.TotalCount,
		platforms.MetricReactions: post.Reactions.Summary.TotalCount}
	if post.Shares != nil {
		v[platforms.MetricShares] = post.Shares.Count
	}
	var ins insightsAnswer
	if err := p.g.Call(ctx, http.MethodGet, path+"/insights", token, url.Values{"metric": {postInsights}}, &ins); err != nil {
		return nil, err
	}
	for _, d := range ins.Data {
		if len(d.Values) == 0 {
			continue
		}
		val := d.Values[len(d.Values)-1].Value
		switch d.Name {
		case "post_media_view":
			if n, ok := val.(float64); ok {
				v[platforms.MetricImpressions] = n
			}
		case "post_reactions_by_type_total":
			if m, ok := val.(map[string]any); ok {
				n, _ := m["like"].(float64)
				v[platforms.MetricLikes] = n
			}
		}
	}
	return v, nil
}

// insightsAnswer is an /insights answer: one entry per metric, the newest
// value last (a number, or an object for *_by_type metrics).
type insightsAnswer struct {
	Data []struct {
		Name   string `json:"name"`
		Values []struct {
			Value any `json:"value"`
		} `json:"values"`
	} `json:"data"`
}

// AccountMetrics reads the Page's fans (Page reference: fan_count, the
// people who like the Page, labelled "Fans"), else its followers_count.
func (p *Provider) AccountMetrics(ctx context.Context, id platforms.Identity, t platforms.Token) (platforms.Values, error) {
	token := id.Token
	if token == "" {
		token = t.Access
	}
	var page struct {
		FanCount       *float64 `json:"fan_count"`
		FollowersCount *float64 `json:"followers_count"`
	}
	if err := p.g.Call(ctx, http.MethodGet, "/"+url.PathEscape(id.RemoteID), token, url.Values{"fields": {"fan_count,followers_count"}}, &page); err != nil {
		return nil, err
	}
	v := platforms.Values{}
	switch {
	case page.FanCount != nil:
		v[platforms.MetricFollowers] = *page.FanCount
	case page.FollowersCount != nil:
		v[platforms.MetricFollowers] = *page.FollowersCount
	}
	return v, nil
}

// isNoObject says whether err is Graph's "object does not exist" (code 100,
// subcode 33), which ErrorFromResponse maps to KindDisconnected with 400.
func isNoObject(err error) bool {
	var pe *platforms.Error
	return errors.As(err, &pe) && pe.Kind == platforms.KindDisconnected && pe.Status == http.StatusBadRequest
}

// IsNoObject is isNoObject for the instagram package.
func IsNoObject(err error) bool { return isNoObject(err) }
