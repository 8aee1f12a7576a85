package views

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/platforms"
)

// The writing assistant: the Settings card that points it at an
// OpenAI-compatible endpoint (off until set), the composer's "Assistant"
// menu with a preview that streams the answer and changes nothing until
// Accept, the help that needs no endpoint, and the tips under the text.

// assistCore is what the assistant needs from the core.
type assistCore interface {
	// Assistant is the endpoint and model (Endpoint "" = off) and whether
	// a key is stored; SetAssistant saves them, the key in the keyring
	// (apiKey "" keeps it with keepKey, else deletes it).
	Assistant() app.AssistantSettings
	SetAssistant(endpoint, model, apiKey string, keepKey bool) error
	TestAssistant(ctx context.Context) (string, error)
	// Assist sends the request's text and instruction, calling onDelta
	// with the answer so far; its errors are *app.AssistError.
	Assist(ctx context.Context, req app.AssistRequest, onDelta func(text string)) (string, error)
	// help without an endpoint: hashtags from the user's own groups and
	// best posts; common problems of the draft
	SuggestHashtags(ctx context.Context, text string, n int) ([]string, error)
	AssistTips(ctx context.Context, d app.Draft) []app.AssistTip
}

// assistSentStatement says what leaves the computer, on the Settings card.
const assistSentStatement = "Only the text of the post you are editing and the instruction you choose are sent to this " +
	"address — never your accounts, numbers or other posts. Off until you set it."

// needsEndpoint is the note on the AI items while no endpoint is set; with
// onSettings it opens Settings → Assistant.
const needsEndpoint = "Set up an assistant in Settings to use this"
const setUpAssistant = "Set up an assistant in Settings…"

// assistTimeout is a safety limit for one request; the core gives up
// sooner (no first byte or no new chunk within 30 s, 3 minutes in all).
const assistTimeout = 4 * time.Minute

// tipsDelay is how long the draft must rest before the tips are asked
// for again, so typing does not call the core on every key.
const tipsDelay = 400 * time.Millisecond

// --- Settings → Assistant

// assistSettings is the "Assistant" card of the settings.
type assistSettings struct {
	core Core
	b    *bridge

	cur      app.AssistantSettings // as last loaded
	endpoint *widget.Entry
	model    *widget.Entry
	key      *widget.Entry // empty = keep the stored key
	keyNote  *widget.Label // "a key is saved in your keyring"
	saveBtn  *widget.Button
	testBtn  *widget.Button
	offBtn   *widget.Button
	status   *widget.Label // what the last save or test said
	busy     bool
}

func newAssistSettings(core Core, b *bridge) *assistSettings {
	return &assistSettings{core: core, b: b}
}

func (s *assistSettings) build() fyne.CanvasObject {
	s.endpoint = ext(&widget.Entry{PlaceHolder: "http://localhost:11434/v1"})
	s.model = ext(&widget.Entry{PlaceHolder: "The model's name, e.g. llama3.2"})
	s.key = ext(&widget.Entry{Password: true, PlaceHolder: "Only if the service needs one"})
	s.key.OnSubmitted = func(string) { s.onSave() }
	s.keyNote = ext(&widget.Label{Text: "A key is saved in your keyring; leave the field empty to keep it.",
		Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord})
	s.keyNote.Hide()
	s.saveBtn = ext(&widget.Button{Text: "Save", Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: s.onSave})
	s.testBtn = ext(&widget.Button{Text: "Test connection", Icon: theme.MediaPlayIcon(), OnTapped: s.onTest})
	s.offBtn = ext(&widget.Button{Text: "Turn off", Icon: theme.CancelIcon(), OnTapped: s.onTurnOff})
	s.status = ext(&widget.Label{Wrapping: fyne.TextWrapWord})
	s.status.Hide()
	bold := func(text string) *widget.Label {
		return ext(&widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}})
	}
	s.load()
	return widget.NewCard("Assistant", "", container.NewVBox(
		ext(&widget.Label{Wrapping: fyne.TextWrapWord, Text: "Help with writing from a model you choose: one on your own " +
			"computer (Ollama, llama.cpp server, LM Studio) or a provider's, with your key. Any address that speaks " +
			"the OpenAI chat API works."}),
		ext(&widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance, Text: assistSentStatement}),
		container.New(layout.NewFormLayout(),
			bold("Address"), s.endpoint,
			bold("Model"), s.model,
			bold("API key"), container.NewVBox(s.key, s.keyNote)),
		container.NewHBox(layout.NewSpacer(), s.offBtn, s.testBtn, s.saveBtn),
		s.status,
	))
}

// load shows the stored settings. It runs when the card is built and
// after a change, not on every refresh, so what the user types stays.
func (s *assistSettings) load() {
	s.cur = s.core.Assistant()
	s.endpoint.SetText(s.cur.Endpoint)
	s.model.SetText(s.cur.Model)
	s.key.SetText("")
	s.keyNote.Hidden = !s.cur.HasKey
	s.keyNote.Refresh()
	if s.cur.Endpoint == "" {
		s.offBtn.Disable()
	} else {
		s.offBtn.Enable()
	}
}

// typed is what the fields say; key "" keeps the stored key.
func (s *assistSettings) typed() (endpoint, model, key string) {
	return strings.TrimSpace(s.endpoint.Text), strings.TrimSpace(s.model.Text), strings.TrimSpace(s.key.Text)
}

