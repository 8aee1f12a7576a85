package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"localpost/data"
	"localpost/platforms"
	"localpost/platforms/mastodon"
)

// DraftMedia is one attachment in the composer.
type DraftMedia struct {
	MediaID int64  // set once stored
	Path    string // absolute path of the stored file
	Mime    string
	Size    int64
	Alt     string
}

// Draft is what the composer holds.
type Draft struct {
	PostID     int64 // 0 = new
	Text       string
	Title      string
	AccountIDs []int64
	Media      []DraftMedia
	Day        time.Time // the date picked (year, month, day are used)
	Clock      string    // "15:04" in Zone
	Zone       *time.Location
	// Variants tailor the post per account (by account ID): its own text
	// ("" = the common text) and the network's options.
	Variants map[int64]Variant
	// Labels are the post's label names, in order (see data.CleanLabels).
	Labels []string
}

// Variant is the post as one account publishes it.
type Variant struct {
	Text    string
	Options platforms.Options
}

// ErrInPast is returned by Schedule for a time already gone; the UI offers
// "Post now".
var ErrInPast = errors.New("that time has already passed")

// ProblemsError is returned when a draft cannot be scheduled as it is.
type ProblemsError struct{ Problems []platforms.Problem }

func (e *ProblemsError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
	}
	return strings.Join(msgs, "\n")
}

// Month returns the calendar entries of a month in loc.
func (a *App) Month(ctx context.Context, year int, month time.Month, loc *time.Location) ([]data.CalendarEntry, error) {
	from := time.Date(year, month, 1, 0, 0, 0, 0, loc)
	return a.Store.CalendarEntries(ctx, from, from.AddDate(0, 1, 0))
}

// AddMedia stores a file in the data folder and returns it for the draft.
func (a *App) AddMedia(ctx context.Context, path string) (DraftMedia, error) {
	m, err := a.Store.AddMedia(ctx, path)
	if err != nil {
		return DraftMedia{}, err
	}
	return DraftMedia{MediaID: m.ID, Path: a.Store.MediaPath(m), Mime: m.Mime, Size: m.Size}, nil
}

func limitsKey(server string) string { return "limits:" + server }

// rememberLimits keeps a server's limits for this run and, in settings, for
// planning offline.
func (a *App) rememberLimits(server string, l platforms.Limits) {
	b, err := json.Marshal(l)
	if err != nil {
		return
	}
	a.mu.Lock()
	a.limitsCache[server] = string(b)
	a.mu.Unlock()
	_ = a.Store.SetSetting(context.Background(), limitsKey(server), string(b))
}

func (a *App) accountLimits(ctx context.Context, acc data.Account) platforms.Limits {
	if acc.Network != string(platforms.Mastodon) {
		if p, ok := a.providers[platforms.Network(acc.Network)]; ok {
			return p.Limits()
		}
	}
	a.mu.Lock()
	s, ok := a.limitsCache[acc.Server]
	a.mu.Unlock()
	if !ok {
		s = a.Store.Setting(ctx, limitsKey(acc.Server), "")
	}
	l := mastodon.Defaults()
	if s != "" {
		_ = json.Unmarshal([]byte(s), &l)
	}
	return l
}

// Limits returns the strictest limits over the chosen accounts (Mastodon:
// from the server's /api/v2/instance, 500 characters when absent).
func (a *App) Limits(ctx context.Context, accountIDs []int64) platforms.Limits {
	out := mastodon.Defaults()
	first := true
	for _, id := range accountIDs {
		acc, err := a.Store.Account(ctx, id)
		if err != nil {
			continue
		}
		l := a.accountLimits(ctx, acc)
		if first {
			out, first = l, false
			continue
		}
		out = strictest(out, l)
	}
	return out
}

func strictest(a, b platforms.Limits) platforms.Limits {
	minPos := func(x, y int) int {
		if x <= 0 {
			return y
		}
		if y <= 0 || x < y {
			return x
		}
		return y
	}
	a.MaxChars = minPos(a.MaxChars, b.MaxChars)
	a.MaxMedia = min(a.MaxMedia, b.MaxMedia)
	if b.MaxImageBytes > 0 && (a.MaxImageBytes == 0 || b.MaxImageBytes < a.MaxImageBytes) {
		a.MaxImageBytes = b.MaxImageBytes
	}
	if len(b.MediaTypes) > 0 {
		var both []string
		for _, t := range a.MediaTypes {
			for _, u := range b.MediaTypes {
				if t == u {
					both = append(both, t)
				}
			}
		}
		a.MediaTypes = both
	}
	a.MediaRequired = a.MediaRequired || b.MediaRequired
	a.MaxAltChars = minPos(a.MaxAltChars, b.MaxAltChars)
	return a
}

