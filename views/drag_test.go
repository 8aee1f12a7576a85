package views

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"localpost/app"
	"localpost/data"
	"localpost/platforms"
)

// fakeDrag answers fakeCore's MovePost and DateIdea: MovePost resolves the
// time as the core does (app.ResolveTime, with its note) and records the
// call; DateIdea records the call and returns dateProblems.
type fakeDrag struct {
	mu           sync.Mutex
	moves        []moveCall
	dated        []dateCall
	dateProblems []platforms.Problem
}

type moveCall struct {
	id    int64
	day   time.Time
	clock string
	at    time.Time
}

type dateCall struct {
	id int64
	at time.Time
}

func (f *fakeCore) MovePost(_ context.Context, id int64, day time.Time, clock string) (time.Time, string, error) {
	at, note, err := app.ResolveTime(day, clock, day.Location())
	if err != nil {
		return time.Time{}, "", err
	}
	f.drag.mu.Lock()
	defer f.drag.mu.Unlock()
	f.drag.moves = append(f.drag.moves, moveCall{id, day, clock, at})
	return at, note, nil
}

func (f *fakeCore) DateIdea(_ context.Context, id int64, at time.Time) (data.Post, []platforms.Problem, error) {
	f.drag.mu.Lock()
	defer f.drag.mu.Unlock()
	f.drag.dated = append(f.drag.dated, dateCall{id, at})
	st := data.StateScheduled
	if len(f.drag.dateProblems) > 0 {
		st = data.StateDraft
	}
	return data.Post{ID: id, PlannedAt: at, State: st}, f.drag.dateProblems, nil
}

func (f *fakeCore) movesMade() []moveCall {
	f.drag.mu.Lock()
	defer f.drag.mu.Unlock()
	return slices.Clone(f.drag.moves)
}

func (f *fakeCore) calendarCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calendarAsked)
}

// dragTo drags from a draggable to the middle of the cell target: the
// pointer passes over it, then the drag ends there.
func dragTo(d fyne.Draggable, target fyne.CanvasObject) {
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(target).
		Add(fyne.NewPos(target.Size().Width/2, target.Size().Height/2))
	d.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{AbsolutePosition: pos}, Dragged: fyne.NewDelta(5, 5)})
	d.DragEnd()
}

// dragUI is the main window, big enough to show the month, on a fake core
// with the given posts.
func dragUI(t *testing.T, entries ...data.CalendarEntry) (*MainUI, *fakeCore, *time.Location) {
	t.Helper()
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	fc.entries = entries
	u := newTestUI(t, fc, fixedNow(loc))
	u.Window.Resize(fyne.NewSize(1400, 1000))
	return u, fc, loc
}

func monthChip(t *testing.T, c *calendarScreen, d time.Time) *postChip {
	t.Helper()
	cell := c.cellFor(d)
	if cell == nil || len(cell.list.Objects) == 0 {
		t.Fatalf("no post on %v", d)
	}
	return cell.list.Objects[0].(*postChip)
}

func TestDragPostToAnotherDayMovesIt(t *testing.T) {
	// Friday 17 July, 09:30 in Berlin
	u, fc, loc := dragUI(t, data.CalendarEntry{PostID: 1, PlannedAt: time.Date(2026, 7, 17, 7, 30, 0, 0, time.UTC),
		State: data.StateScheduled, Snippet: "Summer sale", Networks: "mastodon,x"})
	c := u.calendar
	chip := monthChip(t, c, day(loc, time.July, 17))
	target := c.cellFor(day(loc, time.July, 21))

	// While dragging, the cell under the pointer is marked.
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(target).Add(fyne.NewPos(10, 40))
	chip.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{AbsolutePosition: pos}})
	if c.drag.over != target || target.bg.StrokeWidth != 2 {
		t.Fatalf("the cell under the pointer is not highlighted (over it %v, stroke %v)", c.drag.over == target, target.bg.StrokeWidth)
	}
	other := c.cellFor(day(loc, time.July, 22))
	chip.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{AbsolutePosition: fyne.CurrentApp().Driver().
		AbsolutePositionForObject(other).Add(fyne.NewPos(10, 40))}})
	if c.drag.over != other || target.bg.StrokeWidth != 0 || other.bg.StrokeWidth != 2 {
		t.Fatal("the highlight did not follow the pointer")
	}
	chip.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{AbsolutePosition: pos}})
	loads := fc.calendarCalls()
	chip.DragEnd()
	u.b.wait()

	want := time.Date(2026, 7, 21, 9, 30, 0, 0, loc) // the same time of day
	if m := fc.movesMade(); len(m) != 1 || m[0].id != 1 || m[0].clock != "09:30" || !m[0].at.Equal(want) {
		t.Fatalf("moves = %+v, want post 1 at %v", m, want)
	}
	if target.bg.StrokeWidth != 0 || c.drag.over != nil {
		t.Error("the highlight stayed after the drop")
	}
	if got := c.status.Text; got != "Moved to Tue 21 Jul 09:30" {
		t.Errorf("status = %q", got)
	}
	if fc.calendarCalls() <= loads {
		t.Error("the calendar did not reload after the move")
	}

	// Dropped where it was, or off the grid: nothing moves.
	dragTo(chip, c.cellFor(day(loc, time.July, 17)))
	chip.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{AbsolutePosition: fyne.NewPos(-50, -50)}})
	chip.DragEnd()
	u.b.wait()
	if m := fc.movesMade(); len(m) != 1 {
		t.Errorf("moves after dropping in place and outside: %+v", m)
	}
}

