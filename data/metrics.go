package data

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// LatestMetrics are the metrics whose newest value is kept per post for the
// dashboard (the columns of metrics_latest): platforms' metric names and
// the derived engagement and seen. Others are kept in the history only.
var LatestMetrics = []string{"engagement", "seen", "likes", "comments", "shares", "quotes", "saves",
	"reactions", "impressions", "reach", "views", "clicks", "outbound_clicks"}

var (
	latestCols   = strings.Join(LatestMetrics, ", ")
	latestUpsert = `INSERT INTO metrics_latest (target_id, captured_at, ` + latestCols + `)
		VALUES (?, ?, ` + placeholders(len(LatestMetrics)) + `)
		ON CONFLICT (target_id) DO UPDATE SET captured_at = excluded.captured_at, ` + setExcluded() + `
		WHERE excluded.captured_at >= metrics_latest.captured_at`
)

func setExcluded() string {
	parts := make([]string, len(LatestMetrics))
	for i, n := range LatestMetrics {
		parts[i] = n + " = excluded." + n
	}
	return strings.Join(parts, ", ")
}

// latestArgs are latestUpsert's arguments: a reading's values in column
// order, NULL where the reading has none.
func latestArgs(targetID int64, at time.Time, maps ...map[string]float64) []any {
	args := make([]any, 0, 2+len(LatestMetrics))
	args = append(args, targetID, at.UnixMilli())
	for _, n := range LatestMetrics {
		var v any
		for _, m := range maps {
			if x, ok := m[n]; ok {
				v = x
			}
		}
		args = append(args, v)
	}
	return args
}

// scanLatest turns metrics_latest's columns, as scanned, into a map.
func scanLatest(cols []sql.NullFloat64) map[string]float64 {
	m := make(map[string]float64, len(cols))
	for i, c := range cols {
		if c.Valid {
			m[LatestMetrics[i]] = c.Float64
		}
	}
	return m
}

// PostReading is one reading of a published target's numbers. Raw are the
// network's numbers (kept in the history); Derived (engagement, seen) are
// computed from them and kept with the newest values only.
type PostReading struct {
	TargetID int64
	Raw      map[string]float64
	Derived  map[string]float64
}

// RecordMetrics stores one sync of an account, all taken at: every post
// reading and the account's own numbers go into the history (never
// replacing an older reading), each post's newest values are updated, and
// the account is marked read at at with no error. One transaction.
func (s *Store) RecordMetrics(ctx context.Context, accountID int64, at time.Time, posts []PostReading, account map[string]float64) error {
	when := at.UnixMilli()
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		hist, latest, err := prepareReadings(ctx, tx)
		if err != nil {
			return err
		}
		defer hist.Close()
		defer latest.Close()
		for _, p := range posts {
			for name, v := range p.Raw {
				if _, err := hist.ExecContext(ctx, accountID, p.TargetID, name, v, when); err != nil {
					return err
				}
			}
			if _, err := latest.ExecContext(ctx, latestArgs(p.TargetID, at, p.Raw, p.Derived)...); err != nil {
				return err
			}
		}
		for name, v := range account {
			if _, err := hist.ExecContext(ctx, accountID, nil, name, v, when); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO metrics_sync (account_id, synced_at, tried_at, error, not_before)
			VALUES (?, ?, ?, '', NULL)
			ON CONFLICT (account_id) DO UPDATE SET synced_at = excluded.synced_at, tried_at = excluded.tried_at,
				error = '', not_before = NULL`, accountID, when, when)
		return err
	})
	if err != nil {
		return fmt.Errorf("save numbers of account %d: %w", accountID, err)
	}
	return nil
}

// prepareReadings prepares the two writes of a reading in tx: one metric
// into the history, a post's newest reading into metrics_latest.
func prepareReadings(ctx context.Context, tx *sql.Tx) (hist, latest *sql.Stmt, err error) {
	hist, err = tx.PrepareContext(ctx, `INSERT INTO metrics (account_id, target_id, name, value, captured_at) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return nil, nil, err
	}
	if latest, err = tx.PrepareContext(ctx, latestUpsert); err != nil {
		hist.Close()
		return nil, nil, err
	}
	return hist, latest, nil
}

