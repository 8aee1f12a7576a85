package views

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
	"localpost/platforms"
)

// fakeCore is an in-memory Core for the view tests. The views call it from
// their own goroutines, so every field is behind mu.
type fakeCore struct {
	mu sync.Mutex

	held map[int64][]string // HeldByNetworks answers

	lib fakeLibrary // snippets, labels, ideas, duplicates, undo (snippets_fake_test.go)

	loc      *time.Location
	entries  []data.CalendarEntry
	accounts []data.Account
	posts    map[int64]data.Post
	attempts map[int64][]data.Attempt
	limits   platforms.Limits
	problems []platforms.Problem
	demo     string
	grace    time.Duration

	monthAsked []time.Month

	// calendar: every Calendar, CalendarCount and CalendarPage call, and
	// how many rows CalendarPage returned in all; entryAccounts are the
	// accounts of a post for the account filter.
	calendarAsked []calendarCall
	pageRows      int
	entryAccounts map[int64][]int64
	entryLabels   map[int64][]data.Label // CalendarLabels' answer and the label filter's data
	labelsAsked   int                    // CalendarLabels calls

	scheduleErr  error
	scheduleNote string
	scheduled    []app.Draft
	postedNow    []app.Draft
	savedDrafts  []app.Draft
	retried      []int64

	// ConnectMastodon: records the server, reports one step, signals
	// connectStarted, then waits for ctx when connectBlock, else returns
	// connectErr or a new account.
	connectServer  string
	connectBlock   bool
	connectErr     error
	connectStarted chan struct{}
	connectCtxErr  error

	zoneSet  []string
	graceSet []time.Duration

	// networks: Networks returns a copy of networks; SetAppCredentials
	// and SetRedirectPort record their calls and update it.
	networks []app.NetworkInfo
	credsSet []credsCall
	credsErr error
	portSet  []int

	// Connect: records the network, reports one step, signals
	// connectStarted; for a paste-mode network it waits for PasteRedirect
	// (or ctx); then returns loginErr or login.
	connected []platforms.Network
	login     *app.Login
	loginErr  error
	pasted    []string
	pasteCh   chan string
	pasteErr  error
	added     [][]string // AddIdentities' remote IDs per call

	accountLimits map[int64]platforms.Limits
	limitsFor     func(ids []int64) platforms.Limits // set: Limits' answer for the accounts asked
	boards        map[int64][]platforms.Board

	// reminders: AddReminderAccount records its calls and adds an account
	// unless reminderErr; Reminders returns reminders[postID];
	// CompleteReminder records its calls and returns completeErr.
	reminderAdds []reminderAdd
	reminderErr  error
	reminders    map[int64][]app.Reminder
	completed    []completeCall
	completeErr  error

	// public media: PublicMedia returns pubDir, pubBase; SetPublicMedia
	// records its calls and stores them unless pubErr.
	pubDir, pubBase string
	pubSet          [][2]string
	pubErr          error

	// tray: Outlook returns outlook (or outlookErr) and counts its calls;
	// Wake counts; the setting is on unless trayOff; SetKeepInTray
	// records its calls; TakeTrayNotice is true once.
	outlook     data.Outlook
	outlookErr  error
	outlooks    int
	woken       int
	trayOff     bool
	keepSet     []bool
	trayNoticed bool

	// remote problems: RemoteProblems returns remote (or remoteErr);
	// DismissRemoteProblem records its calls and, unless dismissErr,
	// removes a problem that is not waiting (else data.ErrNotFound).
	remote     []app.RemoteProblem
	remoteErr  error
	dismissed  []int64
	dismissErr error

	// posting times, the queue and series: see fakeQueue (queue_test.go)
	q fakeQueue

	an fakeAnalytics // the analytics window's numbers (analytics_fake_test.go)

	yd fakeData // what is stored, export, wipe, disconnect, retention, backups (yourdata_fake_test.go)

	as fakeAssist // the writing assistant: settings, requests, hashtags, tips (assistant_fake_test.go)

	// dragging in the calendar: see fakeDrag (drag_test.go)
	drag fakeDrag

	// media: AddMedia gives each path its own id (the same path the same
	// id), refuses what the real core refuses (by extension here), and
	// records the paths it stored; MediaLibrary answers from library by
	// name and alt text and records the queries.
	mediaIDs     map[string]int64
	mediaAdded   []string
	library      []app.LibraryMedia
	libraryAsked []string

	// import and export: PreviewCSV returns importPlan (or importPlanErr)
	// and records the paths; ImportCSV records onlyGood and returns
	// importN (or importErr); ExportHTML writes exportPage, records the
	// range and returns exportN (or exportErr).
	importPaths   []string
	importPlan    app.ImportPlan
	importPlanErr error
	importCalls   []bool
	importN       int
	importErr     error
	exportPage    string
	exportN       int
	exportErr     error
	exportRanges  [][2]time.Time
}

