//go:build !linux && !freebsd && !netbsd && !openbsd

package views

// SystemTray reports that the desktop shows tray icons: Windows and macOS
// always have a notification area or menu bar.
func SystemTray() TrayAvailability { return TrayAvailability{OK: true} }
