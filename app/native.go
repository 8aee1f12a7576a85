package app

// Native scheduling kept in sync. Posts planned later are handed to the
// networks that can hold them (Facebook Pages, YouTube, Mastodon: see
// handOverUpcoming), so they go out even if Localpost is closed. When the
// user then edits, moves or deletes such a post, the change happens here
// at once (offline too) and data queues what the network must be told
// (data/native.go); syncNative tells it:
//
//   - a move: the network's own reschedule where it has one and the new
//     time suits it, else a cancel;
//   - an edit of text, media or options, or saving as a draft: a cancel;
//     only once the network confirms does the target lose its remote id,
//     so it is handed over again (or published from here at its time).
//     Until then the target keeps the remote id, which keeps it out of the
//     due posts: never two live copies. If the network publishes the old
//     version meanwhile, the user is told so;
//   - a delete: a cancel; if the network refuses, or published it already,
//     the user is told (a notification, and the message stays in
//     RemoteProblems until dismissed).

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"localpost/data"
	"localpost/platforms"
	"localpost/platforms/mastodon"
)

// Sync policy.
const (
	nativeBudget   = 30 * time.Second // one change: a read and a write at the network
	nativeMaxTries = 8                // refusals before a change is given up (unreachable: no limit)
	// mastodonLead is how far ahead a post must be to be handed to a
	// Mastodon server: its 5 minutes plus room for the media uploads.
	mastodonLead = mastodon.MinScheduleLead + 5*time.Minute
)

// errGoneThere marks a change that found the post no longer held by the
// network and not published by it (deleted there by someone): for a
// cancel that is done, and a move cannot happen.
var errGoneThere = errors.New("the network no longer holds the post")

// syncNative carries out the queued changes to posts networks hold, one
// account at a time and the accounts side by side; an account that is
// publishing is left for the next round. A network that cannot be reached
// is tried again later (backoff), without holding up the others.
func (a *App) syncNative(ctx context.Context) {
	chs, err := a.Store.PendingRemoteChanges(ctx, a.now(), 100)
	if err != nil || len(chs) == 0 {
		return
	}
	byAcc := map[int64][]data.RemoteChange{}
	var order []int64
	for _, ch := range chs {
		if _, ok := byAcc[ch.AccountID]; !ok {
			order = append(order, ch.AccountID)
		}
		byAcc[ch.AccountID] = append(byAcc[ch.AccountID], ch)
	}
	var wg sync.WaitGroup
	var tried atomic.Int64
	for _, id := range order {
		acc, err := a.Store.Account(ctx, id)
		if err != nil || !a.acquire(acc) {
			continue // publishing now: next round
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer a.release(acc)
			for _, ch := range byAcc[id] {
				if ctx.Err() != nil {
					return
				}
				tried.Add(1)
				if !a.carryOut(ctx, acc, ch) {
					return // unreachable: the rest of this account waits too
				}
			}
		}()
	}
	wg.Wait()
	if tried.Load() > 0 {
		a.changed()
		a.Wake() // released targets are due or can be handed over again
	}
}