func (s *assistSettings) onSave() {
	endpoint, model, key := s.typed()
	done := "Saved. The composer's Assistant menu now sends requests to this address."
	if endpoint == "" {
		done = "Saved without an address: the assistant is off and nothing is sent anywhere."
	}
	s.change(func() (string, error) {
		if err := s.core.SetAssistant(endpoint, model, key, true); err != nil {
			return "", fmt.Errorf("Could not save: %w", err)
		}
		return done, nil
	})
}

// onTest saves what was typed, if it changed, and asks the endpoint.
func (s *assistSettings) onTest() {
	endpoint, model, key := s.typed()
	if endpoint == "" {
		s.show("Type the address of the assistant first, e.g. http://localhost:11434/v1.", widget.DangerImportance)
		return
	}
	changed := endpoint != s.cur.Endpoint || model != s.cur.Model || key != ""
	s.show("Testing…", widget.MediumImportance)
	s.change(func() (string, error) {
		if changed {
			if err := s.core.SetAssistant(endpoint, model, key, true); err != nil {
				return "", fmt.Errorf("Could not save: %w", err)
			}
		}
		ctx, cancel := s.b.ctx()
		defer cancel()
		return s.core.TestAssistant(ctx)
	})
}

// onTurnOff forgets the address and the key: nothing is sent anymore.
func (s *assistSettings) onTurnOff() {
	_, model, _ := s.typed()
	s.change(func() (string, error) {
		if err := s.core.SetAssistant("", model, "", false); err != nil {
			return "", fmt.Errorf("Could not turn the assistant off: %w", err)
		}
		return "Turned off: nothing is sent anywhere, and the API key was removed from your keyring.", nil
	})
}

// change runs work off the UI thread and shows its answer.
func (s *assistSettings) change(work func() (string, error)) {
	if s.busy {
		return
	}
	s.busy = true
	for _, btn := range []*widget.Button{s.saveBtn, s.testBtn, s.offBtn} {
		btn.Disable()
	}
	s.b.run(func() func() {
		msg, err := work()
		return func() {
			s.busy = false
			s.saveBtn.Enable()
			s.testBtn.Enable()
			s.load()
			if err != nil {
				s.show(err.Error(), widget.DangerImportance)
				return
			}
			s.show(msg, widget.SuccessImportance)
		}
	})
}

func (s *assistSettings) show(msg string, imp widget.Importance) {
	s.status.Text, s.status.Importance = msg, imp
	s.status.Show()
	s.status.Refresh()
}

// --- the composer's Assistant menu

// composerAssist is the composer's Assistant button and menu, the open
// preview, the Undo of the last accepted answer and the tips.
type composerAssist struct {
	c *composerScreen

	button  *widget.Button
	menu    *widget.PopUpMenu // while shown
	menuDef *fyne.Menu        // its items
	target  *variantEditor    // what the menu acts on: an account's section, nil = the main text
	chosen  *variantEditor    // the section last typed in or chosen under "Acting on"

	preview *assistPreview // the open preview, if any

	onSettings func() // opens Settings (at the Assistant card); nil: the note is plain text

	describe      *dialog.ConfirmDialog // "describe the image" for alt text, while shown
	describeEntry *widget.Entry

	undoRow *fyne.Container
	undoMsg *widget.Label
	undoBtn *widget.Button
	undo    func() // restores what the last Accept replaced

	tipsBox   *fyne.Container
	tipsTimer *time.Timer
	tipsGen   int // drops tips of an older draft
}

func newComposerAssist(c *composerScreen) *composerAssist {
	a := &composerAssist{c: c}
	a.button = ext(&widget.Button{Text: "Assistant", Icon: theme.MenuIcon(), Importance: widget.LowImportance, OnTapped: a.onMenu})
	a.undoMsg = ext(&widget.Label{Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord})
	a.undoBtn = ext(&widget.Button{Text: "Undo", Icon: theme.ContentUndoIcon(), Importance: widget.LowImportance, OnTapped: a.onUndo})
	a.undoRow = container.NewBorder(nil, nil, nil, a.undoBtn, a.undoMsg)
	a.undoRow.Hide()
	a.tipsBox = container.NewVBox()
	a.tipsBox.Hide()
	return a
}

// reset forgets the Undo and the tips of the post that was there.
func (a *composerAssist) reset() {
	a.chosen = nil
	a.undo = nil
	a.undoRow.Hide()
	a.tipsGen++
	a.tipsBox.RemoveAll()
	a.tipsBox.Hide()
}

// onMenu reads the settings (off the UI thread) and opens the menu.
func (a *composerAssist) onMenu() {
	a.target = a.section()
	a.c.b.run(func() func() {
		st := a.c.core.Assistant()
		return func() { a.showMenu(st) }
	})
}

