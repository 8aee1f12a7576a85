package data

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// dump is every row of every table of ours, in a stable order, to compare
// a database before a delete and after its undo.
func dump(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	rows, err := s.r.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, tb := range tables {
		tr := &tableRows{table: tb, seen: map[string]bool{}}
		r, err := s.r.QueryContext(ctx, `SELECT * FROM `+quoteIdent(tb)+` ORDER BY 1, 2`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := r.Columns()
		for r.Next() {
			v := make([]any, len(cols))
			p := make([]any, len(cols))
			for i := range v {
				p[i] = &v[i]
			}
			if err := r.Scan(p...); err != nil {
				t.Fatal(err)
			}
			tr.rows = append(tr.rows, v)
		}
		r.Close()
		fmt.Fprintf(&b, "%s %q\n", tb, cols)
		for _, v := range tr.rows {
			fmt.Fprintf(&b, "  %#v\n", v)
		}
	}
	return b.String()
}

// richPost is a post with everything that can hang on one: two targets
// (one published with an attempt and a metric, one with a variant and
// options), media with alt text, labels, and a remote change that points
// at a target.
func richPost(t *testing.T, s *Store) Post {
	t.Helper()
	ctx := context.Background()
	a1 := mustAccount(t, s, "mastodon", "1")
	a2 := mustAccount(t, s, "x", "2")
	m, err := s.AddMedia(ctx, tempFile(t, "cat.png", pngBytes(t, 40, 30)))
	if err != nil {
		t.Fatal(err)
	}
	m.Alt = "a cat"
	p := mustPost(t, s, Post{Text: "hello", Title: "note", PlannedAt: at("2026-07-20T09:00:00Z"), Zone: "Europe/Berlin",
		Targets: []Target{{AccountID: a1.ID, State: StateScheduled},
			{AccountID: a2.ID, State: StateScheduled, TextOverride: "hello X", Options: `{"first_comment":"more"}`}},
		Media: []Media{m}, Labels: []string{"Launch", "video"}})
	tg := p.Targets[0]
	if ok, err := s.ClaimTarget(ctx, tg.ID, at("2026-07-20T09:00:01Z")); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if err := s.FinishAttempt(ctx, tg.ID, Attempt{StartedAt: at("2026-07-20T09:00:01Z"), EndedAt: at("2026-07-20T09:00:02Z"),
		Outcome: "published", HTTPStatus: 200}, StatePublished, "r1", "https://example.social/@1/r1", "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO metrics (account_id, target_id, name, value, captured_at) VALUES (?, ?, 'likes', 3, 1)`,
		a1.ID, tg.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO remote_changes (target_id, account_id, network, remote_id, action, state, last_error, created_at)
		VALUES (?, ?, 'mastodon', 'old1', 'cancel', 'failed', 'could not take it back', 1)`, tg.ID, a1.ID); err != nil {
		t.Fatal(err)
	}
	p, err = s.Post(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDeleteAndRestoreBringsEverythingBack(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	p := richPost(t, s)
	other := mustPost(t, s, Post{Text: "another post"}) // the deleted one's id is not the highest
	before := dump(t, s)

	rec, err := s.DeletePostForUndo(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec == nil || rec.PostID != p.ID || rec.Snippet != "note" {
		t.Fatalf("record = %+v", rec)
	}
	if _, err := s.Post(ctx, p.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("post after delete: %v", err)
	}
	es, _ := s.CalendarEntries(ctx, at("2026-07-01T00:00:00Z"), at("2026-08-01T00:00:00Z"))
	if len(es) != 0 {
		t.Errorf("calendar after delete: %+v", es)
	}
	if dump(t, s) == before {
		t.Fatal("the delete changed nothing")
	}

	id, err := s.RestorePost(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	if id != p.ID {
		t.Errorf("restored as %d, want %d", id, p.ID)
	}
	if after := dump(t, s); after != before {
		t.Errorf("database after undo differs:\n--- before\n%s\n--- after\n%s", before, after)
	}
	if _, err := s.Post(ctx, other.ID); err != nil {
		t.Errorf("the other post: %v", err)
	}
}

func TestRestoreWhenANewPostTookTheID(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	p := richPost(t, s) // the highest id: SQLite hands it out again
	rec, err := s.DeletePostForUndo(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	acc := p.Targets[0].AccountID
	newer := mustPost(t, s, Post{Text: "written meanwhile", Targets: []Target{{AccountID: acc}}})
	if newer.ID != p.ID || newer.Targets[0].ID != p.Targets[0].ID {
		t.Skipf("SQLite did not reuse the ids (%d, %d); nothing to test", newer.ID, newer.Targets[0].ID)
	}

	id, err := s.RestorePost(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	if id == p.ID {
		t.Fatal("restored over the new post's id")
	}
	got, err := s.Post(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != "hello" || len(got.Targets) != 2 || len(got.Media) != 1 || got.Media[0].Alt != "a cat" ||
		strings.Join(got.Labels, ",") != "Launch,video" || got.State != p.State {
		t.Errorf("restored = %+v", got)
	}
	var pub, varied Target // by account: the ids moved
	for _, tg := range got.Targets {
		if tg.AccountID == acc {
			pub = tg
		} else {
			varied = tg
		}
	}
	if pub.RemoteID != "r1" || pub.State != StatePublished || varied.TextOverride != "hello X" || pub.ID == p.Targets[0].ID {
		t.Errorf("restored targets = %+v", got.Targets)
	}
	if at, err := s.Attempts(ctx, pub.ID); err != nil || len(at) != 1 {
		t.Errorf("attempts of the restored target: %+v, %v", at, err)
	}
	var rcTarget, metricTarget int64
	if err := s.r.QueryRowContext(ctx, `SELECT target_id FROM remote_changes`).Scan(&rcTarget); err != nil || rcTarget != pub.ID {
		t.Errorf("remote change points at %d (%v), want %d", rcTarget, err, pub.ID)
	}
	if err := s.r.QueryRowContext(ctx, `SELECT target_id FROM metrics`).Scan(&metricTarget); err != nil || metricTarget != pub.ID {
		t.Errorf("metric points at %d (%v), want %d", metricTarget, err, pub.ID)
	}
	n, err := s.Post(ctx, newer.ID)
	if err != nil || n.Text != "written meanwhile" || len(n.Targets) != 1 || len(n.Labels) != 0 {
		t.Errorf("the new post: %+v, %v", n, err)
	}
}

func TestRestoreFailsWholeWhenAnAccountWentAway(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	p := richPost(t, s)
	rec, err := s.DeletePostForUndo(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAccount(ctx, p.Targets[1].AccountID); err != nil {
		t.Fatal(err)
	}
	before := dump(t, s)
	if _, err := s.RestorePost(ctx, rec); err == nil || !strings.Contains(err.Error(), "removed meanwhile") {
		t.Fatalf("restore: %v", err)
	}
	if dump(t, s) != before {
		t.Error("a failed restore left rows behind")
	}
}

func TestHeldPostIsDeletedWithoutUndo(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	acc := mustAccount(t, s, "mastodon", "1")
	p := mustPost(t, s, Post{Text: "held", PlannedAt: at("2026-07-20T09:00:00Z"),
		Targets: []Target{{AccountID: acc.ID, State: StateScheduled}}})
	if err := s.HandOver(ctx, p.Targets[0].ID, Attempt{StartedAt: at("2026-07-01T09:00:00Z"), EndedAt: at("2026-07-01T09:00:01Z"),
		Outcome: "scheduled"}, "s1", "https://example.social/s1", "held"); err != nil {
		t.Fatal(err)
	}
	rec, err := s.DeletePostForUndo(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec != nil {
		t.Errorf("a held post came back with an undo record")
	}
	cs, err := s.PendingRemoteChanges(ctx, at("2030-01-01T00:00:00Z"), 10)
	if err != nil || len(cs) != 1 || cs[0].Action != RemoteCancel {
		t.Errorf("remote changes = %+v, %v", cs, err)
	}
	if _, err := s.DeletePostForUndo(ctx, p.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}