// carryOut tells the network one change and records the outcome; it
// reports false when the network could not be reached.
func (a *App) carryOut(ctx context.Context, acc data.Account, ch data.RemoteChange) bool {
	cctx, cancel := context.WithTimeout(ctx, nativeBudget)
	defer cancel()
	start := a.now()
	action := ch.Action
	if action == data.RemoteMove && !a.canMove(acc, ch.NewAt) {
		action = data.RemoteCancel
	}
	res, err := a.remoteChange(cctx, acc, ch, action)
	if action == data.RemoteMove && err != nil && !errors.Is(err, platforms.ErrAlreadyPublished) && !errors.Is(err, errGoneThere) {
		if k := platforms.KindOf(err); k != platforms.KindRetry && k != platforms.KindReconnect {
			// The network refused the new time: take it back instead; it is
			// handed over again or published from here at the new time.
			action = data.RemoteCancel
			res, err = a.remoteChange(cctx, acc, ch, action)
		}
	}
	name := a.networkName(acc.Network)
	att := data.Attempt{TargetID: ch.TargetID, StartedAt: start, EndedAt: a.now()}
	var pe *platforms.Error
	if errors.As(err, &pe) {
		att.HTTPStatus = pe.Status
	}
	wctx := context.Background() // the outcome is written even if ctx ends now
	switch {
	case errors.Is(err, platforms.ErrAlreadyPublished):
		a.alreadyPublished(wctx, acc, ch, res, att)
	case err == nil && action == data.RemoteMove:
		att.Outcome = "moved"
		att.Message = fmt.Sprintf("Moved on %s to %s.", name, a.clock(ch.NewAt))
		note := fmt.Sprintf("Scheduled on %s for %s: it goes out even if Localpost is closed.", name, a.clock(ch.NewAt))
		_, _ = a.Store.RemoteMoved(wctx, ch, att, note)
	case err == nil || errors.Is(err, errGoneThere):
		att.Outcome = "withdrawn"
		att.Message = fmt.Sprintf("Taken back from %s after your change.", name)
		_, _ = a.Store.RemoteCancelled(wctx, ch, att, att.Message)
	default:
		return a.changeFailed(wctx, acc, ch, action, err)
	}
	return true
}

// canMove reports whether the network can move the post to at itself.
func (a *App) canMove(acc data.Account, at time.Time) bool {
	ahead := at.Sub(a.now())
	if acc.Network == string(platforms.Mastodon) {
		return ahead > mastodonLead
	}
	p, ok := a.providers[platforms.Network(acc.Network)]
	if !ok {
		return false
	}
	if _, ok := p.(platforms.Rescheduler); !ok {
		return false
	}
	return ahead > max(p.Info().MinLead, 5*time.Minute)+time.Minute && ahead <= handOverWindow
}

// remoteChange makes the call. For Mastodon a post the server no longer
// holds is looked for among the account's recent posts: found, it is
// ErrAlreadyPublished with its address; not found before its time, it was
// deleted there (errGoneThere).
func (a *App) remoteChange(ctx context.Context, acc data.Account, ch data.RemoteChange, action data.RemoteAction) (platforms.Result, error) {
	cred, err := a.credential(acc)
	if errors.Is(err, data.ErrSecretNotFound) {
		return platforms.Result{}, &platforms.Error{Kind: platforms.KindReconnect, Message: "no saved login in the keyring", Err: err}
	}
	if err != nil {
		return platforms.Result{}, &platforms.Error{Kind: platforms.KindRetry, Message: "could not read the saved login from your keyring: " + err.Error(), Err: err}
	}
	if acc.Network == string(platforms.Mastodon) {
		c, err := mastodon.New(acc.Server, a.http)
		if err != nil {
			return platforms.Result{}, &platforms.Error{Kind: platforms.KindDisconnected, Message: err.Error(), Err: err}
		}
		tok := cred.AccessToken
		if action == data.RemoteMove {
			_, err = c.Reschedule(ctx, tok, ch.RemoteID, ch.NewAt)
		} else {
			err = c.CancelScheduled(ctx, tok, ch.RemoteID)
		}
		if !errors.Is(err, mastodon.ErrScheduledGone) {
			return platforms.Result{}, err
		}
		res, found, ferr := c.FindPublished(ctx, tok, acc.RemoteID, ch.HeldText, ch.HeldAt)
		switch {
		case ferr != nil:
			return platforms.Result{}, ferr
		case found:
			return res, fmt.Errorf("%w: %s", platforms.ErrAlreadyPublished, res.URL)
		case ch.HeldAt.After(a.now()):
			return platforms.Result{}, errGoneThere
		}
		// Its time has passed and the server let it go: published, but
		// not among the recent posts (or deleted since).
		return platforms.Result{}, platforms.ErrAlreadyPublished
	}
	p, err := a.provider(platforms.Network(acc.Network))
	if err != nil {
		return platforms.Result{}, &platforms.Error{Kind: platforms.KindFixPost, Message: err.Error()}
	}
	tok, cred, err := a.tokenFor(ctx, p, acc, cred)
	if err != nil {
		return platforms.Result{}, err
	}
	id := identityOf(acc, cred)
	name := p.Info().Name
	if action == data.RemoteMove {
		r, ok := p.(platforms.Rescheduler)
		if !ok {
			return platforms.Result{}, &platforms.Error{Kind: platforms.KindFixPost, Message: name + " cannot move a post it holds"}
		}
		return platforms.Result{}, r.Reschedule(ctx, id, tok, ch.RemoteID, ch.NewAt)
	}
	u, ok := p.(platforms.Unscheduler)
	if !ok {
		return platforms.Result{}, &platforms.Error{Kind: platforms.KindFixPost, Message: name + " cannot take back a post it holds"}
	}
	return platforms.Result{}, u.CancelScheduled(ctx, id, tok, ch.RemoteID)
}

