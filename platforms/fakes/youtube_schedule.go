package fakes

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Videos YouTube holds for later: private with publishAt; the fake makes
// them public once its clock (SetClock, else the real time) reaches
// publishAt, checked on every read and in Posts. videos.list (part status
// or snippet), videos.update (part status: a new publishAt) and
// videos.delete serve the client's moves and cancellations.

// SetClock sets the fake's clock (nil: the real time).
func (f *YouTube) SetClock(now func() time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clock = now
}

func (f *YouTube) nowLocked() time.Time {
	if f.clock != nil {
		return f.clock().UTC()
	}
	return time.Now().UTC()
}

// runSchedulerLocked makes public the videos whose publishAt has come.
func (f *YouTube) runSchedulerLocked() {
	now := f.nowLocked()
	for i := range f.videos {
		v := &f.videos[i]
		if at, err := time.Parse(time.RFC3339, v.PublishAt); err == nil && v.Privacy == "private" && !at.After(now) {
			v.Privacy = "public"
		}
	}
}

// PublishScheduled makes the video id public now, whatever its publishAt;
// it reports whether the fake held it private.
func (f *YouTube) PublishScheduled(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.videoLocked(id)
	if !ok || v.Privacy != "private" {
		return false
	}
	v.Privacy = "public"
	return true
}

func ytVideoNotFound(w http.ResponseWriter) {
	ytError(w, http.StatusNotFound, "videoNotFound", "The video identified by the <code>id</code> parameter could not be found.")
}

// videosList is videos.list by id.
func (f *YouTube) videosList(w http.ResponseWriter, r *http.Request) {
	if f.failVideosList(w) || !f.bearer(w, r, ytScopeRead, ytScopeYouTube, ytScopeForceSSL) {
		return
	}
	q := r.URL.Query()
	if q.Get("part") == "" {
		ytError(w, http.StatusBadRequest, "required", "Required parameter: part")
		return
	}
	if q.Get("id") == "" {
		ytError(w, http.StatusBadRequest, "missingRequiredParameter", "No filter selected. Expected one of: chart, id, myRating")
		return
	}
	parts := strings.Split(q.Get("part"), ",")
	ids := strings.Split(q.Get("id"), ",")
	if len(ids) > ytVideosMax {
		ytError(w, http.StatusBadRequest, "invalidFilters", "The request specifies more than 50 video ids.")
		return
	}
	f.mu.Lock()
	f.runSchedulerLocked()
	items := []any{}
	for _, v := range f.videos {
		if slices.Contains(ids, v.ID) {
			v.parts = parts
			items = append(items, f.videoJSONLocked(&v))
		}
	}
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"kind": "youtube#videoListResponse", "etag": ytEtag("videos", strconv.Itoa(len(items))),
		"pageInfo": map[string]any{"totalResults": len(items), "resultsPerPage": len(items)},
		"items":    items,
	})
}

// videosUpdate is videos.update of the status part: privacy and publishAt.
func (f *YouTube) videosUpdate(w http.ResponseWriter, r *http.Request) {
	if !f.bearer(w, r, ytScopeYouTube, ytScopeForceSSL) {
		return
	}
	if r.URL.Query().Get("part") != "status" {
		ytError(w, http.StatusBadRequest, "unexpectedPart", "This demo server only updates part=status.")
		return
	}
	var body struct {
		ID     string `json:"id"`
		Status struct {
			PrivacyStatus string `json:"privacyStatus"`
			PublishAt     string `json:"publishAt"`
		} `json:"status"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.ID == "" {
		ytError(w, http.StatusBadRequest, "invalidVideoMetadata", "The request metadata is invalid.")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.runSchedulerLocked()
	v, ok := f.videoLocked(body.ID)
	if !ok {
		ytVideoNotFound(w)
		return
	}
	st := body.Status
	if st.PublishAt != "" {
		at, err := time.Parse(time.RFC3339, st.PublishAt)
		switch {
		case err != nil || !at.After(f.nowLocked()):
			ytError(w, http.StatusBadRequest, "invalidPublishAt", "The request metadata specifies an invalid scheduled publishing time.")
			return
		case st.PrivacyStatus != "private" || v.Privacy != "private":
			ytError(w, http.StatusBadRequest, "invalidVideoMetadata", "A publishing time can be set only on a private video that has never been published.")
			return
		}
	}
	if st.PrivacyStatus != "" {
		v.Privacy = st.PrivacyStatus
	}
	v.PublishAt = st.PublishAt
	out := *v
	out.parts = []string{"status"}
	writeJSON(w, http.StatusOK, f.videoJSONLocked(&out))
}

// videosDelete is videos.delete: 204, and the video is gone.
func (f *YouTube) videosDelete(w http.ResponseWriter, r *http.Request) {
	if !f.bearer(w, r, ytScopeYouTube, ytScopeForceSSL) {
		return
	}
	id := r.URL.Query().Get("id")
	f.mu.Lock()
	i := slices.IndexFunc(f.videos, func(v YouTubeVideo) bool { return v.ID == id })
	if i >= 0 {
		f.videos = slices.Delete(f.videos, i, i+1)
	}
	f.mu.Unlock()
	if i < 0 {
		ytVideoNotFound(w)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
