// Package views holds Localpost's Fyne screens: the calendar, the composer,
// the accounts and the settings. The screens see the core only through the
// small Core interface below, so tests drive them with an in-memory fake.
package views

import (
	"context"
	"errors"
	"io"
	"net/url"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"localpost/app"
	"localpost/data"
	"localpost/platforms"
)

// Core is what the screens need from the application core (*app.App).
type Core interface {
	Location() *time.Location

	// calendar
	Month(ctx context.Context, year int, month time.Month, loc *time.Location) ([]data.CalendarEntry, error)
	// the month, week and day views: posts in [from, to) that pass f
	Calendar(ctx context.Context, from, to time.Time, f data.CalendarFilter) ([]data.CalendarEntry, error)
	// the list view: how many posts, and a page of them
	CalendarCount(ctx context.Context, from, to time.Time, f data.CalendarFilter) (int, error)
	CalendarPage(ctx context.Context, from, to time.Time, f data.CalendarFilter, offset, limit int) ([]data.CalendarEntry, error)
	// the labels of the posts in [from, to), by post id, for the chips
	CalendarLabels(ctx context.Context, from, to time.Time) (map[int64][]data.Label, error)

	// accounts
	Accounts(ctx context.Context) ([]data.Account, error)
	AvatarFile(acc data.Account) string
	ConnectMastodon(ctx context.Context, server string, progress app.ConnectProgress) (data.Account, error)
	Disconnect(ctx context.Context, accountID int64) error

	// networks beyond Mastodon: the user's developer apps and the browser
	// login that yields identities to choose from
	Networks() []app.NetworkInfo
	SetAppCredentials(network platforms.Network, clientID, clientSecret string) error
	SetRedirectPort(network platforms.Network, port int) error
	Connect(ctx context.Context, network platforms.Network, progress app.ConnectProgress) (*app.Login, error)
	PasteRedirect(address string) error
	AddIdentities(ctx context.Context, l *app.Login, remoteIDs []string) ([]data.Account, error)

	// places posted to by reminder (Facebook Groups): added by name and
	// address; at the due time the user posts by hand and says so
	AddReminderAccount(ctx context.Context, network platforms.Network, name, address string) (data.Account, error)
	Reminders(ctx context.Context, postID int64) ([]app.Reminder, error)
	CompleteReminder(ctx context.Context, targetID int64, postURL string) error

	// composer
	AddMedia(ctx context.Context, path string) (app.DraftMedia, error)
	// MediaLibrary lists every stored file whose name or alt text contains
	// query, newest first, with thumbnails; picking one reuses it.
	MediaLibrary(ctx context.Context, query string) ([]app.LibraryMedia, error)
	Limits(ctx context.Context, accountIDs []int64) platforms.Limits
	AccountLimits(ctx context.Context, accountID int64) platforms.Limits
	Boards(ctx context.Context, accountID int64) []platforms.Board
	Check(ctx context.Context, d app.Draft) []platforms.Problem
	SaveDraft(ctx context.Context, d app.Draft) (data.Post, error)
	Schedule(ctx context.Context, d app.Draft) (data.Post, string, error)
	PostNow(ctx context.Context, d app.Draft) (data.Post, error)
	Post(ctx context.Context, id int64) (data.Post, error)
	DraftFromPost(p data.Post, loc *time.Location) app.Draft
	DeletePost(ctx context.Context, id int64) error
	HeldByNetworks(ctx context.Context, postID int64) ([]string, error)
	// dragging in the calendar: a post to another day or hour (clock in
	// day's zone), an idea onto a day (drag.go)
	MovePost(ctx context.Context, id int64, day time.Time, clock string) (time.Time, string, error)
	DateIdea(ctx context.Context, id int64, at time.Time) (data.Post, []platforms.Problem, error)
	// snippets and hashtag groups, labels, ideas, duplicates, delete
	// with undo (snippets.go)
	libraryCore

	// decisions on failed, missed and uncertain posts
	Retry(ctx context.Context, postID int64) error
	Skip(ctx context.Context, postID int64) error
	MarkPublished(ctx context.Context, postID int64) error
	Attempts(ctx context.Context, postID int64) ([]data.Attempt, error)

	// changes to posts a network holds in its own scheduler that could not
	// be made there (still tried, or given up until dismissed)
	RemoteProblems(ctx context.Context) ([]app.RemoteProblem, error)
	DismissRemoteProblem(ctx context.Context, id int64) error

	// a plan from a CSV file: checked row by row without saving, then
	// imported in one transaction; a date range as one HTML page for a
	// client to approve offline
	PreviewCSV(ctx context.Context, path string) (app.ImportPlan, error)
	ImportCSV(ctx context.Context, plan app.ImportPlan, onlyGood bool) (int, error)
	ExportHTML(ctx context.Context, w io.Writer, from, to time.Time) (int, error)

	// settings
	MissedGrace() time.Duration
	SetMissedGrace(d time.Duration) error
	SetZone(name string) error
	DataDir() string
	// PublicMedia is the folder the user's web server publishes and its
	// https address, where images for Instagram and TikTok photos go.
	PublicMedia() (dir, base string)
	SetPublicMedia(dir, base string) error
	// DemoServer is the fake Mastodon server's address in demo mode, which
	// the connect dialog pre-fills; "" otherwise.
	DemoServer() string

	// posting times per account, "Add to queue" and repeating posts
	// (queue.go)
	queueCore

	// system tray: what its status line says, its "Publish due posts
	// now", and whether closing the window keeps Localpost running there
	trayCore

	// the analytics window: stored numbers, best times, reading new
	// numbers, suggested posting times (analytics.go)
	analyticsCore

	// what is stored and where, export, delete everything, disconnect
	// with a choice, retention and backups (yourdata.go)
	dataCore

	// the writing assistant: its endpoint, streamed requests, and the
	// help without one (assistant.go)
	assistCore
}

