package views

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
	"localpost/platforms"
)

// assistUI is the composer with accs ticked and, when endpoint is set,
// the assistant set up.
func assistUI(t *testing.T, fc *fakeCore, endpoint string, accs ...data.Account) *MainUI {
	t.Helper()
	fc.accounts = accs
	fc.as.settings = app.AssistantSettings{Endpoint: endpoint, Model: "llama3.2"}
	u := newTestUI(t, fc, fixedNow(fc.loc))
	u.tabs.Select(u.composeTab)
	for _, ac := range u.composer.checks {
		if !ac.check.Checked {
			test.Tap(ac.check)
		}
	}
	u.b.wait()
	return u
}

// assistMenu taps the Assistant button and returns its menu.
func assistMenu(t *testing.T, u *MainUI) *fyne.Menu {
	t.Helper()
	test.Tap(u.composer.assist.button)
	u.b.wait()
	a := u.composer.assist
	if a.menu == nil || !a.menu.Visible() || a.menuDef == nil {
		t.Fatal("no Assistant menu")
	}
	return a.menuDef
}

// findItem finds the item labelled label, in child menus too.
func findItem(m *fyne.Menu, label string) *fyne.MenuItem {
	for _, it := range m.Items {
		if it.Label == label {
			return it
		}
		if it.ChildMenu != nil {
			if found := findItem(it.ChildMenu, label); found != nil {
				return found
			}
		}
	}
	return nil
}

// assistItem is findItem that fails the test when there is none.
func assistItem(t *testing.T, m *fyne.Menu, label string) *fyne.MenuItem {
	t.Helper()
	it := findItem(m, label)
	if it == nil {
		var labels []string
		for _, it := range m.Items {
			labels = append(labels, it.Label)
		}
		t.Fatalf("no %q in the menu %q", label, labels)
	}
	return it
}

// choose picks a menu item as a tap on it would.
func choose(t *testing.T, u *MainUI, label string) {
	t.Helper()
	it := assistItem(t, assistMenu(t, u), label)
	if it.Disabled {
		t.Fatalf("%q is disabled", label)
	}
	u.composer.assist.menu.Hide()
	it.Action()
}

// preview is the open preview.
func preview(t *testing.T, u *MainUI) *assistPreview {
	t.Helper()
	p := u.composer.assist.preview
	if p == nil || !previewShown(t, u, p) {
		t.Fatal("no preview")
	}
	return p
}

// previewShown reports whether p shows in a dialog.
func previewShown(t *testing.T, u *MainUI, p *assistPreview) bool {
	for _, o := range u.Window.Canvas().Overlays().List() {
		if o.Visible() && walk(t, o, func(obj fyne.CanvasObject) bool { return obj == p.status }) {
			return true
		}
	}
	return false
}

// TestAssistStreamsIntoThePreviewAndAcceptReplaces: the answer grows in
// the preview as it streams, with only Cancel to tap, while the post
// stays as it was; Accept puts the answer in the main text, and Undo
// puts back the exact text from before.
func TestAssistStreamsIntoThePreviewAndAcceptReplaces(t *testing.T) {
	fc := newFakeCore(berlin(t))
	fc.as.deltas = []string{"Rye", "Rye bread,", "Rye bread, fresh."}
	fc.as.sent = make(chan int, 3)
	fc.as.hold = make(chan struct{})
	fc.as.answer = "Rye bread, fresh at 7."
	u := assistUI(t, fc, "http://127.0.0.1:11434/v1", alice)
	t.Cleanup(func() { close(fc.as.hold) }) // a failed test does not leave the request waiting
	c := u.composer
	before := "Our rye bread is fresh every morning.  It comes out of the oven at 7, come early!\n"
	c.text.SetText(before)

	choose(t, u, "Shorten")
	p := preview(t, u)
	for i, want := range fc.as.deltas {
		fc.waitDelta(t, i)
		u.b.drain()
		if p.text.Text != want {
			t.Fatalf("after delta %d the preview shows %q, want %q", i, p.text.Text, want)
		}
		if !p.cancelBtn.Visible() || p.acceptBtn.Visible() || p.retryBtn.Visible() {
			t.Errorf("while streaming: cancel %v, accept %v, retry %v", p.cancelBtn.Visible(), p.acceptBtn.Visible(), p.retryBtn.Visible())
		}
		if c.text.Text != before {
			t.Fatalf("the post changed while streaming: %q", c.text.Text)
		}
		fc.as.hold <- struct{}{}
	}
	u.b.wait()
	if p.text.Text != fc.as.answer || !p.acceptBtn.Visible() || p.acceptBtn.Disabled() || p.cancelBtn.Visible() {
		t.Fatalf("done: %q, accept shown %v disabled %v", p.text.Text, p.acceptBtn.Visible(), p.acceptBtn.Disabled())
	}
	reqs := fc.assistRequests()
	if len(reqs) != 1 || reqs[0].Task != app.AssistShorten || reqs[0].Text != before || reqs[0].Limit != 500 {
		t.Fatalf("requests %+v", reqs)
	}
	if c.text.Text != before {
		t.Fatal("the post changed before Accept")
	}

	test.Tap(p.acceptBtn)
	if c.text.Text != fc.as.answer {
		t.Fatalf("after Accept the text is %q", c.text.Text)
	}
	if previewShown(t, u, p) || c.assist.preview != nil {
		t.Error("the preview stayed open")
	}
	if !c.assist.undoRow.Visible() {
		t.Fatal("no Undo offered")
	}
	test.Tap(c.assist.undoBtn)
	if c.text.Text != before {
		t.Errorf("Undo gave %q, want %q", c.text.Text, before)
	}
	if c.assist.undoRow.Visible() {
		t.Error("Undo still offered")
	}
}

