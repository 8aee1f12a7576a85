package app

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // fixed zones whatever the machine has

	"github.com/zalando/go-keyring"

	"localpost/data"
)

// importEnv is an App on a real database file, without a publisher, with
// a Mastodon and an X account, on 1 March 2026 in Berlin.
type importEnv struct {
	app         *App
	dir         string
	alice, alx  data.Account
	now         time.Time
	berlin      *time.Location
	csvDir      string // a copy of testdata/csv
	postsBefore int
}

func newImportEnv(t *testing.T) *importEnv {
	t.Helper()
	keyring.MockInit()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	e := &importEnv{dir: t.TempDir(), berlin: berlin, now: time.Date(2026, 3, 1, 9, 0, 0, 0, berlin)}
	a, err := New(Config{DataDir: e.dir, Secrets: data.Keyring(), Now: func() time.Time { return e.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	e.app = a
	if err := a.SetZone("Europe/Berlin"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if e.alice, err = a.Store.SaveAccount(ctx, data.Account{Network: "mastodon", RemoteID: "1", Handle: "@alice@example.social",
		DisplayName: "Alice", Server: "https://example.social"}); err != nil {
		t.Fatal(err)
	}
	if e.alx, err = a.Store.SaveAccount(ctx, data.Account{Network: "x", RemoteID: "2", Handle: "@alicex", DisplayName: "Alice on X"}); err != nil {
		t.Fatal(err)
	}
	// The files are read from a copy, so relative media paths are resolved
	// against the CSV's own folder, not the working directory.
	e.csvDir = t.TempDir()
	ents, err := os.ReadDir("testdata/csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range ents {
		b, err := os.ReadFile(filepath.Join("testdata/csv", de.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(e.csvDir, de.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *importEnv) preview(t *testing.T, name string) ImportPlan {
	t.Helper()
	plan, err := e.app.PreviewCSV(context.Background(), filepath.Join(e.csvDir, name))
	if err != nil {
		t.Fatalf("PreviewCSV(%s): %v", name, err)
	}
	return plan
}

// counts reads the database file itself: posts, targets, post media.
func (e *importEnv) counts(t *testing.T) (posts, targets, media int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(filepath.Join(e.dir, data.DBFile))+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM targets), (SELECT count(*) FROM post_media)`).
		Scan(&posts, &targets, &media); err != nil {
		t.Fatal(err)
	}
	return posts, targets, media
}

func TestCSVImportGoodFile(t *testing.T) {
	e := newImportEnv(t)
	ctx := context.Background()
	plan := e.preview(t, "good.csv")
	if len(plan.Rows) != 4 || plan.Good() != 4 {
		for _, r := range plan.Rows {
			t.Logf("line %d: %s", r.Line, r.Status())
		}
		t.Fatalf("%d rows, %d good; want 4 and 4", len(plan.Rows), plan.Good())
	}
	if p, _, _ := e.counts(t); p != 0 {
		t.Fatalf("the preview stored %d posts", p)
	}
	r0 := plan.Rows[0]
	if r0.Line != 2 || r0.Status() != "ok" || len(r0.Media) != 1 || r0.Media[0] != filepath.Join(e.csvDir, "photo.png") {
		t.Errorf("row 1 = line %d %q media %q", r0.Line, r0.Status(), r0.Media)
	}
	if want := time.Date(2026, 3, 10, 8, 30, 0, 0, time.UTC); !r0.At.Equal(want) {
		t.Errorf("row 1 at %v, want %v", r0.At, want)
	}
	if got := plan.Rows[1].Accounts; len(got) != 2 || got[0] != "@alicex" || got[1] != "@alice@example.social" {
		t.Errorf("row 2 accounts = %q", got)
	}
	// 02:30 on 29 March 2026 does not exist in Berlin: 03:30 CEST instead.
	dst := plan.Rows[2]
	if want := time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC); !dst.OK() || !dst.At.Equal(want) {
		t.Errorf("DST-gap row: ok=%v at %v, want %v", dst.OK(), dst.At, want)
	}
	if s := dst.Status(); !strings.HasPrefix(s, "ok — ") || !strings.Contains(s, "does not exist") || !strings.Contains(s, "03:30") {
		t.Errorf("DST-gap row status = %q", s)
	}
	if r := plan.Rows[3]; !r.At.IsZero() || r.Status() != "ok" {
		t.Errorf("undated row: at %v status %q", r.At, r.Status())
	}

	n, err := e.app.ImportCSV(ctx, plan, false)
	if err != nil || n != 4 {
		t.Fatalf("ImportCSV = %d, %v", n, err)
	}
	posts, targets, media := e.counts(t)
	if posts != 4 || targets != 5 || media != 1 {
		t.Errorf("stored %d posts, %d targets, %d media links; want 4, 5, 1", posts, targets, media)
	}
	es, err := e.app.Store.CalendarEntries(ctx, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || len(es) != 3 {
		t.Fatalf("March has %d posts (%v), want 3", len(es), err)
	}
	p, err := e.app.Store.Post(ctx, es[0].PostID)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != data.StateScheduled || p.Zone != "Europe/Berlin" || len(p.Media) != 1 || len(p.Targets) != 1 {
		t.Errorf("first post = %+v", p)
	}
	if _, err := os.Stat(e.app.Store.MediaPath(p.Media[0])); err != nil {
		t.Errorf("the image was not copied into the data folder: %v", err)
	}
	if fc := targetOptions(p.Targets[0]).FirstComment; fc != "Ask us anything below" {
		t.Errorf("first comment = %q", fc)
	}
	if es[2].PlannedAt != time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC) {
		t.Errorf("DST-gap post planned at %v", es[2].PlannedAt)
	}
}

func TestCSVImportBadFileSaysWhyPerRow(t *testing.T) {
	e := newImportEnv(t)
	ctx := context.Background()
	plan := e.preview(t, "bad.csv")
	want := []string{
		`No account "@nobody@example.social"`,
		`"2026-13-01" is not a date`,
		`"25:00" is not a time of day`,
		`over X's limit of 280`,
		`missing.png does not exist`,
		`notes.txt is a text file, which Localpost cannot attach`,
		`Unknown time zone "Mars/Olympus"`,
		`2026-02-01 09:30 is in the past`,
	}
	if len(plan.Rows) != len(want) || plan.Good() != 0 {
		t.Fatalf("%d rows, %d good; want %d and 0", len(plan.Rows), plan.Good(), len(want))
	}
	for i, w := range want {
		r := plan.Rows[i]
		if r.OK() || !strings.Contains(r.Status(), w) {
			t.Errorf("line %d status = %q, want it to say %q", r.Line, r.Status(), w)
		}
		if r.Line != i+2 {
			t.Errorf("row %d is on line %d, want %d", i, r.Line, i+2)
		}
	}
	if _, err := e.app.ImportCSV(ctx, plan, false); err == nil || !strings.Contains(err.Error(), "8 of 8 rows have problems") {
		t.Errorf("import of a bad file: %v", err)
	}
	if _, err := e.app.ImportCSV(ctx, plan, true); err == nil {
		t.Error("importing only the good rows of a file without any succeeded")
	}
	if p, tg, m := e.counts(t); p+tg+m != 0 {
		t.Errorf("a bad file stored %d posts, %d targets, %d media", p, tg, m)
	}
}

func TestCSVImportMixedFileOnlyGoodRowsWhenAsked(t *testing.T) {
	e := newImportEnv(t)
	ctx := context.Background()
	plan := e.preview(t, "mixed.csv") // columns in another order, other case, no zone column
	if len(plan.Rows) != 3 || plan.Good() != 2 || plan.Rows[1].OK() {
		for _, r := range plan.Rows {
			t.Logf("line %d: %s", r.Line, r.Status())
		}
		t.Fatalf("%d rows, %d good; want 3 with the second bad", len(plan.Rows), plan.Good())
	}
	if got := plan.Rows[2].Accounts; len(got) != 2 {
		t.Errorf("network:handle without @ found %q", got)
	}
	if _, err := e.app.ImportCSV(ctx, plan, false); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("import with a bad row: %v, want a refusal naming line 3", err)
	}
	if p, _, _ := e.counts(t); p != 0 {
		t.Fatalf("a refused import stored %d posts", p)
	}
	n, err := e.app.ImportCSV(ctx, plan, true)
	if err != nil || n != 2 {
		t.Fatalf("ImportCSV(only good) = %d, %v", n, err)
	}
	if p, tg, m := e.counts(t); p != 2 || tg != 3 || m != 1 {
		t.Errorf("stored %d posts, %d targets, %d media; want 2, 3, 1", p, tg, m)
	}
}

func TestCSVImportFailureInTheMiddleKeepsNothing(t *testing.T) {
	e := newImportEnv(t)
	ctx := context.Background()
	plan := e.preview(t, "good.csv")
	// The X account goes away between the preview and the import: the
	// second post cannot be stored, after the first was written in the
	// same transaction.
	if err := e.app.Store.DeleteAccount(ctx, e.alx.ID); err != nil {
		t.Fatal(err)
	}
	_, err := e.app.ImportCSV(ctx, plan, false)
	if err == nil || !strings.Contains(err.Error(), "nothing was imported") || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("ImportCSV error = %v, want nothing imported, naming line 3", err)
	}
	if p, tg, m := e.counts(t); p+tg+m != 0 {
		t.Errorf("a failed import left %d posts, %d targets, %d media links", p, tg, m)
	}
}

func TestCSVImportRowInThePastByImportTime(t *testing.T) {
	e := newImportEnv(t)
	plan := e.preview(t, "good.csv")
	e.now = time.Date(2026, 3, 10, 12, 0, 0, 0, e.berlin) // the user waited with the preview open
	if _, err := e.app.ImportCSV(context.Background(), plan, false); err == nil || !strings.Contains(err.Error(), "past") {
		t.Errorf("ImportCSV = %v, want a refusal for the row now in the past", err)
	}
	if p, _, _ := e.counts(t); p != 0 {
		t.Errorf("%d posts stored", p)
	}
}

func TestCSVImportFileErrors(t *testing.T) {
	e := newImportEnv(t)
	for _, tc := range []struct{ name, body, want string }{
		{"empty", "", "is empty"},
		{"header only", "date,time,accounts,text\n", "has no posts"},
		{"missing columns", "date,text\n2026-03-10,hi\n", "time, accounts missing"},
		{"unknown column", "date,time,accounts,text,frist comment\n", `"frist comment" is not one Localpost reads`},
		{"twice", "date,time,accounts,text,Text\n", "appears twice"},
		{"broken quotes", "date,time,accounts,text\n2026-03-10,09:00,alice,\"open\n", "not a CSV file"},
	} {
		p := filepath.Join(t.TempDir(), "plan.csv")
		if err := os.WriteFile(p, []byte(tc.body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.PreviewCSV(context.Background(), p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestCSVImportSemicolonsAndAmbiguousHandles(t *testing.T) {
	e := newImportEnv(t)
	ctx := context.Background()
	// A second @alice, on another Mastodon server.
	if _, err := e.app.Store.SaveAccount(ctx, data.Account{Network: "mastodon", RemoteID: "3", Handle: "@alice@other.example",
		Server: "https://other.example"}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(e.csvDir, "semi.csv")
	body := "\ufeffDate;Time;Accounts;Text\n2026-03-10;09:30;alice;\"Which Alice?\"\n2026-03-10;09:30;@ALICE@example.social;Case does not matter\n"
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	plan, err := e.app.PreviewCSV(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Rows) != 2 || plan.Rows[0].OK() || !strings.Contains(plan.Rows[0].Status(), "more than one account") {
		t.Errorf("ambiguous row: %+v", plan.Rows)
	}
	if !plan.Rows[1].OK() {
		t.Errorf("upper-case handle: %s", plan.Rows[1].Status())
	}
}
