package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"localpost/data"
)

// queueHorizon is how far ahead "Add to queue" looks for a free posting
// time before it gives up.
const queueHorizon = 26 * 7 * 24 * time.Hour

// ErrNoQueueSlot is matched (errors.Is) by the error "Add to queue" returns
// when the chosen accounts have no free posting time in common within the
// horizon; its message says why and what to do.
var ErrNoQueueSlot = errors.New("no free posting time")

type noSlotError struct{ msg string }

func (e *noSlotError) Error() string { return e.msg }
func (e *noSlotError) Unwrap() error { return ErrNoQueueSlot }

// AccountZone is the zone an account's posting times are in: its own, else
// the user's.
func (a *App) AccountZone(ctx context.Context, accountID int64) *time.Location {
	name, err := a.Store.AccountZone(ctx, accountID)
	if err == nil && name != "" {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return a.Location()
}

// SetAccountZone gives an account's posting times a zone of their own by
// IANA name ("" = follow the user's zone).
func (a *App) SetAccountZone(ctx context.Context, accountID int64, name string) error {
	name = strings.TrimSpace(name)
	if name != "" {
		if _, err := time.LoadLocation(name); err != nil {
			return fmt.Errorf("%q is not a time zone Localpost knows; write it as Region/City, e.g. Europe/Berlin", name)
		}
	}
	return a.Store.SetAccountZone(ctx, accountID, name)
}

// QueueSlots lists an account's posting times.
func (a *App) QueueSlots(ctx context.Context, accountID int64) ([]data.QueueSlot, error) {
	return a.Store.QueueSlots(ctx, accountID)
}

// AddQueueSlots adds a posting time ("15:04", in the account's zone) on
// each of the weekdays.
func (a *App) AddQueueSlots(ctx context.Context, accountID int64, days []time.Weekday, clock string) error {
	if len(days) == 0 {
		return errors.New("tick at least one weekday for the posting time")
	}
	h, m, err := ParseClock(clock)
	if err != nil {
		return err
	}
	return a.Store.AddQueueSlots(ctx, accountID, days, h*60+m)
}

// RemoveQueueSlot removes one posting time.
func (a *App) RemoveQueueSlot(ctx context.Context, id int64) error {
	return a.Store.DeleteQueueSlot(ctx, id)
}

// slotInstant is one posting time on one day, as an instant.
type slotInstant struct {
	at   time.Time
	note string // set when a DST gap or overlap moved it (see ResolveTime)
}

// slotInstants returns an account's posting times in (after, after+horizon)
// as instants, earliest first. Each is the slot's wall-clock time on its
// weekday in loc, resolved like any planned time: a time in a DST gap moves
// forward by the gap, an ambiguous one takes the first occurrence. Two
// slots landing on one instant count once.
func slotInstants(slots []data.QueueSlot, loc *time.Location, after time.Time, horizon time.Duration) []slotInstant {
	var out []slotInstant
	seen := map[int64]bool{}
	end := after.Add(horizon)
	start := after.In(loc)
	// Go by calendar day in loc, not by 24 hours: DST days are 23 or 25 long.
	for day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, loc); !day.After(end); day = day.AddDate(0, 0, 1) {
		for _, s := range slots {
			if s.Weekday != day.Weekday() {
				continue
			}
			t, note, err := ResolveTime(day, s.Clock(), loc)
			if err != nil || !t.After(after) || !t.Before(end) || seen[t.UnixMilli()] {
				continue
			}
			seen[t.UnixMilli()] = true
			out = append(out, slotInstant{t, note})
		}
	}
	slices.SortFunc(out, func(x, y slotInstant) int { return x.at.Compare(y.at) })
	return out
}

// NextQueueSlot picks the instant "Add to queue" plans a post for. The
// rule: the earliest instant after now that is one of the posting times of
// every chosen account (each read in that account's zone) and free on
// every one of them — no scheduled, publishing, published or uncertain
// post of the account is planned at it. Accounts in different zones share
// a slot when their local times name the same instant (09:00 New York and
// 15:00 Berlin). note explains a DST adjustment of the chosen slot.
func (a *App) NextQueueSlot(ctx context.Context, accountIDs []int64) (at time.Time, note string, err error) {
	if len(accountIDs) == 0 {
		return time.Time{}, "", errors.New("choose at least one account to post to")
	}
	after := a.now().UTC()
	end := after.Add(queueHorizon)
	// candidates: instant (ms) → note; intersected account by account.
	var cand map[int64]string
	for _, id := range accountIDs {
		acc, err := a.Store.Account(ctx, id)
		if err != nil {
			return time.Time{}, "", err
		}
		slots, err := a.Store.QueueSlots(ctx, id)
		if err != nil {
			return time.Time{}, "", err
		}
		if len(slots) == 0 {
			return time.Time{}, "", &noSlotError{fmt.Sprintf("%s has no posting times: add some under Accounts → Posting times…, or pick a time and press Schedule.",
				queueAccountName(acc))}
		}
		taken, err := a.Store.TakenInstants(ctx, id, after, end)
		if err != nil {
			return time.Time{}, "", err
		}
		busy := map[int64]bool{}
		for _, t := range taken {
			busy[t.UnixMilli()] = true
		}
		free := map[int64]string{}
		for _, s := range slotInstants(slots, a.AccountZone(ctx, id), after, queueHorizon) {
			k := s.at.UnixMilli()
			if busy[k] {
				continue
			}
			if cand == nil {
				free[k] = s.note
			} else if n, ok := cand[k]; ok {
				free[k] = cmp.Or(n, s.note)
			}
		}
		cand = free
	}
	best, found := int64(0), false
	for k := range cand {
		if !found || k < best {
			best, found = k, true
		}
	}
	if !found {
		what := "The chosen accounts have no free posting time in common"
		if len(accountIDs) == 1 {
			what = "Every posting time of this account is taken"
		}
		return time.Time{}, "", &noSlotError{fmt.Sprintf("%s in the next %d weeks: add posting times under Accounts → Posting times…, or pick a time and press Schedule.",
			what, int(queueHorizon/(7*24*time.Hour)))}
	}
	return time.UnixMilli(best).UTC(), cand[best], nil
}

// queueAccountName names an account in messages.
func queueAccountName(acc data.Account) string {
	if acc.Handle != "" {
		return acc.Handle
	}
	return acc.DisplayName
}

// AddToQueue checks the draft and schedules it at the next free posting
// time of its accounts (NextQueueSlot). The draft's day and clock are
// ignored; note carries a DST adjustment to show the user.
func (a *App) AddToQueue(ctx context.Context, d Draft) (p data.Post, note string, err error) {
	if probs := a.Check(ctx, d); len(probs) > 0 {
		return data.Post{}, "", &ProblemsError{probs}
	}
	at, note, err := a.NextQueueSlot(ctx, d.AccountIDs)
	if err != nil {
		return data.Post{}, "", err
	}
	if d.Zone == nil {
		d.Zone = a.Location()
	}
	p, err = a.save(ctx, toPost(d, at, data.StateScheduled))
	return p, note, err
}