// alreadyPublished records that the network published the post before it
// could be changed, and tells the user what that means.
func (a *App) alreadyPublished(ctx context.Context, acc data.Account, ch data.RemoteChange, res platforms.Result, att data.Attempt) {
	name := a.networkName(acc.Network)
	remoteID, url := ch.RemoteID, ch.RemoteURL
	if acc.Network == string(platforms.Mastodon) {
		remoteID, url = res.RemoteID, res.URL // the status, not the scheduled status
	}
	when := ""
	if !ch.HeldAt.IsZero() && !ch.HeldAt.After(a.now()) {
		when = " at " + a.clock(ch.HeldAt)
		att.EndedAt = ch.HeldAt
	}
	where := "delete or edit it there"
	if url != "" {
		where += ": " + url
	}
	var msg string
	switch {
	case ch.TargetID == 0:
		msg = fmt.Sprintf("You deleted “%s” in Localpost, but %s had already published it%s. If you do not want it there, %s.", ch.Snippet, name, when, where)
	case ch.Action == data.RemoteMove:
		msg = fmt.Sprintf("%s had already published this post%s, before Localpost could move it. If it should not be there yet, %s.", name, when, where)
	default:
		msg = fmt.Sprintf("%s had already published the earlier version%s, before Localpost could take it back: your later changes are not on %s. To change it, %s.", name, when, name, where)
	}
	if url == "" && acc.Network == string(platforms.Mastodon) {
		msg += " Localpost could not find it among your recent posts to link it: look at your profile."
	}
	att.Outcome, att.Message = "published", msg
	if ok, err := a.Store.RemoteAlreadyPublished(ctx, ch, att, remoteID, url, msg); ok && err == nil {
		a.notify("Already published on "+acc.Handle, msg)
	}
}

// changeFailed records a try the network did not accept: unreachable or
// busy is tried again later; a refused login waits for a reconnect;
// anything else is given up after a few tries and the user told what to
// do. It reports whether the network answered.
func (a *App) changeFailed(ctx context.Context, acc data.Account, ch data.RemoteChange, action data.RemoteAction, err error) bool {
	name := a.networkName(acc.Network)
	verb := "take back"
	if action == data.RemoteMove {
		verb = "move"
	}
	what := "this post"
	if ch.TargetID == 0 {
		what = "“" + ch.Snippet + "” (deleted in Localpost)"
	}
	held := ""
	if !ch.HeldAt.IsZero() && ch.HeldAt.After(a.now()) {
		held = fmt.Sprintf(" Until then %s still holds it for %s.", name, a.clock(ch.HeldAt))
	}
	tries := ch.Tries + 1
	kind := platforms.KindOf(err)
	var msg string
	var next time.Duration
	switch {
	case kind == platforms.KindRetry || kind == platforms.KindUnknown && tries < nativeMaxTries:
		next = backoff(tries, platforms.RetryAfterOf(err))
		msg = fmt.Sprintf("Could not yet %s %s on %s (%s); trying again at %s.%s", verb, what, name, err, a.clock(a.now().Add(next)), held)
	case kind == platforms.KindReconnect:
		next = backoffMax
		msg = fmt.Sprintf("%s refused to let Localpost %s %s (%s): reconnect %s in Accounts, then Localpost tries again.%s", name, verb, what, err, acc.Handle, held)
	default:
		msg = fmt.Sprintf("%s refused to %s %s: %s.", name, verb, what, err)
		if ch.HeldAt.After(a.now()) {
			msg += fmt.Sprintf(" It still publishes it at %s: delete it there yourself", a.clock(ch.HeldAt))
		} else {
			msg += " Look at it there and delete it yourself if needed"
		}
		if ch.RemoteURL != "" {
			msg += ": " + ch.RemoteURL
		}
		msg += "."
		if ok, _ := a.Store.RemoteGiveUp(ctx, ch, msg); ok {
			a.notify("Could not change the post on "+acc.Handle, msg)
		}
		return true
	}
	if ok, _ := a.Store.RemoteRetry(ctx, ch, msg, a.now().Add(next)); ok && ch.Tries == 0 && (ch.TargetID == 0 || kind == platforms.KindReconnect) {
		// Told once; a deleted post has nowhere else to show it.
		a.notify("Not yet changed on "+acc.Handle, msg)
	}
	return kind != platforms.KindRetry
}

