package data

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// QueueSlot is one of an account's posting times: a weekday and a wall
// clock time in the account's zone (AccountZone).
type QueueSlot struct {
	ID        int64
	AccountID int64
	Weekday   time.Weekday
	Minute    int // minutes after local midnight, 0–1439
}

// Clock is the slot's time as "15:04".
func (q QueueSlot) Clock() string { return fmt.Sprintf("%02d:%02d", q.Minute/60, q.Minute%60) }

// AccountZone returns the IANA zone an account's posting times are in; ""
// means the user's zone.
func (s *Store) AccountZone(ctx context.Context, accountID int64) (string, error) {
	var z string
	err := s.r.QueryRowContext(ctx, `SELECT zone FROM accounts WHERE id = ?`, accountID).Scan(&z)
	if err != nil {
		return "", fmt.Errorf("account %d: %w", accountID, notFound(err))
	}
	return z, nil
}

// SetAccountZone gives an account a zone of its own ("" = the user's). The
// name is the caller's to check (time.LoadLocation).
func (s *Store) SetAccountZone(ctx context.Context, accountID int64, zone string) error {
	if hasControl(zone) {
		return fmt.Errorf("account %d: %q is not a time zone name", accountID, zone)
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		return execOne(ctx, tx, `UPDATE accounts SET zone = ? WHERE id = ?`, zone, accountID)
	})
	if err != nil {
		return fmt.Errorf("account %d: %w", accountID, err)
	}
	return nil
}

// QueueSlots lists an account's posting times, Sunday first, then by time.
func (s *Store) QueueSlots(ctx context.Context, accountID int64) ([]QueueSlot, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, account_id, weekday, minute FROM queue_slots
		WHERE account_id = ? ORDER BY weekday, minute`, accountID)
	if err != nil {
		return nil, fmt.Errorf("posting times of account %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []QueueSlot
	for rows.Next() {
		var q QueueSlot
		if err := rows.Scan(&q.ID, &q.AccountID, &q.Weekday, &q.Minute); err != nil {
			return nil, fmt.Errorf("posting times of account %d: %w", accountID, err)
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("posting times of account %d: %w", accountID, err)
	}
	return out, nil
}

// AddQueueSlots adds posting times to an account, one per weekday at the
// same minute, in one transaction. A time the account has already is kept
// once.
func (s *Store) AddQueueSlots(ctx context.Context, accountID int64, days []time.Weekday, minute int) error {
	if minute < 0 || minute >= 24*60 {
		return fmt.Errorf("posting time of account %d: minute %d is not within a day", accountID, minute)
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		for _, d := range days {
			if d < time.Sunday || d > time.Saturday {
				return fmt.Errorf("weekday %d does not exist", d)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO queue_slots (account_id, weekday, minute) VALUES (?, ?, ?)
				ON CONFLICT (account_id, weekday, minute) DO NOTHING`, accountID, int(d), minute); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("posting times of account %d: %w", accountID, err)
	}
	return nil
}

// DeleteQueueSlot removes one posting time, or returns ErrNotFound.
func (s *Store) DeleteQueueSlot(ctx context.Context, id int64) error {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		return execOne(ctx, tx, `DELETE FROM queue_slots WHERE id = ?`, id)
	})
	if err != nil {
		return fmt.Errorf("posting time %d: %w", id, err)
	}
	return nil
}

// TakenInstants returns the instants in [from, to) at which a post goes,
// went or is going out on the account: its target there is scheduled,
// publishing, published or uncertain. Drafts and failed posts take no
// posting time.
func (s *Store) TakenInstants(ctx context.Context, accountID int64, from, to time.Time) ([]time.Time, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT p.planned_at FROM targets t JOIN posts p ON p.id = t.post_id
		WHERE t.account_id = ? AND t.state IN ('scheduled', 'publishing', 'published', 'uncertain')
			AND p.planned_at >= ? AND p.planned_at < ? ORDER BY p.planned_at`,
		accountID, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("posts of account %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("posts of account %d: %w", accountID, err)
		}
		out = append(out, time.UnixMilli(v).UTC())
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("posts of account %d: %w", accountID, err)
	}
	return out, nil
}
