package views

import (
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"localpost/app"
	"localpost/data"
)

// MainUI is the main window and its screens.
type MainUI struct {
	Window fyne.Window
	// Restart, set by main, closes the core, runs work on the closed data
	// folder (restore, move, delete everything), then opens a new core on
	// the folder work returns ("" = the same) in a fresh MainUI. If work
	// fails, the old folder is opened again and the error shown.
	Restart func(work func(dataDir string) (newDataDir string, err error))

	core Core
	b    *bridge
	now  func() time.Time

	tabs                                 *container.AppTabs
	calendarTab, composeTab, accountsTab *container.TabItem
	settingsTab                          *container.TabItem
	calendar                             *calendarScreen
	problems                             *problemsBanner
	composer                             *composerScreen
	accounts                             *accountsScreen
	settings                             *settingsScreen
	flashTimer                           *time.Timer

	// the last accounts and networks loaded, to name the accounts in the
	// post dialog
	accs   []data.Account
	nets   []app.NetworkInfo
	detail *postDetail // the open post dialog, if any

	importDlg *importDialog // the last CSV import preview (importcsv.go)
	exportDlg *exportDialog // the last export for approval (exporthtml.go)

	ideas *ideasPanel // undated posts beside the calendar (ideas.go)
	undo  *undoBanner // "Post deleted — Undo" above the calendar (undo.go)

	analytics    *analyticsScreen // how posts did (analytics.go)
	analyticsTab *container.TabItem

	yourData *yourDataScreen // what is stored, export, delete everything (yourdata.go)
	dataTab  *container.TabItem
}

// NewMainWindow builds the main window. title is e.g. "Localpost" or "Localpost — Demo".
func NewMainWindow(a fyne.App, core Core, title string) fyne.Window {
	return NewMainUI(a, core, title).Window
}

// NewMainUI builds the main window and starts loading its data. Wire the
// core's Config.OnChange to func() { fyne.Do(ui.Refresh) }.
func NewMainUI(a fyne.App, core Core, title string) *MainUI {
	return newMainUI(a, core, title, time.Now)
}

func newMainUI(a fyne.App, core Core, title string, now func() time.Time, opts ...func(*bridge)) *MainUI {
	w := a.NewWindow(title)
	u := &MainUI{Window: w, core: core, now: now, b: newBridge(w, a.OpenURL)}
	for _, o := range opts {
		o(u.b)
	}
	u.calendar = newCalendarScreen(core, u.b, now)
	u.problems = newProblemsBanner(core, u.b)
	u.composer = newComposerScreen(core, u.b, now)
	u.accounts = newAccountsScreen(core, u.b, now)
	u.settings = newSettingsScreen(core, u.b)

	u.calendar.onOpenPost = u.onOpenPost
	u.calendar.onNewPost = u.onNewPost
	u.calendar.onAccounts = func() { u.tabs.Select(u.accountsTab) }
	u.problems.onOpenPost = u.openPostByID
	u.calendar.problems = u.problems.build()
	u.composer.onDone = u.onPostDone
	u.composer.onSaved = u.onDraftSaved
	u.accounts.onChanged = u.Refresh
	u.accounts.onSetUp = u.onSetUpNetwork
	u.settings.onZoneChanged = u.onZoneChanged
	u.settings.onNetworksChanged = u.Refresh
	u.ideas = newIdeasPanel(core, u.b)
	u.undo = newUndoBanner(core, u.b)
	u.ideas.onOpen = u.editPost
	u.ideas.onSchedule = u.scheduleIdea
	u.undo.onRestored = u.onRestored
	u.composer.lib.onDeleted = u.onDeleted
	u.composer.lib.onDuplicated = u.onDuplicated

	u.calendarTab = container.NewTabItemWithIcon("Calendar", theme.CalendarIcon(), u.calendarWithIdeas())
	u.composeTab = container.NewTabItemWithIcon("New post", theme.DocumentCreateIcon(), u.composer.build())
	u.accountsTab = container.NewTabItemWithIcon("Accounts", theme.AccountIcon(), u.accounts.build())
	u.settingsTab = container.NewTabItemWithIcon("Settings", theme.SettingsIcon(), u.settings.build())
	u.analytics = newAnalyticsScreen(core, u.b, now)
	u.analytics.onAccounts = func() { u.tabs.Select(u.accountsTab) }
	u.composer.assist.onSettings = func() { u.tabs.Select(u.settingsTab) }
	u.analytics.onOpen = u.editPost
	u.analyticsTab = container.NewTabItemWithIcon("Analytics", analyticsIcon, u.analytics.build())
	u.yourData = newYourDataScreen(core, u.b)
	u.yourData.restart = u.restart
	u.settings.data.restart = u.restart
	u.dataTab = container.NewTabItemWithIcon("Your data", theme.StorageIcon(), u.yourData.build())
	u.tabs = container.NewAppTabs(u.calendarTab, u.composeTab, u.analyticsTab, u.dataTab, u.accountsTab, u.settingsTab)
	u.tabs.SetTabLocation(container.TabLocationLeading)
	u.tabs.OnSelected = func(ti *container.TabItem) {
		if ti == u.analyticsTab {
			u.analytics.reload() // the numbers are read when looked at
		}
		if ti == u.dataTab {
			u.yourData.reload()
		}
	}

	w.SetContent(u.tabs)
	w.SetMainMenu(fyne.NewMainMenu(fyne.NewMenu("File",
		fyne.NewMenuItem("Import CSV…", u.onImportCSV),
		fyne.NewMenuItem("Export for approval…", u.onExportHTML))))
	w.SetOnDropped(u.onDropped) // files from the file manager (views/media.go)
	u.composer.installShortcuts(w, func() bool { return u.tabs.Selected() == u.composeTab },
		func() { u.tabs.Select(u.calendarTab) }) // after the main menu: adds a "Post" menu (composer_keys.go)
	w.Resize(fyne.NewSize(1100, 760))
	u.Refresh()
	return u
}

