package views

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/data"
)

// ideasPanel lists the undated posts beside the calendar: tap one to write
// it in the composer, "Schedule…" to give it a day there, "New idea" to
// jot one down.
type ideasPanel struct {
	core Core
	b    *bridge
	gen  int // drops loads that finished after a newer one started

	items   []data.Idea
	rows    *fyne.Container
	empty   *widget.Label
	heading *widget.Label
	newBtn  *widget.Button
	newText *widget.Entry  // the "New idea" form's text while it is shown
	toggle  *widget.Button // shows and hides the panel (calendarWithIdeas)
	shown   bool

	onOpen     func(postID int64)
	onSchedule func(postID int64)
	drag       *dragger // the calendar's: an idea dragged onto a day gets it (drag.go)
}

func newIdeasPanel(core Core, b *bridge) *ideasPanel { return &ideasPanel{core: core, b: b} }

func (p *ideasPanel) build() fyne.CanvasObject {
	p.heading = ext(&widget.Label{Text: "Ideas", TextStyle: fyne.TextStyle{Bold: true}})
	p.newBtn = ext(&widget.Button{Text: "New idea", Icon: theme.ContentAddIcon(), OnTapped: p.onNew})
	p.empty = ext(&widget.Label{Text: "Posts without a day wait here. Jot one down with “New idea”, or save a draft without a date.",
		Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance})
	p.rows = container.NewVBox()
	return container.NewBorder(container.NewBorder(nil, nil, p.heading, p.newBtn), nil, nil, nil,
		container.NewVScroll(container.NewVBox(p.empty, p.rows)))
}

// reload fetches the ideas off the UI thread.
func (p *ideasPanel) reload() {
	p.gen++
	gen := p.gen
	p.b.run(func() func() {
		ctx, cancel := p.b.ctx()
		defer cancel()
		items, err := p.core.Ideas(ctx)
		return func() {
			if gen != p.gen {
				return
			}
			if err != nil {
				p.empty.SetText("Could not load the ideas: " + err.Error())
				p.empty.Show()
				return
			}
			p.set(items)
		}
	})
}

func (p *ideasPanel) set(items []data.Idea) {
	p.items = items
	p.rows.RemoveAll()
	for _, it := range items {
		p.rows.Add(p.row(it))
	}
	p.empty.Hidden = len(items) > 0
	p.empty.Refresh()
	p.heading.SetText(fmt.Sprintf("Ideas (%d)", len(items)))
	p.updateToggle()
}

func (p *ideasPanel) row(it data.Idea) fyne.CanvasObject {
	id := it.PostID
	text := it.Snippet
	if strings.TrimSpace(text) == "" {
		text = "(empty)"
	}
	where := "No account yet"
	if it.Networks != "" {
		var names []string
		for _, n := range strings.Split(it.Networks, ",") {
			names = append(names, networkName(n))
		}
		where = strings.Join(names, ", ")
	}
	label := ext(&widget.Label{Text: text, Truncation: fyne.TextTruncateEllipsis})
	sub := ext(&widget.Label{Text: where, Truncation: fyne.TextTruncateEllipsis, SizeName: theme.SizeNameCaptionText, Importance: widget.LowImportance})
	// The label lies over a plain button: the whole row opens the idea,
	// and a long text is cut instead of widening the panel.
	open := ext(&widget.Button{Importance: widget.LowImportance, OnTapped: func() {
		if p.onOpen != nil {
			p.onOpen(id)
		}
	}})
	schedule := ext(&widget.Button{Text: "Schedule…", Icon: theme.HistoryIcon(), Importance: widget.LowImportance, OnTapped: func() {
		if p.onSchedule != nil {
			p.onSchedule(id)
		}
	}})
	return newIdeaItem(id, container.NewBorder(nil, nil, nil, schedule, container.NewStack(open, container.NewVBox(label, sub))), p)
}

// onNew asks for the idea's text and keeps it as an undated draft.
func (p *ideasPanel) onNew() {
	p.newText = widget.NewMultiLineEntry()
	p.newText.Wrapping = fyne.TextWrapWord
	p.newText.SetPlaceHolder("What could you post about?")
	p.newText.SetMinRowsVisible(4)
	d := dialog.NewForm("New idea", "Keep", "Cancel", []*widget.FormItem{widget.NewFormItem("", p.newText)}, func(ok bool) {
		text := p.newText.Text
		p.newText = nil
		if !ok || strings.TrimSpace(text) == "" {
			return
		}
		p.b.run(func() func() {
			ctx, cancel := p.b.ctx()
			defer cancel()
			_, err := p.core.NewIdea(ctx, text)
			return func() {
				if err != nil {
					p.b.errorDialog(err)
					return
				}
				p.reload()
			}
		})
	}, p.b.win)
	d.Resize(fyne.NewSize(460, 260))
	d.Show()
	p.b.win.Canvas().Focus(p.newText)
}

// scheduleIdea opens an idea in the composer on the day the calendar
// would start a new post, for the user to pick the time and schedule.
func (u *MainUI) scheduleIdea(id int64) {
	u.openInComposer(id, func() {
		u.composer.setDay(u.calendar.defaultNewDay())
		u.Window.Canvas().Focus(u.composer.clock)
	})
}

// onDuplicated opens the copy of a post in the composer.
func (u *MainUI) onDuplicated(p data.Post) {
	loc := u.core.Location()
	d := u.core.DraftFromPost(p, loc)
	u.composer.load(d)
	u.composer.heading.SetText("Copy — a draft until you schedule it")
	u.tabs.Select(u.composeTab)
	u.Refresh()
}

// calendarWithIdeas is the calendar tab: a slim bar on top with the undo
// banner and the "Ideas" button, and the calendar, with the ideas beside it
// while they are shown (an idea dragged from there onto a day or an hour
// gets that date: drag.go).
// The ideas start hidden: the month needs the window's width.
func (u *MainUI) calendarWithIdeas() fyne.CanvasObject {
	cal, ideas := u.calendar.build(), u.ideas.build()
	u.ideas.drag = u.calendar.drag
	u.calendar.drag.say = u.flash
	body := container.NewStack(cal)
	p := u.ideas
	p.toggle = ext(&widget.Button{Text: "Ideas", Icon: theme.MenuExpandIcon(), Importance: widget.LowImportance})
	p.toggle.OnTapped = func() {
		p.shown = !p.shown
		if p.shown {
			split := container.NewHSplit(cal, ideas)
			split.Offset = 0.75
			body.Objects = []fyne.CanvasObject{split}
		} else {
			body.Objects = []fyne.CanvasObject{cal}
		}
		body.Refresh()
		p.updateToggle()
	}
	return container.NewBorder(container.NewBorder(nil, nil, nil, p.toggle, u.undo.build()), nil, nil, nil, body)
}

// updateToggle names the button after what it does and how many ideas wait.
func (p *ideasPanel) updateToggle() {
	if p.toggle == nil {
		return
	}
	if p.shown {
		p.toggle.SetText("Hide ideas")
		return
	}
	p.toggle.SetText(fmt.Sprintf("Ideas (%d)", len(p.items)))
}
