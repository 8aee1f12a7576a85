package views

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
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

// Per-network variants in the composer: under the common text, one
// section per ticked account with its own text and the options its
// network uses. They show when the ticked accounts span more than one
// network, or when a network has options at all.

// networkHasOptions reports whether a network has options beyond the text
// (Mastodon: a thread).
func networkHasOptions(n string) bool {
	switch platforms.Network(n) {
	case platforms.Mastodon, platforms.X, platforms.Facebook, platforms.Instagram, platforms.LinkedIn,
		platforms.Pinterest, platforms.TikTok, platforms.YouTube:
		return true
	}
	return false
}

// choice is one option of a select: what the user reads and what the
// network receives.
type choice struct{ label, value string }

var (
	youTubePrivacy = []choice{{"Public", "public"}, {"Unlisted", "unlisted"}, {"Private", "private"}}
	tikTokPrivacy  = []choice{{"Everyone", "PUBLIC_TO_EVERYONE"}, {"Friends", "MUTUAL_FOLLOW_FRIENDS"}, {"Only me", "SELF_ONLY"}}
)

// splitTags reads "a, b ,c" as [a b c].
func splitTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// variantEditor is one account's section: its own text with a counter for
// its network, what the network would refuse next to it, the network's
// options and a preview of the post as the network shows it.
type variantEditor struct {
	c   *composerScreen
	acc data.Account

	limits platforms.Limits
	loaded bool // limits arrived: until then nothing is judged
	item   *widget.AccordionItem

	text    *escEntry // Esc in it closes the composer (composer_keys.go)
	counter *widget.Label
	problem *widget.Label // the network's objections, live
	preview *postPreview
	thread  *threadEditor // X and Mastodon

	title, link, tags, firstComment *widget.Entry // nil where the network has none
	thumb                           *widget.Entry // YouTube thumbnail, Pinterest video cover: a stored file
	privacy                         *widget.Select
	privacyChoices                  []choice
	board                           *widget.Select
	boards                          []platforms.Board
	boardID                         string            // wanted board, kept until the boards are loaded
	kept                            platforms.Options // the loaded options, for the ones not edited here
}

func newVariantEditor(c *composerScreen, acc data.Account) *variantEditor {
	e := &variantEditor{c: c, acc: acc}
	e.text = newEscEntry(c)
	e.text.SetPlaceHolder("Same as above")
	e.text.SetMinRowsVisible(3)
	hadText := false
	e.text.OnChanged = func(s string) {
		e.updateCounter()
		// The common counter only counts for accounts without their own text.
		if has := s != ""; has != hadText {
			hadText = has
			c.reloadLimits()
		}
	}
	e.counter = ext(&widget.Label{Alignment: fyne.TextAlignTrailing})
	e.problem = problemLabel()
	e.preview = newPostPreview(acc, c.core.AvatarFile(acc), c.networkLabel(acc.Network))

	form := container.New(layout.NewFormLayout())
	field := func(label string, obj fyne.CanvasObject) { form.Add(widget.NewLabel(label)); form.Add(obj) }
	entry := func(placeholder string) *widget.Entry { return ext(&widget.Entry{PlaceHolder: placeholder}) }
	multi := func(placeholder string, rows int) *widget.Entry {
		en := widget.NewMultiLineEntry()
		en.Wrapping = fyne.TextWrapWord
		en.SetPlaceHolder(placeholder)
		en.SetMinRowsVisible(rows)
		return en
	}
	privacy := func(choices []choice) {
		e.privacyChoices = choices
		labels := make([]string, len(choices))
		for i, ch := range choices {
			labels[i] = ch.label
		}
		e.privacy = ext(&widget.Select{Options: labels, PlaceHolder: "The network's default"})
		field("Who can see it", e.privacy)
	}

	thumbnail := func(label, placeholder string) {
		e.thumb = entry(placeholder)
		e.thumb.Disable() // chosen with the button: the file is copied into the data folder
		choose := ext(&widget.Button{Text: "Choose…", Icon: theme.FileImageIcon(), OnTapped: e.onChooseThumb})
		clear := ext(&widget.Button{Icon: theme.ContentClearIcon(), OnTapped: func() { e.thumb.SetText("") }})
		field(label, container.NewBorder(nil, nil, nil, container.NewHBox(choose, clear), e.thumb))
	}

	switch platforms.Network(acc.Network) {
	case platforms.YouTube:
		e.title = entry("Video title")
		field("Title", e.title)
		privacy(youTubePrivacy)
		e.tags = entry("comma, separated, tags")
		field("Tags", e.tags)
		thumbnail("Thumbnail", "YouTube picks a frame (JPEG or PNG, 2 MB at most)")
	case platforms.Pinterest:
		e.board = ext(&widget.Select{PlaceHolder: "Loading boards…"})
		field("Board", e.board)
		e.title = entry("Pin title")
		field("Title", e.title)
		e.link = entry("https://… (where the pin leads)")
		field("Link", e.link)
		thumbnail("Video cover", "For a video pin; otherwise a frame at 1 s")
	case platforms.X:
		e.thread = newThreadEditor(e)
		field("Thread", e.thread.obj)
		e.firstComment = multi("Posted as the first reply", 2)
		field("First comment", e.firstComment)
	case platforms.Mastodon:
		e.thread = newThreadEditor(e)
		field("Thread", e.thread.obj)
	case platforms.Facebook, platforms.LinkedIn:
		e.link = entry("https://…")
		field("Link", e.link)
		e.firstComment = multi("Posted as the first comment", 2)
		field("First comment", e.firstComment)
	case platforms.Instagram:
		e.firstComment = multi("Posted as the first comment", 2)
		field("First comment", e.firstComment)
	case platforms.TikTok:
		privacy(tikTokPrivacy)
	}

	body := container.NewVBox(e.text, e.counter, e.problem)
	if len(form.Objects) > 0 {
		body.Add(form)
	}
	body.Add(e.preview.obj)
	e.item = widget.NewAccordionItem("", body)
	e.item.Open = true
	e.updateCounter()
	e.load()
	return e
}

