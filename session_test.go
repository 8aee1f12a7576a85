package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"localpost/app"
	"localpost/data"
)

// lockedBy reports whether dir's lock is held (by this process or another).
func lockedBy(t *testing.T, dir string) bool {
	t.Helper()
	u, err := data.Lock(dir)
	if errors.Is(err, data.ErrLocked) {
		return true
	}
	if err != nil {
		t.Fatal(err)
	}
	u()
	return false
}

func TestSwitchFolderMovesTheLockAndNotesTheNewPlace(t *testing.T) {
	def := t.TempDir() // the default folder, where the data was
	unlock, err := data.Lock(def)
	if err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "moved")
	if err := os.Mkdir(to, 0o700); err != nil {
		t.Fatal(err)
	}
	sw := switchFolder(def, to, unlock, def, false)
	if sw.err != nil || sw.dir != to {
		t.Fatalf("switchFolder = %+v", sw)
	}
	defer sw.unlock()
	if !lockedBy(t, to) {
		t.Error("the new folder is not locked")
	}
	if lockedBy(t, def) {
		t.Error("the old folder is still locked")
	}
	if dir, err := app.ResolveDataDir(def); err != nil || dir != to {
		t.Errorf("the next start opens %s (%v), want %s", dir, err, to)
	}

	// With --data-dir nothing is noted; the user is told instead.
	other := t.TempDir()
	sw2 := switchFolder(to, other, sw.unlock, "", false)
	if sw2.err != nil || sw2.dir != other || sw2.note == "" {
		t.Fatalf("switchFolder with --data-dir = %+v, want a note", sw2)
	}
	sw.unlock = sw2.unlock
	if _, err := os.Stat(to); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the emptied old folder is still there (%v)", err)
	}
	if b, _ := os.ReadFile(filepath.Join(def, app.LocationFile)); string(b) != to+"\n" {
		t.Errorf("with --data-dir the note changed to %q", b)
	}
}

func TestSwitchFolderSameFolderRetakesARemovedLock(t *testing.T) {
	dir := t.TempDir()
	unlock, err := data.Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if sw := switchFolder(dir, "", unlock, "", false); sw.dir != "" || sw.err != nil {
		t.Errorf("same folder, lock in place: %+v, want no change", sw)
	}
	// Delete everything took the lock file with it.
	if err := os.Remove(filepath.Join(dir, data.LockFile)); err != nil {
		t.Fatal(err)
	}
	sw := switchFolder(dir, dir, unlock, "", false)
	if sw.err != nil || sw.dir != dir {
		t.Fatalf("switchFolder after the lock file went = %+v", sw)
	}
	defer sw.unlock()
	if !lockedBy(t, dir) {
		t.Error("the folder is not locked again")
	}
}

func TestSwitchFolderRefusesAFolderInUse(t *testing.T) {
	dir, busy := t.TempDir(), t.TempDir()
	unlock, err := data.Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	other, err := data.Lock(busy) // another Localpost runs there
	if err != nil {
		t.Fatal(err)
	}
	defer other()
	if sw := switchFolder(dir, busy, unlock, "", false); !errors.Is(sw.err, data.ErrLocked) {
		t.Errorf("switching to a folder in use: %+v, want ErrLocked", sw)
	}
	if !lockedBy(t, dir) {
		t.Error("the old folder's lock was let go")
	}
}

func TestDamagedOfferAndRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	core, err := app.New(app.Config{DataDir: dir, Secrets: data.MemorySecrets()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := core.BackupNow(ctx); err != nil {
		t.Fatal(err)
	}
	if err := core.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := damagedOffer(errors.New("disk full"), dir); ok {
		t.Error("a backup offered for an error that is not a damaged database")
	}
	if err := os.WriteFile(filepath.Join(dir, data.DBFile), []byte("garbage garbage garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = app.New(app.Config{DataDir: dir, Secrets: data.MemorySecrets()})
	b, ok := damagedOffer(err, dir)
	if !ok {
		t.Fatalf("no backup offered for %v", err)
	}
	if err := app.RestoreBackup(dir, b.Name); err != nil {
		t.Fatal(err)
	}
	core, err = app.New(app.Config{DataDir: dir, Secrets: data.MemorySecrets()})
	if err != nil {
		t.Fatalf("after the restore: %v", err)
	}
	core.Close()
}
