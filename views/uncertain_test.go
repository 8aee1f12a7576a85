package views

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"localpost/data"
)

// TestUncertainPostOffersBothChoices: a post Localpost cannot tell about
// after a restart shows why, and the two answers: "It is there" and
// "Publish again".
func TestUncertainPostOffersBothChoices(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.entries = []data.CalendarEntry{{PostID: 7, PlannedAt: time.Date(2026, 7, 14, 8, 0, 0, 0, time.UTC), State: data.StateUncertain, Snippet: "Maybe"}}
	fc.posts[7] = data.Post{ID: 7, Text: "Maybe", State: data.StateUncertain,
		Targets: []data.Target{{AccountID: 1, State: data.StateUncertain, LastError: "Localpost stopped while publishing this post and cannot check whether X received it."}}}
	u := newTestUI(t, fc, fixedNow(loc))

	chip := u.calendar.cellFor(day(loc, time.July, 14)).list.Objects[0].(*postChip)
	test.Tap(chip)
	u.b.wait()
	if !overlayHas(t, u.Window, "Reason: Localpost stopped while publishing this post and cannot check whether X received it.") {
		t.Error("the reason is not shown")
	}
	if overlayButton(t, u.Window, "It is there") == nil {
		t.Error("no \"It is there\" button")
	}
	if overlayButton(t, u.Window, "Retry now") != nil {
		t.Error("an uncertain post offers \"Retry now\", which does not say it may post twice")
	}
	again := overlayButton(t, u.Window, "Publish again")
	if again == nil {
		t.Fatal("no \"Publish again\" button")
	}
	test.Tap(again)
	u.b.wait()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if len(fc.retried) != 1 || fc.retried[0] != 7 {
		t.Errorf("retried = %v", fc.retried)
	}
}
