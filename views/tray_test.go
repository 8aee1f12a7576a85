package views

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"localpost/data"
)

// fakeTrayHost is the desktop driver's tray: it keeps the menus it is
// given and, like Fyne's, makes the tray window hide on close.
type fakeTrayHost struct {
	menus  []*fyne.Menu
	window fyne.Window
}

var _ desktop.App = (*fakeTrayHost)(nil)

func (h *fakeTrayHost) SetSystemTrayMenu(m *fyne.Menu)  { h.menus = append(h.menus, m) }
func (h *fakeTrayHost) SetSystemTrayIcon(fyne.Resource) {}
func (h *fakeTrayHost) SetSystemTrayWindow(w fyne.Window) {
	h.window = w
	w.SetCloseIntercept(w.Hide)
}

func (h *fakeTrayHost) menu(t *testing.T) *fyne.Menu {
	t.Helper()
	if len(h.menus) == 0 {
		t.Fatal("no tray menu was set")
	}
	return h.menus[len(h.menus)-1]
}

// trayWindow records what the tray does to the window; close is the
// user pressing the window's close button.
type trayWindow struct {
	fyne.Window
	intercept func()
	hidden    bool
	hides     int
}

func (w *trayWindow) SetCloseIntercept(f func()) { w.intercept = f; w.Window.SetCloseIntercept(f) }
func (w *trayWindow) Hide()                      { w.hidden = true; w.hides++; w.Window.Hide() }
func (w *trayWindow) Show()                      { w.hidden = false; w.Window.Show() }

func (w *trayWindow) close(t *testing.T) {
	t.Helper()
	if w.intercept == nil {
		t.Fatal("closing the window is not intercepted: it would quit whatever the setting")
	}
	w.intercept()
}

type trayRig struct {
	u     *MainUI
	fc    *fakeCore
	host  *fakeTrayHost
	win   *trayWindow
	tray  *Tray
	quits int
	notes []string
}

// newTrayRig builds the main window with a tray on host (nil: the driver
// has none) where avail says the desktop shows one.
func newTrayRig(t *testing.T, fc *fakeCore, host *fakeTrayHost, avail TrayAvailability) *trayRig {
	t.Helper()
	u := newTestUI(t, fc, fixedNow(fc.loc))
	r := &trayRig{u: u, fc: fc, host: host, win: &trayWindow{Window: u.Window}}
	u.Window = r.win
	var h desktop.App
	if host != nil {
		h = host
	}
	r.tray = newTray(u, h, avail, func() { r.quits++ }, func(title, body string) {
		r.notes = append(r.notes, title+": "+body)
	})
	u.b.wait()
	return r
}

func menuLabels(m *fyne.Menu) []string {
	var out []string
	for _, it := range m.Items {
		if it.IsSeparator {
			out = append(out, "---")
			continue
		}
		out = append(out, it.Label)
	}
	return out
}

func menuItem(t *testing.T, m *fyne.Menu, label string) *fyne.MenuItem {
	t.Helper()
	for _, it := range m.Items {
		if it.Label == label {
			return it
		}
	}
	t.Fatalf("tray menu %q has no %q", menuLabels(m), label)
	return nil
}

