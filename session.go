package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	demonets "localpost/app/demo"
	"localpost/data"
	"localpost/views"
)

// session is the data folder open in the window: its lock, the core, the
// main window, the tray and the socket a second start asks to show the
// window on. Restart closes the core, lets work change the folder and
// opens it (or another one) again in a fresh window. Its fields change on
// the Fyne thread only.
type session struct {
	fa       fyne.App
	base     app.Config // DataDir and OnChange are set per opening
	title    string
	demoNets *demonets.Networks
	trayOK   views.TrayAvailability
	// defDir is the default folder, where the note of a moved folder is
	// kept; "" when the folder came from --data-dir or --demo.
	defDir string

	dir    string
	unlock func() // the lock on dir

	core     *app.App
	ui       *views.MainUI
	tray     *views.Tray
	cancel   context.CancelFunc
	stopShow func()
	bg       *sync.WaitGroup // the window's own goroutines, per opening
	closing  atomic.Bool     // refreshes are dropped while the core closes
	busy     bool            // a restart is under way
	failed   bool            // a window saying what went wrong is up: exit status 1
	// seeded is set once the demo invented its past: after "Delete
	// everything" or another restart the demo does not invent it again.
	seeded bool
}

// refresh redraws the window and the tray; on the Fyne thread.
func (s *session) refresh() {
	if s.closing.Load() {
		return
	}
	if s.ui != nil {
		s.ui.Refresh()
	}
	if s.tray != nil {
		s.tray.Refresh()
	}
}

// open opens the core on s.dir and shows its window.
func (s *session) open() error {
	cfg := s.base
	cfg.DataDir = s.dir
	cfg.OnChange = func() { fyne.Do(s.refresh) }
	core, err := app.New(cfg)
	if err != nil {
		return err
	}
	if s.demoNets != nil {
		if err := s.demoNets.Configure(core); err != nil {
			core.Close()
			return err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	bg := new(sync.WaitGroup)
	s.core, s.cancel, s.bg = core, cancel, bg
	s.closing.Store(false)
	s.ui = views.NewMainUI(s.fa, core, s.title)
	s.ui.Restart = s.Restart
	// Closing the window hides it to the system tray, publishing goes on;
	// where the desktop shows no tray, closing quits.
	s.tray = views.NewTray(s.ui, s.fa, s.trayOK)
	// Starting Localpost again on this folder brings this window up.
	w := s.ui.Window
	if stop, err := app.ListenForShow(s.dir, func() {
		fyne.Do(func() { w.Show(); w.RequestFocus() })
	}); err == nil {
		s.stopShow = stop
	} else {
		fmt.Fprintln(os.Stderr, "localpost:", err)
	}
	core.Start(ctx)
	if s.demoNets != nil && !s.seeded {
		s.seeded = true
		// An empty demo folder gets accounts on the fake networks and two
		// years of invented posts and numbers to look at, once.
		bg.Add(1)
		go func() {
			defer bg.Done()
			if err := core.SeedDemo(ctx); err != nil && ctx.Err() == nil {
				fmt.Fprintln(os.Stderr, "localpost: demo history:", err)
			}
			fyne.Do(s.refresh)
		}()
	}
	// A minute's refresh moves "today" past midnight and keeps the
	// calendar true even if a change notice was missed.
	bg.Add(1)
	go func() {
		defer bg.Done()
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fyne.Do(s.refresh)
			}
		}
	}()
	w.Show()
	return nil
}

// shut stops the publisher and the window's goroutines, then closes the
// core. It blocks until the publisher stopped: call it off the Fyne thread
// when it may take a while.
func (s *session) shut(core *app.App, cancel context.CancelFunc, bg *sync.WaitGroup, stopShow func()) error {
	s.closing.Store(true)
	cancel() // the publisher stops first
	// The window's goroutines end with ctx; one stuck in a slow disk
	// must not keep Localpost from closing.
	waited := make(chan struct{})
	go func() { bg.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		fmt.Fprintln(os.Stderr, "localpost: closing without waiting for the demo history or the refresh timer")
	}
	if stopShow != nil {
		stopShow()
	}
	return core.Close()
}

