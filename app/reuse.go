package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"localpost/data"
	"localpost/platforms"
)

// What the user reuses while writing (snippets, hashtag groups, labels),
// the ideas list (undated posts), duplicates, and delete with undo.

// UndoKeep is how long after a delete Undo can still bring the post back.
// The calendar offers Undo for less; the margin covers a slow click.
const UndoKeep = 2 * time.Minute

// maxIdeas is how many ideas the list shows.
const maxIdeas = 500

// ErrUndoGone is returned by UndoDelete when the post cannot be brought
// back: too long ago, or a network held it (it was taken back there).
var ErrUndoGone = errors.New("this post can no longer be brought back")

// trashBin keeps deleted posts in memory for UndoKeep.
type trashBin struct {
	mu    sync.Mutex
	posts map[int64]trashed
}

type trashed struct {
	rec *data.DeletedPost
	at  time.Time
}

func (b *trashBin) put(rec *data.DeletedPost, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.posts == nil {
		b.posts = map[int64]trashed{}
	}
	for id, t := range b.posts {
		if now.Sub(t.at) > UndoKeep {
			delete(b.posts, id)
		}
	}
	b.posts[rec.PostID] = trashed{rec: rec, at: now}
}

// take removes and returns a post deleted less than UndoKeep ago.
func (b *trashBin) take(id int64, now time.Time) *data.DeletedPost {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, ok := b.posts[id]
	delete(b.posts, id)
	if !ok || now.Sub(t.at) > UndoKeep {
		return nil
	}
	return t.rec
}

// Snippets lists the saved texts of a kind (snippets or hashtag groups).
func (a *App) Snippets(ctx context.Context, kind data.SnippetKind) ([]data.SavedSnippet, error) {
	return a.Store.Snippets(ctx, kind)
}

// SaveSnippet adds (ID 0) or changes a snippet or hashtag group.
func (a *App) SaveSnippet(ctx context.Context, s data.SavedSnippet) (data.SavedSnippet, error) {
	return a.Store.SaveSnippet(ctx, s)
}

// DeleteSnippet removes a snippet or hashtag group.
func (a *App) DeleteSnippet(ctx context.Context, id int64) error {
	return a.Store.DeleteSnippet(ctx, id)
}

// Labels lists every label with its colour.
func (a *App) Labels(ctx context.Context) ([]data.Label, error) { return a.Store.Labels(ctx) }

// SaveLabel renames or recolours a label.
func (a *App) SaveLabel(ctx context.Context, l data.Label) (data.Label, error) {
	l, err := a.Store.SaveLabel(ctx, l)
	if err == nil {
		a.changed()
	}
	return l, err
}

// DeleteLabel takes a label off every post and out of the list.
func (a *App) DeleteLabel(ctx context.Context, id int64) error {
	err := a.Store.DeleteLabel(ctx, id)
	if err == nil {
		a.changed()
	}
	return err
}

// Ideas lists the undated posts, most recently changed first.
func (a *App) Ideas(ctx context.Context) ([]data.Idea, error) { return a.Store.Ideas(ctx, maxIdeas) }

// NewIdea stores text as an undated draft with no account yet.
func (a *App) NewIdea(ctx context.Context, text string) (data.Post, error) {
	if strings.TrimSpace(text) == "" {
		return data.Post{}, errors.New("write a few words to keep the idea")
	}
	p, err := a.Store.CreatePost(ctx, data.Post{Text: text, Zone: a.Location().String()})
	if err != nil {
		return p, err
	}
	a.changed()
	return p, nil
}

// DateIdea gives an undated post (an idea) the instant at. It is scheduled
// when it can be (accounts chosen, nothing a network would refuse, at not
// past); else it stays a draft on that day and the problems say why.
// Dragging an idea onto the calendar calls this.
func (a *App) DateIdea(ctx context.Context, id int64, at time.Time) (data.Post, []platforms.Problem, error) {
	p, err := a.Store.Post(ctx, id)
	if err != nil {
		return p, nil, err
	}
	d := a.DraftFromPost(p, a.Location())
	lt := at.In(d.Zone)
	d.Day = time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, d.Zone)
	d.Clock = lt.Format("15:04")
	probs := a.Check(ctx, d)
	if len(probs) == 0 {
		sp, _, err := a.Schedule(ctx, d)
		switch {
		case err == nil:
			return sp, nil, nil
		case errors.Is(err, ErrInPast):
			probs = []platforms.Problem{{Field: "time", Message: "That time has already passed; pick a later one to schedule it."}}
		default:
			var pe *ProblemsError
			if !errors.As(err, &pe) {
				return p, nil, err
			}
			probs = pe.Problems
		}
	}
	dp, err := a.SaveDraft(ctx, d)
	return dp, probs, err
}

// DuplicatePost stores a copy of a post as a draft: the same text, title,
// media with alt text, labels, accounts with their variants and options.
// The copy keeps the original's time while it is still ahead, so it sits
// beside the original in the calendar ready to be moved; a copy of a post
// whose time has passed (the usual case: reusing a published post) has no
// date and lands in the ideas, since a past time could not be scheduled.
// Nothing the networks gave the original (remote ids, native schedules)
// is copied.
func (a *App) DuplicatePost(ctx context.Context, id int64) (data.Post, error) {
	p, err := a.Store.Post(ctx, id)
	if err != nil {
		return p, err
	}
	cp := data.Post{Text: p.Text, Title: p.Title, Zone: p.Zone, Media: p.Media, Labels: p.Labels}
	if p.PlannedAt.After(a.now()) {
		cp.PlannedAt = p.PlannedAt
	}
	for _, t := range p.Targets {
		nt := data.Target{AccountID: t.AccountID, TextOverride: t.TextOverride, State: data.StateDraft}
		if t.Options != "" {
			o := targetOptions(t)
			o.PublishAt = time.Time{} // a time the network was told for the original
			if !isZeroOptions(o) {
				b, err := json.Marshal(o)
				if err != nil {
					return data.Post{}, fmt.Errorf("duplicate post %d: %w", id, err)
				}
				nt.Options = string(b)
			}
		}
		cp.Targets = append(cp.Targets, nt)
	}
	cp, err = a.Store.CreatePost(ctx, cp)
	if err != nil {
		return cp, fmt.Errorf("duplicate post %d: %w", id, err)
	}
	a.changed()
	return cp, nil
}

// DeleteWithUndo deletes a post that is not being published and reports
// whether UndoDelete can bring it back (for UndoKeep). A post a network
// holds for its own scheduler is taken back there as soon as Localpost can
// reach it (native.go) and cannot be brought back: putting it back here
// would not put it back there.
func (a *App) DeleteWithUndo(ctx context.Context, id int64) (undo bool, err error) {
	rec, err := a.Store.DeletePostForUndo(ctx, id)
	if err != nil {
		return false, err
	}
	if rec != nil {
		a.trash.put(rec, a.now())
	}
	a.changed()
	a.Wake()
	return rec != nil, nil
}

// UndoDelete brings back a post deleted less than UndoKeep ago, as it was
// (text, media, accounts, variants, labels, history). Its id stays unless
// a new post took it meanwhile; the post returned has the one it has now.
func (a *App) UndoDelete(ctx context.Context, id int64) (data.Post, error) {
	rec := a.trash.take(id, a.now())
	if rec == nil {
		return data.Post{}, ErrUndoGone
	}
	newID, err := a.Store.RestorePost(ctx, rec)
	if err != nil {
		return data.Post{}, err
	}
	a.changed()
	a.Wake() // it may have been due meanwhile
	return a.Store.Post(ctx, newID)
}
