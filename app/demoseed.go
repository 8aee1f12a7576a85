package app

import (
	"context"
	"errors"
	"fmt"

	"localpost/app/demo"
	"localpost/platforms"
)

// demoNetworks are connected by SeedDemo, besides the demo Mastodon server.
var demoNetworks = []platforms.Network{platforms.X, platforms.Facebook, platforms.Instagram,
	platforms.LinkedIn, platforms.Pinterest, platforms.YouTube}

// demoFollowers is where each demo account's followers start two years ago.
var demoFollowers = map[platforms.Network]float64{
	platforms.Mastodon: 850, platforms.X: 2400, platforms.Facebook: 5200, platforms.Instagram: 3900,
	platforms.LinkedIn: 1300, platforms.Pinterest: 900, platforms.YouTube: 640,
}

// SeedDemo gives an empty demo data folder something to look at: it
// connects one account on each demo network through its fake sign-in, as
// a user would, and invents two years of published posts with the numbers
// read of them. It does nothing outside --demo or when accounts exist.
func (a *App) SeedDemo(ctx context.Context) error {
	if !a.cfg.Demo {
		return errors.New("only the demo invents a past")
	}
	if accs, err := a.Store.Accounts(ctx); err != nil || len(accs) > 0 {
		return err
	}
	if a.cfg.DemoServer != "" {
		if _, err := a.ConnectMastodon(ctx, a.cfg.DemoServer, nil); err != nil {
			return fmt.Errorf("demo Mastodon: %w", err)
		}
	}
	for _, n := range demoNetworks {
		if _, ok := a.providers[n]; !ok {
			continue
		}
		l, err := a.Connect(ctx, n, nil)
		if err != nil {
			return fmt.Errorf("demo %s: %w", n, err)
		}
		if len(l.Identities) == 0 {
			continue
		}
		pick := l.Identities[0]
		for _, id := range l.Identities {
			if id.Kind == "organization" || id.Kind == "page" {
				pick = id
				break
			}
		}
		if _, err := a.AddIdentities(ctx, l, []string{pick.RemoteID}); err != nil {
			return fmt.Errorf("demo %s: %w", n, err)
		}
	}
	return a.seedHistory(ctx, demo.HistoryOptions{Days: 730, PostsPerWeek: 3, ReadingsPerPost: 8, Seed: 2026})
}

// seedHistory invents the past of every account (see demo.History).
func (a *App) seedHistory(ctx context.Context, o demo.HistoryOptions) error {
	accs, err := a.Store.Accounts(ctx)
	if err != nil {
		return err
	}
	var hs []demo.HistoryAccount
	for _, acc := range accs {
		f := demoFollowers[platforms.Network(acc.Network)]
		if f == 0 {
			f = 1000
		}
		hs = append(hs, demo.HistoryAccount{ID: acc.ID, Network: platforms.Network(acc.Network), Handle: acc.Handle, RemoteID: acc.RemoteID,
			Zone: a.AccountZone(ctx, acc.ID), Followers: f})
	}
	posts, readings := demo.History(hs, a.now(), o)
	if err := a.Store.SeedPublished(ctx, posts, readings); err != nil {
		return err
	}
	for _, acc := range accs { // read just now, as far as the window knows
		if err := a.Store.RecordMetrics(ctx, acc.ID, a.now(), nil, nil); err != nil {
			return err
		}
	}
	a.changed()
	return nil
}
