package fakes

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Listings of an account's own recent posts, which Localpost reads to
// find a post it may have created before it stopped (platforms.Finder).

// publishedPosts is GET /{page-id}/published_posts: the Page's published
// posts, newest first, filtered by created_time with the time-based paging
// parameters (since, until; Unix seconds) and paged by cursor (limit,
// after), as the Graph API pagination guide describes. It needs the Page's
// own token with pages_read_engagement.
func (f *Meta) publishedPosts(c *metaCall, page *metaObj) {
	if c.t.kind != "page" || c.t.page != page.id {
		metaError(c.w, http.StatusForbidden, 190, 0, "(#190) This method must be called with a Page Access Token")
		return
	}
	if !metaHasScope(c.t, "pages_read_engagement") {
		metaError(c.w, http.StatusForbidden, 10, 0, "(#10) This endpoint requires the 'pages_read_engagement' permission")
		return
	}
	unix := func(name string) (time.Time, bool) {
		s := c.params.Get(name)
		if s == "" {
			return time.Time{}, true
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return time.Unix(n, 0), err == nil
	}
	since, ok1 := unix("since")
	until, ok2 := unix("until")
	limit, err := strconv.Atoi(c.params.Get("limit"))
	if c.params.Get("limit") == "" {
		limit, err = 25, nil
	}
	from := 0
	if a := c.params.Get("after"); a != "" {
		b, derr := base64.RawURLEncoding.DecodeString(a)
		n, aerr := strconv.Atoi(string(b))
		if derr != nil || aerr != nil || n < 0 {
			ok1 = false
		}
		from = n
	}
	if !ok1 || !ok2 || err != nil || limit < 1 || limit > 100 {
		metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) Invalid parameter")
		return
	}
	f.mu.Lock()
	var all []*metaObj
	for i := len(f.posts) - 1; i >= 0; i-- {
		p := f.posts[i]
		if p.typ != "PagePost" || p.owner != page.id || !p.published || p.deleted || p.created.Before(since) || !until.IsZero() && p.created.After(until) {
			continue
		}
		all = append(all, p)
	}
	from = min(from, len(all))
	to := min(from+limit, len(all))
	data := []any{}
	for _, p := range all[from:to] {
		data = append(data, metaSelect(f.objJSONLocked(p, ""), c.params.Get("fields"), "id,message,created_time"))
	}
	f.mu.Unlock()
	cursor := func(n int) string { return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(n))) }
	paging := map[string]any{"cursors": map[string]any{"before": cursor(from), "after": cursor(to)}}
	if to < len(all) {
		q := url.Values{"limit": {strconv.Itoa(limit)}, "after": {cursor(to)}}
		if fl := c.params.Get("fields"); fl != "" {
			q.Set("fields", fl)
		}
		paging["next"] = f.URL + "/" + MetaVersion + "/" + page.id + "/published_posts?" + q.Encode()
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"data": data, "paging": paging})
}
