package views

import (
	"context"
	"image/color"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/data"
)

// libraryCore is what the composer, the ideas panel and the undo banner
// need from the core: saved snippets and hashtag groups, labels, ideas,
// duplicates, and delete with undo (app/reuse.go).
type libraryCore interface {
	Snippets(ctx context.Context, kind data.SnippetKind) ([]data.SavedSnippet, error)
	SaveSnippet(ctx context.Context, s data.SavedSnippet) (data.SavedSnippet, error)
	DeleteSnippet(ctx context.Context, id int64) error
	Labels(ctx context.Context) ([]data.Label, error)
	Ideas(ctx context.Context) ([]data.Idea, error)
	NewIdea(ctx context.Context, text string) (data.Post, error)
	DuplicatePost(ctx context.Context, id int64) (data.Post, error)
	DeleteWithUndo(ctx context.Context, id int64) (undo bool, err error)
	UndoDelete(ctx context.Context, id int64) (data.Post, error)
}

// textClipboard is a clipboard holding one text, so an entry inserts it
// the way it pastes: at the cursor, over a selection, as one undo step.
type textClipboard string

func (t textClipboard) Content() string { return string(t) }
func (textClipboard) SetContent(string) {}

// insertAtCursor puts s into e at its cursor. Hashtags (spaced true) get
// a space on either side where a word would otherwise run into them.
func insertAtCursor(e *widget.Entry, s string, spaced bool) {
	if spaced {
		runes := []rune(e.Text)
		pos := min(e.CursorTextOffset(), len(runes))
		if pos > 0 && !unicode.IsSpace(runes[pos-1]) {
			s = " " + s
		}
		if pos < len(runes) && !unicode.IsSpace(runes[pos]) {
			s += " "
		}
	}
	e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: textClipboard(s)})
}

// composerLibrary is the composer's part for reused texts and labels: the
// "Snippet…" and "Hashtags…" buttons under the text, the labels field with
// the known labels to tap, and "Duplicate".
type composerLibrary struct {
	snippetBtn, hashtagBtn *widget.Button
	duplicateBtn           *widget.Button
	labels                 *widget.Entry
	known                  *fyne.Container // chips of the labels in use, tap to add
	dlg                    *snippetDialog  // the last dialog opened (tests)

	onDuplicated func(p data.Post)             // the copy, to open in the composer
	onDeleted    func(postID int64, undo bool) // after Delete; undo: UndoDelete can bring it back
}

// buildLibrary makes the widgets; build places them.
func (c *composerScreen) buildLibrary() {
	l := &c.lib
	l.snippetBtn = ext(&widget.Button{Text: "Snippet…", Icon: theme.DocumentIcon(), Importance: widget.LowImportance,
		OnTapped: func() { c.openSnippets(data.SnippetText) }})
	l.hashtagBtn = ext(&widget.Button{Text: "Hashtags…", Icon: theme.ContentAddIcon(), Importance: widget.LowImportance,
		OnTapped: func() { c.openSnippets(data.SnippetHashtags) }})
	l.duplicateBtn = ext(&widget.Button{Text: "Duplicate", Icon: theme.ContentCopyIcon(), OnTapped: c.onDuplicate})
	l.duplicateBtn.Hide()
	l.labels = ext(&widget.Entry{PlaceHolder: "Labels, separated by commas — e.g. launch, video"})
	l.known = container.NewHBox()
}

// insertRow is the row of insert buttons, left of the counter.
func (c *composerScreen) insertRow() fyne.CanvasObject {
	return container.NewBorder(nil, nil, container.NewHBox(c.lib.snippetBtn, c.lib.hashtagBtn), nil, c.counter)
}

// labelsRow is the labels field with the known labels under it.
func (c *composerScreen) labelsRow() fyne.CanvasObject {
	return container.NewVBox(c.lib.labels, container.NewHScroll(c.lib.known))
}

// setLabels shows a post's labels and reloads the known ones.
func (c *composerScreen) setLabels(names []string) {
	c.lib.labels.SetText(strings.Join(names, ", "))
	c.b.run(func() func() {
		ctx, cancel := c.b.ctx()
		defer cancel()
		ls, err := c.core.Labels(ctx)
		return func() {
			if err == nil {
				c.showKnownLabels(ls)
			}
		}
	})
}

