package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/oauth2"

	"localpost/data"
	"localpost/platforms"
	"localpost/platforms/mastodon"
)

// ErrCancelled is returned when the user cancelled a connection.
var ErrCancelled = errors.New("connection cancelled; nothing was saved")

// ConnectProgress reports the steps of a connection to the UI.
type ConnectProgress func(step string)

// credential is what the keyring holds for one account: the token and, for
// networks that register an app per server, that registration.
type credential struct {
	AccessToken   string    `json:"access_token"`
	RefreshToken  string    `json:"refresh_token,omitempty"`
	Expiry        time.Time `json:"expiry,omitzero"`
	RefreshExpiry time.Time `json:"refresh_expiry,omitzero"`
	ClientID      string    `json:"client_id,omitempty"`
	ClientSecret  string    `json:"client_secret,omitempty"`
	// IdentityToken is a token of the account itself where the network
	// issues one (a Facebook Page's token).
	IdentityToken string `json:"identity_token,omitempty"`
}

// ConnectMastodon registers Localpost on the server, opens the authorize
// page in the browser and waits (up to 5 minutes, or until ctx is
// cancelled) for the redirect; then it stores the token in the keyring and
// the account in the database. Nothing is stored unless every step worked.
func (a *App) ConnectMastodon(ctx context.Context, server string, progress ConnectProgress) (data.Account, error) {
	if progress == nil {
		progress = func(string) {}
	}
	c, err := mastodon.New(server, a.http)
	if err != nil {
		return data.Account{}, err
	}
	progress("Checking " + c.BaseURL + "…")
	limits, err := c.Instance(ctx)
	if err != nil {
		return data.Account{}, cancelledOr(ctx, err)
	}
	lb, err := listenLoopback()
	if err != nil {
		return data.Account{}, err
	}
	defer lb.close()

	progress("Registering Localpost on " + c.BaseURL + "…")
	reg, err := c.RegisterApp(ctx, lb.redirectURI)
	if err != nil {
		return data.Account{}, cancelledOr(ctx, err)
	}
	cfg := &oauth2.Config{
		ClientID:     reg.ClientID,
		ClientSecret: reg.ClientSecret,
		Endpoint:     c.Endpoint(),
		RedirectURL:  lb.redirectURI,
		Scopes:       mastodon.Scopes,
	}
	progress("Waiting for you to approve Localpost in your browser…")
	tok, err := authorize(ctx, cfg, a.http, a.openURL, func(u string) {
		progress("Could not open your browser. Open this address in a browser to approve Localpost:\n" + u)
	}, lb, a.connectTimeout)
	if err != nil {
		return data.Account{}, err
	}

	progress("Reading your profile…")
	prof, err := c.VerifyCredentials(ctx, tok.AccessToken)
	if err != nil {
		return data.Account{}, cancelledOr(ctx, err)
	}
	acc := data.Account{
		Network:     string(platforms.Mastodon),
		RemoteID:    prof.RemoteID,
		Handle:      prof.Handle,
		DisplayName: prof.DisplayName,
		Server:      c.BaseURL,
		Kind:        "profile",
		URL:         prof.URL,
		State:       data.AccountConnected,
	}
	if prof.AvatarURL != "" {
		// An avatar is nice to have: a failure here does not stop the connection.
		if name, err := a.fetchAvatar(ctx, prof.AvatarURL); err == nil {
			acc.AvatarPath = name
		}
	}

	cred, _ := json.Marshal(credential{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, ClientID: reg.ClientID, ClientSecret: reg.ClientSecret})
	if err := a.secrets.Set(acc.SecretKey(), string(cred)); err != nil {
		return data.Account{}, fmt.Errorf("the login worked but could not be saved in your system keyring, so nothing was kept: %w", err)
	}
	saved, err := a.Store.SaveAccount(ctx, acc)
	if err != nil {
		_ = a.secrets.Delete(acc.SecretKey())
		return data.Account{}, fmt.Errorf("could not save the account: %w", err)
	}
	a.rememberLimits(saved.Server, limits)
	a.changed()
	return saved, nil
}

func cancelledOr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ErrCancelled
	}
	return err
}

// storeAvatar keeps an image as avatars/<sha256>.<ext> and returns the name.
func (a *App) storeAvatar(b []byte) (string, error) {
	ext := ".img"
	switch http.DetectContentType(b) {
	case "image/png":
		ext = ".png"
	case "image/jpeg":
		ext = ".jpg"
	case "image/gif":
		ext = ".gif"
	case "image/webp":
		ext = ".webp"
	default:
		return "", errors.New("avatar is not an image")
	}
	sum := sha256.Sum256(b)
	name := hex.EncodeToString(sum[:]) + ext
	dir := filepath.Join(a.cfg.DataDir, "avatars")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".avatar-*")
	if err != nil {
		return "", err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", err
	}
	tmp.Close()
	return name, os.Rename(tmp.Name(), filepath.Join(dir, name))
}

// AvatarFile is the absolute path of an account's avatar, "" if none.
func (a *App) AvatarFile(acc data.Account) string {
	if acc.AvatarPath == "" {
		return ""
	}
	return filepath.Join(a.cfg.DataDir, "avatars", filepath.Base(acc.AvatarPath))
}

// Accounts lists the connected accounts.
func (a *App) Accounts(ctx context.Context) ([]data.Account, error) { return a.Store.Accounts(ctx) }

// Disconnect revokes the token where possible, deletes it from the keyring
// and removes the account with its data (DisconnectAccount without
// keeping data): posts that were only for it go, others stay without it.
func (a *App) Disconnect(ctx context.Context, accountID int64) error {
	_, err := a.DisconnectAccount(ctx, accountID, false)
	return err
}

// credential reads an account's token from the keyring.
func (a *App) credential(acc data.Account) (credential, error) {
	var c credential
	s, err := a.secrets.Get(acc.SecretKey())
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil || c.AccessToken == "" {
		return c, fmt.Errorf("the saved login for %s is unreadable; reconnect the account", acc.Handle)
	}
	return c, nil
}
