package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// A dump is every row of every table, read generically (the tables and
// their columns come from the schema), so a table added by a later
// migration is exported and imported without touching this file. The
// archive (app/archive.go) is built on it.

// ErrNotEmpty is returned (wrapped, saying what is there) by BeginLoad when
// the database already holds data.
var ErrNotEmpty = errors.New("the data folder is not empty")

// loadKeeps are the tables a load may find rows in: a folder that was only
// opened has its settings (window size, ports); the dump's values win.
var loadKeeps = map[string]bool{"settings": true}

// DumpTable is one table of a dump.
type DumpTable struct {
	Name    string
	Columns []string
	Rows    int64
}

// Snapshot is one consistent read of the whole database (a read
// transaction): rows written while an export runs are either all in it or
// not at all. Close it when done.
type Snapshot struct {
	Version int         // the schema version of the file
	Tables  []DumpTable // every table but schema_migrations, parents before the tables that point at them

	tx      *sql.Tx
	noRowid map[string]bool
}

// LatestSchemaVersion is the schema version this build creates and reads.
func LatestSchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// Snapshot starts a read of every table.
func (s *Store) Snapshot(ctx context.Context) (*Snapshot, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read the database: %w", err)
	}
	sn := &Snapshot{tx: tx}
	if err := sn.load(ctx); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("read the database: %w", err)
	}
	return sn, nil
}

func (sn *Snapshot) load(ctx context.Context) error {
	if err := sn.tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&sn.Version); err != nil {
		return err
	}
	names, noRowid, err := tableNames(ctx, sn.tx)
	if err != nil {
		return err
	}
	sn.noRowid = noRowid
	for _, name := range names {
		cols, err := tableColumns(ctx, sn.tx, name)
		if err != nil {
			return err
		}
		t := DumpTable{Name: name, Columns: cols}
		if err := sn.tx.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteIdent(name)).Scan(&t.Rows); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		sn.Tables = append(sn.Tables, t)
	}
	return nil
}

