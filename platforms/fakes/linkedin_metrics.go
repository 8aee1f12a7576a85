package fakes

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// LinkedInStepMetrics is every metric read (share statistics, social
// action summaries, follower counts), for FailMetrics.
const LinkedInStepMetrics = "metrics"

// liMaxStatsIDs is the most posts the fake's share statistics take in one
// call (LinkedIn documents no maximum; the fake holds clients to 20).
const liMaxStatsIDs = 20

// FailMetrics makes the next n metric reads answer status (with
// Retry-After when retryAfter > 0) without reading.
func (f *LinkedIn) FailMetrics(n, status int, retryAfter time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.metricFail = failKnob{n: n, status: status, after: retryAfter}
}

// GrantScope adds scope to every token issued so far, as LinkedIn does for
// an app it approved for a restricted permission (r_member_social).
func (f *LinkedIn) GrantScope(scope string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tokens {
		if !slices.Contains(t.scopes, scope) {
			t.scopes = append(t.scopes, scope)
		}
	}
}

// metricFailed answers a due FailMetrics; it reports whether it did.
func (f *LinkedIn) metricFailed(w http.ResponseWriter) bool {
	f.mu.Lock()
	status, after, ok := f.metricFail.take()
	f.mu.Unlock()
	if !ok {
		return false
	}
	setRetryAfter(w, after)
	liError(w, status, 0, "", http.StatusText(status))
	return true
}

// liNumbersLocked counts one more read of post urn and returns its
// lifetime numbers, which grow with every read: impressions ≥ clicks,
// likes, comments, shares.
func (f *LinkedIn) liNumbersLocked(urn string) map[string]int64 {
	n := f.metricReads.next(urn)
	comments := int64(0)
	for _, c := range f.comments {
		if c.Object == urn {
			comments++
		}
	}
	return map[string]int64{
		"impressionCount":        grownCount(urn, "impressions", n, 300, 80),
		"uniqueImpressionsCount": grownCount(urn, "unique", n, 200, 50),
		"clickCount":             grownCount(urn, "clicks", n, 30, 6),
		"likeCount":              grownCount(urn, "likes", n, 40, 5),
		"commentCount":           comments + grownCount(urn, "comments", n, 10, 2),
		"shareCount":             grownCount(urn, "shares", n, 8, 1),
	}
}

// liListParam parses a Rest.li 2.0 List(a,b) query value (already
// unescaped); ok is false when the value is not a List.
func liListParam(v string) ([]string, bool) {
	inner, ok := strings.CutPrefix(v, "List(")
	if !ok || !strings.HasSuffix(inner, ")") {
		return nil, false
	}
	inner = strings.TrimSuffix(inner, ")")
	if inner == "" {
		return nil, true
	}
	return strings.Split(inner, ","), true
}

// shareStatistics is GET /rest/organizationalEntityShareStatistics
// ?q=organizationalEntity&organizationalEntity={org}[&shares=List(…)|&ugcPosts=List(…)]:
// lifetime totals, one element per post of the organization asked about
// (posts it does not have are left out), or one aggregate element when no
// post is named. Needs rw_organization_admin and the ADMINISTRATOR role.
func (f *LinkedIn) shareStatistics(w http.ResponseWriter, r *http.Request) {
	if tok, _ := f.bearer(w, r, "rw_organization_admin"); tok == "" {
		return
	}
	q := r.URL.Query()
	org := q.Get("organizationalEntity")
	if q.Get("q") != "organizationalEntity" || !strings.HasPrefix(org, "urn:li:organization:") {
		liError(w, http.StatusBadRequest, 0, "", "Invalid finder or organizationalEntity")
		return
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(org, "urn:li:organization:"), 10, 64)
	f.mu.Lock()
	admin := slices.ContainsFunc(f.orgs, func(o liOrg) bool { return o.id == id })
	f.mu.Unlock()
	if !admin {
		liError(w, http.StatusForbidden, 100, "ACCESS_DENIED", "Not enough permissions to access: organizationalEntityShareStatistics.FINDER-organizationalEntity")
		return
	}
	var param string
	var ids []string
	for _, p := range []string{"shares", "ugcPosts"} {
		v := q.Get(p)
		if v == "" {
			continue
		}
		list, ok := liListParam(v)
		if !ok || param != "" {
			liError(w, http.StatusBadRequest, 0, "", "Invalid "+p+": give shares=List(…) or ugcPosts=List(…), not both")
			return
		}
		param, ids = p, list
	}
	if len(ids) > liMaxStatsIDs {
		liError(w, http.StatusBadRequest, 0, "", "Too many entities: at most "+strconv.Itoa(liMaxStatsIDs))
		return
	}
	if f.metricFailed(w) {
		return
	}
	field := map[string]string{"shares": "share", "ugcPosts": "ugcPost"}[param]
	els := []any{}
	f.mu.Lock()
	if param == "" {
		total := map[string]int64{}
		for _, p := range f.posts {
			if p.Author == org {
				for k, v := range f.liNumbersLocked(p.URN) {
					total[k] += v
				}
			}
		}
		els = append(els, map[string]any{"organizationalEntity": org, "totalShareStatistics": liStatsJSON(total)})
	}
	for _, urn := range ids {
		i := slices.IndexFunc(f.posts, func(p LinkedInPost) bool { return p.URN == urn && p.Author == org })
		if i < 0 || !strings.HasPrefix(urn, "urn:li:"+field+":") {
			continue
		}
		els = append(els, map[string]any{"organizationalEntity": org, field: urn, "totalShareStatistics": liStatsJSON(f.liNumbersLocked(urn))})
	}
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"paging": map[string]any{"start": 0, "count": 10, "links": []any{}}, "elements": els})
}

