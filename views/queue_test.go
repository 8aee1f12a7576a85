package views

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
)

// fakeQueue is the fake core's posting times, queue and series (all
// behind fakeCore.mu): slots per account, zones by name; AddToQueue
// records its drafts and answers queueAt (or queueErr); ScheduleSeries
// records its drafts and repeats; PostSeries answers series[postID];
// DeleteSeriesFrom records its calls.
type fakeQueue struct {
	slots        map[int64][]data.QueueSlot
	nextSlot     int64
	zones        map[int64]string
	queued       []app.Draft
	queueAt      time.Time
	queueErr     error
	seriesDrafts []app.Draft
	repeats      []app.Repeat
	series       map[int64]data.Series
	futureDel    []int64
	seriesEdits  []app.Draft // UpdateSeriesFrom's drafts; it answers 3 changed, 1 kept
}

func (f *fakeCore) AccountZone(_ context.Context, id int64) *time.Location {
	f.mu.Lock()
	defer f.mu.Unlock()
	if name := f.q.zones[id]; name != "" {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return f.loc
}

func (f *fakeCore) SetAccountZone(_ context.Context, id int64, name string) error {
	if name != "" {
		if _, err := time.LoadLocation(name); err != nil {
			return fmt.Errorf("%q is not a time zone Localpost knows; write it as Region/City, e.g. Europe/Berlin", name)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.q.zones == nil {
		f.q.zones = map[int64]string{}
	}
	f.q.zones[id] = name
	return nil
}

func (f *fakeCore) QueueSlots(_ context.Context, id int64) ([]data.QueueSlot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]data.QueueSlot(nil), f.q.slots[id]...), nil
}

func (f *fakeCore) AddQueueSlots(_ context.Context, id int64, days []time.Weekday, clock string) error {
	h, m, err := app.ParseClock(clock)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.q.slots == nil {
		f.q.slots = map[int64][]data.QueueSlot{}
	}
	for _, d := range days {
		f.q.nextSlot++
		f.q.slots[id] = append(f.q.slots[id], data.QueueSlot{ID: f.q.nextSlot, AccountID: id, Weekday: d, Minute: h*60 + m})
	}
	return nil
}

func (f *fakeCore) RemoveQueueSlot(_ context.Context, slotID int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for acc, ss := range f.q.slots {
		for i, s := range ss {
			if s.ID == slotID {
				f.q.slots[acc] = append(ss[:i:i], ss[i+1:]...)
				return nil
			}
		}
	}
	return data.ErrNotFound
}

func (f *fakeCore) AddToQueue(_ context.Context, d app.Draft) (data.Post, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.q.queued = append(f.q.queued, d)
	if f.q.queueErr != nil {
		return data.Post{}, "", f.q.queueErr
	}
	return data.Post{ID: 11, Text: d.Text, PlannedAt: f.q.queueAt, State: data.StateScheduled}, "", nil
}

func (f *fakeCore) ScheduleSeries(_ context.Context, d app.Draft, r app.Repeat) (data.Post, int, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.q.seriesDrafts = append(f.q.seriesDrafts, d)
	f.q.repeats = append(f.q.repeats, r)
	at, err := time.ParseInLocation("2006-01-02 15:04", d.Day.Format("2006-01-02")+" "+d.Clock, d.Zone)
	if err != nil {
		return data.Post{}, 0, "", err
	}
	return data.Post{ID: 12, Text: d.Text, PlannedAt: at.UTC(), State: data.StateScheduled}, 3, "", nil
}

func (f *fakeCore) PostSeries(_ context.Context, id int64) (data.Series, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if sr, ok := f.q.series[id]; ok {
		return sr, nil
	}
	return data.Series{}, data.ErrNotFound
}

func (f *fakeCore) DeleteSeriesFrom(_ context.Context, id int64) (int, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.q.futureDel = append(f.q.futureDel, id)
	return 4, 1, nil
}

func (f *fakeCore) UpdateSeriesFrom(_ context.Context, id int64, d app.Draft) (int, int, []string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d.PostID != id {
		return 0, 0, nil, fmt.Errorf("draft of post %d saved as post %d", d.PostID, id)
	}
	f.q.seriesEdits = append(f.q.seriesEdits, d)
	return 3, 1, nil, nil
}

// labelTexts lists the visible labels' texts under obj.
func labelTexts(t *testing.T, obj fyne.CanvasObject) []string {
	t.Helper()
	var out []string
	walk(t, obj, func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok && l.Visible() && l.Text != "" {
			out = append(out, l.Text)
		}
		return false
	})
	return out
}

