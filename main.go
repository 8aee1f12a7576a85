// Command localpost is a local-first desktop social media planner. This
// file only reads the flags and wires the core (app/) to the window (views/).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	_ "time/tzdata" // IANA zones on machines without them (Windows)

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
	"github.com/pkg/browser"

	"localpost/app"
	demonets "localpost/app/demo"
	"localpost/data"
	"localpost/resources"
	"localpost/views"
)

// appID must match the ID in FyneApp.toml.
const appID = "app.localpost.desktop"

func main() {
	dataDir := flag.String("data-dir", "", "folder holding localpost.db and media (default: the user's config folder/Localpost)")
	demo := flag.Bool("demo", false, "try Localpost on throwaway data against a local fake Mastodon server")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: localpost [--data-dir DIR] [--demo]\n       localpost [--data-dir DIR] publish-due   (publish what is due, then exit: for cron, launchd, Task Scheduler)\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	switch {
	case flag.NArg() == 1 && flag.Arg(0) == "publish-due":
		os.Exit(publishDue(*dataDir))
	case flag.NArg() > 0:
		fmt.Fprintf(os.Stderr, "localpost: unexpected argument %q\n", flag.Arg(0))
		flag.Usage()
		os.Exit(2)
	}
	os.Exit(run(*dataDir, *demo))
}

// defaultDataDir is the user's config folder/Localpost.
func defaultDataDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no folder for Localpost's data (%w); start it with --data-dir DIR", err)
	}
	return filepath.Join(dir, "Localpost"), nil
}

// publishDue publishes what is due without a window and exits. Where the
// app runs on the folder, it publishes itself and this does nothing.
func publishDue(dataDir string) int {
	if dataDir == "" {
		_, dir, err := resolveDataDir()
		if err != nil {
			fmt.Fprintln(os.Stderr, "localpost:", err)
			return 1
		}
		dataDir = dir
	}
	unlock, err := data.Lock(dataDir)
	if errors.Is(err, data.ErrLocked) {
		fmt.Println("localpost: the Localpost window is open on this folder and publishes itself")
		return 0
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "localpost:", err)
		return 1
	}
	defer unlock()
	core, err := app.New(app.Config{DataDir: dataDir, Secrets: data.Keyring()})
	if err != nil {
		fmt.Fprintln(os.Stderr, "localpost:", err)
		return 1
	}
	defer core.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sum, err := core.PublishDue(ctx)
	fmt.Println("localpost:", sum)
	if err != nil {
		fmt.Fprintln(os.Stderr, "localpost:", err)
		return 1
	}
	return 0
}

func run(dataDir string, demo bool) int {
	fyneApp := fyneapp.NewWithID(appID)
	fyneApp.SetIcon(resources.Icon)

	// SIGINT/SIGTERM end the app as closing the window does, so the data is
	// closed properly and the exit status is 0 (the smoke test relies on it;
	// Fyne's desktop driver does the same, other drivers may not).
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() { <-sigs; fyne.Do(fyneApp.Quit) }()

	s := &session{fa: fyneApp, title: "Localpost", base: app.Config{Secrets: data.Keyring()}}
	if demo {
		s.title = "Localpost — Demo"
		s.base.Demo, s.base.Secrets = true, data.MemorySecrets() // demo tokens are throwaway
		s.base.HTTP = app.NewHTTPClient()
		nets, err := demonets.Start(s.base.HTTP) // every network's fake, on 127.0.0.1
		if err != nil {
			return fail(fyneApp, err)
		}
		defer nets.Close()
		s.demoNets = nets
		s.base.DemoServer, s.base.Providers = nets.Mastodon.URL, nets.Providers
		// The real path is the system browser; where there is none, the
		// demo plays the user pressing Authorize on the fake's page.
		s.base.OpenURL = func(u string) error {
			if err := browser.OpenURL(u); err != nil {
				return nets.Approve(u)
			}
			return nil
		}
		if dataDir == "" { // a folder given with --data-dir is the user's: kept
			tmp, err := os.MkdirTemp("", "localpost-demo-")
			if err != nil {
				return fail(fyneApp, err)
			}
			defer os.RemoveAll(tmp)
			dataDir = tmp
		}
	}
	if dataDir == "" {
		def, dir, err := resolveDataDir()
		if err != nil {
			return fail(fyneApp, err)
		}
		s.defDir, dataDir = def, dir
	}
	s.dir = dataDir
	unlock, err := data.Lock(dataDir) // one Localpost per data folder
	if errors.Is(err, data.ErrLocked) && app.AskToShow(dataDir) == nil {
		// The running one (perhaps hidden in the tray) shows its window.
		fmt.Println("localpost: already running on this data folder; its window is shown")
		return 0
	}
	if err != nil {
		return fail(fyneApp, err)
	}
	s.unlock = unlock
	defer func() { s.unlock() }() // a restart may have moved it to another folder
	s.base.Notify = func(title, body string) {
		fyne.Do(func() { fyneApp.SendNotification(fyne.NewNotification(title, body)) })
	}
	s.trayOK = views.SystemTray()

	// A damaged database brings up a window offering the newest backup.
	if err := s.openOrOffer(); err != nil {
		return fail(fyneApp, err)
	}
	fyneApp.Run()
	s.close()
	if s.failed {
		return 1
	}
	return 0
}

// resolveDataDir is the default folder and where the data is: there, or
// where it was moved to (app.ResolveDataDir).
func resolveDataDir() (def, dir string, err error) {
	def, err = defaultDataDir()
	if err != nil {
		return "", "", err
	}
	dir, err = app.ResolveDataDir(def)
	return def, dir, err
}

// fail reports an error that stops Localpost from starting on stderr and in
// a small window, and returns the exit status once the user closed it.
func fail(a fyne.App, err error) int {
	fmt.Fprintln(os.Stderr, "localpost:", err)
	w := a.NewWindow("Localpost — cannot start")
	msg := widget.NewLabel(err.Error())
	msg.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), widget.NewButton("Quit", a.Quit)), nil, nil,
		container.NewVBox(widget.NewLabelWithStyle("Localpost could not start", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), msg)))
	w.Resize(fyne.NewSize(520, 200))
	w.ShowAndRun()
	return 1
}
