package app

// Delete everything: what it will remove, withdrawing the logins at the
// networks while the store is open, and the deletion itself, which main
// runs on the closed data folder.

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"localpost/data"
)

// WipeReport is what Delete everything removes, for the confirmation, and
// which logins Localpost withdraws at the networks (Revoked) or the user
// must remove there (NotRevoked), each as "Network (handle)".
type WipeReport struct {
	Accounts, Posts, MediaFiles, Backups, KeyringEntries int
	Revoked                                              []string
	NotRevoked                                           []string
}

// WipePlan counts what Delete everything will remove: the accounts and
// posts, the media files and avatars, the backups and the keyring entries;
// and which logins it can withdraw at the networks first.
func (a *App) WipePlan(ctx context.Context) (WipeReport, error) {
	c, err := a.Store.WipeCounts(ctx)
	if err != nil {
		return WipeReport{}, err
	}
	keys, err := a.SecretKeys(ctx)
	if err != nil {
		return WipeReport{}, err
	}
	r := WipeReport{Accounts: c.Accounts, Posts: c.Posts, MediaFiles: c.MediaFiles, Backups: c.Backups, KeyringEntries: len(keys)}
	accs, err := a.Store.Accounts(ctx)
	if err != nil {
		return WipeReport{}, err
	}
	for _, acc := range accs {
		if a.isReminder(acc) {
			continue // no login: nothing to withdraw
		}
		if _, err := a.credential(acc); err == nil && a.canRevokeAt(acc.Network) {
			r.Revoked = append(r.Revoked, a.accountLabel(acc))
		} else {
			r.NotRevoked = append(r.NotRevoked, a.accountLabel(acc))
		}
	}
	return r, nil
}

// RevokeAll withdraws every account's login at its network where the
// network allows it, before everything is deleted (best effort, the store
// still open). An account whose login was already withdrawn with another
// one (the same token, or the same Meta or Google grant, which the network
// then refuses) counts as revoked. Accounts without a login
// (reminder-only Facebook Groups) are in neither list.
func (a *App) RevokeAll(ctx context.Context) (revoked, notRevoked []string) {
	accs, err := a.Store.Accounts(ctx)
	if err != nil {
		return nil, nil
	}
	// Posts the networks hold go first, while every login still works
	// (revoking one Meta login ends the others).
	for _, acc := range accs {
		if !a.isReminder(acc) {
			a.takeBackHeld(ctx, acc, false)
		}
	}
	done := map[string]bool{}   // access and refresh tokens withdrawn in this run
	groups := map[string]bool{} // grant groups (see grantGroup) with a withdrawal in this run
	for _, acc := range accs {
		if a.isReminder(acc) {
			continue
		}
		label := a.accountLabel(acc)
		cred, err := a.credential(acc)
		switch {
		case err != nil:
			notRevoked = append(notRevoked, label)
			continue
		case done[cred.AccessToken] || cred.RefreshToken != "" && done[cred.RefreshToken]:
			revoked = append(revoked, label)
			continue
		}
		if err := a.revoke(ctx, acc, cred); err != nil {
			// Another login of the same Meta or Google user may have taken
			// this one with it: then the network refuses its token now.
			if g := grantGroup(acc.Network); g == "" || !groups[g] || !a.loginRefused(ctx, acc, cred) {
				notRevoked = append(notRevoked, label)
				continue
			}
		}
		revoked = append(revoked, label)
		groups[grantGroup(acc.Network)] = true
		done[cred.AccessToken] = true
		if cred.RefreshToken != "" {
			done[cred.RefreshToken] = true
		}
	}
	return revoked, notRevoked
}

// SecretKeys lists every keyring entry Localpost made that exists now: each
// account's login, each network's developer app ("app:<network>") and the
// assistant's API key ("assistant:key").
func (a *App) SecretKeys(ctx context.Context) ([]string, error) {
	accs, err := a.Store.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	var candidates []string
	for _, acc := range accs {
		candidates = append(candidates, acc.SecretKey())
	}
	nets := slices.Clone(networkOrder)
	for n := range a.providers {
		if !slices.Contains(nets, n) {
			nets = append(nets, n)
		}
	}
	for _, n := range nets {
		candidates = append(candidates, appSecretKey(n))
	}
	candidates = append(candidates, assistantKeyName) // the assistant's API key (assistant.go)
	var keys []string
	for _, k := range candidates {
		if slices.Contains(keys, k) {
			continue
		}
		_, err := a.secrets.Get(k)
		switch {
		case err == nil:
			keys = append(keys, k)
		case !errors.Is(err, data.ErrSecretNotFound):
			return nil, fmt.Errorf("could not read your keyring, so Localpost cannot tell which of its entries to delete: %w", err)
		}
	}
	return keys, nil
}

// WipeWork captures the keyring entries to delete while the store is open
// and returns the deletion for main to run on the closed data folder (see
// views.MainUI.Restart); it keeps the same folder.
func (a *App) WipeWork(ctx context.Context) (func(dataDir string) (string, error), error) {
	keys, err := a.SecretKeys(ctx)
	if err != nil {
		return nil, err
	}
	secrets := a.secrets
	return func(dataDir string) (string, error) { return "", Wipe(dataDir, secrets, keys) }, nil
}

// Wipe deletes everything Localpost keeps: the keyring entries named by
// keys and, in dataDir, the database with its WAL and shared memory,
// media/, avatars/, backups/ and replaced/ (data.WipeFolder). The store on
// dataDir must be closed. The lock file and the instance socket of the
// running Localpost stay; opening the folder again gives an empty store.
// Every step is tried; the error names what could not be deleted.
func Wipe(dataDir string, secrets data.Secrets, keys []string) error {
	var errs []error
	for _, k := range keys {
		if err := secrets.Delete(k); err != nil && !errors.Is(err, data.ErrSecretNotFound) {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		errs = []error{fmt.Errorf("%d keyring entries could not be deleted (delete the entries of service %q in your keyring yourself): %w",
			len(errs), data.KeyringService, errors.Join(errs...))}
	}
	if err := data.WipeFolder(dataDir); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