// close is shut for the end of the program.
func (s *session) close() {
	if s.core == nil {
		return
	}
	if err := s.shut(s.core, s.cancel, s.bg, s.stopShow); err != nil {
		fmt.Fprintln(os.Stderr, "localpost: closing:", err)
	}
	s.core = nil
}

// Restart is views.MainUI.Restart: it closes the core, runs work on the
// closed folder, and opens the folder work returns ("" = the same) in a
// new window, which replaces the old one. If work fails, the old folder is
// opened again and the error is shown. Call it on the Fyne thread.
func (s *session) Restart(work func(dataDir string) (newDataDir string, err error)) {
	if s.busy || s.core == nil {
		return
	}
	s.busy = true
	old := s.ui
	wait := dialog.NewCustomWithoutButtons("Please wait",
		container.NewVBox(widget.NewLabel("Localpost is closing your data to work on it…"), widget.NewProgressBarInfinite()),
		old.Window)
	wait.Show()
	core, cancel, bg, stopShow, dir, unlock := s.core, s.cancel, s.bg, s.stopShow, s.dir, s.unlock
	defDir, demo := s.defDir, s.demoNets != nil
	s.core, s.stopShow = nil, nil
	go func() {
		if err := s.shut(core, cancel, bg, stopShow); err != nil {
			fmt.Fprintln(os.Stderr, "localpost: closing:", err)
		}
		newDir, workErr := work(dir)
		var sw switched
		if workErr == nil {
			sw = switchFolder(dir, newDir, unlock, defDir, demo)
		}
		fyne.Do(func() {
			s.busy = false
			if sw.dir != "" {
				s.dir, s.unlock = sw.dir, sw.unlock
			}
			if err := s.openOrOffer(); err != nil {
				s.failWindow(err)
			} else if workErr != nil {
				dialog.ShowError(fmt.Errorf("%w. Localpost opened %s again", workErr, s.dir), s.ui.Window)
			} else if sw.err != nil {
				dialog.ShowError(sw.err, s.ui.Window)
			} else if sw.note != "" {
				dialog.ShowInformation("Your data has moved", sw.note, s.ui.Window)
			}
			wait.Hide()
			old.Window.Close() // after the new window is up: Fyne quits when none is left
		})
	}()
}

// switched is where the data is after a restart's work.
type switched struct {
	dir    string // "" = where it was
	unlock func() // the lock on dir
	note   string // for the user: how to start Localpost from now on
	err    error  // the data moved, but something around it went wrong
}

// switchFolder follows the data to newDir after a restart's work: it locks
// newDir before letting go of oldDir (whose now useless lock file goes,
// and the folder too if nothing else is left), and notes the new place in
// the default folder (defDir) for the next start; with --data-dir (defDir
// "") the user is told to use the new folder. When work returned the same
// folder, a lock file that work removed (Delete everything) is taken anew.
func switchFolder(oldDir, newDir string, unlock func(), defDir string, demo bool) switched {
	if newDir == "" || sameDir(oldDir, newDir) {
		if _, err := os.Stat(filepath.Join(oldDir, data.LockFile)); errors.Is(err, fs.ErrNotExist) {
			unlock()
			u, err := data.Lock(oldDir)
			if err != nil {
				return switched{dir: oldDir, unlock: func() {}, err: err}
			}
			return switched{dir: oldDir, unlock: u}
		}
		return switched{}
	}
	u, err := data.Lock(newDir)
	if err != nil {
		return switched{dir: newDir, unlock: func() {}, err: fmt.Errorf("your data is now in %s, but: %w", newDir, err)}
	}
	unlock()
	_ = os.Remove(filepath.Join(oldDir, data.LockFile))
	_ = os.Remove(oldDir) // only when empty
	sw := switched{dir: newDir, unlock: u}
	switch {
	case demo:
	case defDir != "":
		if err := app.RecordLocation(defDir, newDir); err != nil {
			sw.err = fmt.Errorf("your data is now in %s, but Localpost could not note it for the next start (%w); "+
				"start Localpost with --data-dir %s", newDir, err, newDir)
		}
	default:
		sw.note = fmt.Sprintf("Your data is now in %s. Start Localpost with --data-dir %s from now on.", newDir, newDir)
	}
	return sw
}

