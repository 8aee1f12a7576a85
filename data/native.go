package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Posts a network holds for its own scheduler (handed over: a remote id
// while draft or scheduled) are edited, moved and deleted here at once;
// what the network must be told is queued as a RemoteChange in the same
// transaction, and the publisher carries it out when it can reach the
// network. Until a cancel is confirmed the target keeps its remote id, so
// it is never published from here as well: never two live copies.

// RemoteAction is what a network must be told about a post it holds.
type RemoteAction string

// The remote actions.
const (
	RemoteCancel RemoteAction = "cancel" // take it back: it must not go out
	RemoteMove   RemoteAction = "move"   // publish it at NewAt instead
)

// The states of a remote change.
const (
	RemotePending = "pending" // waiting to be carried out
	RemoteFailed  = "failed"  // could not be; LastError tells the user what to do
)

// RemoteChange is a change to a post a network holds, waiting to be
// carried out, or one that could not be (State RemoteFailed) and whose
// message stays until the user dismisses it.
type RemoteChange struct {
	ID        int64
	TargetID  int64 // 0 once the post was deleted here
	PostID    int64 // the target's post; 0 once deleted
	AccountID int64
	Network   string
	RemoteID  string
	RemoteURL string
	Action    RemoteAction
	NewAt     time.Time // for RemoteMove
	HeldAt    time.Time // when the network was to publish it before the change
	HeldText  string    // the text the network holds
	Snippet   string    // what to call the post in messages
	State     string
	Rev       int // counts the changes merged into this row
	Tries     int
	LastError string
	NextTryAt time.Time
	CreatedAt time.Time
}

// heldWhere selects the targets a network holds for its own scheduler.
const heldWhere = `remote_id <> '' AND state IN ('scheduled', 'draft')`

// noteQueued is what a held target says once it was changed here.
const noteQueued = "Changed in Localpost: the network that holds this post is updated as soon as Localpost can reach it; until then it is not published from here."

// queueRemoteChanges compares the stored post with p, which is about to
// replace it, and queues what each network holding one of its targets must
// be told: a cancel when the target is removed, made a draft or its
// content changed (text, media, options), else a move when only the time
// changed. It runs inside UpdatePost's transaction, before the update.
func queueRemoteChanges(ctx context.Context, tx *sql.Tx, p Post) error {
	old, err := loadPost(ctx, tx, p.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // UpdatePost answers ErrNotFound
	}
	if err != nil {
		return err
	}
	next := map[int64]Target{}
	for _, t := range p.Targets {
		next[t.AccountID] = t
	}
	for _, t := range old.Targets {
		if t.RemoteID == "" || t.State != StateScheduled && t.State != StateDraft {
			continue
		}
		nt, kept := next[t.AccountID]
		switch {
		case !kept || nt.State != StateScheduled || contentChanged(old, t, p, nt):
			err = queueRemote(ctx, tx, old, t, RemoteCancel, time.Time{})
		case p.PlannedAt.UnixMilli() != old.PlannedAt.UnixMilli():
			err = queueRemote(ctx, tx, old, t, RemoteMove, p.PlannedAt)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// queueRemoteCancels queues a cancel for every target of the post a
// network holds; it runs inside DeletePost's transaction.
func queueRemoteCancels(ctx context.Context, tx *sql.Tx, postID int64) error {
	old, err := loadPost(ctx, tx, postID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, t := range old.Targets {
		if t.RemoteID != "" && (t.State == StateScheduled || t.State == StateDraft) {
			if err := queueRemote(ctx, tx, old, t, RemoteCancel, time.Time{}); err != nil {
				return err
			}
		}
	}
	return nil
}

func effectiveText(p Post, t Target) string {
	if t.TextOverride != "" {
		return t.TextOverride
	}
	return p.Text
}

// contentChanged reports whether what the network would publish differs.
func contentChanged(old Post, ot Target, p Post, nt Target) bool {
	if effectiveText(old, ot) != effectiveText(p, nt) || ot.Options != nt.Options || len(old.Media) != len(p.Media) {
		return true
	}
	for i, m := range old.Media {
		if m.ID != p.Media[i].ID || m.Alt != p.Media[i].Alt {
			return true
		}
	}
	return false
}

// queueRemote adds a change for a held target or merges it into the one
// waiting: a cancel stays a cancel (the network holds content that is no
// longer wanted), a later move replaces an earlier one. What the network
// holds (HeldAt, HeldText) is kept from the first change.
func queueRemote(ctx context.Context, tx *sql.Tx, old Post, t Target, action RemoteAction, newAt time.Time) error {
	var network string
	if err := tx.QueryRowContext(ctx, `SELECT network FROM accounts WHERE id = ?`, t.AccountID).Scan(&network); err != nil {
		return fmt.Errorf("target %d: %w", t.ID, notFound(err))
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO remote_changes (target_id, account_id, network, remote_id, remote_url, action,
			new_at, held_at, held_text, snippet, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, remote_id) DO UPDATE SET
			target_id = excluded.target_id,
			action = CASE WHEN remote_changes.action = 'cancel' THEN 'cancel' ELSE excluded.action END,
			new_at = excluded.new_at, snippet = excluded.snippet,
			state = 'pending', rev = remote_changes.rev + 1, tries = 0, last_error = '', next_try_at = NULL`,
		t.ID, t.AccountID, network, t.RemoteID, t.RemoteURL, action, ms(newAt), ms(old.PlannedAt),
		effectiveText(old, t), Snippet(old.Title, old.Text), now().UnixMilli())
	if err != nil {
		return fmt.Errorf("queue %s of target %d: %w", action, t.ID, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE targets SET last_error = ? WHERE id = ?`, noteQueued, t.ID); err != nil {
		return fmt.Errorf("target %d: %w", t.ID, err)
	}
	return nil
}

const remoteColumns = `id, coalesce(target_id, 0), coalesce((SELECT post_id FROM targets WHERE targets.id = target_id), 0), account_id, network, remote_id, remote_url, action, new_at, held_at,
	held_text, snippet, state, rev, tries, last_error, next_try_at, created_at`

func queryRemoteChanges(ctx context.Context, q querier, where string, args ...any) ([]RemoteChange, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+remoteColumns+` FROM remote_changes `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RemoteChange
	for rows.Next() {
		var c RemoteChange
		var newAt, heldAt, next sql.NullInt64
		var created int64
		if err := rows.Scan(&c.ID, &c.TargetID, &c.PostID, &c.AccountID, &c.Network, &c.RemoteID, &c.RemoteURL, &c.Action, &newAt, &heldAt,
			&c.HeldText, &c.Snippet, &c.State, &c.Rev, &c.Tries, &c.LastError, &next, &created); err != nil {
			return nil, err
		}
		c.NewAt, c.HeldAt, c.NextTryAt = fromMS(newAt), fromMS(heldAt), fromMS(next)
		c.CreatedAt = time.UnixMilli(created).UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// PendingRemoteChanges returns the changes waiting to be carried out whose
// next try is due at now, oldest first, at most limit (all when <= 0).
func (s *Store) PendingRemoteChanges(ctx context.Context, now time.Time, limit int) ([]RemoteChange, error) {
	if limit <= 0 {
		limit = -1
	}
	cs, err := queryRemoteChanges(ctx, s.r, `WHERE state = 'pending' AND (next_try_at IS NULL OR next_try_at <= ?)
		ORDER BY id LIMIT ?`, now.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("pending remote changes: %w", err)
	}
	return cs, nil
}

// RemoteChangesOf returns the changes (pending or failed) of a target.
func (s *Store) RemoteChangesOf(ctx context.Context, targetID int64) ([]RemoteChange, error) {
	cs, err := queryRemoteChanges(ctx, s.r, `WHERE target_id = ? ORDER BY id`, targetID)
	if err != nil {
		return nil, fmt.Errorf("remote changes of target %d: %w", targetID, err)
	}
	return cs, nil
}

// PendingRemoteTargets returns the targets with a change waiting: the
// network may no longer publish them as it holds them, so they are not
// settled as published by the time alone.
func (s *Store) PendingRemoteTargets(ctx context.Context) (map[int64]bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT target_id FROM remote_changes WHERE state = 'pending' AND target_id IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("targets with remote changes: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("targets with remote changes: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// FailedRemoteChanges returns the changes that could not be carried out,
// oldest first: their LastError stays for the user until dismissed.
func (s *Store) FailedRemoteChanges(ctx context.Context) ([]RemoteChange, error) {
	cs, err := queryRemoteChanges(ctx, s.r, `WHERE state = 'failed' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("failed remote changes: %w", err)
	}
	return cs, nil
}

// DismissRemoteChange removes a failed change once the user has read it.
func (s *Store) DismissRemoteChange(ctx context.Context, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := execOne(ctx, tx, `DELETE FROM remote_changes WHERE id = ? AND state = 'failed'`, id); err != nil {
			return fmt.Errorf("dismiss remote change %d: %w", id, err)
		}
		return nil
	})
}

// finishRemote runs fn on the change in one transaction if it is still as
// c was read (same rev): a change merged in meanwhile is left for the next
// round. It reports whether fn ran.
func (s *Store) finishRemote(ctx context.Context, c RemoteChange, what string, fn func(tx *sql.Tx) error) (bool, error) {
	var done bool
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var rev int
		err := tx.QueryRowContext(ctx, `SELECT rev FROM remote_changes WHERE id = ? AND state = 'pending'`, c.ID).Scan(&rev)
		if errors.Is(err, sql.ErrNoRows) || err == nil && rev != c.Rev {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		done = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("remote change %d %s: %w", c.ID, what, err)
	}
	return done, nil
}

// liveTarget reports the change's target if it still exists and still
// holds the change's remote id.
func liveTarget(ctx context.Context, tx *sql.Tx, c RemoteChange) (postID int64, ok bool, err error) {
	if c.TargetID == 0 {
		return 0, false, nil
	}
	err = tx.QueryRowContext(ctx, `SELECT post_id FROM targets WHERE id = ? AND remote_id = ?`, c.TargetID, c.RemoteID).Scan(&postID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return postID, err == nil, err
}

func insertAttempt(ctx context.Context, tx *sql.Tx, targetID int64, a Attempt) error {
	if a.StartedAt.IsZero() {
		a.StartedAt = now()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO attempts (target_id, started_at, ended_at, outcome, http_status, message)
		VALUES (?, ?, ?, ?, ?, ?)`, targetID, a.StartedAt.UnixMilli(), ms(a.EndedAt), a.Outcome, a.HTTPStatus, a.Message)
	return err
}

// RemoteCancelled records that the network took the post back: the change
// is done and its target (if it still exists) holds no remote id any more,
// so it is published from here or handed over again, with note as its
// message and a attempt logged. It reports false if the change was merged
// with a newer one meanwhile (nothing is written).
func (s *Store) RemoteCancelled(ctx context.Context, c RemoteChange, a Attempt, note string) (bool, error) {
	return s.finishRemote(ctx, c, "cancelled", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM remote_changes WHERE id = ?`, c.ID); err != nil {
			return err
		}
		postID, ok, err := liveTarget(ctx, tx, c)
		if err != nil || !ok {
			return err
		}
		// pending goes too: an upload state or hand-over key of the post
		// the network no longer holds must not be resumed.
		if _, err := tx.ExecContext(ctx, `UPDATE targets SET remote_id = '', remote_url = '', last_error = ?, next_attempt_at = NULL,
				pending = NULL
			WHERE id = ?`, note, c.TargetID); err != nil {
			return err
		}
		if err := insertAttempt(ctx, tx, c.TargetID, a); err != nil {
			return err
		}
		return refreshPost(ctx, tx, postID)
	})
}

// RemoteMoved records that the network now publishes the post at the new
// time: the change is done, the target keeps its remote id and says note.
func (s *Store) RemoteMoved(ctx context.Context, c RemoteChange, a Attempt, note string) (bool, error) {
	return s.finishRemote(ctx, c, "moved", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM remote_changes WHERE id = ?`, c.ID); err != nil {
			return err
		}
		_, ok, err := liveTarget(ctx, tx, c)
		if err != nil || !ok {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE targets SET last_error = ? WHERE id = ?`, note, c.TargetID); err != nil {
			return err
		}
		return insertAttempt(ctx, tx, c.TargetID, a)
	})
}

// RemoteRetry counts a failed try and sets the next one; msg is shown on
// the change and its target.
func (s *Store) RemoteRetry(ctx context.Context, c RemoteChange, msg string, next time.Time) (bool, error) {
	return s.finishRemote(ctx, c, "retry", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE remote_changes SET tries = tries + 1, last_error = ?, next_try_at = ? WHERE id = ?`,
			msg, ms(next), c.ID); err != nil {
			return err
		}
		return noteTarget(ctx, tx, c, msg)
	})
}

// RemoteGiveUp marks the change failed: it could not be carried out, and
// msg (what the user should do) stays until the user dismisses it.
func (s *Store) RemoteGiveUp(ctx context.Context, c RemoteChange, msg string) (bool, error) {
	return s.finishRemote(ctx, c, "failed", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE remote_changes SET state = 'failed', tries = tries + 1, last_error = ?, next_try_at = NULL
			WHERE id = ?`, msg, c.ID); err != nil {
			return err
		}
		return noteTarget(ctx, tx, c, msg)
	})
}

func noteTarget(ctx context.Context, tx *sql.Tx, c RemoteChange, msg string) error {
	if _, ok, err := liveTarget(ctx, tx, c); err != nil || !ok {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE targets SET last_error = ? WHERE id = ?`, msg, c.TargetID)
	return err
}

// RemoteAlreadyPublished records that the network published the post
// before it could be changed: the change is failed with msg (it stays for
// the user), and its target, if it still exists, is published with the
// network's id and address (a.EndedAt as the time), the attempt logged.
func (s *Store) RemoteAlreadyPublished(ctx context.Context, c RemoteChange, a Attempt, remoteID, url, msg string) (bool, error) {
	return s.finishRemote(ctx, c, "already published", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE remote_changes SET state = 'failed', tries = tries + 1, last_error = ?, next_try_at = NULL
			WHERE id = ?`, msg, c.ID); err != nil {
			return err
		}
		postID, ok, err := liveTarget(ctx, tx, c)
		if err != nil || !ok {
			return err
		}
		published := ms(a.EndedAt)
		if !published.Valid {
			published = ms(now())
		}
		if _, err := tx.ExecContext(ctx, `UPDATE targets SET state = 'published', remote_id = ?, remote_url = ?,
				published_at = coalesce(published_at, ?), attempts = attempts + 1, last_error = ?,
				next_attempt_at = NULL, pending = NULL
			WHERE id = ?`, remoteID, url, published, msg, c.TargetID); err != nil {
			return err
		}
		if err := insertAttempt(ctx, tx, c.TargetID, a); err != nil {
			return err
		}
		return refreshPost(ctx, tx, postID)
	})
}

// HeldTarget is a post a network holds for an account's own scheduler.
type HeldTarget struct {
	TargetID int64
	RemoteID string
	HeldAt   time.Time // when the network is to publish it
	Text     string    // the text it holds
}

// HeldBy lists the posts the network holds for the account.
func (s *Store) HeldBy(ctx context.Context, accountID int64) ([]HeldTarget, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT t.id, t.remote_id, p.planned_at,
			CASE WHEN t.text_override <> '' THEN t.text_override ELSE p.text END
		FROM targets t JOIN posts p ON p.id = t.post_id
		WHERE t.account_id = ? AND t.remote_id <> '' AND t.state IN ('scheduled', 'draft')`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HeldTarget
	for rows.Next() {
		var h HeldTarget
		var at sql.NullInt64
		if err := rows.Scan(&h.TargetID, &h.RemoteID, &at, &h.Text); err != nil {
			return nil, err
		}
		h.HeldAt = fromMS(at)
		out = append(out, h)
	}
	return out, rows.Err()
}

// ReleaseHeld records that the network no longer holds a target's post
// (taken back there): it waits here again, saying note.
func (s *Store) ReleaseHeld(ctx context.Context, targetID int64, note string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := execOne(ctx, tx, `UPDATE targets SET remote_id = '', remote_url = '', last_error = ?
			WHERE id = ? AND `+heldWhere, note, targetID); err != nil {
			return err
		}
		var postID int64
		if err := tx.QueryRowContext(ctx, `SELECT post_id FROM targets WHERE id = ?`, targetID).Scan(&postID); err != nil {
			return err
		}
		return refreshPost(ctx, tx, postID)
	})
}