// clock formats a time for messages in the user's zone.
func (a *App) clock(t time.Time) string { return t.In(a.Location()).Format("Mon 2 Jan 15:04") }

// RemoteProblem is a change to a post a network holds that needs the
// user's attention: it could not be made, or it is still waiting for a
// post already deleted here.
type RemoteProblem struct {
	ID      int64
	PostID  int64  // 0 when the post was deleted here
	Account string // the account's handle
	Message string
	Waiting bool // still being tried
}

// RemoteProblems lists them, oldest first, for the calendar to show until
// the user dismisses them.
func (a *App) RemoteProblems(ctx context.Context) ([]RemoteProblem, error) {
	failed, err := a.Store.FailedRemoteChanges(ctx)
	if err != nil {
		return nil, err
	}
	pending, err := a.Store.PendingRemoteChanges(ctx, time.Unix(1<<40, 0), 0)
	if err != nil {
		return nil, err
	}
	var out []RemoteProblem
	add := func(ch data.RemoteChange, waiting bool) {
		p := RemoteProblem{ID: ch.ID, PostID: ch.PostID, Message: ch.LastError, Waiting: waiting}
		if acc, err := a.Store.Account(ctx, ch.AccountID); err == nil {
			p.Account = acc.Handle
		}
		out = append(out, p)
	}
	for _, ch := range failed {
		add(ch, false)
	}
	for _, ch := range pending {
		if ch.TargetID == 0 && ch.Tries > 0 {
			add(ch, true)
		}
	}
	return out, nil
}

// DismissRemoteProblem removes a problem the user has read (only those
// no longer being tried).
func (a *App) DismissRemoteProblem(ctx context.Context, id int64) error {
	if err := a.Store.DismissRemoteChange(ctx, id); err != nil {
		return err
	}
	a.changed()
	return nil
}

// handOverMark is kept in a Mastodon target's pending data while it is
// being handed over: the key it was sent with, so that after a crash or a
// lost answer, handing it over again or publishing it from here first
// removes what the server may hold under that key: never two copies.
type handOverMark struct {
	Key string    `json:"mastodon_schedule_key"`
	At  time.Time `json:"at"`
}

func readHandOverMark(b []byte) handOverMark {
	var m handOverMark
	if len(b) > 0 {
		_ = json.Unmarshal(b, &m)
	}
	return m
}