type reminderAdd struct {
	network       platforms.Network
	name, address string
}

type completeCall struct {
	targetID int64
	postURL  string
}

type credsCall struct {
	network          platforms.Network
	clientID, secret string
}

var _ Core = (*fakeCore)(nil)

func newFakeCore(loc *time.Location) *fakeCore {
	return &fakeCore{
		loc:            loc,
		posts:          map[int64]data.Post{},
		attempts:       map[int64][]data.Attempt{},
		limits:         platforms.Limits{MaxChars: 500, MaxMedia: 4},
		grace:          time.Hour,
		connectStarted: make(chan struct{}, 1),
		networks:       fakeNetworks(),
		pasteCh:        make(chan string, 1),
		accountLimits:  map[int64]platforms.Limits{},
		boards:         map[int64][]platforms.Board{},
		reminders:      map[int64][]app.Reminder{},
	}
}

// fakeNetworks is every network, none set up yet.
func fakeNetworks() []app.NetworkInfo {
	loopback := func(port int) string { return fmt.Sprintf("http://127.0.0.1:%d/callback", port) }
	return []app.NetworkInfo{
		{Info: platforms.Info{Network: platforms.Mastodon, Name: "Mastodon"}, Configured: true},
		{Info: platforms.Info{Network: platforms.X, Name: "X", Redirect: platforms.RedirectLoopbackFixedPort, DefaultPort: 8731,
			Guide: "Create a project and an app in the X developer portal.", Gates: "X charges for every post.",
			ConsoleURL: "https://developer.x.com/en/portal/dashboard"}, RedirectURI: loopback(8731), Port: 8731},
		{Info: platforms.Info{Network: platforms.Facebook, Name: "Facebook Pages", NeedsSecret: true, Redirect: platforms.RedirectPaste,
			PasteURL: "https://localpost.example/done", Guide: "Create a Business app in Meta for Developers.",
			ConsoleURL: "https://developers.facebook.com/apps/"}, RedirectURI: "https://localpost.example/done"},
		{Info: platforms.Info{Network: platforms.FBGroup, Name: "Facebook Group", ReminderOnly: true}, Configured: true},
		{Info: platforms.Info{Network: platforms.Instagram, Name: "Instagram", NeedsSecret: true, Redirect: platforms.RedirectPaste},
			RedirectURI: "https://localpost.example/done"},
		{Info: platforms.Info{Network: platforms.LinkedIn, Name: "LinkedIn", NeedsSecret: true, Redirect: platforms.RedirectLoopbackFixedPort,
			DefaultPort: 8732}, RedirectURI: loopback(8732), Port: 8732},
		{Info: platforms.Info{Network: platforms.Pinterest, Name: "Pinterest", NeedsSecret: true, Redirect: platforms.RedirectLoopbackFixedPort,
			DefaultPort: 8085, Gates: "Trial apps make pins only you can see."}, RedirectURI: loopback(8085), Port: 8085},
		{Info: platforms.Info{Network: platforms.TikTok, Name: "TikTok", NeedsSecret: true, Redirect: platforms.RedirectLoopbackFixedPort,
			DefaultPort: 8733}, RedirectURI: loopback(8733), Port: 8733},
		{Info: platforms.Info{Network: platforms.YouTube, Name: "YouTube", NeedsSecret: true, CanSchedule: true},
			RedirectURI: "http://127.0.0.1/callback"},
	}
}

// configure marks a network as set up.
func (f *fakeCore) configure(n platforms.Network) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.networks {
		if f.networks[i].Network == n {
			f.networks[i].Configured = true
			f.networks[i].ClientID = "id-" + string(n)
		}
	}
}

func (f *fakeCore) Location() *time.Location { f.mu.Lock(); defer f.mu.Unlock(); return f.loc }

func (f *fakeCore) Month(_ context.Context, year int, month time.Month, loc *time.Location) ([]data.CalendarEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.monthAsked = append(f.monthAsked, month)
	var out []data.CalendarEntry
	for _, e := range f.entries {
		t := e.PlannedAt.In(loc)
		if t.Year() == year && t.Month() == month {
			out = append(out, e)
		}
	}
	return out, nil
}

