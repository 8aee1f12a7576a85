package fakes

import (
	"net/http"
	"time"
)

// mMetrics is the Mastodon fake's state for metric reads.
type mMetrics struct {
	reads     postReads // per status id, "" the account
	failReads failKnob  // FailReads
	noMulti   bool      // HideMultiGet
}

// FailReads makes the next n GET /api/v1/statuses and GET
// /api/v1/statuses/:id answer status (with Retry-After if retryAfter > 0).
func (f *Mastodon) FailReads(n, status int, retryAfter time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.metrics.failReads = failKnob{n: n, status: status, after: retryAfter}
}

// HideMultiGet makes GET /api/v1/statuses answer 404, as servers before
// Mastodon 4.3 (and forks without it) do.
func (f *Mastodon) HideMultiGet(hide bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.metrics.noMulti = hide
}

// failRead answers an injected FailReads failure, if one is due.
func (f *Mastodon) failRead(w http.ResponseWriter) bool {
	f.mu.Lock()
	status, after, ok := f.metrics.failReads.take()
	f.mu.Unlock()
	if !ok {
		return false
	}
	setRetryAfter(w, after)
	writeError(w, status, failMessage(status))
	return true
}

// countsLocked sets a status's favourites, reblogs and replies in its JSON
// body; they grow with every read of the status.
func (f *Mastodon) countsLocked(body map[string]any) {
	id, _ := body["id"].(string)
	n := f.metrics.reads.next(id)
	body["favourites_count"] = grownCount(id, "favourites", n, 30, 5)
	body["reblogs_count"] = grownCount(id, "reblogs", n, 10, 2)
	body["replies_count"] = grownCount(id, "replies", n, 10, 1)
}

// followersLocked is the account's followers count; it grows with every
// read.
func (f *Mastodon) followersLocked() int64 {
	return 42 + grownCount("109000000000000001", "followers", f.metrics.reads.next(""), 100, 3)
}

// mStatusesMax is Mastodon's DEFAULT_STATUSES_LIMIT: GET /api/v1/statuses
// answers 422 to more ids.
const mStatusesMax = 20

// getStatuses is GET /api/v1/statuses?id[]=... ("View multiple statuses",
// Mastodon 4.3): the statuses the server has, in the order asked, unknown
// ids left out; at most 20 ids.
func (f *Mastodon) getStatuses(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	hidden := f.metrics.noMulti
	f.mu.Unlock()
	if hidden {
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	if f.failRead(w) || f.bearer(w, r, "read:statuses") == "" {
		return
	}
	q := normalizeArrays(r.URL.Query())
	var ids []string
	seen := map[string]bool{}
	for _, id := range q["id"] {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) > mStatusesMax {
		writeError(w, http.StatusUnprocessableEntity, "Validation failed: too many statuses requested")
		return
	}
	out := []any{}
	f.mu.Lock()
	for _, id := range ids {
		if s, ok := f.findStatusLocked(id); ok {
			body := f.statusJSONLocked(s)
			f.countsLocked(body)
			out = append(out, body)
		}
	}
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}
