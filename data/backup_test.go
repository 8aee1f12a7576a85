package data

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// countPosts reads how many posts the database file at path holds.
func countPosts(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, "mode=ro"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM posts`).Scan(&n); err != nil {
		t.Fatalf("count posts in %s: %v", path, err)
	}
	return n
}

func TestBackupKeepsTheNewestSeven(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	mustPost(t, s, Post{Text: "kept in every backup"})
	t0 := at("2026-03-01T10:00:00Z")
	var made []Backup
	for i := range KeepBackups + 1 {
		b, err := s.Backup(ctx, t0.Add(time.Duration(i)*24*time.Hour))
		if err != nil {
			t.Fatalf("backup %d: %v", i, err)
		}
		made = append(made, b)
	}
	bs, err := Backups(s.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != KeepBackups {
		t.Fatalf("%d backups kept, want %d: %v", len(bs), KeepBackups, bs)
	}
	if _, err := os.Stat(made[0].Path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the oldest backup %s is still there (%v)", made[0].Name, err)
	}
	for i, b := range bs {
		want := made[len(made)-1-i] // newest first
		if b.Name != want.Name || !b.At.Equal(want.At) {
			t.Errorf("backup %d is %s at %s, want %s at %s", i, b.Name, b.At, want.Name, want.At)
		}
		if b.Size <= 0 {
			t.Errorf("%s: size %d", b.Name, b.Size)
		}
		if err := CheckDatabase(b.Path); err != nil {
			t.Errorf("%s is not a sound database: %v", b.Name, err)
		}
		if n := countPosts(t, b.Path); n != 1 {
			t.Errorf("%s holds %d posts, want 1", b.Name, n)
		}
	}
	// Two in the same second keep both.
	b1, err := s.Backup(ctx, t0.Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	b2, err := s.Backup(ctx, t0.Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	bs, _ = Backups(s.Dir)
	if b1.Name == b2.Name || len(bs) != KeepBackups || bs[0].Name != b2.Name || bs[1].Name != b1.Name {
		t.Errorf("same-second backups %s, %s; list starts %v", b1.Name, b2.Name, bs[:2])
	}
	// Other files in backups/ are neither listed nor removed.
	other := filepath.Join(s.Dir, BackupsDir, "notes.txt")
	if err := os.WriteFile(other, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := PruneBackups(s.Dir, 1); err != nil {
		t.Fatal(err)
	}
	if bs, _ = Backups(s.Dir); len(bs) != 1 || bs[0].Name != b2.Name {
		t.Errorf("after pruning to 1: %v", bs)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("a file that is not a backup went: %v", err)
	}
}

func TestRestoreBackupMovesTheReplacedFilesAside(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	mustPost(t, s, Post{Text: "before the backup"})
	b, err := s.Backup(ctx, at("2026-03-01T10:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	mustPost(t, s, Post{Text: "after the backup"})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}

	for _, bad := range []string{"", "../localpost.db", "notes.txt", "localpost-20260301-100000.db/x"} {
		if err := RestoreBackup(dir, bad, time.Now()); err == nil {
			t.Errorf("RestoreBackup(%q) = nil, want a refusal", bad)
		}
	}
	now := at("2026-03-02T08:00:00Z")
	if err := RestoreBackup(dir, b.Name, now); err != nil {
		t.Fatal(err)
	}
	aside := filepath.Join(dir, ReplacedDir, now.Format("20060102-150405"), DBFile)
	moved, err := os.ReadFile(aside)
	if err != nil {
		t.Fatalf("the replaced database is not in replaced/: %v", err)
	}
	if !bytes.Equal(moved, before) {
		t.Error("the file in replaced/ is not the replaced database")
	}
	if _, err := os.Stat(b.Path); err != nil {
		t.Errorf("the backup itself went: %v", err)
	}
	s = mustOpenDir(t, dir)
	var texts []string
	rows, err := s.r.QueryContext(ctx, `SELECT text FROM posts ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var x string
		if err := rows.Scan(&x); err != nil {
			t.Fatal(err)
		}
		texts = append(texts, x)
	}
	if len(texts) != 1 || texts[0] != "before the backup" {
		t.Errorf("restored posts %q, want only the backup's", texts)
	}
}

func TestDamagedDatabaseComesBackFromTheLatestBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	mustPost(t, s, Post{Text: "one"})
	if _, err := s.Backup(ctx, at("2026-03-01T10:00:00Z")); err != nil {
		t.Fatal(err)
	}
	mustPost(t, s, Post{Text: "two"})
	newest, err := s.Backup(ctx, at("2026-03-02T10:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// A newer backup that is itself damaged is passed over.
	broken := filepath.Join(dir, BackupsDir, "localpost-20260303-100000.db")
	if err := os.WriteFile(broken, []byte("SQLite format 3\x00 and then nothing"), 0o600); err != nil {
		t.Fatal(err)
	}

	// Garbage over the pages after the header.
	path := filepath.Join(dir, DBFile)
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	junk := bytes.Repeat([]byte("garbage!"), 4096)
	if _, err := f.WriteAt(junk, 100); err != nil {
		t.Fatal(err)
	}
	f.Close()
	damaged, _ := os.ReadFile(path)

	if _, err := Open(dir); !errors.Is(err, ErrNotDatabase) {
		t.Fatalf("Open on the damaged file: %v, want ErrNotDatabase", err)
	}
	b, ok := LatestBackup(dir)
	if !ok || b.Name != newest.Name {
		t.Fatalf("LatestBackup = %v, %v; want %s", b, ok, newest.Name)
	}
	now := at("2026-03-04T07:00:00Z")
	if err := RestoreBackup(dir, b.Name, now); err != nil {
		t.Fatal(err)
	}
	kept, err := os.ReadFile(filepath.Join(dir, ReplacedDir, "20260304-070000", DBFile))
	if err != nil || !bytes.Equal(kept, damaged) {
		t.Errorf("the damaged file is not kept unchanged in replaced/ (%v)", err)
	}
	s = mustOpenDir(t, dir)
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM posts`).Scan(&n); err != nil || n != 2 {
		t.Errorf("restored database holds %d posts (%v), want the backup's 2", n, err)
	}
	// A restore of the broken backup is refused and changes nothing.
	if err := RestoreBackup(dir, filepath.Base(broken), now); !errors.Is(err, ErrNotDatabase) {
		t.Errorf("restoring a damaged backup: %v, want ErrNotDatabase", err)
	}
}

func TestLatestBackupWithoutBackups(t *testing.T) {
	if b, ok := LatestBackup(t.TempDir()); ok {
		t.Errorf("LatestBackup in an empty folder = %v", b)
	}
}