// SyncState is how fresh an account's numbers are.
type SyncState struct {
	AccountID int64
	SyncedAt  time.Time // last complete read; zero = never
	TriedAt   time.Time
	Error     string    // why the last read failed; "" when it did not
	NotBefore time.Time // a rate limit: no read before then
}

// SetSyncFailed records that reading an account's numbers failed at at,
// why, and (for a rate limit) when it may be tried again. The numbers
// already read stay.
func (s *Store) SetSyncFailed(ctx context.Context, accountID int64, at time.Time, why string, notBefore time.Time) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO metrics_sync (account_id, synced_at, tried_at, error, not_before)
		VALUES (?, NULL, ?, ?, ?)
		ON CONFLICT (account_id) DO UPDATE SET tried_at = excluded.tried_at, error = excluded.error,
			not_before = excluded.not_before`, accountID, at.UnixMilli(), why, ms(notBefore))
	return err
}

// SyncStates returns the sync state of every account that was ever read
// or tried, by account id.
func (s *Store) SyncStates(ctx context.Context) (map[int64]SyncState, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT account_id, synced_at, tried_at, error, not_before FROM metrics_sync`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]SyncState{}
	for rows.Next() {
		var st SyncState
		var synced, tried, nb sql.NullInt64
		if err := rows.Scan(&st.AccountID, &synced, &tried, &st.Error, &nb); err != nil {
			return nil, err
		}
		st.SyncedAt, st.TriedAt, st.NotBefore = fromMS(synced), fromMS(tried), fromMS(nb)
		out[st.AccountID] = st
	}
	return out, rows.Err()
}

// MetricsTarget is a published post of an account whose numbers can be
// read: its id on the network, when it went out, when it was last read.
type MetricsTarget struct {
	TargetID    int64
	RemoteID    string
	PublishedAt time.Time
	LastRead    time.Time // zero = never
}

