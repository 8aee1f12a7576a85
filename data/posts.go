package data

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// ErrPostLocked is returned (wrapped) when a post cannot be changed because
// a target is being published or already is.
var ErrPostLocked = errors.New("post is being published or already published")

// now is the clock for created_at / updated_at; tests may replace it.
var now = func() time.Time { return time.Now().UTC() }

func newIdempotencyKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// checkNewTargets validates what a caller may put in a post: a zone name
// without control characters, draft or
// scheduled targets (empty = draft), one per account, and a time for any
// scheduled one.
func checkNewTargets(p *Post) error {
	if hasControl(p.Zone) {
		return fmt.Errorf("zone %q is not a time zone name", p.Zone)
	}
	seen := map[int64]bool{}
	for i := range p.Targets {
		t := &p.Targets[i]
		if t.State == "" {
			t.State = StateDraft
		}
		if t.State != StateDraft && t.State != StateScheduled {
			return fmt.Errorf("target on account %d: a post is saved with draft or scheduled targets, not %q", t.AccountID, t.State)
		}
		if t.State == StateScheduled && p.PlannedAt.IsZero() {
			return fmt.Errorf("target on account %d: a scheduled post needs a planned time", t.AccountID)
		}
		if seen[t.AccountID] {
			return fmt.Errorf("account %d is a target twice; a post goes once to each account", t.AccountID)
		}
		seen[t.AccountID] = true
	}
	return nil
}

// CreatePost inserts the post with its targets and media (by Media.ID, in
// order, with Alt) in one transaction; targets get fresh idempotency keys.
// The post's State is derived from its targets (see DeriveState). Targets
// must be draft or scheduled (empty means draft); a scheduled target needs
// PlannedAt. Times are kept to the millisecond, in UTC.
func (s *Store) CreatePost(ctx context.Context, p Post) (Post, error) {
	if err := checkNewTargets(&p); err != nil {
		return p, fmt.Errorf("create post: %w", err)
	}
	var id int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		t := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO posts (text, title, planned_at, zone, snippet, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			p.Text, p.Title, ms(p.PlannedAt), p.Zone, Snippet(p.Title, p.Text), t.UnixMilli(), t.UnixMilli())
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		for _, tg := range p.Targets {
			if err := insertTarget(ctx, tx, id, tg); err != nil {
				return err
			}
		}
		if err := writePostMedia(ctx, tx, id, p.Media); err != nil {
			return err
		}
		if err := writePostLabels(ctx, tx, id, p.Labels); err != nil {
			return err
		}
		return refreshPost(ctx, tx, id)
	})
	if err != nil {
		return p, fmt.Errorf("create post: %w", err)
	}
	return s.Post(ctx, id)
}

func insertTarget(ctx context.Context, tx *sql.Tx, postID int64, t Target) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO targets (post_id, account_id, text_override, options, state, idempotency_key)
		VALUES (?, ?, ?, ?, ?, ?)`, postID, t.AccountID, t.TextOverride, t.Options, t.State, newIdempotencyKey())
	if err != nil {
		return fmt.Errorf("target on account %d: %w", t.AccountID, err)
	}
	return nil
}

func writePostMedia(ctx context.Context, tx *sql.Tx, postID int64, media []Media) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM post_media WHERE post_id = ?`, postID); err != nil {
		return err
	}
	for i, m := range media {
		if _, err := tx.ExecContext(ctx, `INSERT INTO post_media (post_id, media_id, position, alt) VALUES (?, ?, ?, ?)`,
			postID, m.ID, i, m.Alt); err != nil {
			return fmt.Errorf("media %d: %w", m.ID, err)
		}
	}
	return nil
}