// onChooseThumb picks an image and copies it into the data folder, so the
// post does not depend on where the original lives.
func (e *variantEditor) onChooseThumb() {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		path := rc.URI().Path()
		_ = rc.Close()
		e.c.b.run(func() func() {
			ctx, cancel := e.c.b.ctx()
			defer cancel()
			m, err := e.c.core.AddMedia(ctx, path)
			return func() {
				if err != nil {
					e.c.b.errorDialog(err)
					return
				}
				e.thumb.SetText(m.Path)
			}
		})
	}, e.c.b.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".jpg", ".jpeg", ".png"}))
	d.Show()
}

// load fetches the account's limits and, for Pinterest, its boards.
func (e *variantEditor) load() {
	id, wantBoards := e.acc.ID, e.board != nil
	e.c.b.run(func() func() {
		ctx, cancel := e.c.b.ctx()
		defer cancel()
		l := e.c.core.AccountLimits(ctx, id)
		var boards []platforms.Board
		if wantBoards {
			boards = e.c.core.Boards(ctx, id)
		}
		return func() {
			e.limits, e.loaded = l, true
			if e.thread != nil {
				e.thread.updateCounters()
			}
			e.updateCounter()
			if wantBoards {
				e.setBoards(boards)
			}
		}
	})
}

func (e *variantEditor) setBoards(boards []platforms.Board) {
	e.boards = boards
	names := make([]string, len(boards))
	for i, b := range boards {
		names[i] = b.Name
	}
	e.board.PlaceHolder = "Choose a board"
	if len(boards) == 0 {
		e.board.PlaceHolder = "No boards yet — create one on Pinterest, then reconnect"
	}
	e.board.SetOptions(names)
	if e.boardID != "" {
		e.selectBoard(e.boardID)
	}
}

func (e *variantEditor) selectBoard(id string) {
	e.boardID = id
	for _, b := range e.boards {
		if b.ID == id {
			e.board.SetSelected(b.Name)
			return
		}
	}
}

func (e *variantEditor) selectedBoard() string {
	if e.board == nil {
		return ""
	}
	if i := e.board.SelectedIndex(); i >= 0 && i < len(e.boards) {
		return e.boards[i].ID
	}
	return e.boardID // boards not loaded (yet): keep what the post had
}

// effectiveText is what the account posts: its own text, else the common one.
func (e *variantEditor) effectiveText() string {
	if e.text.Text != "" {
		return e.text.Text
	}
	return e.c.text.Text
}

// updateCounter counts the variant's text, or the common text when the
// variant has none, as the account's network does.
func (e *variantEditor) updateCounter() {
	text := e.effectiveText()
	n := e.limits.CountChars(text)
	if e.limits.MaxChars > 0 {
		e.counter.Text = fmt.Sprintf("%d / %d", n, e.limits.MaxChars)
	} else {
		e.counter.Text = fmt.Sprintf("%d", n)
	}
	if e.limits.MaxChars > 0 && n > e.limits.MaxChars {
		e.counter.Importance = widget.DangerImportance
	} else {
		e.counter.Importance = widget.MediumImportance
	}
	e.counter.Refresh()
	e.refresh()
}

// refresh shows what the network would refuse and the preview.
func (e *variantEditor) refresh() {
	var msgs []string
	for _, p := range e.problems() {
		msgs = append(msgs, p.Message)
	}
	e.c.setProblem(e.problem, strings.Join(msgs, "\n"))
	e.preview.update(e.effectiveText(), e.c.draftMedia())
}

