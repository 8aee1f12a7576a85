package views

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
)

// mediaLibrary is the "Media library" dialog: every file ever attached,
// newest first, searchable by file name and alt text. Picked files join
// the post as they are stored (no new copy), with the alt text they had
// last.
type mediaLibrary struct {
	c *composerScreen

	search *widget.Entry
	list   *widget.List
	status *widget.Label // how many, nothing found, or the error
	addBtn *widget.Button
	dlg    *dialog.CustomDialog

	items  []app.LibraryMedia
	picked []app.LibraryMedia // in the order picked, kept across searches
	gen    int                // drops searches that finished after a newer one started
}

// onFromLibrary opens the media library.
func (c *composerScreen) onFromLibrary() {
	l := &mediaLibrary{c: c}
	c.library = l
	l.show()
}

func (l *mediaLibrary) show() {
	l.search = ext(&widget.Entry{PlaceHolder: "Search by file name or alt text"})
	l.search.OnChanged = func(string) { l.reload() }
	l.status = ext(&widget.Label{Wrapping: fyne.TextWrapWord})
	l.list = widget.NewList(
		func() int { return len(l.items) },
		func() fyne.CanvasObject { return newLibraryRow() },
		func(id widget.ListItemID, o fyne.CanvasObject) { l.fill(id, o.(*libraryRow)) },
	)
	// Tapping a row picks it or puts it back.
	l.list.OnSelected = func(id widget.ListItemID) {
		l.list.Unselect(id)
		if id >= 0 && id < len(l.items) {
			l.toggle(l.items[id])
		}
	}
	l.addBtn = ext(&widget.Button{Text: "Add to post", Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: l.onAdd})
	l.addBtn.Disable()
	cancel := ext(&widget.Button{Text: "Cancel", OnTapped: func() { l.dlg.Hide() }})
	content := container.NewBorder(
		container.NewVBox(l.search, l.status), container.NewHBox(layout.NewSpacer(), cancel, l.addBtn), nil, nil,
		l.list)
	l.dlg = dialog.NewCustomWithoutButtons("Media library", content, l.c.b.win)
	l.dlg.SetOnClosed(func() {
		if l.c.library == l {
			l.c.library = nil
		}
	})
	l.dlg.Resize(fyne.NewSize(760, 560))
	l.dlg.Show()
	l.c.b.win.Canvas().Focus(l.search)
	l.reload()
}

// reload asks the core for the files matching the search.
func (l *mediaLibrary) reload() {
	l.gen++
	gen, query := l.gen, l.search.Text
	l.c.b.run(func() func() {
		ctx, cancel := l.c.b.ctx()
		defer cancel()
		items, err := l.c.core.MediaLibrary(ctx, query)
		return func() {
			if gen != l.gen {
				return
			}
			if err != nil {
				l.items = nil
				l.status.SetText("Could not read the media library: " + err.Error())
			} else {
				l.items = items
				l.status.SetText(l.summary(query))
			}
			l.list.Refresh()
		}
	})
}

func (l *mediaLibrary) summary(query string) string {
	switch {
	case len(l.items) == 0 && strings.TrimSpace(query) == "":
		return "No media yet. Add files with \"Add media…\" or drop them on the window; they are kept here to use again."
	case len(l.items) == 0:
		return fmt.Sprintf("No file name or alt text contains %q.", strings.TrimSpace(query))
	case len(l.items) == 1:
		return "1 file. Tap files to pick them."
	}
	return fmt.Sprintf("%d files. Tap files to pick them.", len(l.items))
}

func (l *mediaLibrary) isPicked(id int64) bool {
	for _, p := range l.picked {
		if p.MediaID == id {
			return true
		}
	}
	return false
}

// toggle picks a file or puts it back; files already in the post stay out.
func (l *mediaLibrary) toggle(it app.LibraryMedia) {
	if l.c.hasMedia(it.MediaID) {
		return
	}
	if l.isPicked(it.MediaID) {
		for i, p := range l.picked {
			if p.MediaID == it.MediaID {
				l.picked = append(l.picked[:i], l.picked[i+1:]...)
				break
			}
		}
	} else {
		l.picked = append(l.picked, it)
	}
	switch n := len(l.picked); n {
	case 0:
		l.addBtn.SetText("Add to post")
		l.addBtn.Disable()
	case 1:
		l.addBtn.SetText("Add 1 file to post")
		l.addBtn.Enable()
	default:
		l.addBtn.SetText(fmt.Sprintf("Add %d files to post", n))
		l.addBtn.Enable()
	}
	l.list.Refresh()
}

