package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"localpost/data"
)

// ErrPublishedStays is returned by MovePost for a post that went out.
var ErrPublishedStays = errors.New("Published posts stay where they went out; duplicate it to post again.")

// MovePost gives a post a new day and time of day (clock, "15:04") in
// day's zone, as dragging it in the calendar does, and returns the instant
// it is planned for. A clock time the clocks skip or repeat that day is
// resolved as in Schedule, and note says so. Everything else about the
// post stays: text, media, accounts, variants, labels, drafts stay drafts.
// Targets that failed or were missed are scheduled again for the new
// time. The post moves as a whole, every account with it; a network that
// holds it in its own scheduler is moved there too (native.go). A post
// that went out, is going out or may have gone out is refused, as is a
// time already past.
func (a *App) MovePost(ctx context.Context, id int64, day time.Time, clock string) (at time.Time, note string, err error) {
	p, err := a.Store.Post(ctx, id)
	if err != nil {
		return time.Time{}, "", fmt.Errorf("move post %d: %w", id, err)
	}
	for _, t := range p.Targets {
		switch t.State {
		case data.StatePublished:
			return time.Time{}, "", ErrPublishedStays
		case data.StatePublishing:
			return time.Time{}, "", errors.New("This post is being published right now; wait for the result before moving it.")
		case data.StateUncertain:
			return time.Time{}, "", errors.New("Localpost cannot tell whether this post went out; check the network, then mark it published or retry it, before moving it.")
		}
	}
	at, note, err = ResolveTime(day, clock, day.Location())
	if err != nil {
		return time.Time{}, "", err
	}
	if at.Before(a.now().Add(-time.Minute)) {
		return time.Time{}, note, fmt.Errorf("%s has already passed: %w; drop the post on a later day or hour",
			at.In(day.Location()).Format("Mon 2 Jan 15:04"), ErrInPast)
	}
	p.PlannedAt = at
	for i, t := range p.Targets {
		if t.State == data.StateFailed || t.State == data.StateMissed {
			p.Targets[i].State = data.StateScheduled
		}
	}
	if _, err := a.save(ctx, p); err != nil {
		return time.Time{}, note, fmt.Errorf("move post %d: %w", id, err)
	}
	return at, note, nil
}
