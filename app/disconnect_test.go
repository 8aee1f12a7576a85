package app

import (
	"context"
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"localpost/data"
	"localpost/platforms"
	"localpost/platforms/fakes"
	"localpost/platforms/mastodon"
)

// listSecrets is a keyring whose entries a test can list; failDelete makes
// every Delete fail as a locked keyring would.
type listSecrets struct {
	mu         sync.Mutex
	m          map[string]string
	failDelete bool
}

func newListSecrets() *listSecrets { return &listSecrets{m: map[string]string{}} }

func (s *listSecrets) Set(k, v string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
	return nil
}

func (s *listSecrets) Get(k string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	if !ok {
		return "", data.ErrSecretNotFound
	}
	return v, nil
}

func (s *listSecrets) Delete(k string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failDelete {
		return errors.New("keyring " + k + ": the keyring is locked")
	}
	if _, ok := s.m[k]; !ok {
		return data.ErrSecretNotFound
	}
	delete(s.m, k)
	return nil
}

func (s *listSecrets) keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.m))
}

// withListSecrets moves the app onto a listable keyring (developer apps
// saved again there).
func (e *allEnv) withListSecrets(t *testing.T) *listSecrets {
	t.Helper()
	s := newListSecrets()
	e.app.secrets = s
	for n, c := range e.nets.Credentials {
		if err := e.app.SetAppCredentials(n, c.ClientID, c.ClientSecret); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// connectEverything connects every network with a login, Mastodon too.
func (e *allEnv) connectEverything(t *testing.T) map[platforms.Network]data.Account {
	t.Helper()
	accs := e.connectAll(t)
	accs[platforms.Mastodon] = e.connect(t)
	return accs
}

func (e *allEnv) creds(t *testing.T, accs map[platforms.Network]data.Account) map[platforms.Network]credential {
	t.Helper()
	out := map[platforms.Network]credential{}
	for n, acc := range accs {
		c, err := e.app.credential(acc)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		out[n] = c
	}
	return out
}

// loginWorks asks the network whether the saved token still works.
func (e *allEnv) loginWorks(t *testing.T, n platforms.Network, acc data.Account, c credential) bool {
	t.Helper()
	var err error
	if n == platforms.Mastodon {
		mc, merr := mastodon.New(acc.Server, e.app.http)
		if merr != nil {
			t.Fatal(merr)
		}
		_, err = mc.VerifyCredentials(context.Background(), c.AccessToken)
	} else {
		_, err = e.app.providers[n].Identities(context.Background(), platforms.Token{Access: c.AccessToken})
	}
	if err != nil && platforms.KindOf(err) != platforms.KindReconnect {
		t.Fatalf("%s: %v", n, err)
	}
	return err == nil
}

func revokeCalls(rs []fakes.Request) int {
	n := 0
	for _, r := range rs {
		if strings.Contains(r.Path, "revoke") || strings.HasSuffix(r.Path, "/permissions") {
			n++
		}
	}
	return n
}

func TestDisconnectRevokesWhereTheNetworkAllows(t *testing.T) {
	e := newAllEnv(t)
	accs := e.connectEverything(t)
	creds := e.creds(t, accs)
	ctx := context.Background()

	// Facebook first: the Instagram account holds a login of the same
	// Meta user, which DELETE /me/permissions would end too.
	revoked, err := e.app.DisconnectAccount(ctx, accs[platforms.Facebook].ID, false)
	if err != nil || revoked {
		t.Fatalf("Facebook: revoked %v, %v; want not revoked while Instagram shares the Meta login", revoked, err)
	}
	if e.nets.Meta.Revocations() != 0 || !e.loginWorks(t, platforms.Instagram, accs[platforms.Instagram], creds[platforms.Instagram]) {
		t.Fatal("disconnecting the Page cut off the Instagram account")
	}

	want := map[platforms.Network]bool{platforms.Instagram: true, platforms.X: true, platforms.TikTok: true,
		platforms.YouTube: true, platforms.Mastodon: true, platforms.LinkedIn: false, platforms.Pinterest: false}
	for _, n := range []platforms.Network{platforms.Instagram, platforms.X, platforms.TikTok, platforms.YouTube,
		platforms.Mastodon, platforms.LinkedIn, platforms.Pinterest} {
		revoked, err := e.app.DisconnectAccount(ctx, accs[n].ID, false)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if revoked != want[n] {
			t.Errorf("%s: revoked = %v, want %v", n, revoked, want[n])
		}
		if works := e.loginWorks(t, n, accs[n], creds[n]); works == want[n] {
			t.Errorf("%s: the login works after disconnecting = %v", n, works)
		}
	}
	for name, got := range map[string][2]int{
		"X (refresh and access token)": {e.nets.X.Revocations(), 2},
		"TikTok":                       {e.nets.TikTok.Revocations(), 1},
		"Google":                       {e.nets.YouTube.Revocations(), 1},
		"Meta":                         {e.nets.Meta.Revocations(), 1},
		"Mastodon":                     {revokeCalls(e.nets.Mastodon.Requests()), 1},
		"Pinterest":                    {revokeCalls(e.nets.Pinterest.Requests()), 0},
	} {
		if got[0] != got[1] {
			t.Errorf("%s: %d revocations, want %d", name, got[0], got[1])
		}
	}
	for _, r := range e.nets.LinkedIn.Requests() {
		if strings.Contains(r.Path, "revoke") {
			t.Errorf("LinkedIn was sent %s %s", r.Method, r.Path)
		}
	}
	left, _ := e.app.Store.Accounts(ctx)
	if len(left) != 0 {
		t.Errorf("accounts left: %v", left)
	}
	for n, acc := range accs {
		if _, err := e.app.secrets.Get(acc.SecretKey()); !errors.Is(err, data.ErrSecretNotFound) {
			t.Errorf("%s: keyring entry left (%v)", n, err)
		}
	}
}

func TestDisconnectKeepingData(t *testing.T) {
	e := newEnv(t)
	acc := e.connect(t)
	cred, err := e.app.credential(acc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p, err := e.app.Store.CreatePost(ctx, data.Post{Text: "waits for the account", PlannedAt: e.clock.Now().Add(-time.Minute), Zone: "UTC",
		Targets: []data.Target{{AccountID: acc.ID, State: data.StateScheduled}}})
	if err != nil {
		t.Fatal(err)
	}
	reading := []data.PostReading{{TargetID: p.Targets[0].ID, Raw: map[string]float64{"likes": 2}}}
	if err := e.app.Store.RecordMetrics(ctx, acc.ID, e.clock.Now(), reading, map[string]float64{"followers": 5}); err != nil {
		t.Fatal(err)
	}
	before, err := data.TableCounts(ctx, e.app.Store.Path())
	if err != nil {
		t.Fatal(err)
	}

	revoked, err := e.app.DisconnectAccount(ctx, acc.ID, true)
	if err != nil || !revoked {
		t.Fatalf("revoked %v, %v", revoked, err)
	}
	after, err := data.TableCounts(ctx, e.app.Store.Path())
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(before, after) {
		t.Errorf("rows changed: before %v, after %v", before, after)
	}
	got, err := e.app.Store.Account(ctx, acc.ID)
	if err != nil || got.State != data.AccountDisconnected {
		t.Fatalf("account after: %+v %v", got, err)
	}
	if _, err := e.app.secrets.Get(acc.SecretKey()); !errors.Is(err, data.ErrSecretNotFound) {
		t.Errorf("keyring entry left: %v", err)
	}
	mc, _ := mastodon.New(acc.Server, e.app.http)
	if _, err := mc.VerifyCredentials(ctx, cred.AccessToken); platforms.KindOf(err) != platforms.KindReconnect {
		t.Errorf("the server still accepts the token: %v", err)
	}

	// The post is due: the publisher passes it by and says why it waits.
	if _, err := e.app.PublishDue(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.Statuses()); n != 0 {
		t.Errorf("%d statuses published for a disconnected account", n)
	}
	kept, err := e.app.Store.Post(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	tg := kept.Targets[0]
	if tg.State != data.StateScheduled || !strings.Contains(tg.LastError, "disconnected") || !strings.Contains(tg.LastError, "Reconnect") {
		t.Errorf("target after: state %s, note %q", tg.State, tg.LastError)
	}
}

func TestDisconnectDeletingDataLeavesOtherAccounts(t *testing.T) {
	e := newAllEnv(t)
	ctx := context.Background()
	m := e.connect(t)
	l, err := e.app.Connect(ctx, platforms.X, nil)
	if err != nil {
		t.Fatal(err)
	}
	xs, err := e.app.AddIdentities(ctx, l, []string{l.Identities[0].RemoteID})
	if err != nil {
		t.Fatal(err)
	}
	x := xs[0]
	later := e.clock.Now().Add(48 * time.Hour)
	post := func(text string, ids ...int64) data.Post {
		var ts []data.Target
		for _, id := range ids {
			ts = append(ts, data.Target{AccountID: id, State: data.StateScheduled})
		}
		p, err := e.app.Store.CreatePost(ctx, data.Post{Text: text, PlannedAt: later, Zone: "UTC", Targets: ts})
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range p.Targets {
			r := []data.PostReading{{TargetID: tg.ID, Raw: map[string]float64{"likes": 1}}}
			if err := e.app.Store.RecordMetrics(ctx, tg.AccountID, e.clock.Now(), r, nil); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	onlyM, onlyX, both := post("mastodon only", m.ID), post("x only", x.ID), post("both", m.ID, x.ID)
	before, _ := data.TableCounts(ctx, e.app.Store.Path())

	if _, err := e.app.DisconnectAccount(ctx, m.ID, false); err != nil {
		t.Fatal(err)
	}
	after, _ := data.TableCounts(ctx, e.app.Store.Path())
	for table, delta := range map[string]int64{"accounts": 1, "posts": 1, "targets": 2, "metrics": 2, "metrics_latest": 2} {
		if before[table]-after[table] != delta {
			t.Errorf("%s: %d → %d rows, want %d fewer", table, before[table], after[table], delta)
		}
	}
	if _, err := e.app.Store.Post(ctx, onlyM.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("the post only for Mastodon: %v", err)
	}
	if p, err := e.app.Store.Post(ctx, onlyX.ID); err != nil || len(p.Targets) != 1 {
		t.Errorf("X's post: %+v %v", p, err)
	}
	if p, err := e.app.Store.Post(ctx, both.ID); err != nil || len(p.Targets) != 1 || p.Targets[0].AccountID != x.ID {
		t.Errorf("the shared post: %+v %v", p, err)
	}
	if got, err := e.app.Store.Account(ctx, x.ID); err != nil || got.State != data.AccountConnected {
		t.Errorf("X account: %+v %v", got, err)
	}
	if _, err := e.app.credential(x); err != nil {
		t.Errorf("X's login: %v", err)
	}
	if e.nets.X.Revocations() != 0 {
		t.Error("disconnecting Mastodon revoked X")
	}
	if f := e.app.AvatarFile(m); f != "" && f != e.app.AvatarFile(x) {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("avatar left: %v", err)
		}
	}
	if f := e.app.AvatarFile(x); f != "" {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("X's avatar: %v", err)
		}
	}
}

func TestDisconnectWithLockedKeyringChangesNothing(t *testing.T) {
	e := newAllEnv(t)
	s := e.withListSecrets(t)
	accs := e.connectAll(t)
	acc := accs[platforms.Pinterest] // no revocation: the login stays usable
	cred, _ := e.app.credential(acc)
	app, _ := e.app.appCredentials(platforms.Pinterest)
	s.failDelete = true
	_, err := e.app.DisconnectAccount(context.Background(), acc.ID, false)
	if err == nil {
		t.Fatal("a keyring that cannot delete reported success")
	}
	for _, secret := range []string{cred.AccessToken, cred.RefreshToken, app.ClientSecret} {
		if secret != "" && strings.Contains(err.Error(), secret) {
			t.Fatalf("error text holds a secret: %v", err)
		}
	}
	if !strings.Contains(err.Error(), "try again") {
		t.Errorf("error does not say what to do: %v", err)
	}
	if got, err := e.app.Store.Account(context.Background(), acc.ID); err != nil || got.State != data.AccountConnected {
		t.Errorf("account after a failed disconnect: %+v %v", got, err)
	}
}
