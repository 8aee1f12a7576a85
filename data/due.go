package data

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// dueWhere selects the targets the publisher should send now: scheduled,
// not handed to a network's scheduler, not waiting for a retry, planned
// for now or earlier, on a connected account. Its two parameters are now.
const dueWhere = `state = 'scheduled' AND remote_id = ''
	AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
	AND post_id IN (SELECT id FROM posts WHERE planned_at <= ?)`

// DueAccounts returns the connected accounts that have targets due now,
// oldest account first.
func (s *Store) DueAccounts(ctx context.Context, now time.Time) ([]Account, error) {
	at := now.UnixMilli()
	rows, err := s.r.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts
		WHERE state = 'connected' AND id IN (SELECT account_id FROM targets WHERE `+dueWhere+`)
		ORDER BY created_at, id`, at, at)
	if err != nil {
		return nil, fmt.Errorf("accounts with due posts: %w", err)
	}
	defer rows.Close()
	var as []Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("accounts with due posts: %w", err)
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("accounts with due posts: %w", err)
	}
	return as, nil
}

// DueTargetsFor is DueTargets for one account.
func (s *Store) DueTargetsFor(ctx context.Context, now time.Time, accountID int64, limit int) ([]DueTarget, error) {
	at := now.UnixMilli()
	return s.targetsWithPosts(ctx, "due targets", `WHERE account_id = ? AND `+dueWhere+`
		AND account_id IN (SELECT id FROM accounts WHERE state = 'connected')`, limit, accountID, at, at)
}

// NextDue returns when the next target will fall due after now (its
// planned time or its retry time, whichever is later), for the publisher
// to wake up exactly then; ok is false when nothing is waiting.
func (s *Store) NextDue(ctx context.Context, now time.Time) (next time.Time, ok bool, err error) {
	var at sql.NullInt64
	err = s.r.QueryRowContext(ctx, `SELECT min(max(p.planned_at, coalesce(t.next_attempt_at, 0)))
		FROM targets t JOIN posts p ON p.id = t.post_id
		WHERE t.state = 'scheduled' AND t.remote_id = ''
			AND t.account_id IN (SELECT id FROM accounts WHERE state = 'connected')
			AND max(p.planned_at, coalesce(t.next_attempt_at, 0)) > ?`, now.UnixMilli()).Scan(&at)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next due post: %w", err)
	}
	if !at.Valid {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(at.Int64).UTC(), true, nil
}

// DeferTarget moves a scheduled target's next try to until with a note,
// without counting an attempt (a network's rate limit says wait). A target
// someone has claimed meanwhile is left alone; it reports whether it
// deferred.
func (s *Store) DeferTarget(ctx context.Context, id int64, until time.Time, note string) (bool, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE targets SET next_attempt_at = ?, last_error = ?
		WHERE id = ? AND state = 'scheduled'`, until.UnixMilli(), note, id)
	if err != nil {
		return false, fmt.Errorf("defer target %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("defer target %d: %w", id, err)
	}
	return n == 1, nil
}

// RecentStarts returns when attempts on the account's targets started
// since the given time, oldest first: what a network's rate limit counts.
func (s *Store) RecentStarts(ctx context.Context, accountID int64, since time.Time) ([]time.Time, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT a.started_at FROM attempts a JOIN targets t ON t.id = a.target_id
		WHERE t.account_id = ? AND a.started_at >= ? ORDER BY a.started_at`, accountID, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("recent attempts: %w", err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return nil, fmt.Errorf("recent attempts: %w", err)
		}
		out = append(out, time.UnixMilli(at).UTC())
	}
	return out, rows.Err()
}

// DueTarget reads one target with its post and account as they are now
// (after a claim, in case the user edited the post meanwhile).
func (s *Store) DueTarget(ctx context.Context, targetID int64) (DueTarget, error) {
	ts, err := s.targetsWithPosts(ctx, "target", `WHERE id = ?`, 1, targetID)
	if err != nil {
		return DueTarget{}, err
	}
	if len(ts) == 0 {
		return DueTarget{}, fmt.Errorf("target %d: %w", targetID, ErrNotFound)
	}
	return ts[0], nil
}
