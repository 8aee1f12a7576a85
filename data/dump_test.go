package data

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestDumpOrdersParentsFirstAndLoadsEveryType(t *testing.T) {
	ctx := context.Background()
	src := mustOpen(t)
	acc := mustAccount(t, src, "mastodon", "1")
	p := mustPost(t, src, Post{Text: "hello", Targets: []Target{{AccountID: acc.ID, State: StateDraft}}})
	if err := src.SetTargetPending(ctx, p.Targets[0].ID, []byte{0, 0xff, 'x'}); err != nil {
		t.Fatal(err)
	}
	if err := src.RecordMetrics(ctx, acc.ID, at("2026-01-02T10:00:00Z"), nil, map[string]float64{"followers": 3, "ratio": 0.25}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.w.Exec(`INSERT INTO metrics (account_id, name, value, captured_at) VALUES (?, 'inf', ?, 1)`, acc.ID, math.Inf(1)); err != nil {
		t.Fatal(err)
	}

	sn, err := src.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Close()
	pos := map[string]int{}
	for i, tb := range sn.Tables {
		pos[tb.Name] = i
	}
	if _, ok := pos["schema_migrations"]; ok {
		t.Error("the dump holds schema_migrations")
	}
	for _, pair := range [][2]string{{"accounts", "targets"}, {"posts", "targets"}, {"targets", "attempts"},
		{"series", "posts"}, {"targets", "metrics_latest"}, {"labels", "post_labels"}} {
		if pos[pair[0]] > pos[pair[1]] {
			t.Errorf("%s comes after %s", pair[0], pair[1])
		}
	}

	dst := mustOpen(t)
	l, err := dst.BeginLoad(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][][]any{}
	for _, tb := range sn.Tables {
		err := sn.Rows(ctx, tb.Name, func(vals []any) error {
			want[tb.Name] = append(want[tb.Name], append([]any(nil), vals...))
			return l.Insert(ctx, tb.Name, tb.Columns, vals)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Insert(ctx, "posts", []string{"id", "no_such_column"}, []any{9, 1}); err == nil ||
		!strings.Contains(err.Error(), "no_such_column") {
		t.Errorf("an unknown column: %v", err)
	}
	if err := l.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	sn2, err := dst.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sn2.Close()
	for _, tb := range sn2.Tables {
		var got [][]any
		if err := sn2.Rows(ctx, tb.Name, func(vals []any) error {
			got = append(got, append([]any(nil), vals...))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want[tb.Name]) {
			t.Errorf("%s: got %#v, want %#v", tb.Name, got, want[tb.Name])
		}
	}

	// Now it holds data: a second load is refused and says what is there.
	if _, err := dst.BeginLoad(ctx); !errors.Is(err, ErrNotEmpty) || !strings.Contains(err.Error(), "1 accounts") {
		t.Errorf("load into a full store: %v", err)
	}
}

func TestLoadRollbackAndBrokenReferencesKeepNothing(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	if err := s.SetSetting(ctx, "zone", "UTC"); err != nil {
		t.Fatal(err)
	}
	l, err := s.BeginLoad(ctx) // settings alone do not count as data
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Insert(ctx, "settings", []string{"key", "value"}, []any{"zone", "Europe/Rome"}); err != nil {
		t.Fatal(err)
	}
	// A target whose post and account are not in the dump.
	if err := l.Insert(ctx, "targets", []string{"id", "post_id", "account_id", "state", "idempotency_key"},
		[]any{1, 7, 8, "draft", "k"}); err != nil {
		t.Fatal(err)
	}
	if err := l.Commit(ctx); err == nil || !strings.Contains(err.Error(), "targets") {
		t.Fatalf("commit with a broken reference: %v", err)
	}
	if err := l.Rollback(); err != nil {
		t.Fatal(err)
	}
	if v := s.Setting(ctx, "zone", ""); v != "UTC" {
		t.Errorf("zone %q after a failed load", v)
	}
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM targets`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d targets after a failed load (%v)", n, err)
	}
}
