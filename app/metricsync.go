package app

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"localpost/data"
	"localpost/platforms"
	"localpost/platforms/mastodon"
)

// Reading posts' numbers (analytics). The sync reads every connected
// account's recent posts and its followers, stores them as new readings
// (history is never overwritten), and records per account when that
// worked or why not. Networks are read side by side; one that fails or
// asks to wait does not hold up the others.

const (
	defaultMetricsEvery = 4 * time.Hour
	defaultMetricsDelay = time.Minute
	// metricsBatch is how many post ids one PostMetrics call gets; the
	// providers split further as their network requires.
	metricsBatch = 100
	// metricsParallel is how many networks are read at once.
	metricsParallel = 4
	// noAccessWait is how long an account whose numbers the network keeps
	// from Localpost (ErrNoMetricsAccess) is left before asking again.
	noAccessWait = 7 * 24 * time.Hour
)

func (a *App) metricsEvery() time.Duration {
	if a.cfg.MetricsEvery == 0 {
		return defaultMetricsEvery
	}
	return a.cfg.MetricsEvery
}

// metricsLoop reads the numbers MetricsDelay after start and then every
// MetricsEvery, until ctx ends.
func (a *App) metricsLoop(ctx context.Context) {
	every := a.metricsEvery()
	if every < 0 {
		return
	}
	wait := a.cfg.MetricsDelay
	if wait == 0 {
		wait = defaultMetricsDelay
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if a.syncMu.TryLock() { // the user's own refresh is under way otherwise
			_, _ = a.syncMetricsLocked(ctx, false, nil)
			a.syncMu.Unlock()
		}
		t.Reset(every)
	}
}

// SyncProgress is how far a sync is: Done of Total steps (one per batch
// of posts and one per account), and what it reads now.
type SyncProgress struct {
	Done, Total int
	Current     string
}

// SyncReport is what a sync did.
type SyncReport struct {
	Accounts int // accounts read
	Posts    int // post readings stored
	Failed   []StaleNote
}

// SyncMetrics reads every connected account's numbers now (the user's
// Refresh), reporting progress from any goroutine; cancelling ctx stops
// it between requests, keeping what was read. Accounts a network asked to
// wait are left until then.
func (a *App) SyncMetrics(ctx context.Context, progress func(SyncProgress)) (SyncReport, error) {
	a.syncMu.Lock()
	defer a.syncMu.Unlock()
	return a.syncMetricsLocked(ctx, true, progress)
}

// metricsReader is what reads acc's numbers; false for accounts without
// (reminder-only places, networks with no reading).
func (a *App) metricsReader(acc data.Account) (platforms.MetricsReader, bool) {
	if acc.Network == string(platforms.Mastodon) {
		c, err := mastodon.New(acc.Server, a.http)
		if err != nil {
			return nil, false
		}
		r, ok := any(c).(platforms.MetricsReader)
		return r, ok
	}
	r, ok := a.providers[platforms.Network(acc.Network)].(platforms.MetricsReader)
	return r, ok
}

// syncJob is one account's reading: which posts, in batches.
type syncJob struct {
	acc     data.Account
	reader  platforms.MetricsReader
	batches [][]data.MetricsTarget
}

func (a *App) syncMetricsLocked(ctx context.Context, user bool, progress func(SyncProgress)) (SyncReport, error) {
	var rep SyncReport
	accs, err := a.Store.Accounts(ctx)
	if err != nil {
		return rep, err
	}
	states, err := a.Store.SyncStates(ctx)
	if err != nil {
		return rep, err
	}
	now := a.now()
	groups := map[string][]syncJob{} // by network (and server)
	total := 0
	for _, acc := range accs {
		if acc.State != data.AccountConnected || a.isReminder(acc) {
			continue
		}
		r, ok := a.metricsReader(acc)
		if !ok {
			continue
		}
		st := states[acc.ID]
		if now.Before(st.NotBefore) {
			continue // the network asked to wait; its note stays
		}
		if !user && !st.SyncedAt.IsZero() && now.Sub(st.SyncedAt) < a.metricsEvery()/2 {
			continue
		}
		var since time.Time
		if w := r.MetricsWindow(); w > 0 {
			since = now.Add(-w)
		}
		ts, err := a.Store.MetricsTargets(ctx, acc.ID, since)
		if err != nil {
			return rep, err
		}
		job := syncJob{acc: acc, reader: r}
		var due []data.MetricsTarget
		for _, t := range ts {
			if readingDue(t, now) {
				due = append(due, t)
			}
		}
		for len(due) > 0 {
			n := min(metricsBatch, len(due))
			job.batches = append(job.batches, due[:n])
			due = due[n:]
		}
		key := acc.Network + " " + acc.Server
		groups[key] = append(groups[key], job)
		total += len(job.batches) + 1
	}

	var mu sync.Mutex
	done := 0
	step := func(current string) {
		mu.Lock()
		defer mu.Unlock()
		if current == "" {
			done++
		}
		if progress != nil {
			progress(SyncProgress{Done: done, Total: total, Current: current})
		}
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	sem := make(chan struct{}, metricsParallel)
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Add(1)
		go func(jobs []syncJob) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			for _, job := range jobs {
				posts, note := a.syncAccount(ctx, job, step)
				mu.Lock()
				rep.Posts += posts
				if note != nil {
					rep.Failed = append(rep.Failed, *note)
				} else {
					rep.Accounts++
				}
				mu.Unlock()
			}
		}(groups[k])
	}
	wg.Wait()
	sort.Slice(rep.Failed, func(i, j int) bool { return rep.Failed[i].Account < rep.Failed[j].Account })
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}
	return rep, nil
}

