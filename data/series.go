package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SeriesUnit is what a series counts its steps in.
type SeriesUnit string

// The units of a series.
const (
	SeriesDays  SeriesUnit = "day"
	SeriesWeeks SeriesUnit = "week"
)

// Series is a repeating post: every EveryN days or weeks, until a day or
// Count times. Each occurrence is stored as a post of its own with the
// series' id (see CreateSeries).
type Series struct {
	ID        int64
	EveryN    int
	Unit      SeriesUnit
	Until     time.Time // the last day it may repeat on (midnight UTC of that date); zero when by Count
	Count     int       // 0 when Until is set
	CreatedAt time.Time
}

// CreateSeries stores the series and its occurrences (posts checked as
// CreatePost does) in one transaction: all of them or none. It returns the
// series with its id and the posts' ids in order.
func (s *Store) CreateSeries(ctx context.Context, sr Series, posts []Post) (Series, []int64, error) {
	if sr.EveryN <= 0 || (sr.Unit != SeriesDays && sr.Unit != SeriesWeeks) {
		return sr, nil, fmt.Errorf("create series: every %d %q is not a repeat", sr.EveryN, sr.Unit)
	}
	if len(posts) == 0 {
		return sr, nil, errors.New("create series: no posts")
	}
	for i := range posts {
		if err := checkNewTargets(&posts[i]); err != nil {
			return sr, nil, fmt.Errorf("create series: post %d: %w", i+1, err)
		}
	}
	ids := make([]int64, 0, len(posts))
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		t := now()
		if sr.CreatedAt.IsZero() {
			sr.CreatedAt = t
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO series (every_n, unit, until, count, created_at) VALUES (?, ?, ?, ?, ?)
			RETURNING id`, sr.EveryN, sr.Unit, ms(sr.Until), sr.Count, sr.CreatedAt.UnixMilli()).Scan(&sr.ID)
		if err != nil {
			return err
		}
		for i, p := range posts {
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO posts (text, title, planned_at, zone, snippet, series_id, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				p.Text, p.Title, ms(p.PlannedAt), p.Zone, Snippet(p.Title, p.Text), sr.ID, t.UnixMilli(), t.UnixMilli()).Scan(&id)
			if err != nil {
				return fmt.Errorf("post %d: %w", i+1, err)
			}
			for _, tg := range p.Targets {
				if err := insertTarget(ctx, tx, id, tg); err != nil {
					return fmt.Errorf("post %d: %w", i+1, err)
				}
			}
			if err := writePostMedia(ctx, tx, id, p.Media); err != nil {
				return fmt.Errorf("post %d: %w", i+1, err)
			}
			if err := writePostLabels(ctx, tx, id, p.Labels); err != nil {
				return fmt.Errorf("post %d: %w", i+1, err)
			}
			if err := refreshPost(ctx, tx, id); err != nil {
				return fmt.Errorf("post %d: %w", i+1, err)
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return sr, nil, fmt.Errorf("create series: %w", err)
	}
	return sr, ids, nil
}

// PostSeries returns the series a post belongs to, or ErrNotFound when it
// is a post on its own (or does not exist).
func (s *Store) PostSeries(ctx context.Context, postID int64) (Series, error) {
	var sr Series
	var until sql.NullInt64
	var created int64
	err := s.r.QueryRowContext(ctx, `SELECT s.id, s.every_n, s.unit, s.until, s.count, s.created_at
		FROM posts p JOIN series s ON s.id = p.series_id WHERE p.id = ?`, postID).
		Scan(&sr.ID, &sr.EveryN, &sr.Unit, &until, &sr.Count, &created)
	if err != nil {
		return Series{}, fmt.Errorf("series of post %d: %w", postID, notFound(err))
	}
	sr.Until = fromMS(until)
	sr.CreatedAt = time.UnixMilli(created).UTC()
	return sr, nil
}

// SeriesPosts lists the ids of a series' posts by planned time.
func (s *Store) SeriesPosts(ctx context.Context, seriesID int64) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM posts WHERE series_id = ? ORDER BY planned_at, id`, seriesID)
	if err != nil {
		return nil, fmt.Errorf("series %d: %w", seriesID, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("series %d: %w", seriesID, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("series %d: %w", seriesID, err)
	}
	return ids, nil
}

// DeleteSeriesFrom deletes the posts of a series planned at or after from,
// in one transaction, as DeletePost does each (a network holding one is
// asked to take it back). Posts publishing, published or uncertain stay:
// they are history, or their fate is the user's to decide. It returns the
// ids deleted and how many were kept.
func (s *Store) DeleteSeriesFrom(ctx context.Context, seriesID int64, from time.Time) (deleted []int64, kept int, err error) {
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, EXISTS (SELECT 1 FROM targets t WHERE t.post_id = posts.id
				AND t.state IN ('publishing', 'published', 'uncertain'))
			FROM posts WHERE series_id = ? AND planned_at >= ? ORDER BY planned_at, id`, seriesID, from.UnixMilli())
		if err != nil {
			return err
		}
		ids, k, err := splitLocked(rows)
		if err != nil {
			return err
		}
		kept = k
		for _, id := range ids {
			if err := queueRemoteCancels(ctx, tx, id); err != nil {
				return fmt.Errorf("post %d: %w", id, err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM posts WHERE id = ?`, id); err != nil {
				return fmt.Errorf("post %d: %w", id, err)
			}
		}
		deleted = ids
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("series %d: %w", seriesID, err)
	}
	return deleted, kept, nil
}

