// Package app is Localpost's core: the services the views call (accounts and
// OAuth, composing and scheduling, the publisher). It never imports Fyne;
// results reach the UI through the callbacks in Config.
package app

// THIS FILE IS A CONTRACT STUB being filled in by the app owner. Views code
// against these exported names only.

import (
	"context"
	"errors"
	"net/http"
	"time"

	"localpost/data"
	"localpost/platforms"
)

var errTODO = errors.New("app: not implemented yet")

// Config wires an App.
type Config struct {
	DataDir string
	Secrets data.Secrets
	HTTP    *http.Client     // nil = NewHTTPClient()
	OpenURL func(string) error // opens the system browser; nil = pkg/browser
	Now     func() time.Time   // nil = time.Now
	Demo    bool
	// OnChange is called (from any goroutine) after the publisher changed
	// something the calendar shows. Views wrap their refresh in fyne.Do.
	OnChange func()
	// Notify shows a desktop notification (from any goroutine).
	Notify func(title, body string)
}

// App is the running core.
type App struct {
	Store *data.Store
}

// New opens the store in cfg.DataDir. A damaged database is an error that
// names the file; nothing is overwritten.
func New(cfg Config) (*App, error) { return nil, errTODO }

// Start starts the publisher goroutine; it stops when ctx ends or Close.
func (a *App) Start(ctx context.Context) {}

// Close stops the publisher and closes the store.
func (a *App) Close() error { return nil }

// Location is the user's time zone (setting "zone", else the system's).
func (a *App) Location() *time.Location { return time.Local }

// --- calendar

// Month returns the calendar entries of the month containing day, in loc.
func (a *App) Month(ctx context.Context, year int, month time.Month, loc *time.Location) ([]data.CalendarEntry, error) {
	return nil, errTODO
}

// --- accounts

// Accounts lists the connected accounts.
func (a *App) Accounts(ctx context.Context) ([]data.Account, error) { return nil, errTODO }

// AvatarFile is the absolute path of an account's avatar, "" if none.
func (a *App) AvatarFile(acc data.Account) string { return "" }

// ConnectProgress reports the steps of a connection to the UI.
type ConnectProgress func(step string)

// ConnectMastodon registers Localpost on the server, opens the authorize
// page in the browser and waits (up to 5 minutes, or until ctx is
// cancelled) for the redirect; then it stores the token in the keyring and
// the account in the database. The error says what to do.
func (a *App) ConnectMastodon(ctx context.Context, server string, progress ConnectProgress) (data.Account, error) {
	return data.Account{}, errTODO
}

// Disconnect revokes the token where possible, deletes it from the keyring
// and removes the account.
func (a *App) Disconnect(ctx context.Context, accountID int64) error { return errTODO }

// ErrCancelled is returned when the user cancelled a connection.
var ErrCancelled = errors.New("connection cancelled")

// --- composer

// DraftMedia is one attachment in the composer.
type DraftMedia struct {
	MediaID int64  // set once stored
	Path    string // absolute path (source file before saving, stored file after)
	Mime    string
	Size    int64
	Alt     string
}

// Draft is what the composer holds.
type Draft struct {
	PostID     int64 // 0 = new
	Text       string
	Title      string
	AccountIDs []int64
	Media      []DraftMedia
	Day        time.Time // the date picked (year, month, day are used)
	Clock      string    // "15:04" in Zone
	Zone       *time.Location
}

// AddMedia stores a file in the data folder and returns it for the draft.
func (a *App) AddMedia(ctx context.Context, path string) (DraftMedia, error) {
	return DraftMedia{}, errTODO
}

// Limits returns the strictest limits over the chosen accounts (Mastodon:
// from the server's /api/v2/instance, 500 characters when absent).
func (a *App) Limits(ctx context.Context, accountIDs []int64) platforms.Limits {
	return platforms.Limits{MaxChars: 500, MaxMedia: 4}
}

// Check returns the problems that stop the draft from being scheduled.
func (a *App) Check(ctx context.Context, d Draft) []platforms.Problem { return nil }

// ResolveTime turns the draft's day and clock in its zone into an instant.
// A clock time that does not exist that day (spring forward) moves forward
// and note says so; an ambiguous one takes the first and says so.
func ResolveTime(day time.Time, clock string, loc *time.Location) (t time.Time, note string, err error) {
	return time.Time{}, "", errTODO
}

// ErrInPast is returned by Schedule for a time already gone; the UI offers
// "Post now".
var ErrInPast = errors.New("that time has already passed")

// SaveDraft stores the draft without scheduling it.
func (a *App) SaveDraft(ctx context.Context, d Draft) (data.Post, error) { return data.Post{}, errTODO }

// Schedule validates and stores the draft as scheduled. note carries a
// time-zone adjustment to show the user.
func (a *App) Schedule(ctx context.Context, d Draft) (p data.Post, note string, err error) {
	return data.Post{}, "", errTODO
}

// PostNow schedules the draft for right away and wakes the publisher.
func (a *App) PostNow(ctx context.Context, d Draft) (data.Post, error) { return data.Post{}, errTODO }

// Post returns a stored post for the composer.
func (a *App) Post(ctx context.Context, id int64) (data.Post, error) { return data.Post{}, errTODO }

// DraftFromPost turns a stored post into a composer draft in loc.
func (a *App) DraftFromPost(p data.Post, loc *time.Location) Draft { return Draft{} }

// DeletePost deletes a post that is not being published.
func (a *App) DeletePost(ctx context.Context, id int64) error { return errTODO }

// --- decisions on missed, failed and uncertain posts

// Retry schedules a failed, missed or uncertain post again for now.
func (a *App) Retry(ctx context.Context, postID int64) error { return errTODO }

// Skip marks the post's missed targets failed with "skipped by you".
func (a *App) Skip(ctx context.Context, postID int64) error { return errTODO }

// MarkPublished records that an uncertain post did reach the network.
func (a *App) MarkPublished(ctx context.Context, postID int64) error { return errTODO }

// Attempts lists the attempts of a post's targets, oldest first.
func (a *App) Attempts(ctx context.Context, postID int64) ([]data.Attempt, error) { return nil, errTODO }

// --- settings

// MissedGrace is how late a post may be published unasked (default 1 h).
func (a *App) MissedGrace() time.Duration { return time.Hour }

// SetMissedGrace changes it.
func (a *App) SetMissedGrace(d time.Duration) error { return errTODO }

// SetZone sets the user's time zone by IANA name ("" = system).
func (a *App) SetZone(name string) error { return errTODO }

// DataDir is the data folder.
func (a *App) DataDir() string { return "" }