// readingDue says whether a post is read in this sync: every time in its
// first week, daily until 90 days, weekly after that (numbers of old posts
// barely move, and every request counts against the network's limits).
func readingDue(t data.MetricsTarget, now time.Time) bool {
	if t.LastRead.IsZero() {
		return true
	}
	age, since := now.Sub(t.PublishedAt), now.Sub(t.LastRead)
	switch {
	case age < 7*24*time.Hour:
		return true
	case age < 90*24*time.Hour:
		return since >= 20*time.Hour
	default:
		return since >= 6*24*time.Hour+12*time.Hour
	}
}

// syncAccount reads one account and stores what it read, even when a
// later request fails. A nil note means it all worked.
func (a *App) syncAccount(ctx context.Context, job syncJob, step func(string)) (int, *StaleNote) {
	acc := job.acc
	name := acc.Handle
	if name == "" {
		name = acc.DisplayName
	}
	label := a.networkName(acc.Network) + " " + name
	fail := func(err error) *StaleNote {
		msg := a.syncFailure(acc, err)
		if ctx.Err() == nil {
			wait := platforms.RetryAfterOf(err)
			if errors.Is(err, platforms.ErrNoMetricsAccess) {
				wait = noAccessWait // asking every few hours changes nothing
			}
			_ = a.Store.SetSyncFailed(context.Background(), acc.ID, a.now(), msg, a.now().Add(wait))
		}
		return &StaleNote{AccountID: acc.ID, Account: name, Network: platforms.Network(acc.Network), Message: msg}
	}
	id, tok, err := a.metricsLogin(ctx, acc)
	if err != nil {
		return 0, fail(err)
	}
	var readings []data.PostReading
	var failure error
	for _, batch := range job.batches {
		if ctx.Err() != nil {
			failure = ctx.Err()
			break
		}
		step(label)
		ids := make([]string, len(batch))
		byRemote := map[string]int64{}
		for i, t := range batch {
			ids[i] = t.RemoteID
			byRemote[t.RemoteID] = t.TargetID
		}
		vals, err := job.reader.PostMetrics(ctx, id, tok, ids)
		if err != nil {
			failure = err
			break
		}
		for rid, v := range vals {
			tid, ok := byRemote[rid]
			if !ok || len(v) == 0 {
				continue
			}
			d := platforms.WithDerived(v)
			derived := map[string]float64{platforms.MetricEngagement: d[platforms.MetricEngagement]}
			if s, ok := d[platforms.MetricSeen]; ok {
				derived[platforms.MetricSeen] = s
			}
			readings = append(readings, data.PostReading{TargetID: tid, Raw: v, Derived: derived})
		}
		step("")
	}
	var account platforms.Values
	if failure == nil && ctx.Err() == nil {
		step(label)
		account, failure = job.reader.AccountMetrics(ctx, id, tok)
		step("")
	}
	if len(readings) > 0 || failure == nil {
		// Saved even when the user cancelled: what was read is kept.
		if err := a.Store.RecordMetrics(context.Background(), acc.ID, a.now(), readings, account); err != nil {
			return 0, fail(err)
		}
	}
	if failure != nil {
		return len(readings), fail(failure)
	}
	return len(readings), nil
}

// metricsLogin is the identity and token to read acc's numbers with.
func (a *App) metricsLogin(ctx context.Context, acc data.Account) (platforms.Identity, platforms.Token, error) {
	cred, err := a.credential(acc)
	if errors.Is(err, data.ErrSecretNotFound) {
		return platforms.Identity{}, platforms.Token{}, &platforms.Error{Kind: platforms.KindReconnect, Message: "no saved login in the keyring", Err: err}
	}
	if err != nil {
		return platforms.Identity{}, platforms.Token{}, fmt.Errorf("could not read the saved login from your keyring: %w", err)
	}
	if acc.Network == string(platforms.Mastodon) {
		return identityOf(acc, cred), platforms.Token{Access: cred.AccessToken}, nil
	}
	prov, err := a.provider(platforms.Network(acc.Network))
	if err != nil {
		return platforms.Identity{}, platforms.Token{}, err
	}
	tok, cred, err := a.tokenFor(ctx, prov, acc, cred)
	if err != nil {
		return platforms.Identity{}, platforms.Token{}, err
	}
	return identityOf(acc, cred), tok, nil
}

// syncFailure says in the user's words why an account's numbers could
// not be read and what happens next.
func (a *App) syncFailure(acc data.Account, err error) string {
	net := a.networkName(acc.Network)
	switch kind := platforms.KindOf(err); {
	case errors.Is(err, context.Canceled):
		return "reading stopped before it finished; choose Refresh to read the rest"
	case errors.Is(err, platforms.ErrNoMetricsAccess):
		return fmt.Sprintf("%v; Localpost asks again in a week", err)
	case kind == platforms.KindReconnect:
		return net + " refused the saved login; reconnect the account in Accounts"
	case platforms.RetryAfterOf(err) > 0:
		until := a.now().Add(platforms.RetryAfterOf(err)).In(a.Location()).Format("15:04")
		return fmt.Sprintf("%s asked Localpost to slow down; its numbers are read again after %s", net, until)
	default:
		return fmt.Sprintf("could not read the numbers from %s (%v); they are tried again at the next refresh", net, err)
	}
}
