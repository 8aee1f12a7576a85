package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// BackupsDir is the folder inside the data folder that holds the copies of
// the database made by Backup.
const BackupsDir = "backups"

// ReplacedDir is the folder inside the data folder where a restore puts the
// database files it replaced, one folder per restore. Nothing deletes them.
const ReplacedDir = "replaced"

// KeepBackups is how many backups Backup keeps; older ones are removed.
const KeepBackups = 7

// Backup is one copy of the database in BackupsDir.
type Backup struct {
	Name string    // file name inside BackupsDir
	Path string    // full path
	At   time.Time // when it was taken (from the name), UTC
	Size int64     // bytes
}

const (
	backupPrefix = "localpost-"
	backupSuffix = ".db"
	backupLayout = "20060102-150405"
)

// Backup copies the database with VACUUM INTO to BackupsDir, naming the copy
// after at, and then keeps only the newest KeepBackups copies. A copy that
// fails half way never appears under a backup's name.
func (s *Store) Backup(ctx context.Context, at time.Time) (Backup, error) {
	dir := filepath.Join(s.Dir, BackupsDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Backup{}, fmt.Errorf("back up: %w", err)
	}
	name := freeBackupName(dir, at)
	path := filepath.Join(dir, name)
	tmp := path + ".part"
	_ = os.Remove(tmp) // left by a crash during an earlier copy
	if err := vacuumInto(ctx, s.path, tmp); err != nil {
		_ = os.Remove(tmp)
		return Backup{}, fmt.Errorf("back up %s: %w", s.path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return Backup{}, fmt.Errorf("back up %s: %w", s.path, err)
	}
	// The one just made stays even when the others are dated later (the
	// clock was put back).
	bs, err := Backups(s.Dir)
	if err != nil {
		return Backup{}, err
	}
	var errs []error
	kept := 1
	for _, b := range bs {
		if b.Name == name {
			continue
		}
		if kept++; kept > KeepBackups {
			if err := os.Remove(b.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("remove old backup: %w", err))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Backup{}, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return Backup{}, fmt.Errorf("back up: %w", err)
	}
	return Backup{Name: name, Path: path, At: at.UTC().Truncate(time.Second), Size: st.Size()}, nil
}

// vacuumInto writes a clean, consistent copy of the database at src to dst
// through a connection of its own: in WAL mode it reads a snapshot and
// does not hold up the store's writer.
func vacuumInto(ctx context.Context, src, dst string) error {
	db, err := sql.Open("sqlite", dsn(src, "_pragma=busy_timeout(5000)"))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	_, err = db.ExecContext(ctx, `VACUUM INTO ?`, dst)
	return err
}

// freeBackupName is the name for a backup taken at at; a second one in the
// same second gets a counter.
func freeBackupName(dir string, at time.Time) string {
	base := backupPrefix + at.UTC().Format(backupLayout)
	name := base + backupSuffix
	for i := 2; ; i++ {
		if _, err := os.Lstat(filepath.Join(dir, name)); errors.Is(err, fs.ErrNotExist) {
			return name
		}
		name = base + "-" + strconv.Itoa(i) + backupSuffix
	}
}

// parseBackupName reads the instant (and same-second counter) from a
// backup's name; ok is false for any other file.
func parseBackupName(name string) (at time.Time, n int, ok bool) {
	rest, found := strings.CutPrefix(name, backupPrefix)
	if !found {
		return time.Time{}, 0, false
	}
	rest, found = strings.CutSuffix(rest, backupSuffix)
	if !found || len(rest) < len(backupLayout) {
		return time.Time{}, 0, false
	}
	at, err := time.Parse(backupLayout, rest[:len(backupLayout)])
	if err != nil {
		return time.Time{}, 0, false
	}
	n = 1
	if c := rest[len(backupLayout):]; c != "" {
		v, err := strconv.Atoi(strings.TrimPrefix(c, "-"))
		if !strings.HasPrefix(c, "-") || err != nil || v < 2 {
			return time.Time{}, 0, false
		}
		n = v
	}
	return at.UTC(), n, true
}

// Backups lists the backups in dataDir's BackupsDir, newest first. A folder
// without backups gives none and no error.
func Backups(dataDir string) ([]Backup, error) {
	dir := filepath.Join(dataDir, BackupsDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	type item struct {
		b Backup
		n int
	}
	var items []item
	for _, e := range entries {
		at, n, ok := parseBackupName(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		items = append(items, item{Backup{Name: e.Name(), Path: filepath.Join(dir, e.Name()), At: at, Size: info.Size()}, n})
	}
	sort.Slice(items, func(i, j int) bool {
		if !items[i].b.At.Equal(items[j].b.At) {
			return items[i].b.At.After(items[j].b.At)
		}
		return items[i].n > items[j].n
	})
	bs := make([]Backup, len(items))
	for i, it := range items {
		bs[i] = it.b
	}
	return bs, nil
}

// PruneBackups removes all but the newest keep backups.
func PruneBackups(dataDir string, keep int) error {
	bs, err := Backups(dataDir)
	if err != nil {
		return err
	}
	var errs []error
	for i := keep; i < len(bs); i++ {
		if err := os.Remove(bs[i].Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove old backup: %w", err))
		}
	}
	return errors.Join(errs...)
}

// CheckDatabase reads the database file at path and reports an error
// wrapping ErrNotDatabase if it is damaged (PRAGMA quick_check) or not
// Localpost's. It changes nothing.
func CheckDatabase(path string) error {
	existing, err := checkFile(path)
	if err != nil {
		return err
	}
	if !existing {
		return notDatabase(path, "it is empty or missing")
	}
	return nil
}

// LatestBackup is the newest backup in dataDir that is a sound Localpost
// database; ok is false when there is none.
func LatestBackup(dataDir string) (b Backup, ok bool) {
	bs, err := Backups(dataDir)
	if err != nil {
		return Backup{}, false
	}
	for _, b := range bs {
		if CheckDatabase(b.Path) == nil {
			return b, true
		}
	}
	return Backup{}, false
}

// RestoreBackup puts the backup named name back as dataDir's database. The
// store must be closed. The database it replaces and its -wal and -shm
// files are moved to ReplacedDir/<now>/, never deleted. A backup that is
// damaged or missing is refused and nothing changes.
func RestoreBackup(dataDir, name string, now time.Time) error {
	if name == "" || name != filepath.Base(name) {
		return fmt.Errorf("restore: %q is not the name of a backup", name)
	}
	if _, _, ok := parseBackupName(name); !ok {
		return fmt.Errorf("restore: %q is not the name of a backup", name)
	}
	src := filepath.Join(dataDir, BackupsDir, name)
	if err := CheckDatabase(src); err != nil {
		return fmt.Errorf("restore the backup %s: %w", name, err)
	}
	db := filepath.Join(dataDir, DBFile)
	tmp := db + ".restoring"
	_ = os.Remove(tmp)
	if err := copyFile(src, tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("restore the backup %s: %w", name, err)
	}
	aside, err := moveAside(dataDir, now)
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("restore the backup %s: %w", name, err)
	}
	if err := os.Rename(tmp, db); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("restore the backup %s (the replaced files are in %s): %w", name, aside, err)
	}
	return nil
}

// moveAside moves the database and its -wal and -shm files, those that
// exist, into a new folder in ReplacedDir and returns that folder.
func moveAside(dataDir string, now time.Time) (string, error) {
	base := filepath.Join(dataDir, ReplacedDir, now.UTC().Format(backupLayout))
	dir := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
			break
		}
		dir = base + "-" + strconv.Itoa(i)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	// The journal files first: a WAL left beside the restored file would be
	// played into it. On a failure what moved goes back.
	var moved []string
	for _, suffix := range []string{"-wal", "-shm", ""} {
		from := filepath.Join(dataDir, DBFile+suffix)
		if _, err := os.Lstat(from); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := os.Rename(from, filepath.Join(dir, DBFile+suffix)); err != nil {
			for _, m := range moved {
				_ = os.Rename(filepath.Join(dir, m), filepath.Join(dataDir, m))
			}
			return dir, fmt.Errorf("move %s aside: %w", from, err)
		}
		moved = append(moved, DBFile+suffix)
	}
	return dir, nil
}

// copyFile copies a regular file, creating dst (which must not exist) and
// syncing it to disk.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
