package data

import (
	"context"
	"fmt"
	"time"
)

// Idea is an undated post: something to write about, not yet given a day.
type Idea struct {
	PostID    int64
	Snippet   string // as CalendarEntry.Snippet
	Networks  string // comma separated networks of its targets, if any
	State     PostState
	UpdatedAt time.Time
}

// Ideas lists the undated posts, the most recently changed first, at most
// limit of them (limit <= 0: all).
func (s *Store) Ideas(ctx context.Context, limit int) ([]Idea, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, snippet, networks, state, updated_at FROM posts
		WHERE planned_at IS NULL ORDER BY updated_at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("ideas: %w", err)
	}
	defer rows.Close()
	var out []Idea
	for rows.Next() {
		var it Idea
		var updated int64
		if err := rows.Scan(&it.PostID, &it.Snippet, &it.Networks, &it.State, &updated); err != nil {
			return nil, fmt.Errorf("ideas: %w", err)
		}
		it.UpdatedAt = time.UnixMilli(updated).UTC()
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ideas: %w", err)
	}
	return out, nil
}
