package fakes

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"localpost/platforms"
)

// Scheduled statuses: POST /api/v1/statuses with scheduled_at, the
// /api/v1/scheduled_statuses endpoints, and the account's statuses
// (GET /api/v1/accounts/:id/statuses) where a published one is found.
//
// The fake publishes a scheduled status once its clock (SetClock, else the
// real time) reaches scheduled_at, checked before every request and in
// Statuses, or at once with PublishScheduled. Like Mastodon it refuses a
// time less than 5 minutes ahead and more than 25 scheduled statuses for
// one day (300 in all).

// Mastodon's limits on scheduled statuses (app/models/scheduled_status.rb).
const (
	mScheduleLead  = 5 * time.Minute
	mScheduleDaily = 25
	mScheduleTotal = 300
	demoAccountID  = "109000000000000001"
)

// mSched is the scheduling state of a Mastodon fake (guarded by its mu).
type mSched struct {
	list  []*mScheduled
	byKey map[string]string // token + "\x00" + Idempotency-Key → scheduled status id
	clock func() time.Time
}

type mScheduled struct {
	id, text, key, token, appName string
	mediaIDs                      []string
	at                            time.Time
}

// MastodonScheduled is a status the fake holds for later.
type MastodonScheduled struct {
	ID             string
	Text           string
	MediaIDs       []string
	At             time.Time
	IdempotencyKey string
}

// SetClock sets the fake's clock (nil: the real time), which decides when
// a scheduled status is due.
func (f *Mastodon) SetClock(now func() time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sched.clock = now
}

func (f *Mastodon) nowLocked() time.Time {
	if f.sched.clock != nil {
		return f.sched.clock().UTC()
	}
	return time.Now().UTC()
}

// Scheduled returns the statuses the fake still holds, soonest first.
func (f *Mastodon) Scheduled() []MastodonScheduled {
	f.runScheduler()
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []MastodonScheduled
	for _, s := range f.sched.list {
		out = append(out, MastodonScheduled{ID: s.id, Text: s.text, MediaIDs: slices.Clone(s.mediaIDs), At: s.at, IdempotencyKey: s.key})
	}
	slices.SortStableFunc(out, func(a, b MastodonScheduled) int { return a.At.Compare(b.At) })
	return out
}

// PublishScheduled publishes the scheduled status id now, whatever its
// time, as the server's scheduler would at the time; it reports whether
// the fake held it.
func (f *Mastodon) PublishScheduled(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, s := range f.sched.list {
		if s.id == id {
			f.publishScheduledLocked(i, f.nowLocked())
			return true
		}
	}
	return false
}

// runScheduler publishes every scheduled status whose time has come.
func (f *Mastodon) runScheduler() {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.nowLocked()
	for i := 0; i < len(f.sched.list); {
		if s := f.sched.list[i]; !s.at.After(now) {
			f.publishScheduledLocked(i, s.at)
			continue
		}
		i++
	}
}

// publishScheduledLocked turns the i-th scheduled status into a status
// created at the given time; the scheduled status is gone (404) after.
func (f *Mastodon) publishScheduledLocked(i int, at time.Time) {
	s := f.sched.list[i]
	f.sched.list = slices.Delete(f.sched.list, i, i+1)
	id := f.nextIDLocked()
	f.statuses = append(f.statuses, Status{ID: id, Text: s.text, MediaIDs: s.mediaIDs, IdempotencyKey: s.key, Token: s.token,
		URL: f.URL + "/@demo/" + id, CreatedAt: at.UTC(), appName: s.appName})
}

func (f *Mastodon) scheduledIndexLocked(id, tok string) int {
	return slices.IndexFunc(f.sched.list, func(s *mScheduled) bool { return s.id == id && s.token == tok })
}

