package data

// THIS FILE IS A CONTRACT STUB: the data helper replaces the bodies (and may
// split the file), keeping every exported signature below.

import (
	"context"
	"errors"
	"time"
)

var errTODO = errors.New("data: not implemented yet")

// Store is the SQLite file. One writer connection, a pool of readers.
type Store struct {
	Dir string // the data folder; media/ and avatars/ live inside it
}

// ErrNotDatabase is returned (wrapped, naming the file) when the file at the
// path is not a SQLite database or is damaged. The file is never touched.
var ErrNotDatabase = errors.New("not a Localpost database")

// Open opens (creating if missing) dir/localpost.db, checks it, backs it up
// with VACUUM INTO before migrating an existing file, and applies migrations.
func Open(dir string) (*Store, error) { return nil, errTODO }

// Close closes the database.
func (s *Store) Close() error { return nil }

// Path is the database file.
func (s *Store) Path() string { return "" }

// --- accounts

// SaveAccount inserts or (same network, server, remote id) updates an account
// and returns it with its ID.
func (s *Store) SaveAccount(ctx context.Context, a Account) (Account, error) { return a, errTODO }

// Accounts lists every account, oldest first.
func (s *Store) Accounts(ctx context.Context) ([]Account, error) { return nil, errTODO }

// Account returns one account or ErrNotFound.
func (s *Store) Account(ctx context.Context, id int64) (Account, error) { return Account{}, errTODO }

// SetAccountState changes the connection state of an account.
func (s *Store) SetAccountState(ctx context.Context, id int64, st AccountState) error { return errTODO }

// DeleteAccount deletes the account and its targets (posts stay).
func (s *Store) DeleteAccount(ctx context.Context, id int64) error { return errTODO }

// --- media

// AddMedia copies the file at src into media/<sha256><ext> (once per content),
// detects its type and size, and returns the row. Unsupported types and
// missing files return an error that says which file and why.
func (s *Store) AddMedia(ctx context.Context, src string) (Media, error) { return Media{}, errTODO }

// MediaPath is the absolute path of a stored media file.
func (s *Store) MediaPath(m Media) string { return "" }

// --- posts

// CreatePost inserts the post with its targets and media (by Media.ID, in
// order, with Alt) in one transaction; targets get fresh idempotency keys.
// The post's State is derived from its targets.
func (s *Store) CreatePost(ctx context.Context, p Post) (Post, error) { return p, errTODO }

// UpdatePost replaces text, title, time, zone, media and targets of a post
// that has nothing published or publishing; targets keep their ids where the
// account stays.
func (s *Store) UpdatePost(ctx context.Context, p Post) (Post, error) { return p, errTODO }

// DeletePost deletes a post that is not publishing.
func (s *Store) DeletePost(ctx context.Context, id int64) error { return errTODO }

// Post returns a post with targets and media, or ErrNotFound.
func (s *Store) Post(ctx context.Context, id int64) (Post, error) { return Post{}, errTODO }

// CalendarEntries returns posts planned in [from, to), ordered by time.
func (s *Store) CalendarEntries(ctx context.Context, from, to time.Time) ([]CalendarEntry, error) {
	return nil, errTODO
}

// Attempts lists the attempts of a target, oldest first.
func (s *Store) Attempts(ctx context.Context, targetID int64) ([]Attempt, error) { return nil, errTODO }

// --- publishing

// DueTargets returns scheduled targets whose post is due at now (planned_at
// <= now and next_attempt_at <= now), on connected accounts, oldest first.
func (s *Store) DueTargets(ctx context.Context, now time.Time, limit int) ([]DueTarget, error) {
	return nil, errTODO
}

// ClaimTarget moves a target from scheduled to publishing with one
// conditional UPDATE. It reports false if someone else got it first.
func (s *Store) ClaimTarget(ctx context.Context, id int64, now time.Time) (bool, error) {
	return false, errTODO
}

// FinishAttempt records an attempt and the target's new state in one
// transaction. For StatePublished, remoteID and url are kept; for
// StateScheduled (a retry) next is when to try again; errMsg becomes
// LastError (cleared on success). The post's derived state is updated.
func (s *Store) FinishAttempt(ctx context.Context, targetID int64, a Attempt, st TargetState, remoteID, url, errMsg string, next time.Time) error {
	return errTODO
}

// TargetsInState lists targets in a state (e.g. publishing after a crash).
func (s *Store) TargetsInState(ctx context.Context, st TargetState) ([]Target, error) {
	return nil, errTODO
}

// SetTargetState moves a target to a state (user decisions: post now,
// skip, reschedule, mark uncertain), with an optional message, and updates
// the post's derived state.
func (s *Store) SetTargetState(ctx context.Context, id int64, st TargetState, msg string, next time.Time) error {
	return errTODO
}

// --- settings

// Setting returns a stored value or def.
func (s *Store) Setting(ctx context.Context, key, def string) string { return def }

// SetSetting stores a value.
func (s *Store) SetSetting(ctx context.Context, key, value string) error { return errTODO }