type calendarCall struct {
	kind     string // "range", "count" or "page"
	from, to time.Time
	filter   data.CalendarFilter
}

func (f *fakeCore) Calendar(_ context.Context, from, to time.Time, flt data.CalendarFilter) ([]data.CalendarEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calendarAsked = append(f.calendarAsked, calendarCall{"range", from, to, flt})
	if from.Day() == 1 && to.Equal(from.AddDate(0, 1, 0)) {
		f.monthAsked = append(f.monthAsked, from.Month())
	}
	return f.filtered(from, to, flt), nil
}

func (f *fakeCore) CalendarCount(_ context.Context, from, to time.Time, flt data.CalendarFilter) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calendarAsked = append(f.calendarAsked, calendarCall{"count", from, to, flt})
	return len(f.filtered(from, to, flt)), nil
}

func (f *fakeCore) CalendarPage(_ context.Context, from, to time.Time, flt data.CalendarFilter, offset, limit int) ([]data.CalendarEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calendarAsked = append(f.calendarAsked, calendarCall{"page", from, to, flt})
	es := f.filtered(from, to, flt)
	es = es[min(offset, len(es)):min(offset+limit, len(es))]
	f.pageRows += len(es)
	return es, nil
}

func (f *fakeCore) CalendarLabels(_ context.Context, from, to time.Time) (map[int64][]data.Label, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.labelsAsked++
	out := map[int64][]data.Label{}
	for _, e := range f.filtered(from, to, data.CalendarFilter{}) {
		if ls := f.entryLabels[e.PostID]; len(ls) > 0 {
			out[e.PostID] = ls
		}
	}
	return out, nil
}

// filtered is what the store would answer (f.entries are in time order).
func (f *fakeCore) filtered(from, to time.Time, flt data.CalendarFilter) []data.CalendarEntry {
	var out []data.CalendarEntry
	for _, e := range f.entries {
		if e.PlannedAt.Before(from) || !e.PlannedAt.Before(to) {
			continue
		}
		if len(flt.States) > 0 && !slices.Contains(flt.States, e.State) {
			continue
		}
		if len(flt.Networks) > 0 && !slices.ContainsFunc(flt.Networks, func(n string) bool {
			return slices.Contains(strings.Split(e.Networks, ","), n)
		}) {
			continue
		}
		if len(flt.AccountIDs) > 0 && !slices.ContainsFunc(flt.AccountIDs, func(id int64) bool {
			return slices.Contains(f.entryAccounts[e.PostID], id)
		}) {
			continue
		}
		if len(flt.LabelIDs) > 0 && !slices.ContainsFunc(f.entryLabels[e.PostID], func(l data.Label) bool {
			return slices.Contains(flt.LabelIDs, l.ID)
		}) {
			continue
		}
		if q := strings.TrimSpace(flt.Text); q != "" && !strings.Contains(strings.ToLower(e.Snippet), strings.ToLower(q)) {
			continue
		}
		out = append(out, e)
	}
	return out
}

func (f *fakeCore) Accounts(context.Context) ([]data.Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]data.Account(nil), f.accounts...), nil
}

func (f *fakeCore) AvatarFile(data.Account) string { return "" }

func (f *fakeCore) ConnectMastodon(ctx context.Context, server string, progress app.ConnectProgress) (data.Account, error) {
	f.mu.Lock()
	f.connectServer = server
	block, err := f.connectBlock, f.connectErr
	f.mu.Unlock()
	progress("Registering Localpost on " + server + "…")
	f.connectStarted <- struct{}{}
	if block {
		<-ctx.Done()
		f.mu.Lock()
		f.connectCtxErr = ctx.Err()
		f.mu.Unlock()
		return data.Account{}, app.ErrCancelled
	}
	if err != nil {
		return data.Account{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	acc := data.Account{ID: int64(len(f.accounts) + 1), Network: "mastodon", Handle: "@new@" + server,
		DisplayName: "New", Server: "https://" + server, State: data.AccountConnected}
	f.accounts = append(f.accounts, acc)
	return acc, nil
}

func (f *fakeCore) Disconnect(_ context.Context, id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, a := range f.accounts {
		if a.ID == id {
			f.accounts = append(f.accounts[:i], f.accounts[i+1:]...)
			return nil
		}
	}
	return data.ErrNotFound
}

func (f *fakeCore) Networks() []app.NetworkInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]app.NetworkInfo(nil), f.networks...)
}