func TestPostingTimesDialog(t *testing.T) {
	f := newFakeCore(time.UTC)
	f.accounts = []data.Account{{ID: 1, Network: "mastodon", Handle: "@alice@example.social", DisplayName: "Alice", State: data.AccountConnected}}
	_ = f.AddQueueSlots(context.Background(), 1, []time.Weekday{time.Sunday}, "18:00")
	u := newTestUI(t, f, time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))

	// The account's card has the button; it opens the dialog with the
	// times there are.
	var btn *widget.Button
	walk(t, u.accounts.list, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && b.Text == "Posting times…" {
			btn = b
			return true
		}
		return false
	})
	if btn == nil {
		t.Fatal("no \"Posting times…\" on the account card")
	}
	test.Tap(btn)
	u.b.wait()
	d := u.accounts.slots
	if d == nil || !overlayHas(t, u.Window, "Sunday 18:00") {
		t.Fatal("the dialog does not show Sunday 18:00")
	}
	if !d.empty.Hidden {
		t.Error("\"No posting times yet\" shows beside a time")
	}

	// Nothing ticked: a problem, nothing added.
	test.Type(d.clock, "9:30")
	test.Tap(d.addBtn)
	u.b.wait()
	if d.problem.Hidden || !strings.Contains(d.problem.Text, "Tick the days") {
		t.Fatalf("problem = %q", d.problem.Text)
	}
	// Monday and Wednesday at 9:30.
	test.Tap(d.days[0])
	test.Tap(d.days[2])
	test.Tap(d.addBtn)
	u.b.wait()
	if !d.problem.Hidden {
		t.Fatalf("problem after a good add: %q", d.problem.Text)
	}
	if got := strings.Join(labelTexts(t, d.list), ","); got != "Monday 09:30,Wednesday 09:30,Sunday 18:00" {
		t.Fatalf("listed %s", got)
	}
	if d.days[0].Checked || d.clock.Text != "" {
		t.Error("the form was not cleared after adding")
	}
	// A bad time is refused before the core is asked.
	test.Tap(d.days[4])
	test.Type(d.clock, "25:00")
	test.Tap(d.addBtn)
	u.b.wait()
	if d.problem.Hidden {
		t.Fatal("25:00 was accepted")
	}
	f.mu.Lock()
	n := len(f.q.slots[1])
	f.mu.Unlock()
	if n != 3 {
		t.Fatalf("%d slots in the core, want 3", n)
	}

	// Remove Monday's.
	var rm *widget.Button
	walk(t, d.list.Objects[0], func(o fyne.CanvasObject) bool {
		b, ok := o.(*widget.Button)
		rm = b
		return ok
	})
	test.Tap(rm)
	u.b.wait()
	if got := strings.Join(labelTexts(t, d.list), ","); got != "Wednesday 09:30,Sunday 18:00" {
		t.Fatalf("after removing Monday: %s", got)
	}

	// The zone: the user's shows first; a wrong name is refused, a right one kept.
	if d.zone.Text != "UTC" {
		t.Fatalf("zone shown = %q, want the user's (UTC)", d.zone.Text)
	}
	d.zone.SetText("Mars/Olympus")
	test.Tap(d.zoneBtn)
	u.b.wait()
	if d.problem.Hidden || !strings.Contains(d.problem.Text, "Region/City") {
		t.Fatalf("bad zone: problem = %q", d.problem.Text)
	}
	d.zone.SetText("America/New_York")
	test.Tap(d.zoneBtn)
	u.b.wait()
	f.mu.Lock()
	zone := f.q.zones[1]
	f.mu.Unlock()
	if zone != "America/New_York" || !d.problem.Hidden {
		t.Fatalf("zone stored %q, problem %q", zone, d.problem.Text)
	}
	test.Tap(d.closeBtn)
	if overlayHas(t, u.Window, "Wednesday 09:30") {
		t.Error("Done did not close the dialog")
	}
}

