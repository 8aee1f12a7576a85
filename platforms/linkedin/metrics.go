package linkedin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"localpost/platforms"
)

var _ platforms.MetricsReader = (*Provider)(nil)

// statsBatch is how many posts one share statistics call asks about. The
// Organization Share Statistics page documents no maximum; 20 keeps the
// address short (each URN is about 40 characters escaped).
const statsBatch = 20

// MetricsWindow: organizationalEntityShareStatistics "returns share data
// only within the past 12 months, using a rolling 12-month window"
// (learn.microsoft.com/linkedin/marketing/community-management/organizations/share-statistics).
// Older posts keep the numbers last read.
func (p *Provider) MetricsWindow() time.Duration { return 365 * 24 * time.Hour }

// shareStats is totalShareStatistics (ShareStatisticsData).
type shareStats struct {
	ImpressionCount *float64 `json:"impressionCount"`
	ClickCount      *float64 `json:"clickCount"`
	LikeCount       *float64 `json:"likeCount"`
	CommentCount    *float64 `json:"commentCount"`
	ShareCount      *float64 `json:"shareCount"`
}

func (s shareStats) values() platforms.Values {
	v := platforms.Values{}
	for name, x := range map[string]*float64{
		platforms.MetricImpressions: s.ImpressionCount, platforms.MetricClicks: s.ClickCount,
		platforms.MetricLikes: s.LikeCount, platforms.MetricComments: s.CommentCount, platforms.MetricShares: s.ShareCount,
	} {
		if x != nil {
			v[name] = *x
		}
	}
	return v
}

// author is the URN the identity posts as.
func author(id platforms.Identity) string {
	if a := id.Extra[ExtraAuthor]; a != "" {
		return a
	}
	if id.Kind == KindOrganization {
		return "urn:li:organization:" + id.RemoteID
	}
	return "urn:li:person:" + id.RemoteID
}

// PostMetrics reads a page's posts through the Organization Share
// Statistics API (rw_organization_admin): GET
// /rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity={org}&shares=List(…)
// (ugcPosts=List(…) for urn:li:ugcPost ids, in calls of their own),
// lifetime totals (no timeIntervals) per post: impressionCount,
// clickCount, likeCount, commentCount, shareCount. A post LinkedIn does
// not answer for (deleted, or older than 12 months) is left out.
//
// A member's posts have no statistics API open to Localpost; GET
// /rest/socialActions/{urn} (Network Update Social Actions: likesSummary,
// commentsSummary) is read one post at a time, which LinkedIn allows only
// with r_member_social, a permission it gives to approved partners.
func (p *Provider) PostMetrics(ctx context.Context, id platforms.Identity, t platforms.Token, remoteIDs []string) (map[string]platforms.Values, error) {
	owner := author(id)
	if strings.HasPrefix(owner, "urn:li:organization:") {
		return p.orgPostMetrics(ctx, owner, t.Access, remoteIDs)
	}
	return p.memberPostMetrics(ctx, t.Access, remoteIDs)
}

func (p *Provider) orgPostMetrics(ctx context.Context, org, token string, remoteIDs []string) (map[string]platforms.Values, error) {
	byKind := map[string][]string{}
	for _, rid := range remoteIDs {
		switch {
		case strings.HasPrefix(rid, "urn:li:share:"):
			byKind["shares"] = append(byKind["shares"], rid)
		case strings.HasPrefix(rid, "urn:li:ugcPost:"):
			byKind["ugcPosts"] = append(byKind["ugcPosts"], rid)
		}
	}
	out := map[string]platforms.Values{}
	for _, param := range []string{"shares", "ugcPosts"} {
		ids := byKind[param]
		for start := 0; start < len(ids); start += statsBatch {
			batch := ids[start:min(start+statsBatch, len(ids))]
			esc := make([]string, len(batch))
			for i, u := range batch {
				esc[i] = escURN(u)
			}
			// Rest.li 2.0: the List( , ) syntax stays as it is, the URNs
			// inside are escaped.
			u := p.restURL("/rest/organizationalEntityShareStatistics", url.Values{"q": {"organizationalEntity"}, "organizationalEntity": {org}}) +
				"&" + param + "=List(" + strings.Join(esc, ",") + ")"
			var page struct {
				Elements []struct {
					Share   string     `json:"share"`
					UGCPost string     `json:"ugcPost"`
					Total   shareStats `json:"totalShareStatistics"`
				} `json:"elements"`
			}
			if _, err := p.call(ctx, http.MethodGet, u, token, nil, &page); err != nil {
				return out, statsError(err)
			}
			for _, e := range page.Elements {
				rid := e.Share
				if rid == "" {
					rid = e.UGCPost
				}
				if rid != "" {
					out[rid] = e.Total.values()
				}
			}
		}
	}
	return out, nil
}

