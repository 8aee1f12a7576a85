package views

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
	"localpost/platforms"
)

// mediaExtensions are the files "Add media…" offers; the core decides
// what it accepts.
var mediaExtensions = []string{".png", ".jpg", ".jpeg", ".gif", ".webp", ".mp4", ".mov", ".webm", ".pdf"}

var videoExtensions = []string{".mp4", ".mov", ".webm"}

func isVideo(m app.DraftMedia) bool {
	return strings.HasPrefix(m.Mime, "video/") || contains(videoExtensions, strings.ToLower(filepath.Ext(m.Path)))
}

// composerScreen writes a post: text with a live counter, accounts, a
// variant per account where networks differ, images and videos with alt
// text, a day and a time. Nothing the user typed is cleared unless
// the post was stored.
type composerScreen struct {
	core Core
	b    *bridge
	now  func() time.Time

	postID int64  // 0 = new post
	title  string // kept from a loaded post
	limits platforms.Limits
	lgen   int // drops limit loads that finished after a newer one started
	busy   bool

	heading  *widget.Label
	text     *escEntry // Esc in it closes the composer (composer_keys.go)
	counter  *widget.Label
	accBox   *fyne.Container
	noAcc    *widget.Label
	checks   []*accountCheck
	accs     map[int64]data.Account
	netNames map[string]string

	variantBox    *fyne.Container
	accordion     *widget.Accordion
	variants      map[int64]*variantEditor // by account, kept while unticked
	variantsShown bool
	mediaBox      *fyne.Container
	media         []*mediaRow
	addMedia      *widget.Button
	fromLibrary   *widget.Button // opens the media library (views/library.go)
	library       *mediaLibrary  // the open media library, if any
	date          *widget.DateEntry
	clock         *widget.Entry
	zone          *widget.Label

	textProblem, accProblem, mediaProblem, timeProblem, otherProblem *widget.Label

	saveBtn, scheduleBtn, postNowBtn, deleteBtn, clearBtn *widget.Button
	pastDialog                                            dialog.Dialog // the "already passed" question, while shown
	summary                                               *widget.Label // the first problem, by the buttons

	queueBtn     *widget.Button      // "Add to queue" (queue.go)
	repeat       *repeatRow          // "Repeat every …" (queue.go)
	seriesDelete *seriesDeleteDialog // "only this one or all later ones?", while shown
	seriesSave   *seriesDeleteDialog // the same question on Schedule, while shown

	onDone  func(p data.Post, msg string) // scheduled, posted now or deleted
	onSaved func(p data.Post)             // saved as draft

	lib composerLibrary // snippets, hashtags, labels, duplicate, delete with undo (snippets.go)

	assist *composerAssist // the Assistant menu, its preview, Undo and the tips (assistant.go)

	// keyboard (composer_keys.go)
	close      func()               // leaves the composer (Esc)
	saved      string               // signature of what is stored, to tell unsaved changes
	keepDialog *dialog.CustomDialog // "keep this draft?", while shown
}

type accountCheck struct {
	id    int64
	check *widget.Check
}

type mediaRow struct {
	m       app.DraftMedia
	name    string // shown above the alt text
	alt     *widget.Entry
	up      *widget.Button    // move earlier (views/media.go)
	down    *widget.Button    // move later
	preview fyne.CanvasObject // the image, or a film icon for a video
	obj     fyne.CanvasObject
}

func newComposerScreen(core Core, b *bridge, now func() time.Time) *composerScreen {
	return &composerScreen{core: core, b: b, now: now, limits: platforms.Limits{MaxChars: 500, MaxMedia: 4}}
}

func problemLabel() *widget.Label {
	l := ext(&widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance})
	l.Hide()
	return l
}