func (f *fakeCore) SetAppCredentials(n platforms.Network, clientID, secret string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.credsSet = append(f.credsSet, credsCall{n, clientID, secret})
	if f.credsErr != nil {
		return f.credsErr
	}
	for i := range f.networks {
		if f.networks[i].Network == n {
			f.networks[i].Configured = true
			f.networks[i].ClientID = clientID
		}
	}
	return nil
}

func (f *fakeCore) SetRedirectPort(n platforms.Network, port int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.portSet = append(f.portSet, port)
	for i := range f.networks {
		if f.networks[i].Network == n {
			f.networks[i].Port = port
			f.networks[i].RedirectURI = fmt.Sprintf("http://127.0.0.1:%d/callback", port)
		}
	}
	return nil
}

func (f *fakeCore) Connect(ctx context.Context, n platforms.Network, progress app.ConnectProgress) (*app.Login, error) {
	f.mu.Lock()
	f.connected = append(f.connected, n)
	paste := false
	for _, ni := range f.networks {
		if ni.Network == n && ni.Redirect == platforms.RedirectPaste {
			paste = true
		}
	}
	f.mu.Unlock()
	progress("Waiting for you to approve Localpost in your browser…")
	f.connectStarted <- struct{}{}
	if paste {
		select {
		case <-f.pasteCh:
		case <-ctx.Done():
			return nil, app.ErrCancelled
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.loginErr != nil {
		return nil, f.loginErr
	}
	return f.login, nil
}

func (f *fakeCore) PasteRedirect(address string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pasted = append(f.pasted, address)
	if f.pasteErr != nil {
		return f.pasteErr
	}
	f.pasteCh <- address
	return nil
}

func (f *fakeCore) AddIdentities(_ context.Context, l *app.Login, ids []string) ([]data.Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.added = append(f.added, ids)
	var out []data.Account
	for _, id := range ids {
		for _, idt := range l.Identities {
			if idt.RemoteID != id {
				continue
			}
			acc := data.Account{ID: int64(len(f.accounts) + 1), Network: string(l.Network), RemoteID: id,
				Handle: idt.Handle, DisplayName: idt.Name, Kind: idt.Kind, State: data.AccountConnected}
			f.accounts = append(f.accounts, acc)
			out = append(out, acc)
		}
	}
	return out, nil
}

func (f *fakeCore) AddReminderAccount(_ context.Context, n platforms.Network, name, address string) (data.Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reminderAdds = append(f.reminderAdds, reminderAdd{n, name, address})
	if f.reminderErr != nil {
		return data.Account{}, f.reminderErr
	}
	acc := data.Account{ID: int64(len(f.accounts) + 1), Network: string(n), RemoteID: address, Handle: name,
		DisplayName: name, Kind: "group", URL: address, State: data.AccountConnected}
	f.accounts = append(f.accounts, acc)
	return acc, nil
}

func (f *fakeCore) Reminders(_ context.Context, postID int64) ([]app.Reminder, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]app.Reminder(nil), f.reminders[postID]...), nil
}

func (f *fakeCore) CompleteReminder(_ context.Context, targetID int64, postURL string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.completed = append(f.completed, completeCall{targetID, postURL})
	return f.completeErr
}

func (f *fakeCore) PublicMedia() (dir, base string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pubDir, f.pubBase
}

func (f *fakeCore) SetPublicMedia(dir, base string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pubSet = append(f.pubSet, [2]string{dir, base})
	if f.pubErr != nil {
		return f.pubErr
	}
	f.pubDir, f.pubBase = dir, base
	return nil
}

func (f *fakeCore) AccountLimits(_ context.Context, id int64) platforms.Limits {
	f.mu.Lock()
	defer f.mu.Unlock()
	if l, ok := f.accountLimits[id]; ok {
		return l
	}
	return f.limits
}

func (f *fakeCore) Boards(_ context.Context, id int64) []platforms.Board {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.boards[id]
}

func (f *fakeCore) AddMedia(_ context.Context, path string) (app.DraftMedia, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ext := strings.ToLower(filepath.Ext(path))
	if !contains(mediaExtensions, ext) {
		return app.DraftMedia{}, fmt.Errorf("%s is a text file, which Localpost cannot attach; attach PNG, JPEG, GIF or WebP images, MP4, MOV or WebM videos, or PDF documents", path)
	}
	mime := "image/png"
	if ext == ".mp4" {
		mime = "video/mp4"
	}
	if f.mediaIDs == nil {
		f.mediaIDs = map[string]int64{}
	}
	id, ok := f.mediaIDs[path]
	if !ok {
		id = int64(len(f.mediaIDs) + 1)
		f.mediaIDs[path] = id
	}
	f.mediaAdded = append(f.mediaAdded, path)
	return app.DraftMedia{MediaID: id, Path: path, Mime: mime}, nil
}

