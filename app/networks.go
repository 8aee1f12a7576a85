package app

// Connecting and publishing to every network through platforms.Provider.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"localpost/data"
	"localpost/platforms"
)

// NetworkInfo is what Settings → Networks and the connect dialog show for
// one network.
type NetworkInfo struct {
	platforms.Info
	Configured  bool   // the user's developer app credentials are saved
	ClientID    string // shown (not secret); the secret is never returned
	RedirectURI string // the address to register in the network's console
	Port        int    // for fixed-port networks: the port in use (setting)
}

// networkOrder is the order networks are listed in.
var networkOrder = []platforms.Network{platforms.Mastodon, platforms.Facebook, platforms.FBGroup, platforms.Instagram,
	platforms.LinkedIn, platforms.X, platforms.Pinterest, platforms.TikTok, platforms.YouTube}

// Networks lists every network Localpost can connect, Mastodon first.
func (a *App) Networks() []NetworkInfo {
	out := []NetworkInfo{{Info: platforms.Info{Network: platforms.Mastodon, Name: "Mastodon", CanSchedule: true,
		Guide: "No developer app needed: Localpost registers itself on your server when you connect."}, Configured: true}}
	for _, n := range networkOrder[1:] {
		p, ok := a.providers[n]
		if !ok {
			continue
		}
		info := p.Info()
		ni := NetworkInfo{Info: info}
		if c, err := a.appCredentials(n); err == nil {
			ni.Configured, ni.ClientID = true, c.ClientID
		}
		if info.ReminderOnly {
			ni.Configured = true
		}
		ni.Port = a.redirectPort(info)
		ni.RedirectURI = a.redirectURI(info)
		out = append(out, ni)
	}
	return out
}

func (a *App) provider(n platforms.Network) (platforms.Provider, error) {
	p, ok := a.providers[n]
	if !ok {
		return nil, fmt.Errorf("Localpost cannot publish to %q", n)
	}
	return p, nil
}

func appSecretKey(n platforms.Network) string { return "app:" + string(n) }

func (a *App) appCredentials(n platforms.Network) (platforms.AppCredentials, error) {
	var c platforms.AppCredentials
	s, err := a.secrets.Get(appSecretKey(n))
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil || c.ClientID == "" {
		return c, fmt.Errorf("the saved developer app for %s is unreadable; enter it again in Settings → Networks", n)
	}
	return c, nil
}

// SetAppCredentials saves the user's developer app for a network in the
// keyring (an empty secret keeps the saved one).
func (a *App) SetAppCredentials(network platforms.Network, clientID, clientSecret string) error {
	p, err := a.provider(network)
	if err != nil {
		return err
	}
	clientID = strings.TrimSpace(clientID)
	clientSecret = strings.TrimSpace(clientSecret)
	if clientID == "" {
		return errors.New("the client ID is empty: copy it from the network's developer console")
	}
	if clientSecret == "" {
		if old, err := a.appCredentials(network); err == nil {
			clientSecret = old.ClientSecret
		}
	}
	if p.Info().NeedsSecret && clientSecret == "" {
		return fmt.Errorf("%s needs the client secret too", p.Info().Name)
	}
	b, _ := json.Marshal(platforms.AppCredentials{ClientID: clientID, ClientSecret: clientSecret})
	if err := a.secrets.Set(appSecretKey(network), string(b)); err != nil {
		return fmt.Errorf("could not save the credentials in your system keyring: %w", err)
	}
	return nil
}

func portKey(n platforms.Network) string { return "redirect_port:" + string(n) }

func (a *App) redirectPort(info platforms.Info) int {
	if info.Redirect != platforms.RedirectLoopbackFixedPort {
		return 0
	}
	if v, err := strconv.Atoi(a.Store.Setting(context.Background(), portKey(info.Network), "")); err == nil && v > 0 {
		return v
	}
	return info.DefaultPort
}

func (a *App) redirectURI(info platforms.Info) string {
	switch info.Redirect {
	case platforms.RedirectPaste:
		return info.PasteURL
	case platforms.RedirectLoopbackFixedPort:
		if p, ok := a.providers[info.Network].(redirectFormer); ok {
			return p.RedirectURI(a.redirectPort(info))
		}
		return fmt.Sprintf("http://127.0.0.1:%d%s", a.redirectPort(info), callbackPath)
	}
	return "http://127.0.0.1" + callbackPath
}

// redirectPather is a provider whose redirect address has its own path
// (TikTok matches "/callback/" with its slash).
type redirectPather interface{ RedirectPath() string }