// Rows calls fn with every row of table, in the order of its key, the
// values in the order of its Columns: int64, float64, string, []byte or
// nil, as SQLite holds them. vals is reused between calls.
func (sn *Snapshot) Rows(ctx context.Context, table string, fn func(vals []any) error) error {
	var t *DumpTable
	for i := range sn.Tables {
		if sn.Tables[i].Name == table {
			t = &sn.Tables[i]
		}
	}
	if t == nil {
		return fmt.Errorf("read %s: no such table", table)
	}
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = quoteIdent(c)
	}
	q := `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + quoteIdent(table)
	if !sn.noRowid[table] {
		q += ` ORDER BY rowid`
	}
	rows, err := sn.tx.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read %s: %w", table, err)
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	return nil
}

// Close ends the read.
func (sn *Snapshot) Close() error { return sn.tx.Rollback() }

// tableNames lists the tables a dump holds, parents first (a table comes
// after every table its foreign keys point at), then by name; noRowid are
// the WITHOUT ROWID ones.
func tableNames(ctx context.Context, q querier) ([]string, map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, wr FROM pragma_table_list
		WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
			AND name <> 'schema_migrations' ORDER BY name`)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	noRowid := map[string]bool{}
	for rows.Next() {
		var name string
		var wr bool
		if err := rows.Scan(&name, &wr); err != nil {
			rows.Close()
			return nil, nil, err
		}
		names = append(names, name)
		noRowid[name] = wr
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	edges, err := foreignKeys(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	parents := map[string][]string{}
	for _, e := range edges {
		if e.parent != e.child {
			parents[e.child] = append(parents[e.child], e.parent)
		}
	}
	// Depth-first: a table goes out after its parents. The schema has no
	// cycles; placed guards against one all the same.
	var out []string
	placed := map[string]bool{}
	var place func(string)
	place = func(n string) {
		if placed[n] {
			return
		}
		placed[n] = true
		ps := parents[n]
		sort.Strings(ps)
		for _, p := range ps {
			if _, ok := noRowid[p]; ok {
				place(p)
			}
		}
		out = append(out, n)
	}
	for _, n := range names {
		place(n)
	}
	return out, noRowid, nil
}

func tableColumns(ctx context.Context, q querier, table string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", table, err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("%s: %w", table, err)
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// Loader writes a dump into an empty database in one write transaction:
// nothing of it is kept unless Commit succeeds. Foreign keys are checked at
// Commit, so tables may come in any order.
type Loader struct {
	tx      *sql.Tx
	columns map[string]map[string]bool // the schema's tables and their columns
	stmts   map[string]*sql.Stmt       // by table and column list
	Rows    int                        // rows inserted so far
}

// BeginLoad starts a load. It fails with ErrNotEmpty, saying what the
// database holds, unless every table but the settings is empty.
func (s *Store) BeginLoad(ctx context.Context) (*Loader, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	l := &Loader{tx: tx, columns: map[string]map[string]bool{}, stmts: map[string]*sql.Stmt{}}
	if err := l.begin(ctx); err != nil {
		tx.Rollback()
		return nil, err
	}
	return l, nil
}

func (l *Loader) begin(ctx context.Context) error {
	if _, err := l.tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	names, _, err := tableNames(ctx, l.tx)
	if err != nil {
		return fmt.Errorf("load: read the schema: %w", err)
	}
	var held []string
	for _, name := range names {
		cols, err := tableColumns(ctx, l.tx, name)
		if err != nil {
			return fmt.Errorf("load: read the schema: %w", err)
		}
		l.columns[name] = map[string]bool{}
		for _, c := range cols {
			l.columns[name][c] = true
		}
		if loadKeeps[name] {
			continue
		}
		var n int
		if err := l.tx.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteIdent(name)).Scan(&n); err != nil {
			return fmt.Errorf("load: %s: %w", name, err)
		}
		if n > 0 {
			held = append(held, fmt.Sprintf("%d %s", n, strings.ReplaceAll(name, "_", " ")))
		}
	}
	if len(held) > 0 {
		return fmt.Errorf("%w: it holds %s", ErrNotEmpty, strings.Join(held, ", "))
	}
	return nil
}

// Insert adds one row to table; cols name the values. A table or column
// this schema does not have is an error: nothing is dropped silently.
func (l *Loader) Insert(ctx context.Context, table string, cols []string, vals []any) error {
	known, ok := l.columns[table]
	if !ok {
		return fmt.Errorf("load: this Localpost has no table %q", table)
	}
	key := table + "\x00" + strings.Join(cols, "\x00")
	st, ok := l.stmts[key]
	if !ok {
		qc := make([]string, len(cols))
		for i, c := range cols {
			if !known[c] {
				return fmt.Errorf("load: this Localpost has no column %q in %s", c, table)
			}
			qc[i] = quoteIdent(c)
		}
		verb := `INSERT`
		if loadKeeps[table] {
			verb = `INSERT OR REPLACE`
		}
		var err error
		st, err = l.tx.PrepareContext(ctx, verb+` INTO `+quoteIdent(table)+` (`+strings.Join(qc, ", ")+`) VALUES (`+
			placeholders(len(cols))+`)`)
		if err != nil {
			return fmt.Errorf("load %s: %w", table, err)
		}
		l.stmts[key] = st
	}
	if _, err := st.ExecContext(ctx, vals...); err != nil {
		return fmt.Errorf("load %s%s: %w", table, rowKey(cols, vals), err)
	}
	l.Rows++
	return nil
}

// rowKey names a row in an error by its id, never by its texts.
func rowKey(cols []string, vals []any) string {
	for i, c := range cols {
		if c == "id" && i < len(vals) {
			return fmt.Sprintf(" (id %v)", vals[i])
		}
	}
	return ""
}

// SetAccountStates moves every account in state from to state to.
func (l *Loader) SetAccountStates(ctx context.Context, from, to AccountState) error {
	if _, err := l.tx.ExecContext(ctx, `UPDATE accounts SET state = ? WHERE state = ?`, to, from); err != nil {
		return fmt.Errorf("load: accounts: %w", err)
	}
	return nil
}

// Commit checks every foreign key and keeps the rows.
func (l *Loader) Commit(ctx context.Context) error {
	defer l.closeStmts()
	rows, err := l.tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("load: check references: %w", err)
	}
	var bad []string
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			rows.Close()
			return fmt.Errorf("load: check references: %w", err)
		}
		if len(bad) < 3 {
			bad = append(bad, fmt.Sprintf("a row of %s points at a missing row of %s", table, parent))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load: check references: %w", err)
	}
	if len(bad) > 0 {
		return fmt.Errorf("load: %s", strings.Join(bad, "; "))
	}
	if err := l.tx.Commit(); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	return nil
}

// Rollback drops everything loaded; after Commit it does nothing.
func (l *Loader) Rollback() error {
	l.closeStmts()
	if err := l.tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return err
	}
	return nil
}

func (l *Loader) closeStmts() {
	for k, st := range l.stmts {
		st.Close()
		delete(l.stmts, k)
	}
}