// scheduledJSONLocked is the ScheduledStatus entity.
func (f *Mastodon) scheduledJSONLocked(s *mScheduled) map[string]any {
	atts := []any{}
	for _, id := range s.mediaIDs {
		if m := f.media[id]; m != nil {
			atts = append(atts, f.mediaJSON(m))
		}
	}
	var ids, key any
	if len(s.mediaIDs) > 0 {
		ids = slices.Clone(s.mediaIDs)
	}
	if s.key != "" {
		key = s.key
	}
	return map[string]any{
		"id":           s.id,
		"scheduled_at": s.at.UTC().Format("2006-01-02T15:04:05.000Z"),
		"params": map[string]any{
			"text": s.text, "visibility": "public", "application_id": 1, "with_rate_limit": false,
			"media_ids": ids, "idempotency": key, "scheduled_at": nil, "poll": nil, "sensitive": nil,
			"spoiler_text": nil, "in_reply_to_id": nil, "language": nil,
		},
		"media_attachments": atts,
	}
}

// checkStatusLocked is what Mastodon validates in a status; "" if fine.
func (f *Mastodon) checkStatusLocked(tok, text string, ids []string) string {
	limits := platforms.Limits{MaxChars: f.maxChars, URLWeight: 23}
	switch {
	case strings.TrimSpace(text) == "" && len(ids) == 0:
		return "Validation failed: Text can't be blank"
	case limits.CountChars(text) > f.maxChars:
		return fmt.Sprintf("Validation failed: Text character limit of %d exceeded", f.maxChars)
	case len(ids) > f.maxMedia:
		return fmt.Sprintf("Validation failed: Media attachments can't be more than %d", f.maxMedia)
	}
	for _, id := range ids {
		m := f.media[id]
		switch {
		case m == nil || m.token != tok:
			return "Validation failed: Media attachments are invalid"
		case m.pending > 0:
			return "Cannot attach files that have not finished processing. Try again in a moment!"
		}
	}
	return ""
}