// dataCore is what the "Your data" screen, the data settings and the
// disconnect dialog need from the core.
type dataCore interface {
	DataSummary(ctx context.Context) (app.DataSummary, error)
	ExportArchive(ctx context.Context, path string, progress func(app.ArchiveProgress)) error
	// WipePlan counts what Delete everything removes; RevokeAll takes
	// back the access where the networks allow it; WipeWork captures the
	// keyring entries for the deletion main runs on the closed folder.
	WipePlan(ctx context.Context) (app.WipeReport, error)
	RevokeAll(ctx context.Context) (revoked, notRevoked []string)
	WipeWork(ctx context.Context) (func(dataDir string) (string, error), error)
	DisconnectAccount(ctx context.Context, accountID int64, keepData bool) (revoked bool, err error)
	Retention() app.Retention
	SetRetention(r app.Retention) error
	Backups(ctx context.Context) ([]app.Backup, error)
	BackupNow(ctx context.Context) (app.Backup, error)
}

var _ Core = (*app.App)(nil)

// How long one call into the core may take before the UI gives up on it.
// Connecting has its own, longer limit inside the core.
const callTimeout = 30 * time.Second

// bridge is where background results reach the UI. Every goroutine a screen
// starts goes through run, and every Fyne call from another goroutine goes
// through do (fyne.Do), so tests can run those calls on their own goroutine
// and wait until all of them have landed.
type bridge struct {
	win     fyne.Window
	openURL func(*url.URL) error
	do      func(func()) // fyne.Do; tests queue the calls instead
	jobs    atomic.Int64 // run jobs whose result is not applied yet
	queue   chan func()  // tests only: the calls do queued
}

func newBridge(win fyne.Window, openURL func(*url.URL) error) *bridge {
	return &bridge{win: win, openURL: openURL, do: fyne.Do}
}

// run calls work in a new goroutine and then the function it returns (if
// any) on the Fyne thread. work must not touch widgets: snapshot what it
// needs before calling run.
func (b *bridge) run(work func() (apply func())) {
	b.jobs.Add(1)
	go func() {
		var apply func()
		defer func() {
			b.do(func() {
				defer b.jobs.Add(-1)
				if apply != nil {
					apply()
				}
			})
		}()
		apply = work()
	}()
}

// queueForTest makes do queue its calls for wait and drain, which run them
// on the test's goroutine: the test driver's fyne.Do would run them at once
// on the calling goroutine, racing with the test.
func (b *bridge) queueForTest() {
	b.queue = make(chan func(), 4096)
	b.do = func(f func()) { b.queue <- f }
}

// drain runs the queued calls (tests).
func (b *bridge) drain() {
	for {
		select {
		case f := <-b.queue:
			f()
		default:
			return
		}
	}
}

// wait runs queued calls until every job started with run has been
// applied (tests).
func (b *bridge) wait() {
	for {
		b.drain()
		if b.jobs.Load() == 0 {
			return
		}
		select {
		case f := <-b.queue:
			f()
		case <-time.After(time.Millisecond):
		}
	}
}

// showError shows err from any goroutine.
func (b *bridge) showError(err error) {
	if err == nil {
		return
	}
	b.do(func() { b.errorDialog(err) })
}

// errorDialog shows err; call it on the Fyne thread.
func (b *bridge) errorDialog(err error) {
	if err == nil {
		return
	}
	dialog.ShowError(err, b.win)
}

// ctx returns a context for one call into the core.
func (b *bridge) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), callTimeout)
}

// open opens a web address or file:// URL with the system's handler.
func (b *bridge) open(raw string) {
	u, err := url.Parse(raw)
	if err == nil && b.openURL != nil {
		err = b.openURL(u)
	}
	if err != nil {
		b.errorDialog(errors.New("Could not open " + raw + ": " + err.Error()))
	}
}

// ext finishes a widget written as a struct literal. Without it, a widget
// resized before its first render is never laid out (BaseWidget.Resize
// skips the layout while the widget is not extended, and a later resize
// to the same size is a no-op), e.g. an icon button in a fixed-size box.
func ext[W interface {
	fyne.Widget
	ExtendBaseWidget(fyne.Widget)
}](w W) W {
	w.ExtendBaseWidget(w)
	return w
}