func sameDir(a, b string) bool {
	a, errA := filepath.Abs(a)
	b, errB := filepath.Abs(b)
	return errA == nil && errB == nil && filepath.Clean(a) == filepath.Clean(b)
}

// openOrOffer opens s.dir; a damaged database with a sound backup beside
// it brings up the window offering that backup instead (and no error).
func (s *session) openOrOffer() error {
	err := s.open()
	if err == nil {
		return nil
	}
	if b, ok := damagedOffer(err, s.dir); ok {
		s.damagedWindow(err, b)
		return nil
	}
	return err
}

// damagedOffer is the backup to offer when opening dir failed with err:
// only for a damaged database, and only a sound backup.
func damagedOffer(err error, dir string) (app.Backup, bool) {
	if !errors.Is(err, data.ErrNotDatabase) {
		return app.Backup{}, false
	}
	return app.LatestBackup(dir)
}

// damagedWindow says the database is damaged, names the file and offers
// to restore the backup b (the damaged file is moved aside, never
// overwritten) or to quit.
func (s *session) damagedWindow(cause error, b app.Backup) {
	fmt.Fprintln(os.Stderr, "localpost:", cause)
	w := s.fa.NewWindow("Localpost — damaged data")
	msg := widget.NewLabel(fmt.Sprintf("%v\n\nThe newest backup is from %s. Restoring it brings back your data as it was then; "+
		"the damaged file is kept in %s.", cause, b.At.Local().Format("Monday 2 January 2006, 15:04"),
		filepath.Join(s.dir, data.ReplacedDir)))
	msg.Wrapping = fyne.TextWrapWord
	status := widget.NewLabel("")
	status.Wrapping = fyne.TextWrapWord
	var restore *widget.Button
	restore = widget.NewButton("Restore the backup of "+b.At.Local().Format("2 Jan 2006 15:04"), func() {
		restore.Disable()
		status.SetText("Restoring…")
		go func() {
			err := app.RestoreBackup(s.dir, b.Name)
			fyne.Do(func() {
				if err == nil {
					err = s.open()
				}
				if err != nil {
					fmt.Fprintln(os.Stderr, "localpost:", err)
					status.SetText(err.Error())
					restore.Enable()
					return
				}
				w.Close()
			})
		}()
	})
	restore.Importance = widget.HighImportance
	w.SetContent(container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), widget.NewButton("Quit", s.fa.Quit), restore), nil, nil,
		container.NewVScroll(container.NewVBox(
			widget.NewLabelWithStyle("Your Localpost database is damaged", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			msg, status))))
	w.Resize(fyne.NewSize(560, 280))
	w.Show()
}

// failWindow shows an error that stops Localpost in a small window with
// Quit; the exit status becomes 1.
func (s *session) failWindow(err error) {
	fmt.Fprintln(os.Stderr, "localpost:", err)
	s.failed = true
	w := s.fa.NewWindow("Localpost — cannot start")
	msg := widget.NewLabel(err.Error())
	msg.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), widget.NewButton("Quit", s.fa.Quit)), nil, nil,
		container.NewVBox(widget.NewLabelWithStyle("Localpost could not start", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), msg)))
	w.Resize(fyne.NewSize(520, 200))
	w.Show()
}
