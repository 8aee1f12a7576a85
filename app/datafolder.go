package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"localpost/data"
)

// LocationFile is the file in the default data folder that names the
// folder the data was moved to (MoveDataFolder), read at the next start.
const LocationFile = "location"

// ResolveDataDir is where the data lives when no --data-dir is given: def,
// or the folder def's LocationFile names. A named folder that is gone (an
// unplugged drive) is an error rather than a fresh empty folder.
func ResolveDataDir(def string) (string, error) {
	b, err := os.ReadFile(filepath.Join(def, LocationFile))
	if errors.Is(err, fs.ErrNotExist) {
		return def, nil
	}
	if err != nil {
		return "", fmt.Errorf("read where your data is: %w", err)
	}
	dir := strings.TrimSpace(string(b))
	if dir == "" || !filepath.IsAbs(dir) {
		return def, nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", fmt.Errorf("your data was moved to %s, which cannot be found; connect the drive it is on, "+
			"or start Localpost with --data-dir pointing at it (%s says where it is)", dir, filepath.Join(def, LocationFile))
	}
	return dir, nil
}

// RecordLocation notes in def's LocationFile that the data is now in dir,
// for the next start without --data-dir; dir == def removes the note.
func RecordLocation(def, dir string) error {
	path := filepath.Join(def, LocationFile)
	if same(def, dir) {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("record where your data is: %w", err)
		}
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("record where your data is: %w", err)
	}
	if err := os.MkdirAll(def, 0o700); err != nil {
		return fmt.Errorf("record where your data is: %w", err)
	}
	tmp := path + ".part"
	if err := os.WriteFile(tmp, []byte(abs+"\n"), 0o600); err != nil {
		return fmt.Errorf("record where your data is: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("record where your data is: %w", err)
	}
	return nil
}

func same(a, b string) bool {
	a, errA := filepath.Abs(a)
	b, errB := filepath.Abs(b)
	return errA == nil && errB == nil && a == b
}

// folderOwn are the names in a data folder that belong to the running
// Localpost (or point elsewhere) and never move.
var folderOwn = map[string]bool{
	data.LockFile: true, InstanceSocket: true, LocationFile: true,
	data.DBFile: true, data.DBFile + "-wal": true, data.DBFile + "-shm": true,
}

// folderKnown are the names a Localpost data folder may hold.
var folderKnown = map[string]bool{
	data.LockFile: true, InstanceSocket: true, LocationFile: true,
	data.DBFile: true, data.DBFile + "-wal": true, data.DBFile + "-shm": true,
	data.MediaDir: true, data.AvatarDir: true, data.BackupsDir: true, data.ReplacedDir: true,
}