// socialSummary is GET /rest/socialActions/{urn}'s answer.
type socialSummary struct {
	LikesSummary *struct {
		TotalLikes float64 `json:"totalLikes"`
	} `json:"likesSummary"`
	CommentsSummary *struct {
		AggregatedTotalComments float64 `json:"aggregatedTotalComments"`
	} `json:"commentsSummary"`
}

func (p *Provider) memberPostMetrics(ctx context.Context, token string, remoteIDs []string) (map[string]platforms.Values, error) {
	out := map[string]platforms.Values{}
	for _, rid := range remoteIDs {
		var s socialSummary
		_, err := p.call(ctx, http.MethodGet, p.restURL("/rest/socialActions/"+escURN(rid), nil), token, nil, &s)
		var pe *platforms.Error
		switch {
		case errors.As(err, &pe) && (pe.Status == http.StatusNotFound || pe.Status == http.StatusGone):
			continue // deleted
		case errors.As(err, &pe) && pe.Status == http.StatusForbidden:
			// Not the login's fault: reconnecting does not help.
			pe.Kind = platforms.KindUnknown
			pe.Message = "LinkedIn shows a profile's likes and comments only to apps it approved for reading members' posts " +
				"(r_member_social); the numbers of company page posts are read as usual"
			pe.Err = platforms.ErrNoMetricsAccess
			return out, pe
		case err != nil:
			return out, err
		}
		v := platforms.Values{}
		if s.LikesSummary != nil {
			v[platforms.MetricLikes] = s.LikesSummary.TotalLikes
		}
		if s.CommentsSummary != nil {
			v[platforms.MetricComments] = s.CommentsSummary.AggregatedTotalComments
		}
		out[rid] = v
	}
	return out, nil
}

// AccountMetrics reads a page's followers: GET
// /rest/networkSizes/{org urn}?edgeType=COMPANY_FOLLOWED_BY_MEMBER →
// firstDegreeSize (Organization Lookup API, follower count). A member
// profile has no follower count open to Localpost: the answer is empty.
func (p *Provider) AccountMetrics(ctx context.Context, id platforms.Identity, t platforms.Token) (platforms.Values, error) {
	owner := author(id)
	if !strings.HasPrefix(owner, "urn:li:organization:") {
		return platforms.Values{}, nil
	}
	var out struct {
		FirstDegreeSize *json.Number `json:"firstDegreeSize"`
	}
	u := p.restURL("/rest/networkSizes/"+escURN(owner), url.Values{"edgeType": {"COMPANY_FOLLOWED_BY_MEMBER"}})
	if _, err := p.call(ctx, http.MethodGet, u, t.Access, nil, &out); err != nil {
		return nil, statsError(err)
	}
	v := platforms.Values{}
	if out.FirstDegreeSize != nil {
		if n, err := out.FirstDegreeSize.Float64(); err == nil {
			v[platforms.MetricFollowers] = n
		}
	}
	return v, nil
}

// statsError says what a 403 means for reading numbers: the page role or
// the Community Management API scopes are missing.
func statsError(err error) error {
	var pe *platforms.Error
	if errors.As(err, &pe) && pe.Status == http.StatusForbidden {
		said := ""
		if i := strings.Index(pe.Message, "LinkedIn said: "); i >= 0 {
			said = " " + pe.Message[i:]
		}
		pe.Message = "LinkedIn refused to show this page's numbers: you must be an ADMINISTRATOR of the page, the app needs the " +
			"Community Management API, and the account must be reconnected to grant the permission." + said
	}
	return err
}