// section is what the menu acts on: the account section whose text (or
// thread post) has the focus — a click on a button leaves it where the
// user was typing — nil for the main text; with no text field focused,
// the section last typed in or chosen, if it still shows.
func (a *composerAssist) section() *variantEditor {
	f := a.c.b.win.Canvas().Focused()
	if f == fyne.Focusable(a.c.text) {
		a.chosen = nil
		return nil
	}
	for _, id := range a.c.selectedAccounts() {
		e := a.c.shownVariant(id)
		if e == nil {
			continue
		}
		focused := f == fyne.Focusable(e.text)
		if e.thread != nil {
			for _, p := range e.thread.parts {
				focused = focused || f == fyne.Focusable(p.entry)
			}
		}
		if focused {
			a.chosen = e
			return e
		}
	}
	for _, id := range a.c.selectedAccounts() {
		if e := a.c.shownVariant(id); e != nil && e == a.chosen {
			return e
		}
	}
	a.chosen = nil
	return nil
}

// assistNet is a network among the ticked accounts, with the first of
// its accounts (whose limits count).
type assistNet struct {
	network platforms.Network
	name    string
	account int64
}

// nets are the networks the menu offers to rewrite or fit for: the
// section's own, else those of the ticked accounts.
func (a *composerAssist) nets() []assistNet {
	c := a.c
	if a.target != nil {
		return []assistNet{{platforms.Network(a.target.acc.Network), c.networkLabel(a.target.acc.Network), a.target.acc.ID}}
	}
	var out []assistNet
	seen := map[string]bool{}
	for _, id := range c.selectedAccounts() {
		n := c.accs[id].Network
		if seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, assistNet{platforms.Network(n), c.networkLabel(n), id})
	}
	return out
}

// threadSections are the sections a thread goes into: the target's, else
// every ticked X or Mastodon account's.
func (a *composerAssist) threadSections() []*variantEditor {
	if a.target != nil {
		if a.target.thread != nil {
			return []*variantEditor{a.target}
		}
		return nil
	}
	var out []*variantEditor
	for _, id := range a.c.selectedAccounts() {
		if e := a.c.shownVariant(id); e != nil && e.thread != nil {
			out = append(out, e)
		}
	}
	return out
}

// targetText is the text the menu acts on.
func (a *composerAssist) targetText() string {
	if a.target != nil {
		return a.target.effectiveText()
	}
	return a.c.text.Text
}

// targetName says what the menu acts on.
func (a *composerAssist) targetName() string {
	if a.target != nil {
		return "the text for " + accountLabel(a.target.acc) + " on " + a.c.networkLabel(a.target.acc.Network)
	}
	return "the main text"
}

func (a *composerAssist) showMenu(st app.AssistantSettings) {
	on := st.Endpoint != ""
	item := func(label string, action func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, action)
		it.Disabled = !on
		return it
	}
	var items []*fyne.MenuItem
	if sections := a.actOnMenu(st); sections != nil {
		items = append(items, sections, fyne.NewMenuItemSeparator())
	}
	nets := a.nets()
	threads := a.threadSections()

	var ai []*fyne.MenuItem
	for _, n := range nets {
		ai = append(ai, item("Rewrite for "+n.name, func() {
			a.runText("Rewrite for "+n.name, app.AssistRequest{Task: app.AssistRewrite, Network: n.network}, n, a.netDests(n))
		}))
	}
	plain := func(label string, task app.AssistTask) *fyne.MenuItem {
		return item(label, func() { a.runText(label, app.AssistRequest{Task: task}, a.limitNet(), a.dests()) })
	}
	ai = append(ai, plain("Shorten", app.AssistShorten), plain("Expand", app.AssistExpand), plain("Fix spelling", app.AssistSpelling))
	tone := item("Change tone", nil)
	var tones []*fyne.MenuItem
	for _, t := range []string{"Friendly", "Professional", "Playful"} {
		tones = append(tones, item(t, func() {
			a.runText("Make it "+strings.ToLower(t), app.AssistRequest{Task: app.AssistTone, Tone: strings.ToLower(t)}, a.limitNet(), a.dests())
		}))
	}
	tone.ChildMenu = fyne.NewMenu("", tones...)
	ai = append(ai, tone,
		item("Suggest hashtags", func() { a.runHashtags(true) }),
		item("Write three variants", a.runVariants))
	alt := item("Write alt text", nil)
	var images []*fyne.MenuItem
	for _, r := range a.c.media {
		if isVideo(r.m) || strings.HasSuffix(strings.ToLower(r.m.Path), ".pdf") {
			continue
		}
		images = append(images, item("For "+r.name, func() { a.askDescription(r) }))
	}
	if len(images) == 0 {
		alt.Label, alt.Disabled = "Write alt text (add an image first)", true
	} else {
		alt.ChildMenu = fyne.NewMenu("", images...)
	}
	thread := item("Turn into a thread", a.runThread)
	if len(threads) == 0 {
		thread.Label, thread.Disabled = "Turn into a thread (for X or Mastodon)", true
	}
	ai = append(ai, alt, thread)

	var offline []*fyne.MenuItem
	for _, n := range nets {
		offline = append(offline, fyne.NewMenuItem("Fit to "+n.name, func() { a.runFit(n) }))
	}
	split := fyne.NewMenuItem("Split into a thread", a.splitThreads)
	split.Disabled = len(threads) == 0
	offline = append(offline, split,
		fyne.NewMenuItem("Suggest hashtags (from your groups and best posts)", func() { a.runHashtags(false) }))

	if on {
		items = append(items, ai...)
		items = append(items, fyne.NewMenuItemSeparator())
		items = append(items, offline...)
	} else {
		items = append(items, offline...)
		items = append(items, fyne.NewMenuItemSeparator())
		items = append(items, ai...)
		if a.onSettings != nil {
			items = append(items, &fyne.MenuItem{Label: setUpAssistant, Action: a.onSettings})
		} else {
			items = append(items, &fyne.MenuItem{Label: needsEndpoint, Disabled: true})
		}
	}
	if a.menu != nil {
		a.menu.Hide()
	}
	a.menuDef = fyne.NewMenu("", items...)
	a.menu = widget.NewPopUpMenu(a.menuDef, a.c.b.win.Canvas())
	a.menu.ShowAtRelativePosition(fyne.NewPos(0, a.button.Size().Height), a.button)
}