// UpdateSeriesFrom changes a post of a series and every later one (planned
// at or after it), in one transaction: edit gets each post as stored and
// returns it as it is to be (its ID and series stay); it is called for the
// post itself first, then the later ones by time. The post itself is
// changed as UpdatePost does (ErrPostLocked when publishing or published);
// a later post is changed only while all its targets are draft or
// scheduled, the others (publishing, published, uncertain, failed, missed)
// are kept as they are and counted. A network holding a changed post for
// its own scheduler is told in the same transaction (native.go). It
// returns the ids changed, the post first, and how many were kept.
func (s *Store) UpdateSeriesFrom(ctx context.Context, postID int64, edit func(old Post) (Post, error)) (changed []int64, kept int, err error) {
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		var seriesID sql.NullInt64
		var from sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT series_id, planned_at FROM posts WHERE id = ?`, postID).Scan(&seriesID, &from)
		if err != nil {
			return notFound(err)
		}
		if !seriesID.Valid {
			return fmt.Errorf("%w: the post is not part of a series", ErrNotFound)
		}
		ids := []int64{postID}
		if !from.Valid { // an occurrence made an idea: nothing is "later"
			changed = ids
			return updateEdited(ctx, tx, postID, edit)
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, EXISTS (SELECT 1 FROM targets t WHERE t.post_id = posts.id
				AND t.state NOT IN ('draft', 'scheduled'))
			FROM posts WHERE series_id = ? AND id != ? AND planned_at >= ? ORDER BY planned_at, id`,
			seriesID.Int64, postID, from.Int64)
		if err != nil {
			return err
		}
		later, k, err := splitLocked(rows)
		if err != nil {
			return err
		}
		ids, kept = append(ids, later...), k
		for _, id := range ids {
			if err := updateEdited(ctx, tx, id, edit); err != nil {
				return err
			}
		}
		changed = ids
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("change series from post %d: %w", postID, err)
	}
	return changed, kept, nil
}

// updateEdited updates post id in tx to what edit makes of it.
func updateEdited(ctx context.Context, tx *sql.Tx, id int64, edit func(old Post) (Post, error)) error {
	old, err := loadPost(ctx, tx, id)
	if err != nil {
		return fmt.Errorf("post %d: %w", id, err)
	}
	p, err := edit(old)
	if err != nil {
		return fmt.Errorf("post %d: %w", id, err)
	}
	p.ID = id
	if err := checkNewTargets(&p); err != nil {
		return fmt.Errorf("post %d: %w", id, err)
	}
	if err := updatePost(ctx, tx, p); err != nil {
		return fmt.Errorf("post %d: %w", id, err)
	}
	return nil
}

// splitLocked reads rows of (post id, locked) and closes them: the ids of
// the posts that may change, in order, and how many are locked (kept).
func splitLocked(rows *sql.Rows) (ids []int64, locked int, err error) {
	defer rows.Close()
	for rows.Next() {
		var id int64
		var l bool
		if err := rows.Scan(&id, &l); err != nil {
			return nil, 0, err
		}
		if l {
			locked++
			continue
		}
		ids = append(ids, id)
	}
	return ids, locked, rows.Err()
}
