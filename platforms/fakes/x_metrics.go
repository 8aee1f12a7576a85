package fakes

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// XStepLookup is GET /2/tweets (post lookup by ids, read for metrics).
const XStepLookup = "lookup"

// FailLookup makes the next n GET /2/tweets answer status without
// looking anything up; a 429 carries x-rate-limit-reset retryAfter from
// now, as FailNext does.
func (f *X) FailLookup(n, status int, retryAfter time.Duration) {
	f.setFault(XStepLookup, &xFault{n: n, status: status, retryAfter: retryAfter})
}

var xPostID = regexp.MustCompile(`^[0-9]{1,19}$`)

// lookup is GET /2/tweets?ids=...: up to 100 ids (the description's
// maxItems); public_metrics when tweet.fields (X's docs) or post.fields
// (the API description) asks for them. Every read of a post's metrics
// answers larger numbers than the one before. Ids the fake does not have
// come back in errors[] as resource-not-found, as X answers for deleted
// posts.
func (f *X) lookup(w http.ResponseWriter, r *http.Request) {
	if f.fail(w, XStepLookup) || !f.user(w, r, "tweet.read", "users.read") {
		return
	}
	q := r.URL.Query()
	raw := q.Get("ids")
	if raw == "" {
		xInvalid(w, "ids", "The query parameter [ids] is required.")
		return
	}
	ids := strings.Split(raw, ",")
	if len(ids) > 100 {
		xInvalid(w, "ids", "The `ids` query parameter value ["+raw+"] is not between 1 and 100")
		return
	}
	for _, id := range ids {
		if !xPostID.MatchString(id) {
			xInvalid(w, "ids", "The `ids` query parameter value ["+id+"] does not match ^[0-9]{1,19}$")
			return
		}
	}
	fields := strings.Split(q.Get("tweet.fields")+","+q.Get("post.fields"), ",")
	withMetrics := slices.Contains(fields, "public_metrics")
	var data, errs []any
	f.mu.Lock()
	for _, id := range ids {
		i := slices.IndexFunc(f.posts, func(p XPost) bool { return p.ID == id })
		if i < 0 {
			errs = append(errs, map[string]any{
				"value": id, "detail": "Could not find tweet with ids: [" + id + "].", "title": "Not Found Error",
				"resource_type": "tweet", "parameter": "ids", "resource_id": id,
				"type": "https://api.x.com/2/problems/resource-not-found",
			})
			continue
		}
		p := f.posts[i]
		d := map[string]any{"id": p.ID, "text": p.stored, "edit_history_tweet_ids": []string{p.ID}}
		if withMetrics {
			d["public_metrics"] = xPostMetrics(p.ID, f.metricReads.next(p.ID))
		}
		data = append(data, d)
	}
	f.mu.Unlock()
	out := map[string]any{}
	if len(data) > 0 {
		out["data"] = data
	}
	if len(errs) > 0 {
		out["errors"] = errs
	}
	f.answer(w, XStepLookup, http.StatusOK, out)
}

// xPostMetrics are a post's public_metrics on its read-th read. Reposts
// are under both names: repost_count (the API description requires it)
// and retweet_count (X's docs and answers).
func xPostMetrics(id string, read int) map[string]any {
	reposts := grownCount(id, "reposts", read, 20, 3)
	return map[string]any{
		"impression_count": 1000 + grownCount(id, "impressions", read, 1000, 500),
		"like_count":       grownCount(id, "likes", read, 50, 7),
		"reply_count":      grownCount(id, "replies", read, 10, 2),
		"retweet_count":    reposts,
		"repost_count":     reposts,
		"quote_count":      grownCount(id, "quotes", read, 5, 1),
		"bookmark_count":   grownCount(id, "bookmarks", read, 10, 2),
	}
}

// userMetrics is the user's public_metrics; followers grow with every read.
func (f *X) userMetrics() map[string]any {
	f.mu.Lock()
	read := f.metricReads.next("")
	posts := 0
	for _, p := range f.posts {
		if p.AuthorID == XUserID {
			posts++
		}
	}
	f.mu.Unlock()
	return map[string]any{
		"followers_count": 1200 + grownCount(XUserID, "followers", read, 100, 4),
		"following_count": 180,
		"post_count":      posts,
		"tweet_count":     posts,
		"listed_count":    3,
		"like_count":      42,
	}
}
