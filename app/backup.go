package app

import (
	"context"
	"fmt"
	"time"

	"localpost/data"
)

// Backup is one copy of the database in the data folder's backups/.
type Backup = data.Backup

// backupEvery is how old the newest backup may be before Start makes one.
const backupEvery = 24 * time.Hour

// Backups lists the backups in <data>/backups/, newest first.
func (a *App) Backups(ctx context.Context) ([]Backup, error) {
	return data.Backups(a.cfg.DataDir)
}

// BackupNow copies the database with VACUUM INTO to <data>/backups/, named
// after the App's clock, and keeps the newest data.KeepBackups copies.
func (a *App) BackupNow(ctx context.Context) (Backup, error) {
	a.backupMu.Lock()
	defer a.backupMu.Unlock()
	return a.Store.Backup(ctx, a.now())
}

// dailyBackup makes a backup when the newest is 24 hours old or more (or
// dated in the future: the clock was changed); made is false when the
// newest was recent enough.
func (a *App) dailyBackup(ctx context.Context) (made bool, err error) {
	bs, err := a.Backups(ctx)
	if err != nil {
		return false, err
	}
	if len(bs) > 0 {
		if age := a.now().Sub(bs[0].At); age >= 0 && age < backupEvery {
			return false, nil
		}
	}
	if _, err := a.BackupNow(ctx); err != nil {
		return false, err
	}
	return true, nil
}

// housekeep runs once on Start, in the background: the daily backup, then
// the retention settings (so what retention deletes is in the backup).
// Failures reach the user as a notification; publishing is not held up.
func (a *App) housekeep(ctx context.Context) {
	if _, err := a.dailyBackup(ctx); err != nil && ctx.Err() == nil {
		a.notify("Localpost could not back up your data",
			fmt.Sprintf("%v. Check that the disk has free space; Localpost tries again at the next start.", err))
	}
	p, err := a.ApplyRetention(ctx)
	if err != nil && ctx.Err() == nil {
		a.notify("Localpost could not delete old data",
			fmt.Sprintf("%v. Your retention setting is applied again at the next start.", err))
	}
	if p.Readings > 0 || p.Posts > 0 {
		a.changed()
	}
}

// RestoreBackup puts the backup named name (from Backups) back as dataDir's
// database. The store must be closed (see views.MainUI.Restart). The
// database it replaces, with its -wal and -shm files, is moved to
// <data>/replaced/<time>/ and never deleted; a damaged backup is refused.
func RestoreBackup(dataDir, name string) error {
	return data.RestoreBackup(dataDir, name, time.Now())
}

// LatestBackup is the newest sound backup in dataDir, for the window
// shown when the database is damaged at start.
func LatestBackup(dataDir string) (Backup, bool) {
	return data.LatestBackup(dataDir)
}