func (c *composerScreen) build() fyne.CanvasObject {
	c.heading = ext(&widget.Label{Text: "New post", TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameHeadingText})
	c.text = newEscEntry(c)
	c.text.SetPlaceHolder("What do you want to share?")
	c.text.SetMinRowsVisible(8)
	c.text.OnChanged = func(string) {
		c.updateCounter()
		for _, e := range c.variants {
			if e.text.Text == "" {
				e.updateCounter()
			}
		}
	}
	c.counter = ext(&widget.Label{Alignment: fyne.TextAlignTrailing})
	c.buildLibrary()
	c.assist = newComposerAssist(c)
	c.textProblem = problemLabel()
	c.accProblem = problemLabel()
	c.mediaProblem = problemLabel()
	c.timeProblem = problemLabel()
	c.otherProblem = problemLabel()
	// The summary sits by the buttons: the field a problem belongs to may be
	// scrolled out of sight.
	c.summary = problemLabel()

	c.noAcc = ext(&widget.Label{Text: "No connected account — connect one under Accounts.", Importance: widget.WarningImportance})
	// A grid, not a row: a business with eight accounts must not push the
	// window wider than the screen.
	c.accBox = container.NewGridWithColumns(2)

	c.accordion = ext(&widget.Accordion{MultiOpen: true})
	c.variantBox = container.NewVBox(
		ext(&widget.Label{Text: "Per account — leave a text empty to post the one above", TextStyle: fyne.TextStyle{Bold: true}}),
		c.accordion)
	c.variantBox.Hide()
	c.variants = map[int64]*variantEditor{}

	c.mediaBox = container.NewVBox()
	c.addMedia = ext(&widget.Button{Text: "Add media…", Icon: theme.MediaPhotoIcon(), OnTapped: c.onAddMedia})
	c.fromLibrary = ext(&widget.Button{Text: "From library…", Icon: theme.StorageIcon(), OnTapped: c.onFromLibrary})

	c.date = widget.NewDateEntry()
	c.clock = ext(&widget.Entry{PlaceHolder: "HH:MM", Validator: func(s string) error {
		_, err := parseClock(s)
		return err
	}})
	c.zone = ext(&widget.Label{})

	c.saveBtn = ext(&widget.Button{Text: "Save draft", Icon: theme.DocumentSaveIcon(), OnTapped: c.onSaveDraft})
	c.postNowBtn = ext(&widget.Button{Text: "Post now", Icon: theme.MailSendIcon(), OnTapped: c.onPostNow})
	c.scheduleBtn = ext(&widget.Button{Text: "Schedule", Icon: theme.HistoryIcon(), Importance: widget.HighImportance, OnTapped: c.onSchedule})
	c.queueBtn = ext(&widget.Button{Text: "Add to queue", Icon: theme.ListIcon(), OnTapped: c.onAddToQueue})
	c.repeat = newRepeatRow()
	c.deleteBtn = ext(&widget.Button{Text: "Delete", Icon: theme.DeleteIcon(), Importance: widget.DangerImportance, OnTapped: c.onDelete})
	c.clearBtn = ext(&widget.Button{Text: "New", Icon: theme.ContentClearIcon(), Importance: widget.LowImportance, OnTapped: c.onClear})

	h := c.date.MinSize().Height
	when := container.NewHBox(
		container.New(layout.NewGridWrapLayout(fyne.NewSize(200, h)), c.date),
		container.New(layout.NewGridWrapLayout(fyne.NewSize(100, h)), c.clock),
		c.zone)

	bold := func(s string) *widget.Label {
		return ext(&widget.Label{Text: s, TextStyle: fyne.TextStyle{Bold: true}})
	}
	form := container.New(layout.NewFormLayout(),
		bold("Post to"), container.NewVBox(c.accBox, c.noAcc, c.accProblem),
		bold("Text"), container.NewVBox(c.text, container.NewBorder(nil, nil, c.assist.button, nil, c.insertRow()),
			c.textProblem, c.assist.tipsBox, c.assist.undoRow, c.variantBox),
		bold("Media"), container.NewVBox(c.mediaBox, container.NewHBox(c.addMedia, c.fromLibrary), c.mediaProblem),
		bold("When"), container.NewVBox(when, c.repeat.obj, c.timeProblem),
		bold("Labels"), c.labelsRow(),
	)
	buttons := container.NewHBox(c.clearBtn, c.deleteBtn, c.lib.duplicateBtn, layout.NewSpacer(), c.saveBtn, c.postNowBtn, c.queueBtn, c.scheduleBtn)
	c.reset()
	return container.NewBorder(c.heading, container.NewVBox(c.otherProblem, c.summary, buttons), nil, nil,
		container.NewVScroll(container.NewPadded(form)))
}

