package views

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
)

// importPlan is a checked file with a good row, a good row moved out of a
// DST gap, a row without a date and a row with problems.
func importPlan(loc *time.Location) app.ImportPlan {
	return app.ImportPlan{File: "/home/alice/plan.csv", Rows: []app.ImportRow{
		{Line: 2, Date: "2026-09-10", Time: "09:30", Accounts: []string{"@alice@example.social"}, Text: "Autumn\nsale",
			Media: []string{"/home/alice/a.png"}, At: time.Date(2026, 9, 10, 9, 30, 0, 0, loc)},
		{Line: 3, Date: "2027-03-28", Time: "02:30", Accounts: []string{"@alice@example.social"}, Text: "In the gap",
			At: time.Date(2027, 3, 28, 3, 30, 0, 0, loc), Note: "02:30 does not exist on 28 March 2027 in Europe/Berlin"},
		{Line: 4, Accounts: []string{"@alice@example.social"}, Text: "An idea"},
		{Line: 5, Date: "2026-13-01", Time: "09:30", Text: "Broken",
			Problems: []string{`No account "@bob": connect it in Accounts or fix the name.`, `"2026-13-01" is not a date: write it as YYYY-MM-DD, e.g. 2026-03-29.`}},
	}}
}

// cell renders one cell of the preview table as the table would.
func cell(d *importDialog, row, col int) *widget.Label {
	l := d.table.CreateCell().(*widget.Label)
	d.table.UpdateCell(widget.TableCellID{Row: row, Col: col}, l)
	return l
}

func openPreview(t *testing.T, f *fakeCore) *MainUI {
	t.Helper()
	loc := f.loc
	u := newTestUI(t, f, fixedNow(loc))
	u.previewCSV("/home/alice/plan.csv")
	u.b.wait()
	if len(f.importPaths) != 1 || f.importPaths[0] != "/home/alice/plan.csv" {
		t.Fatalf("PreviewCSV called with %q", f.importPaths)
	}
	return u
}

// previewOpen reports whether the preview dialog is showing.
func previewOpen(t *testing.T, u *MainUI) bool {
	t.Helper()
	return u.importDlg != nil && overlayButton(t, u.Window, u.importDlg.all.Text) != nil
}

func TestImportPreviewShowsEveryRowWithItsStatus(t *testing.T) {
	loc := berlin(t)
	f := newFakeCore(loc)
	f.importPlan = importPlan(loc)
	f.importN = 3
	u := openPreview(t, f)
	d := u.importDlg
	if d == nil || !previewOpen(t, u) {
		t.Fatal("no preview dialog")
	}
	if r, c := d.table.Length(); r != 4 || c != len(importColumns) {
		t.Fatalf("table is %d×%d, want 4 rows × %d columns", r, c, len(importColumns))
	}
	for _, tc := range []struct {
		row  int
		want string
		imp  widget.Importance
	}{
		{0, "ok", widget.SuccessImportance},
		{1, "ok — 02:30 does not exist on 28 March 2027 in Europe/Berlin", widget.WarningImportance},
		{2, "ok", widget.SuccessImportance},
		{3, `No account "@bob": connect it in Accounts or fix the name. "2026-13-01" is not a date`, widget.DangerImportance},
	} {
		l := cell(d, tc.row, 6)
		if !strings.HasPrefix(l.Text, tc.want) || l.Importance != tc.imp {
			t.Errorf("row %d status = %q (importance %v), want %q (%v)", tc.row, l.Text, l.Importance, tc.want, tc.imp)
		}
	}
	if got := cell(d, 0, 0).Text; got != "2" {
		t.Errorf("line cell = %q", got)
	}
	if got := cell(d, 0, 4).Text; got != "Autumn sale" {
		t.Errorf("text cell = %q, want one line", got)
	}
	if got := cell(d, 0, 5).Text; got != "1 file" {
		t.Errorf("media cell = %q", got)
	}
	if got := cell(d, 2, 1).Text; got != "(no date)" {
		t.Errorf("date cell of an undated row = %q", got)
	}
	if !strings.Contains(d.summary.Text, "1 of 4 rows have problems") {
		t.Errorf("summary = %q", d.summary.Text)
	}
	// Selecting a row shows its whole status.
	d.table.Select(widget.TableCellID{Row: 3, Col: 6})
	if !overlayHas(t, u.Window, "Line 5: "+f.importPlan.Rows[3].Status()) {
		t.Error("the selected row's status is not shown in full")
	}

	// A bad row blocks "Import 4 posts"; importing only the good ones is
	// the user's choice.
	if d.all.Text != "Import 4 posts" || !d.all.Disabled() {
		t.Errorf("import button %q disabled=%v, want disabled", d.all.Text, d.all.Disabled())
	}
	if d.good.Text != "Import only the 3 good rows" || !d.good.Visible() || d.good.Disabled() {
		t.Fatalf("good-rows button %q visible=%v disabled=%v", d.good.Text, d.good.Visible(), d.good.Disabled())
	}
	test.Tap(d.good)
	u.b.wait()
	if len(f.importCalls) != 1 || !f.importCalls[0] {
		t.Fatalf("ImportCSV calls (onlyGood) = %v, want [true]", f.importCalls)
	}
	if previewOpen(t, u) {
		t.Error("the preview stayed open after the import")
	}
	if got := u.calendar.status.Text; got != "Imported 3 posts." {
		t.Errorf("status = %q", got)
	}
	if m := u.calendar.month; m.Month() != time.September || m.Year() != 2026 {
		t.Errorf("calendar shows %v, want September 2026 (the first imported post)", m)
	}
}

