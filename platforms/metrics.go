package platforms

import (
	"context"
	"errors"
	"time"
)

// Metric names. Every network's numbers are stored under these shared
// names so totals and charts can add them up; MetricLabel gives the word
// each network uses (X says "Reposts", Mastodon "Boosts").
const (
	MetricLikes          = "likes"           // X likes, Mastodon favourites, Facebook/Instagram/LinkedIn/TikTok/YouTube likes
	MetricComments       = "comments"        // X and Mastodon replies, comments elsewhere
	MetricShares         = "shares"          // X reposts, Mastodon reblogs, shares elsewhere
	MetricQuotes         = "quotes"          // X
	MetricSaves          = "saves"           // X bookmarks, Instagram and Pinterest saves
	MetricReactions      = "reactions"       // Facebook: all reactions, likes included
	MetricImpressions    = "impressions"     // times shown (X, Facebook, LinkedIn, Pinterest)
	MetricReach          = "reach"           // people reached (Instagram)
	MetricViews          = "views"           // video views (TikTok, YouTube, Facebook videos, Instagram)
	MetricClicks         = "clicks"          // LinkedIn clicks, Pinterest pin clicks
	MetricOutboundClicks = "outbound_clicks" // Pinterest
	MetricFollowers      = "followers"       // account level: followers, fans, subscribers

	// Derived when numbers are stored, never read from a network.
	MetricEngagement = "engagement" // interactions: see Engagement
	MetricSeen       = "seen"       // reach, else impressions, else views: see Seen
)

// PostMetricNames are the per-post metrics in the order tables show them.
var PostMetricNames = []string{
	MetricImpressions, MetricReach, MetricViews, MetricLikes, MetricReactions,
	MetricComments, MetricShares, MetricQuotes, MetricSaves, MetricClicks, MetricOutboundClicks,
}

// Values are one reading of a post's or an account's numbers by metric
// name. A metric the network does not offer is absent, not zero.
type Values map[string]float64

// Engagement is the interactions in v: likes (or Facebook's reactions,
// which include likes), comments, shares, quotes, saves and clicks.
func Engagement(v Values) float64 {
	e := v[MetricComments] + v[MetricShares] + v[MetricQuotes] + v[MetricSaves] +
		v[MetricClicks] + v[MetricOutboundClicks]
	if r, ok := v[MetricReactions]; ok {
		return e + r
	}
	return e + v[MetricLikes]
}

// Seen is how many saw the post: its reach where the network counts
// people, else its impressions, else its views; ok is false when the
// network gives none of them (Mastodon).
func Seen(v Values) (float64, bool) {
	for _, n := range []string{MetricReach, MetricImpressions, MetricViews} {
		if x, ok := v[n]; ok {
			return x, true
		}
	}
	return 0, false
}

// WithDerived returns v with MetricEngagement and, where the network gives
// a way to tell, MetricSeen added.
func WithDerived(v Values) Values {
	out := make(Values, len(v)+2)
	for k, x := range v {
		out[k] = x
	}
	out[MetricEngagement] = Engagement(v)
	if s, ok := Seen(v); ok {
		out[MetricSeen] = s
	}
	return out
}

// MetricLabel is the name network n gives metric name, for tables and
// legends.
func MetricLabel(n Network, name string) string {
	switch {
	case n == X && name == MetricShares:
		return "Reposts"
	case n == X && name == MetricSaves:
		return "Bookmarks"
	case (n == X || n == Mastodon) && name == MetricComments:
		return "Replies"
	case n == Mastodon && name == MetricLikes:
		return "Favourites"
	case n == Mastodon && name == MetricShares:
		return "Boosts"
	case n == Facebook && name == MetricFollowers:
		return "Fans"
	case n == YouTube && name == MetricFollowers:
		return "Subscribers"
	}
	return metricLabels[name]
}

var metricLabels = map[string]string{
	MetricLikes: "Likes", MetricComments: "Comments", MetricShares: "Shares",
	MetricQuotes: "Quotes", MetricSaves: "Saves", MetricReactions: "Reactions",
	MetricImpressions: "Impressions", MetricReach: "Reach", MetricViews: "Views",
	MetricClicks: "Clicks", MetricOutboundClicks: "Outbound clicks",
	MetricFollowers: "Followers", MetricEngagement: "Engagement", MetricSeen: "Seen by",
}

// ErrNoMetricsAccess is wrapped by PostMetrics when the network gives
// these numbers only to apps it approved (LinkedIn members' posts):
// reconnecting does not help, asking again soon neither.
var ErrNoMetricsAccess = errors.New("the network gives these numbers only to apps it approved")

// MetricsReader is a Provider (or the Mastodon client) that can read how
// posts and the account did.
type MetricsReader interface {
	// MetricsWindow is how long after publishing the network still gives
	// a post's numbers (Pinterest 90 days, X 30 days for its own-post
	// metrics); 0 means as long as the post exists. Older posts keep the
	// numbers last read.
	MetricsWindow() time.Duration
	// PostMetrics reads the numbers of id's posts remoteIDs (as stored
	// from Publish's Result.RemoteID), batching as the network allows. A
	// post the network no longer has is left out of the answer; errors
	// are typed (*Error: rate limit with Retry-After, needs reconnect).
	PostMetrics(ctx context.Context, id Identity, t Token, remoteIDs []string) (map[string]Values, error)
	// AccountMetrics reads account-level numbers, at least MetricFollowers
	// where the network gives it; an empty answer when it gives none.
	AccountMetrics(ctx context.Context, id Identity, t Token) (Values, error)
}
