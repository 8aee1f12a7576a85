package data

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SeedPost is a post that went out in the past with the readings taken of
// it since: what --demo and the benchmarks fill a store with.
type SeedPost struct {
	AccountID   int64
	Network     string
	Text        string
	Zone        string
	PublishedAt time.Time
	RemoteID    string
	URL         string
	Readings    []SeedReading // oldest first; the last one is the newest
}

// SeedReading is one reading of a seeded post (Raw into the history) and
// the values derived from it (Derived, kept with the newest only).
type SeedReading struct {
	At      time.Time
	Raw     map[string]float64
	Derived map[string]float64
}

// AccountReading is one reading of an account-level metric.
type AccountReading struct {
	AccountID int64
	Name      string
	At        time.Time
	Value     float64
}

// SeedPublished stores published posts with their readings, and account
// readings, in one transaction.
func (s *Store) SeedPublished(ctx context.Context, posts []SeedPost, accounts []AccountReading) error {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		post, err := tx.PrepareContext(ctx, `INSERT INTO posts (text, planned_at, zone, state, snippet, networks, created_at, updated_at)
			VALUES (?, ?, ?, 'published', ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer post.Close()
		target, err := tx.PrepareContext(ctx, `INSERT INTO targets (post_id, account_id, state, remote_id, remote_url,
				idempotency_key, published_at, attempts) VALUES (?, ?, 'published', ?, ?, ?, ?, 1)`)
		if err != nil {
			return err
		}
		defer target.Close()
		hist, latest, err := prepareReadings(ctx, tx)
		if err != nil {
			return err
		}
		defer hist.Close()
		defer latest.Close()
		for _, p := range posts {
			when := p.PublishedAt.UnixMilli()
			res, err := post.ExecContext(ctx, p.Text, when, p.Zone, Snippet("", p.Text), p.Network, when, when)
			if err != nil {
				return err
			}
			postID, _ := res.LastInsertId()
			res, err = target.ExecContext(ctx, postID, p.AccountID, p.RemoteID, p.URL, newIdempotencyKey(), when)
			if err != nil {
				return err
			}
			targetID, _ := res.LastInsertId()
			for _, r := range p.Readings {
				for name, v := range r.Raw {
					if _, err := hist.ExecContext(ctx, p.AccountID, targetID, name, v, r.At.UnixMilli()); err != nil {
						return err
					}
				}
			}
			if n := len(p.Readings); n > 0 {
				last := p.Readings[n-1]
				if _, err := latest.ExecContext(ctx, latestArgs(targetID, last.At, last.Raw, last.Derived)...); err != nil {
					return err
				}
			}
		}
		for _, r := range accounts {
			if _, err := hist.ExecContext(ctx, r.AccountID, nil, r.Name, r.Value, r.At.UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store past posts: %w", err)
	}
	return nil
}