// createScheduled is POST /api/v1/statuses with scheduled_at: it answers
// a ScheduledStatus. A repeat with the same Idempotency-Key answers the
// same one while it is held, 404 once it is not (as Mastodon does).
func (f *Mastodon) createScheduled(w http.ResponseWriter, tok, key, text string, ids []string, when string) {
	at, err := time.Parse(time.RFC3339, when)
	f.mu.Lock()
	if key != "" {
		if id, ok := f.sched.byKey[tok+"\x00"+key]; ok {
			i := f.scheduledIndexLocked(id, tok)
			if i < 0 {
				f.mu.Unlock()
				writeError(w, http.StatusNotFound, "Record not found")
				return
			}
			body := f.scheduledJSONLocked(f.sched.list[i])
			f.mu.Unlock()
			writeJSON(w, http.StatusOK, body)
			return
		}
		if _, ok := f.byKey[tok+"\x00"+key]; ok {
			f.mu.Unlock()
			writeError(w, http.StatusNotFound, "Record not found")
			return
		}
	}
	msg := f.checkStatusLocked(tok, text, ids)
	if msg == "" {
		msg = f.checkTimeLocked(at, err, "")
	}
	if msg == "" && len(f.sched.list) >= mScheduleTotal {
		msg = fmt.Sprintf("Validation failed: Scheduled at You have exceeded the limit of %d scheduled posts", mScheduleTotal)
	}
	if msg != "" {
		f.mu.Unlock()
		writeError(w, http.StatusUnprocessableEntity, msg)
		return
	}
	app := ""
	if t := f.tokens[tok]; t != nil && f.apps[t.clientID] != nil {
		app = f.apps[t.clientID].name
	}
	s := &mScheduled{id: f.nextIDLocked(), text: text, key: key, token: tok, appName: app, mediaIDs: slices.Clone(ids), at: at.UTC()}
	f.sched.list = append(f.sched.list, s)
	if key != "" {
		if f.sched.byKey == nil {
			f.sched.byKey = map[string]string{}
		}
		f.sched.byKey[tok+"\x00"+key] = s.id
	}
	body := f.scheduledJSONLocked(s)
	drop := f.dropN > 0 // DropNext: held, then the answer is lost
	if drop {
		f.dropN--
	}
	f.mu.Unlock()
	if drop && hangUp(w) {
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// checkTimeLocked applies Mastodon's rules to a scheduled_at (the status
// being moved, if any, does not count against the daily limit).
func (f *Mastodon) checkTimeLocked(at time.Time, parseErr error, self string) string {
	if parseErr != nil {
		return "Validation failed: Scheduled at is invalid"
	}
	if !at.After(f.nowLocked().Add(mScheduleLead)) {
		return "Validation failed: Scheduled at The scheduled date must be in the future"
	}
	y, m, d := at.UTC().Date()
	n := 0
	for _, s := range f.sched.list {
		if sy, sm, sd := s.at.Date(); s.id != self && sy == y && sm == m && sd == d {
			n++
		}
	}
	if n >= mScheduleDaily {
		return fmt.Sprintf("Validation failed: Scheduled at You have exceeded the limit of %d scheduled posts for today", mScheduleDaily)
	}
	return ""
}

func (f *Mastodon) listScheduled(w http.ResponseWriter, r *http.Request) {
	tok := f.bearer(w, r, "read:statuses")
	if tok == "" {
		return
	}
	limit := 20
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 {
		limit = min(n, 40)
	}
	f.mu.Lock()
	out := []any{}
	for i := len(f.sched.list) - 1; i >= 0 && len(out) < limit; i-- {
		if s := f.sched.list[i]; s.token == tok {
			out = append(out, f.scheduledJSONLocked(s))
		}
	}
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// ownScheduled finds the caller's scheduled status :id (under f.mu on
// success), or answers 401/403/404.
func (f *Mastodon) ownScheduled(w http.ResponseWriter, r *http.Request, scope string) (int, bool) {
	tok := f.bearer(w, r, scope)
	if tok == "" {
		return 0, false
	}
	f.mu.Lock()
	i := f.scheduledIndexLocked(r.PathValue("id"), tok)
	if i < 0 {
		f.mu.Unlock()
		writeError(w, http.StatusNotFound, "Record not found")
		return 0, false
	}
	return i, true
}

func (f *Mastodon) getScheduled(w http.ResponseWriter, r *http.Request) {
	i, ok := f.ownScheduled(w, r, "read:statuses")
	if !ok {
		return
	}
	body := f.scheduledJSONLocked(f.sched.list[i])
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

func (f *Mastodon) updateScheduled(w http.ResponseWriter, r *http.Request) {
	v, _, perr := params(r)
	i, ok := f.ownScheduled(w, r, "write:statuses")
	if !ok {
		return
	}
	s := f.sched.list[i]
	if perr == nil && v.Has("scheduled_at") {
		at, err := time.Parse(time.RFC3339, v.Get("scheduled_at"))
		if msg := f.checkTimeLocked(at, err, s.id); msg != "" {
			f.mu.Unlock()
			writeError(w, http.StatusUnprocessableEntity, msg)
			return
		}
		s.at = at.UTC()
	}
	body := f.scheduledJSONLocked(s)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

func (f *Mastodon) deleteScheduled(w http.ResponseWriter, r *http.Request) {
	i, ok := f.ownScheduled(w, r, "write:statuses")
	if !ok {
		return
	}
	f.sched.list = slices.Delete(f.sched.list, i, i+1)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{})
}

// accountStatuses is GET /api/v1/accounts/:id/statuses for @demo, newest
// first.
func (f *Mastodon) accountStatuses(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("id") != demoAccountID {
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	limit := 20
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 {
		limit = min(n, 40)
	}
	// max_id pages back: statuses with a lower id (ids grow with time).
	maxID, _ := strconv.ParseInt(r.URL.Query().Get("max_id"), 10, 64)
	f.mu.Lock()
	out := []any{}
	for i := len(f.statuses) - 1; i >= 0 && len(out) < limit; i-- {
		if id, _ := strconv.ParseInt(f.statuses[i].ID, 10, 64); maxID > 0 && id >= maxID {
			continue
		}
		out = append(out, f.statusJSONLocked(f.statuses[i]))
	}
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}