// onAdd attaches the picked files in the order picked, up to the most the
// accounts take, and closes the library.
func (l *mediaLibrary) onAdd() {
	c := l.c
	c.setProblem(c.mediaProblem, "")
	var skipped []string
	for _, it := range l.picked {
		if c.hasMedia(it.MediaID) { // added meanwhile, e.g. dropped
			continue
		}
		if c.mediaFull() {
			skipped = append(skipped, it.Name)
			continue
		}
		c.appendNamedMedia(it.DraftMedia, it.Name)
	}
	if len(skipped) > 0 {
		c.setProblem(c.mediaProblem, c.fullNote(skipped))
	}
	l.dlg.Hide()
}

func (l *mediaLibrary) fill(id widget.ListItemID, r *libraryRow) {
	if id < 0 || id >= len(l.items) {
		return
	}
	it := l.items[id]
	r.setThumb(it)
	r.name.SetText(it.Name)
	details := []string{mediaKind(it.Mime), formatSize(it.Size)}
	if it.Width > 0 && it.Height > 0 {
		details = append(details, fmt.Sprintf("%d×%d", it.Width, it.Height))
	}
	if !it.Added.IsZero() {
		details = append(details, "added "+it.Added.In(l.c.core.Location()).Format("2 Jan 2006"))
	}
	switch it.Uses {
	case 0:
		details = append(details, "not used yet")
	case 1:
		details = append(details, "used in 1 post")
	default:
		details = append(details, fmt.Sprintf("used in %d posts", it.Uses))
	}
	inPost := l.c.hasMedia(it.MediaID)
	if inPost {
		details = append(details, "already in this post")
	}
	r.details.SetText(strings.Join(details, " · "))
	if it.Alt != "" {
		r.alt.SetText("Alt text: " + it.Alt)
	} else {
		r.alt.SetText("No alt text yet")
	}
	r.check.OnChanged = nil // the row is reused: no call for the file it showed before
	r.check.SetChecked(inPost || l.isPicked(it.MediaID))
	if inPost {
		r.check.Disable()
	} else {
		r.check.Enable()
	}
	r.check.OnChanged = func(on bool) {
		if on != l.isPicked(it.MediaID) && !l.c.hasMedia(it.MediaID) {
			l.toggle(it)
		}
	}
}

// libraryRow is one file in the library: a tick, a thumbnail (an icon for
// videos and documents), the name, what it is and its alt text.
type libraryRow struct {
	widget.BaseWidget
	check   *widget.Check
	img     *canvas.Image
	icon    *widget.Icon
	name    *widget.Label
	details *widget.Label
	alt     *widget.Label
}

var _ fyne.Widget = (*libraryRow)(nil)

func newLibraryRow() *libraryRow {
	r := &libraryRow{
		check:   widget.NewCheck("", nil),
		img:     &canvas.Image{FillMode: canvas.ImageFillContain},
		icon:    widget.NewIcon(theme.FileImageIcon()),
		name:    ext(&widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}),
		details: ext(&widget.Label{Truncation: fyne.TextTruncateEllipsis}),
		alt:     ext(&widget.Label{Truncation: fyne.TextTruncateEllipsis, Importance: widget.LowImportance}),
	}
	r.img.SetMinSize(fyne.NewSquareSize(64))
	r.ExtendBaseWidget(r)
	return r
}

func (r *libraryRow) CreateRenderer() fyne.WidgetRenderer {
	thumb := container.NewGridWrap(fyne.NewSquareSize(64), container.NewStack(r.img, r.icon))
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil,
		container.NewHBox(r.check, thumb), nil,
		container.NewVBox(r.name, r.details, r.alt)))
}

func (r *libraryRow) setThumb(it app.LibraryMedia) {
	if it.Thumb != "" {
		r.img.File = it.Thumb
		r.img.Show()
		r.img.Refresh()
		r.icon.Hide()
		return
	}
	r.img.File = ""
	r.img.Hide()
	switch {
	case strings.HasPrefix(it.Mime, "video/"):
		r.icon.SetResource(theme.MediaVideoIcon())
	case it.Mime == "application/pdf":
		r.icon.SetResource(theme.DocumentIcon())
	default:
		r.icon.SetResource(theme.FileImageIcon())
	}
	r.icon.Show()
}

// mediaKind names a file type for people: "PNG image", "MP4 video".
func mediaKind(mime string) string {
	switch mime {
	case "image/png":
		return "PNG image"
	case "image/jpeg":
		return "JPEG image"
	case "image/gif":
		return "GIF image"
	case "image/webp":
		return "WebP image"
	case "video/mp4":
		return "MP4 video"
	case "video/quicktime":
		return "MOV video"
	case "video/webm":
		return "WebM video"
	case "application/pdf":
		return "PDF document"
	}
	return mime
}

// formatSize is a file size in bytes, KB or MB (1 KB = 1000 bytes).
func formatSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.0f KB", float64(n)/1000)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}