// TestAssistDiscardAndFailureLeaveTheText: Discard changes nothing; a
// failed request shows the core's message in the preview, offers no
// Accept and leaves the post as it was; Try again asks again.
func TestAssistDiscardAndFailureLeaveTheText(t *testing.T) {
	fc := newFakeCore(berlin(t))
	fc.as.answer = "Something else entirely."
	u := assistUI(t, fc, "http://127.0.0.1:11434/v1", alice)
	c := u.composer
	c.text.SetText("Keep me as I am.")

	choose(t, u, "Expand")
	u.b.wait()
	p := preview(t, u)
	test.Tap(p.discardBtn)
	if c.text.Text != "Keep me as I am." || previewShown(t, u, p) || c.assist.undoRow.Visible() {
		t.Fatalf("after Discard: %q", c.text.Text)
	}

	msg := "The assistant at 127.0.0.1:11434 refused the API key (401): check the key in Settings → Assistant."
	fc.as.err = &app.AssistError{Message: msg}
	choose(t, u, "Fix spelling")
	u.b.wait()
	p = preview(t, u)
	if !strings.Contains(p.status.Text, msg) || !strings.Contains(p.status.Text, "unchanged") || !p.status.Visible() {
		t.Errorf("status %q", p.status.Text)
	}
	if p.acceptBtn.Visible() && !p.acceptBtn.Disabled() {
		t.Error("Accept offered for a failed request")
	}
	test.Tap(p.acceptBtn) // even if tapped
	if c.text.Text != "Keep me as I am." {
		t.Fatalf("a failed request changed the text: %q", c.text.Text)
	}

	fc.as.mu.Lock()
	fc.as.err = nil
	fc.as.mu.Unlock()
	test.Tap(p.retryBtn)
	u.b.wait()
	if n := len(fc.assistRequests()); n != 3 {
		t.Errorf("%d requests, want 3 (expand, spelling, spelling again)", n)
	}
	if p.text.Text != fc.as.answer || p.acceptBtn.Disabled() || p.status.Visible() {
		t.Errorf("after Try again: %q, status %q", p.text.Text, p.status.Text)
	}
}

// TestAssistCancelStopsTheRequest: Cancel cancels the context the core
// got; the preview says it stopped and the post is untouched.
func TestAssistCancelStopsTheRequest(t *testing.T) {
	fc := newFakeCore(berlin(t))
	fc.as.deltas = []string{"Half an ans"}
	fc.as.sent = make(chan int, 1)
	fc.as.hold = make(chan struct{})
	u := assistUI(t, fc, "http://127.0.0.1:11434/v1", alice)
	t.Cleanup(func() { close(fc.as.hold) }) // a failed test does not leave the request waiting
	c := u.composer
	c.text.SetText("Long post.")

	choose(t, u, "Professional")
	fc.waitDelta(t, 0)
	u.b.drain()
	p := preview(t, u)
	test.Tap(p.cancelBtn)
	u.b.wait()
	fc.as.mu.Lock()
	ctxErr := fc.as.ctxErr
	fc.as.mu.Unlock()
	if !errors.Is(ctxErr, context.Canceled) {
		t.Fatalf("the core's context ended with %v, want Canceled", ctxErr)
	}
	if !strings.Contains(p.status.Text, "Stopped") || c.text.Text != "Long post." || p.acceptBtn.Visible() && !p.acceptBtn.Disabled() {
		t.Errorf("after Cancel: status %q, text %q", p.status.Text, c.text.Text)
	}
	if r := fc.assistRequests(); len(r) != 1 || r[0].Task != app.AssistTone || r[0].Tone != "professional" {
		t.Errorf("requests %+v", r)
	}
}

