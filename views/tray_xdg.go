//go:build linux || freebsd || netbsd || openbsd

package views

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/godbus/dbus/v5"
)

// trayWatcher is the D-Bus name of the StatusNotifierItem host, the part
// of a desktop that shows tray icons; Fyne's tray registers with it.
const trayWatcher = "org.kde.StatusNotifierWatcher"

// SystemTray reports whether this desktop shows tray icons: whether a
// StatusNotifierItem host owns its name on the session bus. Without one
// (a bare X server, GNOME without the AppIndicator extension) an icon
// would go nowhere, and a window hidden to the tray could not come back.
func SystemTray() TrayAvailability {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	ok, err := trayHostOnBus(ctx)
	switch {
	case err != nil: // the usual case without a desktop session: not worth a log line
		return TrayAvailability{Why: "no D-Bus session bus was found, so no tray icon can be shown"}
	case !ok:
		return TrayAvailability{Why: "this desktop shows no tray icons (no StatusNotifierItem host on the session bus; " +
			"on GNOME the AppIndicator extension adds one)"}
	}
	return TrayAvailability{OK: true}
}

// trayHostOnBus asks the session bus whether trayWatcher has an owner. It
// never starts a bus (dbus-launch) where there is none.
func trayHostOnBus(ctx context.Context) (bool, error) {
	type answer struct {
		ok  bool
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		ok, err := askBus(ctx)
		ch <- answer{ok, err}
	}()
	select {
	case a := <-ch:
		return a.ok, a.err
	case <-ctx.Done():
		// A bus that does not answer the handshake: the goroutine ends
		// when the connection gives up.
		return false, errors.New("the session bus did not answer")
	}
}

func askBus(ctx context.Context) (bool, error) {
	conn, err := dbus.SessionBusPrivateNoAutoStartup(dbus.WithContext(ctx))
	if err != nil {
		return false, fmt.Errorf("session bus: %w", err)
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		return false, fmt.Errorf("session bus: %w", err)
	}
	if err := conn.Hello(); err != nil {
		return false, fmt.Errorf("session bus: %w", err)
	}
	var has bool
	if err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, trayWatcher).Store(&has); err != nil {
		return false, fmt.Errorf("session bus: %w", err)
	}
	return has, nil
}