// refreshPost recomputes the columns derived from the targets (state and
// networks). Every write that touches targets ends with it.
func refreshPost(ctx context.Context, q querier, postID int64) error {
	rows, err := q.QueryContext(ctx, `SELECT t.state, a.network FROM targets t
		JOIN accounts a ON a.id = t.account_id WHERE t.post_id = ?`, postID)
	if err != nil {
		return err
	}
	defer rows.Close()
	var states []TargetState
	nets := map[string]bool{}
	for rows.Next() {
		var st TargetState
		var network string
		if err := rows.Scan(&st, &network); err != nil {
			return err
		}
		states = append(states, st)
		nets[network] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	names := make([]string, 0, len(nets))
	for n := range nets {
		names = append(names, n)
	}
	sort.Strings(names)
	_, err = q.ExecContext(ctx, `UPDATE posts SET state = ?, networks = ? WHERE id = ?`,
		DeriveState(states), strings.Join(names, ","), postID)
	return err
}

// lockedTargets reports which targets of a post block a change.
func lockedTargets(ctx context.Context, q querier, postID int64, states ...TargetState) (int, error) {
	args := []any{postID}
	marks := make([]string, len(states))
	for i, st := range states {
		marks[i] = "?"
		args = append(args, st)
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM targets WHERE post_id = ? AND state IN (`+
		strings.Join(marks, ",")+`)`, args...).Scan(&n)
	return n, err
}

// UpdatePost replaces text, title, time, zone, media and targets of a post
// that has nothing published or publishing (else ErrPostLocked); targets keep
// their ids, idempotency keys, attempts and history where the account
// stays, targets of accounts no longer listed are deleted, new ones are
// added. Target states must be draft or scheduled, as in CreatePost.
// Targets a network holds for its own scheduler keep their remote id; what
// the network must be told is queued in the same transaction (native.go).
func (s *Store) UpdatePost(ctx context.Context, p Post) (Post, error) {
	if err := checkNewTargets(&p); err != nil {
		return p, fmt.Errorf("post %d: %w", p.ID, err)
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error { return updatePost(ctx, tx, p) })
	if err != nil {
		return p, fmt.Errorf("post %d: %w", p.ID, err)
	}
	return s.Post(ctx, p.ID)
}

// updatePost is UpdatePost inside tx, for p already checked with
// checkNewTargets (UpdateSeriesFrom changes several posts in one go).
func updatePost(ctx context.Context, tx *sql.Tx, p Post) error {
	if err := queueRemoteChanges(ctx, tx, p); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE posts SET text = ?, title = ?, planned_at = ?, zone = ?, snippet = ?, updated_at = ?
		WHERE id = ?`, p.Text, p.Title, ms(p.PlannedAt), p.Zone, Snippet(p.Title, p.Text), now().UnixMilli(), p.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	n, err := lockedTargets(ctx, tx, p.ID, StatePublishing, StatePublished)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%w: %d of its targets are publishing or published; duplicate it to change it", ErrPostLocked, n)
	}

	existing := map[int64]int64{} // account id → target id
	rows, err := tx.QueryContext(ctx, `SELECT id, account_id FROM targets WHERE post_id = ?`, p.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var tid, aid int64
		if err := rows.Scan(&tid, &aid); err != nil {
			rows.Close()
			return err
		}
		existing[aid] = tid
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	keep := map[int64]bool{}
	for _, t := range p.Targets {
		tid, ok := existing[t.AccountID]
		if !ok {
			if err := insertTarget(ctx, tx, p.ID, t); err != nil {
				return err
			}
			continue
		}
		keep[t.AccountID] = true
		if _, err := tx.ExecContext(ctx, `UPDATE targets SET text_override = ?, options = ?, state = ?, next_attempt_at = NULL
			WHERE id = ?`, t.TextOverride, t.Options, t.State, tid); err != nil {
			return fmt.Errorf("target %d: %w", tid, err)
		}
	}
	for aid, tid := range existing {
		if !keep[aid] {
			if _, err := tx.ExecContext(ctx, `DELETE FROM targets WHERE id = ?`, tid); err != nil {
				return fmt.Errorf("target %d: %w", tid, err)
			}
		}
	}
	if err := writePostMedia(ctx, tx, p.ID, p.Media); err != nil {
		return err
	}
	if err := writePostLabels(ctx, tx, p.ID, p.Labels); err != nil {
		return err
	}
	return refreshPost(ctx, tx, p.ID)
}

// DeletePost deletes a post that is not publishing (else ErrPostLocked),
// with its targets, their attempts and metrics. Media files stay. A cancel
// is queued for every target a network holds (native.go).
func (s *Store) DeletePost(ctx context.Context, id int64) error {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		n, err := lockedTargets(ctx, tx, id, StatePublishing)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w: it is being published right now; wait for the result", ErrPostLocked)
		}
		if err := queueRemoteCancels(ctx, tx, id); err != nil {
			return err
		}
		return execOne(ctx, tx, `DELETE FROM posts WHERE id = ?`, id)
	})
	if err != nil {
		return fmt.Errorf("post %d: %w", id, err)
	}
	return nil
}