// TestAssistRewriteForXGoesIntoItsText: "Rewrite for X" sends X's limit
// as the core counts it and the network; the answer becomes the X
// account's own text, the main text stays for the others.
func TestAssistRewriteForXGoesIntoItsText(t *testing.T) {
	fc := newFakeCore(berlin(t))
	fc.accountLimits[5] = xLimits
	fc.as.answer = "Rye at 7 🥖"
	u := assistUI(t, fc, "http://127.0.0.1:11434/v1", alice, xAcc)
	c := u.composer
	c.text.SetText("Our rye bread comes out of the oven at seven.")

	m := assistMenu(t, u)
	assistItem(t, m, "Rewrite for Mastodon")
	c.assist.menu.Hide()
	choose(t, u, "Rewrite for X")
	u.b.wait()
	r := fc.assistRequests()
	if len(r) != 1 || r[0].Task != app.AssistRewrite || r[0].Network != platforms.X || r[0].Limit != 280 ||
		r[0].Text != c.text.Text {
		t.Fatalf("requests %+v", r)
	}
	test.Tap(preview(t, u).acceptBtn)
	if got := c.variants[5].text.Text; got != "Rye at 7 🥖" {
		t.Errorf("X's own text %q", got)
	}
	if c.text.Text != "Our rye bread comes out of the oven at seven." || c.variants[1].text.Text != "" {
		t.Errorf("main text %q, Mastodon's %q", c.text.Text, c.variants[1].text.Text)
	}
	test.Tap(c.assist.undoBtn)
	if c.variants[5].text.Text != "" {
		t.Errorf("Undo left X's text %q", c.variants[5].text.Text)
	}

	// Chosen under "Acting on", the menu works on X's own text.
	c.variants[5].text.SetText("X only text")
	m = assistMenu(t, u)
	assistItem(t, m, "Acting on the main text")
	assistItem(t, m, "Bakery (@bakery) on X").Action()
	if c.assist.target != c.variants[5] {
		t.Fatal("choosing X's text did not make it the target")
	}
	m = c.assist.menuDef // shown again, acting on X's text
	assistItem(t, m, "Acting on the text for Bakery (@bakery) on X")
	if findItem(m, "Rewrite for Mastodon") != nil {
		t.Error("a section offers rewriting for another network")
	}
	c.assist.menu.Hide()
	assistItem(t, m, "Shorten").Action()
	u.b.wait()
	if r := fc.assistRequests(); r[1].Text != "X only text" || r[1].Limit != 280 {
		t.Errorf("X's text: %+v", r[1])
	}
	test.Tap(preview(t, u).acceptBtn)
	if c.variants[5].text.Text != "Rye at 7 🥖" || c.text.Text != "Our rye bread comes out of the oven at seven." {
		t.Errorf("X %q, main %q", c.variants[5].text.Text, c.text.Text)
	}

	// The choice holds for the next time the menu opens.
	assistMenu(t, u)
	if c.assist.target != c.variants[5] {
		t.Error("the chosen X section was forgotten")
	}
	c.assist.menu.Hide()

	// The section being typed in is the target: a click on a button
	// leaves the focus where it is on the desktop (the test driver's
	// tap takes it away, so the button's handler is called here).
	u.Window.Canvas().Focus(c.variants[1].text)
	c.assist.onMenu()
	u.b.wait()
	if c.assist.target != c.variants[1] || findItem(c.assist.menuDef, "Rewrite for Mastodon") == nil {
		t.Error("the focused Mastodon section is not the target")
	}
	c.assist.menu.Hide()
	u.Window.Canvas().Focus(c.text)
	c.assist.onMenu()
	u.b.wait()
	if c.assist.target != nil {
		t.Error("the focused main text is not the target")
	}
	c.assist.menu.Hide()
}

