package app

import (
	"context"

	"localpost/data"
)

// Setting keys of the tray, with their defaults in the accessors below.
const (
	settingKeepInTray  = "keep_in_tray"      // "0" = closing the window quits
	settingTrayNoticed = "tray_notice_shown" // "1" once the user was told
)

// KeepInTray reports whether closing the window leaves Localpost running
// in the system tray, publishing (default on).
func (a *App) KeepInTray() bool {
	return a.Store.Setting(context.Background(), settingKeepInTray, "1") != "0"
}

// SetKeepInTray changes it.
func (a *App) SetKeepInTray(on bool) error {
	v := "0"
	if on {
		v = "1"
	}
	return a.Store.SetSetting(context.Background(), settingKeepInTray, v)
}

// TakeTrayNotice reports whether the user has not yet been told that
// closing the window keeps Localpost in the tray, and records that they
// now are: it is true once per data folder.
func (a *App) TakeTrayNotice() bool {
	ctx := context.Background()
	if a.Store.Setting(ctx, settingTrayNoticed, "") == "1" {
		return false
	}
	// Should the write fail, the notice comes again next time: better
	// twice than never.
	_ = a.Store.SetSetting(ctx, settingTrayNoticed, "1")
	return true
}

// Outlook is when the next post goes out and how many posts wait for the
// user (missed, uncertain, or due on an account to reconnect).
func (a *App) Outlook(ctx context.Context) (data.Outlook, error) {
	return a.Store.Outlook(ctx, a.now())
}