// actOnMenu lets the user choose what the menu acts on while the
// accounts have sections of their own; nil when there is only the main
// text.
func (a *composerAssist) actOnMenu(st app.AssistantSettings) *fyne.MenuItem {
	var sections []*variantEditor
	for _, id := range a.c.selectedAccounts() {
		if e := a.c.shownVariant(id); e != nil {
			sections = append(sections, e)
		}
	}
	if len(sections) == 0 {
		return nil
	}
	choose := func(e *variantEditor) func() {
		return func() {
			a.target, a.chosen = e, e
			if e != nil {
				a.c.b.win.Canvas().Focus(e.text)
			} else {
				a.c.b.win.Canvas().Focus(a.c.text)
			}
			a.showMenu(st)
		}
	}
	main := fyne.NewMenuItem("The main text", choose(nil))
	main.Checked = a.target == nil
	items := []*fyne.MenuItem{main}
	for _, e := range sections {
		it := fyne.NewMenuItem(accountLabel(e.acc)+" on "+a.c.networkLabel(e.acc.Network), choose(e))
		it.Checked = a.target == e
		items = append(items, it)
	}
	it := fyne.NewMenuItem("Acting on "+a.targetName(), nil)
	it.ChildMenu = fyne.NewMenu("", items...)
	return it
}

// limitNet is the network whose limit a general request keeps to: the
// section's, else the smallest of the ticked accounts'.
func (a *composerAssist) limitNet() assistNet {
	nets := a.nets()
	if len(nets) == 0 {
		return assistNet{}
	}
	if a.target != nil || len(nets) == 1 {
		return nets[0]
	}
	best, bestMax := nets[0], 0
	for _, n := range nets {
		l := a.c.limitsOf(n.account)
		if l.MaxChars > 0 && (bestMax == 0 || l.MaxChars < bestMax) {
			best, bestMax = n, l.MaxChars
		}
	}
	return best
}

// limitsOf are an account's limits as its section loaded them, else the
// composer's.
func (c *composerScreen) limitsOf(id int64) platforms.Limits {
	if e := c.variants[id]; e != nil && e.loaded {
		return e.limits
	}
	return c.limits
}

// assistDest is a text field an answer goes into.
type assistDest struct {
	entry *escEntry
	base  string // the text the answer builds on (a section's own text may be empty)
}

// dests are where an answer for the target goes: the section's own text,
// else the main text.
func (a *composerAssist) dests() []assistDest {
	if a.target != nil {
		return []assistDest{{a.target.text, a.target.effectiveText()}}
	}
	return []assistDest{{a.c.text, a.c.text.Text}}
}

// netDests are where a text made for network n goes: the section's own
// text; else, while the accounts have sections, the own texts of the
// ticked accounts on n (the main text stays for the others); else the
// main text.
func (a *composerAssist) netDests(n assistNet) []assistDest {
	if a.target != nil {
		return a.dests()
	}
	var out []assistDest
	for _, id := range a.c.selectedAccounts() {
		if e := a.c.shownVariant(id); e != nil && e.acc.Network == string(n.network) {
			out = append(out, assistDest{e.text, e.effectiveText()})
		}
	}
	if len(out) == 0 {
		return a.dests()
	}
	return out
}

// request fills in the text, and the network and limit of n, and asks the
// core with the account's limits read off the UI thread.
func (a *composerAssist) request(req app.AssistRequest, n assistNet) func(ctx context.Context, onDelta func(string)) (string, error) {
	core := a.c.core
	return func(ctx context.Context, onDelta func(string)) (string, error) {
		if n.account != 0 && req.Limit == 0 {
			req.Limit = core.AccountLimits(ctx, n.account).MaxChars
		}
		return core.Assist(ctx, req, onDelta)
	}
}

// runText asks for a new text and, on Accept, puts it into dests.
func (a *composerAssist) runText(title string, req app.AssistRequest, n assistNet, dests []assistDest) {
	req.Text = a.targetText()
	if strings.TrimSpace(req.Text) == "" {
		a.nothingToDo()
		return
	}
	on := a.targetName()
	if len(dests) > 0 && dests[0].entry != a.c.text && a.target == nil {
		on = "the main text; the answer goes into the own text of " + a.sectionNames(dests)
	}
	a.open(&assistPreview{title: title, on: on, kind: previewText, retry: true, run: a.request(req, n),
		accept: func(answer string, _ []string) {
			a.apply(title, a.setTexts(dests, func(assistDest) string { return answer }))
		}})
}