// TestAssistHashtagsAppendOnlyTheTicked: the suggested hashtags come
// ticked; Accept appends those still ticked.
func TestAssistHashtagsAppendOnlyTheTicked(t *testing.T) {
	fc := newFakeCore(berlin(t))
	fc.as.answer = "#rye #bread #bakery"
	u := assistUI(t, fc, "http://127.0.0.1:11434/v1", alice)
	c := u.composer
	c.text.SetText("Fresh rye today.")
	choose(t, u, "Suggest hashtags")
	u.b.wait()
	p := preview(t, u)
	if len(p.tags) != 3 {
		t.Fatalf("%d hashtags to tick", len(p.tags))
	}
	for _, ch := range p.tags {
		if ch.Text == "#bread" {
			test.Tap(ch)
		}
	}
	test.Tap(p.acceptBtn)
	if want := "Fresh rye today.\n\n#rye #bakery"; c.text.Text != want {
		t.Errorf("text %q, want %q", c.text.Text, want)
	}

	// None ticked: nothing to accept.
	choose(t, u, "Suggest hashtags")
	u.b.wait()
	p = preview(t, u)
	for _, ch := range p.tags {
		test.Tap(ch)
	}
	if !p.acceptBtn.Disabled() {
		t.Error("Accept enabled with no hashtag ticked")
	}
	test.Tap(p.discardBtn)
}

// TestAssistVariantsPickOne: three variants to pick from; Accept puts in
// the one picked.
func TestAssistVariantsPickOne(t *testing.T) {
	fc := newFakeCore(berlin(t))
	fc.as.answer = "Rye, fresh at 7.\n---\nCome early: rye at seven.\n---\nWarm rye bread from 7 am."
	u := assistUI(t, fc, "http://127.0.0.1:11434/v1", alice)
	c := u.composer
	c.text.SetText("Rye bread at seven.")
	choose(t, u, "Write three variants")
	u.b.wait()
	p := preview(t, u)
	if p.pick == nil || len(p.pick.Options) != 3 {
		t.Fatalf("variants %+v", p.pick)
	}
	p.pick.SetSelected("Come early: rye at seven.")
	test.Tap(p.acceptBtn)
	if c.text.Text != "Come early: rye at seven." {
		t.Errorf("text %q", c.text.Text)
	}
	if r := fc.assistRequests(); r[0].Task != app.AssistVariants {
		t.Errorf("task %q", r[0].Task)
	}
}

// TestAssistThreadBecomesTheThread: the answer's posts become the X
// section's text and its further posts; Undo puts both back.
func TestAssistThreadBecomesTheThread(t *testing.T) {
	fc := newFakeCore(berlin(t))
	fc.accountLimits[5] = xLimits
	fc.as.answer = "One.\n---\nTwo.\n---\nThree."
	u := assistUI(t, fc, "http://127.0.0.1:11434/v1", xAcc)
	c := u.composer
	c.text.SetText("A long story about bread.")
	choose(t, u, "Turn into a thread")
	u.b.wait()
	if r := fc.assistRequests(); r[0].Task != app.AssistThread || r[0].Network != platforms.X || r[0].Limit != 280 {
		t.Errorf("request %+v", r[0])
	}
	test.Tap(preview(t, u).acceptBtn)
	xe := c.variants[5]
	if xe.text.Text != "One." || !slices.Equal(xe.thread.values(), []string{"Two.", "Three."}) {
		t.Fatalf("thread %q + %q", xe.text.Text, xe.thread.values())
	}
	test.Tap(c.assist.undoBtn)
	if xe.text.Text != "" || len(xe.thread.parts) != 0 {
		t.Errorf("after Undo %q + %q", xe.text.Text, xe.thread.values())
	}
}

// TestAssistAltTextFromADescription: only the user's words about the
// image are sent; Accept sets the image's alt text.
func TestAssistAltTextFromADescription(t *testing.T) {
	fc := newFakeCore(berlin(t))
	fc.as.answer = "A round rye loaf on a wooden board in morning light."
	u := assistUI(t, fc, "http://127.0.0.1:11434/v1", alice)
	c := u.composer
	c.text.SetText("Fresh.")
	c.appendMedia(app.DraftMedia{MediaID: 1, Path: "/tmp/loaf.png", Mime: "image/png"})
	choose(t, u, "For loaf.png")
	c.assist.describeEntry.SetText("rye loaf, board, morning")
	test.Tap(overlayButton(t, u.Window, "Write"))
	u.b.wait()
	if r := fc.assistRequests(); len(r) != 1 || r[0].Task != app.AssistAltText || r[0].Text != "rye loaf, board, morning" {
		t.Fatalf("requests %+v", r)
	}
	test.Tap(preview(t, u).acceptBtn)
	if c.media[0].alt.Text != fc.as.answer || c.text.Text != "Fresh." {
		t.Errorf("alt %q, text %q", c.media[0].alt.Text, c.text.Text)
	}
}