// redirectFormer is a fixed-port provider whose redirect address has its own
// form (Pinterest registers http://localhost:PORT/).
type redirectFormer interface{ RedirectURI(port int) string }

// validator is a provider whose checks go beyond Limits (per-kind sizes,
// required options).
type validator interface {
	Validate(platforms.Post) []platforms.Problem
}

// SetRedirectPort changes the fixed loopback port of a network that needs
// an exact redirect address.
func (a *App) SetRedirectPort(network platforms.Network, port int) error {
	if port < 1024 || port > 65535 {
		return errors.New("choose a port between 1024 and 65535")
	}
	return a.Store.SetSetting(context.Background(), portKey(network), strconv.Itoa(port))
}

// Login is a finished browser login whose identities wait for the user's
// choice. It holds the token in memory only.
type Login struct {
	Network    platforms.Network
	Identities []platforms.Identity // Token fields are blanked for the UI
	token      platforms.Token
	full       []platforms.Identity
}

// ErrNotConfigured is returned by Connect before the network's developer
// app credentials are saved; the UI opens Settings → Networks.
var ErrNotConfigured = errors.New("enter your developer app's credentials for this network in Settings → Networks first")

// authURL builds a provider's authorize address.
func authURL(req platforms.AuthRequest, creds platforms.AppCredentials, redirectURI, state, verifier string) string {
	q := url.Values{}
	key := req.ClientKey
	if key == "" {
		key = "client_id"
	}
	sep := req.ScopeSep
	if sep == "" {
		sep = " "
	}
	q.Set(key, creds.ClientID)
	q.Set("response_type", "code")
	q.Set("redirect_uri", redirectURI)
	if len(req.Scopes) > 0 {
		q.Set("scope", strings.Join(req.Scopes, sep))
	}
	q.Set("state", state)
	if req.PKCE {
		q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))
		q.Set("code_challenge_method", "S256")
	}
	for k, v := range req.Params {
		q.Set(k, v)
	}
	u := req.AuthURL
	if strings.Contains(u, "?") {
		return u + "&" + q.Encode()
	}
	return u + "?" + q.Encode()
}

// Connect runs the browser login for a network and lists what it can
// publish as. For networks without a loopback redirect (Meta), progress
// says to paste the address the browser ended on, and the UI calls
// PasteRedirect with it. Cancelling ctx cancels the login.
func (a *App) Connect(ctx context.Context, network platforms.Network, progress ConnectProgress) (*Login, error) {
	if progress == nil {
		progress = func(string) {}
	}
	p, err := a.provider(network)
	if err != nil {
		return nil, err
	}
	info := p.Info()
	if info.ReminderOnly {
		return nil, fmt.Errorf("%s cannot be connected: no app may post there; Localpost reminds you at the due time instead", info.Name)
	}
	creds, err := a.appCredentials(network)
	if errors.Is(err, data.ErrSecretNotFound) {
		return nil, ErrNotConfigured
	}
	if err != nil {
		return nil, err
	}

	var lb *loopback
	switch info.Redirect {
	case platforms.RedirectPaste:
		lb = pasteInbox(info.PasteURL)
		a.mu.Lock()
		a.paste = lb
		a.mu.Unlock()
		defer func() {
			a.mu.Lock()
			if a.paste == lb {
				a.paste = nil
			}
			a.mu.Unlock()
		}()
	case platforms.RedirectLoopbackFixedPort:
		lb, err = listenLoopbackPort(a.redirectPort(info))
		if err == nil {
			lb.redirectURI = a.redirectURI(info)
		}
	default:
		lb, err = listenLoopback()
		if rp, ok := p.(redirectPather); ok && err == nil {
			lb.redirectURI = strings.TrimSuffix(lb.redirectURI, callbackPath) + rp.RedirectPath()
		}
	}
	if err != nil {
		return nil, err
	}
	defer lb.close()

	req := p.Authorize(creds, lb.redirectURI)
	verifier := ""
	if req.PKCE {
		verifier = oauth2.GenerateVerifier()
	}
	if info.Redirect == platforms.RedirectPaste {
		progress("Approve Localpost in your browser. " + info.Name + " then shows a blank page: copy its whole address from the address bar and paste it below.")
	} else {
		progress("Waiting for you to approve Localpost in your browser…")
	}
	code, err := waitForCode(ctx, a.openURL, func(u string) {
		progress("Could not open your browser. Open this address in a browser to approve Localpost:\n" + u)
	}, lb, a.connectTimeout, func(state string) string {
		return authURL(req, creds, lb.redirectURI, state, verifier)
	})
	if err != nil {
		return nil, err
	}
	progress("Finishing the login…")
	tok, err := p.Exchange(ctx, creds, lb.redirectURI, code, verifier)
	if err != nil {
		return nil, cancelledOr(ctx, err)
	}
	progress("Reading what you can post as…")
	ids, err := p.Identities(ctx, tok)
	if err != nil {
		return nil, cancelledOr(ctx, err)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("this %s login has nothing Localpost can post as (%s)", info.Name, info.Gates)
	}
	l := &Login{Network: network, token: tok, full: ids}
	for _, id := range ids {
		id.Token = ""
		l.Identities = append(l.Identities, id)
	}
	return l, nil
}