// runVariants asks for three variants to pick one from.
func (a *composerAssist) runVariants() {
	text := a.targetText()
	if strings.TrimSpace(text) == "" {
		a.nothingToDo()
		return
	}
	dests := a.dests()
	a.open(&assistPreview{title: "Write three variants", on: a.targetName(), kind: previewVariants, retry: true,
		run: a.request(app.AssistRequest{Task: app.AssistVariants, Text: text}, a.limitNet()),
		accept: func(_ string, picked []string) {
			a.apply("Variant", a.setTexts(dests, func(assistDest) string { return picked[0] }))
		}})
}

// runHashtags suggests hashtags to tick, from the assistant or (ai
// false) from the user's own groups and best posts; Accept appends the
// ticked ones.
func (a *composerAssist) runHashtags(ai bool) {
	text := a.targetText()
	if strings.TrimSpace(text) == "" {
		a.nothingToDo()
		return
	}
	dests := a.dests()
	p := &assistPreview{title: "Suggest hashtags", on: a.targetName(), kind: previewHashtags, retry: ai,
		run: a.request(app.AssistRequest{Task: app.AssistHashtags, Text: text}, a.limitNet())}
	if !ai {
		p.title = "Hashtags from your groups and best posts"
		core := a.c.core
		p.run = func(ctx context.Context, _ func(string)) (string, error) {
			tags, err := core.SuggestHashtags(ctx, text, 10)
			if err != nil {
				return "", fmt.Errorf("Could not look through your groups and posts: %w", err)
			}
			if len(tags) == 0 {
				return "", errors.New("No hashtags found: none of your hashtag groups matches this text, " +
					"and your best posts of the last year have none. Save groups under Hashtags… to get suggestions.")
			}
			return strings.Join(tags, " "), nil
		}
	}
	p.accept = func(_ string, picked []string) {
		a.apply("Hashtags added", a.setTexts(dests, func(d assistDest) string { return appendTags(d.base, picked) }))
	}
	a.open(p)
}

// appendTags puts tags at the end of text: on its last line when that
// holds hashtags already, else on a line of their own.
func appendTags(text string, tags []string) string {
	text = strings.TrimRight(text, " \t\n")
	var add []string
	for _, t := range tags {
		if !slices.Contains(strings.Fields(strings.ToLower(text)), strings.ToLower(t)) {
			add = append(add, t)
		}
	}
	switch {
	case len(add) == 0:
		return text
	case text == "":
		return strings.Join(add, " ")
	}
	lines := strings.Split(text, "\n")
	if strings.HasPrefix(strings.TrimSpace(lines[len(lines)-1]), "#") {
		return text + " " + strings.Join(add, " ")
	}
	return text + "\n\n" + strings.Join(add, " ")
}

// runThread asks for the text as a thread; Accept makes its posts the
// thread of the sections.
func (a *composerAssist) runThread() {
	text := a.targetText()
	if strings.TrimSpace(text) == "" {
		a.nothingToDo()
		return
	}
	sections := a.threadSections()
	n := a.limitNet()
	if a.target == nil { // the smallest limit among the thread's networks
		for i, e := range sections {
			l := a.c.limitsOf(e.acc.ID)
			if i == 0 || l.MaxChars > 0 && l.MaxChars < a.c.limitsOf(n.account).MaxChars {
				n = assistNet{platforms.Network(e.acc.Network), a.c.networkLabel(e.acc.Network), e.acc.ID}
			}
		}
	}
	on := a.targetName()
	if a.target == nil {
		on = "the main text; the thread goes to " + a.sectionNames(nil)
	}
	a.open(&assistPreview{title: "Turn into a thread", on: on, kind: previewThread, retry: true,
		run:    a.request(app.AssistRequest{Task: app.AssistThread, Text: text, Network: n.network}, n),
		accept: func(_ string, parts []string) { a.apply("Thread written", a.setThreads(sections, parts)) }})
}

// splitThreads is "Split into a thread" of each section, with Undo.
func (a *composerAssist) splitThreads() {
	sections := a.threadSections()
	undo := a.captureThreads(sections)
	for _, e := range sections {
		e.thread.onSplit()
	}
	a.apply("Split into a thread", undo)
}

// runFit trims the text to n's limit at sentence ends, without an
// endpoint, and previews it.
func (a *composerAssist) runFit(n assistNet) {
	text := a.targetText()
	if strings.TrimSpace(text) == "" {
		a.nothingToDo()
		return
	}
	dests := a.netDests(n)
	on := a.targetName()
	if len(dests) > 0 && dests[0].entry != a.c.text && a.target == nil {
		on = "the main text; the result goes into the own text of " + a.sectionNames(dests)
	}
	core := a.c.core
	p := &assistPreview{title: "Fit to " + n.name, on: on, kind: previewText}
	p.run = func(ctx context.Context, _ func(string)) (string, error) {
		l := core.AccountLimits(ctx, n.account)
		fitted, cut := app.FitToLimit(text, l)
		if !cut {
			p.note = fmt.Sprintf("It already fits %s's %d characters.", n.name, l.MaxChars)
		} else {
			p.note = fmt.Sprintf("Trimmed at sentence ends to %s's %d characters.", n.name, l.MaxChars)
		}
		return fitted, nil
	}
	p.accept = func(answer string, _ []string) {
		a.apply("Fitted to "+n.name, a.setTexts(dests, func(assistDest) string { return answer }))
	}
	a.open(p)
}