// publishMastodon is the Mastodon part of publishTarget: now, or with at
// set handed to the server's scheduler.
func (a *App) publishMastodon(ctx context.Context, c *mastodon.Client, tok string, dt data.DueTarget, p platforms.Post, at time.Time) (platforms.Result, error) {
	mark := readHandOverMark(dt.Target.Pending)
	if at.IsZero() {
		if mark.Key != "" {
			if res, found, err := a.strayHandOver(ctx, c, tok, dt.Account, mark, p.Text); err != nil || found {
				return res, err
			}
		}
		return c.Publish(ctx, tok, p)
	}
	if mark.Key != "" {
		// An earlier try may have gone through (its answer lost, Localpost
		// stopped). The server remembers keys only an hour, and the post
		// may have changed since: whatever it holds under the key goes, and
		// the post is handed over afresh under a new key.
		held, err := c.ScheduledStatuses(ctx, tok)
		if err != nil {
			return platforms.Result{}, err
		}
		for _, s := range held {
			if s.Idempotency == mark.Key {
				if err := c.CancelScheduled(ctx, tok, s.ID); err != nil && !errors.Is(err, mastodon.ErrScheduledGone) {
					return platforms.Result{}, err
				}
			}
		}
	}
	// A key of its own: the target's key publishes it from here, and
	// Mastodon would answer a repeat of it with this scheduled status.
	mark.Key = dt.Target.IdempotencyKey + "-h" + rand.Text()[:8]
	mark.At = at
	b, _ := json.Marshal(mark)
	if err := a.Store.SetTargetPending(context.Background(), dt.Target.ID, b); err != nil {
		return platforms.Result{}, &platforms.Error{Kind: platforms.KindRetry, Message: "could not save the hand-over", Err: err}
	}
	p.IdempotencyKey = mark.Key
	res, err := c.Publish(ctx, tok, p)
	var pe *platforms.Error
	if err != nil && res.RemoteID == "" && errors.As(err, &pe) && pe.Status == 422 {
		// The server will not hold it (its limit of scheduled posts, a time
		// too close): Localpost publishes it itself at the time.
		return res, &platforms.Error{Kind: platforms.KindRetry, Status: pe.Status, RetryAfter: max(at.Sub(a.now()), 0),
			Message: dt.Account.Handle + "'s server would not hold it for later (" + pe.Message + "); Localpost publishes it itself at the time", Err: err}
	}
	return res, err
}

// strayHandOver runs before a post that was being handed over is published
// from here: a scheduled status the server holds under the hand-over's key
// is deleted, and one the server has published already is the result.
func (a *App) strayHandOver(ctx context.Context, c *mastodon.Client, tok string, acc data.Account, mark handOverMark, text string) (platforms.Result, bool, error) {
	held, err := c.ScheduledStatuses(ctx, tok)
	if err != nil {
		return platforms.Result{}, false, err
	}
	for _, s := range held {
		if s.Idempotency == mark.Key {
			if err := c.CancelScheduled(ctx, tok, s.ID); err != nil && !errors.Is(err, mastodon.ErrScheduledGone) {
				return platforms.Result{}, false, err
			}
		}
	}
	if mark.At.IsZero() || mark.At.After(a.now()) {
		return platforms.Result{}, false, nil
	}
	return c.FindPublished(ctx, tok, acc.RemoteID, text, mark.At)
}

// mastodonSettled asks the server about a post it held whose time has
// come: still held (held true: ask again later), or published as res
// (found false: not among the account's recent posts).
func (a *App) mastodonSettled(ctx context.Context, acc data.Account, t data.Target) (res platforms.Result, found, held bool, err error) {
	cred, err := a.credential(acc)
	if err != nil {
		return res, false, false, err
	}
	c, err := mastodon.New(acc.Server, a.http)
	if err != nil {
		return res, false, false, err
	}
	cctx, cancel := context.WithTimeout(ctx, nativeBudget)
	defer cancel()
	if _, err := c.Scheduled(cctx, cred.AccessToken, t.RemoteID); err == nil {
		return res, false, true, nil
	} else if !errors.Is(err, mastodon.ErrScheduledGone) {
		return res, false, false, err
	}
	p, err := a.Store.Post(cctx, t.PostID)
	if err != nil {
		return res, false, false, err
	}
	text := p.Text
	if t.TextOverride != "" {
		text = t.TextOverride
	}
	res, found, err = c.FindPublished(cctx, cred.AccessToken, acc.RemoteID, text, p.PlannedAt)
	return res, found, false, err
}