// reset empties the composer for a new post (the account choice stays).
func (c *composerScreen) reset() {
	c.postID, c.title = 0, ""
	c.heading.SetText("New post")
	c.deleteBtn.Hide()
	c.lib.duplicateBtn.Hide()
	c.setLabels(nil)
	c.text.SetText("")
	c.media = nil
	c.mediaBox.RemoveAll()
	c.variants = map[int64]*variantEditor{}
	c.updateVariants()
	c.repeat.reset()
	c.assist.reset()
	c.setDay(c.now())
	c.clearProblems()
	c.zoneChanged()
	c.updateCounter()
	c.updateMediaButton()
	c.markSaved()
}

// setDay sets the date and a sensible time: the next full hour today, else 09:00.
func (c *composerScreen) setDay(day time.Time) {
	loc := c.core.Location()
	now := c.now().In(loc)
	d := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	c.date.SetDate(&d)
	clock := "09:00"
	if day.Year() == now.Year() && day.YearDay() == now.YearDay() {
		next := now.Truncate(time.Hour).Add(time.Hour)
		if next.Day() == now.Day() {
			clock = next.Format("15:04")
		} else {
			clock = "23:59"
		}
	}
	c.clock.SetText(clock)
}

// startOn starts a post on day. A new post in progress keeps its text and
// only moves to that day; an edited post is put aside for a new one.
func (c *composerScreen) startOn(day time.Time) {
	if c.postID != 0 {
		c.reset()
	}
	c.setDay(day)
	c.clearProblems()
}

func (c *composerScreen) zoneChanged() {
	c.zone.SetText("Time zone: " + zoneName(c.core.Location()))
}

// setAccounts lists the connected accounts as checkboxes, keeping ticks.
func (c *composerScreen) setAccounts(accs []data.Account) {
	ticked := map[int64]bool{}
	for _, ac := range c.checks {
		ticked[ac.id] = ac.check.Checked
	}
	first := len(c.checks) == 0
	c.checks = nil
	c.accs = map[int64]data.Account{}
	var objs []fyne.CanvasObject
	for _, a := range accs {
		if a.State != data.AccountConnected {
			continue
		}
		c.accs[a.ID] = a
		ch := widget.NewCheck(accountLabel(a)+" · "+networkName(a.Network), func(bool) {
			c.updateVariants()
			c.reloadLimits()
		})
		ch.Checked = ticked[a.ID]
		c.checks = append(c.checks, &accountCheck{id: a.ID, check: ch})
		objs = append(objs, ch)
	}
	if first && len(c.checks) == 1 {
		c.checks[0].check.Checked = true
	}
	c.accBox.Objects = objs
	c.accBox.Refresh()
	c.noAcc.Hidden = len(c.checks) > 0
	c.noAcc.Refresh()
	c.updateVariants()
	c.reloadLimits()
}

// setNetworks keeps the networks' names for the variant sections.
func (c *composerScreen) setNetworks(nets []app.NetworkInfo) {
	c.netNames = map[string]string{}
	for _, n := range nets {
		c.netNames[string(n.Network)] = n.Name
	}
	c.updateVariants()
}

func (c *composerScreen) networkLabel(n string) string {
	if name := c.netNames[n]; name != "" {
		return name
	}
	return networkName(n)
}

