package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
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
	a.startedAt = a.now()
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
	bg.Add(1)
	go func() {
		defer bg.Done()
		a.metricsLoop(ctx)
	}()
	bg.Add(1)
	go func() {
		defer bg.Done()
		a.housekeep(ctx) // daily backup, retention (backup.go)
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
	timer := time.NewTimer(a.tick)
	defer timer.Stop()
	last := a.now()
	for {
		a.publishDue(ctx)
		a.settleHandedOver(ctx)
		a.syncNative(ctx)
		a.handOverUpcoming(ctx)
		timer.Reset(a.untilNextDue(ctx))
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
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

// untilNextDue is how long the publisher sleeps: until the next post falls
// due, so it goes out on the second, and at most one tick (which catches
// what changed behind its back, such as another process's edits).
func (a *App) untilNextDue(ctx context.Context) time.Duration {
	wait := a.tick
	if next, ok, err := a.Store.NextDue(ctx, a.now()); err == nil && ok {
		// Already passed (the query took a moment): go round at once.
		wait = min(max(next.Sub(a.now()), 0), wait)
	}
	return wait
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
		if !untouched(dt.Target) || late <= grace || a.isReminder(dt.Account) {
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

// untouched reports whether the publisher has not dealt with a target yet:
// never tried and no next try set (a Retry by the user, a wait for a
// reconnect or a rate limit, a resume after a crash all set one). Only
// such a target can be missed.
func untouched(t data.Target) bool { return t.Attempts == 0 && t.NextAttemptAt.IsZero() }

// missedLate reports whether dt is to be left for the user instead of
// published now: untouched and due longer ago than the grace, as when the
// computer slept in the middle of a round. catchUp then marks it, and any
// other like it, missed.
func (a *App) missedLate(ctx context.Context, dt data.DueTarget) bool {
	if !untouched(dt.Target) || a.now().Sub(dt.Post.PlannedAt) <= a.MissedGrace() || a.isReminder(dt.Account) {
		return false
	}
	a.catchUp(ctx)
	return true
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

// publishDue starts publishing everything due now.
//
// Each account publishes one post at a time, and each network only as many
// accounts at once as paceOf allows: a long YouTube upload does not hold up
// a Mastodon post, one network's outage does not stall the others, and no
// account sees two of our calls at once. Reminder-only accounts get their
// reminders here.
func (a *App) publishDue(ctx context.Context) {
	accs, err := a.Store.DueAccounts(ctx, a.now())
	if err != nil {
		return
	}
	for _, acc := range accs {
		if ctx.Err() != nil {
			return
		}
		if a.isReminder(acc) {
			due, err := a.Store.DueTargetsFor(ctx, a.now(), acc.ID, 50)
			if err != nil {
				continue
			}
			for _, dt := range due {
				a.remind(ctx, dt)
			}
			continue
		}
		if !a.acquire(acc) {
			continue // already publishing, or its network is full: woken when a slot frees
		}
		a.inflight.Add(1)
		go func() {
			defer a.inflight.Done()
			a.drain(ctx, acc)
			a.release(acc)
			a.Wake()
		}()
	}
}

// drain publishes the account's due posts one after the other until none
// is left, keeping inside the network's rate limit. Each post is read again
// once claimed, as the user may have edited it since the batch was read.
func (a *App) drain(ctx context.Context, acc data.Account) {
	for ctx.Err() == nil {
		batch, err := a.Store.DueTargetsFor(ctx, a.now(), acc.ID, 25)
		if err != nil || len(batch) == 0 {
			return
		}
		for _, dt := range batch {
			if ctx.Err() != nil {
				return
			}
			wait, err := a.paceWait(ctx, dt.Account)
			if err != nil {
				return
			}
			if wait > 0 {
				// Everything else due on the account waits too.
				for _, dt := range a.dueFor(ctx, acc) {
					_, _ = a.Store.DeferTarget(ctx, dt.Target.ID, a.now().Add(wait), a.paceNote(dt.Account, wait))
				}
				a.changed()
				return
			}
			if a.missedLate(ctx, dt) {
				continue // the user decides
			}
			ok, err := a.Store.ClaimTarget(ctx, dt.Target.ID, a.now())
			if err != nil {
				return // the database refused (busy, full): the next round tries again
			}
			if !ok {
				continue // another publisher took it, or the user changed it
			}
			if fresh, err := a.Store.DueTarget(ctx, dt.Target.ID); err == nil {
				dt = fresh
			}
			a.paced(dt.Account)
			a.publishOne(ctx, dt, time.Time{})
			if cur, err := a.Store.Account(ctx, acc.ID); err != nil || cur.State != data.AccountConnected {
				return // its login was refused: the rest waits for the reconnect
			}
		}
	}
}

func (a *App) dueFor(ctx context.Context, acc data.Account) []data.DueTarget {
	due, _ := a.Store.DueTargetsFor(ctx, a.now(), acc.ID, 0)
	return due
}

// launch claims a target and, in the background, hands it to the network's
// own scheduler for at; it reports whether it started (not when its
// account is busy, its network full or its rate limit reached).
func (a *App) launch(ctx context.Context, dt data.DueTarget, at time.Time) bool {
	if !a.acquire(dt.Account) {
		return false
	}
	if wait, err := a.paceWait(ctx, dt.Account); err != nil || wait > 0 {
		a.release(dt.Account)
		return false
	}
	if ok, err := a.Store.ClaimTarget(ctx, dt.Target.ID, a.now()); err != nil || !ok {
		a.release(dt.Account)
		return false
	}
	a.paced(dt.Account)
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Done()
		a.publishOne(ctx, dt, at)
		a.release(dt.Account)
		a.Wake()
	}()
	return true
}

// publishOne publishes a claimed target now, or, with at set, hands it to
// the network's own scheduler for that time.
func (a *App) publishOne(ctx context.Context, dt data.DueTarget, at time.Time) {
	crashPoint("claimed")
	att := data.Attempt{TargetID: dt.Target.ID, StartedAt: a.now()}
	pctx, cancel := context.WithTimeout(ctx, publishBudget)
	res, err := a.publishTarget(pctx, dt, at)
	cancel()
	crashPoint("answered")
	if ctx.Err() != nil && err != nil {
		// Quitting mid-call: the target stays "publishing" and
		// recoverInterrupted decides on the next start. (An answer that
		// did arrive is written down below.)
		return
	}
	att.EndedAt = a.now()
	// The outcome is written down even if ctx ends now, and again while
	// the database refuses (keepWriting).
	finish := func(st data.TargetState, remoteID, url, msg string, next time.Time) error {
		return a.keepWriting(ctx, func(wctx context.Context) error {
			return a.Store.FinishAttempt(wctx, dt.Target.ID, att, st, remoteID, url, msg, next)
		})
	}
	name := snippet(dt.Post.Text)
	if err == nil && !at.IsZero() {
		att.Outcome = "handed_over"
		note := fmt.Sprintf("Scheduled on the network for %s: it goes out even if Localpost is closed.", at.In(a.Location()).Format("Mon 2 Jan 15:04"))
		if ferr := a.keepWriting(ctx, func(wctx context.Context) error {
			return a.Store.HandOver(wctx, dt.Target.ID, att, res.RemoteID, res.URL, note)
		}); ferr == nil {
			a.changed()
		}
		return
	}
	if err == nil {
		att.Outcome = "published"
		if ferr := finish(data.StatePublished, res.RemoteID, res.URL, "", time.Time{}); ferr != nil {
			return
		}
		crashPoint("recorded")
		a.notify("Published on "+dt.Account.Handle, name)
		a.changed()
		return
	}

	if res.RemoteID != "" {
		// Published, with a part that did not go through (a refused
		// thumbnail): kept as published, the message says what is missing.
		att.Outcome = "published"
		att.Message = err.Error()
		if ferr := finish(data.StatePublished, res.RemoteID, res.URL, err.Error(), time.Time{}); ferr == nil {
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
		msg := fmt.Sprintf("%s: %s. Look at the account: if the post is there choose “It is there”, otherwise “Publish again”.", dt.Account.Handle, err)
		_ = finish(data.StateUncertain, "", "", msg, time.Time{})
		a.notify("Check "+dt.Account.Handle, "Localpost cannot tell whether a post went out.")
	case kind == platforms.KindReconnect:
		att.Outcome = "needs_reconnect"
		msg := fmt.Sprintf("%s refused the saved login (%s). Reconnect the account in Accounts; the post waits and goes out once it is reconnected.", dt.Account.Handle, err)
		_ = finish(data.StateScheduled, "", "", msg, a.now())
		// The account's other due posts wait as well: each says why.
		if others, err := a.Store.DueTargetsFor(ctx, a.now(), dt.Account.ID, 0); err == nil {
			for _, o := range others {
				_, _ = a.Store.DeferTarget(context.Background(), o.Target.ID, a.now(), msg)
			}
		}
		_ = a.keepWriting(ctx, func(wctx context.Context) error {
			return a.Store.SetAccountState(wctx, dt.Account.ID, data.AccountNeedsReconnect)
		})
		a.notify("Reconnect "+dt.Account.Handle, "A post is waiting until you reconnect the account.")
	case kind == platforms.KindFixPost || kind == platforms.KindDisconnected:
		att.Outcome = "failed"
		msg := fmt.Sprintf("%s: %s. Edit the post and schedule it again.", dt.Account.Handle, err)
		_ = finish(data.StateFailed, "", "", msg, time.Time{})
		a.notify("Could not publish on "+dt.Account.Handle, err.Error())
	case tries >= maxAttempts:
		att.Outcome = "failed"
		msg := fmt.Sprintf("Gave up after %d tries: %s. Choose Retry to try again.", tries, err)
		_ = finish(data.StateFailed, "", "", msg, time.Time{})
		a.notify("Could not publish on "+dt.Account.Handle, err.Error())
	default:
		att.Outcome = "retry"
		wait := backoff(tries, platforms.RetryAfterOf(err))
		msg := fmt.Sprintf("Try %d of %d failed: %s. Trying again at %s.", tries, maxAttempts, err, a.now().Add(wait).In(a.Location()).Format("15:04:05"))
		_ = finish(data.StateScheduled, "", "", msg, a.now().Add(wait))
	}
	a.changed()
}

// handOverWindow is how far ahead posts are handed to networks that
// schedule themselves (Facebook takes up to 30 days).
const handOverWindow = 29 * 24 * time.Hour

// handOverUpcoming gives posts planned later to the networks that can
// publish them at the time themselves (Facebook Pages, YouTube, Mastodon),
// so they go out even if Localpost is closed then. Changes the user makes
// afterwards reach the network through syncNative (native.go).
func (a *App) handOverUpcoming(ctx context.Context) {
	nets := []string{string(platforms.Mastodon)}
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
		lead := mastodonLead
		if dt.Account.Network == string(platforms.Mastodon) && len(targetOptions(dt.Target).Thread) > 0 {
			continue // the replies need the head's id: published from here at the time
		}
		if dt.Account.Network != string(platforms.Mastodon) {
			p, ok := a.providers[platforms.Network(dt.Account.Network)]
			if !ok || !p.Info().CanSchedule || p.Info().ReminderOnly {
				continue
			}
			lead = max(p.Info().MinLead, 5*time.Minute)
		}
		// Too close to the time: published normally when due.
		if dt.Post.PlannedAt.Sub(now) <= lead {
			continue
		}
		a.launch(ctx, dt, dt.Post.PlannedAt)
	}
}

// settleHandedOver marks posts handed to a network's scheduler published
// once their time has come. One with a change still on its way to the
// network is left to syncNative; Mastodon is asked for the status the
// scheduled one became, so the post links to it.
func (a *App) settleHandedOver(ctx context.Context) {
	ts, err := a.Store.HandedOverDue(ctx, a.now())
	if err != nil || len(ts) == 0 {
		return
	}
	waiting, err := a.Store.PendingRemoteTargets(ctx)
	if err != nil {
		return
	}
	for _, t := range ts {
		if waiting[t.ID] || ctx.Err() != nil {
			continue
		}
		now := a.now()
		att := data.Attempt{StartedAt: now, EndedAt: now, Outcome: "published", Message: "Published by the network's own scheduler."}
		remoteID, url := t.RemoteID, t.RemoteURL
		if acc, err := a.Store.Account(ctx, t.AccountID); err == nil && acc.Network == string(platforms.Mastodon) {
			res, found, held, err := a.mastodonSettled(ctx, acc, t)
			if err != nil || held {
				continue // asked again next round
			}
			remoteID, url = res.RemoteID, res.URL
			if !found {
				att.Message = "Mastodon published it at its time (the server no longer holds it), but Localpost could not find it among your recent posts to link it: look at your profile."
				a.notify("Published on "+acc.Handle+", without a link", att.Message)
			}
		}
		if err := a.Store.FinishAttempt(ctx, t.ID, att, data.StatePublished, remoteID, url, "", time.Time{}); err == nil {
			a.changed()
		}
	}
}

// storeRetries counts outcome writes that keepWriting had to repeat (for
// tests).
var storeRetries atomic.Int64

// keepWriting writes down a publish outcome, trying again while the
// database refuses (another program holds it past busy_timeout, the disk
// is full): once the network has the post, an outcome not written down
// leaves the target "publishing" for the rest of the run. It stops trying
// only when ctx ends (the app quits); recoverInterrupted decides on the
// next start, as after a crash.
func (a *App) keepWriting(ctx context.Context, write func(context.Context) error) error {
	wait := time.Second
	for {
		// A fresh context: the outcome must be recorded even if ctx ends now.
		err := write(context.Background())
		if err == nil || errors.Is(err, data.ErrNotFound) {
			return err
		}
		storeRetries.Add(1)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 30*time.Second)
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
			defer crashPoint("progress-saved")
			return a.Store.SetTargetPending(context.Background(), dt.Target.ID, state)
		}
		return prov.Publish(ctx, identityOf(dt.Account, cred), tok, p, dt.Target.Pending, save)
	}
	c, err := mastodon.New(dt.Account.Server, a.http)
	if err != nil {
		return platforms.Result{}, &platforms.Error{Kind: platforms.KindDisconnected, Message: err.Error(), Err: err}
	}
	return a.publishMastodon(ctx, c, cred.AccessToken, dt, p, at)
}

func snippet(s string) string {
	const n = 80
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
