package tiktok

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"localpost/platforms"
)

var _ platforms.MetricsReader = (*Provider)(nil)

// queryBatch is how many ids one video query takes ("Up to 20 video IDs
// can be included per request", developers.tiktok.com/doc/tiktok-api-v2-video-query).
const queryBatch = 20

// Fields read (Video Object: like_count, comment_count, share_count,
// view_count; User Object: follower_count with user.info.stats).
const (
	videoFields = "id,like_count,comment_count,share_count,view_count"
	userFields  = "open_id,follower_count"
)

// MetricsWindow: TikTok gives a video's counts while it exists.
func (p *Provider) MetricsWindow() time.Duration { return 0 }

type videoJSON struct {
	ID           string   `json:"id"`
	LikeCount    *float64 `json:"like_count"`
	CommentCount *float64 `json:"comment_count"`
	ShareCount   *float64 `json:"share_count"`
	ViewCount    *float64 `json:"view_count"`
}

// PostMetrics reads videos 20 at a time: POST /v2/video/query/?fields=…
// with {"filters":{"video_ids":[…]}} (scope video.list). TikTok answers
// only the ids that are the user's videos, so a deleted one is left out.
// A RemoteID that is a publish id (v_pub_…, p_pub_…: TikTok gave no post
// id, e.g. a private or draft post, see result) cannot be queried and is
// skipped without a call; only all-digit ids are sent.
func (p *Provider) PostMetrics(ctx context.Context, id platforms.Identity, t platforms.Token, remoteIDs []string) (map[string]platforms.Values, error) {
	var ids []string
	for _, rid := range remoteIDs {
		if rid != "" && strings.Trim(rid, "0123456789") == "" {
			ids = append(ids, rid)
		}
	}
	out := map[string]platforms.Values{}
	for start := 0; start < len(ids); start += queryBatch {
		batch := ids[start:min(start+queryBatch, len(ids))]
		var data struct {
			Videos []videoJSON `json:"videos"`
		}
		body := map[string]any{"filters": map[string]any{"video_ids": batch}}
		if err := p.apiCall(ctx, http.MethodPost, "/v2/video/query/?fields="+videoFields, t.Access, body, &data); err != nil {
			return out, metricsError(err)
		}
		for _, v := range data.Videos {
			if v.ID == "" {
				continue
			}
			vals := platforms.Values{}
			set := func(name string, x *float64) {
				if x != nil {
					vals[name] = *x
				}
			}
			set(platforms.MetricLikes, v.LikeCount)
			set(platforms.MetricComments, v.CommentCount)
			set(platforms.MetricShares, v.ShareCount)
			set(platforms.MetricViews, v.ViewCount)
			out[v.ID] = vals
		}
	}
	return out, nil
}

// AccountMetrics reads the followers: GET /v2/user/info/?fields=open_id,follower_count
// (scope user.info.stats, developers.tiktok.com/doc/tiktok-api-v2-get-user-info).
func (p *Provider) AccountMetrics(ctx context.Context, id platforms.Identity, t platforms.Token) (platforms.Values, error) {
	var data struct {
		User struct {
			FollowerCount *float64 `json:"follower_count"`
		} `json:"user"`
	}
	if err := p.apiCall(ctx, http.MethodGet, "/v2/user/info/?fields="+userFields, t.Access, nil, &data); err != nil {
		return nil, metricsError(err)
	}
	v := platforms.Values{}
	if data.User.FollowerCount != nil {
		v[platforms.MetricFollowers] = *data.User.FollowerCount
	}
	return v, nil
}

// metricsError rewords a missing scope: logins made before Localpost read
// numbers lack video.list and user.info.stats.
func metricsError(err error) error {
	var pe *platforms.Error
	if errors.As(err, &pe) && pe.Err != nil && strings.Contains(pe.Err.Error(), "scope_not_authorized") {
		pe.Message = "The TikTok login does not allow Localpost to read the account's numbers; reconnect the account and allow every permission"
	}
	return err
}
