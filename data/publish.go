package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// DueTargets returns scheduled targets whose post is due at now (planned_at
// <= now and next_attempt_at unset or <= now), on connected accounts, oldest
// planned first, at most limit (all when limit <= 0). Each comes with its
// post (targets and media in order) and account. Targets already handed
// over to a network's own scheduler (a remote id while scheduled) are not
// due: the network publishes them.
func (s *Store) DueTargets(ctx context.Context, now time.Time, limit int) ([]DueTarget, error) {
	at := now.UnixMilli()
	return s.targetsWithPosts(ctx, "due targets", `WHERE state = 'scheduled' AND remote_id = ''
		AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
		AND post_id IN (SELECT id FROM posts WHERE planned_at <= ?)
		AND account_id IN (SELECT id FROM accounts WHERE state = 'connected')`, limit, at, at)
}

// UpcomingTargets returns scheduled targets planned after now and up to
// until, not handed over yet and not waiting for a retry, on connected
// accounts of the given networks: candidates for a network's own
// scheduling.
func (s *Store) UpcomingTargets(ctx context.Context, now, until time.Time, networks []string, limit int) ([]DueTarget, error) {
	if len(networks) == 0 {
		return nil, nil
	}
	at := now.UnixMilli()
	args := []any{at, at, until.UnixMilli()}
	for _, n := range networks {
		args = append(args, n)
	}
	in := placeholders(len(networks))
	return s.targetsWithPosts(ctx, "upcoming targets", `WHERE state = 'scheduled' AND remote_id = ''
		AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
		AND post_id IN (SELECT id FROM posts WHERE planned_at > ? AND planned_at <= ?)
		AND account_id IN (SELECT id FROM accounts WHERE state = 'connected' AND network IN (`+in+`))`, limit, args...)
}

// HandedOverDue returns targets handed over to a network's scheduler whose
// time has come: the network has published them.
func (s *Store) HandedOverDue(ctx context.Context, now time.Time) ([]Target, error) {
	ts, err := queryTargets(ctx, s.r, `WHERE state = 'scheduled' AND remote_id <> ''
		AND post_id IN (SELECT id FROM posts WHERE planned_at <= ?)`, now.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("handed-over targets: %w", err)
	}
	return ts, nil
}

