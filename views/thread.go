package views

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
)

// threadEditor is the thread of an X or Mastodon variant: the variant's
// text is the first post, each further post has an entry of its own with
// a counter. "Split into a thread" cuts a long text at sentences within
// the network's limit (app.SplitThread), numbered 1/n if asked.
type threadEditor struct {
	e      *variantEditor
	number *widget.Check
	split  *widget.Button
	parts  []*threadPart
	box    *fyne.Container
	add    *widget.Button
	note   *widget.Label // what the last split did, or why it could not
	obj    fyne.CanvasObject
}

// threadPart is one further post of the thread.
type threadPart struct {
	entry   *widget.Entry
	counter *widget.Label
	obj     fyne.CanvasObject
}

func newThreadEditor(e *variantEditor) *threadEditor {
	t := &threadEditor{e: e}
	t.number = ext(&widget.Check{Text: "Number the posts (1/n)"})
	t.split = ext(&widget.Button{Text: "Split into a thread", Icon: theme.ContentCutIcon(), OnTapped: t.onSplit})
	t.add = ext(&widget.Button{Text: "Add a post", Icon: theme.ContentAddIcon(), Importance: widget.LowImportance,
		OnTapped: func() { t.addPart("") }})
	t.note = ext(&widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance})
	t.note.Hide()
	t.box = container.NewVBox()
	t.obj = container.NewVBox(container.NewHBox(t.split, t.number), t.note, t.box, container.NewHBox(t.add))
	return t
}

// numberingRE is the "i/n" a split appended, taken off before splitting again.
var numberingRE = regexp.MustCompile(`\s+\d+/\d+$`)

// onSplit splits the variant's text (the common text if it has none) and
// the further posts already there into a new thread.
func (t *threadEditor) onSplit() {
	texts := []string{t.e.effectiveText()}
	for _, p := range t.parts {
		texts = append(texts, p.entry.Text)
	}
	var all []string
	for _, s := range texts {
		if s = strings.TrimSpace(numberingRE.ReplaceAllString(strings.TrimSpace(s), "")); s != "" {
			all = append(all, s)
		}
	}
	parts, err := app.SplitThread(strings.Join(all, "\n\n"), t.e.limits, t.number.Checked)
	switch {
	case errors.Is(err, app.ErrThreadLimit):
		t.setNote("The limit of this network is too small to split the text; shorten it instead.")
		return
	case err != nil:
		t.setNote("Could not split the text: " + err.Error())
		return
	case len(parts) == 0:
		t.setNote("Write the text first, then split it.")
		return
	case len(parts) == 1:
		t.setNote("The text fits in one post: nothing to split.")
	default:
		t.setNote(fmt.Sprintf("Split into %d posts at sentence ends; edit each one below.", len(parts)))
	}
	t.e.text.SetText(parts[0])
	t.set(parts[1:])
}

func (t *threadEditor) setNote(s string) {
	t.note.SetText(s)
	t.note.Show()
}

// addPart adds a further post at the end.
func (t *threadEditor) addPart(text string) *threadPart {
	p := &threadPart{}
	p.entry = widget.NewMultiLineEntry()
	p.entry.Wrapping = fyne.TextWrapWord
	p.entry.SetMinRowsVisible(2)
	p.entry.SetText(text)
	p.counter = ext(&widget.Label{Alignment: fyne.TextAlignTrailing})
	p.entry.OnChanged = func(string) { t.updatePart(p); t.e.refresh() }
	remove := ext(&widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() { t.removePart(p) }})
	p.obj = container.NewBorder(nil, p.counter, nil, remove, p.entry)
	t.parts = append(t.parts, p)
	t.box.Add(p.obj)
	t.renumber()
	t.updatePart(p)
	return p
}

func (t *threadEditor) removePart(p *threadPart) {
	for i, q := range t.parts {
		if q == p {
			t.parts = append(t.parts[:i], t.parts[i+1:]...)
			break
		}
	}
	t.box.Remove(p.obj)
	t.renumber()
	t.e.refresh()
}

func (t *threadEditor) renumber() {
	for i, p := range t.parts {
		p.entry.SetPlaceHolder(fmt.Sprintf("Post %d of the thread", i+2))
	}
}

// updatePart counts a post as the network does.
func (t *threadEditor) updatePart(p *threadPart) {
	l := t.e.limits
	n := l.CountChars(p.entry.Text)
	p.counter.Text = fmt.Sprintf("%d", n)
	p.counter.Importance = widget.MediumImportance
	if l.MaxChars > 0 {
		p.counter.Text = fmt.Sprintf("%d / %d", n, l.MaxChars)
		if n > l.MaxChars {
			p.counter.Importance = widget.DangerImportance
			p.counter.Text += fmt.Sprintf(" — %d over", n-l.MaxChars)
		}
	}
	p.counter.Refresh()
}

// updateCounters recounts every post (the limits arrived).
func (t *threadEditor) updateCounters() {
	for _, p := range t.parts {
		t.updatePart(p)
	}
}

// values are the further posts, empty ones left out.
func (t *threadEditor) values() []string {
	var out []string
	for _, p := range t.parts {
		if s := strings.TrimSpace(p.entry.Text); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// set shows further posts, replacing those there.
func (t *threadEditor) set(parts []string) {
	t.parts = nil
	t.box.RemoveAll()
	for _, s := range parts {
		t.addPart(s)
	}
	t.e.refresh()
}