// TestAssistOfflineHelp: without an endpoint the menu offers "Fit to"
// each network and hashtags from the user's own groups; the AI items
// are there, disabled, with the way to turn them on.
func TestAssistOfflineHelp(t *testing.T) {
	fc := newFakeCore(berlin(t))
	fc.accountLimits[5] = xLimits
	fc.as.hashtags = []string{"#sourdough", "#rye"}
	u := assistUI(t, fc, "", xAcc)
	c := u.composer
	long := strings.Repeat("Our sourdough rests for a whole day. ", 10) + "Come by."
	c.text.SetText(long)

	m := assistMenu(t, u)
	for _, label := range []string{"Shorten", "Expand", "Fix spelling", "Change tone", "Suggest hashtags",
		"Write three variants", "Turn into a thread"} {
		if !assistItem(t, m, label).Disabled {
			t.Errorf("%q enabled without an endpoint", label)
		}
	}
	// The note leads to Settings.
	if set := assistItem(t, m, setUpAssistant); set.Disabled || set.Action == nil {
		t.Error("no way from the menu to Settings → Assistant")
	} else {
		set.Action()
		if u.tabs.Selected() != u.settingsTab {
			t.Error("“Set up an assistant in Settings…” did not open Settings")
		}
		u.tabs.Select(u.composeTab)
	}
	if assistItem(t, m, "Fit to X").Disabled || assistItem(t, m, "Split into a thread").Disabled {
		t.Error("offline help disabled")
	}
	c.assist.menu.Hide()

	choose(t, u, "Fit to X")
	u.b.wait()
	p := preview(t, u)
	want, cut := app.FitToLimit(long, xLimits)
	if !cut || p.text.Text != want || p.retryBtn.Visible() {
		t.Fatalf("fit preview %q (want %q, cut %v)", p.text.Text, want, cut)
	}
	if len(fc.assistRequests()) != 0 {
		t.Fatal("the offline help asked the assistant")
	}
	test.Tap(p.acceptBtn)
	if c.variants[5].text.Text != want || c.text.Text != long {
		t.Errorf("X %q, main %q", c.variants[5].text.Text, c.text.Text)
	}
	test.Tap(c.assist.undoBtn)

	choose(t, u, "Suggest hashtags (from your groups and best posts)")
	u.b.wait()
	p = preview(t, u)
	fc.as.mu.Lock()
	asks := fc.as.hashtagAsks
	fc.as.mu.Unlock()
	if len(asks) != 1 || asks[0] != long || len(p.tags) != 2 {
		t.Fatalf("asked %q, %d tags", asks, len(p.tags))
	}
	test.Tap(p.acceptBtn)
	if !strings.HasSuffix(c.text.Text, "\n\n#sourdough #rye") {
		t.Errorf("text %q", c.text.Text)
	}
	if len(fc.assistRequests()) != 0 {
		t.Error("the offline help asked the assistant")
	}
}