func TestDragPublishedPostIsRefused(t *testing.T) {
	u, fc, loc := dragUI(t, data.CalendarEntry{PostID: 1, PlannedAt: time.Date(2026, 7, 14, 7, 30, 0, 0, time.UTC),
		State: data.StatePublished, Snippet: "Went out", Networks: "mastodon"})
	c := u.calendar
	dragTo(monthChip(t, c, day(loc, time.July, 14)), c.cellFor(day(loc, time.July, 21)))
	u.b.wait()
	if m := fc.movesMade(); len(m) != 0 {
		t.Fatalf("a published post was moved: %+v", m)
	}
	if !overlayHas(t, u.Window, msgPublishedStays) {
		t.Error("the refusal was not said")
	}
}

func TestDragHeldPostAsksFirst(t *testing.T) {
	u, fc, loc := dragUI(t, data.CalendarEntry{PostID: 1, PlannedAt: time.Date(2026, 7, 17, 7, 30, 0, 0, time.UTC),
		State: data.StateScheduled, Snippet: "Held", Networks: "mastodon"})
	fc.held = map[int64][]string{1: {"Mastodon"}}
	c := u.calendar
	dragTo(monthChip(t, c, day(loc, time.July, 17)), c.cellFor(day(loc, time.July, 20)))
	u.b.wait()
	if !overlayHas(t, u.Window, "Mastodon holds this post; moving it changes it there too. Move?") {
		t.Fatal("no question before moving a held post")
	}
	if m := fc.movesMade(); len(m) != 0 {
		t.Fatalf("moved before the answer: %+v", m)
	}
	b := overlayButton(t, u.Window, "Move")
	if b == nil {
		t.Fatal("no Move button")
	}
	test.Tap(b)
	u.b.wait()
	if m := fc.movesMade(); len(m) != 1 || !m[0].at.Equal(time.Date(2026, 7, 20, 9, 30, 0, 0, loc)) {
		t.Errorf("moves after Move = %+v", m)
	}

	// "Keep it" leaves it.
	dragTo(monthChip(t, c, day(loc, time.July, 17)), c.cellFor(day(loc, time.July, 24)))
	u.b.wait()
	keep := overlayButton(t, u.Window, "Keep it")
	if keep == nil {
		t.Fatal("no Keep it button")
	}
	test.Tap(keep)
	u.b.wait()
	if m := fc.movesMade(); len(m) != 1 {
		t.Errorf("moved although kept: %+v", m)
	}
}

func TestDragIntoClockChangeSaysSo(t *testing.T) {
	// Friday 26 March 2027 02:30 CET; the clocks skip 02:00–03:00 on Sunday 28.
	u, fc, loc := dragUI(t, data.CalendarEntry{PostID: 1, PlannedAt: time.Date(2027, 3, 26, 1, 30, 0, 0, time.UTC),
		State: data.StateScheduled, Snippet: "Night owls", Networks: "mastodon"})
	c := u.calendar
	c.showMonth(time.Date(2027, 3, 1, 0, 0, 0, 0, loc))
	u.b.wait()
	dragTo(monthChip(t, c, time.Date(2027, 3, 26, 0, 0, 0, 0, loc)), c.cellFor(time.Date(2027, 3, 28, 0, 0, 0, 0, loc)))
	u.b.wait()
	_, note, _ := app.ResolveTime(time.Date(2027, 3, 28, 0, 0, 0, 0, loc), "02:30", loc)
	if m := fc.movesMade(); len(m) != 1 || m[0].clock != "02:30" || !m[0].at.Equal(time.Date(2027, 3, 28, 1, 30, 0, 0, time.UTC)) {
		t.Fatalf("moves = %+v", m)
	}
	if note == "" || !overlayHas(t, u.Window, note) {
		t.Errorf("the note %q was not shown", note)
	}
	if got := c.status.Text; got != "Moved to Sun 28 Mar 03:30" {
		t.Errorf("status = %q", got)
	}
}

