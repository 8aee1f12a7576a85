package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
	"unicode/utf8"

	"localpost/data"
	"localpost/platforms"
	"localpost/platforms/mastodon"
)

// Publishing policy.
const (
	maxAttempts   = 8                // temporary failures before a target fails
	backoffBase   = 30 * time.Second // first wait after a temporary failure
	backoffMax    = 30 * time.Minute
	publishBudget = 5 * time.Minute // one publish call, uploads included
	// resumeWindow is how long after a crash mid-publish a target may be
	// sent again with the same idempotency key: Mastodon remembers keys for
	// an hour, so within that the server drops a repeat.
	resumeWindow = 50 * time.Minute
)

// Start starts the publisher goroutine; it stops when ctx ends or on Close.
func (a *App) Start(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	a.stop = cancel
	a.done = make(chan struct{})
	var bg sync.WaitGroup
	bg.Add(1)
	go func() {
		defer bg.Done()
		a.refreshLimits(ctx)
		a.syncAccounts(ctx)
	}()
	go func() {
		defer close(a.done)
		a.run(ctx)
		bg.Wait()
		a.inflight.Wait()
	}()
}

// Wake asks the publisher to look for due posts now.
func (a *App) Wake() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

func (a *App) run(ctx context.Context) {
	a.recoverInterrupted(ctx)
	a.catchUp(ctx)
	a.warnExpiring(ctx)
	ticker := time.NewTicker(a.tick)
	defer ticker.Stop()
	last := a.now()
	for {
		a.publishDue(ctx)
		a.settleHandedOver(ctx)
		a.handOverUpcoming(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-a.wake:
		}
		// A long gap between rounds means the computer slept: treat what
		// fell due meanwhile like posts due while the app was closed.
		if now := a.now(); now.Sub(last) > 4*a.tick+time.Minute {
			a.catchUp(ctx)
		}
		last = a.now()
	}
}

// warnExpiring tells the user, once a run, which logins end within a week
// and cannot be renewed by Localpost (those that can are renewed before
// publishing).
func (a *App) warnExpiring(ctx context.Context) {
	accs, err := a.Store.Accounts(ctx)
	if err != nil {
		return
	}
	now := a.now()
	for _, acc := range accs {
		if acc.TokenExpiry.IsZero() || acc.State != data.AccountConnected || acc.TokenExpiry.Sub(now) > 7*24*time.Hour {
			continue
		}
		if cred, err := a.credential(acc); err == nil && cred.RefreshToken != "" {
			continue
		}
		when := acc.TokenExpiry.In(a.Location()).Format("Mon 2 Jan")
		if acc.TokenExpiry.Before(now) {
			a.notify("Reconnect "+acc.Handle, "Its login expired on "+when+"; posts to it wait until you reconnect it in Accounts.")
		} else {
			a.notify("Reconnect "+acc.Handle+" before "+when, "Its login ends then and this network cannot renew it; reconnect it in Accounts.")
		}
	}
}

