package data

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestOpenFreshAndReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "folder")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ms, _ := loadMigrations()
	latest := ms[len(ms)-1].version
	if v, err := s.SchemaVersion(ctx); err != nil || v != latest {
		t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, latest)
	}
	if err := s.SetSetting(ctx, "theme", "dark"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpenDir(t, dir) // idempotent: nothing pending, nothing backed up
	if got := s.Setting(ctx, "theme", "light"); got != "dark" {
		t.Errorf("setting after reopen = %q", got)
	}
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(ms) {
		t.Errorf("schema_migrations rows = %d, %v; want %d", n, err, len(ms))
	}
	if backups, _ := filepath.Glob(filepath.Join(dir, DBFile+".bak-*")); len(backups) != 0 {
		t.Errorf("backups made without a pending migration: %v", backups)
	}
	if s.Path() != filepath.Join(dir, DBFile) {
		t.Errorf("Path = %s", s.Path())
	}
}

func TestPragmas(t *testing.T) {
	s := mustOpen(t)
	checks := []struct {
		db    *sql.DB
		name  string
		want  string
		pragm string
	}{
		{s.w, "writer journal_mode", "wal", "journal_mode"},
		{s.w, "writer foreign_keys", "1", "foreign_keys"},
		{s.w, "writer busy_timeout", "5000", "busy_timeout"},
		{s.w, "writer synchronous", "1", "synchronous"},
		{s.r, "reader query_only", "1", "query_only"},
		{s.r, "reader foreign_keys", "1", "foreign_keys"},
	}
	for _, c := range checks {
		var got string
		if err := c.db.QueryRow("PRAGMA " + c.pragm).Scan(&got); err != nil || got != c.want {
			t.Errorf("%s = %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	if _, err := s.r.Exec(`INSERT INTO settings (key, value) VALUES ('a', 'b')`); err == nil {
		t.Error("the read pool accepted a write")
	}
}

func TestNoTokenColumns(t *testing.T) {
	s := mustOpen(t)
	rows, err := s.r.Query(`SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) p WHERE m.type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		if c := strings.ToLower(col); strings.Contains(c, "token") && c != "token_expiry" ||
			strings.Contains(c, "secret") || strings.Contains(c, "password") {
			t.Errorf("%s.%s looks like a secret column; tokens belong in the keyring", table, col)
		}
	}
}

// withMigrations swaps the migration source for one test.
func withMigrations(t *testing.T, extra map[string]string) {
	t.Helper()
	old := migrationFS
	m := fstest.MapFS{}
	names, _ := fsGlob(old)
	for _, n := range names {
		b, _ := readFS(old, n)
		m[n] = &fstest.MapFile{Data: b}
	}
	for n, sql := range extra {
		m[n] = &fstest.MapFile{Data: []byte(sql)}
	}
	migrationFS = m
	t.Cleanup(func() { migrationFS = old })
}

func TestBackupBeforeMigratingExistingFile(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	before, _ := s.SchemaVersion(ctx)
	if err := s.SetSetting(ctx, "kept", "yes"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if backups, _ := filepath.Glob(filepath.Join(dir, DBFile+".bak-*")); len(backups) != 0 {
		t.Fatalf("a fresh database was backed up: %v", backups)
	}

	withMigrations(t, map[string]string{"9000_test.sql": `CREATE TABLE test_extra (x INTEGER);`})
	s = mustOpenDir(t, dir)
	if v, _ := s.SchemaVersion(ctx); v != 9000 {
		t.Errorf("SchemaVersion = %d, want 9000", v)
	}
	backups, _ := filepath.Glob(filepath.Join(dir, DBFile+".bak-*"))
	if len(backups) != 1 {
		t.Fatalf("backups = %v, want one", backups)
	}
	if !strings.HasPrefix(filepath.Base(backups[0]), DBFile+".bak-"+itoa(before)+"-") {
		t.Errorf("backup name %s does not carry version %d", backups[0], before)
	}
	// The backup is the database as it was: old version, same data.
	b, err := sql.Open("sqlite", dsn(backups[0], "mode=ro"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var v int
	var kept string
	if err := b.QueryRow(`SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil || v != before {
		t.Errorf("backup version = %d, %v; want %d", v, err, before)
	}
	if err := b.QueryRow(`SELECT value FROM settings WHERE key = 'kept'`).Scan(&kept); err != nil || kept != "yes" {
		t.Errorf("backup setting = %q, %v", kept, err)
	}
}

func TestFailedMigrationRollsBack(t *testing.T) {
	dir := t.TempDir()
	s := mustOpenDir(t, dir)
	s.Close()
	withMigrations(t, map[string]string{"9000_bad.sql": `CREATE TABLE half (x); SELECT * FROM no_such_table;`})
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "9000_bad.sql") {
		t.Fatalf("Open with a bad migration: %v", err)
	}
	migrationFS = mustSub(embeddedMigrations, "migrations")
	s = mustOpenDir(t, dir)
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'half'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("half-applied migration left table behind (n=%d, %v)", n, err)
	}
}

func TestOpenNewerSchema(t *testing.T) {
	dir := t.TempDir()
	s := mustOpenDir(t, dir)
	if _, err := s.w.Exec(`INSERT INTO schema_migrations VALUES (99999, 'future', 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "newer Localpost") {
		t.Fatalf("Open of a newer schema: %v", err)
	}
}

func TestOpenRefusesWhatIsNotOurs(t *testing.T) {
	realDB := func(t *testing.T) []byte {
		dir := t.TempDir()
		s := mustOpenDir(t, dir)
		ctx := context.Background()
		a := mustAccount(t, s, "mastodon", "1")
		for i := 0; i < 300; i++ {
			mustPost(t, s, Post{Text: strings.Repeat("text of a post ", 20), PlannedAt: at("2026-01-02T10:00:00Z"),
				Targets: []Target{{AccountID: a.ID, State: StateScheduled}}})
		}
		_ = ctx
		s.Close()
		b, err := os.ReadFile(filepath.Join(dir, DBFile))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	otherProgram := func(t *testing.T) []byte {
		p := filepath.Join(t.TempDir(), "other.db")
		db, err := sql.Open("sqlite", p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)`); err != nil {
			t.Fatal(err)
		}
		db.Close()
		b, _ := os.ReadFile(p)
		return b
	}
	cases := []struct {
		name string
		file func(t *testing.T) []byte
	}{
		{"garbage", func(*testing.T) []byte { return []byte("this is my shopping list, not a database\n") }},
		{"one byte", func(*testing.T) []byte { return []byte{0} }},
		{"header only", func(*testing.T) []byte { return append([]byte{}, sqliteHeader...) }},
		{"header and garbage", func(*testing.T) []byte {
			return append(append([]byte{}, sqliteHeader...), bytes.Repeat([]byte{0xAB}, 8192)...)
		}},
		{"truncated", func(t *testing.T) []byte { b := realDB(t); return b[:len(b)/2] }},
		{"corrupt page", func(t *testing.T) []byte {
			b := realDB(t)
			page := int(b[16])<<8 | int(b[17])
			if page == 1 {
				page = 65536
			}
			for i := 2 * page; i < 3*page && i < len(b); i++ {
				b[i] = 0xFF
			}
			return b
		}},
		{"another program's database", otherProgram},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			want := c.file(t)
			path := writeFile(t, filepath.Join(dir, DBFile), want)
			s, err := Open(dir)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			t.Log(err)
			if !errors.Is(err, ErrNotDatabase) {
				t.Fatalf("error %v does not wrap ErrNotDatabase", err)
			}
			if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "left untouched") {
				t.Errorf("error does not name the file and say what to do: %v", err)
			}
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got, want) {
				t.Error("the file was modified")
			}
		})
	}
}