// updateVariants shows a section per ticked account when the accounts
// span several networks or a network has options; sections of unticked
// accounts are kept (hidden) in case they are ticked again.
func (c *composerScreen) updateVariants() {
	ids := c.selectedAccounts()
	nets := map[string]bool{}
	options := false
	for _, id := range ids {
		n := c.accs[id].Network
		nets[n] = true
		options = options || networkHasOptions(n)
	}
	c.variantsShown = len(nets) > 1 || options
	if !c.variantsShown {
		c.variantBox.Hide()
		return
	}
	var items []*widget.AccordionItem
	for _, id := range ids {
		e := c.editor(id)
		if e == nil {
			continue
		}
		e.item.Title = accountLabel(e.acc) + " — " + c.networkLabel(e.acc.Network)
		items = append(items, e.item)
	}
	c.accordion.Items = items
	c.accordion.Refresh()
	c.variantBox.Show()
}

// editor returns the variant section of a connected account, making it on
// first use; nil for an account not listed.
func (c *composerScreen) editor(id int64) *variantEditor {
	if e, ok := c.variants[id]; ok {
		return e
	}
	acc, ok := c.accs[id]
	if !ok {
		return nil
	}
	e := newVariantEditor(c, acc)
	c.variants[id] = e
	c.assist.watch(e)
	return e
}

// shownVariant is the section of a ticked account while sections show.
func (c *composerScreen) shownVariant(id int64) *variantEditor {
	if !c.variantsShown {
		return nil
	}
	return c.variants[id]
}

// commonAccounts are the ticked accounts that post the common text: those
// without a text of their own (all of them when every one has its own).
func (c *composerScreen) commonAccounts() []int64 {
	all := c.selectedAccounts()
	var ids []int64
	for _, id := range all {
		if e := c.shownVariant(id); e == nil || e.text.Text == "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return all
	}
	return ids
}

// notPostedAsIs is the common counter while every ticked account has its
// own text.
const notPostedAsIs = "Not posted as is: every account has its own text"

// everyOwnText reports whether accounts are ticked and each has a text of
// its own, so the common text is posted nowhere.
func (c *composerScreen) everyOwnText() bool {
	ids := c.selectedAccounts()
	for _, id := range ids {
		if e := c.shownVariant(id); e == nil || e.text.Text == "" {
			return false
		}
	}
	return len(ids) > 0
}

func accountLabel(a data.Account) string {
	switch {
	case a.DisplayName != "" && a.Handle != "":
		return a.DisplayName + " (" + a.Handle + ")"
	case a.Handle != "":
		return a.Handle
	}
	return a.DisplayName
}

func (c *composerScreen) selectedAccounts() []int64 {
	var ids []int64
	for _, ac := range c.checks {
		if ac.check.Checked {
			ids = append(ids, ac.id)
		}
	}
	return ids
}

// reloadLimits asks the core for the limits of the ticked accounts.
func (c *composerScreen) reloadLimits() {
	c.lgen++
	gen, ids := c.lgen, c.commonAccounts()
	c.b.run(func() func() {
		ctx, cancel := c.b.ctx()
		defer cancel()
		l := c.core.Limits(ctx, ids)
		return func() {
			if gen != c.lgen {
				return
			}
			c.limits = l
			c.updateCounter()
			c.updateMediaButton()
		}
	})
}