// askDescription asks for a few words about an image, then writes its
// alt text from them.
func (a *composerAssist) askDescription(r *mediaRow) {
	a.describeEntry = ext(&widget.Entry{PlaceHolder: "e.g. a loaf of rye bread on a wooden board, morning light"})
	msg := ext(&widget.Label{Wrapping: fyne.TextWrapWord, Text: "What does " + r.name + " show? A few words are enough; " +
		"only these words are sent, not the image."})
	a.describe = dialog.NewCustomConfirm("Write alt text", "Write", "Cancel", container.NewVBox(msg, a.describeEntry), func(ok bool) {
		a.describe = nil
		desc := strings.TrimSpace(a.describeEntry.Text)
		if !ok || desc == "" {
			return
		}
		a.open(&assistPreview{title: "Alt text for " + r.name, on: "the alt text of " + r.name, kind: previewText, retry: true,
			run: a.request(app.AssistRequest{Task: app.AssistAltText, Text: desc}, assistNet{}),
			accept: func(answer string, _ []string) {
				old := r.alt.Text
				r.alt.SetText(answer)
				a.apply("Alt text written", func() { r.alt.SetText(old) })
			}})
	}, a.c.b.win)
	a.describe.Resize(fyne.NewSize(480, 220))
	a.describe.Show()
	a.c.b.win.Canvas().Focus(a.describeEntry)
}

func (a *composerAssist) nothingToDo() {
	dialog.ShowInformation("Nothing to work on", "Write some text first; the assistant works on "+a.targetName()+".", a.c.b.win)
}

// sectionNames names the accounts of dests (all thread sections if nil).
func (a *composerAssist) sectionNames(dests []assistDest) string {
	var names []string
	for _, id := range a.c.selectedAccounts() {
		e := a.c.shownVariant(id)
		if e == nil {
			continue
		}
		if dests == nil && e.thread != nil || slices.ContainsFunc(dests, func(d assistDest) bool { return d.entry == e.text }) {
			names = append(names, accountLabel(e.acc)+" on "+a.c.networkLabel(e.acc.Network))
		}
	}
	return strings.Join(names, ", ")
}

// setTexts puts text(d) into each field and returns how to undo it.
func (a *composerAssist) setTexts(dests []assistDest, text func(assistDest) string) func() {
	olds := make([]string, len(dests))
	for i, d := range dests {
		olds[i] = d.entry.Text
	}
	for _, d := range dests {
		d.entry.SetText(text(d))
	}
	return func() {
		for i, d := range dests {
			d.entry.SetText(olds[i])
		}
	}
}

// captureThreads remembers the sections' texts and thread posts.
func (a *composerAssist) captureThreads(sections []*variantEditor) func() {
	type saved struct {
		e     *variantEditor
		head  string
		parts []string
	}
	var all []saved
	for _, e := range sections {
		s := saved{e: e, head: e.text.Text}
		for _, p := range e.thread.parts {
			s.parts = append(s.parts, p.entry.Text)
		}
		all = append(all, s)
	}
	return func() {
		for _, s := range all {
			s.e.text.SetText(s.head)
			s.e.thread.set(s.parts)
		}
	}
}

// setThreads makes parts the thread of each section.
func (a *composerAssist) setThreads(sections []*variantEditor, parts []string) func() {
	undo := a.captureThreads(sections)
	for _, e := range sections {
		e.text.SetText(parts[0])
		e.thread.set(parts[1:])
	}
	return undo
}

// apply offers Undo for what was just accepted.
func (a *composerAssist) apply(what string, undo func()) {
	a.undo = undo
	a.undoMsg.SetText(what + ". Undo puts back the text as it was.")
	a.undoBtn.Enable()
	a.undoRow.Show()
}

func (a *composerAssist) onUndo() {
	if a.undo == nil {
		return
	}
	a.undo()
	a.undo = nil
	a.undoRow.Hide()
}

// open shows a preview and starts its request.
func (a *composerAssist) open(p *assistPreview) {
	if a.preview != nil {
		a.preview.close()
	}
	p.a = a
	a.preview = p
	p.build()
	p.start()
}

// --- the preview

type previewKind int

const (
	previewText     previewKind = iota // one text
	previewVariants                    // three to pick one from
	previewHashtags                    // hashtags to tick
	previewThread                      // the posts of a thread
)

// assistPreview shows an answer as it streams in, with Cancel while it
// does, then Accept, Try again and Discard. Nothing in the post changes
// until Accept.
type assistPreview struct {
	a      *composerAssist
	title  string
	on     string // what it acts on
	kind   previewKind
	retry  bool // Try again makes sense (an assistant's answer varies)
	note   string
	run    func(ctx context.Context, onDelta func(string)) (string, error)
	accept func(answer string, picked []string)

	dlg     *dialog.CustomDialog
	status  *widget.Label // "Writing…", an error, or a note
	text    *widget.Label // the answer as it streams in
	choices *fyne.Container
	pick    *widget.RadioGroup // variants
	tags    []*widget.Check    // hashtags
	parts   []string           // variants or thread posts

	cancelBtn, acceptBtn, retryBtn, discardBtn *widget.Button

	answer  string
	cancel  context.CancelFunc
	gen     int // drops answers of a request that was cancelled or retried
	running bool

	mu      sync.Mutex // the stream's latest text, handed to the UI thread
	latest  string
	pending bool
}