// liStatsJSON is ShareStatisticsData, engagement included.
func liStatsJSON(x map[string]int64) map[string]any {
	m := map[string]any{}
	for k, v := range x {
		m[k] = v
	}
	eng := 0.0
	if x["impressionCount"] > 0 {
		eng = float64(x["clickCount"]+x["likeCount"]+x["commentCount"]+x["shareCount"]) / float64(x["impressionCount"])
	}
	m["engagement"] = eng
	return m
}

// socialActionsSummary is GET /rest/socialActions/{urn}: the post's likes
// and comments. A member's post needs r_member_social (LinkedIn grants it
// to approved partners only: see GrantScope), an organization's
// r_organization_social; a post the fake does not have is 404.
func (f *LinkedIn) socialActionsSummary(w http.ResponseWriter, r *http.Request) {
	tok, t := f.bearer(w, r)
	if tok == "" {
		return
	}
	urn := r.PathValue("urn")
	p, found := f.post(urn)
	need := "r_member_social"
	if strings.HasPrefix(p.Author, "urn:li:organization:") {
		need = "r_organization_social"
	}
	f.mu.Lock()
	allowed := slices.Contains(t.scopes, need)
	f.mu.Unlock()
	if !allowed {
		liError(w, http.StatusForbidden, 100, "ACCESS_DENIED", "Not enough permissions to access: socialActions.GET")
		return
	}
	if !found {
		liError(w, http.StatusNotFound, 0, "", "Not found: "+urn)
		return
	}
	if f.metricFailed(w) {
		return
	}
	f.mu.Lock()
	x := f.liNumbersLocked(urn)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"$URN": urn, "target": urn,
		"likesSummary":    map[string]any{"totalLikes": x["likeCount"], "likedByCurrentUser": false, "aggregatedTotalLikes": x["likeCount"]},
		"commentsSummary": map[string]any{"totalFirstLevelComments": x["commentCount"], "aggregatedTotalComments": x["commentCount"]},
	})
}

// networkSize is GET /rest/networkSizes/{org urn}?edgeType=COMPANY_FOLLOWED_BY_MEMBER:
// the organization's followers, more at every read.
func (f *LinkedIn) networkSize(w http.ResponseWriter, r *http.Request) {
	if tok, _ := f.bearer(w, r, "rw_organization_admin", "r_organization_social"); tok == "" {
		return
	}
	urn := r.PathValue("urn")
	if r.URL.Query().Get("edgeType") != "COMPANY_FOLLOWED_BY_MEMBER" {
		liError(w, http.StatusBadRequest, 0, "", "edgeType must be COMPANY_FOLLOWED_BY_MEMBER")
		return
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(urn, "urn:li:organization:"), 10, 64)
	f.mu.Lock()
	known := slices.ContainsFunc(f.orgs, func(o liOrg) bool { return o.id == id })
	f.mu.Unlock()
	if err != nil || !strings.HasPrefix(urn, "urn:li:organization:") || !known {
		liError(w, http.StatusNotFound, 0, "", "Organization "+urn+" not found")
		return
	}
	if f.metricFailed(w) {
		return
	}
	f.mu.Lock()
	n := f.metricReads.next("")
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"firstDegreeSize": grownCount(urn, "followers", n, 1000, 7)})
}
