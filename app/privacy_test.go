package app

import (
	"bytes"
	"context"
	"encoding/json"
	"log"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"localpost/data"
	"localpost/platforms/fakes"
)

// strayTransport stands in for http.DefaultTransport while a privacy test
// runs: every request that does not go through the app's own client (a
// library's default client, a stray http.Get, and the test's stand-in
// browser) is recorded, then sent on.
type strayTransport struct {
	mu    sync.Mutex
	hosts []string
	next  http.RoundTripper
}

func (s *strayTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.hosts = append(s.hosts, r.URL.Host)
	s.mu.Unlock()
	return s.next.RoundTrip(r)
}

func (s *strayTransport) reset() {
	s.mu.Lock()
	s.hosts = nil
	s.mu.Unlock()
}

func (s *strayTransport) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.hosts)
}

// guardDefaultTransport swaps http.DefaultTransport for a recorder for
// the rest of the test. The app's own client has its own transport.
func guardDefaultTransport(t *testing.T) *strayTransport {
	t.Helper()
	old := http.DefaultTransport
	st := &strayTransport{next: old}
	http.DefaultTransport = st
	t.Cleanup(func() { http.DefaultTransport = old })
	return st
}

// networkHosts are the hosts of the networks e connected (the fakes).
func networkHosts(e *allEnv) []string {
	var out []string
	for _, u := range []string{e.nets.Mastodon.URL, e.nets.X.URL, e.nets.Pinterest.URL, e.nets.YouTube.URL,
		e.nets.LinkedIn.URL, e.nets.TikTok.URL, e.nets.Meta.URL} {
		pu, _ := url.Parse(u)
		out = append(out, pu.Host)
	}
	return out
}