// PasteRedirect hands the address the browser ended on to the login that
// waits for it.
func (a *App) PasteRedirect(address string) error {
	u, err := url.Parse(strings.TrimSpace(address))
	if err != nil || u.RawQuery == "" && u.Fragment == "" {
		return errors.New("that is not the address Localpost needs: copy the whole address from the browser's address bar after approving")
	}
	q := u.Query()
	if q.Get("code") == "" && q.Get("error") == "" && u.Fragment != "" {
		q, _ = url.ParseQuery(u.Fragment)
	}
	if q.Get("code") == "" && q.Get("error") == "" {
		return errors.New("that address has no answer from the network in it; approve Localpost in the browser first, then copy the address it ends on")
	}
	a.mu.Lock()
	lb := a.paste
	a.mu.Unlock()
	if lb == nil || !lb.deliver(q) {
		return errors.New("no login is waiting for this address; start the connection again")
	}
	return nil
}

// accountExtra is what accounts.extra holds (never a secret).
type accountExtra struct {
	Extra       map[string]string `json:"extra,omitempty"`
	Boards      []platforms.Board `json:"boards,omitempty"`
	NeedsPublic bool              `json:"needs_public,omitempty"`
}

// AddIdentities stores the chosen identities of a login as accounts, their
// tokens in the keyring.
func (a *App) AddIdentities(ctx context.Context, l *Login, remoteIDs []string) ([]data.Account, error) {
	if l == nil || len(remoteIDs) == 0 {
		return nil, errors.New("choose at least one account to add")
	}
	var out []data.Account
	for _, id := range l.full {
		if !slices.Contains(remoteIDs, id.RemoteID) {
			continue
		}
		extra, _ := json.Marshal(accountExtra{Extra: id.Extra, Boards: id.Boards, NeedsPublic: id.NeedsPublic})
		acc := data.Account{
			Network:     string(l.Network),
			RemoteID:    id.RemoteID,
			Handle:      id.Handle,
			DisplayName: id.Name,
			Kind:        id.Kind,
			URL:         id.URL,
			State:       data.AccountConnected,
			TokenExpiry: loginExpiry(l.token),
			Extra:       string(extra),
		}
		if acc.Handle == "" {
			acc.Handle = id.Name
		}
		if id.AvatarURL != "" {
			if name, err := a.fetchAvatar(ctx, id.AvatarURL); err == nil {
				acc.AvatarPath = name
			}
		}
		cred, _ := json.Marshal(credential{AccessToken: l.token.Access, RefreshToken: l.token.Refresh,
			Expiry: l.token.Expiry, RefreshExpiry: l.token.RefreshExpiry, IdentityToken: id.Token})
		if err := a.secrets.Set(acc.SecretKey(), string(cred)); err != nil {
			return out, fmt.Errorf("the login worked but could not be saved in your system keyring, so %s was not added: %w", acc.Handle, err)
		}
		saved, err := a.Store.SaveAccount(ctx, acc)
		if err != nil {
			_ = a.secrets.Delete(acc.SecretKey())
			return out, fmt.Errorf("could not save %s: %w", acc.Handle, err)
		}
		out = append(out, saved)
	}
	a.changed()
	return out, nil
}

