package app

// Disconnecting an account: the login is withdrawn at the network where it
// lets an app do so, the token leaves the keyring, and the account's data
// stays or goes as the user chose.

import (
	"context"
	"errors"
	"fmt"

	"localpost/data"
	"localpost/platforms"
	"localpost/platforms/mastodon"
)

// errNoRevocation is returned by revoke for networks that offer apps no
// way to withdraw a login.
var errNoRevocation = errors.New("this network lets only the user remove Localpost's access, in its own settings")

// DisconnectAccount ends Localpost's access to an account. Where the network
// offers revocation the login is withdrawn there first (best effort:
// revoked is false when it does not offer it, when it could not be
// reached, or when another connected account still uses the same login,
// whose access would go with it); then the token leaves the keyring.
// keepData keeps the account (state disconnected: nothing is published to
// it and its numbers are no longer read) with its posts and readings;
// otherwise the account goes with its targets, readings and avatar, and
// with the posts that were for it alone. Media files stay in the library.
func (a *App) DisconnectAccount(ctx context.Context, accountID int64, keepData bool) (revoked bool, err error) {
	acc, err := a.Store.Account(ctx, accountID)
	if err != nil {
		return false, err
	}
	a.takeBackHeld(ctx, acc, keepData)
	if cred, err := a.credential(acc); err == nil && !a.sharesLogin(ctx, acc, cred) {
		revoked = a.revoke(ctx, acc, cred) == nil
	}
	if err := a.secrets.Delete(acc.SecretKey()); err != nil && !errors.Is(err, data.ErrSecretNotFound) {
		return revoked, fmt.Errorf("could not remove the saved login of %s from your keyring, so the account was left as it was; try again: %w", acc.Handle, err)
	}
	if keepData {
		note := "Waiting: " + acc.Handle + " is disconnected. Reconnect it in Accounts to publish this post."
		err = a.Store.MarkDisconnected(ctx, accountID, note)
	} else {
		_, err = a.Store.DeleteAccountData(ctx, accountID)
	}
	if err != nil {
		return revoked, fmt.Errorf("the login of %s was removed but its data could not be updated: %w", acc.Handle, err)
	}
	a.changed()
	return revoked, nil
}

// takeBackHeld asks the network to drop the posts it holds for acc in its
// own scheduler (Mastodon, Facebook, YouTube), while Localpost can still
// sign in: after a disconnect they would otherwise go out anyway. Best
// effort; what stays there is said in a notification. With keep the posts
// wait here, unpublished, until the account is reconnected.
func (a *App) takeBackHeld(ctx context.Context, acc data.Account, keep bool) {
	held, err := a.Store.HeldBy(ctx, acc.ID)
	if err != nil || len(held) == 0 {
		return
	}
	left := 0
	for _, h := range held {
		ch := data.RemoteChange{AccountID: acc.ID, TargetID: h.TargetID, RemoteID: h.RemoteID, HeldAt: h.HeldAt, HeldText: h.Text}
		_, err := a.remoteChange(ctx, acc, ch, data.RemoteCancel)
		if err != nil && !errors.Is(err, errGoneThere) {
			left++
			continue
		}
		if keep {
			_ = a.Store.ReleaseHeld(ctx, h.TargetID, "Taken back from "+a.networkName(acc.Network)+" when "+acc.Handle+
				" was disconnected. Reconnect it in Accounts to publish this post.")
		}
	}
	if left > 0 {
		a.notify("Still planned on "+a.networkName(acc.Network), fmt.Sprintf(
			"%d post(s) %s holds for %s could not be taken back and will still go out there; delete them on %s.",
			left, a.networkName(acc.Network), acc.Handle, a.networkName(acc.Network)))
	}
}

// grantGroup names the networks whose revocation withdraws the app's whole
// grant for the user rather than one token: Meta (DELETE /me/permissions
// ends every Facebook Page and Instagram login of that user) and Google.
// Other networks revoke the token sent.
func grantGroup(network string) string {
	switch platforms.Network(network) {
	case platforms.Facebook, platforms.Instagram:
		return "meta"
	case platforms.YouTube:
		return "google"
	}
	return ""
}

// sharesLogin reports whether another account still holds the same login
// as acc (a Facebook Page and the Instagram account of one login, YouTube
// channels of one Google account), so that revoking acc's would cut that
// account off too. For Meta and Google any other account of the group
// counts: the network cannot tell Localpost whose grant a token is.
func (a *App) sharesLogin(ctx context.Context, acc data.Account, cred credential) bool {
	accs, err := a.Store.Accounts(ctx)
	if err != nil {
		return true // unsure: do not risk cutting off another account
	}
	group := grantGroup(acc.Network)
	for _, o := range accs {
		if o.ID == acc.ID {
			continue
		}
		same := o.Network == acc.Network && o.Server == acc.Server
		if !same && (group == "" || grantGroup(o.Network) != group) {
			continue
		}
		oc, err := a.credential(o)
		if err != nil {
			continue // no login of its own left to lose
		}
		if group != "" || oc.AccessToken == cred.AccessToken || cred.RefreshToken != "" && oc.RefreshToken == cred.RefreshToken {
			return true
		}
	}
	return false
}

// revoke withdraws acc's login at its network: Mastodon's POST
// /oauth/revoke with the app registered on the server, else the provider's
// platforms.Revoker with the user's developer app. The token is renewed
// first if it has expired (TikTok revokes only a live access token).
func (a *App) revoke(ctx context.Context, acc data.Account, cred credential) error {
	if acc.Network == string(platforms.Mastodon) {
		c, err := mastodon.New(acc.Server, a.http)
		if err != nil {
			return err
		}
		return c.Revoke(ctx, mastodon.App{ClientID: cred.ClientID, ClientSecret: cred.ClientSecret}, cred.AccessToken)
	}
	p, err := a.provider(platforms.Network(acc.Network))
	if err != nil {
		return err
	}
	r, ok := p.(platforms.Revoker)
	if !ok {
		return errNoRevocation
	}
	creds, _ := a.appCredentials(platforms.Network(acc.Network)) // without it some networks refuse; that is the answer then
	tok, _, err := a.tokenFor(ctx, p, acc, cred)
	if err != nil {
		tok = platforms.Token{Access: cred.AccessToken, Refresh: cred.RefreshToken, Expiry: cred.Expiry}
	}
	return r.Revoke(ctx, creds, tok)
}

// loginRefused reports whether the network now refuses acc's token (asks
// for a new login) when it is used.
func (a *App) loginRefused(ctx context.Context, acc data.Account, cred credential) bool {
	p, err := a.provider(platforms.Network(acc.Network))
	if err != nil {
		return false
	}
	_, err = p.Identities(ctx, platforms.Token{Access: cred.AccessToken, Refresh: cred.RefreshToken, Expiry: cred.Expiry})
	return platforms.KindOf(err) == platforms.KindReconnect
}

// canRevokeAt reports whether Localpost can withdraw its access at the
// network itself (Mastodon and the platforms.Revoker providers).
func (a *App) canRevokeAt(network string) bool {
	if network == string(platforms.Mastodon) {
		return true
	}
	_, ok := a.providers[platforms.Network(network)].(platforms.Revoker)
	return ok
}

// accountLabel names an account with its network for lists the user reads:
// "X (@alice)".
func (a *App) accountLabel(acc data.Account) string {
	name := acc.Handle
	if name == "" {
		name = acc.DisplayName
	}
	return a.networkName(acc.Network) + " (" + name + ")"
}