// labelNames reads the labels field.
func (c *composerScreen) labelNames() []string {
	return data.CleanLabels(strings.Split(c.lib.labels.Text, ","))
}

func (c *composerScreen) showKnownLabels(ls []data.Label) {
	c.lib.known.RemoveAll()
	for _, l := range ls {
		name := l.Name
		c.lib.known.Add(labelChip(l, func() { c.addLabel(name) }))
	}
}

// addLabel adds name to the labels field unless it is there.
func (c *composerScreen) addLabel(name string) {
	names := c.labelNames()
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return
		}
	}
	c.lib.labels.SetText(strings.Join(append(names, name), ", "))
}

// labelChip is a label's name beside its colour, tappable.
func labelChip(l data.Label, tapped func()) fyne.CanvasObject {
	sw := canvas.NewRectangle(labelColour(l.Colour))
	sw.CornerRadius = 3
	sw.SetMinSize(fyne.NewSize(12, 12))
	btn := ext(&widget.Button{Text: l.Name, Importance: widget.LowImportance, OnTapped: tapped})
	return container.NewHBox(container.NewCenter(sw), btn)
}

// labelColour parses #rrggbb; grey when it is not.
func labelColour(s string) color.Color {
	var c color.NRGBA
	c.A = 0xff
	if len(s) != 7 || s[0] != '#' {
		return color.NRGBA{R: 0x88, G: 0x88, B: 0x88, A: 0xff}
	}
	hex := func(b byte) uint8 {
		switch {
		case b >= '0' && b <= '9':
			return b - '0'
		case b >= 'a' && b <= 'f':
			return b - 'a' + 10
		case b >= 'A' && b <= 'F':
			return b - 'A' + 10
		}
		return 8
	}
	c.R = hex(s[1])<<4 | hex(s[2])
	c.G = hex(s[3])<<4 | hex(s[4])
	c.B = hex(s[5])<<4 | hex(s[6])
	return c
}

// openSnippets shows the saved texts of a kind; Insert puts one into the
// text at the cursor.
func (c *composerScreen) openSnippets(kind data.SnippetKind) {
	d := &snippetDialog{core: c.core, b: c.b, kind: kind, onInsert: func(body string) {
		insertAtCursor(&c.text.Entry, body, kind == data.SnippetHashtags)
		c.b.win.Canvas().Focus(c.text)
	}}
	c.lib.dlg = d
	d.show()
}

// onDuplicate stores a copy of the post being edited and opens the copy.
func (c *composerScreen) onDuplicate() {
	id := c.postID
	if id == 0 || c.busy {
		return
	}
	c.b.run(func() func() {
		ctx, cancel := c.b.ctx()
		defer cancel()
		p, err := c.core.DuplicatePost(ctx, id)
		return func() {
			if err != nil {
				c.b.errorDialog(err)
				return
			}
			if c.lib.onDuplicated != nil {
				c.lib.onDuplicated(p)
			}
		}
	})
}

// snippetDialog lists the snippets (or hashtag groups) with Insert, Edit
// and Delete, and adds new ones.
type snippetDialog struct {
	core Core
	b    *bridge
	kind data.SnippetKind

	items    []data.SavedSnippet
	rows     *fyne.Container
	empty    *widget.Label
	addBtn   *widget.Button
	dlg      dialog.Dialog
	form     dialog.Dialog // the add or edit form while shown
	name     *widget.Entry
	body     *widget.Entry
	onInsert func(body string)
}

func (d *snippetDialog) words() (title, one string) {
	if d.kind == data.SnippetHashtags {
		return "Hashtag groups", "hashtag group"
	}
	return "Snippets", "snippet"
}