// TestAssistSettingsCard: Save sends the address, model and key (the key
// field empties and says a key is kept); Test connection shows the
// core's answer; Turn off clears the address and the key.
func TestAssistSettingsCard(t *testing.T) {
	fc := newFakeCore(berlin(t))
	fc.as.testAnswer = "Connected: llama3.2 is there."
	u := newTestUI(t, fc, fixedNow(berlin(t)))
	s := u.settings.assist
	if s.keyNote.Visible() || !s.offBtn.Disabled() {
		t.Error("off: key note shown or Turn off enabled")
	}
	s.endpoint.SetText(" http://localhost:11434/v1 ")
	s.model.SetText("llama3.2")
	s.key.SetText("sk-secret")
	test.Tap(s.saveBtn)
	u.b.wait()
	fc.as.mu.Lock()
	sets := append([]assistSet(nil), fc.as.sets...)
	fc.as.mu.Unlock()
	if len(sets) != 1 || sets[0] != (assistSet{"http://localhost:11434/v1", "llama3.2", "sk-secret", true}) {
		t.Fatalf("%d saves; the first has the address and model right: %v, the key: %v", len(sets),
			len(sets) > 0 && sets[0].endpoint == "http://localhost:11434/v1" && sets[0].model == "llama3.2",
			len(sets) > 0 && sets[0].key == "sk-secret" && sets[0].keep) // never the key itself in the output
	}
	if s.key.Text != "" || !s.keyNote.Visible() || s.status.Importance != widget.SuccessImportance || s.offBtn.Disabled() {
		t.Errorf("after Save: key %q, note %v, status %q", s.key.Text, s.keyNote.Visible(), s.status.Text)
	}

	test.Tap(s.testBtn)
	u.b.wait()
	if s.status.Text != "Connected: llama3.2 is there." || fc.as.tested != 1 {
		t.Errorf("test shows %q (%d tests)", s.status.Text, fc.as.tested)
	}
	fc.as.mu.Lock()
	if len(fc.as.sets) != 1 {
		t.Error("Test connection saved unchanged settings again")
	}
	fc.as.testErr = errors.New("Nothing answers at localhost:11434: is Ollama running?")
	fc.as.mu.Unlock()
	test.Tap(s.testBtn)
	u.b.wait()
	if !strings.Contains(s.status.Text, "is Ollama running") || s.status.Importance != widget.DangerImportance {
		t.Errorf("failed test shows %q", s.status.Text)
	}

	test.Tap(s.offBtn)
	u.b.wait()
	fc.as.mu.Lock()
	last, st := fc.as.sets[len(fc.as.sets)-1], fc.as.settings
	fc.as.mu.Unlock()
	if last.endpoint != "" || last.keep || st.HasKey || s.endpoint.Text != "" || s.keyNote.Visible() {
		t.Errorf("Turn off: address %q, keep key %v; settings %+v", last.endpoint, last.keep, st)
	}
	if !overlayHasNone(u) {
		t.Error("a dialog opened")
	}
}

// overlayHasNone reports that no dialog shows.
func overlayHasNone(u *MainUI) bool {
	for _, o := range u.Window.Canvas().Overlays().List() {
		if o.Visible() {
			return false
		}
	}
	return true
}

// TestAssistTipsFollowTheDraft: the tips show under the counters once
// the draft rests, for the draft as written, with "Fit to" where offered.
func TestAssistTipsFollowTheDraft(t *testing.T) {
	fc := newFakeCore(berlin(t))
	fc.accountLimits[5] = xLimits
	fc.as.tips = []app.AssistTip{
		{AccountID: 5, Network: platforms.X, Message: "The link counts as 23 characters on X (23 of your 280)."},
		{AccountID: 5, Network: platforms.X, Message: "Too long for X: \"Fit to X\" keeps the sentences that fit.", Offer: app.OfferFit},
	}
	u := assistUI(t, fc, "", xAcc)
	c := u.composer
	test.Type(c.text, "See https://bakery.example")
	// Wait for the tips of the text as typed: those asked for earlier are
	// dropped when they arrive.
	deadline := time.Now().Add(5 * time.Second) // a safety limit, not a timing
	for {
		u.b.wait()
		fc.as.mu.Lock()
		asked := slices.ContainsFunc(fc.as.tipDrafts, func(d app.Draft) bool {
			return d.Text == "See https://bakery.example" && slices.Equal(d.AccountIDs, []int64{5})
		})
		fc.as.mu.Unlock()
		if asked {
			u.b.wait()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the tips were not asked for the draft as typed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !c.assist.tipsBox.Visible() || len(c.assist.tipsBox.Objects) != 2 {
		t.Fatalf("tips shown %v: %d", c.assist.tipsBox.Visible(), len(c.assist.tipsBox.Objects))
	}
	var texts []string
	var fit *widget.Button
	walk(t, c.assist.tipsBox, func(o fyne.CanvasObject) bool {
		switch v := o.(type) {
		case *widget.Label:
			texts = append(texts, v.Text)
		case *widget.Button:
			fit = v
		}
		return false
	})
	if !slices.Contains(texts, fc.as.tips[0].Message) || fit == nil || fit.Text != "Fit to X" {
		t.Fatalf("tips %q, button %v", texts, fit)
	}
	test.Tap(fit)
	u.b.wait()
	if p := preview(t, u); p.title != "Fit to X" {
		t.Errorf("preview %q", p.title)
	}
}