func TestTrayMenu(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.outlook = data.Outlook{Next: time.Date(2026, 7, 15, 14, 30, 0, 0, loc).UTC()}
	r := newTrayRig(t, fc, &fakeTrayHost{}, TrayAvailability{OK: true})

	m := r.host.menu(t)
	want := "Open Localpost|Next post: today at 14:30|---|Publish due posts now|---|Quit"
	if got := strings.Join(menuLabels(m), "|"); got != want {
		t.Fatalf("tray menu = %s, want %s", got, want)
	}
	if r.host.window != r.u.Window {
		t.Error("the tray icon does not show the main window on a click")
	}

	menuItem(t, m, "Publish due posts now").Action()
	fc.mu.Lock()
	woken := fc.woken
	fc.mu.Unlock()
	if woken != 1 {
		t.Errorf("Publish due posts now woke the publisher %d times, want 1", woken)
	}

	quit := menuItem(t, m, "Quit")
	if !quit.IsQuit {
		t.Error("Quit is not marked as the quit item")
	}
	quit.Action()
	if r.quits != 1 {
		t.Errorf("Quit quit %d times", r.quits)
	}

	// Posts waiting for the user come first; the status opens the
	// calendar, where they are.
	fc.mu.Lock()
	fc.outlook.Waiting = 3
	fc.mu.Unlock()
	r.tray.Refresh()
	r.u.b.wait()
	m = r.host.menu(t)
	if got := m.Items[1].Label; got != "3 posts wait for you" {
		t.Fatalf("status = %q after 3 posts started waiting", got)
	}
	r.u.tabs.Select(r.u.settingsTab)
	r.win.close(t)
	if !r.win.hidden {
		t.Fatal("the window did not hide")
	}
	m.Items[1].Action()
	if r.win.hidden || r.u.tabs.Selected() != r.u.calendarTab {
		t.Errorf("the status line left the window hidden=%v on tab %q; want it shown on the calendar",
			r.win.hidden, r.u.tabs.Selected().Text)
	}

	// One menu, changed in place (Fyne shows the first menu it was
	// given again once the tray is ready).
	for _, other := range r.host.menus {
		if other != m {
			t.Fatal("the tray was given a second menu; it may lose it to the first")
		}
	}
	// An unchanged status does not rebuild the menu.
	n := len(r.host.menus)
	r.tray.Refresh()
	r.u.b.wait()
	if len(r.host.menus) != n {
		t.Errorf("an unchanged status set the tray menu again (%d times)", len(r.host.menus)-n)
	}
}

func TestTrayRefreshesCoalesce(t *testing.T) {
	fc := newFakeCore(berlin(t))
	r := newTrayRig(t, fc, &fakeTrayHost{}, TrayAvailability{OK: true})
	fc.mu.Lock()
	before := fc.outlooks
	fc.mu.Unlock()
	for range 5 {
		r.tray.Refresh()
	}
	r.u.b.wait()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if got := fc.outlooks - before; got != 2 {
		t.Errorf("5 refreshes in a row read the outlook %d times, want 2 (one, then one for the rest)", got)
	}
}

func TestTrayStatusLine(t *testing.T) {
	loc := berlin(t)
	now := fixedNow(loc) // Wednesday 15 July 2026, 10:00
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, loc).UTC() }
	for _, c := range []struct {
		o    data.Outlook
		err  error
		want string
	}{
		{data.Outlook{}, nil, "No posts scheduled"},
		{data.Outlook{Next: at(time.July, 15, 23, 59)}, nil, "Next post: today at 23:59"},
		{data.Outlook{Next: at(time.July, 16, 0, 0)}, nil, "Next post: tomorrow at 00:00"},
		{data.Outlook{Next: at(time.July, 17, 9, 5)}, nil, "Next post: Fri 17 Jul at 09:05"},
		{data.Outlook{Next: time.Date(2027, 1, 4, 8, 0, 0, 0, loc)}, nil, "Next post: 4 Jan 2027 at 08:00"},
		{data.Outlook{Next: at(time.July, 16, 9, 0), Waiting: 1}, nil, "1 post waits for you"},
		{data.Outlook{Waiting: 12}, nil, "12 posts wait for you"},
		{data.Outlook{}, errors.New("disk gone"), "Could not read your posts: open Localpost"},
	} {
		if got := trayStatus(c.o, c.err, now, loc); got != c.want {
			t.Errorf("trayStatus(%+v, %v) = %q, want %q", c.o, c.err, got, c.want)
		}
	}
}

