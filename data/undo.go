package data

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// A deleted post is really deleted (no query anywhere has to skip it), but
// DeletePostForUndo hands back every row it took with it, so RestorePost
// can put them back as they were: the post, its targets with their states,
// remote ids and idempotency keys, its media links, labels, attempts and
// metrics. The rows are found through the schema's foreign keys, so a table
// added later that hangs on posts is kept too without touching this file.

// DeletedPost is what a deleted post was, for RestorePost. Keep it in
// memory only for a short while: it holds the post's texts.
type DeletedPost struct {
	PostID  int64
	Snippet string
	tables  []tableRows  // every row removed by the delete, by table
	links   []nulledLink // references the delete set to NULL
}

type tableRows struct {
	table string
	cols  []string
	rows  [][]any
	seen  map[string]bool
}

// nulledLink is a row of another table that pointed at a deleted row with
// ON DELETE SET NULL (a remote change pointing at a target).
type nulledLink struct {
	table, col string
	rowid      int64
	parent     string // the table pointed at
	value      any
}

// fkEdge is one foreign key: child.from references parent.to.
type fkEdge struct {
	child, from, parent, to, onDelete string
}

func foreignKeys(ctx context.Context, q querier) ([]fkEdge, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.name, f."from", f."table", coalesce(f."to", ''), upper(f.on_delete)
		FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var es []fkEdge
	for rows.Next() {
		var e fkEdge
		if err := rows.Scan(&e.child, &e.from, &e.parent, &e.to, &e.onDelete); err != nil {
			return nil, err
		}
		if e.to == "" {
			e.to = "id" // every table here that is pointed at has an id primary key
		}
		es = append(es, e)
	}
	return es, rows.Err()
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// column returns the values of col in t's rows, nil if t has no such column.
func (t *tableRows) column(col string) []any {
	for i, c := range t.cols {
		if c == col {
			vals := make([]any, 0, len(t.rows))
			for _, r := range t.rows {
				if r[i] != nil {
					vals = append(vals, r[i])
				}
			}
			return vals
		}
	}
	return nil
}

// add selects the rows of table where col is one of vals into t (new rows
// only) and returns how many were new.
func (t *tableRows) add(ctx context.Context, q querier, col string, vals []any) (int, error) {
	rows, err := q.QueryContext(ctx, `SELECT * FROM `+quoteIdent(t.table)+` WHERE `+quoteIdent(col)+
		` IN (`+placeholders(len(vals))+`)`, vals...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	t.cols = cols
	n := 0
	for rows.Next() {
		r := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range r {
			ptrs[i] = &r[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return 0, err
		}
		k := fmt.Sprintf("%#v", r)
		if t.seen[k] {
			continue
		}
		t.seen[k] = true
		t.rows = append(t.rows, r)
		n++
	}
	return n, rows.Err()
}

// snapshotPost reads every row a delete of the post would remove.
func snapshotPost(ctx context.Context, q querier, postID int64) (*DeletedPost, error) {
	edges, err := foreignKeys(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read the schema: %w", err)
	}
	d := &DeletedPost{PostID: postID}
	if err := q.QueryRowContext(ctx, `SELECT snippet FROM posts WHERE id = ?`, postID).Scan(&d.Snippet); err != nil {
		return nil, err
	}
	byTable := map[string]*tableRows{}
	get := func(name string) *tableRows {
		if t, ok := byTable[name]; ok {
			return t
		}
		t := &tableRows{table: name, seen: map[string]bool{}}
		byTable[name] = t
		d.tables = append(d.tables, *t) // placeholder for the order; filled below
		return t
	}
	root := get("posts")
	if _, err := root.add(ctx, q, "id", []any{postID}); err != nil {
		return nil, err
	}
	// Walk down the cascading keys until no new rows turn up; the schema
	// has no cycles, the bound is a guard.
	for round := 0; round < 16; round++ {
		grew := false
		for _, e := range edges {
			parent, ok := byTable[e.parent]
			if !ok || e.onDelete != "CASCADE" {
				continue
			}
			vals := parent.column(e.to)
			if len(vals) == 0 {
				continue
			}
			n, err := get(e.child).add(ctx, q, e.from, vals)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", e.child, err)
			}
			grew = grew || n > 0
		}
		if !grew {
			break
		}
	}
	for _, e := range edges {
		parent, ok := byTable[e.parent]
		if !ok || e.onDelete != "SET NULL" {
			continue
		}
		vals := parent.column(e.to)
		if len(vals) == 0 {
			continue
		}
		rows, err := q.QueryContext(ctx, `SELECT rowid, `+quoteIdent(e.from)+` FROM `+quoteIdent(e.child)+
			` WHERE `+quoteIdent(e.from)+` IN (`+placeholders(len(vals))+`)`, vals...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.child, err)
		}
		for rows.Next() {
			l := nulledLink{table: e.child, col: e.from, parent: e.parent}
			if err := rows.Scan(&l.rowid, &l.value); err != nil {
				rows.Close()
				return nil, err
			}
			d.links = append(d.links, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for i := range d.tables {
		d.tables[i] = *byTable[d.tables[i].table]
	}
	return d, nil
}

// DeletePostForUndo deletes a post like DeletePost and returns what it was,
// for RestorePost. A post a network holds for its own scheduler is taken
// back there (a cancel is queued, as DeletePost does) and cannot be brought
// back: the returned record is nil.
func (s *Store) DeletePostForUndo(ctx context.Context, id int64) (*DeletedPost, error) {
	var rec *DeletedPost
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		n, err := lockedTargets(ctx, tx, id, StatePublishing)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w: it is being published right now; wait for the result", ErrPostLocked)
		}
		var held int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM targets WHERE post_id = ? AND `+heldWhere, id).Scan(&held); err != nil {
			return err
		}
		if held == 0 {
			if rec, err = snapshotPost(ctx, tx, id); err != nil {
				return notFound(err)
			}
		} else if err := queueRemoteCancels(ctx, tx, id); err != nil {
			return err
		}
		return execOne(ctx, tx, `DELETE FROM posts WHERE id = ?`, id)
	})
	if err != nil {
		return nil, fmt.Errorf("post %d: %w", id, err)
	}
	return rec, nil
}

// RestorePost puts a deleted post back as it was and returns its id: the
// old one, unless a new post took it meanwhile (then rows that pointed at
// it follow it to the new id; the same for its targets). It fails, leaving
// nothing half done, when something it pointed at outside itself was
// deleted meanwhile (an account, a label).
func (s *Store) RestorePost(ctx context.Context, d *DeletedPost) (int64, error) {
	if d == nil || len(d.tables) == 0 {
		return 0, fmt.Errorf("restore post: %w", ErrNotFound)
	}
	newID := d.PostID
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		// Rows go in table by table; the keys are checked once all are in.
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return err
		}
		edges, err := foreignKeys(ctx, tx)
		if err != nil {
			return err
		}
		// New ids for rows whose id was taken meanwhile.
		moved := map[string]map[any]any{}
		for _, t := range d.tables {
			idCol := -1
			for i, c := range t.cols {
				if c == "id" {
					idCol = i
				}
			}
			if idCol < 0 {
				continue
			}
			var next int64
			for _, r := range t.rows {
				var taken int
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteIdent(t.table)+` WHERE id = ?`, r[idCol]).Scan(&taken); err != nil {
					return err
				}
				if taken == 0 {
					continue
				}
				if next == 0 {
					if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM `+quoteIdent(t.table)).Scan(&next); err != nil {
						return err
					}
					for _, r2 := range t.rows { // stay clear of the ids being restored
						if v, ok := r2[idCol].(int64); ok && v > next {
							next = v
						}
					}
				}
				next++
				if moved[t.table] == nil {
					moved[t.table] = map[any]any{}
				}
				moved[t.table][r[idCol]] = next
			}
		}
		mapped := func(table string, v any) any {
			if nv, ok := moved[table][v]; ok {
				return nv
			}
			return v
		}
		for _, t := range d.tables {
			refs := map[int]string{} // column index → table it points at by id
			for i, c := range t.cols {
				if c == "id" {
					refs[i] = t.table
				}
				for _, e := range edges {
					if e.child == t.table && e.from == c && e.to == "id" {
						refs[i] = e.parent
					}
				}
			}
			cols := make([]string, len(t.cols))
			for i, c := range t.cols {
				cols[i] = quoteIdent(c)
			}
			stmt := `INSERT INTO ` + quoteIdent(t.table) + ` (` + strings.Join(cols, ", ") + `) VALUES (` + placeholders(len(cols)) + `)`
			for _, r := range t.rows {
				vals := make([]any, len(r))
				for i, v := range r {
					if p, ok := refs[i]; ok {
						v = mapped(p, v)
					}
					vals[i] = v
				}
				if _, err := tx.ExecContext(ctx, stmt, vals...); err != nil {
					return fmt.Errorf("%s: %w", t.table, err)
				}
			}
		}
		for _, l := range d.links {
			if _, err := tx.ExecContext(ctx, `UPDATE `+quoteIdent(l.table)+` SET `+quoteIdent(l.col)+` = ? WHERE rowid = ? AND `+
				quoteIdent(l.col)+` IS NULL`, mapped(l.parent, l.value), l.rowid); err != nil {
				return fmt.Errorf("%s: %w", l.table, err)
			}
		}
		if v, ok := mapped("posts", d.PostID).(int64); ok {
			newID = v
		}
		return nil
	})
	if err != nil {
		if strings.Contains(err.Error(), "FOREIGN KEY") {
			return 0, fmt.Errorf("restore post %d: an account, label or file it used was removed meanwhile: %w", d.PostID, err)
		}
		return 0, fmt.Errorf("restore post %d: %w", d.PostID, err)
	}
	return newID, nil
}
