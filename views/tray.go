package views

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"localpost/data"
)

// trayCore is what the tray needs from the core.
type trayCore interface {
	// Outlook is when the next post goes out and how many wait for the user.
	Outlook(ctx context.Context) (data.Outlook, error)
	// Wake asks the publisher to look for due posts now.
	Wake()
	// KeepInTray is the setting "closing the window keeps Localpost
	// running in the tray".
	KeepInTray() bool
	SetKeepInTray(on bool) error
	// TakeTrayNotice is true once per data folder: the first time the
	// window closes to the tray, the user is told.
	TakeTrayNotice() bool
}

// TrayAvailability says whether this desktop shows a system tray; Why
// says, for Settings, why not.
type TrayAvailability struct {
	OK  bool
	Why string // a clause: "this desktop shows no system tray (...)"
}

// Tray is Localpost's icon in the system tray and what closing the main
// window does: with the tray on, the window hides and publishing goes on;
// with it off, or without a tray to come back from, closing quits.
type Tray struct {
	u      *MainUI
	core   trayCore
	host   desktop.App // nil: the driver offers no tray
	avail  TrayAvailability
	quit   func()
	notify func(title, body string)

	installed bool // the icon is up (Fyne cannot take it down again)
	// menu is the one tray menu, changed in place: Fyne puts the first
	// menu it was given up again once the tray is ready, so a new menu
	// set before then would be lost.
	menu    *fyne.Menu
	status  *fyne.MenuItem // its status line
	loading bool           // an Outlook read is under way
	again   bool           // a refresh came in meanwhile
}

// NewTray puts Localpost in the system tray where avail says the desktop
// shows one and the setting is on, and takes over closing u's window. Call
// its Refresh wherever u.Refresh is called.
func NewTray(u *MainUI, a fyne.App, avail TrayAvailability) *Tray {
	host, _ := a.(desktop.App)
	return newTray(u, host, avail, a.Quit, func(title, body string) {
		a.SendNotification(fyne.NewNotification(title, body))
	})
}

func newTray(u *MainUI, host desktop.App, avail TrayAvailability, quit func(), notify func(title, body string)) *Tray {
	if host == nil && avail.OK {
		avail = TrayAvailability{Why: "this system offers Localpost no tray"}
	}
	t := &Tray{u: u, core: u.core, host: host, avail: avail, quit: quit, notify: notify}
	u.settings.setTray(avail, t.onKeepChanged)
	u.Window.SetCloseIntercept(t.onClose)
	t.install()
	return t
}

// install puts the icon up if there is a tray and the setting is on.
func (t *Tray) install() {
	if t.installed || !t.avail.OK || !t.core.KeepInTray() {
		return
	}
	t.installed = true
	t.status = fyne.NewMenuItem("Reading your calendar…", t.onStatus)
	quit := fyne.NewMenuItem("Quit", t.quit)
	quit.IsQuit = true
	t.menu = fyne.NewMenu("Localpost",
		fyne.NewMenuItem("Open Localpost", t.onOpen),
		t.status,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Publish due posts now", t.core.Wake),
		fyne.NewMenuItemSeparator(),
		quit,
	)
	t.host.SetSystemTrayMenu(t.menu)
	// A click on the icon shows the window. This sets its own close
	// intercept (hide), which ours replaces.
	t.host.SetSystemTrayWindow(t.u.Window)
	t.u.Window.SetCloseIntercept(t.onClose)
	t.Refresh()
}

// Refresh reads the status line again off the UI thread. Call it on the
// Fyne thread; calls while a read is under way make one more read.
func (t *Tray) Refresh() {
	if !t.installed {
		return
	}
	if t.loading {
		t.again = true
		return
	}
	t.loading = true
	now, loc := t.u.now(), t.u.core.Location()
	t.u.b.run(func() func() {
		ctx, cancel := t.u.b.ctx()
		defer cancel()
		o, err := t.core.Outlook(ctx)
		if err != nil {
			fyne.LogError("tray status", err)
		}
		return func() {
			t.loading = false
			t.setStatus(trayStatus(o, err, now, loc))
			if t.again {
				t.again = false
				t.Refresh()
			}
		}
	})
}

// setStatus rebuilds the menu when the status line changed; the tray
// rebuilds every item, so it is not done for nothing.
func (t *Tray) setStatus(s string) {
	if s == t.status.Label {
		return
	}
	t.status.Label = s
	t.host.SetSystemTrayMenu(t.menu)
}

func (t *Tray) onOpen() {
	t.u.Window.Show()
	t.u.Window.RequestFocus()
}

// onStatus opens the window on the calendar, where the waiting posts are.
func (t *Tray) onStatus() {
	t.u.tabs.Select(t.u.calendarTab)
	t.onOpen()
}

// onClose hides the window to the tray, or quits.
func (t *Tray) onClose() {
	if !t.installed || !t.core.KeepInTray() {
		t.quit()
		return
	}
	t.u.Window.Hide()
	t.u.b.run(func() func() {
		if !t.core.TakeTrayNotice() {
			return nil
		}
		return func() {
			t.notify("Localpost keeps running in the tray",
				"It publishes your scheduled posts on time. To stop it, choose Quit in its tray menu; "+
					"to quit when the window closes, turn this off in Settings.")
		}
	})
}

// onKeepChanged follows the setting: turned on, the icon goes up. Turned
// off, closing quits; the icon stays until then, as Fyne cannot remove it.
func (t *Tray) onKeepChanged(on bool) {
	if on {
		t.install()
	}
}

// trayStatus is the status line: what waits for the user first, else
// when the next post goes out.
func trayStatus(o data.Outlook, err error, now time.Time, loc *time.Location) string {
	switch {
	case err != nil:
		return "Could not read your posts: open Localpost"
	case o.Waiting == 1:
		return "1 post waits for you"
	case o.Waiting > 1:
		return fmt.Sprintf("%d posts wait for you", o.Waiting)
	case o.Next.IsZero():
		return "No posts scheduled"
	}
	next, now := o.Next.In(loc), now.In(loc)
	clock := next.Format("15:04")
	sameDay := func(a, b time.Time) bool {
		ay, am, ad := a.Date()
		by, bm, bd := b.Date()
		return ay == by && am == bm && ad == bd
	}
	switch {
	case sameDay(next, now):
		return "Next post: today at " + clock
	case sameDay(next, now.AddDate(0, 0, 1)):
		return "Next post: tomorrow at " + clock
	case next.Year() == now.Year():
		return "Next post: " + next.Format("Mon 2 Jan") + " at " + clock
	}
	return "Next post: " + next.Format("2 Jan 2006") + " at " + clock
}
