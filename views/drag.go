package views

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/data"
)

// Dragging in the calendar: a post chip to another day (month view, the
// time of day stays) or hour (week and day views, the minutes stay)
// reschedules the post; an idea dragged onto a day or hour gets that date.
// While dragging, the cell under the pointer is highlighted.

// msgPublishedStays answers a drag of a post that went out.
const msgPublishedStays = "Published posts stay where they went out; duplicate it to post again."

// dropSpot is a cell a post or an idea can be dropped on.
type dropSpot struct {
	cell fyne.Widget       // refreshed to take the highlight off
	bg   *canvas.Rectangle // the cell's background, highlighted
	day  time.Time         // midnight in the calendar's zone
	hour int               // the week and day views' hour; -1 in the month
}

// dragger follows a drag from a chip or an idea over the calendar's cells.
type dragger struct {
	s    *calendarScreen
	pos  fyne.Position // the pointer, absolute
	over fyne.Widget   // the highlighted cell

	// say shows a short confirmation (MainUI.flash; the status line until
	// wired).
	say func(msg string)
}

func newDragger(s *calendarScreen) *dragger {
	return &dragger{s: s, say: func(msg string) { s.setStatus(msg, false) }}
}

// withDrag lets chip be dragged with d (nil: not draggable).
func withDrag(d *dragger, chip *postChip) *postChip {
	chip.drag = d
	return chip
}

var _ fyne.Draggable = (*postChip)(nil)

// Dragged follows the pointer over the calendar.
func (c *postChip) Dragged(ev *fyne.DragEvent) {
	if c.drag != nil {
		c.drag.moved(ev)
	}
}

// DragEnd moves the post to the cell it was dropped on.
func (c *postChip) DragEnd() {
	if c.drag != nil {
		c.drag.dropPost(c.entry)
	}
}

// spots are the cells of the view shown that take a drop.
func (s *calendarScreen) spots() []dropSpot {
	var out []dropSpot
	switch s.view {
	case viewMonth:
		for _, c := range s.cells {
			out = append(out, dropSpot{cell: c, bg: c.bg, day: c.date, hour: -1})
		}
	case viewWeek, viewDay:
		for _, col := range s.timeGrid().cells {
			for _, c := range col {
				out = append(out, dropSpot{cell: c, bg: c.bg, day: c.day, hour: c.hour})
			}
		}
	}
	return out
}

// spotAt is the cell under the absolute position pos, if any.
func (s *calendarScreen) spotAt(pos fyne.Position) (dropSpot, bool) {
	if s.body == nil || !s.body.Visible() {
		return dropSpot{}, false
	}
	drv := fyne.CurrentApp().Driver()
	if g := s.timeGrid(); g != nil && !within(pos, drv.AbsolutePositionForObject(g.scroll), g.scroll.Size()) {
		return dropSpot{}, false // over the headings: the hours scrolled away there
	}
	for _, sp := range s.spots() {
		if sp.cell.Visible() && within(pos, drv.AbsolutePositionForObject(sp.cell), sp.cell.Size()) {
			return sp, true
		}
	}
	return dropSpot{}, false
}

func within(p, at fyne.Position, size fyne.Size) bool {
	return p.X >= at.X && p.Y >= at.Y && p.X < at.X+size.Width && p.Y < at.Y+size.Height
}

// moved highlights the cell under the pointer.
func (d *dragger) moved(ev *fyne.DragEvent) {
	d.pos = ev.AbsolutePosition
	sp, ok := d.s.spotAt(d.pos)
	if ok && sp.cell == d.over {
		return
	}
	d.unhighlight()
	if !ok {
		return
	}
	th := fyne.CurrentApp().Settings().Theme()
	primary := th.Color(theme.ColorNamePrimary, fyne.CurrentApp().Settings().ThemeVariant())
	sp.bg.FillColor = withAlpha(primary, 0x55)
	sp.bg.StrokeColor = primary
	sp.bg.StrokeWidth = 2
	sp.bg.Refresh()
	d.over = sp.cell
}

func (d *dragger) unhighlight() {
	if d.over != nil {
		d.over.Refresh() // the cell's renderer paints it as it was
		d.over = nil
	}
}

// end finishes a drag: the cell it ended on, if any.
func (d *dragger) end() (dropSpot, bool) {
	d.unhighlight()
	return d.s.spotAt(d.pos)
}