func TestComposerAddToQueue(t *testing.T) {
	f := newFakeCore(time.UTC)
	f.accounts = []data.Account{{ID: 1, Network: "mastodon", Handle: "@alice@example.social", State: data.AccountConnected}}
	f.q.queueAt = time.Date(2026, 3, 4, 9, 30, 0, 0, time.UTC)
	u := newTestUI(t, f, time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	c := u.composer
	var done []string
	c.onDone = func(_ data.Post, msg string) { done = append(done, msg) }

	// No free time: the reason shows by the time, the text stays.
	f.mu.Lock()
	f.q.queueErr = fmt.Errorf("wrapped: %w", app.ErrNoQueueSlot)
	f.mu.Unlock()
	test.Type(c.text, "Tuesday tip")
	test.Tap(c.queueBtn)
	u.b.wait()
	if c.timeProblem.Hidden || !strings.Contains(c.timeProblem.Text, "no free posting time") || c.text.Text != "Tuesday tip" {
		t.Fatalf("time problem %q, text %q", c.timeProblem.Text, c.text.Text)
	}

	f.mu.Lock()
	f.q.queueErr = nil
	f.mu.Unlock()
	test.Tap(c.queueBtn)
	u.b.wait()
	f.mu.Lock()
	queued := f.q.queued
	f.mu.Unlock()
	if len(queued) != 2 || queued[1].Text != "Tuesday tip" || len(queued[1].AccountIDs) != 1 || queued[1].AccountIDs[0] != 1 {
		t.Fatalf("queued drafts %+v", queued)
	}
	if len(done) != 1 || done[0] != "Added to the queue for Wed 4 Mar, 09:30." || c.text.Text != "" {
		t.Fatalf("done %q, text left %q", done, c.text.Text)
	}
	if len(f.scheduled) != 0 {
		t.Fatal("Add to queue called Schedule")
	}
}

func TestComposerRepeat(t *testing.T) {
	f := newFakeCore(time.UTC)
	f.accounts = []data.Account{{ID: 1, Network: "mastodon", Handle: "@alice@example.social", State: data.AccountConnected}}
	u := newTestUI(t, f, time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	c := u.composer
	r := c.repeat
	if !r.every.Disabled() {
		t.Fatal("repeat fields enabled before Repeat is ticked")
	}
	test.Type(c.text, "Weekly tip")
	test.Tap(r.on)
	r.every.SetText("2")
	// Neither an end day nor a count: asked for one, nothing scheduled.
	test.Tap(c.scheduleBtn)
	u.b.wait()
	if c.timeProblem.Hidden || !strings.Contains(c.timeProblem.Text, "how many times") {
		t.Fatalf("time problem %q", c.timeProblem.Text)
	}
	test.Type(r.count, "5")
	test.Tap(c.scheduleBtn)
	u.b.wait()
	f.mu.Lock()
	reps, scheduled := f.q.repeats, len(f.scheduled)
	f.mu.Unlock()
	if len(reps) != 1 || reps[0] != (app.Repeat{Every: 2, Unit: data.SeriesWeeks, Count: 5}) || scheduled != 0 {
		t.Fatalf("repeats %+v, plain schedules %d", reps, scheduled)
	}
	// The composer is new again: the repeat is unticked, Schedule is plain.
	if r.on.Checked || !r.obj.Visible() {
		t.Fatal("repeat row not reset")
	}

	// A post of a series: Delete offers only this one or all later ones.
	f.mu.Lock()
	f.posts[5] = data.Post{ID: 5, Text: "Weekly tip", PlannedAt: time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC), Targets: []data.Target{{AccountID: 1}}}
	f.q.series = map[int64]data.Series{5: {ID: 1, EveryN: 2, Unit: data.SeriesWeeks, Count: 5}}
	f.mu.Unlock()
	c.load(f.DraftFromPost(f.posts[5], time.UTC))
	if r.obj.Visible() {
		t.Error("the repeat row shows for a stored post")
	}
	test.Tap(c.deleteBtn)
	u.b.wait()
	sd := c.seriesDelete
	if sd == nil || !overlayHas(t, u.Window, "This post repeats every 2 weeks, 5 times.") {
		t.Fatal("no series delete question")
	}
	test.Tap(sd.futureBtn)
	u.b.wait()
	f.mu.Lock()
	del := f.q.futureDel
	f.mu.Unlock()
	if len(del) != 1 || del[0] != 5 {
		t.Fatalf("DeleteSeriesFrom calls %v, want [5]", del)
	}
	if c.postID != 0 {
		t.Error("the composer still holds the deleted post")
	}
}

// Schedule on an edited post of a series asks whether the change is for
// this one only or this and all later ones; "Only this one" on delete can
// be undone from the calendar.
func TestComposerSeriesSaveChoice(t *testing.T) {
	f := newFakeCore(time.UTC)
	f.accounts = []data.Account{{ID: 1, Network: "mastodon", Handle: "@alice@example.social", State: data.AccountConnected}}
	u := newTestUI(t, f, time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	c := u.composer
	f.mu.Lock()
	f.posts[5] = data.Post{ID: 5, Text: "Weekly tip", PlannedAt: time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC), Targets: []data.Target{{AccountID: 1}}}
	f.q.series = map[int64]data.Series{5: {ID: 1, EveryN: 1, Unit: data.SeriesWeeks, Count: 4}}
	f.mu.Unlock()
	counts := func() (plain, series int) {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.scheduled), len(f.q.seriesEdits)
	}

	// This and all later ones.
	c.load(f.DraftFromPost(f.posts[5], time.UTC))
	c.text.SetText("Weekly tip, new")
	c.clock.SetText("10:30")
	test.Tap(c.scheduleBtn)
	u.b.wait()
	sd := c.seriesSave
	if sd == nil || !overlayHas(t, u.Window, "This post repeats every week, 4 times. Change only this one, or this and every later one that is not "+
		"published yet? Later ones keep their own dates; a new time of day applies to each of them.") {
		t.Fatalf("no question on Schedule of a series post (summary %q, time %q, scheduled %d)", c.summary.Text, c.timeProblem.Text, len(f.scheduled))
	}
	if plain, series := counts(); plain != 0 || series != 0 {
		t.Fatalf("saved before the answer: %d plain, %d series", plain, series)
	}
	test.Tap(sd.futureBtn)
	u.b.wait()
	f.mu.Lock()
	edits := f.q.seriesEdits
	f.mu.Unlock()
	if len(edits) != 1 || edits[0].PostID != 5 || edits[0].Text != "Weekly tip, new" || edits[0].Clock != "10:30" {
		t.Fatalf("UpdateSeriesFrom drafts %+v", edits)
	}
	if c.postID != 0 || u.calendar.status.Text != "3 posts of the series changed. 1 already published, being published or needing your decision stay as they were." {
		t.Fatalf("after all later ones: composer post %d, status %q", c.postID, u.calendar.status.Text)
	}

	// Only this one: the plain Schedule of this post.
	c.load(f.DraftFromPost(f.posts[5], time.UTC))
	c.text.SetText("Just this week")
	test.Tap(c.scheduleBtn)
	u.b.wait()
	if c.seriesSave == nil {
		t.Fatal("no question the second time")
	}
	test.Tap(c.seriesSave.oneBtn)
	u.b.wait()
	f.mu.Lock()
	plain := f.scheduled
	f.mu.Unlock()
	if len(plain) != 1 || plain[0].PostID != 5 || plain[0].Text != "Just this week" {
		t.Fatalf("Schedule drafts %+v", plain)
	}
	if _, series := counts(); series != 1 {
		t.Fatalf("only this one went to the series too (%d)", series)
	}

	// Cancel saves nothing.
	c.load(f.DraftFromPost(f.posts[5], time.UTC))
	test.Tap(c.scheduleBtn)
	u.b.wait()
	test.Tap(c.seriesSave.cancel)
	u.b.wait()
	if plain, series := counts(); plain != 1 || series != 1 || c.postID != 5 {
		t.Fatalf("after cancel: %d plain, %d series, composer post %d", plain, series, c.postID)
	}

	// Delete, only this one: with Undo in the calendar.
	test.Tap(c.deleteBtn)
	u.b.wait()
	test.Tap(c.seriesDelete.oneBtn)
	u.b.wait()
	f.lib.mu.Lock()
	deleted := f.lib.deleted
	f.lib.mu.Unlock()
	if len(deleted) != 1 || deleted[0] != 5 {
		t.Fatalf("DeleteWithUndo calls %v, want [5]", deleted)
	}
	if !u.undo.box.Visible() || u.tabs.Selected() != u.calendarTab {
		t.Fatal("no Undo after deleting one post of a series")
	}
}