// HandOver records that a network accepted a target for publishing at the
// planned time by its own scheduler: the target stays scheduled, with the
// network's id and address, and the attempt is logged, in one transaction.
func (s *Store) HandOver(ctx context.Context, targetID int64, a Attempt, remoteID, url, note string) error {
	if remoteID == "" {
		return fmt.Errorf("hand over target %d: the network gave no id", targetID)
	}
	if a.Outcome == "" {
		a.Outcome = "handed_over"
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var postID int64
		err := tx.QueryRowContext(ctx, `UPDATE targets SET state = 'scheduled', remote_id = ?, remote_url = ?,
				attempts = attempts + 1, last_error = ?, next_attempt_at = NULL, pending = NULL
			WHERE id = ? RETURNING post_id`, remoteID, url, note, targetID).Scan(&postID)
		if err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO attempts (target_id, started_at, ended_at, outcome, http_status, message)
			VALUES (?, ?, ?, ?, ?, ?)`, targetID, ms(a.StartedAt), ms(a.EndedAt), a.Outcome, a.HTTPStatus, a.Message); err != nil {
			return err
		}
		return refreshPost(ctx, tx, postID)
	})
	if err != nil {
		return fmt.Errorf("hand over target %d: %w", targetID, err)
	}
	return nil
}

// targetsWithPosts reads targets matching where (with args, then limit
// appended) with their posts and accounts, in one consistent snapshot,
// oldest planned first.
func (s *Store) targetsWithPosts(ctx context.Context, what, where string, limit int, args ...any) ([]DueTarget, error) {
	if limit <= 0 {
		limit = -1
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	ts, err := queryTargets(ctx, tx, where+`
		ORDER BY (SELECT planned_at FROM posts WHERE posts.id = post_id), id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	posts := map[int64]Post{}
	accounts := map[int64]Account{}
	due := make([]DueTarget, 0, len(ts))
	for _, t := range ts {
		p, ok := posts[t.PostID]
		if !ok {
			if p, err = loadPost(ctx, tx, t.PostID); err != nil {
				return nil, fmt.Errorf("%s: post %d: %w", what, t.PostID, err)
			}
			posts[t.PostID] = p
		}
		a, ok := accounts[t.AccountID]
		if !ok {
			if a, err = loadAccount(ctx, tx, t.AccountID); err != nil {
				return nil, fmt.Errorf("%s: account %d: %w", what, t.AccountID, err)
			}
			accounts[t.AccountID] = a
		}
		due = append(due, DueTarget{Target: t, Post: p, Account: a})
	}
	return due, nil
}

// ClaimTarget moves a target from scheduled to publishing with one
// conditional UPDATE. It reports false if someone else got it first (or it
// is no longer scheduled); ErrNotFound if there is no such target.
func (s *Store) ClaimTarget(ctx context.Context, id int64, now time.Time) (bool, error) {
	var won bool
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var postID int64
		err := tx.QueryRowContext(ctx, `UPDATE targets SET state = 'publishing', claimed_at = ?
			WHERE id = ? AND state = 'scheduled' RETURNING post_id`, now.UnixMilli(), id).Scan(&postID)
		if errors.Is(err, sql.ErrNoRows) {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM targets WHERE id = ?`, id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return ErrNotFound
			}
			return nil
		}
		if err != nil {
			return err
		}
		won = true
		return refreshPost(ctx, tx, postID)
	})
	if err != nil {
		return false, fmt.Errorf("claim target %d: %w", id, err)
	}
	return won, nil
}

// FinishAttempt records an attempt and the target's new state in one
// transaction. For StatePublished, remoteID and url are kept and
// PublishedAt is a.EndedAt (or the current time); for StateScheduled (a
// retry) next is when to try again; errMsg becomes LastError (cleared on
// success). Attempts is incremented. The post's derived state is updated.
// An empty a.Outcome is recorded as the new state.
func (s *Store) FinishAttempt(ctx context.Context, targetID int64, a Attempt, st TargetState, remoteID, url, errMsg string, next time.Time) error {
	if !validState(st) {
		return fmt.Errorf("finish attempt on target %d: %w", targetID, stateError(st))
	}
	if a.Outcome == "" {
		a.Outcome = string(st)
	}
	if a.StartedAt.IsZero() {
		a.StartedAt = now()
	}
	var published sql.NullInt64
	if st == StatePublished {
		errMsg = ""
		published = ms(a.EndedAt)
		if !published.Valid {
			published = ms(now())
		}
	}
	if st != StateScheduled {
		next = time.Time{}
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var postID int64
		err := tx.QueryRowContext(ctx, `UPDATE targets SET state = ?,
				remote_id = CASE WHEN ? THEN ? ELSE remote_id END,
				remote_url = CASE WHEN ? THEN ? ELSE remote_url END,
				published_at = coalesce(?, published_at),
				attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
				pending = CASE WHEN ? THEN NULL ELSE pending END
			WHERE id = ? RETURNING post_id`,
			st, st == StatePublished, remoteID, st == StatePublished, url, published, errMsg, ms(next),
			st == StatePublished, targetID).Scan(&postID)
		if err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO attempts (target_id, started_at, ended_at, outcome, http_status, message)
			VALUES (?, ?, ?, ?, ?, ?)`, targetID, a.StartedAt.UnixMilli(), ms(a.EndedAt), a.Outcome, a.HTTPStatus, a.Message); err != nil {
			return err
		}
		return refreshPost(ctx, tx, postID)
	})
	if err != nil {
		return fmt.Errorf("finish attempt on target %d: %w", targetID, err)
	}
	return nil
}