func (p *assistPreview) build() {
	p.status = ext(&widget.Label{Wrapping: fyne.TextWrapWord})
	p.text = ext(&widget.Label{Wrapping: fyne.TextWrapWord, Selectable: true})
	p.choices = container.NewVBox()
	p.cancelBtn = ext(&widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: p.onCancel})
	p.acceptBtn = ext(&widget.Button{Text: "Accept", Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: p.onAccept})
	p.retryBtn = ext(&widget.Button{Text: "Try again", Icon: theme.ViewRefreshIcon(), OnTapped: p.start})
	p.discardBtn = ext(&widget.Button{Text: "Discard", Icon: theme.DeleteIcon(), OnTapped: p.close})
	on := ext(&widget.Label{Text: "Working on " + p.on + ".", Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord})
	scroll := container.NewVScroll(container.NewVBox(p.text, p.choices))
	scroll.SetMinSize(fyne.NewSize(480, 220))
	p.dlg = dialog.NewCustomWithoutButtons(p.title, container.NewBorder(on, p.status, nil, nil, scroll), p.a.c.b.win)
	p.dlg.SetButtons([]fyne.CanvasObject{p.cancelBtn, p.discardBtn, p.retryBtn, p.acceptBtn})
	p.dlg.Resize(fyne.NewSize(600, 440))
	p.dlg.Show()
}

// start sends the request and streams its answer in.
func (p *assistPreview) start() {
	if p.cancel != nil {
		p.cancel()
	}
	p.gen++
	gen := p.gen
	ctx, cancel := context.WithTimeout(context.Background(), assistTimeout)
	p.cancel, p.running, p.answer, p.note = cancel, true, "", ""
	p.text.SetText("")
	p.choices.RemoveAll()
	p.pick, p.tags, p.parts = nil, nil, nil
	p.setStatus("Writing…", widget.LowImportance)
	p.buttons()
	b := p.a.c.b
	onDelta := func(text string) {
		p.mu.Lock()
		p.latest = text
		queued := p.pending
		p.pending = true
		p.mu.Unlock()
		if queued { // one update at a time reaches the UI: the newest text
			return
		}
		b.do(func() {
			p.mu.Lock()
			text := p.latest
			p.pending = false
			p.mu.Unlock()
			if gen == p.gen && p.running {
				p.text.SetText(text)
			}
		})
	}
	run := p.run
	b.run(func() func() {
		answer, err := run(ctx, onDelta)
		return func() {
			if gen != p.gen {
				return
			}
			p.done(answer, err)
		}
	})
}

// done shows the whole answer, or why there is none.
func (p *assistPreview) done(answer string, err error) {
	p.running = false
	p.cancel()
	if err == nil && strings.TrimSpace(answer) == "" {
		err = errors.New("The assistant answered with nothing. Try again, or another model.")
	}
	if err != nil {
		p.text.SetText("")
		p.setStatus(assistMessage(err)+" Your post is unchanged.", widget.DangerImportance)
		p.buttons()
		return
	}
	p.answer = answer
	p.text.SetText(answer)
	p.setStatus(p.note, widget.LowImportance)
	switch p.kind {
	case previewVariants:
		p.parts = app.SplitVariants(answer)
		p.text.SetText("")
		p.pick = ext(&widget.RadioGroup{Options: p.parts, OnChanged: func(string) { p.buttons() }})
		if len(p.parts) > 0 {
			p.pick.Selected = p.parts[0]
		}
		p.choices.Add(ext(&widget.Label{Text: "Pick the one to use:"}))
		p.choices.Add(p.pick)
	case previewHashtags:
		p.text.SetText("")
		p.choices.Add(ext(&widget.Label{Text: "Tick the hashtags to add at the end:"}))
		for _, tag := range app.ParseHashtags(answer) {
			ch := ext(&widget.Check{Text: tag, Checked: true, OnChanged: func(bool) { p.buttons() }})
			p.tags = append(p.tags, ch)
			p.choices.Add(ch)
		}
		if len(p.tags) == 0 {
			p.setStatus("The answer held no hashtags. Try again.", widget.DangerImportance)
		}
	case previewThread:
		p.parts = app.SplitVariants(answer)
		var b strings.Builder
		for i, s := range p.parts {
			if i > 0 {
				b.WriteString("\n\n")
			}
			fmt.Fprintf(&b, "Post %d of %d:\n%s", i+1, len(p.parts), s)
		}
		p.text.SetText(b.String())
	}
	p.buttons()
}

// picked is what Accept puts in: the chosen variant, the ticked
// hashtags, or the thread's posts.
func (p *assistPreview) picked() []string {
	switch p.kind {
	case previewVariants:
		if p.pick != nil && p.pick.Selected != "" {
			return []string{p.pick.Selected}
		}
		return nil
	case previewHashtags:
		var out []string
		for _, ch := range p.tags {
			if ch.Checked {
				out = append(out, ch.Text)
			}
		}
		return out
	case previewThread:
		return p.parts
	}
	return []string{p.answer}
}