// problems judges the post as this account would publish it, by its
// network's limits and required options. An empty post is not judged
// while it is being written (Schedule says so).
func (e *variantEditor) problems() []platforms.Problem {
	if !e.loaded {
		return nil
	}
	v, _ := e.variant()
	post := platforms.Post{Text: e.effectiveText(), Options: v.Options}
	for _, m := range e.c.draftMedia() {
		post.Media = append(post.Media, platforms.Media{Path: m.Path, Mime: m.Mime, Size: m.Size, Alt: m.Alt})
	}
	net := e.c.networkLabel(e.acc.Network)
	var out []platforms.Problem
	if n := e.limits.CountChars(post.Text); e.limits.MaxChars > 0 && n > e.limits.MaxChars {
		msg := fmt.Sprintf("Too long for %s: %d characters, %d over its limit of %d.", net, n, n-e.limits.MaxChars, e.limits.MaxChars)
		if e.thread != nil {
			msg += " Shorten it or split it into a thread."
		}
		out = append(out, platforms.Problem{Field: "text", Message: msg})
	}
	for _, p := range e.limits.Validate(post) {
		if p.Field == "text" {
			continue // said above, in the network's words; an empty post is said on Schedule
		}
		if p.Field == "media" && e.limits.MediaRequired && len(post.Media) == 0 {
			p.Message = net + " needs at least one image or video: add one under Media."
		}
		out = append(out, p)
	}
	switch platforms.Network(e.acc.Network) {
	case platforms.Pinterest:
		if post.Options.BoardID == "" {
			out = append(out, platforms.Problem{Field: "board", Message: "Choose the board to pin to."})
		}
	case platforms.YouTube:
		if post.Options.Title == "" && strings.TrimSpace(strings.SplitN(post.Text, "\n", 2)[0]) == "" {
			out = append(out, platforms.Problem{Field: "title", Message: "A YouTube video needs a title: fill in Title."})
		}
	}
	return out
}

// draftMedia are the attachments as they stand, alt texts included.
func (c *composerScreen) draftMedia() []app.DraftMedia {
	out := make([]app.DraftMedia, 0, len(c.media))
	for _, r := range c.media {
		m := r.m
		if r.alt != nil {
			m.Alt = r.alt.Text
		}
		out = append(out, m)
	}
	return out
}

// variant reads the section; ok is false when nothing in it was set.
func (e *variantEditor) variant() (v app.Variant, ok bool) {
	v.Text = e.text.Text
	text := func(en *widget.Entry) string {
		if en == nil {
			return ""
		}
		return strings.TrimSpace(en.Text)
	}
	o := &v.Options
	o.PublishAt, o.Thumbnail, o.Kind = e.kept.PublishAt, e.kept.Thumbnail, e.kept.Kind
	if e.thumb != nil {
		o.Thumbnail = e.thumb.Text
	}
	o.Title = text(e.title)
	o.Link = text(e.link)
	o.FirstComment = text(e.firstComment)
	o.BoardID = e.selectedBoard()
	if e.tags != nil {
		o.Tags = splitTags(e.tags.Text)
	}
	if e.thread != nil {
		o.Thread = e.thread.values()
	}
	if e.privacy != nil {
		if i := e.privacy.SelectedIndex(); i >= 0 {
			o.Privacy = e.privacyChoices[i].value
		}
	}
	ok = v.Text != "" || o.Title != "" || o.Link != "" || o.FirstComment != "" || o.BoardID != "" ||
		len(o.Tags) > 0 || len(o.Thread) > 0 || o.Privacy != "" || !o.PublishAt.IsZero() || o.Thumbnail != "" || o.Kind != ""
	return v, ok
}

// set shows a stored variant. Options the composer does not edit
// (PublishAt, Thumbnail, Kind) are kept as they were.
func (e *variantEditor) set(v app.Variant) {
	e.text.SetText(v.Text)
	set := func(en *widget.Entry, s string) {
		if en != nil {
			en.SetText(s)
		}
	}
	o := v.Options
	set(e.title, o.Title)
	set(e.link, o.Link)
	set(e.firstComment, o.FirstComment)
	set(e.tags, strings.Join(o.Tags, ", "))
	if e.thread != nil {
		e.thread.set(o.Thread)
	}
	set(e.thumb, o.Thumbnail)
	if e.privacy != nil {
		e.privacy.ClearSelected()
		for _, ch := range e.privacyChoices {
			if ch.value == o.Privacy {
				e.privacy.SetSelected(ch.label)
			}
		}
	}
	if e.board != nil && o.BoardID != "" {
		e.selectBoard(o.BoardID)
	}
	e.kept = o
	e.updateCounter()
}
