package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"localpost/data"
	"localpost/platforms"
	"localpost/platforms/mastodon"
)

// Recovery of targets an earlier run left in "publishing": it crashed, was
// killed or quit while a network call was under way, so nobody knows
// whether the post went out. Never posted twice, never silently dropped.

const (
	// lookupBudget bounds one look at a network for an interrupted post.
	lookupBudget = 30 * time.Second
	// lookupSlack widens the look back from the claim, for clocks that
	// differ between this computer and the network.
	lookupSlack = time.Minute
)

// orphan is an interrupted target waiting for a look at its network.
type orphan struct {
	target data.Target
	post   data.Post
	acc    data.Account
	noted  bool // the user was told the look has not worked yet
}

// text is what was published on the target's network.
func (o *orphan) text() string {
	if o.target.TextOverride != "" {
		return o.target.TextOverride
	}
	return o.post.Text
}

// handedOver reports whether the claim was to hand the post to the
// network's own scheduler (claimed well before its time): such a post is
// held by the network, not among its published posts, so a look there
// cannot find it.
func (o *orphan) handedOver() bool {
	return o.post.PlannedAt.After(o.target.ClaimedAt.Add(time.Minute))
}

// recoverInterrupted decides what becomes of every target found in
// "publishing" at start, in this order:
//
//   - saved progress of a multi-step publish: scheduled again, and the
//     network's client continues from it (it looks for a post whose answer
//     was lost itself before creating one);
//   - a network that can list the account's own recent posts
//     (platforms.Finder), for a post published now (not handed to the
//     network's scheduler): looked for among the posts since the claim.
//     Found: published, with its address. Surely not there (the Finder
//     read every post since then): scheduled again, nothing can repeat.
//     The network cannot tell: as below. The look failed (offline, the
//     login refused): the target stays "publishing" with a note and is
//     looked for again (the running app retries with growing pauses,
//     `localpost publish-due` on its next run); it is never sent again
//     without a sure answer;
//   - Mastodon within resumeWindow of the claim: sent again with the same
//     Idempotency-Key, which makes the server drop a repeat;
//   - otherwise uncertain: the user looks and chooses "It is there" or
//     "Publish again" (MarkPublished, Retry).
//
// The looks of the running app happen in the background, so publishing
// does not wait for a slow network; publish-due looks once, in line.
func (a *App) recoverInterrupted(ctx context.Context) {
	ts, err := a.Store.TargetsInState(ctx, data.StatePublishing)
	if err != nil || len(ts) == 0 {
		return
	}
	var look []*orphan
	for _, t := range ts {
		if t.ClaimedAt.After(a.startedAt) {
			// Claimed after this run began: not left by a crash but being
			// sent right now by another publisher on the folder (only
			// possible without the folder lock, as in the race test).
			continue
		}
		o, ok := a.orphanOf(ctx, t)
		if !ok {
			continue
		}
		switch {
		case t.Pending != nil:
			_ = a.Store.SetTargetState(ctx, t.ID, data.StateScheduled,
				"Localpost stopped while publishing this post; it continues where it stopped, without posting anything twice.", a.now())
		case a.finderFor(o) != nil:
			look = append(look, o)
		default:
			a.recoverUnchecked(ctx, o, "")
		}
	}
	a.changed()
	if len(look) == 0 {
		return
	}
	if a.done == nil {
		// publish-due: one look now; what it cannot answer waits for the
		// next run rather than holding this one up.
		a.lookAll(ctx, look)
		return
	}
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Done()
		a.lookUntilAnswered(ctx, look)
	}()
}

// orphanOf reads the target's post and account; false if either is gone.
func (a *App) orphanOf(ctx context.Context, t data.Target) (*orphan, bool) {
	p, err := a.Store.Post(ctx, t.PostID)
	if err != nil {
		return nil, false
	}
	acc, err := a.Store.Account(ctx, t.AccountID)
	if err != nil {
		return nil, false
	}
	return &orphan{target: t, post: p, acc: acc}, true
}

// finderFor is the Finder that can look for o's post, nil if none can.
func (a *App) finderFor(o *orphan) platforms.Finder {
	if o.target.ClaimedAt.IsZero() || o.handedOver() {
		return nil
	}
	if o.acc.Network == string(platforms.Mastodon) {
		c, err := mastodon.New(o.acc.Server, a.http)
		if err != nil {
			return nil
		}
		return c
	}
	f, _ := a.providers[platforms.Network(o.acc.Network)].(platforms.Finder)
	return f
}

