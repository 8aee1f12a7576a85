package fakes

import (
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Posts a Page holds for later: the fake publishes them once its clock
// (SetClock, else the real time) reaches scheduled_publish_time, checked
// before every Graph call and in Posts, or at once with PublishScheduled.
// POST /{post-id} with a new scheduled_publish_time moves one, DELETE
// /{post-id} deletes it (PagePost and AdVideo alike).

// SetClock sets the fake's clock (nil: the real time).
func (f *Meta) SetClock(now func() time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clock = now
}

func (f *Meta) nowLocked() time.Time {
	if f.clock != nil {
		return f.clock().UTC()
	}
	return time.Now().UTC()
}

func (f *Meta) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.nowLocked()
}

// runSchedulerLocked publishes the scheduled posts whose time has come.
func (f *Meta) runSchedulerLocked() {
	now := f.nowLocked()
	for _, o := range f.posts {
		if !o.published && !o.scheduled.IsZero() && !o.scheduled.After(now) {
			f.publishLocked(o)
		}
	}
}

func (f *Meta) publishLocked(o *metaObj) {
	o.published = true
	if o.typ == "AdVideo" {
		o.fields["published"] = true
	} else {
		o.fields["is_published"] = true
	}
}

// PublishScheduled publishes the scheduled post id now, whatever its time;
// it reports whether the fake held it unpublished.
func (f *Meta) PublishScheduled(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.objs[id]
	if o == nil || o.deleted || o.published || !slices.Contains(f.posts, o) {
		return false
	}
	f.publishLocked(o)
	return true
}

// reschedule is POST /{post-id} with scheduled_publish_time.
func (f *Meta) reschedule(c *metaCall, o *metaObj) {
	if !f.needPost(c, o.owner) {
		return
	}
	s := c.params.Get("scheduled_publish_time")
	n, err := strconv.ParseInt(s, 10, 64)
	at := time.Unix(n, 0).UTC()
	now := f.now()
	f.mu.Lock()
	published := o.published
	f.mu.Unlock()
	switch {
	case s == "":
		metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) This demo server only changes scheduled_publish_time")
		return
	case published:
		metaError(c.w, http.StatusBadRequest, 100, 0, "(#100) A published post cannot be scheduled")
		return
	case err != nil || at.Before(now.Add(10*time.Minute-time.Minute)) || at.After(now.Add(30*24*time.Hour+time.Hour)):
		metaError(c.w, http.StatusBadRequest, 100, 1363026, "(#100) The specified scheduled publish time is invalid.")
		return
	}
	f.mu.Lock()
	o.scheduled = at
	o.fields["scheduled_publish_time"] = float64(at.Unix())
	f.mu.Unlock()
	writeJSON(c.w, http.StatusOK, map[string]any{"success": true})
}

// deletePost is DELETE /{post-id}: the post is gone (code 100, subcode 33
// for anything asked about it afterwards).
func (f *Meta) deletePost(c *metaCall, o *metaObj) {
	if !f.needPost(c, o.owner) {
		return
	}
	f.mu.Lock()
	o.deleted = true
	f.posts = slices.DeleteFunc(f.posts, func(p *metaObj) bool { return p == o })
	f.mu.Unlock()
	writeJSON(c.w, http.StatusOK, map[string]any{"success": true})
}