// Check returns the problems that stop the draft from being scheduled:
// the post as each chosen account would publish it (its variant text and
// options) against that account's network.
func (a *App) Check(ctx context.Context, d Draft) []platforms.Problem {
	var probs []platforms.Problem
	if len(d.AccountIDs) == 0 {
		probs = append(probs, platforms.Problem{Field: "accounts", Message: "Choose at least one account to post to."})
	}
	for i, m := range d.Media {
		if _, err := os.Stat(m.Path); err != nil {
			probs = append(probs, platforms.Problem{Field: fmt.Sprintf("media[%d]", i),
				Message: fmt.Sprintf("%s is missing from the data folder; remove it and attach the image again.", filepath.Base(m.Path))})
		}
	}
	seen := map[string]bool{}
	for _, id := range d.AccountIDs {
		acc, err := a.Store.Account(ctx, id)
		if err != nil {
			probs = append(probs, platforms.Problem{Field: "accounts", Message: "One of the chosen accounts no longer exists; untick it."})
			continue
		}
		pp := platformPost(d)
		if needsPublicMedia(acc) {
			_ = a.publishMediaURLs(&pp) // what publishing will hand the network
		}
		field := "text"
		if v, ok := d.Variants[id]; ok {
			if v.Text != "" {
				pp.Text, field = v.Text, fmt.Sprintf("variant[%d]", id)
			}
			pp.Options = v.Options
		}
		var found []platforms.Problem
		if v, ok := a.providers[platforms.Network(acc.Network)].(validator); ok {
			found = v.Validate(pp)
		} else {
			found = a.accountLimits(ctx, acc).Validate(pp)
		}
		for _, pr := range found {
			if pr.Field == "text" {
				pr.Field = field
			}
			if len(d.AccountIDs) > 1 {
				pr.Message = acc.Handle + ": " + pr.Message
			}
			if !seen[pr.Field+pr.Message] {
				seen[pr.Field+pr.Message] = true
				probs = append(probs, pr)
			}
		}
	}
	return probs
}

func platformPost(d Draft) platforms.Post {
	p := platforms.Post{Text: d.Text}
	for _, m := range d.Media {
		p.Media = append(p.Media, platforms.Media{Path: m.Path, Mime: m.Mime, Size: m.Size, Alt: m.Alt})
	}
	return p
}

// toPost builds the stored post of a draft with its targets in state st.
func toPost(d Draft, at time.Time, st data.TargetState) data.Post {
	zone := ""
	if d.Zone != nil {
		zone = d.Zone.String()
	}
	p := data.Post{ID: d.PostID, Text: d.Text, Title: d.Title, PlannedAt: at, Zone: zone, Labels: d.Labels}
	for _, id := range d.AccountIDs {
		t := data.Target{AccountID: id, State: st}
		if v, ok := d.Variants[id]; ok {
			t.TextOverride = v.Text
			if !isZeroOptions(v.Options) {
				b, _ := json.Marshal(v.Options)
				t.Options = string(b)
			}
		}
		p.Targets = append(p.Targets, t)
	}
	for _, m := range d.Media {
		p.Media = append(p.Media, data.Media{ID: m.MediaID, Alt: m.Alt})
	}
	return p
}

func (a *App) save(ctx context.Context, p data.Post) (data.Post, error) {
	var err error
	if p.ID == 0 {
		p, err = a.Store.CreatePost(ctx, p)
	} else {
		p, err = a.Store.UpdatePost(ctx, p)
	}
	if err != nil {
		return p, err
	}
	a.changed()
	a.Wake() // a network holding the post is told by the publisher (native.go)
	return p, nil
}

// SaveDraft stores the draft without scheduling it. Nothing is checked but
// the clock: a draft may be empty or too long while it is being written.
func (a *App) SaveDraft(ctx context.Context, d Draft) (data.Post, error) {
	var at time.Time
	if !d.Day.IsZero() && d.Clock != "" {
		t, _, err := ResolveTime(d.Day, d.Clock, d.Zone)
		if err != nil {
			return data.Post{}, err
		}
		at = t
	}
	return a.save(ctx, toPost(d, at, data.StateDraft))
}

// Schedule validates and stores the draft as scheduled. note carries a
// time-zone adjustment to show the user.
func (a *App) Schedule(ctx context.Context, d Draft) (p data.Post, note string, err error) {
	if probs := a.Check(ctx, d); len(probs) > 0 {
		return data.Post{}, "", &ProblemsError{probs}
	}
	at, note, err := ResolveTime(d.Day, d.Clock, d.Zone)
	if err != nil {
		return data.Post{}, "", err
	}
	if at.Before(a.now().Add(-time.Minute)) {
		return data.Post{}, note, ErrInPast
	}
	p, err = a.save(ctx, toPost(d, at, data.StateScheduled))
	if err == nil {
		a.Wake()
	}
	return p, note, err
}

// PostNow schedules the draft for right away and wakes the publisher.
func (a *App) PostNow(ctx context.Context, d Draft) (data.Post, error) {
	if probs := a.Check(ctx, d); len(probs) > 0 {
		return data.Post{}, &ProblemsError{probs}
	}
	if d.Zone == nil {
		d.Zone = a.Location()
	}
	p, err := a.save(ctx, toPost(d, a.now().UTC().Truncate(time.Second), data.StateScheduled))
	if err == nil {
		a.Wake()
	}
	return p, err
}