// Refresh reloads the calendar month, the problems at the networks and
// the accounts off the UI thread. Call it on the Fyne thread (from
// elsewhere: fyne.Do(ui.Refresh)).
func (u *MainUI) Refresh() {
	u.calendar.reload()
	u.ideas.reload()
	u.problems.reload()
	u.reloadAccounts()
	u.settings.load()
}

func (u *MainUI) reloadAccounts() {
	u.b.run(func() func() {
		ctx, cancel := u.b.ctx()
		defer cancel()
		nets := u.core.Networks()
		accs, err := u.core.Accounts(ctx)
		return func() {
			u.nets = nets
			u.accounts.setNetworks(nets)
			u.settings.setNetworks(nets)
			u.composer.setNetworks(nets)
			if err != nil {
				u.accounts.setError(err)
				return
			}
			u.accs = accs
			u.accounts.setAccounts(accs)
			u.composer.setAccounts(accs)
			u.calendar.setAccounts(accs)
		}
	})
}

// onSetUpNetwork opens a network's set-up dialog in Settings; once its
// developer app is saved, the connection the user started goes on.
func (u *MainUI) onSetUpNetwork(n app.NetworkInfo) {
	u.tabs.Select(u.settingsTab)
	u.settings.onSetUp(n, func(ready app.NetworkInfo) {
		u.tabs.Select(u.accountsTab)
		u.accounts.onConnectNetwork(ready)
	})
}

// onNewPost opens the composer on day.
func (u *MainUI) onNewPost(day time.Time) {
	u.composer.startOn(day)
	u.tabs.Select(u.composeTab)
	u.Window.Canvas().Focus(u.composer.text)
}

// onOpenPost opens a post from the calendar: plans go to the composer,
// everything else to a dialog that shows what happened.
func (u *MainUI) onOpenPost(e data.CalendarEntry) {
	switch e.State {
	case data.StateDraft, data.StateScheduled:
		u.editPost(e.PostID)
	default:
		u.showPost(e)
	}
}

func (u *MainUI) editPost(id int64) { u.openInComposer(id, nil) }

// openInComposer reads post id off the UI goroutine and opens it in the
// composer; then (if set) runs once the composer's tab shows.
func (u *MainUI) openInComposer(id int64, then func()) {
	loc := u.core.Location()
	u.b.run(func() func() {
		ctx, cancel := u.b.ctx()
		defer cancel()
		p, err := u.core.Post(ctx, id)
		if err != nil {
			return func() { u.b.errorDialog(err) }
		}
		d := u.core.DraftFromPost(p, loc)
		return func() {
			u.composer.load(d)
			u.tabs.Select(u.composeTab)
			if then != nil {
				then()
			}
		}
	})
}

// onPostDone follows a scheduled, posted or deleted post to its month.
func (u *MainUI) onPostDone(p data.Post, msg string) {
	t := p.PlannedAt
	if t.IsZero() {
		t = u.now()
	}
	u.calendar.setMonth(t)
	u.tabs.Select(u.calendarTab)
	u.Refresh()
	u.flash(msg)
}

func (u *MainUI) onDraftSaved(p data.Post) {
	u.calendar.reload()
	u.flash("Draft saved.")
}

func (u *MainUI) onZoneChanged() {
	u.composer.zoneChanged()
	u.calendar.zoneChanged()
	u.Refresh()
}

// flash shows a short confirmation beside the month for a few seconds.
func (u *MainUI) flash(msg string) {
	if msg == "" {
		return
	}
	u.calendar.setStatus(msg, false)
	if u.flashTimer != nil {
		u.flashTimer.Stop()
	}
	u.flashTimer = time.AfterFunc(6*time.Second, func() {
		u.b.do(func() {
			if u.calendar.status.Text == msg {
				u.calendar.setStatus("", false)
			}
		})
	})
}

// restart hands work to main's Restart (see MainUI.Restart).
func (u *MainUI) restart(work func(dataDir string) (string, error)) {
	if u.Restart == nil {
		u.b.errorDialog(errors.New("Localpost cannot restart itself here; quit it and start it again"))
		return
	}
	u.Restart(work)
}
