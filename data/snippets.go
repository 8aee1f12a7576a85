package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// SnippetKind says what a snippet holds.
type SnippetKind string

// The kinds of snippet.
const (
	SnippetText     SnippetKind = "snippet"  // any text: a signature, a call to action
	SnippetHashtags SnippetKind = "hashtags" // a hashtag group
)

// SavedSnippet is a named text the composer inserts at the cursor.
type SavedSnippet struct {
	ID        int64
	Kind      SnippetKind
	Name      string
	Body      string
	CreatedAt time.Time
}

// HashtagBody tidies a hashtag group: the words split at spaces and commas,
// each with one leading #, joined by single spaces, duplicates dropped.
func HashtagBody(s string) string {
	var tags []string
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' }) {
		w = strings.TrimLeft(w, "#")
		if w == "" || seen[strings.ToLower(w)] {
			continue
		}
		seen[strings.ToLower(w)] = true
		tags = append(tags, "#"+w)
	}
	return strings.Join(tags, " ")
}

// Snippets lists the snippets of a kind by name.
func (s *Store) Snippets(ctx context.Context, kind SnippetKind) ([]SavedSnippet, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, kind, name, body, created_at FROM snippets
		WHERE kind = ? ORDER BY name COLLATE NOCASE, id`, kind)
	if err != nil {
		return nil, fmt.Errorf("snippets: %w", err)
	}
	defer rows.Close()
	var out []SavedSnippet
	for rows.Next() {
		var sn SavedSnippet
		var created int64
		if err := rows.Scan(&sn.ID, &sn.Kind, &sn.Name, &sn.Body, &created); err != nil {
			return nil, fmt.Errorf("snippets: %w", err)
		}
		sn.CreatedAt = time.UnixMilli(created).UTC()
		out = append(out, sn)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("snippets: %w", err)
	}
	return out, nil
}

// check tidies a snippet before it is stored and says what is missing.
func (sn *SavedSnippet) check() error {
	sn.Name = strings.TrimSpace(sn.Name)
	if sn.Kind != SnippetText && sn.Kind != SnippetHashtags {
		return fmt.Errorf("%q is not a kind of snippet", sn.Kind)
	}
	if sn.Name == "" || hasControl(sn.Name) {
		return errors.New("give it a name of one line")
	}
	if sn.Kind == SnippetHashtags {
		sn.Body = HashtagBody(sn.Body)
		if sn.Body == "" {
			return errors.New("a hashtag group needs at least one hashtag")
		}
	} else if strings.TrimSpace(sn.Body) == "" {
		return errors.New("a snippet needs a text")
	}
	return nil
}

// SaveSnippet adds a snippet (ID 0) or changes one. The name is trimmed and
// must be given and unique within its kind; a hashtag group's body is
// tidied by HashtagBody.
func (s *Store) SaveSnippet(ctx context.Context, sn SavedSnippet) (SavedSnippet, error) {
	if err := sn.check(); err != nil {
		return sn, fmt.Errorf("snippet %q: %w", sn.Name, err)
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var other int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM snippets WHERE kind = ? AND name = ? AND id <> ?`,
			sn.Kind, sn.Name, sn.ID).Scan(&other)
		if err == nil {
			return errors.New("that name is taken; pick another")
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if sn.ID == 0 {
			t := now()
			res, err := tx.ExecContext(ctx, `INSERT INTO snippets (kind, name, body, created_at) VALUES (?, ?, ?, ?)`,
				sn.Kind, sn.Name, sn.Body, t.UnixMilli())
			if err != nil {
				return err
			}
			sn.ID, err = res.LastInsertId()
			sn.CreatedAt = time.UnixMilli(t.UnixMilli()).UTC()
			return err
		}
		return execOne(ctx, tx, `UPDATE snippets SET kind = ?, name = ?, body = ? WHERE id = ?`,
			sn.Kind, sn.Name, sn.Body, sn.ID)
	})
	if err != nil {
		return sn, fmt.Errorf("snippet %q: %w", sn.Name, err)
	}
	return sn, nil
}

// DeleteSnippet removes a snippet.
func (s *Store) DeleteSnippet(ctx context.Context, id int64) error {
	if err := execOne(ctx, s.w, `DELETE FROM snippets WHERE id = ?`, id); err != nil {
		return fmt.Errorf("snippet %d: %w", id, err)
	}
	return nil
}