// Post returns a post with targets (by id) and media (in order, with Alt),
// or ErrNotFound.
func (s *Store) Post(ctx context.Context, id int64) (Post, error) {
	p, err := loadPost(ctx, s.r, id)
	if err != nil {
		return Post{}, fmt.Errorf("post %d: %w", id, notFound(err))
	}
	return p, nil
}

func loadPost(ctx context.Context, q querier, id int64) (Post, error) {
	p := Post{ID: id}
	var planned sql.NullInt64
	var created, updated int64
	err := q.QueryRowContext(ctx, `SELECT text, title, planned_at, zone, state, created_at, updated_at
		FROM posts WHERE id = ?`, id).Scan(&p.Text, &p.Title, &planned, &p.Zone, &p.State, &created, &updated)
	if err != nil {
		return p, err
	}
	p.PlannedAt = fromMS(planned)
	p.CreatedAt = time.UnixMilli(created).UTC()
	p.UpdatedAt = time.UnixMilli(updated).UTC()
	if p.Targets, err = queryTargets(ctx, q, `WHERE post_id = ? ORDER BY id`, id); err != nil {
		return p, err
	}
	if p.Media, err = postMedia(ctx, q, id); err != nil {
		return p, err
	}
	if p.Labels, err = postLabelNames(ctx, q, id); err != nil {
		return p, err
	}
	return p, nil
}

const targetColumns = `id, post_id, account_id, text_override, state, remote_id, remote_url, attempts,
	last_error, idempotency_key, next_attempt_at, published_at, claimed_at, options, pending`

func queryTargets(ctx context.Context, q querier, where string, args ...any) ([]Target, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+targetColumns+` FROM targets `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ts []Target
	for rows.Next() {
		var t Target
		var next, pub, claimed sql.NullInt64
		if err := rows.Scan(&t.ID, &t.PostID, &t.AccountID, &t.TextOverride, &t.State, &t.RemoteID, &t.RemoteURL,
			&t.Attempts, &t.LastError, &t.IdempotencyKey, &next, &pub, &claimed, &t.Options, &t.Pending); err != nil {
			return nil, err
		}
		t.NextAttemptAt, t.PublishedAt, t.ClaimedAt = fromMS(next), fromMS(pub), fromMS(claimed)
		ts = append(ts, t)
	}
	return ts, rows.Err()
}

func postMedia(ctx context.Context, q querier, postID int64) ([]Media, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+mediaColumns+`, pm.alt FROM post_media pm
		JOIN media m ON m.id = pm.media_id WHERE pm.post_id = ? ORDER BY pm.position`, postID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ms []Media
	for rows.Next() {
		var m Media
		if err := rows.Scan(&m.ID, &m.SHA256, &m.File, &m.Mime, &m.Size, &m.Width, &m.Height, &m.Alt); err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}
