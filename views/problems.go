package views

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
)

// problemsShown is how many problems the banner lists before "and N more".
const problemsShown = 3

// problemsBanner is the strip above the calendar listing changes to posts
// that a network holds in its own scheduler (a move, an edit, a delete)
// which could not be made there: still being tried, or given up until the
// user has read them. Hidden while there are none.
type problemsBanner struct {
	core Core
	b    *bridge
	gen  int // drops loads that finished after a newer one started

	box      *fyne.Container // the whole banner
	list     *fyne.Container // the rows shown
	moreRow  *fyne.Container
	more     *widget.Label // "and N more"
	problems []app.RemoteProblem
	rows     []*problemRow // the rows in the banner

	// the dialog listing every problem, while it is open
	all     *dialog.CustomDialog
	allList *fyne.Container
	allRows []*problemRow

	onOpenPost func(postID int64)
}

// problemRow is one problem: "<account>: <message>", "Open post" when the
// post is still here, and "Dismiss" or, while it is tried again, a note.
type problemRow struct {
	problem app.RemoteProblem
	text    *widget.Label
	open    *widget.Button // nil when the post was deleted here
	dismiss *widget.Button // nil while waiting
	waiting *widget.Label  // nil unless waiting
	obj     fyne.CanvasObject
}

func newProblemsBanner(core Core, b *bridge) *problemsBanner {
	return &problemsBanner{core: core, b: b}
}

func (p *problemsBanner) build() fyne.CanvasObject {
	p.list = container.NewVBox()
	p.more = ext(&widget.Label{})
	p.moreRow = container.NewHBox(p.more,
		ext(&widget.Button{Text: "Show all…", Importance: widget.LowImportance, OnTapped: p.onShowAll}))
	p.moreRow.Hide()
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 8
	p.box = container.NewStack(bg, container.NewPadded(container.NewVBox(p.list, p.moreRow)))
	p.box.Hide()
	return p.box
}

// reload fetches the problems off the UI thread.
func (p *problemsBanner) reload() {
	p.gen++
	gen := p.gen
	p.b.run(func() func() {
		ctx, cancel := p.b.ctx()
		defer cancel()
		probs, err := p.core.RemoteProblems(ctx)
		return func() {
			if gen != p.gen {
				return
			}
			if err != nil {
				p.showLoadError(err)
				return
			}
			p.set(probs)
		}
	})
}

// set shows probs: the first few in the banner, all of them in the dialog
// if it is open.
func (p *problemsBanner) set(probs []app.RemoteProblem) {
	p.problems = probs
	p.rows = nil
	p.list.RemoveAll()
	for i, rp := range probs {
		if i == problemsShown {
			break
		}
		r := p.newRow(rp)
		p.rows = append(p.rows, r)
		p.list.Add(r.obj)
	}
	if n := len(probs) - problemsShown; n > 0 {
		p.more.SetText(fmt.Sprintf("and %d more", n))
		p.moreRow.Show()
	} else {
		p.moreRow.Hide()
	}
	if p.all != nil {
		p.fillAll()
	}
	p.box.Hidden = len(probs) == 0
	p.box.Refresh()
}

// showLoadError replaces the banner's rows by what went wrong; the next
// refresh tries again.
func (p *problemsBanner) showLoadError(err error) {
	p.rows = nil
	p.list.RemoveAll()
	p.list.Add(ext(&widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance,
		Text: "Could not check for changes the networks could not make: " + err.Error()}))
	p.moreRow.Hide()
	p.box.Show()
}

// problemLine is what a problem says: "<account>: <message>".
func problemLine(rp app.RemoteProblem) string {
	msg := strings.TrimSpace(rp.Message)
	if msg == "" {
		msg = "A change to this post could not be made at the network."
	}
	if rp.Account == "" {
		return msg
	}
	return rp.Account + ": " + msg
}

func (p *problemsBanner) newRow(rp app.RemoteProblem) *problemRow {
	r := &problemRow{problem: rp, text: ext(&widget.Label{Text: problemLine(rp), Wrapping: fyne.TextWrapWord})}
	icon := widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon()))
	actions := container.NewHBox()
	if rp.PostID != 0 {
		r.open = ext(&widget.Button{Text: "Open post", Importance: widget.LowImportance,
			OnTapped: func() { p.onOpen(rp.PostID) }})
		actions.Add(r.open)
	}
	if rp.Waiting {
		icon = widget.NewIcon(theme.NewDisabledResource(theme.HistoryIcon()))
		r.waiting = ext(&widget.Label{Text: "trying again", Importance: widget.LowImportance,
			TextStyle: fyne.TextStyle{Italic: true}})
		actions.Add(r.waiting)
	} else {
		r.dismiss = ext(&widget.Button{Text: "Dismiss", Icon: theme.CancelIcon(), OnTapped: func() { p.onDismiss(r) }})
		actions.Add(r.dismiss)
	}
	r.obj = container.NewBorder(nil, nil, icon, actions, r.text)
	return r
}

// onOpen opens the post as the calendar does; from the dialog, it closes
// the dialog first.
func (p *problemsBanner) onOpen(postID int64) {
	if p.all != nil {
		p.all.Hide()
	}
	if p.onOpenPost != nil {
		p.onOpenPost(postID)
	}
}

// onDismiss removes a problem the user has read, then reloads the banner.
func (p *problemsBanner) onDismiss(r *problemRow) {
	r.dismiss.Disable()
	id := r.problem.ID
	p.b.run(func() func() {
		ctx, cancel := p.b.ctx()
		defer cancel()
		err := p.core.DismissRemoteProblem(ctx, id)
		if errors.Is(err, data.ErrNotFound) {
			err = nil // gone already, or being tried again: the reload shows which
		}
		return func() {
			if err != nil {
				r.dismiss.Enable()
				p.b.errorDialog(fmt.Errorf("Could not dismiss this message: %w", err))
				return
			}
			p.reload()
		}
	})
}

// onShowAll lists every problem in a dialog.
func (p *problemsBanner) onShowAll() {
	p.allList = container.NewVBox()
	p.all = dialog.NewCustom("Changes the networks could not make", "Close",
		container.NewVScroll(p.allList), p.b.win)
	p.all.SetOnClosed(func() { p.all, p.allList, p.allRows = nil, nil, nil })
	p.fillAll()
	p.all.Resize(fyne.NewSize(620, 420))
	p.all.Show()
}

func (p *problemsBanner) fillAll() {
	p.allRows = nil
	p.allList.RemoveAll()
	for i, rp := range p.problems {
		if i > 0 {
			p.allList.Add(widget.NewSeparator())
		}
		r := p.newRow(rp)
		p.allRows = append(p.allRows, r)
		p.allList.Add(r.obj)
	}
	if len(p.problems) == 0 {
		p.allList.Add(ext(&widget.Label{Text: "Nothing left to look at."}))
	}
}

// openPostByID opens a post the way the calendar opens its entry: plans in
// the composer, the rest in the post dialog.
func (u *MainUI) openPostByID(id int64) {
	u.b.run(func() func() {
		ctx, cancel := u.b.ctx()
		defer cancel()
		p, err := u.core.Post(ctx, id)
		if errors.Is(err, data.ErrNotFound) {
			err = errors.New("This post is no longer in Localpost.")
		} else if err != nil {
			err = fmt.Errorf("Could not open the post: %w", err)
		}
		return func() {
			if err != nil {
				u.b.errorDialog(err)
				return
			}
			u.onOpenPost(data.CalendarEntry{PostID: p.ID, PlannedAt: p.PlannedAt, Zone: p.Zone, State: p.State})
		}
	})
}