// updateCounter shows "n / max" and flags text over the limit. When every
// ticked account has its own text the common text is not posted as is:
// the counter says so, muted, and nothing is flagged.
func (c *composerScreen) updateCounter() {
	c.assist.changed() // the tips follow the draft
	if c.everyOwnText() {
		c.counter.Text = notPostedAsIs
		c.counter.Importance = widget.LowImportance
		c.setProblem(c.textProblem, "")
		c.counter.Refresh()
		return
	}
	n := c.limits.CountChars(c.text.Text)
	if c.limits.MaxChars > 0 {
		c.counter.Text = fmt.Sprintf("%d / %d", n, c.limits.MaxChars)
	} else {
		c.counter.Text = fmt.Sprintf("%d", n)
	}
	over := c.limits.MaxChars > 0 && n > c.limits.MaxChars
	if over {
		c.counter.Importance = widget.DangerImportance
		c.setProblem(c.textProblem, fmt.Sprintf("%d characters over the limit of %d.", n-c.limits.MaxChars, c.limits.MaxChars))
	} else {
		c.counter.Importance = widget.MediumImportance
		c.setProblem(c.textProblem, "")
	}
	c.counter.Refresh()
}

func (c *composerScreen) updateMediaButton() {
	c.assist.changed()
	for _, e := range c.variants {
		e.refresh() // the networks judge the attachments, the previews show them
	}
	max := c.limits.MaxMedia
	if max > 0 && len(c.media) >= max {
		c.fromLibrary.Disable()
	} else {
		c.fromLibrary.Enable()
	}
	if max > 0 && len(c.media) >= max {
		c.addMedia.Disable()
		c.addMedia.SetText(fmt.Sprintf("Add media… (%d of %d)", len(c.media), max))
	} else {
		c.addMedia.Enable()
		if max > 0 {
			c.addMedia.SetText(fmt.Sprintf("Add media… (%d of %d)", len(c.media), max))
		} else {
			c.addMedia.SetText("Add media…")
		}
	}
}

func (c *composerScreen) onAddMedia() {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			c.b.errorDialog(err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		c.addMediaFile(path)
	}, c.b.win)
	fd.SetFilter(storage.NewExtensionFileFilter(mediaExtensions))
	fd.Resize(fyne.NewSize(820, 560))
	fd.Show()
}

// addMediaFile stores the file in the data folder and shows it.
func (c *composerScreen) addMediaFile(path string) {
	c.addMediaFiles([]string{path}, nil)
}

func (c *composerScreen) appendMedia(m app.DraftMedia) {
	c.appendNamedMedia(m, filepath.Base(m.Path))
}

// appendNamedMedia shows an attachment under name (the file's own name
// where known; the stored copy is named by its content).
func (c *composerScreen) appendNamedMedia(m app.DraftMedia, name string) {
	row := &mediaRow{m: m, name: name}
	var preview fyne.CanvasObject
	what := "image"
	switch {
	case isVideo(m): // no thumbnail without decoding the video: a film icon
		what = "video"
		preview = container.NewGridWrap(fyne.NewSquareSize(72), widget.NewIcon(theme.MediaVideoIcon()))
	case m.Mime == "application/pdf" || strings.EqualFold(filepath.Ext(m.Path), ".pdf"):
		what = "document"
		preview = container.NewGridWrap(fyne.NewSquareSize(72), widget.NewIcon(theme.DocumentIcon()))
	default:
		img := canvas.NewImageFromFile(m.Path)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSquareSize(72))
		preview = img
	}
	row.preview = preview
	row.alt = ext(&widget.Entry{PlaceHolder: "Describe the " + what + " for people who cannot see it (alt text)", Text: m.Alt})
	row.alt.OnChanged = func(string) { c.assist.changed() }
	remove := ext(&widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance})
	remove.OnTapped = func() { c.removeMedia(row) }
	row.obj = container.NewBorder(nil, nil, preview, c.rowButtons(row, remove),
		container.NewVBox(ext(&widget.Label{Text: row.name, Truncation: fyne.TextTruncateEllipsis}), row.alt))
	c.media = append(c.media, row)
	c.mediaBox.Add(row.obj)
	c.updateMediaButton()
	c.updateMoveButtons()
}

func (c *composerScreen) removeMedia(row *mediaRow) {
	for i, r := range c.media {
		if r == row {
			c.media = append(c.media[:i], c.media[i+1:]...)
			break
		}
	}
	c.mediaBox.Remove(row.obj)
	c.updateMediaButton()
	c.updateMoveButtons()
}

