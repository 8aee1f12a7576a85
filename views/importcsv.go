package views

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
)

// importColumns are the preview table's columns: title and width.
var importColumns = []struct {
	title string
	width float32
}{
	{"Line", 50}, {"Date", 96}, {"Time", 56}, {"Accounts", 190}, {"Text", 260}, {"Media", 70}, {"Status", 420},
}

// importDialog shows a checked CSV file one row per line, with "ok" or
// the reason a row cannot be imported, and imports it on request: all rows
// at once, or only the good ones when the user says so.
type importDialog struct {
	core Core
	b    *bridge
	plan app.ImportPlan

	table   *widget.Table
	summary *widget.Label
	all     *widget.Button // "Import N posts"
	good    *widget.Button // "Import only the good rows"
	dlg     *dialog.CustomDialog

	onDone func(n int, plan app.ImportPlan)
}

// onImportCSV asks for a CSV file and shows its preview.
func (u *MainUI) onImportCSV() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.b.errorDialog(err)
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		u.previewCSV(path)
	}, u.Window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".CSV", ".txt"}))
	d.Show()
}

// previewCSV checks the file off the UI thread and shows the preview.
func (u *MainUI) previewCSV(path string) {
	u.calendar.setStatus("Checking "+filepath.Base(path)+"…", false)
	u.b.run(func() func() {
		ctx, cancel := u.b.ctx()
		defer cancel()
		plan, err := u.core.PreviewCSV(ctx, path)
		return func() {
			u.calendar.setStatus("", false)
			if err != nil {
				u.b.errorDialog(fmt.Errorf("nothing was imported: %w", err))
				return
			}
			d := &importDialog{core: u.core, b: u.b, plan: plan, onDone: u.onImported}
			d.show()
			u.importDlg = d
		}
	})
}

// onImported shows the month of the first imported post.
func (u *MainUI) onImported(n int, plan app.ImportPlan) {
	for _, r := range plan.Rows {
		if r.OK() && !r.At.IsZero() {
			u.calendar.setMonth(r.At)
			break
		}
	}
	u.tabs.Select(u.calendarTab)
	u.Refresh()
	if n == 1 {
		u.flash("Imported 1 post.")
	} else {
		u.flash(fmt.Sprintf("Imported %d posts.", n))
	}
}

func (d *importDialog) show() {
	rows := d.plan.Rows
	d.table = &widget.Table{
		Length: func() (int, int) { return len(rows), len(importColumns) },
		CreateCell: func() fyne.CanvasObject {
			return &widget.Label{Truncation: fyne.TextTruncateEllipsis}
		},
		UpdateCell: func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			text, imp := importCell(rows[id.Row], id.Col)
			l.Text, l.Importance = text, imp
			l.Refresh()
		},
		ShowHeaderRow: true,
		CreateHeader: func() fyne.CanvasObject {
			return &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
		},
		UpdateHeader: func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Col >= 0 {
				o.(*widget.Label).SetText(importColumns[id.Col].title)
			}
		},
	}
	d.table.ExtendBaseWidget(d.table)
	for i, c := range importColumns {
		d.table.SetColumnWidth(i, c.width)
	}
	// Hovering is not possible everywhere: selecting a row shows its whole
	// status below the table.
	detail := ext(&widget.Label{Wrapping: fyne.TextWrapWord})
	d.table.OnSelected = func(id widget.TableCellID) {
		r := rows[id.Row]
		detail.SetText(fmt.Sprintf("Line %d: %s", r.Line, r.Status()))
	}

	good, bad := d.plan.Good(), len(rows)-d.plan.Good()
	d.summary = ext(&widget.Label{Wrapping: fyne.TextWrapWord})
	switch {
	case bad == 0:
		d.summary.SetText(fmt.Sprintf("All %d rows can be imported. Nothing is saved until you import.", len(rows)))
	case good == 0:
		d.summary.SetText(fmt.Sprintf("None of the %d rows can be imported; the status column says why. Fix the file and import it again.", len(rows)))
		d.summary.Importance = widget.DangerImportance
	default:
		d.summary.SetText(fmt.Sprintf("%d of %d rows have problems (see the status column). Fix the file and import it again, or import only the %d good rows.",
			bad, len(rows), good))
		d.summary.Importance = widget.WarningImportance
	}
	d.all = ext(&widget.Button{Text: plural(len(rows), "Import 1 post", "Import %d posts"), Importance: widget.HighImportance,
		OnTapped: func() { d.onImport(false) }})
	if bad > 0 {
		d.all.Disable()
	}
	d.good = ext(&widget.Button{Text: plural(good, "Import only the good row", "Import only the %d good rows"),
		OnTapped: func() { d.onImport(true) }})
	if bad == 0 || good == 0 {
		d.good.Hide()
	}
	cancel := ext(&widget.Button{Text: "Cancel", OnTapped: func() { d.dlg.Hide() }})

	top := container.NewVBox(ext(&widget.Label{Text: d.plan.File, Truncation: fyne.TextTruncateEllipsis}), d.summary)
	bottom := container.NewVBox(detail, container.NewHBox(cancel, d.good, d.all))
	content := container.NewBorder(top, bottom, nil, nil, d.table)
	d.dlg = dialog.NewCustomWithoutButtons("Import posts from CSV", content, d.b.win)
	d.dlg.Resize(fyne.NewSize(1000, 600))
	d.dlg.Show()
}

// importCell is what one cell of the preview shows.
func importCell(r app.ImportRow, col int) (string, widget.Importance) {
	switch col {
	case 0:
		return fmt.Sprint(r.Line), widget.MediumImportance
	case 1:
		if r.Date == "" && r.Time == "" {
			return "(no date)", widget.LowImportance
		}
		return r.Date, widget.MediumImportance
	case 2:
		return r.Time, widget.MediumImportance
	case 3:
		return strings.Join(r.Accounts, ", "), widget.MediumImportance
	case 4:
		return oneLine(r.Text), widget.MediumImportance
	case 5:
		if len(r.Media) == 0 {
			return "", widget.MediumImportance
		}
		return plural(len(r.Media), "1 file", "%d files"), widget.MediumImportance
	case 6:
		if !r.OK() {
			return r.Status(), widget.DangerImportance
		}
		if r.Note != "" {
			return r.Status(), widget.WarningImportance
		}
		return r.Status(), widget.SuccessImportance
	}
	return "", widget.MediumImportance
}

// onImport saves the rows (all, or only the good ones) in one go.
func (d *importDialog) onImport(onlyGood bool) {
	d.all.Disable()
	d.good.Disable()
	plan := d.plan
	d.b.run(func() func() {
		ctx, cancel := d.b.ctx()
		defer cancel()
		n, err := d.core.ImportCSV(ctx, plan, onlyGood)
		return func() {
			if err != nil {
				if plan.Good() == len(plan.Rows) {
					d.all.Enable()
				}
				d.good.Enable()
				d.b.errorDialog(err)
				return
			}
			d.dlg.Hide()
			if d.onDone != nil {
				d.onDone(n, plan)
			}
		}
	})
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf(many, n)
}

// dateRange reads two YYYY-MM-DD dates in loc as [from, to) covering both
// days.
func dateRange(fromS, toS string, loc *time.Location) (from, to time.Time, err error) {
	from, err = time.ParseInLocation(time.DateOnly, strings.TrimSpace(fromS), loc)
	if err != nil {
		return from, to, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD", fromS)
	}
	last, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(toS), loc)
	if err != nil {
		return from, to, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD", toS)
	}
	if last.Before(from) {
		return from, to, fmt.Errorf("the range ends (%s) before it starts (%s)", toS, fromS)
	}
	return from, last.AddDate(0, 0, 1), nil
}