// buttons shows Cancel while streaming, then Accept (when there is
// something to accept), Try again and Discard.
func (p *assistPreview) buttons() {
	p.cancelBtn.Hidden = !p.running
	p.discardBtn.Hidden = p.running
	p.retryBtn.Hidden = p.running || !p.retry
	p.acceptBtn.Hidden = p.running
	if p.answer != "" && len(p.picked()) > 0 {
		p.acceptBtn.Enable()
	} else {
		p.acceptBtn.Disable()
	}
	for _, btn := range []*widget.Button{p.cancelBtn, p.discardBtn, p.retryBtn, p.acceptBtn} {
		btn.Refresh()
	}
}

func (p *assistPreview) setStatus(msg string, imp widget.Importance) {
	p.status.Text, p.status.Importance = msg, imp
	p.status.Hidden = msg == ""
	p.status.Refresh()
}

// onCancel stops the request; the preview stays for Try again.
func (p *assistPreview) onCancel() {
	if p.cancel != nil {
		p.cancel()
	}
}

func (p *assistPreview) onAccept() {
	picked := p.picked()
	if p.running || p.answer == "" || len(picked) == 0 {
		return
	}
	p.close()
	p.accept(p.answer, picked)
}

// close stops any request and hides the preview; nothing is changed.
func (p *assistPreview) close() {
	p.gen++
	p.running = false
	if p.cancel != nil {
		p.cancel()
	}
	p.dlg.Hide()
	if p.a.preview == p {
		p.a.preview = nil
	}
}

// assistMessage says in plain words why there is no answer.
func assistMessage(err error) string {
	var ae *app.AssistError
	switch {
	case errors.As(err, &ae):
		return ae.Message
	case errors.Is(err, context.Canceled):
		return "Stopped."
	case errors.Is(err, context.DeadlineExceeded):
		return "The assistant took too long to answer. Try again, or a smaller model."
	case errors.Is(err, app.ErrAssistantOff):
		return "No assistant is set up: set one up under Settings → Assistant."
	}
	return err.Error()
}

// --- tips

// changed asks for the tips again once the draft has rested for tipsDelay.
func (a *composerAssist) changed() {
	if a.tipsTimer != nil && a.tipsTimer.Stop() {
		a.tipsTimer.Reset(tipsDelay)
		return
	}
	b := a.c.b
	a.tipsTimer = time.AfterFunc(tipsDelay, func() { b.do(a.loadTips) })
}

// watch follows the text of an account's section for the tips.
func (a *composerAssist) watch(e *variantEditor) {
	prev := e.text.OnChanged
	e.text.OnChanged = func(s string) {
		if prev != nil {
			prev(s)
		}
		a.changed()
	}
}

// loadTips asks the core what looks wrong with the draft as it stands.
func (a *composerAssist) loadTips() {
	a.tipsGen++
	gen, d := a.tipsGen, a.c.assistDraft()
	a.c.b.run(func() func() {
		ctx, cancel := a.c.b.ctx()
		defer cancel()
		tips := a.c.core.AssistTips(ctx, d)
		return func() {
			if gen == a.tipsGen {
				a.showTips(tips)
			}
		}
	})
}

// showTips lists the tips under the counters, with "Fit to <network>"
// or "Split into a thread" where a tip offers it.
func (a *composerAssist) showTips(tips []app.AssistTip) {
	a.tipsBox.RemoveAll()
	for _, t := range tips {
		l := ext(&widget.Label{Text: t.Message, Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance,
			SizeName: theme.SizeNameCaptionText})
		var row fyne.CanvasObject = l
		if btn := a.tipButton(t); btn != nil {
			row = container.NewBorder(nil, nil, nil, btn, l)
		}
		a.tipsBox.Add(row)
	}
	a.tipsBox.Hidden = len(tips) == 0
	a.tipsBox.Refresh()
}

// tipButton does what a tip offers for its account; nil if nothing.
func (a *composerAssist) tipButton(t app.AssistTip) *widget.Button {
	acc, ok := a.c.accs[t.AccountID]
	if !ok || t.Offer == app.OfferNone {
		return nil
	}
	n := assistNet{platforms.Network(acc.Network), a.c.networkLabel(acc.Network), acc.ID}
	// the account's own text when it has one, else the main text
	target := func() *variantEditor {
		if e := a.c.shownVariant(acc.ID); e != nil && e.text.Text != "" {
			return e
		}
		return nil
	}
	switch t.Offer {
	case app.OfferFit:
		return ext(&widget.Button{Text: "Fit to " + n.name, Importance: widget.LowImportance, OnTapped: func() {
			a.target = target()
			a.runFit(n)
		}})
	case app.OfferThread:
		e := a.c.shownVariant(acc.ID)
		if e == nil || e.thread == nil {
			return nil
		}
		return ext(&widget.Button{Text: "Split into a thread", Importance: widget.LowImportance, OnTapped: func() {
			a.target = e
			a.splitThreads()
		}})
	}
	return nil
}

// assistDraft reads the form into a draft for the tips, without touching
// the form's problems.
func (c *composerScreen) assistDraft() app.Draft {
	d := app.Draft{PostID: c.postID, Text: c.text.Text, AccountIDs: c.selectedAccounts(), Media: c.draftMedia(), Zone: c.core.Location()}
	for _, id := range d.AccountIDs {
		if e := c.shownVariant(id); e != nil {
			if v, set := e.variant(); set {
				if d.Variants == nil {
					d.Variants = map[int64]app.Variant{}
				}
				d.Variants[id] = v
			}
		}
	}
	return d
}