func (d *snippetDialog) show() {
	title, one := d.words()
	d.rows = container.NewVBox()
	d.empty = ext(&widget.Label{Text: "None yet. Add one with “New " + one + "…”: it is inserted where the cursor is.",
		Wrapping: fyne.TextWrapWord})
	d.addBtn = ext(&widget.Button{Text: "New " + one + "…", Icon: theme.ContentAddIcon(), OnTapped: func() { d.edit(data.SavedSnippet{Kind: d.kind}) }})
	content := container.NewBorder(container.NewHBox(d.addBtn), nil, nil, nil,
		container.NewVScroll(container.NewVBox(d.empty, d.rows)))
	d.dlg = dialog.NewCustom(title, "Close", content, d.b.win)
	d.dlg.Resize(fyne.NewSize(520, 420))
	d.dlg.Show()
	d.reload()
}

func (d *snippetDialog) reload() {
	d.b.run(func() func() {
		ctx, cancel := d.b.ctx()
		defer cancel()
		items, err := d.core.Snippets(ctx, d.kind)
		return func() {
			if err != nil {
				d.b.errorDialog(err)
				return
			}
			d.items = items
			d.rows.RemoveAll()
			for _, s := range items {
				d.rows.Add(d.row(s))
			}
			d.empty.Hidden = len(items) > 0
			d.empty.Refresh()
		}
	})
}

func (d *snippetDialog) row(s data.SavedSnippet) fyne.CanvasObject {
	name := ext(&widget.Label{Text: s.Name, TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis})
	body := ext(&widget.Label{Text: strings.ReplaceAll(s.Body, "\n", " ⏎ "), Truncation: fyne.TextTruncateEllipsis})
	insert := ext(&widget.Button{Text: "Insert", Importance: widget.HighImportance, OnTapped: func() {
		d.dlg.Hide()
		if d.onInsert != nil {
			d.onInsert(s.Body)
		}
	}})
	edit := ext(&widget.Button{Icon: theme.DocumentCreateIcon(), Importance: widget.LowImportance, OnTapped: func() { d.edit(s) }})
	del := ext(&widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() { d.confirmDelete(s) }})
	return container.NewBorder(nil, nil, nil, container.NewHBox(insert, edit, del), container.NewVBox(name, body))
}

// edit opens the form for a new (ID 0) or stored snippet.
func (d *snippetDialog) edit(s data.SavedSnippet) {
	_, one := d.words()
	d.name = ext(&widget.Entry{Text: s.Name, PlaceHolder: "A name to find it by"})
	d.body = widget.NewMultiLineEntry()
	d.body.SetText(s.Body)
	d.body.SetMinRowsVisible(4)
	d.body.Wrapping = fyne.TextWrapWord
	if d.kind == data.SnippetHashtags {
		d.body.SetPlaceHolder("#launch #product — separated by spaces or commas")
	} else {
		d.body.SetPlaceHolder("The text to insert")
	}
	title := "New " + one
	if s.ID != 0 {
		title = "Edit " + one
	}
	d.form = dialog.NewForm(title, "Save", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Name", d.name),
		widget.NewFormItem("Text", d.body),
	}, func(ok bool) {
		d.form = nil
		if !ok {
			return
		}
		s.Name, s.Body = d.name.Text, d.body.Text
		d.save(s)
	}, d.b.win)
	d.form.Resize(fyne.NewSize(480, 320))
	d.form.Show()
}

func (d *snippetDialog) save(s data.SavedSnippet) {
	d.b.run(func() func() {
		ctx, cancel := d.b.ctx()
		defer cancel()
		_, err := d.core.SaveSnippet(ctx, s)
		return func() {
			if err != nil {
				d.b.errorDialog(err)
				return
			}
			d.reload()
		}
	})
}

func (d *snippetDialog) confirmDelete(s data.SavedSnippet) {
	_, one := d.words()
	dialog.ShowConfirm("Delete “"+s.Name+"”?", "The "+one+" is removed from the list. Posts it was inserted into keep their text.",
		func(yes bool) {
			if !yes {
				return
			}
			d.b.run(func() func() {
				ctx, cancel := d.b.ctx()
				defer cancel()
				err := d.core.DeleteSnippet(ctx, s.ID)
				return func() {
					if err != nil {
						d.b.errorDialog(err)
						return
					}
					d.reload()
				}
			})
		}, d.b.win)
}
