package instagram

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"localpost/platforms"
	"localpost/platforms/facebook"
)

var _ platforms.MetricsReader = (*Provider)(nil)

// MetricsWindow: media numbers stay readable while the media exists.
func (p *Provider) MetricsWindow() time.Duration { return 0 }

// mediaInsights are the IG Media insights read (IG Media Insights
// reference; research §3.3: views, reach, saved, likes, comments, shares).
const mediaInsights = "reach,saved,shares,views"

// PostMetrics reads each media on its own (IG Media reference: GET
// /{media}?fields=like_count,comments_count, then GET
// /{media}/insights?metric=reach,saved,shares,views); Graph's ?ids= form
// would fail the whole answer for one deleted media. Media Graph no
// longer has (code 100, subcode 33) is left out.
func (p *Provider) PostMetrics(ctx context.Context, id platforms.Identity, t platforms.Token, remoteIDs []string) (map[string]platforms.Values, error) {
	token := id.Token
	if token == "" {
		token = t.Access
	}
	out := map[string]platforms.Values{}
	for _, rid := range remoteIDs {
		v, err := p.mediaMetrics(ctx, token, rid)
		if facebook.IsNoObject(err) {
			continue
		}
		if err != nil {
			return out, err
		}
		out[rid] = v
	}
	return out, nil
}

func (p *Provider) mediaMetrics(ctx context.Context, token, rid string) (platforms.Values, error) {
	path := "/" + url.PathEscape(rid)
	var m struct {
		LikeCount     *float64 `json:"like_count"`
		CommentsCount *float64 `json:"comments_count"`
	}
	if err := p.g.Call(ctx, http.MethodGet, path, token, url.Values{"fields": {"like_count,comments_count"}}, &m); err != nil {
		return nil, err
	}
	v := platforms.Values{}
	if m.LikeCount != nil { // hidden like counts are left out
		v[platforms.MetricLikes] = *m.LikeCount
	}
	if m.CommentsCount != nil {
		v[platforms.MetricComments] = *m.CommentsCount
	}
	var ins struct {
		Data []struct {
			Name   string `json:"name"`
			Values []struct {
				Value float64 `json:"value"`
			} `json:"values"`
		} `json:"data"`
	}
	if err := p.g.Call(ctx, http.MethodGet, path+"/insights", token, url.Values{"metric": {mediaInsights}}, &ins); err != nil {
		return nil, err
	}
	names := map[string]string{"reach": platforms.MetricReach, "saved": platforms.MetricSaves,
		"shares": platforms.MetricShares, "views": platforms.MetricViews}
	for _, d := range ins.Data {
		if n, ok := names[d.Name]; ok && len(d.Values) > 0 {
			v[n] = d.Values[len(d.Values)-1].Value
		}
	}
	return v, nil
}

// AccountMetrics reads the account's followers (IG User reference:
// followers_count).
func (p *Provider) AccountMetrics(ctx context.Context, id platforms.Identity, t platforms.Token) (platforms.Values, error) {
	token := id.Token
	if token == "" {
		token = t.Access
	}
	var u struct {
		FollowersCount *float64 `json:"followers_count"`
	}
	if err := p.g.Call(ctx, http.MethodGet, "/"+url.PathEscape(id.RemoteID), token, url.Values{"fields": {"followers_count"}}, &u); err != nil {
		return nil, err
	}
	v := platforms.Values{}
	if u.FollowersCount != nil {
		v[platforms.MetricFollowers] = *u.FollowersCount
	}
	return v, nil
}
