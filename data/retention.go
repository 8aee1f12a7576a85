package data

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Prune deletes readings (metrics) taken before readingsBefore and the
// published posts that went out before postsBefore, with their targets,
// attempts and readings; a zero time deletes nothing of that kind. Only
// posts whose state is published go: drafts, scheduled, failed, missed and
// uncertain posts stay whatever their age. Nothing is asked of the
// networks: the posts stay online. Media files stay (the library keeps
// them). It returns how many readings and posts went.
func (s *Store) Prune(ctx context.Context, readingsBefore, postsBefore time.Time) (readings, posts int, err error) {
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		if !postsBefore.IsZero() {
			// Count the readings the posts take with them as readings too.
			var r int
			err := tx.QueryRowContext(ctx, `SELECT count(*) FROM metrics WHERE target_id IN (
				SELECT t.id FROM targets t WHERE t.post_id IN (`+oldPublished+`))`,
				postsBefore.UnixMilli()).Scan(&r)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `DELETE FROM posts WHERE id IN (`+oldPublished+`)`, postsBefore.UnixMilli())
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			posts, readings = int(n), r
		}
		if !readingsBefore.IsZero() {
			res, err := tx.ExecContext(ctx, `DELETE FROM metrics WHERE captured_at < ?`, readingsBefore.UnixMilli())
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			readings += int(n)
			// The newest-reading table must not keep numbers the history
			// no longer has.
			if _, err := tx.ExecContext(ctx, `DELETE FROM metrics_latest WHERE captured_at < ?`, readingsBefore.UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("delete old data: %w", err)
	}
	return readings, posts, nil
}

// oldPublished selects the published posts whose last target went out
// before the parameter (unix ms); a post without a publishing time counts
// from its planned time.
const oldPublished = `SELECT p.id FROM posts p WHERE p.state = 'published'
	AND coalesce((SELECT max(t.published_at) FROM targets t WHERE t.post_id = p.id), p.planned_at, p.updated_at) < ?`