// load shows a stored post for editing.
func (c *composerScreen) load(d app.Draft) {
	c.reset()
	c.postID, c.title = d.PostID, d.Title
	c.heading.SetText("Edit post")
	c.deleteBtn.Show()
	c.repeat.obj.Hide() // a stored post does not become a series
	c.lib.duplicateBtn.Show()
	c.setLabels(d.Labels)
	c.text.SetText(d.Text)
	want := map[int64]bool{}
	for _, id := range d.AccountIDs {
		want[id] = true
	}
	for _, ac := range c.checks {
		ac.check.SetChecked(want[ac.id])
	}
	c.updateVariants()
	for id, v := range d.Variants {
		if e := c.editor(id); e != nil {
			e.set(v)
		}
	}
	for _, m := range d.Media {
		c.appendMedia(m)
	}
	if d.Day.IsZero() {
		c.date.SetDate(nil)
	} else {
		day := time.Date(d.Day.Year(), d.Day.Month(), d.Day.Day(), 0, 0, 0, 0, time.UTC)
		c.date.SetDate(&day)
	}
	c.clock.SetText(d.Clock)
	c.reloadLimits()
	c.markSaved()
}

var clockRE = regexp.MustCompile(`^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$`)

// parseClock accepts "9:05", "09:05" or "09.05" and returns "09:05".
func parseClock(s string) (string, error) {
	m := clockRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", errors.New("Type a time as HH:MM, for example 09:30.")
	}
	if len(m[1]) == 1 {
		m[1] = "0" + m[1]
	}
	return m[1] + ":" + m[2], nil
}

// snapshot reads the form into a draft. needWhen and needAccount say what
// this action requires; missing pieces are shown next to their fields.
func (c *composerScreen) snapshot(needWhen, needAccount bool) (app.Draft, bool) {
	c.clearProblems()
	c.updateCounter()
	loc := c.core.Location()
	d := app.Draft{PostID: c.postID, Title: c.title, Text: c.text.Text, AccountIDs: c.selectedAccounts(), Zone: loc,
		Labels: c.labelNames()}
	for _, r := range c.media {
		m := r.m
		m.Alt = r.alt.Text
		d.Media = append(d.Media, m)
	}
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
	ok := true
	if needAccount && len(d.AccountIDs) == 0 {
		c.setProblem(c.accProblem, "Choose at least one account to post to.")
		ok = false
	}
	var when []string
	if c.date.Date != nil && c.date.Validate() == nil {
		dt := *c.date.Date
		d.Day = time.Date(dt.Year(), dt.Month(), dt.Day(), 0, 0, 0, 0, loc)
	} else if needWhen || c.date.Text != "" {
		when = append(when, "Pick a date.")
	}
	if clock, err := parseClock(c.clock.Text); err == nil {
		d.Clock = clock
	} else if needWhen || strings.TrimSpace(c.clock.Text) != "" {
		when = append(when, err.Error())
	}
	if len(when) > 0 {
		c.setProblem(c.timeProblem, strings.Join(when, " "))
		ok = false
	}
	return d, ok
}

func (c *composerScreen) setProblem(l *widget.Label, msg string) {
	l.Text = msg
	l.Hidden = msg == ""
	l.Refresh()
}

func (c *composerScreen) clearProblems() {
	for _, l := range []*widget.Label{c.textProblem, c.accProblem, c.mediaProblem, c.timeProblem, c.otherProblem, c.summary} {
		c.setProblem(l, "")
	}
}