// lookUntilAnswered looks for each post, and again with growing pauses
// for those whose look failed, until all are settled or the app stops.
func (a *App) lookUntilAnswered(ctx context.Context, os []*orphan) {
	wait := 2 * a.tick
	for {
		if os = a.lookAll(ctx, os); len(os) == 0 {
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = min(2*wait, backoffMax)
	}
}

// lookAll looks once for each post and returns those still unsettled.
func (a *App) lookAll(ctx context.Context, os []*orphan) []*orphan {
	var left []*orphan
	settled := false
	for _, o := range os {
		if ctx.Err() != nil {
			return nil // quitting: the next start looks again
		}
		if !a.stillInterrupted(ctx, o) {
			continue
		}
		if a.look(ctx, o) {
			settled = true
		} else {
			left = append(left, o)
		}
	}
	if settled {
		a.changed()
		a.Wake()
	}
	return left
}

// stillInterrupted re-reads o's target and account: the post may have been
// deleted, or the account reconnected, meanwhile.
func (a *App) stillInterrupted(ctx context.Context, o *orphan) bool {
	fresh, ok := a.orphanOf(ctx, o.target)
	if !ok {
		return false
	}
	for _, t := range fresh.post.Targets {
		if t.ID == o.target.ID {
			o.post, o.acc = fresh.post, fresh.acc
			return t.State == data.StatePublishing && t.ClaimedAt.Equal(o.target.ClaimedAt)
		}
	}
	return false
}

// look asks o's network whether its post is there and acts on the answer;
// it reports whether the target is settled (no longer "publishing").
func (a *App) look(ctx context.Context, o *orphan) bool {
	f := a.finderFor(o)
	if f == nil {
		a.recoverUnchecked(ctx, o, "")
		return true
	}
	lctx, cancel := context.WithTimeout(ctx, lookupBudget)
	res, found, err := a.findRecent(lctx, f, o)
	cancel()
	if ctx.Err() != nil {
		return false // quitting mid-look: the next start looks again
	}
	switch {
	case err == nil && found:
		now := a.now()
		att := data.Attempt{StartedAt: now, EndedAt: now, Outcome: "published",
			Message: "Found on the network after a restart: it went out before Localpost stopped."}
		if ferr := a.Store.FinishAttempt(ctx, o.target.ID, att, data.StatePublished, res.RemoteID, res.URL, "", time.Time{}); ferr != nil {
			return false
		}
		a.notify("Published on "+o.acc.Handle, snippet(o.text()))
		return true
	case err == nil:
		msg := fmt.Sprintf("Localpost stopped while publishing this post. It is not on %s, so it goes out again now.", a.networkName(o.acc.Network))
		return a.Store.SetTargetState(ctx, o.target.ID, data.StateScheduled, msg, a.now()) == nil
	case errors.Is(err, platforms.ErrCannotCheck):
		a.recoverUnchecked(ctx, o, err.Error())
		return true
	}
	a.lookFailed(ctx, o, err)
	return false
}

// findRecent runs the Finder with the account's login, renewed if due.
func (a *App) findRecent(ctx context.Context, f platforms.Finder, o *orphan) (platforms.Result, bool, error) {
	cred, err := a.credential(o.acc)
	if errors.Is(err, data.ErrSecretNotFound) {
		return platforms.Result{}, false, &platforms.Error{Kind: platforms.KindReconnect, Message: "no saved login in the keyring", Err: err}
	}
	if err != nil {
		return platforms.Result{}, false, &platforms.Error{Kind: platforms.KindRetry, Message: "could not read the saved login from your keyring: " + err.Error(), Err: err}
	}
	tok := platforms.Token{Access: cred.AccessToken}
	if p, ok := a.providers[platforms.Network(o.acc.Network)]; ok && o.acc.Network != string(platforms.Mastodon) {
		if tok, cred, err = a.tokenFor(ctx, p, o.acc, cred); err != nil {
			return platforms.Result{}, false, err
		}
	}
	post := platforms.Post{Text: o.text(), IdempotencyKey: o.target.IdempotencyKey, Options: targetOptions(o.target)}
	for _, m := range o.post.Media {
		post.Media = append(post.Media, platforms.Media{Path: a.Store.MediaPath(m), Mime: m.Mime, Size: m.Size, Alt: m.Alt})
	}
	return f.FindRecent(ctx, identityOf(o.acc, cred), tok, post, o.target.ClaimedAt.Add(-lookupSlack))
}

// recoverUnchecked settles a target whose network cannot be asked:
// Mastodon within resumeWindow sends again with the same key, anything
// else waits for the user. why says why the network could not tell.
func (a *App) recoverUnchecked(ctx context.Context, o *orphan, why string) {
	if o.acc.Network == string(platforms.Mastodon) && !o.target.ClaimedAt.IsZero() && a.now().Sub(o.target.ClaimedAt) <= resumeWindow {
		_ = a.Store.SetTargetState(ctx, o.target.ID, data.StateScheduled,
			"Localpost stopped while publishing this post; it is sent again with the same key, so the server drops a repeat.", a.now())
		return
	}
	if why != "" {
		why = " (" + why + ")"
	}
	msg := fmt.Sprintf("Localpost stopped while publishing this post and cannot check whether %s received it%s. "+
		"Look at %s: if the post is there, choose “It is there”; if not, “Publish again”.", a.networkName(o.acc.Network), why, o.acc.Handle)
	if err := a.Store.SetTargetState(ctx, o.target.ID, data.StateUncertain, msg, time.Time{}); err == nil {
		a.notify("Check "+o.acc.Handle, "Localpost cannot tell whether a post went out.")
	}
}

// lookFailed leaves the target in "publishing" and, the first time, says
// why: the post goes out again only after a look says it is not there.
func (a *App) lookFailed(ctx context.Context, o *orphan, err error) {
	then := "Localpost looks again later and sends the post only if it is not there."
	if platforms.KindOf(err) == platforms.KindReconnect {
		then = "Reconnect the account in Accounts; Localpost then looks again and sends the post only if it is not there."
		_ = a.Store.SetAccountState(ctx, o.acc.ID, data.AccountNeedsReconnect)
	}
	if o.noted {
		return
	}
	msg := fmt.Sprintf("Localpost stopped while publishing this post and could not yet check whether it is on %s: %s. %s",
		a.networkName(o.acc.Network), err, then)
	now := a.now()
	att := data.Attempt{StartedAt: now, EndedAt: now, Outcome: "unchecked", Message: err.Error()}
	var pe *platforms.Error
	if errors.As(err, &pe) {
		att.HTTPStatus = pe.Status
	}
	if a.Store.FinishAttempt(ctx, o.target.ID, att, data.StatePublishing, "", "", msg, time.Time{}) == nil {
		o.noted = true
		a.changed()
	}
}