// fetchAvatar downloads an avatar through the app's client (the network's
// own image host) into avatars/.
func (a *App) fetchAvatar(ctx context.Context, rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("avatar: %q is not a web address", rawURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	resp, err := a.http.Do(req) // no token: avatars are public
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("avatar: %s", resp.Status)
	}
	if resp.ContentLength > maxAvatar {
		return "", errors.New("avatar too large")
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAvatar+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxAvatar {
		return "", errors.New("avatar too large")
	}
	return a.storeAvatar(b)
}

// maxAvatar is the largest avatar Localpost keeps.
const maxAvatar = 2 << 20

func readExtra(acc data.Account) accountExtra {
	var x accountExtra
	if acc.Extra != "" {
		_ = json.Unmarshal([]byte(acc.Extra), &x)
	}
	return x
}

// AccountLimits are the limits of one account's network (its server's for
// Mastodon), for the per-network counters.
func (a *App) AccountLimits(ctx context.Context, accountID int64) platforms.Limits {
	return a.Limits(ctx, []int64{accountID})
}

// Boards lists a Pinterest account's boards as last synced.
func (a *App) Boards(ctx context.Context, accountID int64) []platforms.Board {
	acc, err := a.Store.Account(ctx, accountID)
	if err != nil {
		return nil
	}
	return readExtra(acc).Boards
}

// loginExpiry is when the user must sign in again: the refresh token's end
// where the network renews logins (zero when it does not say), else the
// access token's.
func loginExpiry(t platforms.Token) time.Time {
	if t.Refresh != "" {
		return t.RefreshExpiry
	}
	return t.Expiry
}

// identityOf rebuilds what a provider needs to publish as an account.
func identityOf(acc data.Account, cred credential) platforms.Identity {
	x := readExtra(acc)
	return platforms.Identity{RemoteID: acc.RemoteID, Kind: acc.Kind, Name: acc.DisplayName, Handle: acc.Handle,
		URL: acc.URL, Token: cred.IdentityToken, Extra: x.Extra, Boards: x.Boards, NeedsPublic: x.NeedsPublic}
}

// renewals serialises the renewal of each account's login (by secret key):
// X and TikTok rotate refresh tokens, so two renewals with the same one
// (the account sync and the publisher, both at start) would spend it twice
// and the second would look like a revoked login.
var renewals sync.Map // string → *sync.Mutex

// tokenFor returns a usable token for an account, refreshing it (and
// saving the new one) when it expires within five minutes.
func (a *App) tokenFor(ctx context.Context, p platforms.Provider, acc data.Account, cred credential) (platforms.Token, credential, error) {
	tok := platforms.Token{Access: cred.AccessToken, Refresh: cred.RefreshToken, Expiry: cred.Expiry, RefreshExpiry: cred.RefreshExpiry}
	if tok.Expiry.IsZero() || a.now().Add(5*time.Minute).Before(tok.Expiry) {
		return tok, cred, nil
	}
	mu, _ := renewals.LoadOrStore(acc.SecretKey(), new(sync.Mutex))
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	// Another caller may have renewed it while this one waited.
	if cur, err := a.credential(acc); err == nil && cur.AccessToken != cred.AccessToken {
		cred = cur
		tok = platforms.Token{Access: cred.AccessToken, Refresh: cred.RefreshToken, Expiry: cred.Expiry, RefreshExpiry: cred.RefreshExpiry}
		if tok.Expiry.IsZero() || a.now().Add(5*time.Minute).Before(tok.Expiry) {
			return tok, cred, nil
		}
	}
	creds, err := a.appCredentials(platforms.Network(acc.Network))
	if err != nil {
		return tok, cred, &platforms.Error{Kind: platforms.KindReconnect, Message: "the developer app for this network is missing from Settings → Networks", Err: err}
	}
	nt, err := p.Refresh(ctx, creds, tok)
	if errors.Is(err, platforms.ErrNoRefresh) {
		if a.now().Before(tok.Expiry) {
			return tok, cred, nil
		}
		return tok, cred, &platforms.Error{Kind: platforms.KindReconnect, Message: "the login expired on " + tok.Expiry.In(a.Location()).Format("2 Jan 2006") + " and this network has no renewal"}
	}
	if err != nil {
		return tok, cred, err
	}
	if nt.Refresh == "" {
		nt.Refresh = tok.Refresh // networks that do not rotate keep the old one
	}
	cred.AccessToken, cred.RefreshToken, cred.Expiry, cred.RefreshExpiry = nt.Access, nt.Refresh, nt.Expiry, nt.RefreshExpiry
	b, _ := json.Marshal(cred)
	if err := a.secrets.Set(acc.SecretKey(), string(b)); err != nil {
		return nt, cred, &platforms.Error{Kind: platforms.KindRetry, Message: "could not save the renewed login in your keyring", Err: err}
	}
	// Only the expiry: acc may be an old copy (the user may have changed
	// the account meanwhile).
	_ = a.Store.SetTokenExpiry(ctx, acc.ID, loginExpiry(nt))
	return nt, cred, nil
}