// MoveDataFolder moves the data from the folder from to the folder to. The
// store must be closed (see views.MainUI.Restart). It copies the database
// (VACUUM INTO) and everything else in the folder (media/, avatars/,
// backups/, replaced/), checks the copy (quick_check, the same number of
// rows in every table, every file the same size), and only then removes
// the old files. A target that holds anything but an empty Localpost
// folder's files is refused; when copying fails the old folder is left as
// it was and what was copied is removed again. The lock file stays in from
// (the caller holds it); main records the new place (RecordLocation).
func MoveDataFolder(from, to string) error {
	from, err := filepath.Abs(from)
	if err != nil {
		return fmt.Errorf("move the data: %w", err)
	}
	to, err = filepath.Abs(to)
	if err != nil {
		return fmt.Errorf("move the data: %w", err)
	}
	if from == to {
		return fmt.Errorf("your data is in %s already", to)
	}
	if within(to, from) || within(from, to) {
		return fmt.Errorf("choose a folder outside %s and not containing it: %s", from, to)
	}
	if err := checkTarget(to); err != nil {
		return err
	}
	ctx := context.Background()
	want, err := data.TableCounts(ctx, filepath.Join(from, data.DBFile))
	if err != nil {
		return fmt.Errorf("move the data: %w", err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		return fmt.Errorf("move the data: %w", err)
	}

	_, statErr := os.Stat(to)
	madeTo := errors.Is(statErr, fs.ErrNotExist)
	if err := os.MkdirAll(to, 0o700); err != nil {
		return fmt.Errorf("move the data to %s: %w", to, err)
	}
	var made []string // names created in to, removed again on failure
	undo := func(cause error) error {
		for _, n := range made {
			_ = os.RemoveAll(filepath.Join(to, n))
		}
		if madeTo {
			_ = os.Remove(to) // only if empty
		}
		return fmt.Errorf("move the data to %s: %w; your data stays in %s", to, cause, from)
	}

	made = append(made, data.DBFile)
	if err := data.CopyDatabase(ctx, from, to); err != nil {
		return undo(err)
	}
	for _, e := range entries {
		if folderOwn[e.Name()] || strings.HasSuffix(e.Name(), ".part") {
			continue
		}
		// An empty media/ or such already in the target is merged into.
		if _, err := os.Lstat(filepath.Join(to, e.Name())); errors.Is(err, fs.ErrNotExist) {
			made = append(made, e.Name())
		}
		if err := copyTree(filepath.Join(from, e.Name()), filepath.Join(to, e.Name())); err != nil {
			return undo(err)
		}
	}

	got, err := data.TableCounts(ctx, filepath.Join(to, data.DBFile))
	if err != nil {
		return undo(fmt.Errorf("the copy does not read back: %w", err))
	}
	for table, n := range want {
		if got[table] != n {
			return undo(fmt.Errorf("the copy has %d rows in %s, the original %d", got[table], table, n))
		}
	}
	for _, e := range entries {
		if folderOwn[e.Name()] || strings.HasSuffix(e.Name(), ".part") {
			continue
		}
		if err := sameSizes(filepath.Join(from, e.Name()), filepath.Join(to, e.Name())); err != nil {
			return undo(err)
		}
	}

	// The copy is sound: the old files go.
	var errs []error
	for _, n := range []string{data.DBFile + "-wal", data.DBFile + "-shm", data.DBFile} {
		if err := os.Remove(filepath.Join(from, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	for _, e := range entries {
		if folderOwn[e.Name()] || strings.HasSuffix(e.Name(), ".part") {
			continue
		}
		if err := os.RemoveAll(filepath.Join(from, e.Name())); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("your data is now in %s, but some old files could not be removed from %s: %w", to, from, err)
	}
	return nil
}

// within reports whether path is inside dir (both absolute and clean).
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// checkTarget refuses a target that is a file, holds a database, or holds
// anything a Localpost folder would not.
func checkTarget(to string) error {
	st, err := os.Stat(to)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("move the data to %s: %w", to, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is a file; choose an empty folder", to)
	}
	entries, err := os.ReadDir(to)
	if err != nil {
		return fmt.Errorf("move the data to %s: %w", to, err)
	}
	for _, e := range entries {
		if !folderKnown[e.Name()] {
			return fmt.Errorf("%s holds other files (%s); choose an empty folder", to, e.Name())
		}
		if e.Name() == data.DBFile {
			if info, err := e.Info(); err == nil && info.Size() > 0 {
				return fmt.Errorf("%s already holds a Localpost database; choose an empty folder, "+
					"or start Localpost with --data-dir %s to use that one", to, to)
			}
		}
	}
	return nil
}

// copyTree copies a file or a folder with everything in it; files keep
// their permission bits.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		return copyOne(path, target)
	})
}

func copyOne(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, st.Mode().Perm()|0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return out.Close()
}

// sameSizes checks that every file under src has a copy of the same size
// under dst.
func sameSizes(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		a, err := os.Stat(path)
		if err != nil {
			return err
		}
		b, err := os.Stat(filepath.Join(dst, rel))
		if err != nil {
			return fmt.Errorf("the copy of %s is missing: %w", path, err)
		}
		if a.Size() != b.Size() {
			return fmt.Errorf("the copy of %s has %d bytes, the original %d", path, b.Size(), a.Size())
		}
		return nil
	})
}
