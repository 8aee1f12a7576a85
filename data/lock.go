package data

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// LockFile is the file in the data folder that one Localpost holds locked
// while it runs on that folder.
const LockFile = "localpost.lock"

// ErrLocked is returned by Lock when another Localpost runs on the folder.
var ErrLocked = errors.New("Localpost is already running on this data folder")

// Lock takes the data folder for this process, so that two Localposts (two
// windows, or the window and `localpost publish-due`) never publish from
// the same folder at once. The lock ends with the process or with unlock.
func Lock(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder %s: %w", dir, err)
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, ErrLocked) {
			return nil, fmt.Errorf("%w (%s): switch to its window, or quit it first", ErrLocked, dir)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = unlockFile(f)
		_ = f.Close()
	}, nil
}
