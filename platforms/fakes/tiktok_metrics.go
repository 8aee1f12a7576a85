package fakes

import (
	"net/http"
	"slices"
	"strings"
)

// TikTokStepVideoQuery is POST /v2/video/query/ for FailStep and
// FailStepCode (a 429 gets rate_limit_exceeded and its Retry-After).
const TikTokStepVideoQuery = "video_query"

// ttVideoFields are the Video Object's fields /v2/video/query/ takes
// (developers.tiktok.com/doc/tiktok-api-v2-video-query).
var ttVideoFields = []string{"id", "create_time", "cover_image_url", "share_url", "video_description", "duration",
	"height", "width", "title", "embed_html", "embed_link", "like_count", "comment_count", "share_count", "view_count"}

// ttMaxVideoIDs is the most ids one video query takes.
const ttMaxVideoIDs = 20

// ttVideoQuery answers POST /v2/video/query/?fields=… with
// {"filters":{"video_ids":[…]}} (scope video.list, at most 20 ids): the
// videos among them that are the user's, in the order asked; an id that
// is not (or no longer) one is left out, as TikTok does. Every read of a
// video's counts makes them grow: views ≥ likes ≥ comments.
func (f *TikTok) ttVideoQuery(w http.ResponseWriter, r *http.Request) {
	if f.ttBearer(w, r, "video.list") == nil {
		return
	}
	answered, drop := f.ttFailOrDrop(w, TikTokStepVideoQuery)
	if answered {
		return
	}
	fields := strings.Split(r.URL.Query().Get("fields"), ",")
	for _, k := range fields {
		if !slices.Contains(ttVideoFields, k) {
			ttWriteError(w, http.StatusBadRequest, "invalid_params", "Unknown or missing field "+k+".", 0)
			return
		}
	}
	body, ok := ttDecode(w, r)
	if !ok {
		return
	}
	raw, _ := ttObj(body, "filters")["video_ids"].([]any)
	if len(raw) == 0 || len(raw) > ttMaxVideoIDs {
		ttWriteError(w, http.StatusBadRequest, "invalid_params", "filters.video_ids must hold 1 to 20 video ids.", 0)
		return
	}
	videos := []any{}
	f.mu.Lock()
	for _, x := range raw {
		id, _ := x.(string)
		i := slices.IndexFunc(f.posts, func(p TikTokPost) bool { return p.ID != "" && p.ID == id })
		if i < 0 {
			continue
		}
		p := f.posts[i]
		n := f.videoReads.next(id)
		all := map[string]any{
			"id": id, "create_time": p.CreatedAt.Unix(), "title": p.Title, "video_description": p.Title, "duration": 12,
			"height": 1920, "width": 1080, "share_url": "https://www.tiktok.com/@" + ttUsername + "/video/" + id,
			"cover_image_url": f.URL + "/avatar/localpost.demo.png", "embed_link": "https://www.tiktok.com/embed/v2/" + id, "embed_html": "",
			"view_count":    grownCount(id, "views", n, 500, 100),
			"like_count":    grownCount(id, "likes", n, 50, 10),
			"comment_count": grownCount(id, "comments", n, 20, 3),
			"share_count":   grownCount(id, "shares", n, 10, 2),
		}
		v := map[string]any{}
		for _, k := range fields {
			v[k] = all[k]
		}
		videos = append(videos, v)
	}
	f.mu.Unlock()
	if drop && hangUp(w) {
		return
	}
	ttWriteData(w, map[string]any{"videos": videos, "cursor": 0, "has_more": false})
}

// ttNextFollowers counts one more read of follower_count and returns it:
// 42 at the first read, 3 more at each after.
func (f *TikTok) ttNextFollowers() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return 39 + int64(f.videoReads.next(""))*3
}