// showProblems puts each problem from the core next to its field.
func (c *composerScreen) showProblems(probs []platforms.Problem) {
	by := map[*widget.Label][]string{}
	var order []*widget.Label
	for _, p := range probs {
		f := strings.ToLower(p.Field)
		var l *widget.Label
		switch {
		case strings.HasPrefix(f, "text"):
			l = c.textProblem
		case strings.HasPrefix(f, "media"):
			l = c.mediaProblem
		case strings.HasPrefix(f, "account"), strings.HasPrefix(f, "target"):
			l = c.accProblem
		case f == "time", f == "day", f == "date", f == "clock", f == "when", f == "zone":
			l = c.timeProblem
		default:
			l = c.otherProblem
		}
		if _, seen := by[l]; !seen {
			order = append(order, l)
		}
		by[l] = append(by[l], p.Message)
	}
	for _, l := range order {
		c.setProblem(l, strings.Join(by[l], "\n"))
	}
	if len(probs) > 0 && (len(order) > 1 || order[0] != c.otherProblem) {
		msg := "Not posted yet: " + probs[0].Message
		if len(probs) > 1 {
			msg += fmt.Sprintf(" (and %d more, shown by their fields)", len(probs)-1)
		}
		c.setProblem(c.summary, msg)
	}
}

func (c *composerScreen) setBusy(b bool) {
	c.busy = b
	for _, btn := range []*widget.Button{c.saveBtn, c.scheduleBtn, c.postNowBtn, c.deleteBtn, c.queueBtn} {
		if b {
			btn.Disable()
		} else {
			btn.Enable()
		}
	}
}

func (c *composerScreen) onSaveDraft() { c.saveThen(nil) }

// saveThen saves the draft and, once stored, calls then (if any).
func (c *composerScreen) saveThen(then func()) {
	d, ok := c.snapshot(false, false)
	if !ok || c.busy {
		return
	}
	c.setBusy(true)
	c.b.run(func() func() {
		ctx, cancel := c.b.ctx()
		defer cancel()
		p, err := c.core.SaveDraft(ctx, d)
		return func() {
			c.setBusy(false)
			if err != nil {
				c.b.errorDialog(err)
				return
			}
			c.postID = p.ID
			c.heading.SetText("Edit post")
			c.deleteBtn.Show()
			c.lib.duplicateBtn.Show()
			c.markSaved()
			if c.onSaved != nil {
				c.onSaved(p)
			}
			if then != nil {
				then()
			}
		}
	})
}

func (c *composerScreen) onSchedule() {
	d, ok := c.snapshot(true, true)
	schedule := c.scheduler()
	if !ok || schedule == nil || c.busy {
		return
	}
	c.setBusy(true)
	c.b.run(func() func() {
		ctx, cancel := c.b.ctx()
		defer cancel()
		if probs := c.core.Check(ctx, d); len(probs) > 0 {
			return func() {
				c.setBusy(false)
				c.showProblems(probs)
			}
		}
		if d.PostID != 0 && !c.repeat.active() {
			if sr, err := c.core.PostSeries(ctx, d.PostID); err == nil {
				return func() {
					c.setBusy(false)
					c.confirmSaveSeries(d, sr) // only this one, or all later ones too (queue.go)
				}
			}
		}
		p, note, err := schedule(ctx, d)
		return func() { c.scheduleDone(d, p, note, err) }
	})
}

// scheduleDone shows how scheduling d went, on the UI goroutine.
func (c *composerScreen) scheduleDone(d app.Draft, p data.Post, note string, err error) {
	c.setBusy(false)
	var pe *app.ProblemsError
	switch {
	case errors.Is(err, app.ErrInPast):
		c.askPostNow()
	case errors.As(err, &pe):
		c.showProblems(pe.Problems)
	case err != nil:
		c.b.errorDialog(err)
	default:
		c.planned(p, d, note, "Scheduled for ")
	}
}

// planned clears the composer after p was planned and says so: a dialog
// for a time moved by a clock change, then "<what> Mon 2 Jan, 15:04.".
func (c *composerScreen) planned(p data.Post, d app.Draft, note, what string) {
	c.reset()
	if note != "" {
		dialog.ShowInformation("Time adjusted", note, c.b.win)
	}
	if c.onDone != nil {
		c.onDone(p, what+p.PlannedAt.In(d.Zone).Format("Mon 2 Jan, 15:04")+".")
	}
}

