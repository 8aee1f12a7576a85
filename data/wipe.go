package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MarkDisconnected sets an account's state to disconnected (the publisher
// and the metrics sync pass it by) and writes note as the reason on each
// of its targets still waiting to be published, so the calendar says why
// they wait. Its posts, targets and readings stay.
func (s *Store) MarkDisconnected(ctx context.Context, id int64, note string) error {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		if err := execOne(ctx, tx, `UPDATE accounts SET state = 'disconnected' WHERE id = ?`, id); err != nil {
			return notFound(err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE targets SET last_error = ?
			WHERE account_id = ? AND state IN ('scheduled', 'missed') AND remote_id = ''`, note, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("disconnect account %d: %w", id, err)
	}
	return nil
}

// AccountRemoval is what DeleteAccountData removed.
type AccountRemoval struct {
	Posts    int // posts that were only for the account
	Targets  int
	Readings int // metric readings of the account and its posts
}

// DeleteAccountData deletes an account with everything that is only its:
// its targets (with their attempts), readings, sync state, queue slots and
// pending remote changes, the posts that targeted no other account (with
// their media links and labels; the media files stay in the library), and
// its avatar file unless another account shows the same image. Posts that
// also target other accounts stay with those. The token in the keyring is
// the caller's to delete.
func (s *Store) DeleteAccountData(ctx context.Context, id int64) (AccountRemoval, error) {
	var rm AccountRemoval
	var avatar string
	avatarShared := false
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		a, err := loadAccount(ctx, tx, id)
		if err != nil {
			return notFound(err)
		}
		avatar = a.AvatarPath
		if avatar != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE avatar_path = ? AND id <> ?`, avatar, id).Scan(&n); err != nil {
				return err
			}
			avatarShared = n > 0
		}
		err = tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM targets WHERE account_id = ?),
			(SELECT count(*) FROM metrics WHERE account_id = ?)`, id, id).Scan(&rm.Targets, &rm.Readings)
		if err != nil {
			return err
		}
		only, shared, err := postsOfAccount(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, pid := range only {
			// post_media, post_labels and the account's targets go by
			// ON DELETE CASCADE; the media rows and files stay.
			if _, err := tx.ExecContext(ctx, `DELETE FROM posts WHERE id = ?`, pid); err != nil {
				return fmt.Errorf("post %d: %w", pid, err)
			}
		}
		rm.Posts = len(only)
		// targets, attempts, metrics, metrics_latest, metrics_sync,
		// queue_slots and remote_changes go by ON DELETE CASCADE.
		if _, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE id = ?`, id); err != nil {
			return err
		}
		for _, pid := range shared {
			if err := refreshPost(ctx, tx, pid); err != nil {
				return fmt.Errorf("post %d: %w", pid, err)
			}
		}
		return nil
	})
	if err != nil {
		return rm, fmt.Errorf("delete account %d: %w", id, err)
	}
	if avatar != "" && !avatarShared && avatar == filepath.Base(avatar) && avatar != "." && avatar != ".." {
		if err := os.Remove(filepath.Join(s.Dir, AvatarDir, avatar)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return rm, fmt.Errorf("delete account %d: remove avatar: %w", id, err)
		}
	}
	return rm, nil
}

// postsOfAccount splits the posts with a target on the account into those
// for it alone and those also for other accounts.
func postsOfAccount(ctx context.Context, q querier, id int64) (only, shared []int64, err error) {
	rows, err := q.QueryContext(ctx, `SELECT post_id, count(*) = sum(account_id = ?) FROM targets
		WHERE post_id IN (SELECT post_id FROM targets WHERE account_id = ?) GROUP BY post_id ORDER BY post_id`, id, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var alone bool
		if err := rows.Scan(&pid, &alone); err != nil {
			return nil, nil, err
		}
		if alone {
			only = append(only, pid)
		} else {
			shared = append(shared, pid)
		}
	}
	return only, shared, rows.Err()
}

// WipeCounts is what the database and the data folder hold, as Delete
// everything names it before it runs.
type WipeCounts struct {
	Accounts, Posts int
	MediaFiles      int // files in media/ (not the thumbnails) and avatars/
	Backups         int // files in backups/ and the copies made before upgrades
}

// WipeCounts counts the accounts and posts and the files Localpost keeps.
func (s *Store) WipeCounts(ctx context.Context) (WipeCounts, error) {
	var c WipeCounts
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM posts)`).Scan(&c.Accounts, &c.Posts)
	if err != nil {
		return c, fmt.Errorf("count data: %w", err)
	}
	c.MediaFiles = countFiles(filepath.Join(s.Dir, MediaDir)) + countFiles(filepath.Join(s.Dir, AvatarDir))
	c.Backups = countFiles(filepath.Join(s.Dir, BackupsDir))
	if m, err := filepath.Glob(filepath.Join(s.Dir, DBFile+".bak-*")); err == nil {
		c.Backups += len(m)
	}
	return c, nil
}

// countFiles counts the regular files directly in dir (0 if it is missing).
func countFiles(dir string) int {
	es, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range es {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			n++
		}
	}
	return n
}

// wipeNames are the files and folders Localpost makes in a data folder, the
// ones WipeFolder removes; the lock file and the running instance's socket
// are not among them (the running process holds them).
var wipeNames = []string{DBFile, DBFile + "-wal", DBFile + "-shm", DBFile + "-journal", DBFile + ".part",
	MediaDir, AvatarDir, BackupsDir, ReplacedDir}

// WipeFolder deletes every file Localpost keeps in the data folder dir:
// the database with its WAL and shared memory, the copies made before
// upgrades, media/, avatars/, backups/ and replaced/. The store on dir
// must be closed. The lock file and the instance socket stay (the running
// Localpost holds them), and so does anything Localpost did not make.
// data.Open on dir afterwards gives an empty store.
func WipeFolder(dir string) error {
	names := wipeNames
	if m, err := filepath.Glob(filepath.Join(dir, DBFile+".bak-*")); err == nil {
		for _, p := range m {
			names = append(names, filepath.Base(p))
		}
	}
	var errs []error
	for _, n := range names {
		if err := os.RemoveAll(filepath.Join(dir, n)); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("delete the data in %s: %w", dir, err)
	}
	return nil
}
