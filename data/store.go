package data

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DBFile is the name of the database inside the data folder.
const DBFile = "localpost.db"

// ErrNotDatabase is returned (wrapped, naming the file) when the file at the
// path is not a SQLite database or is damaged. The file is never touched.
var ErrNotDatabase = errors.New("not a Localpost database")

//go:embed migrations/*.sql
var embeddedMigrations embed.FS

// migrationFS is the source of migrations; tests swap it to simulate an
// upgrade of an existing file.
var migrationFS fs.FS = mustSub(embeddedMigrations, "migrations")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// Store is the SQLite file. One writer connection, a pool of readers.
type Store struct {
	Dir string // the data folder; media/ and avatars/ live inside it

	path string
	w    *sql.DB // the only connection that writes; transactions BEGIN IMMEDIATE
	r    *sql.DB // query_only readers; WAL lets them run beside the writer
}

// Open opens (creating if missing) dir/localpost.db, checks it, backs it up
// with VACUUM INTO before migrating an existing file, and applies migrations.
//
// A file that is not a SQLite database, is damaged, or is some other
// program's database returns an error wrapping ErrNotDatabase that names the
// file; such a file is left exactly as it was.
func Open(dir string) (*Store, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("data folder %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	path := filepath.Join(dir, DBFile)
	existing, err := checkFile(path)
	if err != nil {
		return nil, err
	}

	w, err := sql.Open("sqlite", dsn(path, "_txlock=immediate",
		"_pragma=foreign_keys(1)", "_pragma=journal_mode(WAL)",
		"_pragma=busy_timeout(5000)", "_pragma=synchronous(NORMAL)"))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)

	s := &Store{Dir: dir, path: path, w: w}
	if err := s.migrate(context.Background(), existing); err != nil {
		w.Close()
		return nil, err
	}

	r, err := sql.Open("sqlite", dsn(path,
		"_pragma=foreign_keys(1)", "_pragma=busy_timeout(5000)", "_pragma=query_only(1)",
		"_pragma=cache_size(-16384)"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(max(4, runtime.NumCPU()))
	r.SetMaxIdleConns(max(4, runtime.NumCPU()))
	s.r = r
	return s, nil
}

func dsn(path string, params ...string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	if runtime.GOOS == "windows" {
		u.Path = "/" + u.Path // file:///C:/...
	}
	return u.String() + "?" + strings.Join(params, "&")
}

// Close closes the database.
func (s *Store) Close() error {
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		_, _ = s.w.Exec("PRAGMA optimize")
		errs = append(errs, s.w.Close())
	}
	return errors.Join(errs...)
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// --- checking an existing file

var sqliteHeader = []byte("SQLite format 3\x00")

// notDBError reads as a whole sentence for the user and still matches
// errors.Is(err, ErrNotDatabase).
type notDBError struct{ msg string }

func (e *notDBError) Error() string { return e.msg }
func (e *notDBError) Unwrap() error { return ErrNotDatabase }

func notDatabase(path, why string) error {
	return &notDBError{fmt.Sprintf("%s is not a Localpost database or is damaged (%s); it was left untouched. "+
		"Move it aside or restore a backup, then start Localpost again", path, why)}
}

// checkFile reports whether path holds a database already, and refuses one
// that is not ours or is damaged. It only reads: a read-only connection
// without pragmas, so nothing (not even the journal mode) is changed.
func checkFile(path string) (existing bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return false, fmt.Errorf("open %s: %w", path, err)
	}
	if st.IsDir() {
		return false, notDatabase(path, "it is a folder")
	}
	if st.Size() == 0 {
		return false, nil // SQLite treats an empty file as an empty database
	}
	head := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, sqliteHeader) {
		return true, notDatabase(path, "it does not start with the SQLite header")
	}

	db, err := sql.Open("sqlite", dsn(path, "mode=ro"))
	if err != nil {
		return true, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	var res []string
	rows, err := db.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return true, notDatabase(path, "quick_check: "+err.Error())
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return true, notDatabase(path, "quick_check: "+err.Error())
		}
		res = append(res, line)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return true, notDatabase(path, "quick_check: "+err.Error())
	}
	rows.Close()
	if len(res) != 1 || res[0] != "ok" {
		return true, notDatabase(path, "quick_check: "+strings.Join(first(res, 3), "; "))
	}

	// A sound SQLite file that holds tables but no migration record belongs
	// to some other program.
	var tables, ours int
	err = db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name = 'schema_migrations')
		FROM sqlite_schema WHERE type = 'table'`).Scan(&tables, &ours)
	if err != nil {
		return true, notDatabase(path, err.Error())
	}
	if tables > 0 && ours == 0 {
		return true, notDatabase(path, "it is a SQLite database of another program")
	}
	return ours > 0, nil
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// --- migrations

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names {
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and _", name)
		}
		b, err := fs.ReadFile(migrationFS, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share a number", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// migrate applies pending migrations, each in its own transaction. An
// existing file is first copied with VACUUM INTO next to itself.
func (s *Store) migrate(ctx context.Context, existing bool) error {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate %s: %w", s.path, err)
	}
	var current int
	if err := s.w.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("migrate %s: %w", s.path, err)
	}
	if n := len(ms); n > 0 && current > ms[n-1].version {
		return fmt.Errorf("%s was written by a newer Localpost (schema %d, this one knows %d); update Localpost",
			s.path, current, ms[n-1].version)
	}
	var pending []migration
	for _, m := range ms {
		if m.version > current {
			pending = append(pending, m)
		}
	}
	if len(pending) == 0 {
		return nil
	}
	if existing && current > 0 {
		backup := fmt.Sprintf("%s.bak-%d-%s", s.path, current, time.Now().UTC().Format("20060102T150405Z"))
		if _, err := s.w.ExecContext(ctx, `VACUUM INTO ?`, backup); err != nil {
			return fmt.Errorf("back up %s to %s before upgrading: %w", s.path, backup, err)
		}
	}
	for _, m := range pending {
		if err := s.applyMigration(ctx, m); err != nil {
			return fmt.Errorf("migrate %s: %s: %w", s.path, m.name, err)
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, m migration) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, time.Now().UnixMilli()); err != nil {
		return err
	}
	return tx.Commit()
}

// SchemaVersion is the highest migration applied to the file.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.r.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// --- helpers shared by the store files

// withTx runs fn in a write transaction: begin, defer rollback, commit.
func (s *Store) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// notFound maps sql.ErrNoRows to ErrNotFound at the package boundary.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// ms stores an instant as unix milliseconds; the zero time is NULL.
func ms(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// fromMS is the inverse of ms, in UTC.
func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

// querier is what both *sql.DB and *sql.Tx offer, so read helpers run inside
// a write transaction or on the read pool.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// execOne runs a statement that must change at least one row: ErrNotFound
// when it changed none.
func execOne(ctx context.Context, ex interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, query string, args ...any) error {
	res, err := ex.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// placeholders is n SQL parameters separated by commas: "?,?,?".
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }
