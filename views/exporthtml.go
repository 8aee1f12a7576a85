package views

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// exportDialog asks for a date range and where to save the page that
// shows its posts for approval (one HTML file, opened offline).
type exportDialog struct {
	core Core
	b    *bridge

	from, to *widget.Entry
	errLabel *widget.Label
	form     *dialog.FormDialog

	onDone func(n int, name string)
}

// onExportHTML opens the export dialog on the month the calendar shows.
func (u *MainUI) onExportHTML() {
	first := u.calendar.month
	d := &exportDialog{core: u.core, b: u.b, onDone: func(n int, name string) {
		u.flash(plural(n, "Exported 1 post to ", "Exported %d posts to ") + name + ".")
	}}
	d.show(first, first.AddDate(0, 1, -1))
	u.exportDlg = d
}

func (d *exportDialog) show(first, last time.Time) {
	d.from = ext(&widget.Entry{Text: first.Format(time.DateOnly), PlaceHolder: "YYYY-MM-DD"})
	d.to = ext(&widget.Entry{Text: last.Format(time.DateOnly), PlaceHolder: "YYYY-MM-DD"})
	d.errLabel = ext(&widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord})
	d.errLabel.Hide()
	items := []*widget.FormItem{
		{Text: "From", Widget: d.from},
		{Text: "To (including)", Widget: d.to, HintText: "Times are shown in your time zone, " + d.core.Location().String() + "."},
		{Text: "", Widget: d.errLabel},
	}
	d.form = dialog.NewForm("Export for approval", "Save as…", "Cancel", items, func(ok bool) {
		if ok {
			d.onSaveAs()
		}
	}, d.b.win)
	d.form.Resize(fyne.NewSize(440, 260))
	d.form.Show()
}

// rangeOrError reads the range; on a mistake it shows it and reopens.
func (d *exportDialog) rangeOrError() (from, to time.Time, ok bool) {
	from, to, err := dateRange(d.from.Text, d.to.Text, d.core.Location())
	if err != nil {
		d.errLabel.SetText(err.Error() + ".")
		d.errLabel.Show()
		d.form.Show() // a form dialog closes on submit; keep what was typed
		return from, to, false
	}
	return from, to, true
}

// onSaveAs asks where to save the page, then writes it.
func (d *exportDialog) onSaveAs() {
	from, to, ok := d.rangeOrError()
	if !ok {
		return
	}
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			d.b.errorDialog(err)
			return
		}
		if w == nil {
			return // cancelled
		}
		d.export(w, w.URI().Name(), from, to)
	}, d.b.win)
	save.SetFileName(fmt.Sprintf("posts-for-approval-%s.html", from.Format(time.DateOnly)))
	save.SetFilter(storage.NewExtensionFileFilter([]string{".html", ".htm"}))
	save.Show()
}

// export writes the page to w off the UI thread and closes w.
func (d *exportDialog) export(w io.WriteCloser, name string, from, to time.Time) {
	d.b.run(func() func() {
		ctx, cancel := d.b.ctx()
		defer cancel()
		// Built in memory first, so a failure leaves no half page behind.
		var page bytes.Buffer
		n, err := d.core.ExportHTML(ctx, &page, from, to)
		if err == nil {
			_, err = w.Write(page.Bytes())
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return func() {
			if err != nil {
				d.b.errorDialog(errors.New("the page could not be saved: " + err.Error() + ". Choose another folder and try again."))
				return
			}
			if d.onDone != nil {
				d.onDone(n, name)
			}
		}
	})
}
