package fakes

import (
	"hash/fnv"
	"net/http"
	"slices"
	"strings"
	"time"
)

// MetaStepMetrics is every metric read: a post's counts and insights, a
// Page's fans, an Instagram account's followers (see FailMetrics).
const MetaStepMetrics = "metrics"

// FailMetrics makes the next n metric reads answer status with Meta's error
// for it (429 → code 4 with Retry-After), as FailNext does for publishing.
func (f *Meta) FailMetrics(n, status int, retryAfter time.Duration) {
	f.FailStep(MetaStepMetrics, n, status)
	f.mu.Lock()
	f.fails[MetaStepMetrics].after = retryAfter
	f.mu.Unlock()
}

// metaMetricFields are the fields whose read counts as a metric read, per
// node (Page Post reference: shares, comments/reactions edges with
// summary; Video reference: views, comments/likes edges; IG Media:
// like_count, comments_count; Page: fan_count, followers_count; IG User:
// followers_count).
var metaMetricFields = map[string][]string{
	"PagePost": {"shares", "comments", "reactions"},
	"AdVideo":  {"views", "comments", "likes"},
	"IGMedia":  {"like_count", "comments_count"},
	"Page":     {"fan_count", "followers_count"},
	"IGUser":   {"followers_count"},
}

// metaSeed is a small number fixed per id, so two posts differ.
func metaSeed(id string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int(h.Sum32() % 20)
}

// metaNumbersLocked counts one more metric read of o and returns its
// numbers, which grow with every read: likes ≤ reactions, reach ≤
// impressions, one read apart included.
func (f *Meta) metaNumbersLocked(o *metaObj) map[string]int {
	o.reads++
	n, s := o.reads, metaSeed(o.id)
	likes := s%5 + 4*n
	return map[string]int{
		"impressions": 200 + 10*s + 50*n,
		"reach":       150 + 7*s + 35*n,
		"views":       100 + 5*s + 30*n,
		"likes":       likes,
		"reactions":   2*likes + 1, // stays ≥ the likes of the next read (insights come a call later)
		"love":        n,
		"comments":    len(o.comments) + 2*n,
		"shares":      n,
		"saved":       n,
		"followers":   1000 + s + 3*n,
		"fans":        900 + s + 2*n,
	}
}

// metricRead answers a read that asks for metric fields; false when the
// read asks for none (the ordinary read answers it).
func (f *Meta) metricRead(c *metaCall, o *metaObj) bool {
	fields := c.params.Get("fields")
	want := metaMetricFields[o.typ]
	sel, err := graphParseFields(fields)
	if err != nil || !slices.ContainsFunc(sel, func(s graphFieldSel) bool { return slices.Contains(want, s.name) }) {
		return false
	}
	if drop, done := f.failed(c.w, MetaStepMetrics); done {
		return true
	} else if drop {
		hangUp(c.w)
		return true
	}
	f.mu.Lock()
	tok := ""
	if o.typ == "Page" && c.t.kind != "page" {
		tok = c.tok
	}
	m := f.objJSONLocked(o, tok)
	x := f.metaNumbersLocked(o)
	f.mu.Unlock()
	edge := func(total int) map[string]any {
		return map[string]any{"data": []any{}, "summary": map[string]any{"total_count": total}}
	}
	switch o.typ {
	case "PagePost":
		m["shares"] = map[string]any{"count": x["shares"]}
		m["comments"] = edge(x["comments"])
		m["reactions"] = edge(x["reactions"])
	case "AdVideo":
		m["views"] = x["views"]
		m["comments"] = edge(x["comments"])
		m["likes"] = edge(x["likes"])
	case "IGMedia":
		m["like_count"] = x["likes"]
		m["comments_count"] = x["comments"]
	case "Page":
		m["fan_count"] = x["fans"]
		m["followers_count"] = x["followers"]
	case "IGUser":
		m["followers_count"] = x["followers"]
	}
	writeJSON(c.w, http.StatusOK, metaSelect(m, fields, "id"))
	return true
}

// metaInsightMetrics are the lifetime metrics the fake's insights edges
// know, by node: Page Post insights (v23: post_media_view replaced
// post_impressions; post_total_media_view_unique; reactions by type;
// post_video_views for video posts) and IG Media insights (reach, saved,
// shares, views, likes, comments, total_interactions).
var metaInsightMetrics = map[string][]string{
	"PagePost": {"post_media_view", "post_total_media_view_unique", "post_reactions_by_type_total", "post_video_views", "post_clicks"},
	"IGMedia":  {"reach", "saved", "shares", "views", "likes", "comments", "total_interactions"},
}

// insights answers GET /{post}/insights?metric=a,b: one entry per metric,
// lifetime period; an unknown metric is Graph's error 100.
func (f *Meta) insights(c *metaCall, o *metaObj) {
	var names []string
	for _, v := range c.params["metric"] {
		for _, n := range strings.Split(v, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		metaError(c.w, http.StatusBadRequest, 100, 1504028, "(#100) No metric was specified to be fetched. Please specify one or more metrics to be fetched and try again.")
		return
	}
	for _, n := range names {
		if !slices.Contains(metaInsightMetrics[o.typ], n) {
			metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) The value must be a valid insights metric")
			return
		}
	}
	if need := map[string]string{"PagePost": "read_insights", "IGMedia": "instagram_manage_insights"}[o.typ]; !metaHasScope(c.t, need) {
		metaError(c.w, http.StatusForbidden, 10, 0, "(#10) Requires "+need+" permission")
		return
	}
	if p := c.params.Get("period"); p != "" && p != "lifetime" {
		metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) The period must be lifetime for this metric")
		return
	}
	if drop, done := f.failed(c.w, MetaStepMetrics); done {
		return
	} else if drop {
		hangUp(c.w)
		return
	}
	f.mu.Lock()
	x := f.metaNumbersLocked(o)
	video := o.typ == "PagePost" && o.mediaType == "video"
	f.mu.Unlock()
	var data []any
	for _, n := range names {
		var v any
		switch n {
		case "post_media_view":
			v = x["impressions"]
		case "post_total_media_view_unique", "reach":
			v = x["reach"]
		case "post_reactions_by_type_total":
			v = map[string]any{"like": x["likes"], "love": x["love"]}
		case "post_video_views":
			v = 0
			if video {
				v = x["views"]
			}
		case "post_clicks":
			v = x["shares"] * 2
		case "saved":
			v = x["saved"]
		case "shares":
			v = x["shares"]
		case "views":
			v = x["views"]
		case "likes":
			v = x["likes"]
		case "comments":
			v = x["comments"]
		case "total_interactions":
			v = x["likes"] + x["comments"] + x["shares"] + x["saved"]
		}
		data = append(data, map[string]any{"name": n, "period": "lifetime", "values": []any{map[string]any{"value": v}},
			"title": n, "description": "Lifetime " + n, "id": o.id + "/insights/" + n + "/lifetime"})
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"data": data})
}
