package views

import (
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
)

// undoShownFor is how long "Post deleted — Undo" stays above the calendar.
const undoShownFor = 10 * time.Second

// undoBanner offers to bring back the post just deleted.
type undoBanner struct {
	core Core
	b    *bridge

	box     *fyne.Container
	msg     *widget.Label
	undoBtn *widget.Button
	postID  int64
	gen     int // the showing the timer belongs to
	timer   *time.Timer

	onRestored func(p data.Post)
}

func newUndoBanner(core Core, b *bridge) *undoBanner { return &undoBanner{core: core, b: b} }

func (u *undoBanner) build() fyne.CanvasObject {
	u.msg = ext(&widget.Label{Text: "Post deleted."})
	u.undoBtn = ext(&widget.Button{Text: "Undo", Icon: theme.ContentUndoIcon(), Importance: widget.HighImportance, OnTapped: u.onUndo})
	closeBtn := ext(&widget.Button{Icon: theme.CancelIcon(), Importance: widget.LowImportance, OnTapped: u.hide})
	u.box = container.NewHBox(widget.NewIcon(theme.DeleteIcon()), u.msg, u.undoBtn, closeBtn)
	u.box.Hide()
	return u.box
}

// show offers Undo for postID for undoShownFor.
func (u *undoBanner) show(postID int64) {
	u.gen++
	gen := u.gen
	u.postID = postID
	u.msg.SetText("Post deleted.")
	u.undoBtn.Enable()
	u.box.Show()
	if u.timer != nil {
		u.timer.Stop()
	}
	u.timer = time.AfterFunc(undoShownFor, func() { u.b.do(func() { u.expire(gen) }) })
}

// expire hides the banner if it still shows the showing gen.
func (u *undoBanner) expire(gen int) {
	if gen == u.gen {
		u.hide()
	}
}

func (u *undoBanner) hide() {
	u.gen++
	u.postID = 0
	if u.timer != nil {
		u.timer.Stop()
	}
	u.box.Hide()
}

func (u *undoBanner) onUndo() {
	id := u.postID
	if id == 0 {
		return
	}
	u.undoBtn.Disable()
	u.b.run(func() func() {
		ctx, cancel := u.b.ctx()
		defer cancel()
		p, err := u.core.UndoDelete(ctx, id)
		return func() {
			u.hide()
			if errors.Is(err, app.ErrUndoGone) {
				u.b.errorDialog(errors.New("The post can no longer be brought back: Undo lasts a couple of minutes."))
				return
			}
			if err != nil {
				u.b.errorDialog(errors.New("Could not bring the post back: " + err.Error()))
				return
			}
			if u.onRestored != nil {
				u.onRestored(p)
			}
		}
	})
}

// onDeleted follows a deleted post: back to the calendar, with Undo where
// the post can be brought back.
func (u *MainUI) onDeleted(postID int64, undo bool) {
	u.tabs.Select(u.calendarTab)
	u.Refresh()
	if !undo {
		u.flash("Post deleted.")
		return
	}
	u.undo.show(postID)
}

// onRestored shows the month of a post brought back.
func (u *MainUI) onRestored(p data.Post) {
	if !p.PlannedAt.IsZero() {
		u.calendar.setMonth(p.PlannedAt)
	}
	u.Refresh()
	u.flash("Post brought back.")
}
