package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Label is a free-text tag the user attaches to posts, with a colour.
type Label struct {
	ID     int64
	Name   string
	Colour string // #rrggbb
}

// MaxLabelLen is the longest label name, in characters.
const MaxLabelLen = 40

// labelPalette gives new labels their colour in turn: distinct at a glance
// and readable behind white text.
var labelPalette = []string{"#1e88e5", "#43a047", "#e53935", "#8e24aa", "#fb8c00", "#00897b", "#6d4c41", "#3949ab"}

var colourRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// CleanLabels trims the names, drops empty ones and those holding control
// characters, cuts them to MaxLabelLen and keeps the first of names that
// differ only in case, in order.
func CleanLabels(names []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" || hasControl(n) {
			continue
		}
		if utf8.RuneCountInString(n) > MaxLabelLen {
			n = strings.TrimSpace(string([]rune(n)[:MaxLabelLen]))
		}
		k := strings.ToLower(n)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, n)
	}
	return out
}

// Labels lists every label by name.
func (s *Store) Labels(ctx context.Context) ([]Label, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, name, colour FROM labels ORDER BY name COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}
	defer rows.Close()
	var ls []Label
	for rows.Next() {
		var l Label
		if err := rows.Scan(&l.ID, &l.Name, &l.Colour); err != nil {
			return nil, fmt.Errorf("labels: %w", err)
		}
		ls = append(ls, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}
	return ls, nil
}

// SaveLabel renames or recolours a label (by ID). The new name must not be
// another label's, whatever its case.
func (s *Store) SaveLabel(ctx context.Context, l Label) (Label, error) {
	names := CleanLabels([]string{l.Name})
	if len(names) == 0 {
		return l, fmt.Errorf("label %d: give the label a name", l.ID)
	}
	l.Name = names[0]
	if !colourRE.MatchString(l.Colour) {
		return l, fmt.Errorf("label %q: colour %q is not of the form #rrggbb", l.Name, l.Colour)
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var other int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM labels WHERE name = ? AND id <> ?`, l.Name, l.ID).Scan(&other)
		if err == nil {
			return fmt.Errorf("there is a label %q already; pick another name", l.Name)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return execOne(ctx, tx, `UPDATE labels SET name = ?, colour = ? WHERE id = ?`, l.Name, l.Colour, l.ID)
	})
	if err != nil {
		return l, fmt.Errorf("label %d: %w", l.ID, err)
	}
	return l, nil
}

// DeleteLabel removes a label from every post and from the list.
func (s *Store) DeleteLabel(ctx context.Context, id int64) error {
	if err := execOne(ctx, s.w, `DELETE FROM labels WHERE id = ?`, id); err != nil {
		return fmt.Errorf("label %d: %w", id, err)
	}
	return nil
}

// writePostLabels makes names (see CleanLabels) the post's labels, in order,
// creating labels not seen before with the next colour of the palette.
func writePostLabels(ctx context.Context, tx *sql.Tx, postID int64, names []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM post_labels WHERE post_id = ?`, postID); err != nil {
		return err
	}
	for i, n := range CleanLabels(names) {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM labels WHERE name = ?`, n).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			var count int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM labels`).Scan(&count); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO labels (name, colour, created_at) VALUES (?, ?, ?)`,
				n, labelPalette[count%len(labelPalette)], now().UnixMilli())
			if err != nil {
				return fmt.Errorf("label %q: %w", n, err)
			}
			id, err = res.LastInsertId()
			if err != nil {
				return err
			}
		} else if err != nil {
			return fmt.Errorf("label %q: %w", n, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO post_labels (post_id, label_id, position) VALUES (?, ?, ?)`,
			postID, id, i); err != nil {
			return fmt.Errorf("label %q: %w", n, err)
		}
	}
	return nil
}

// SetPostLabels makes names the labels of a post (see CleanLabels).
func (s *Store) SetPostLabels(ctx context.Context, postID int64, names []string) error {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM posts WHERE id = ?`, postID).Scan(&one); err != nil {
			return notFound(err)
		}
		return writePostLabels(ctx, tx, postID, names)
	})
	if err != nil {
		return fmt.Errorf("labels of post %d: %w", postID, err)
	}
	return nil
}

// PostLabels returns a post's labels in the order they were given.
func (s *Store) PostLabels(ctx context.Context, postID int64) ([]Label, error) {
	ls, err := postLabels(ctx, s.r, postID)
	if err != nil {
		return nil, fmt.Errorf("labels of post %d: %w", postID, err)
	}
	return ls, nil
}

func postLabels(ctx context.Context, q querier, postID int64) ([]Label, error) {
	rows, err := q.QueryContext(ctx, `SELECT l.id, l.name, l.colour FROM post_labels pl
		JOIN labels l ON l.id = pl.label_id WHERE pl.post_id = ? ORDER BY pl.position`, postID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ls []Label
	for rows.Next() {
		var l Label
		if err := rows.Scan(&l.ID, &l.Name, &l.Colour); err != nil {
			return nil, err
		}
		ls = append(ls, l)
	}
	return ls, rows.Err()
}

// postLabelNames is postLabels' names, for Post.Labels.
func postLabelNames(ctx context.Context, q querier, postID int64) ([]string, error) {
	ls, err := postLabels(ctx, q, postID)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, l := range ls {
		names = append(names, l.Name)
	}
	return names, nil
}

// CalendarLabels returns the labels of the posts planned in [from, to), by
// post id; posts without labels are absent. It is a query of its own so
// CalendarEntries keeps its one-string fast path: it walks the range on
// the covering index posts_calendar and looks each post up in post_labels
// by primary key (one probe per post shown).
func (s *Store) CalendarLabels(ctx context.Context, from, to time.Time) (map[int64][]Label, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT pl.post_id, l.id, l.name, l.colour FROM post_labels pl
		JOIN labels l ON l.id = pl.label_id
		JOIN posts p ON p.id = pl.post_id
		WHERE p.planned_at >= ? AND p.planned_at < ?
		ORDER BY pl.post_id, pl.position`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("calendar labels: %w", err)
	}
	defer rows.Close()
	out := map[int64][]Label{}
	for rows.Next() {
		var id int64
		var l Label
		if err := rows.Scan(&id, &l.ID, &l.Name, &l.Colour); err != nil {
			return nil, fmt.Errorf("calendar labels: %w", err)
		}
		out[id] = append(out[id], l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("calendar labels: %w", err)
	}
	return out, nil
}