func TestDragPostToAnHourInTheWeek(t *testing.T) {
	// Tuesday 14 July, 09:40 in Berlin
	u, fc, loc := dragUI(t, data.CalendarEntry{PostID: 3, PlannedAt: time.Date(2026, 7, 14, 7, 40, 0, 0, time.UTC),
		State: data.StateDraft, Snippet: "Week post", Networks: "mastodon"})
	c := u.calendar
	test.Tap(c.viewBtns[viewWeek])
	u.b.wait()
	chips := c.week.cells[1][9].chips()
	if len(chips) != 1 {
		t.Fatalf("%d chips at Tuesday 09:00", len(chips))
	}
	target := c.week.cells[3][11] // Thursday 11:00
	chips[0].Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{AbsolutePosition: fyne.CurrentApp().Driver().
		AbsolutePositionForObject(target).Add(fyne.NewPos(5, 5))}})
	if c.drag.over != target || target.bg.StrokeWidth != 2 {
		t.Fatal("the hour under the pointer is not highlighted")
	}
	chips[0].DragEnd()
	u.b.wait()
	if m := fc.movesMade(); len(m) != 1 || m[0].id != 3 || m[0].clock != "11:40" ||
		!m[0].at.Equal(time.Date(2026, 7, 16, 11, 40, 0, 0, loc)) {
		t.Fatalf("moves = %+v, want Thursday 11:40", m)
	}
	if got := c.status.Text; got != "Moved to Thu 16 Jul 11:40" {
		t.Errorf("status = %q", got)
	}
}

func TestDragIdeaOntoTheCalendar(t *testing.T) {
	u, fc, loc := dragUI(t)
	fc.lib.ideas = []data.Idea{{PostID: 5, Snippet: "A post about bread", State: data.StateDraft}}
	u.ideas.reload()
	u.b.wait()
	test.Tap(u.ideas.toggle)
	item, ok := u.ideas.rows.Objects[0].(*ideaItem)
	if !ok {
		t.Fatalf("the idea row is a %T", u.ideas.rows.Objects[0])
	}
	c := u.calendar
	dragTo(item, c.cellFor(day(loc, time.July, 20)))
	u.b.wait()
	fc.drag.mu.Lock()
	dated := slices.Clone(fc.drag.dated)
	fc.drag.mu.Unlock()
	if len(dated) != 1 || dated[0].id != 5 || !dated[0].at.Equal(time.Date(2026, 7, 20, 9, 0, 0, 0, loc)) {
		t.Fatalf("dated = %+v, want idea 5 on Monday 20 July 09:00", dated)
	}
	if got := c.status.Text; got != "Scheduled for Mon 20 Jul 09:00" {
		t.Errorf("status = %q", got)
	}

	// Today, 09:00 has passed: the next full hour. What stops it from
	// being scheduled is shown.
	fc.drag.mu.Lock()
	fc.drag.dateProblems = []platforms.Problem{{Field: "accounts", Message: "Choose at least one account to post to."}}
	fc.drag.mu.Unlock()
	item = u.ideas.rows.Objects[0].(*ideaItem)
	dragTo(item, c.cellFor(day(loc, time.July, 15)))
	u.b.wait()
	fc.drag.mu.Lock()
	dated = slices.Clone(fc.drag.dated)
	fc.drag.mu.Unlock()
	if len(dated) != 2 || !dated[1].at.Equal(time.Date(2026, 7, 15, 11, 0, 0, 0, loc)) {
		t.Fatalf("dated = %+v, want today 11:00", dated)
	}
	if !walkOverlays(t, u.Window, "Choose at least one account to post to.") {
		t.Error("the problems were not shown")
	}
}

// walkOverlays reports whether a visible overlay shows a label containing s.
func walkOverlays(t *testing.T, w fyne.Window, s string) bool {
	t.Helper()
	for _, o := range w.Canvas().Overlays().List() {
		if o.Visible() && walk(t, o, func(obj fyne.CanvasObject) bool {
			return strings.Contains(labelText(obj), s)
		}) {
			return true
		}
	}
	return false
}