// askPostNow offers to post right away when the chosen time has passed.
func (c *composerScreen) askPostNow() {
	msg := ext(&widget.Label{Text: "That time has already passed. Post now instead?", Wrapping: fyne.TextWrapWord})
	d := dialog.NewCustomConfirm("That time has already passed", "Post now", "Change time", msg, func(now bool) {
		c.pastDialog = nil
		if now {
			c.onPostNow()
			return
		}
		c.b.win.Canvas().Focus(c.clock)
	}, c.b.win)
	c.pastDialog = d
	d.Resize(fyne.NewSize(420, 180))
	d.Show()
}

func (c *composerScreen) onPostNow() {
	d, ok := c.snapshot(false, true)
	if !ok || c.busy {
		return
	}
	c.setBusy(true)
	c.b.run(func() func() {
		ctx, cancel := c.b.ctx()
		defer cancel()
		var probs []platforms.Problem
		for _, p := range c.core.Check(ctx, d) {
			switch strings.ToLower(p.Field) {
			case "time", "day", "date", "clock", "when", "zone": // the time is "now"
			default:
				probs = append(probs, p)
			}
		}
		if len(probs) > 0 {
			return func() {
				c.setBusy(false)
				c.showProblems(probs)
			}
		}
		p, err := c.core.PostNow(ctx, d)
		return func() {
			c.setBusy(false)
			var pe *app.ProblemsError
			if errors.As(err, &pe) {
				c.showProblems(pe.Problems)
				return
			}
			if err != nil {
				c.b.errorDialog(err)
				return
			}
			c.reset()
			if c.onDone != nil {
				c.onDone(p, "Publishing now…")
			}
		}
	})
}

func (c *composerScreen) onDelete() {
	id := c.postID
	if id == 0 {
		return
	}
	c.b.run(func() func() {
		ctx, cancel := c.b.ctx()
		defer cancel()
		held, _ := c.core.HeldByNetworks(ctx, id)
		if sr, err := c.core.PostSeries(ctx, id); err == nil {
			return func() { c.confirmDeleteSeries(id, sr, held) }
		}
		return func() { c.confirmDelete(id, held) }
	})
}

// confirmDelete asks before deleting; a post a network already holds for
// its own scheduler is taken back there too, and the question says so.
func (c *composerScreen) confirmDelete(id int64, held []string) {
	msg := "The post and its plan are removed from Localpost. You can undo this for a few seconds."
	if len(held) > 0 {
		msg = "It is already scheduled on " + strings.Join(held, " and ") + ": Localpost takes it back there too, " +
			"as soon as it can reach the network, and tells you if it cannot. The post and its plan are removed from Localpost. " +
			"This cannot be undone."
	}
	dialog.ShowConfirm("Delete this post?", msg, func(yes bool) {
		if !yes {
			return
		}
		c.b.run(func() func() {
			ctx, cancel := c.b.ctx()
			defer cancel()
			undo, err := c.core.DeleteWithUndo(ctx, id)
			return func() {
				if err != nil {
					c.b.errorDialog(err)
					return
				}
				c.reset()
				if c.lib.onDeleted != nil {
					c.lib.onDeleted(id, undo)
				} else if c.onDone != nil {
					c.onDone(data.Post{}, "Post deleted.")
				}
			}
		})
	}, c.b.win)
}

// onClear starts a new post; it asks first when there is text to lose.
func (c *composerScreen) onClear() {
	empty := strings.TrimSpace(c.text.Text) == "" && len(c.media) == 0
	for _, e := range c.variants {
		if _, set := e.variant(); set {
			empty = false
		}
	}
	if empty {
		c.reset()
		return
	}
	dialog.ShowConfirm("Start a new post?", "What you wrote here and did not save will be gone.", func(yes bool) {
		if yes {
			c.reset()
		}
	}, c.b.win)
}