// dropPost moves the post e to the cell the drag ended on, asking first
// when a network holds it.
func (d *dragger) dropPost(e data.CalendarEntry) {
	sp, ok := d.end()
	if !ok {
		return
	}
	s := d.s
	loc := s.day.Location()
	lt := e.PlannedAt.In(loc)
	clock := lt.Format("15:04")
	if sp.hour >= 0 {
		clock = fmt.Sprintf("%02d:%02d", sp.hour, lt.Minute())
	}
	if sp.day.Format(time.DateOnly) == lt.Format(time.DateOnly) && clock == lt.Format("15:04") {
		return // dropped where it was
	}
	switch e.State {
	case data.StatePublished:
		dialog.ShowInformation("This post cannot move", msgPublishedStays, s.b.win)
		return
	case data.StatePublishing:
		dialog.ShowInformation("This post cannot move", "It is being published right now; wait for the result.", s.b.win)
		return
	}
	id, day := e.PostID, sp.day
	s.b.run(func() func() {
		ctx, cancel := s.b.ctx()
		defer cancel()
		names, err := s.core.HeldByNetworks(ctx, id)
		return func() {
			if err != nil {
				s.b.errorDialog(fmt.Errorf("Could not move the post: %w", err))
				return
			}
			if len(names) == 0 {
				d.move(id, day, clock)
				return
			}
			c := dialog.NewConfirm("Move this post?", heldQuestion(names), func(ok bool) {
				if ok {
					d.move(id, day, clock)
				}
			}, s.b.win)
			c.SetConfirmText("Move")
			c.SetDismissText("Keep it")
			c.Show()
		}
	})
}

// heldQuestion asks before moving a post networks hold.
func heldQuestion(names []string) string {
	verb := "holds"
	if len(names) > 1 {
		verb = "hold"
	}
	return strings.Join(names, " and ") + " " + verb + " this post; moving it changes it there too. Move?"
}

// move asks the core to move the post, then shows the calendar again.
func (d *dragger) move(id int64, day time.Time, clock string) {
	s := d.s
	s.b.run(func() func() {
		ctx, cancel := s.b.ctx()
		defer cancel()
		at, note, err := s.core.MovePost(ctx, id, day, clock)
		return func() {
			if err != nil {
				s.b.errorDialog(err)
				return
			}
			s.reload()
			d.say("Moved to " + at.In(day.Location()).Format("Mon 2 Jan 15:04"))
			if note != "" {
				dialog.ShowInformation("Time adjusted", note, s.b.win)
			}
		}
	})
}

// dropIdea gives the idea the day (at 09:00, or the next full hour when
// that is past) or the hour it was dropped on; done runs once it has one.
func (d *dragger) dropIdea(id int64, done func()) {
	sp, ok := d.end()
	if !ok {
		return
	}
	s := d.s
	hour := sp.hour
	if hour < 0 {
		hour = 9
	}
	at := time.Date(sp.day.Year(), sp.day.Month(), sp.day.Day(), hour, 0, 0, 0, sp.day.Location())
	if now := s.now().In(sp.day.Location()); sp.hour < 0 && at.Before(now) {
		if next := now.Truncate(time.Hour).Add(time.Hour); next.Day() == now.Day() {
			at = next
		}
	}
	s.b.run(func() func() {
		ctx, cancel := s.b.ctx()
		defer cancel()
		p, probs, err := s.core.DateIdea(ctx, id, at)
		return func() {
			if err != nil {
				s.b.errorDialog(err)
				return
			}
			s.reload()
			if done != nil {
				done()
			}
			when := at.In(sp.day.Location()).Format("Mon 2 Jan 15:04")
			if len(probs) == 0 && p.State != data.StateDraft {
				d.say("Scheduled for " + when)
				return
			}
			msgs := make([]string, len(probs))
			for i, pr := range probs {
				msgs[i] = "• " + pr.Message
			}
			d.say("Kept as a draft on " + when)
			if len(msgs) > 0 {
				dialog.ShowInformation("Kept as a draft on "+when,
					"It is on the calendar but not scheduled yet:\n"+strings.Join(msgs, "\n")+"\nOpen it to finish it.", s.b.win)
			}
		}
	})
}

// ideaItem is an idea's row in the ideas panel, dragged onto the calendar.
type ideaItem struct {
	widget.BaseWidget
	id      int64
	content fyne.CanvasObject
	panel   *ideasPanel // its drag, set when the calendar is built
}

var _ fyne.Draggable = (*ideaItem)(nil)

func newIdeaItem(id int64, content fyne.CanvasObject, p *ideasPanel) *ideaItem {
	i := &ideaItem{id: id, content: content, panel: p}
	i.ExtendBaseWidget(i)
	return i
}

func (i *ideaItem) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(i.content) }

// Dragged follows the pointer over the calendar.
func (i *ideaItem) Dragged(ev *fyne.DragEvent) {
	if i.panel.drag != nil {
		i.panel.drag.moved(ev)
	}
}

// DragEnd dates the idea on the cell it was dropped on.
func (i *ideaItem) DragEnd() {
	if i.panel.drag != nil {
		i.panel.drag.dropIdea(i.id, i.panel.reload)
	}
}