// A crash leaves the newest writes in localpost.db-wal; the read-only check
// must accept that and Open must keep them.
func TestOpenAfterCrash(t *testing.T) {
	live := t.TempDir()
	s := mustOpenDir(t, live)
	ctx := context.Background()
	if err := s.SetSetting(ctx, "in-wal", "yes"); err != nil {
		t.Fatal(err)
	}
	crashed := t.TempDir()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(filepath.Join(live, DBFile+suffix))
		if err != nil {
			t.Fatalf("%s%s: %v", DBFile, suffix, err)
		}
		writeFile(t, filepath.Join(crashed, DBFile+suffix), b)
	}
	c := mustOpenDir(t, crashed)
	if got := c.Setting(ctx, "in-wal", "lost"); got != "yes" {
		t.Errorf("setting written before the crash = %q", got)
	}
}

func TestOpenEmptyFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, DBFile), nil)
	mustOpenDir(t, dir) // an empty file is an empty database
}

func TestOpenDirectoryInTheWay(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, DBFile), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); !errors.Is(err, ErrNotDatabase) {
		t.Fatalf("Open = %v, want ErrNotDatabase", err)
	}
}

// FuzzOpenGarbage: whatever the file holds, Open either works or refuses
// with ErrNotDatabase, and a refused file is byte for byte what it was.
func FuzzOpenGarbage(f *testing.F) {
	f.Add([]byte("hello"))
	f.Add(append([]byte{}, sqliteHeader...))
	f.Add(append(append([]byte{}, sqliteHeader...), make([]byte, 4096)...))
	f.Add([]byte("SQLite format 2\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		path := writeFile(t, filepath.Join(dir, DBFile), b)
		s, err := Open(dir)
		if err == nil {
			s.Close()
			return
		}
		if !errors.Is(err, ErrNotDatabase) {
			t.Fatalf("Open = %v; want ErrNotDatabase or success", err)
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, b) {
			t.Fatal("refused file was modified")
		}
	})
}