// Post returns a stored post for the composer.
func (a *App) Post(ctx context.Context, id int64) (data.Post, error) { return a.Store.Post(ctx, id) }

// DraftFromPost turns a stored post into a composer draft in loc.
func (a *App) DraftFromPost(p data.Post, loc *time.Location) Draft {
	if loc == nil {
		loc = time.Local
	}
	if p.Zone != "" {
		if l, err := time.LoadLocation(p.Zone); err == nil {
			loc = l
		}
	}
	d := Draft{PostID: p.ID, Text: p.Text, Title: p.Title, Zone: loc, Labels: p.Labels}
	if !p.PlannedAt.IsZero() {
		lt := p.PlannedAt.In(loc)
		d.Day = time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
		d.Clock = lt.Format("15:04")
	}
	for _, t := range p.Targets {
		d.AccountIDs = append(d.AccountIDs, t.AccountID)
		if t.TextOverride != "" || t.Options != "" {
			v := Variant{Text: t.TextOverride, Options: targetOptions(t)}
			if d.Variants == nil {
				d.Variants = map[int64]Variant{}
			}
			d.Variants[t.AccountID] = v
		}
	}
	for _, m := range p.Media {
		d.Media = append(d.Media, DraftMedia{MediaID: m.ID, Path: a.Store.MediaPath(m), Mime: m.Mime, Size: m.Size, Alt: m.Alt})
	}
	return d
}

// DeletePost deletes a post that is not being published. A network
// holding it for its own scheduler is asked to take it back as soon as it
// can be reached (native.go); if it cannot, the user is told. Other posts
// can be brought back for a while with UndoDelete (reuse.go).
func (a *App) DeletePost(ctx context.Context, id int64) error {
	_, err := a.DeleteWithUndo(ctx, id)
	return err
}

// setTargets moves the post's targets that are in one of from to st.
func (a *App) setTargets(ctx context.Context, postID int64, from []data.TargetState, st data.TargetState, msg string, next time.Time) error {
	p, err := a.Store.Post(ctx, postID)
	if err != nil {
		return err
	}
	n := 0
	for _, t := range p.Targets {
		for _, f := range from {
			if t.State == f {
				if err := a.Store.SetTargetState(ctx, t.ID, st, msg, next); err != nil {
					return err
				}
				n++
			}
		}
	}
	if n == 0 {
		return errors.New("nothing in this post is waiting for that decision")
	}
	a.changed()
	return nil
}

// Retry schedules a failed, missed or uncertain post again for now.
func (a *App) Retry(ctx context.Context, postID int64) error {
	err := a.setTargets(ctx, postID, []data.TargetState{data.StateFailed, data.StateMissed, data.StateUncertain}, data.StateScheduled, "", a.now())
	if err == nil {
		a.Wake()
	}
	return err
}

// Skip marks the post's missed targets failed with "skipped by you".
func (a *App) Skip(ctx context.Context, postID int64) error {
	return a.setTargets(ctx, postID, []data.TargetState{data.StateMissed}, data.StateFailed, "Skipped by you.", time.Time{})
}

// MarkPublished records that an uncertain post did reach the network.
func (a *App) MarkPublished(ctx context.Context, postID int64) error {
	return a.setTargets(ctx, postID, []data.TargetState{data.StateUncertain}, data.StatePublished, "Marked as published by you.", time.Time{})
}

// Attempts lists the attempts of a post's targets, oldest first.
func (a *App) Attempts(ctx context.Context, postID int64) ([]data.Attempt, error) {
	p, err := a.Store.Post(ctx, postID)
	if err != nil {
		return nil, err
	}
	var all []data.Attempt
	for _, t := range p.Targets {
		at, err := a.Store.Attempts(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		all = append(all, at...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].StartedAt.Before(all[j].StartedAt) })
	return all, nil
}

func isZeroOptions(o platforms.Options) bool {
	return o.Title == "" && o.Link == "" && o.BoardID == "" && o.Privacy == "" && len(o.Tags) == 0 &&
		o.FirstComment == "" && len(o.Thread) == 0 && o.PublishAt.IsZero() && o.Thumbnail == "" && o.Kind == ""
}

// targetOptions reads a target's stored options.
func targetOptions(t data.Target) platforms.Options {
	var o platforms.Options
	if t.Options != "" {
		_ = json.Unmarshal([]byte(t.Options), &o)
	}
	return o
}

// HeldByNetworks names the networks already holding this post for their
// own scheduler: deleting or changing it in Localpost takes it back or
// moves it there too, as soon as Localpost can reach them (native.go).
func (a *App) HeldByNetworks(ctx context.Context, postID int64) ([]string, error) {
	p, err := a.Store.Post(ctx, postID)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, t := range p.Targets {
		if t.State != data.StateScheduled && t.State != data.StateDraft || t.RemoteID == "" {
			continue
		}
		acc, err := a.Store.Account(ctx, t.AccountID)
		if err != nil {
			continue
		}
		names = append(names, a.networkName(acc.Network))
	}
	return names, nil
}