// Attempts lists the attempts of a target, oldest first.
func (s *Store) Attempts(ctx context.Context, targetID int64) ([]Attempt, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, target_id, started_at, ended_at, outcome, http_status, message
		FROM attempts WHERE target_id = ? ORDER BY id`, targetID)
	if err != nil {
		return nil, fmt.Errorf("attempts of target %d: %w", targetID, err)
	}
	defer rows.Close()
	var as []Attempt
	for rows.Next() {
		var a Attempt
		var started int64
		var ended sql.NullInt64
		if err := rows.Scan(&a.ID, &a.TargetID, &started, &ended, &a.Outcome, &a.HTTPStatus, &a.Message); err != nil {
			return nil, fmt.Errorf("attempts of target %d: %w", targetID, err)
		}
		a.StartedAt, a.EndedAt = time.UnixMilli(started).UTC(), fromMS(ended)
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("attempts of target %d: %w", targetID, err)
	}
	return as, nil
}

// TargetsInState lists targets in a state (e.g. publishing after a crash),
// by id.
func (s *Store) TargetsInState(ctx context.Context, st TargetState) ([]Target, error) {
	ts, err := queryTargets(ctx, s.r, `WHERE state = ? ORDER BY id`, st)
	if err != nil {
		return nil, fmt.Errorf("targets %s: %w", st, err)
	}
	return ts, nil
}

// ErrClaimOnly is returned (wrapped) by SetTargetState for moves that only
// the publisher may make: into publishing (use ClaimTarget) and out of
// published.
var ErrClaimOnly = errors.New("state change not allowed")

// SetTargetState moves a target to a state (user decisions: post now,
// skip, reschedule, mark uncertain or published), with an optional message
// that replaces LastError when not empty, and updates the post's derived
// state. next becomes NextAttemptAt (zero clears it). Moving into
// publishing (that is ClaimTarget's job) or out of published is refused
// with ErrClaimOnly; moving to published sets PublishedAt if unset.
func (s *Store) SetTargetState(ctx context.Context, id int64, st TargetState, msg string, next time.Time) error {
	if !validState(st) {
		return fmt.Errorf("target %d: %w", id, stateError(st))
	}
	if st == StatePublishing {
		return fmt.Errorf("target %d: %w: only ClaimTarget moves a target to publishing", id, ErrClaimOnly)
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var postID int64
		var cur TargetState
		err := tx.QueryRowContext(ctx, `SELECT post_id, state FROM targets WHERE id = ?`, id).Scan(&postID, &cur)
		if err != nil {
			return notFound(err)
		}
		if cur == StatePublished && st != StatePublished {
			return fmt.Errorf("%w: it is already published; duplicate the post to send it again", ErrClaimOnly)
		}
		var published sql.NullInt64
		if st == StatePublished {
			published = ms(now())
		}
		// Back to scheduled after failing or waiting for the user: a fresh
		// round of tries (the attempts table keeps the history).
		fresh := st == StateScheduled && (cur == StateFailed || cur == StateMissed || cur == StateUncertain)
		if _, err := tx.ExecContext(ctx, `UPDATE targets SET state = ?,
				last_error = CASE WHEN ? = '' THEN last_error ELSE ? END,
				next_attempt_at = ?, published_at = coalesce(published_at, ?),
				attempts = CASE WHEN ? THEN 0 ELSE attempts END
			WHERE id = ?`, st, msg, msg, ms(next), published, fresh, id); err != nil {
			return err
		}
		return refreshPost(ctx, tx, postID)
	})
	if err != nil {
		return fmt.Errorf("target %d: %w", id, err)
	}
	return nil
}

// SetTargetPending keeps the state of a multi-step publish (an upload
// session, a container id) so that a restart continues it. It is written in
// its own transaction the moment the network created something.
func (s *Store) SetTargetPending(ctx context.Context, id int64, pending []byte) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := execOne(ctx, tx, `UPDATE targets SET pending = ? WHERE id = ?`, pending, id); err != nil {
			return fmt.Errorf("target %d: %w", id, err)
		}
		return nil
	})
}