// MetricsTargets lists an account's published targets with a remote id
// that went out at or after since (zero = all), newest first.
func (s *Store) MetricsTargets(ctx context.Context, accountID int64, since time.Time) ([]MetricsTarget, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT t.id, t.remote_id, t.published_at, ml.captured_at
		FROM targets t LEFT JOIN metrics_latest ml ON ml.target_id = t.id
		WHERE t.account_id = ? AND t.state = 'published' AND t.remote_id <> ''
			AND t.published_at IS NOT NULL AND t.published_at >= ?
		ORDER BY t.published_at DESC`, accountID, since.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MetricsTarget
	for rows.Next() {
		var m MetricsTarget
		var pub, last sql.NullInt64
		if err := rows.Scan(&m.TargetID, &m.RemoteID, &pub, &last); err != nil {
			return nil, err
		}
		m.PublishedAt, m.LastRead = fromMS(pub), fromMS(last)
		out = append(out, m)
	}
	return out, rows.Err()
}

// PostStat is a published target with its newest numbers.
type PostStat struct {
	TargetID    int64
	PostID      int64
	AccountID   int64
	PublishedAt time.Time
	Snippet     string // the post's first words
	URL         string // on the network
	Values      map[string]float64
}

// PostStats returns the targets published in [from, to) by the given
// accounts (none = all) with their newest numbers, oldest first. Targets
// never read are included with no values. Without text, Snippet is left
// empty and the posts table is not read (sums need no text).
func (s *Store) PostStats(ctx context.Context, from, to time.Time, accountIDs []int64, text bool) ([]PostStat, error) {
	snippet, join := `''`, ``
	if text {
		snippet, join = `p.snippet`, `JOIN posts p ON p.id = t.post_id`
	}
	q := `SELECT t.id, t.post_id, t.account_id, t.published_at, ` + snippet + `, t.remote_url, ` + prefixed("ml.", LatestMetrics) + `
		FROM targets t ` + join + `
		LEFT JOIN metrics_latest ml ON ml.target_id = t.id
		WHERE t.state = 'published' AND t.published_at >= ? AND t.published_at < ?` + accountsIn(accountIDs) + `
		ORDER BY t.published_at, t.id`
	rows, err := s.r.QueryContext(ctx, q, rangeArgs(from, to, accountIDs)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PostStat
	cols := make([]sql.NullFloat64, len(LatestMetrics))
	dest := make([]any, 6, 6+len(cols))
	for i := range cols {
		dest = append(dest, &cols[i])
	}
	for rows.Next() {
		var st PostStat
		var pub sql.NullInt64
		dest[0], dest[1], dest[2], dest[3], dest[4], dest[5] = &st.TargetID, &st.PostID, &st.AccountID, &pub, &st.Snippet, &st.URL
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		st.PublishedAt = fromMS(pub)
		st.Values = scanLatest(cols)
		out = append(out, st)
	}
	return out, rows.Err()
}

// PostRate is what the best-time heatmap needs of a published target.
type PostRate struct {
	AccountID   int64
	PublishedAt time.Time
	Engagement  float64
	Seen        float64
	HasSeen     bool
}

// PostRates returns the targets published in [from, to) by the given
// accounts (none = all) that have been read, with their engagement and
// seen: PostStats' columns for the heatmap, read from an index.
func (s *Store) PostRates(ctx context.Context, from, to time.Time, accountIDs []int64) ([]PostRate, error) {
	q := `SELECT t.account_id, t.published_at, ml.engagement, ml.seen
		FROM targets t JOIN metrics_latest ml ON ml.target_id = t.id
		WHERE t.state = 'published' AND t.published_at >= ? AND t.published_at < ?` + accountsIn(accountIDs)
	rows, err := s.r.QueryContext(ctx, q, rangeArgs(from, to, accountIDs)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PostRate
	for rows.Next() {
		var r PostRate
		var pub int64
		var e, seen sql.NullFloat64
		if err := rows.Scan(&r.AccountID, &pub, &e, &seen); err != nil {
			return nil, err
		}
		r.PublishedAt = time.UnixMilli(pub).UTC()
		r.Engagement, r.Seen, r.HasSeen = e.Float64, seen.Float64, seen.Valid
		out = append(out, r)
	}
	return out, rows.Err()
}

func prefixed(p string, names []string) string {
	return p + strings.Join(names, ", "+p)
}

func accountsIn(ids []int64) string {
	if len(ids) == 0 {
		return ""
	}
	// The unary + keeps the planner on targets_published: by account it
	// would read every post the accounts ever made.
	return ` AND +t.account_id IN (` + placeholders(len(ids)) + `)`
}

func rangeArgs(from, to time.Time, ids []int64) []any {
	args := []any{from.UnixMilli(), to.UnixMilli()}
	for _, id := range ids {
		args = append(args, id)
	}
	return args
}

// MetricPoint is one reading of one metric.
type MetricPoint struct {
	AccountID int64
	Name      string
	At        time.Time
	Value     float64
}

// MetricHistory is every reading of a target's numbers, oldest first.
func (s *Store) MetricHistory(ctx context.Context, targetID int64) ([]MetricPoint, error) {
	return s.points(ctx, `SELECT account_id, name, captured_at, value FROM metrics
		WHERE target_id = ? ORDER BY captured_at, name`, targetID)
}

// AccountHistory is every reading of the account-level metric name of the
// given accounts in [from, to), oldest first.
func (s *Store) AccountHistory(ctx context.Context, accountIDs []int64, name string, from, to time.Time) ([]MetricPoint, error) {
	var out []MetricPoint
	for _, id := range accountIDs {
		pts, err := s.points(ctx, `SELECT account_id, name, captured_at, value FROM metrics
			WHERE account_id = ? AND name = ? AND captured_at >= ? AND captured_at < ? AND target_id IS NULL
			ORDER BY captured_at`, id, name, from.UnixMilli(), to.UnixMilli())
		if err != nil {
			return nil, err
		}
		out = append(out, pts...)
	}
	return out, nil
}

// LatestAccountValue is the newest reading of an account-level metric
// before at; ok is false when there is none.
func (s *Store) LatestAccountValue(ctx context.Context, accountID int64, name string, at time.Time) (v float64, ok bool, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT value FROM metrics
		WHERE account_id = ? AND name = ? AND captured_at < ? AND target_id IS NULL
		ORDER BY captured_at DESC LIMIT 1`, accountID, name, at.UnixMilli()).Scan(&v)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	return v, err == nil, err
}

func (s *Store) points(ctx context.Context, q string, args ...any) ([]MetricPoint, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MetricPoint
	for rows.Next() {
		var p MetricPoint
		var at int64
		if err := rows.Scan(&p.AccountID, &p.Name, &at, &p.Value); err != nil {
			return nil, err
		}
		p.At = time.UnixMilli(at).UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}