func TestImportPreviewAllGoodImportsAll(t *testing.T) {
	loc := berlin(t)
	f := newFakeCore(loc)
	f.importPlan = importPlan(loc)
	f.importPlan.Rows = f.importPlan.Rows[:3]
	f.importN = 3
	u := openPreview(t, f)
	d := u.importDlg
	if d.all.Disabled() || d.all.Text != "Import 3 posts" || d.good.Visible() {
		t.Fatalf("buttons: %q disabled=%v; good visible=%v", d.all.Text, d.all.Disabled(), d.good.Visible())
	}
	if !strings.HasPrefix(d.summary.Text, "All 3 rows can be imported") {
		t.Errorf("summary = %q", d.summary.Text)
	}
	test.Tap(d.all)
	u.b.wait()
	if len(f.importCalls) != 1 || f.importCalls[0] {
		t.Fatalf("ImportCSV calls (onlyGood) = %v, want [false]", f.importCalls)
	}
}

func TestImportFailureKeepsThePreviewOpen(t *testing.T) {
	loc := berlin(t)
	f := newFakeCore(loc)
	f.importPlan = importPlan(loc)
	f.importPlan.Rows = f.importPlan.Rows[:1]
	f.importErr = errors.New("nothing was imported: line 2 could not be saved (database is locked); check the file again")
	u := openPreview(t, f)
	d := u.importDlg
	test.Tap(d.all)
	u.b.wait()
	if !previewOpen(t, u) || d.all.Disabled() {
		t.Errorf("after a failed import: preview open=%v, import disabled=%v", previewOpen(t, u), d.all.Disabled())
	}
	if !overlayHas(t, u.Window, "N"+f.importErr.Error()[1:]) { // the error dialog capitalises
		t.Error("the import error is not shown")
	}
	if u.calendar.status.Text != "" && strings.HasPrefix(u.calendar.status.Text, "Imported") {
		t.Errorf("status = %q after a failed import", u.calendar.status.Text)
	}
}

func TestImportUnreadableFileSaysNothingWasImported(t *testing.T) {
	loc := berlin(t)
	f := newFakeCore(loc)
	f.importPlanErr = errors.New("plan.csv: the column \"frist comment\" is not one Localpost reads")
	u := openPreview(t, f)
	if u.importDlg != nil {
		t.Error("a preview opened for an unreadable file")
	}
	if !overlayHas(t, u.Window, "Nothing was imported: "+f.importPlanErr.Error()) {
		t.Error("the file's error is not shown")
	}
}

type closeBuffer struct {
	bytes.Buffer
	closed bool
}

func (c *closeBuffer) Close() error { c.closed = true; return nil }

func TestExportForApproval(t *testing.T) {
	loc := berlin(t)
	f := newFakeCore(loc)
	f.exportPage = "<!DOCTYPE html><title>Posts for approval</title>"
	f.exportN = 12
	u := newTestUI(t, f, fixedNow(loc))
	u.onExportHTML()
	d := u.exportDlg
	if d.from.Text != "2026-07-01" || d.to.Text != "2026-07-31" {
		t.Errorf("range = %s … %s, want the shown month", d.from.Text, d.to.Text)
	}
	// A mistake is shown and nothing is written.
	d.to.SetText("2026-06-30")
	if _, _, ok := d.rangeOrError(); ok || !d.errLabel.Visible() || !strings.Contains(d.errLabel.Text, "before it starts") {
		t.Errorf("reversed range accepted (error %q)", d.errLabel.Text)
	}
	d.to.SetText("2026-07-07")
	from, to, ok := d.rangeOrError()
	if !ok || !from.Equal(time.Date(2026, 7, 1, 0, 0, 0, 0, loc)) || !to.Equal(time.Date(2026, 7, 8, 0, 0, 0, 0, loc)) {
		t.Fatalf("range = %v … %v (%v), want 1 July to the end of 7 July", from, to, ok)
	}
	var w closeBuffer
	d.export(&w, "week.html", from, to)
	u.b.wait()
	if w.String() != f.exportPage || !w.closed {
		t.Errorf("written %q, closed %v", w.String(), w.closed)
	}
	if len(f.exportRanges) != 1 || !f.exportRanges[0][0].Equal(from) || !f.exportRanges[0][1].Equal(to) {
		t.Errorf("ExportHTML ranges = %v", f.exportRanges)
	}
	if got := u.calendar.status.Text; got != "Exported 12 posts to week.html." {
		t.Errorf("status = %q", got)
	}

	f.exportErr = errors.New("disk full")
	var w2 closeBuffer
	d.export(&w2, "again.html", from, to)
	u.b.wait()
	if w2.Len() != 0 || !w2.closed {
		t.Errorf("after a failure: written %d bytes, closed %v", w2.Len(), w2.closed)
	}
	if !overlayHas(t, u.Window, "The page could not be saved: disk full. Choose another folder and try again.") {
		t.Error("the export error is not shown")
	}
}

func TestFileMenuHasImportAndExport(t *testing.T) {
	loc := berlin(t)
	u := newTestUI(t, newFakeCore(loc), fixedNow(loc))
	m := u.Window.MainMenu()
	if m == nil || len(m.Items) == 0 {
		t.Fatal("no main menu")
	}
	var labels []string
	for _, it := range m.Items[0].Items {
		labels = append(labels, it.Label)
	}
	if got := strings.Join(labels, ", "); !strings.Contains(got, "Import CSV…") || !strings.Contains(got, "Export for approval…") {
		t.Errorf("File menu = %q", got)
	}
}
