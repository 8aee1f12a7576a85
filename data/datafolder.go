package data

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// CopyDatabase writes a consistent copy of fromDir's database (which must be
// closed by the store, or not written meanwhile) to toDir with VACUUM INTO.
// The copy appears under its name only when complete.
func CopyDatabase(ctx context.Context, fromDir, toDir string) error {
	src := filepath.Join(fromDir, DBFile)
	dst := filepath.Join(toDir, DBFile)
	tmp := dst + ".part"
	_ = os.Remove(tmp)
	if err := vacuumInto(ctx, src, tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("copy %s: %w", src, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return nil
}

// TableCounts checks the database at path (PRAGMA quick_check, see
// CheckDatabase) and counts the rows of each of its tables, reading only.
func TableCounts(ctx context.Context, path string) (map[string]int64, error) {
	if err := CheckDatabase(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn(path, "mode=ro"))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return nil, fmt.Errorf("count rows in %s: %w", path, err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("count rows in %s: %w", path, err)
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count rows in %s: %w", path, err)
	}
	counts := make(map[string]int64, len(names))
	for _, n := range names {
		var c int64
		q := `SELECT count(*) FROM "` + strings.ReplaceAll(n, `"`, `""`) + `"`
		if err := db.QueryRowContext(ctx, q).Scan(&c); err != nil {
			return nil, fmt.Errorf("count rows of %s in %s: %w", n, path, err)
		}
		counts[n] = c
	}
	return counts, nil
}
