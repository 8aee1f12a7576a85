// Package app is Localpost's core: the services the views call (accounts and
// OAuth, composing and scheduling, the publisher). It never imports Fyne;
// results reach the UI through the callbacks in Config.
package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/pkg/browser"

	"localpost/data"
	"localpost/platforms"
)

// Config wires an App.
type Config struct {
	DataDir string
	Secrets data.Secrets
	HTTP    *http.Client       // nil = NewHTTPClient()
	OpenURL func(string) error // opens the system browser; nil = pkg/browser
	Now     func() time.Time   // nil = time.Now
	Demo    bool
	// DemoServer is the address of the in-process fake server in --demo;
	// the connect dialog offers it.
	DemoServer string
	// OnChange is called (from any goroutine) after the publisher changed
	// something the calendar shows. Views wrap their refresh in fyne.Do.
	OnChange func()
	// Notify shows a desktop notification (from any goroutine).
	Notify func(title, body string)
	// Providers are the networks besides Mastodon; nil = the real ones
	// (tests and --demo pass clients of the fakes).
	Providers map[platforms.Network]platforms.Provider
	// MetricsEvery is how often the posts' numbers are read while the app
	// runs, the first time MetricsDelay after Start; 0 = every 4 hours,
	// negative = only when the user asks. MetricsDelay 0 = one minute.
	MetricsEvery time.Duration
	MetricsDelay time.Duration
}

// App is the running core.
type App struct {
	Store *data.Store

	cfg     Config
	secrets data.Secrets
	http    *http.Client
	openURL func(string) error
	now     func() time.Time

	connectTimeout time.Duration // how long to wait for the browser redirect
	tick           time.Duration // how often the publisher looks for due posts

	wake chan struct{}
	stop context.CancelFunc
	done chan struct{}

	providers map[platforms.Network]platforms.Provider

	mu sync.Mutex // guards limitsCache and paste
	// limitsCache holds limits read from servers this run; the settings
	// table keeps them for offline use.
	limitsCache map[string]string
	// paste is the login waiting for a pasted redirect address, if any.
	paste *loopback
	// busy holds the accounts a publish is under way on and running how
	// many accounts of each network (see slotKey) publish, starts when the
	// accounts' recent posts started (all guarded by mu; see pace.go);
	// inflight counts the publishing goroutines, for a clean stop.
	busy    map[int64]bool
	running map[string]int
	starts  map[int64][]time.Time
	unpaced bool // tests and benchmarks: no per-account rate limits
	// startedAt is when this run's publisher started (Start or
	// PublishDue): only targets claimed before it can be a crash's.
	startedAt time.Time
	inflight  sync.WaitGroup

	trash trashBin // deleted posts that can still be brought back (library.go)

	syncMu sync.Mutex // one metrics sync at a time (metricsync.go)

	backupMu sync.Mutex // one backup at a time (backup.go)
}

// New opens the store in cfg.DataDir. A damaged database is an error that
// names the file; nothing is overwritten.
func New(cfg Config) (*App, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("no data folder given")
	}
	if cfg.Secrets == nil {
		return nil, errors.New("no secret store given")
	}
	st, err := data.Open(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	a := &App{
		Store:          st,
		cfg:            cfg,
		secrets:        cfg.Secrets,
		http:           cfg.HTTP,
		openURL:        cfg.OpenURL,
		now:            cfg.Now,
		connectTimeout: 5 * time.Minute,
		tick:           15 * time.Second,
		wake:           make(chan struct{}, 1),
		limitsCache:    map[string]string{},
		busy:           map[int64]bool{},
		running:        map[string]int{},
		starts:         map[int64][]time.Time{},
	}
	if a.http == nil {
		a.http = NewHTTPClient()
	}
	if a.openURL == nil {
		a.openURL = browser.OpenURL
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.providers = cfg.Providers
	if a.providers == nil {
		a.providers = DefaultProviders(a.http)
	}
	return a, nil
}

// Close stops the publisher and closes the store.
func (a *App) Close() error {
	if a.stop != nil {
		a.stop()
		<-a.done
	}
	return a.Store.Close()
}

// DataDir is the data folder.
func (a *App) DataDir() string { return a.cfg.DataDir }

// DemoServer is the fake server's address in --demo, "" otherwise.
func (a *App) DemoServer() string { return a.cfg.DemoServer }

// IsDemo reports whether the app runs on throwaway demo data.
func (a *App) IsDemo() bool { return a.cfg.Demo }

func (a *App) changed() {
	if a.cfg.OnChange != nil {
		a.cfg.OnChange()
	}
}

func (a *App) notify(title, body string) {
	if a.cfg.Notify != nil {
		a.cfg.Notify(title, body)
	}
}

// Setting keys, with their defaults in the accessors below.
const (
	settingZone        = "zone"
	settingMissedGrace = "missed_grace_minutes"
)

// Location is the user's time zone (setting "zone", else the system's).
func (a *App) Location() *time.Location {
	name := a.Store.Setting(context.Background(), settingZone, "")
	if name == "" {
		return time.Local
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.Local
	}
	return loc
}

// SetZone sets the user's time zone by IANA name ("" = system).
func (a *App) SetZone(name string) error {
	if name != "" {
		if _, err := time.LoadLocation(name); err != nil {
			return fmt.Errorf("unknown time zone %q", name)
		}
	}
	if err := a.Store.SetSetting(context.Background(), settingZone, name); err != nil {
		return err
	}
	a.changed()
	return nil
}

// MissedGrace is how late a post may be published unasked (default 1 h).
func (a *App) MissedGrace() time.Duration {
	v := a.Store.Setting(context.Background(), settingMissedGrace, "60")
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return time.Hour
	}
	return time.Duration(n) * time.Minute
}

// SetMissedGrace changes it.
func (a *App) SetMissedGrace(d time.Duration) error {
	if d < 0 {
		return errors.New("the grace period cannot be negative")
	}
	return a.Store.SetSetting(context.Background(), settingMissedGrace, strconv.Itoa(int(d/time.Minute)))
}