func TestCloseHidesToTrayAndKeepsRunning(t *testing.T) {
	r := newTrayRig(t, newFakeCore(berlin(t)), &fakeTrayHost{}, TrayAvailability{OK: true})
	if !r.u.settings.trayCard.Visible() || r.u.settings.keepTray.Disabled() || !r.u.settings.keepTray.Checked {
		t.Fatal("Settings does not offer the tray setting, on")
	}

	r.win.close(t)
	r.u.b.wait()
	if !r.win.hidden || r.quits != 0 {
		t.Fatalf("after closing: hidden=%v, quit %d times; want hidden and running", r.win.hidden, r.quits)
	}
	if len(r.notes) != 1 || !strings.Contains(r.notes[0], "keeps running in the tray") {
		t.Fatalf("notifications after the first close = %q", r.notes)
	}

	// Back from the tray and closed again: hidden again, told only once.
	menuItem(t, r.host.menu(t), "Open Localpost").Action()
	if r.win.hidden {
		t.Fatal("Open Localpost left the window hidden")
	}
	r.win.close(t)
	r.u.b.wait()
	if !r.win.hidden || r.quits != 0 || len(r.notes) != 1 {
		t.Fatalf("second close: hidden=%v quits=%d notes=%q", r.win.hidden, r.quits, r.notes)
	}
}

func TestCloseQuitsWhenTrayTurnedOff(t *testing.T) {
	fc := newFakeCore(berlin(t))
	r := newTrayRig(t, fc, &fakeTrayHost{}, TrayAvailability{OK: true})
	r.u.settings.keepTray.SetChecked(false)
	r.u.b.wait()
	fc.mu.Lock()
	set := append([]bool(nil), fc.keepSet...)
	fc.mu.Unlock()
	if len(set) != 1 || set[0] {
		t.Fatalf("SetKeepInTray calls = %v, want [false]", set)
	}
	r.win.close(t)
	r.u.b.wait()
	if r.quits != 1 || r.win.hidden || len(r.notes) != 0 {
		t.Fatalf("close with the tray off: quits=%d hidden=%v notes=%q; want a plain quit", r.quits, r.win.hidden, r.notes)
	}
}

func TestTrayTurnedOnLater(t *testing.T) {
	fc := newFakeCore(berlin(t))
	fc.trayOff = true
	host := &fakeTrayHost{}
	r := newTrayRig(t, fc, host, TrayAvailability{OK: true})
	if len(host.menus) != 0 {
		t.Fatal("the tray icon went up with the setting off")
	}
	if r.u.settings.keepTray.Checked || r.u.settings.keepTray.Disabled() {
		t.Fatal("Settings does not show the tray setting off and changeable")
	}
	r.win.close(t)
	if r.quits != 1 {
		t.Fatalf("close with the setting off quit %d times", r.quits)
	}

	r.u.settings.keepTray.SetChecked(true)
	r.u.b.wait()
	if len(host.menus) == 0 {
		t.Fatal("turning the setting on put no icon in the tray")
	}
	r.win.close(t)
	if !r.win.hidden || r.quits != 1 {
		t.Fatalf("close after turning it on: hidden=%v quits=%d", r.win.hidden, r.quits)
	}
}

func TestNoTrayCloseQuits(t *testing.T) {
	for _, c := range []struct {
		name  string
		host  *fakeTrayHost
		avail TrayAvailability
		why   string
	}{
		{"no tray host on the desktop", &fakeTrayHost{}, TrayAvailability{Why: "this desktop shows no tray icons"}, "this desktop shows no tray icons"},
		{"driver without a tray", nil, TrayAvailability{OK: true}, "offers Localpost no tray"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newTrayRig(t, newFakeCore(berlin(t)), c.host, c.avail)
			if c.host != nil && len(c.host.menus) != 0 {
				t.Error("a tray menu was set on a desktop without a tray")
			}
			s := r.u.settings
			if !s.trayCard.Visible() || !s.keepTray.Disabled() || s.keepTray.Checked {
				t.Error("Settings offers the tray setting though there is no tray")
			}
			if !strings.Contains(s.trayNote.Text, c.why) || !strings.Contains(s.trayNote.Text, "Closing the window quits Localpost") {
				t.Errorf("Settings says %q; want why (%q) and what closing does", s.trayNote.Text, c.why)
			}
			r.win.close(t)
			r.u.b.wait()
			if r.quits != 1 || r.win.hidden {
				t.Fatalf("close without a tray: quits=%d hidden=%v; want a plain quit", r.quits, r.win.hidden)
			}
		})
	}
}