func (f *fakeCore) MediaLibrary(_ context.Context, query string) ([]app.LibraryMedia, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.libraryAsked = append(f.libraryAsked, query)
	q := strings.ToLower(strings.TrimSpace(query))
	var out []app.LibraryMedia
	for _, m := range f.library {
		if q == "" || strings.Contains(strings.ToLower(m.Name), q) || strings.Contains(strings.ToLower(m.Alt), q) {
			out = append(out, m)
		}
	}
	return out, nil
}

func (f *fakeCore) Limits(_ context.Context, ids []int64) platforms.Limits {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.limitsFor != nil {
		return f.limitsFor(ids)
	}
	return f.limits
}

func (f *fakeCore) Check(context.Context, app.Draft) []platforms.Problem {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.problems
}

func (f *fakeCore) SaveDraft(_ context.Context, d app.Draft) (data.Post, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.savedDrafts = append(f.savedDrafts, d)
	return data.Post{ID: 99, Text: d.Text, State: data.StateDraft}, nil
}

func (f *fakeCore) Schedule(_ context.Context, d app.Draft) (data.Post, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.scheduleErr != nil {
		return data.Post{}, "", f.scheduleErr
	}
	f.scheduled = append(f.scheduled, d)
	at, err := time.ParseInLocation("2006-01-02 15:04", d.Day.Format("2006-01-02")+" "+d.Clock, d.Zone)
	if err != nil {
		return data.Post{}, "", err
	}
	return data.Post{ID: 7, Text: d.Text, PlannedAt: at.UTC(), State: data.StateScheduled}, f.scheduleNote, nil
}

func (f *fakeCore) PostNow(_ context.Context, d app.Draft) (data.Post, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.postedNow = append(f.postedNow, d)
	return data.Post{ID: 8, Text: d.Text, State: data.StateScheduled}, nil
}

func (f *fakeCore) Post(_ context.Context, id int64) (data.Post, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.posts[id]
	if !ok {
		return data.Post{}, data.ErrNotFound
	}
	return p, nil
}

func (f *fakeCore) DraftFromPost(p data.Post, loc *time.Location) app.Draft {
	d := app.Draft{PostID: p.ID, Text: p.Text, Title: p.Title, Zone: loc, Labels: p.Labels}
	for _, t := range p.Targets {
		d.AccountIDs = append(d.AccountIDs, t.AccountID)
	}
	if !p.PlannedAt.IsZero() {
		t := p.PlannedAt.In(loc)
		d.Day = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		d.Clock = t.Format("15:04")
	}
	return d
}

func (f *fakeCore) DeletePost(context.Context, int64) error { return nil }

func (f *fakeCore) HeldByNetworks(_ context.Context, id int64) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.held[id], nil
}

func (f *fakeCore) Retry(_ context.Context, id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.retried = append(f.retried, id)
	return nil
}

func (f *fakeCore) Skip(context.Context, int64) error          { return nil }
func (f *fakeCore) MarkPublished(context.Context, int64) error { return nil }

func (f *fakeCore) Attempts(_ context.Context, id int64) ([]data.Attempt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempts[id], nil
}

func (f *fakeCore) RemoteProblems(context.Context) ([]app.RemoteProblem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]app.RemoteProblem(nil), f.remote...), f.remoteErr
}

func (f *fakeCore) DismissRemoteProblem(_ context.Context, id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dismissed = append(f.dismissed, id)
	if f.dismissErr != nil {
		return f.dismissErr
	}
	for i, p := range f.remote {
		if p.ID == id && !p.Waiting {
			f.remote = append(f.remote[:i:i], f.remote[i+1:]...)
			return nil
		}
	}
	return data.ErrNotFound
}

func (f *fakeCore) MissedGrace() time.Duration { f.mu.Lock(); defer f.mu.Unlock(); return f.grace }

func (f *fakeCore) SetMissedGrace(d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.graceSet = append(f.graceSet, d)
	f.grace = d
	return nil
}

func (f *fakeCore) SetZone(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.zoneSet = append(f.zoneSet, name)
	if name == "" {
		f.loc = time.Local
		return nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return errors.New("unknown time zone")
	}
	f.loc = loc
	return nil
}

