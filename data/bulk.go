package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// PostError is the error of CreatePosts: which post (index into the
// slice) could not be stored, and why.
type PostError struct {
	Index int
	Err   error
}

func (e *PostError) Error() string { return fmt.Sprintf("post %d: %v", e.Index+1, e.Err) }
func (e *PostError) Unwrap() error { return e.Err }

// CreatePosts inserts many posts (as CreatePost does each) in one
// transaction: either all of them are stored or, if any fails, none is.
// It returns their ids in order. A post that cannot be stored is named by
// a *PostError in the error.
func (s *Store) CreatePosts(ctx context.Context, posts []Post) ([]int64, error) {
	for i := range posts {
		if err := checkNewTargets(&posts[i]); err != nil {
			return nil, fmt.Errorf("create posts: %w", &PostError{i, err})
		}
	}
	ids := make([]int64, 0, len(posts))
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		t := now().UnixMilli()
		for i, p := range posts {
			res, err := tx.ExecContext(ctx, `INSERT INTO posts (text, title, planned_at, zone, snippet, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`,
				p.Text, p.Title, ms(p.PlannedAt), p.Zone, Snippet(p.Title, p.Text), t, t)
			if err != nil {
				return &PostError{i, err}
			}
			id, err := res.LastInsertId()
			if err != nil {
				return &PostError{i, err}
			}
			for _, tg := range p.Targets {
				if err := insertTarget(ctx, tx, id, tg); err != nil {
					return &PostError{i, err}
				}
			}
			if err := writePostMedia(ctx, tx, id, p.Media); err != nil {
				return &PostError{i, err}
			}
			if err := refreshPost(ctx, tx, id); err != nil {
				return &PostError{i, err}
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("create posts: %w", err)
	}
	return ids, nil
}

// MediaType reads the type and size of the file at path the way AddMedia
// does, without copying it: for checking files before they are attached.
// A missing file wraps fs.ErrNotExist; a type AddMedia refuses is an error
// that says which types it takes.
func MediaType(path string) (mime string, size int64, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", 0, fmt.Errorf("%s does not exist: %w", path, fs.ErrNotExist)
	}
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return "", 0, fmt.Errorf("%s is not a file; attach %s", path, acceptedMedia)
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", 0, fmt.Errorf("read %s: %w", path, err)
	}
	mime = sniff(head[:n])
	if _, ok := mediaTypes[mime]; !ok {
		return "", 0, fmt.Errorf("%s is %s, which Localpost cannot attach; attach %s", path, describe(mime), acceptedMedia)
	}
	return mime, st.Size(), nil
}