func TestMainFlowsTalkOnlyToConnectedNetworks(t *testing.T) {
	stray := guardDefaultTransport(t)
	e := newAllEnv(t)
	ctx := context.Background()
	// Connect every network, publish on each. The stand-in browser signs
	// in through the default client; once connected nothing but the app's
	// client may talk.
	publishEverywhere(t, e, stray.reset)
	if _, err := e.app.SyncMetrics(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.BackupNow(ctx); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "everything.zip")
	if err := e.app.ExportArchive(ctx, archive, nil); err != nil {
		t.Fatal(err)
	}
	// The writing assistant the user set up is the one other host.
	ai := fakes.NewOpenAI()
	t.Cleanup(ai.Close)
	if err := e.app.SetAssistant(ai.Endpoint(), fakes.OpenAIDemoModel, "", false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Assist(ctx, AssistRequest{Task: AssistShorten, Text: "Winter hours: 8 to 6. Every day."}, nil); err != nil {
		t.Fatal(err)
	}
	aiURL, _ := url.Parse(ai.URL)
	allowed := append(networkHosts(e), aiURL.Host)
	if e.guard.seen()[aiURL.Host] == 0 {
		t.Error("the assistant was not asked through the app's client")
	}
	seen := e.guard.seen()
	if len(seen) == 0 {
		t.Fatal("the guard saw no request: it is not in the app's client")
	}
	for host, n := range seen {
		if !slices.Contains(allowed, host) {
			t.Errorf("the app made %d requests to %s, which is no connected network", n, host)
		}
	}
	if s := stray.seen(); len(s) > 0 {
		t.Errorf("requests outside the app's client: %v", s)
	}
}

func TestNoAccountsNoRequests(t *testing.T) {
	stray := guardDefaultTransport(t)
	keyring.MockInit()
	hc := NewHTTPClient()
	guard := &hostGuard{hosts: map[string]int{}, next: hc.Transport}
	hc.Transport = guard
	var notes []string
	var mu sync.Mutex
	a, err := New(Config{DataDir: t.TempDir(), Secrets: data.Keyring(), HTTP: hc,
		OpenURL:      func(string) error { t.Error("the app opened the browser"); return nil },
		MetricsDelay: time.Millisecond, MetricsEvery: 10 * time.Millisecond,
		Notify: func(title, body string) { mu.Lock(); notes = append(notes, title); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	a.tick = 5 * time.Millisecond
	// An assistant set up but not used is not called either.
	ai := fakes.NewOpenAI()
	t.Cleanup(ai.Close)
	if err := a.SetAssistant(ai.Endpoint(), fakes.OpenAIDemoModel, "sk-local-test-key-1234", false); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a.Start(ctx)
	// Everything a start does: limits, account sync, publishing rounds,
	// recovery, metrics reads, the daily backup, retention.
	if _, err := a.SyncMetrics(ctx, nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // many publisher rounds and metrics loops
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if seen := guard.seen(); len(seen) != 0 {
		t.Errorf("with no accounts the app made requests: %v", seen)
	}
	if n := len(ai.Requests()); n != 0 {
		t.Errorf("the assistant was called %d times without being asked", n)
	}
	if s := stray.seen(); len(s) != 0 {
		t.Errorf("requests outside the app's client: %v", s)
	}
}

// secretsOf is every token and client secret in the keyring entries the
// app made, as strings worth looking for (at least 8 characters).
func secretsOf(t *testing.T, a *App) []string {
	t.Helper()
	keys, err := a.SecretKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range keys {
		v, err := a.secrets.Get(k)
		if err != nil {
			continue
		}
		var m map[string]any
		if json.Unmarshal([]byte(v), &m) != nil {
			out = append(out, v)
			continue
		}
		for name, x := range m {
			s, ok := x.(string)
			if !ok || len(s) < 8 {
				continue
			}
			switch strings.ReplaceAll(strings.ToLower(name), "_", "") {
			case "accesstoken", "refreshtoken", "identitytoken", "clientsecret":
				out = append(out, s)
			}
		}
	}
	return out
}

func TestNoSecretAtRest(t *testing.T) {
	var logs bytes.Buffer
	log.SetOutput(&logs)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	e := newAllEnv(t)
	ctx := context.Background()
	var notes []string
	var mu sync.Mutex
	e.app.cfg.Notify = func(title, body string) { mu.Lock(); notes = append(notes, title+" "+body); mu.Unlock() }
	accs := publishEverywhere(t, e)
	// A refused token and a rate limit write their messages to the store.
	e.nets.X.FailLookup(1, http.StatusTooManyRequests, time.Hour)
	if _, err := e.app.SyncMetrics(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// An assistant with an API key, used once and refused once.
	ai := fakes.NewOpenAI()
	t.Cleanup(ai.Close)
	ai.RequireKey("sk-local-assistant-key-5678")
	if err := e.app.SetAssistant(ai.Endpoint(), fakes.OpenAIDemoModel, "sk-local-assistant-key-5678", false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Assist(ctx, AssistRequest{Task: AssistShorten, Text: "Winter hours. Every day."}, nil); err != nil {
		t.Fatal(err)
	}
	ai.RequireKey("another-key")
	if _, err := e.app.Assist(ctx, AssistRequest{Task: AssistShorten, Text: "Winter hours. Every day."}, nil); err == nil {
		t.Fatal("a refused key gave no error")
	} else {
		logs.WriteString(err.Error()) // what the UI would show and a log would keep
	}
	if _, err := e.app.BackupNow(ctx); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "everything.zip")
	if err := e.app.ExportArchive(ctx, archive, nil); err != nil {
		t.Fatal(err)
	}
	secrets := secretsOf(t, e.app)
	if !slices.Contains(secrets, "sk-local-assistant-key-5678") {
		t.Error("the assistant's key is not among the keyring entries looked for")
	}
	if len(secrets) < len(accs) {
		t.Fatalf("found %d secrets in the keyring for %d accounts: the test looks in the wrong place", len(secrets), len(accs))
	}
	var places []string
	look := func(name string, b []byte) {
		places = append(places, name)
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("a secret (%d characters) is in %s", len(s), name)
			}
		}
	}
	// Every file in the data folder: the database, its WAL, the backups,
	// media, avatars, anything else.
	err := filepath.WalkDir(e.dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil {
			rel, _ := filepath.Rel(e.dir, path)
			look(rel, b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	look("the export archive", b)
	look("the log", logs.Bytes())
	mu.Lock()
	look("the notifications", []byte(strings.Join(notes, "\n")))
	mu.Unlock()
	for _, want := range []string{data.DBFile, data.DBFile + "-wal", "backups"} {
		found := false
		for _, p := range places {
			found = found || strings.HasPrefix(p, want)
		}
		if !found {
			t.Errorf("%s was not looked at (looked at %v)", want, places)
		}
	}
}