func (f *fakeCore) DataDir() string    { return "/home/alice/.config/Localpost" }
func (f *fakeCore) DemoServer() string { f.mu.Lock(); defer f.mu.Unlock(); return f.demo }

func (f *fakeCore) Outlook(context.Context) (data.Outlook, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.outlooks++
	return f.outlook, f.outlookErr
}

func (f *fakeCore) Wake() { f.mu.Lock(); defer f.mu.Unlock(); f.woken++ }

func (f *fakeCore) KeepInTray() bool { f.mu.Lock(); defer f.mu.Unlock(); return !f.trayOff }

func (f *fakeCore) SetKeepInTray(on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keepSet = append(f.keepSet, on)
	f.trayOff = !on
	return nil
}

func (f *fakeCore) TakeTrayNotice() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	first := !f.trayNoticed
	f.trayNoticed = true
	return first
}

func (f *fakeCore) PreviewCSV(_ context.Context, path string) (app.ImportPlan, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.importPaths = append(f.importPaths, path)
	return f.importPlan, f.importPlanErr
}

func (f *fakeCore) ImportCSV(_ context.Context, _ app.ImportPlan, onlyGood bool) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.importCalls = append(f.importCalls, onlyGood)
	return f.importN, f.importErr
}

func (f *fakeCore) ExportHTML(_ context.Context, w io.Writer, from, to time.Time) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.exportRanges = append(f.exportRanges, [2]time.Time{from, to})
	if f.exportErr != nil {
		return 0, f.exportErr
	}
	_, err := io.WriteString(w, f.exportPage)
	return f.exportN, err
}

// --- helpers

// newTestUI builds the main window on a test app with a fixed "now" and
// waits for its first load.
func newTestUI(t *testing.T, core Core, now time.Time) *MainUI {
	t.Helper()
	a := test.NewTempApp(t)
	u := newMainUI(a, core, "Localpost", func() time.Time { return now }, (*bridge).queueForTest)
	u.b.wait()
	t.Cleanup(func() {
		u.b.wait()
		u.Window.Close()
	})
	return u
}

// walk visits obj and everything inside it, depth first, until fn is true.
func walk(t *testing.T, obj fyne.CanvasObject, fn func(fyne.CanvasObject) bool) bool {
	if obj == nil {
		return false
	}
	if fn(obj) {
		return true
	}
	switch o := obj.(type) {
	case *fyne.Container:
		for _, c := range o.Objects {
			if walk(t, c, fn) {
				return true
			}
		}
	case fyne.Widget:
		for _, c := range test.TempWidgetRenderer(t, o).Objects() {
			if walk(t, c, fn) {
				return true
			}
		}
	}
	return false
}

// overlayButton finds a visible button with text in the window's overlays
// (dialogs), nil if there is none.
func overlayButton(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	for _, o := range w.Canvas().Overlays().List() {
		if !o.Visible() {
			continue
		}
		walk(t, o, func(obj fyne.CanvasObject) bool {
			if b, ok := obj.(*widget.Button); ok && b.Text == text && b.Visible() {
				found = b
				return true
			}
			return false
		})
	}
	return found
}

// overlayHas reports whether some visible overlay shows a label, or
// hyperlink, with text.
func overlayHas(t *testing.T, w fyne.Window, text string) bool {
	t.Helper()
	for _, o := range w.Canvas().Overlays().List() {
		if !o.Visible() {
			continue
		}
		if walk(t, o, func(obj fyne.CanvasObject) bool {
			switch v := obj.(type) {
			case *widget.Label:
				return v.Text == text
			case *widget.Hyperlink:
				return v.Text == text
			}
			return false
		}) {
			return true
		}
	}
	return false
}

func waitStarted(t *testing.T, f *fakeCore) {
	t.Helper()
	select {
	case <-f.connectStarted:
	case <-time.After(5 * time.Second):
		t.Fatal("Connect was not called")
	}
}

// connectVia taps "Connect account…" and picks a network from its menu.
func connectVia(t *testing.T, u *MainUI, name string) {
	t.Helper()
	test.Tap(u.accounts.connectBtn)
	m := u.accounts.menu
	if m == nil || !m.Visible() {
		t.Fatal("no network menu")
	}
	for _, it := range u.accounts.menuDef.Items {
		if it.Label == name || strings.HasPrefix(it.Label, name+" (") {
			m.Hide()
			it.Action()
			return
		}
	}
	t.Fatalf("no %q in the network menu", name)
}
