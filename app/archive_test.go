package app

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"localpost/app/demo"
	"localpost/data"
	"localpost/platforms"
)

// keptSecrets is the in-memory keyring, remembering every value the app
// put into it so a test can look for each one elsewhere.
type keptSecrets struct {
	data.Secrets
	mu     sync.Mutex
	values []string
}

func (s *keptSecrets) Set(key, value string) error {
	s.mu.Lock()
	s.values = append(s.values, value)
	s.mu.Unlock()
	return s.Secrets.Set(key, value)
}

// secretParts are the values kept, and every string inside the JSON ones
// (access and refresh tokens, client secrets), long enough to be telling.
func (s *keptSecrets) secretParts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, v := range s.values {
		out = append(out, v)
		var m map[string]any
		if json.Unmarshal([]byte(v), &m) == nil {
			for k, x := range m {
				if str, ok := x.(string); ok && len(str) >= 8 && k != "client_id" && k != "ClientID" && k != "expiry" && k != "refresh_expiry" {
					out = append(out, str)
				}
			}
		}
	}
	return out
}

const recognisableSecret = "yt-client-secret-RECOGNISABLE-5f1c9e"

// filledArchiveApp is an App whose data folder holds some of everything,
// made through the app's own calls: a Mastodon and an X account, posts
// published with a picture (targets, attempts, remote ids), a scheduled
// post with labels and a pending upload, a series, an idea, snippets,
// labels, posting times, readings and settings. The publisher has stopped;
// the returned App has not started one.
func filledArchiveApp(t *testing.T) (*App, *keptSecrets) {
	t.Helper()
	ctx := context.Background()
	hc := NewHTTPClient()
	nets, err := demo.Start(hc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nets.Close)
	secrets := &keptSecrets{Secrets: data.MemorySecrets()}
	dir := t.TempDir()
	clk := &clock{t: time.Now().UTC()}
	nets.Mastodon.SetClock(clk.Now)
	cfg := Config{DataDir: dir, Secrets: secrets, HTTP: hc, OpenURL: nets.Approve, Providers: nets.Providers,
		Now: clk.Now, MetricsEvery: -1}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a.tick = 20 * time.Millisecond
	nets.Paste = a.PasteRedirect
	closed := false
	t.Cleanup(func() {
		if !closed {
			a.Close()
		}
	})
	x := nets.Credentials[platforms.X]
	if err := a.SetAppCredentials(platforms.X, x.ClientID, x.ClientSecret); err != nil {
		t.Fatal(err)
	}
	if err := a.SetRedirectPort(platforms.X, nets.Ports[platforms.X]); err != nil {
		t.Fatal(err)
	}
	// A developer app entered in Settings for a network not connected yet.
	if err := a.SetAppCredentials(platforms.YouTube, "yt-client-id", recognisableSecret); err != nil {
		t.Fatal(err)
	}

	masto, err := a.ConnectMastodon(ctx, nets.Mastodon.URL, nil)
	if err != nil {
		t.Fatalf("connect mastodon: %v", err)
	}
	if masto.AvatarPath == "" {
		t.Fatal("the Mastodon account has no avatar; the test needs one")
	}
	l, err := a.Connect(ctx, platforms.X, nil)
	if err != nil {
		t.Fatalf("connect x: %v", err)
	}
	xs, err := a.AddIdentities(ctx, l, []string{l.Identities[0].RemoteID})
	if err != nil || len(xs) != 1 {
		t.Fatalf("add x: %v", err)
	}
	xAcc := xs[0]
	both := []int64{masto.ID, xAcc.ID}

	mdir := t.TempDir()
	pic, err := a.AddMedia(ctx, writePNG(t, mdir, "shop window.png"))
	if err != nil {
		t.Fatal(err)
	}
	pic.Alt = "Bread in the shop window"
	photo, err := a.AddMedia(ctx, writeJPEG(t, mdir, "oven.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	published, err := a.PostNow(ctx, Draft{Text: "Fresh bread at 7 — «Grüße» & <tags> 🍞", Zone: time.UTC,
		AccountIDs: both, Media: []DraftMedia{pic}, Labels: []string{"Bakery"},
		Variants: map[int64]Variant{xAcc.ID: {Text: "Fresh bread at 7 on X"}}})
	if err != nil {
		t.Fatal(err)
	}
	a.Start(ctx)
	waitFor(t, "the post published", func() bool {
		p, err := a.Post(ctx, published.ID)
		return err == nil && (p.State == data.StatePublished || p.State == data.StateFailed)
	})
	published, _ = a.Post(ctx, published.ID)
	if published.State != data.StatePublished {
		t.Fatalf("post %s: %+v", published.State, published.Targets)
	}
	a.Close()
	closed = true

	// The same folder again, without a publisher: nothing changes behind
	// the test's back.
	a, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })

	later := time.Now().AddDate(0, 1, 0)
	sched, _, err := a.Schedule(ctx, Draft{Text: "Open day next month", Title: "note to self", Zone: time.UTC,
		Day: later, Clock: "10:30", AccountIDs: both, Media: []DraftMedia{photo, pic}, Labels: []string{"Weekly", "Bakery"}})
	if err != nil {
		t.Fatal(err)
	}
	// A multi-step upload under way: bytes that are not text.
	if err := a.Store.SetTargetPending(ctx, sched.Targets[0].ID, []byte{0, 1, 0xff, 0xfe, '{', '"'}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := a.ScheduleSeries(ctx, Draft{Text: "Weekly special", Zone: time.UTC, Day: later.AddDate(0, 0, 2),
		Clock: "08:00", AccountIDs: []int64{masto.ID}}, Repeat{Every: 1, Unit: data.SeriesWeeks, Count: 3}); err != nil {
		t.Fatal(err)
	}
	labels, err := a.Labels(ctx)
	if err != nil || len(labels) != 2 {
		t.Fatalf("labels %v %v", labels, err)
	}
	for i, l := range labels { // posts make labels; the user colours them
		l.Colour = []string{"#aa5500", "#0055aa"}[i]
		if _, err := a.SaveLabel(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	// Bytes that are not UTF-8 (pasted from an old file) stay as they were.
	if _, err := a.NewIdea(ctx, "Photos of the new oven? \xff\xfe caf\xe9"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SaveSnippet(ctx, data.SavedSnippet{Kind: data.SnippetText, Name: "Signature", Body: "— the bakery team"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SaveSnippet(ctx, data.SavedSnippet{Kind: data.SnippetHashtags, Name: "Bread", Body: "#bread #bakery"}); err != nil {
		t.Fatal(err)
	}
	if err := a.AddQueueSlots(ctx, masto.ID, []time.Weekday{time.Monday, time.Thursday}, "09:15"); err != nil {
		t.Fatal(err)
	}
	if err := a.SetAccountZone(ctx, xAcc.ID, "Europe/Berlin"); err != nil {
		t.Fatal(err)
	}
	for _, tg := range published.Targets {
		at := time.Now().Add(-time.Hour)
		for i, v := range []float64{3, 0.1} { // a whole and a fractional reading
			err := a.Store.RecordMetrics(ctx, tg.AccountID, at.Add(time.Duration(i)*time.Minute), []data.PostReading{{
				TargetID: tg.ID, Raw: map[string]float64{"likes": v, "shares": 1e-7},
				Derived: map[string]float64{"engagement": v / 7, "seen": 12}}},
				map[string]float64{"followers": 1234 + v, "ratio": math.Inf(1)}) // JSON has no infinity
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := a.SetZone("America/New_York"); err != nil {
		t.Fatal(err)
	}
	if err := a.SetMissedGrace(90 * time.Minute); err != nil {
		t.Fatal(err)
	}
	return a, secrets
}

// dumpRows is every row of every table of the store at dir, by table, in
// the order of their keys.
func dumpRows(t *testing.T, st *data.Store) map[string][][]any {
	t.Helper()
	ctx := context.Background()
	sn, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Close()
	out := map[string][][]any{}
	for _, tb := range sn.Tables {
		out[tb.Name] = [][]any{append([]any{}, anySlice(tb.Columns)...)}
		err := sn.Rows(ctx, tb.Name, func(vals []any) error {
			out[tb.Name] = append(out[tb.Name], append([]any(nil), vals...))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// folderFiles maps each file under dir/sub (thumbnails aside) to its bytes.
func folderFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, sub := range []string{data.MediaDir, data.AvatarDir} {
		root := filepath.Join(dir, sub)
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == data.ThumbsDir {
					return filepath.SkipDir
				}
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)] = b
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func openStore(t *testing.T, dir string) *data.Store {
	t.Helper()
	st, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// rowCount is how many rows all tables but the settings hold.
func rowCount(rows map[string][][]any) int {
	n := 0
	for name, r := range rows {
		if name != "settings" {
			n += len(r) - 1 // the first is the columns
		}
	}
	return n
}

func TestArchiveRoundTripKeepsEverythingButSecrets(t *testing.T) {
	a, secrets := filledArchiveApp(t)
	ctx := context.Background()
	before := dumpRows(t, a.Store)
	// Every table holds something, so the round trip is tested on all of
	// them (remote changes need a network holding a post; they go the
	// same generic way).
	for name, rows := range before {
		if len(rows) < 2 && name != "remote_changes" {
			t.Errorf("table %s is empty; fill it in filledArchiveApp", name)
		}
	}
	beforeFiles := folderFiles(t, a.DataDir())
	if len(beforeFiles) < 3 {
		t.Fatalf("files %v: want two media files and an avatar", fileNames(beforeFiles))
	}

	archive := filepath.Join(t.TempDir(), "everything.zip")
	var steps []ArchiveProgress
	if err := a.ExportArchive(ctx, archive, func(p ArchiveProgress) { steps = append(steps, p) }); err != nil {
		t.Fatal(err)
	}
	if len(steps) == 0 || steps[len(steps)-1].Done != steps[len(steps)-1].Total ||
		steps[len(steps)-1].Total < rowCount(before)+len(beforeFiles) {
		t.Errorf("export progress ended at %+v, want all %d rows and %d files", steps[len(steps)-1], rowCount(before), len(beforeFiles))
	}

	// No token, refresh token or client secret, compressed or not.
	raw, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	contents := [][]byte{raw}
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		contents = append(contents, b)
	}
	zr.Close()
	parts := secrets.secretParts()
	if len(parts) < 4 || !slicesContain(parts, recognisableSecret) {
		t.Fatalf("only %d secrets were kept; the test cannot prove much", len(parts))
	}
	for i, s := range parts {
		for j, c := range contents {
			if bytes.Contains(c, []byte(s)) { // never print the value itself
				t.Errorf("the archive (part %d) holds keyring value #%d (%d bytes)", j, i, len(s))
			}
		}
	}
	for _, want := range append([]string{"README.txt", "data.json"}, fileNames(beforeFiles)...) {
		if !names[want] {
			t.Errorf("the archive has no %s (it has %v)", want, names)
		}
	}

	// data.json is plain JSON anyone can read.
	var doc struct {
		Format        int                         `json:"format"`
		SchemaVersion int                         `json:"schema_version"`
		Tables        map[string][]map[string]any `json:"tables"`
	}
	zr2, _ := zip.OpenReader(archive)
	r, _ := zr2.Open("data.json")
	err = json.NewDecoder(r).Decode(&doc)
	r.Close()
	zr2.Close()
	if err != nil {
		t.Fatalf("data.json is not JSON: %v", err)
	}
	if doc.Format != ArchiveFormat || doc.SchemaVersion != data.LatestSchemaVersion() || len(doc.Tables["posts"]) != len(before["posts"])-1 {
		t.Errorf("data.json: format %d, schema %d, %d posts", doc.Format, doc.SchemaVersion, len(doc.Tables["posts"]))
	}
	if _, ok := doc.Tables["schema_migrations"]; ok {
		t.Error("data.json holds schema_migrations")
	}

	// Into a new folder: every row and file as it was; accounts reconnect.
	dst := filepath.Join(t.TempDir(), "new folder")
	var isteps []ArchiveProgress
	if err := ImportArchive(ctx, dst, archive, func(p ArchiveProgress) { isteps = append(isteps, p) }); err != nil {
		t.Fatal(err)
	}
	if last := isteps[len(isteps)-1]; last.Done != last.Total || last.Total < rowCount(before) {
		t.Errorf("import progress ended at %+v", last)
	}
	st := openStore(t, dst)
	after := dumpRows(t, st)
	if got, want := sortedKeys(after), sortedKeys(before); !reflect.DeepEqual(got, want) {
		t.Fatalf("tables %v, want %v", got, want)
	}
	for name, want := range before {
		got := after[name]
		if name == "accounts" {
			state := columnIndex(stringsOf(want[0]), "state")
			for i := 1; i < len(want); i++ {
				if want[i][state] != string(data.AccountConnected) || got[i][state] != string(data.AccountNeedsReconnect) {
					t.Errorf("account row %d: state %v → %v, want connected → needs_reconnect", i, want[i][state], got[i][state])
				}
				want[i][state] = got[i][state]
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("table %s differs after the round trip:\n got %#v\nwant %#v", name, got, want)
		}
	}
	afterFiles := folderFiles(t, dst)
	if !reflect.DeepEqual(fileNames(afterFiles), fileNames(beforeFiles)) {
		t.Fatalf("files %v, want %v", fileNames(afterFiles), fileNames(beforeFiles))
	}
	for name, b := range beforeFiles {
		if !bytes.Equal(afterFiles[name], b) {
			t.Errorf("%s differs after the round trip", name)
		}
	}

	// The imported folder works as a Localpost folder.
	b, err := New(Config{DataDir: dst, Secrets: data.MemorySecrets()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	accs, err := b.Accounts(ctx)
	if err != nil || len(accs) != 2 {
		t.Fatalf("accounts %v %v", accs, err)
	}
	if b.Location().String() != "America/New_York" {
		t.Errorf("zone %s after import", b.Location())
	}
}

func TestArchiveImportRefusesAFolderWithData(t *testing.T) {
	a, _ := filledArchiveApp(t)
	ctx := context.Background()
	archive := filepath.Join(t.TempDir(), "everything.zip")
	if err := a.ExportArchive(ctx, archive, nil); err != nil {
		t.Fatal(err)
	}

	// A folder with a post only (no account) is not empty either.
	other := t.TempDir()
	oa, err := New(Config{DataDir: other, Secrets: data.MemorySecrets()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := oa.NewIdea(ctx, "mine"); err != nil {
		t.Fatal(err)
	}
	oa.Close()

	for _, dir := range []string{a.DataDir(), other} {
		st := openStore(t, dir)
		rows, files := dumpRows(t, st), folderFiles(t, dir)
		err := ImportArchive(ctx, dir, archive, nil)
		if !errors.Is(err, data.ErrNotEmpty) || !strings.Contains(err.Error(), "--data-dir") ||
			!strings.Contains(err.Error(), "delete everything") {
			t.Fatalf("import into %s: %v, want a refusal saying to use an empty folder", dir, err)
		}
		if got := dumpRows(t, st); !reflect.DeepEqual(got, rows) {
			t.Errorf("the refused import changed the rows of %s", dir)
		}
		if got := folderFiles(t, dir); !reflect.DeepEqual(fileNames(got), fileNames(files)) {
			t.Errorf("the refused import changed the files of %s: %v, was %v", dir, fileNames(got), fileNames(files))
		}
	}
}

func TestArchiveImportOfADamagedArchiveImportsNothing(t *testing.T) {
	a, _ := filledArchiveApp(t)
	ctx := context.Background()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.zip")
	if err := a.ExportArchive(ctx, good, nil); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	var mediaEntry string
	for name := range folderFiles(t, a.DataDir()) {
		if strings.HasPrefix(name, data.MediaDir+"/") {
			mediaEntry = name
		}
	}

	cases := []struct {
		name, want string
		archive    func(t *testing.T) string
	}{
		{"a media file swapped for other bytes", "sha256", func(t *testing.T) string {
			return rewriteZip(t, good, func(name string, b []byte) []byte {
				if name == mediaEntry {
					return append(bytes.Clone(b[:len(b)-4]), "evil"...)
				}
				return b
			})
		}},
		{"a media file flipped inside the zip", "checksum", func(t *testing.T) string {
			// Stored uncompressed: flip one byte of its content in place.
			zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range zr.File {
				if f.Name == mediaEntry {
					off, err := f.DataOffset()
					if err != nil {
						t.Fatal(err)
					}
					b := bytes.Clone(raw)
					b[off+int64(f.CompressedSize64/2)] ^= 0xff
					return writeTemp(t, b)
				}
			}
			t.Fatalf("no %s in the archive", mediaEntry)
			return ""
		}},
		{"a media file left out", "not in the archive", func(t *testing.T) string {
			return rewriteZip(t, good, func(name string, b []byte) []byte {
				if name == mediaEntry {
					return nil
				}
				return b
			})
		}},
		{"the zip cut in half", "incomplete or damaged", func(t *testing.T) string {
			return writeTemp(t, raw[:len(raw)/2])
		}},
		{"data.json cut short", "data.json", func(t *testing.T) string {
			return rewriteZip(t, good, func(name string, b []byte) []byte {
				if name == "data.json" {
					return b[:len(b)*3/4]
				}
				return b
			})
		}},
		{"a newer schema", "newer Localpost", func(t *testing.T) string {
			return rewriteZip(t, good, func(name string, b []byte) []byte {
				if name == "data.json" {
					return bytes.Replace(b, []byte(`"schema_version": `), []byte(`"schema_version": 99`), 1)
				}
				return b
			})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.archive(t)
			dst := filepath.Join(t.TempDir(), "data")
			err := ImportArchive(ctx, dst, path, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("import: %v, want an error about %q", err, c.want)
			}
			if files := leftovers(t, dst); len(files) > 0 {
				t.Errorf("files left in the folder: %v", files)
			}
			if _, err := os.Stat(filepath.Join(dst, data.DBFile)); err == nil {
				st := openStore(t, dst)
				if n := rowCount(dumpRows(t, st)); n != 0 {
					t.Errorf("%d rows imported from a damaged archive", n)
				}
			}
		})
	}
}

func TestArchiveExportCancelLeavesNoFile(t *testing.T) {
	a, _ := filledArchiveApp(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "everything.zip")
	for _, after := range []int{1, 3, 6} { // during the files and during the rows
		ctx, cancel := context.WithCancel(context.Background())
		calls := 0
		err := a.ExportArchive(ctx, path, func(ArchiveProgress) {
			if calls++; calls == after {
				cancel()
			}
		})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancel after %d reports: %v", after, err)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Fatalf("cancel after %d reports left %v", after, ents)
		}
	}
	// A folder that cannot be written: an error, and nothing anywhere.
	if err := a.ExportArchive(context.Background(), filepath.Join(dir, "missing", "x.zip"), nil); err == nil {
		t.Fatal("export into a missing folder succeeded")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("a failed export left %v", ents)
	}
}

// rewriteZip copies the archive with each entry's content passed through
// edit (nil drops the entry), with fresh checksums.
func rewriteZip(t *testing.T, src string, edit func(name string, b []byte) []byte) string {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b = edit(f.Name, b); b == nil {
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: f.Method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, out.Bytes())
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "archive.zip")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// leftovers are the files an import left in a data folder besides the
// database itself (and its WAL and lock).
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if !d.IsDir() && !strings.HasPrefix(d.Name(), data.DBFile) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func fileNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedKeys(m map[string][][]any) []string { return fileNames(m) }

func stringsOf(vs []any) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i], _ = v.(string)
	}
	return out
}

func slicesContain(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
