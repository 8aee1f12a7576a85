package app

import (
	"context"
	"fmt"
	"time"

	"localpost/data"
	"localpost/platforms"
)

// pace is how hard Localpost may push one network: posts per account in a
// rolling window (the network's own rate limit, with room to spare for the
// other calls a post needs) and how many accounts of it publish at once.
type pace struct {
	perAccount int           // posts per account per window; 0 = no known limit
	window     time.Duration //
	concurrent int           // accounts publishing at the same time
}

// paces are the networks' published limits (see
// ../shared/research/platforms.md §3.3). Each account publishes one post at
// a time whatever the network.
var paces = map[platforms.Network]pace{
	// 300 requests per 5 minutes per account; a post is up to 1 + 4 media
	// uploads, and media uploads are 30 per 30 minutes.
	platforms.Mastodon: {perAccount: 30, window: 30 * time.Minute, concurrent: 4},
	// POST /2/tweets: 100 per 15 minutes per user.
	platforms.X: {perAccount: 100, window: 15 * time.Minute, concurrent: 4},
	// Instagram: a rolling 24-hour publishing quota per account (25 in
	// Meta's own announcement; some accounts get more).
	platforms.Instagram: {perAccount: 25, window: 24 * time.Hour, concurrent: 2},
	// Facebook Reels: 30 per 24 hours per Page; Page posts have a
	// business-use-case limit that 30 a day stays well inside.
	platforms.Facebook: {perAccount: 30, window: 24 * time.Hour, concurrent: 4},
	// TikTok: 6 post-init requests per minute per user token.
	platforms.TikTok: {perAccount: 6, window: time.Minute, concurrent: 2},
	// YouTube: a separate bucket of 100 videos.insert a day per project.
	platforms.YouTube: {perAccount: 100, window: 24 * time.Hour, concurrent: 2},
	// Pinterest: 100 requests a second per user at Standard access (trial
	// access: 1,000 a day), so only concurrency matters.
	platforms.Pinterest: {concurrent: 4},
	// LinkedIn publishes no per-member posting limit.
	platforms.LinkedIn: {concurrent: 4},
}

func paceOf(network string) pace {
	p, ok := paces[platforms.Network(network)]
	if !ok {
		p = pace{concurrent: 2}
	}
	if p.concurrent < 1 {
		p.concurrent = 1
	}
	return p
}

// slotKey names what the concurrency limit counts: a network, or for
// Mastodon one server (servers are separate services).
func slotKey(acc data.Account) string {
	if acc.Network == string(platforms.Mastodon) {
		return acc.Network + " " + acc.Server
	}
	return acc.Network
}

// acquire marks the account busy and takes one of its network's slots; it
// reports false (taking nothing) if the account is already publishing or
// the network has all the accounts it may have at once.
func (a *App) acquire(acc data.Account) bool {
	key := slotKey(acc)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.busy[acc.ID] || a.running[key] >= paceOf(acc.Network).concurrent {
		return false
	}
	a.busy[acc.ID] = true
	a.running[key]++
	return true
}

func (a *App) release(acc data.Account) {
	key := slotKey(acc)
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.busy, acc.ID)
	if a.running[key]--; a.running[key] <= 0 {
		delete(a.running, key)
	}
}

// paceWait is how long the account must wait before its next post to stay
// inside its network's rate limit (0 = go now). The attempts of the last
// window are read from the database once per run, so the limit holds
// across restarts and `localpost publish-due` runs; after that this run
// counts its own.
func (a *App) paceWait(ctx context.Context, acc data.Account) (time.Duration, error) {
	p := paceOf(acc.Network)
	if p.perAccount == 0 || a.unpaced {
		return 0, nil
	}
	now := a.now()
	a.mu.Lock()
	starts, ok := a.starts[acc.ID]
	a.mu.Unlock()
	if !ok {
		var err error
		if starts, err = a.Store.RecentStarts(ctx, acc.ID, now.Add(-p.window)); err != nil {
			return 0, err
		}
	}
	// Forget what has left the window.
	i := 0
	for i < len(starts) && now.Sub(starts[i]) >= p.window {
		i++
	}
	starts = starts[i:]
	a.mu.Lock()
	a.starts[acc.ID] = starts
	a.mu.Unlock()
	if len(starts) < p.perAccount {
		return 0, nil
	}
	// The window frees up when the oldest of the last perAccount leaves it.
	free := starts[len(starts)-p.perAccount].Add(p.window)
	return max(free.Sub(now), time.Second), nil
}

// paced records that a post to the account starts now.
func (a *App) paced(acc data.Account) {
	if paceOf(acc.Network).perAccount == 0 || a.unpaced {
		return
	}
	a.mu.Lock()
	a.starts[acc.ID] = append(a.starts[acc.ID], a.now())
	a.mu.Unlock()
}

// paceNote is what the calendar says about a post held back by a limit.
func (a *App) paceNote(acc data.Account, wait time.Duration) string {
	p := paceOf(acc.Network)
	return fmt.Sprintf("%s allows %d posts per %s for one account; this one goes at %s.",
		a.networkName(acc.Network), p.perAccount, windowName(p.window), a.now().Add(wait).In(a.Location()).Format("15:04"))
}

func windowName(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		if d == 24*time.Hour {
			return "24 hours"
		}
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		if d == time.Hour {
			return "hour"
		}
		return fmt.Sprintf("%d hours", d/time.Hour)
	case d == time.Minute:
		return "minute"
	default:
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
}

// networkName is a network as the user knows it ("Facebook Pages").
func (a *App) networkName(n string) string {
	if p, ok := a.providers[platforms.Network(n)]; ok {
		return p.Info().Name
	}
	if n == string(platforms.Mastodon) {
		return "Mastodon"
	}
	return n
}