// syncAccounts re-reads, once a run, what each account can publish to that
// may change on the network's side (Pinterest boards, names). Offline, or
// with a login that no longer works, the stored copy stays; publishing
// will say what is wrong.
func (a *App) syncAccounts(ctx context.Context) {
	accs, err := a.Store.Accounts(ctx)
	if err != nil {
		return
	}
	changed := false
	for _, acc := range accs {
		p, ok := a.providers[platforms.Network(acc.Network)]
		if !ok || p.Info().ReminderOnly || acc.State != data.AccountConnected || ctx.Err() != nil {
			continue
		}
		cred, err := a.credential(acc)
		if err != nil {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		tok, _, err := a.tokenFor(cctx, p, acc, cred)
		var ids []platforms.Identity
		if err == nil {
			ids, err = p.Identities(cctx, tok)
		}
		cancel()
		if err != nil {
			continue
		}
		for _, id := range ids {
			if id.RemoteID != acc.RemoteID {
				continue
			}
			x := readExtra(acc)
			x.Extra, x.Boards, x.NeedsPublic = id.Extra, id.Boards, id.NeedsPublic
			b, _ := json.Marshal(x)
			if string(b) == acc.Extra && id.Name == acc.DisplayName {
				break
			}
			acc.Extra, acc.DisplayName = string(b), id.Name
			if _, err := a.Store.SaveAccount(ctx, acc); err == nil {
				changed = true
			}
			break
		}
	}
	if changed {
		a.changed()
	}
}

// refreshLimits reads each server's current limits once per run; offline
// the stored ones are used.
func (a *App) refreshLimits(ctx context.Context) {
	accs, err := a.Store.Accounts(ctx)
	if err != nil {
		return
	}
	seen := map[string]bool{}
	for _, acc := range accs {
		if acc.Network != string(platforms.Mastodon) || seen[acc.Server] {
			continue
		}
		seen[acc.Server] = true
		c, err := mastodon.New(acc.Server, a.http)
		if err != nil {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		if l, err := c.Instance(cctx); err == nil {
			a.rememberLimits(acc.Server, l)
		}
		cancel()
	}
}

// recoverInterrupted deals with targets left in "publishing" by a crash or a
// quit mid-call: sent again with the same idempotency key while the server
// still remembers it, otherwise left for the user to decide.
func (a *App) recoverInterrupted(ctx context.Context) {
	ts, err := a.Store.TargetsInState(ctx, data.StatePublishing)
	if err != nil {
		return
	}
	now := a.now()
	for _, t := range ts {
		claimed := t.ClaimedAt
		resumable := !claimed.IsZero() && now.Sub(claimed) <= resumeWindow
		if acc, err := a.Store.Account(ctx, t.AccountID); err == nil && acc.Network != string(platforms.Mastodon) {
			// Other networks have no idempotency key: only a multi-step
			// publish with saved state continues without a repeat.
			resumable = t.Pending != nil
		}
		if !resumable {
			_ = a.Store.SetTargetState(ctx, t.ID, data.StateUncertain,
				"Localpost stopped while publishing this post, too long ago to check safely. Look at the account on the network: if the post is there choose “It was published”, otherwise “Retry”.", time.Time{})
			continue
		}
		_ = a.Store.SetTargetState(ctx, t.ID, data.StateScheduled,
			"Localpost stopped while publishing; sending again with the same key, so the server drops a repeat.", now)
	}
	if len(ts) > 0 {
		a.changed()
	}
}

// catchUp marks posts that fell due more than the grace period ago, and
// were never tried, as missed: they wait for the user's decision.
func (a *App) catchUp(ctx context.Context) {
	now := a.now()
	grace := a.MissedGrace()
	due, err := a.Store.DueTargets(ctx, now, 1000)
	if err != nil {
		return
	}
	n := 0
	for _, dt := range due {
		late := now.Sub(dt.Post.PlannedAt)
		if dt.Target.Attempts > 0 || late <= grace || a.isReminder(dt.Account) {
			continue
		}
		msg := fmt.Sprintf("Due %s while Localpost was not running (%s late). Publish it now or skip it.",
			dt.Post.PlannedAt.In(a.Location()).Format("Mon 2 Jan 15:04"), roundLate(late))
		if err := a.Store.SetTargetState(ctx, dt.Target.ID, data.StateMissed, msg, time.Time{}); err == nil {
			n++
		}
	}
	if n > 0 {
		a.notify("Posts missed while Localpost was closed", fmt.Sprintf("%d post(s) wait for your decision in the calendar.", n))
		a.changed()
	}
}

func roundLate(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	}
	if d >= time.Hour {
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d min", int(d.Minutes()))
}

// publishDue publishes every target due now, one at a time.
//
// Networks publish side by side, each one post at a time: a long YouTube
// upload does not hold up a Mastodon post, and no network sees two of our
// calls at once. A finished post wakes the loop for the next one.
func (a *App) publishDue(ctx context.Context) {
	due, err := a.Store.DueTargets(ctx, a.now(), 50)
	if err != nil {
		return
	}
	for _, dt := range due {
		if ctx.Err() != nil {
			return
		}
		if a.isReminder(dt.Account) {
			a.remind(ctx, dt)
			continue
		}
		a.launch(ctx, dt, time.Time{})
	}
}

// launch claims a target and publishes it in the background unless its
// network is already busy with another; it reports whether it started.
func (a *App) launch(ctx context.Context, dt data.DueTarget, at time.Time) bool {
	network := dt.Account.Network
	a.mu.Lock()
	if a.busy[network] {
		a.mu.Unlock()
		return false
	}
	a.busy[network] = true
	a.mu.Unlock()
	release := func() {
		a.mu.Lock()
		delete(a.busy, network)
		a.mu.Unlock()
	}
	if ok, err := a.Store.ClaimTarget(ctx, dt.Target.ID, a.now()); err != nil || !ok {
		release()
		return false
	}
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Done()
		a.publishOne(ctx, dt, at)
		release()
		a.Wake()
	}()
	return true
}

// publishOne publishes a claimed target now, or, with at set, hands it to
// the network's own scheduler for that time.
func (a *App) publishOne(ctx context.Context, dt data.DueTarget, at time.Time) {
	att := data.Attempt{TargetID: dt.Target.ID, StartedAt: a.now()}
	pctx, cancel := context.WithTimeout(ctx, publishBudget)
	res, err := a.publishTarget(pctx, dt, at)
	cancel()
	if ctx.Err() != nil {
		// Quitting mid-call: the target stays "publishing" and
		// recoverInterrupted decides on the next start.
		return
	}
	att.EndedAt = a.now()
	// A fresh context: the outcome must be recorded even if ctx ends now.
	wctx := context.Background()
	name := snippet(dt.Post.Text)
	if err == nil && !at.IsZero() {
		att.Outcome = "handed_over"
		note := fmt.Sprintf("Scheduled on the network for %s: it goes out even if Localpost is closed.", at.In(a.Location()).Format("Mon 2 Jan 15:04"))
		if ferr := a.Store.HandOver(wctx, dt.Target.ID, att, res.RemoteID, res.URL, note); ferr == nil {
			a.changed()
		}
		return
	}
	if err == nil {
		att.Outcome = "published"
		if ferr := a.Store.FinishAttempt(wctx, dt.Target.ID, att, data.StatePublished, res.RemoteID, res.URL, "", time.Time{}); ferr != nil {
			return
		}
		a.notify("Published on "+dt.Account.Handle, name)
		a.changed()
		return
	}

	if res.RemoteID != "" {
		// Published, with a part that did not go through (a refused
		// thumbnail): kept as published, the message says what is missing.
		att.Outcome = "published"
		att.Message = err.Error()
		if ferr := a.Store.FinishAttempt(wctx, dt.Target.ID, att, data.StatePublished, res.RemoteID, res.URL, err.Error(), time.Time{}); ferr == nil {
			a.notify("Published on "+dt.Account.Handle+", with a problem", err.Error())
			a.changed()
		}
		return
	}
	var pe *platforms.Error
	if errors.As(err, &pe) {
		att.HTTPStatus = pe.Status
	}
	att.Message = err.Error()
	tries := dt.Target.Attempts + 1
	switch kind := platforms.KindOf(err); {
	case errors.Is(err, platforms.ErrMaybePublished):
		att.Outcome = "uncertain"
		msg := fmt.Sprintf("%s: %s. Look at the account: if the post is there choose “It was published”, otherwise “Retry”.", dt.Account.Handle, err)
		_ = a.Store.FinishAttempt(wctx, dt.Target.ID, att, data.StateUncertain, "", "", msg, time.Time{})
		a.notify("Check "+dt.Account.Handle, "Localpost cannot tell whether a post went out.")
	case kind == platforms.KindReconnect:
		att.Outcome = "needs_reconnect"
		msg := fmt.Sprintf("%s refused the saved login (%s). Reconnect the account in Accounts; the post waits and goes out once it is reconnected.", dt.Account.Handle, err)
		_ = a.Store.FinishAttempt(wctx, dt.Target.ID, att, data.StateScheduled, "", "", msg, a.now())
		_ = a.Store.SetAccountState(wctx, dt.Account.ID, data.AccountNeedsReconnect)
		a.notify("Reconnect "+dt.Account.Handle, "A post is waiting until you reconnect the account.")
	case kind == platforms.KindFixPost || kind == platforms.KindDisconnected:
		att.Outcome = "failed"
		msg := fmt.Sprintf("%s: %s. Edit the post and schedule it again.", dt.Account.Handle, err)
		_ = a.Store.FinishAttempt(wctx, dt.Target.ID, att, data.StateFailed, "", "", msg, time.Time{})
		a.notify("Could not publish on "+dt.Account.Handle, err.Error())
	case tries >= maxAttempts:
		att.Outcome = "failed"
		msg := fmt.Sprintf("Gave up after %d tries: %s. Choose Retry to try again.", tries, err)
		_ = a.Store.FinishAttempt(wctx, dt.Target.ID, att, data.StateFailed, "", "", msg, time.Time{})
		a.notify("Could not publish on "+dt.Account.Handle, err.Error())
	default:
		att.Outcome = "retry"
		wait := backoff(tries, platforms.RetryAfterOf(err))
		msg := fmt.Sprintf("Try %d of %d failed: %s. Trying again at %s.", tries, maxAttempts, err, a.now().Add(wait).In(a.Location()).Format("15:04:05"))
		_ = a.Store.FinishAttempt(wctx, dt.Target.ID, att, data.StateScheduled, "", "", msg, a.now().Add(wait))
	}
	a.changed()
}

// handOverWindow is how far ahead posts are handed to networks that
// schedule themselves (Facebook takes up to 30 days).
const handOverWindow = 29 * 24 * time.Hour

// handOverUpcoming gives posts planned later to the networks that can
// publish them at the time themselves (Facebook Pages, YouTube), so they go
// out even if Localpost is closed then.
func (a *App) handOverUpcoming(ctx context.Context) {
	var nets []string
	for n, p := range a.providers {
		if p.Info().CanSchedule && !p.Info().ReminderOnly {
			nets = append(nets, string(n))
		}
	}
	now := a.now()
	ups, err := a.Store.UpcomingTargets(ctx, now, now.Add(handOverWindow), nets, 20)
	if err != nil {
		return
	}
	for _, dt := range ups {
		if ctx.Err() != nil {
			return
		}
		p, ok := a.providers[platforms.Network(dt.Account.Network)]
		if !ok || !p.Info().CanSchedule || p.Info().ReminderOnly {
			continue
		}
		// Too close to the time: published normally when due.
		if dt.Post.PlannedAt.Sub(now) <= max(p.Info().MinLead, 5*time.Minute) {
			continue
		}
		a.launch(ctx, dt, dt.Post.PlannedAt)
	}
}

// settleHandedOver marks posts handed to a network's scheduler published
// once their time has come.
func (a *App) settleHandedOver(ctx context.Context) {
	ts, err := a.Store.HandedOverDue(ctx, a.now())
	if err != nil {
		return
	}
	for _, t := range ts {
		now := a.now()
		att := data.Attempt{StartedAt: now, EndedAt: now, Outcome: "published", Message: "Published by the network's own scheduler."}
		if err := a.Store.FinishAttempt(ctx, t.ID, att, data.StatePublished, t.RemoteID, t.RemoteURL, "", time.Time{}); err == nil {
			a.changed()
		}
	}
}

// backoff is the wait before try n+1: exponential with ±20 % jitter, at
// least what the network asked for.
func backoff(n int, retryAfter time.Duration) time.Duration {
	d := backoffBase << min(n-1, 10)
	if d > backoffMax {
		d = backoffMax
	}
	d = time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
	return max(d, retryAfter)
}

func (a *App) publishTarget(ctx context.Context, dt data.DueTarget, at time.Time) (platforms.Result, error) {
	cred, err := a.credential(dt.Account)
	if errors.Is(err, data.ErrSecretNotFound) {
		return platforms.Result{}, &platforms.Error{Kind: platforms.KindReconnect, Message: "no saved login in the keyring", Err: err}
	}
	if err != nil {
		return platforms.Result{}, &platforms.Error{Kind: platforms.KindRetry, Message: "could not read the saved login from your keyring: " + err.Error(), Err: err}
	}
	text := dt.Post.Text
	if dt.Target.TextOverride != "" {
		text = dt.Target.TextOverride
	}
	p := platforms.Post{Text: text, IdempotencyKey: dt.Target.IdempotencyKey, Options: targetOptions(dt.Target)}
	if !at.IsZero() {
		p.Options.PublishAt = at
	}
	for _, m := range dt.Post.Media {
		p.Media = append(p.Media, platforms.Media{Path: a.Store.MediaPath(m), Mime: m.Mime, Size: m.Size, Alt: m.Alt})
	}
	if dt.Account.Network != string(platforms.Mastodon) {
		prov, err := a.provider(platforms.Network(dt.Account.Network))
		if err != nil {
			return platforms.Result{}, &platforms.Error{Kind: platforms.KindFixPost, Message: err.Error()}
		}
		tok, cred, err := a.tokenFor(ctx, prov, dt.Account, cred)
		if err != nil {
			return platforms.Result{}, err
		}
		if needsPublicMedia(dt.Account) {
			if err := a.publishMedia(&p); err != nil {
				return platforms.Result{}, err
			}
		}
		save := func(state []byte) error {
			// Saved even if ctx ends: what the network created must not be lost.
			return a.Store.SetTargetPending(context.Background(), dt.Target.ID, state)
		}
		return prov.Publish(ctx, identityOf(dt.Account, cred), tok, p, dt.Target.Pending, save)
	}
	c, err := mastodon.New(dt.Account.Server, a.http)
	if err != nil {
		return platforms.Result{}, &platforms.Error{Kind: platforms.KindDisconnected, Message: err.Error(), Err: err}
	}
	return c.Publish(ctx, cred.AccessToken, p)
}

func snippet(s string) string {
	const n = 80
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
