package data

import (
	"context"
	"fmt"
)

// AccountUsage is how much of one account the database holds.
type AccountUsage struct {
	Posts      int   // posts planned for or published on the account
	Published  int   // of those, the ones that went out there
	Readings   int   // numbers read from the network (every reading kept)
	MediaFiles int   // distinct files attached to its posts
	MediaSize  int64 // their size in bytes
}

// Usage counts, per account, what the database keeps of it, and the
// number of posts in all (ideas and drafts without an account included).
// Accounts with nothing stored are absent from the map.
func (s *Store) Usage(ctx context.Context) (map[int64]AccountUsage, int, error) {
	out := map[int64]AccountUsage{}
	get := func(id int64) AccountUsage { return out[id] }

	rows, err := s.r.QueryContext(ctx, `SELECT account_id, COUNT(*), SUM(state = 'published') FROM targets GROUP BY account_id`)
	if err != nil {
		return nil, 0, fmt.Errorf("count posts per account: %w", err)
	}
	for rows.Next() {
		var id int64
		var n, pub int
		if err := rows.Scan(&id, &n, &pub); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("count posts per account: %w", err)
		}
		u := get(id)
		u.Posts, u.Published = n, pub
		out[id] = u
	}
	if err := closeRows(rows); err != nil {
		return nil, 0, fmt.Errorf("count posts per account: %w", err)
	}

	rows, err = s.r.QueryContext(ctx, `SELECT account_id, COUNT(*) FROM metrics GROUP BY account_id`)
	if err != nil {
		return nil, 0, fmt.Errorf("count readings per account: %w", err)
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("count readings per account: %w", err)
		}
		u := get(id)
		u.Readings = n
		out[id] = u
	}
	if err := closeRows(rows); err != nil {
		return nil, 0, fmt.Errorf("count readings per account: %w", err)
	}

	rows, err = s.r.QueryContext(ctx, `SELECT a.account_id, COUNT(*), COALESCE(SUM(m.size), 0)
		FROM (SELECT DISTINCT t.account_id, pm.media_id FROM targets t JOIN post_media pm ON pm.post_id = t.post_id) a
		JOIN media m ON m.id = a.media_id GROUP BY a.account_id`)
	if err != nil {
		return nil, 0, fmt.Errorf("count media per account: %w", err)
	}
	for rows.Next() {
		var id int64
		var n int
		var size int64
		if err := rows.Scan(&id, &n, &size); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("count media per account: %w", err)
		}
		u := get(id)
		u.MediaFiles, u.MediaSize = n, size
		out[id] = u
	}
	if err := closeRows(rows); err != nil {
		return nil, 0, fmt.Errorf("count media per account: %w", err)
	}

	var posts int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM posts`).Scan(&posts); err != nil {
		return nil, 0, fmt.Errorf("count posts: %w", err)
	}
	return out, posts, nil
}

// closeRows reports the iteration's error, then the close's.
func closeRows(rows interface {
	Err() error
	Close() error
}) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}
