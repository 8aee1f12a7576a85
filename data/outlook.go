package data

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Outlook is the short answer to "is Localpost on track?" that the tray
// shows: when the next post goes out, and how many wait for the user.
type Outlook struct {
	// Next is the planned time of the first post after now that still has
	// a scheduled target (or one being handed to the network's scheduler);
	// zero when there is none.
	Next time.Time
	// Waiting counts posts that need the user: a target missed or
	// uncertain, or due on an account that needs reconnecting or was
	// disconnected with its posts kept.
	Waiting int
}

// Outlook reads the Outlook at now in one snapshot.
func (s *Store) Outlook(ctx context.Context, now time.Time) (Outlook, error) {
	at := now.UnixMilli()
	var next sql.NullInt64
	var o Outlook
	err := s.r.QueryRowContext(ctx, `SELECT
		(SELECT min(planned_at) FROM posts WHERE planned_at > ?
			AND id IN (SELECT post_id FROM targets WHERE state IN ('scheduled', 'publishing'))),
		(SELECT count(DISTINCT post_id) FROM targets WHERE state IN ('missed', 'uncertain')
			OR (state = 'scheduled'
				AND account_id IN (SELECT id FROM accounts WHERE state IN ('needs_reconnect', 'disconnected'))
				AND post_id IN (SELECT id FROM posts WHERE planned_at <= ?)))`, at, at).Scan(&next, &o.Waiting)
	if err != nil {
		return Outlook{}, fmt.Errorf("outlook: %w", err)
	}
	o.Next = fromMS(next)
	return o, nil
}
