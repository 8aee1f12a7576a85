package youtube

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"localpost/platforms"
)

// videosMax is how many ids one videos.list call is given: the id filter
// takes a comma-separated list, answered in one page of at most 50
// (maxResults' maximum; maxResults itself is not used with id),
// developers.google.com/youtube/v3/docs/videos/list.
const videosMax = 50

var _ platforms.MetricsReader = (*Provider)(nil)

// MetricsWindow is 0: YouTube gives a video's statistics as long as the
// video exists.
func (p *Provider) MetricsWindow() time.Duration { return 0 }

// PostMetrics reads videos' views, likes and comments: videos.list
// part=statistics (GET /youtube/v3/videos, 1 quota unit a call), 50 ids a
// call. YouTube leaves out videos that are gone, and so does the answer.
// The counts are strings (uint64) in VideoStatistics; one hidden by the
// owner (likes, comments turned off) is absent.
func (p *Provider) PostMetrics(ctx context.Context, id platforms.Identity, t platforms.Token, remoteIDs []string) (map[string]platforms.Values, error) {
	out := make(map[string]platforms.Values, len(remoteIDs))
	ids := unique(remoteIDs)
	for start := 0; start < len(ids); start += videosMax {
		batch := ids[start:min(start+videosMax, len(ids))]
		q := url.Values{"part": {"statistics"}, "id": {strings.Join(batch, ",")}}
		var res struct {
			Items []struct {
				ID         string `json:"id"`
				Statistics struct {
					Views    string `json:"viewCount"`
					Likes    string `json:"likeCount"`
					Comments string `json:"commentCount"`
				} `json:"statistics"`
			} `json:"items"`
		}
		if err := p.getJSON(ctx, p.cfg.APIURL+"/videos?"+q.Encode(), t.Access, &res); err != nil {
			return nil, err
		}
		for _, it := range res.Items {
			if it.ID == "" {
				continue
			}
			v := platforms.Values{}
			setCount(v, platforms.MetricViews, it.Statistics.Views)
			setCount(v, platforms.MetricLikes, it.Statistics.Likes)
			setCount(v, platforms.MetricComments, it.Statistics.Comments)
			out[it.ID] = v
		}
	}
	return out, nil
}

// AccountMetrics reads the channel's subscribers: channels.list
// part=statistics for the channel (mine=true when its id is not known).
// A channel that hides its count gives none.
func (p *Provider) AccountMetrics(ctx context.Context, id platforms.Identity, t platforms.Token) (platforms.Values, error) {
	q := url.Values{"part": {"statistics"}}
	if id.RemoteID != "" {
		q.Set("id", id.RemoteID)
	} else {
		q.Set("mine", "true")
	}
	var res struct {
		Items []struct {
			Statistics struct {
				Subscribers string `json:"subscriberCount"`
				Hidden      bool   `json:"hiddenSubscriberCount"`
			} `json:"statistics"`
		} `json:"items"`
	}
	if err := p.getJSON(ctx, p.cfg.APIURL+"/channels?"+q.Encode(), t.Access, &res); err != nil {
		return nil, err
	}
	v := platforms.Values{}
	if len(res.Items) > 0 && !res.Items[0].Statistics.Hidden {
		setCount(v, platforms.MetricFollowers, res.Items[0].Statistics.Subscribers)
	}
	return v, nil
}

// setCount stores a uint64-as-string count, if there is one.
func setCount(v platforms.Values, name, s string) {
	if n, err := strconv.ParseUint(s, 10, 64); err == nil {
		v[name] = float64(n)
	}
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
