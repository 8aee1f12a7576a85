package views

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
)

// postDetail is the dialog for a post that left the planning stage:
// published (text and links), or failed, missed, uncertain (the reason and
// the decisions the user can take), and the reminders waiting for the user
// to post by hand.
type postDetail struct {
	u         *MainUI
	entry     data.CalendarEntry
	post      data.Post
	atts      []data.Attempt
	reminders []*reminderPart
	loc       *time.Location
	dlg       *dialog.CustomDialog
}

// reminderPart is one place the user posts to by hand: the text to copy,
// the group to open, the files to attach and the address of their post.
type reminderPart struct {
	r        app.Reminder
	copyBtn  *widget.Button
	openBtn  *widget.Button
	filesBtn *widget.Button // hidden when the post has no media
	address  *widget.Entry
	markBtn  *widget.Button
	errLabel *widget.Label
	busy     bool
}

func (u *MainUI) showPost(e data.CalendarEntry) {
	loc := u.core.Location()
	u.b.run(func() func() {
		ctx, cancel := u.b.ctx()
		defer cancel()
		p, err := u.core.Post(ctx, e.PostID)
		if err != nil {
			return func() { u.b.errorDialog(err) }
		}
		atts, err := u.core.Attempts(ctx, e.PostID)
		rems, rerr := u.core.Reminders(ctx, e.PostID)
		if err == nil {
			err = rerr
		}
		return func() {
			if err != nil {
				u.b.errorDialog(err)
			}
			pd := &postDetail{u: u, entry: e, post: p, atts: atts, loc: loc}
			for _, r := range rems {
				pd.reminders = append(pd.reminders, &reminderPart{r: r})
			}
			u.detail = pd
			pd.show()
		}
	})
}

func (pd *postDetail) show() {
	st := styleOf(pd.post.State)
	if pd.post.State == "" {
		st = styleOf(pd.entry.State)
	}
	planned := pd.post.PlannedAt
	if planned.IsZero() {
		planned = pd.entry.PlannedAt
	}
	head := container.NewHBox(widget.NewIcon(theme.NewColoredResource(st.icon, st.color)),
		ext(&widget.Label{Text: st.marker, TextStyle: fyne.TextStyle{Bold: true}}),
		widget.NewLabel(planned.In(pd.loc).Format("Monday 2 January 2006, 15:04")+" ("+zoneName(pd.loc)+")"))

	text := ext(&widget.Label{Text: pd.post.Text, Wrapping: fyne.TextWrapWord, Selectable: true})
	body := container.NewVBox(head, widget.NewSeparator(), text)

	state := pd.post.State
	if state == "" {
		state = pd.entry.State
	}
	// A post can be published in one place and wait for the user in
	// another, so the links show whatever the post's state.
	for _, t := range pd.post.Targets {
		if t.RemoteURL == "" {
			continue
		}
		if u, err := url.Parse(t.RemoteURL); err == nil {
			body.Add(pd.link(t, u))
		}
	}
	reminded := map[int64]bool{}
	manual := false
	for _, rp := range pd.reminders {
		if rp.r.Manual {
			manual = true // its reason stays: it says why it did not go out
			continue
		}
		reminded[rp.r.TargetID] = true
	}
	switch state {
	case data.StateMissed:
		if pd.missedElsewhere(reminded) {
			body.Add(reasonLabel("This post was due while Localpost was closed, and it is later now than you allow posts to go out unasked (see Settings). Post it now, or skip it."))
		}
	case data.StateUncertain:
		body.Add(reasonLabel("Localpost was interrupted while publishing this post and cannot tell whether the network received it. Look at your profile: if it is there, choose \"It is there\"; if not, \"Publish again\"."))
	case data.StatePublishing:
		body.Add(reasonLabel("Publishing now…"))
	}
	for _, t := range pd.post.Targets {
		// A reminder's message only repeats what its section says.
		if t.LastError != "" && state != data.StatePublished && !reminded[t.ID] {
			body.Add(reasonLabel("Reason: " + t.LastError))
		}
	}
	if len(pd.reminders) > 0 {
		body.Add(widget.NewSeparator())
		body.Add(ext(&widget.Label{Text: "Post it yourself", TextStyle: fyne.TextStyle{Bold: true}}))
		intro := "No app may post here, so it is up to you: " +
			"copy the text, open the group, paste the text and attach the files, then mark it as posted."
		if manual {
			intro = "Where it did not go out you can also post it by hand: copy the text, open the profile, " +
				"paste the text and attach the files, then mark it as posted."
		}
		body.Add(ext(&widget.Label{Wrapping: fyne.TextWrapWord, Text: intro}))
		for _, rp := range pd.reminders {
			body.Add(pd.reminderSection(rp))
		}
	}
	if len(pd.atts) > 0 {
		body.Add(widget.NewSeparator())
		body.Add(ext(&widget.Label{Text: "Attempts", TextStyle: fyne.TextStyle{Bold: true}}))
		for _, a := range pd.atts {
			body.Add(ext(&widget.Label{Text: attemptLine(a, pd.loc), Wrapping: fyne.TextWrapWord}))
		}
	}

	pd.dlg = dialog.NewCustomWithoutButtons("Post", container.NewVScroll(body), pd.u.Window)
	buttons := []fyne.CanvasObject{ext(&widget.Button{Text: "Close", OnTapped: pd.close})}
	switch state {
	case data.StateFailed, data.StateMissed:
		buttons = append(buttons, ext(&widget.Button{Text: "Edit", Icon: theme.DocumentCreateIcon(), OnTapped: pd.onEdit}))
	}
	if state == data.StateMissed {
		buttons = append(buttons, ext(&widget.Button{Text: "Skip", Icon: theme.MediaSkipNextIcon(), OnTapped: pd.onSkip}))
	}
	if state == data.StateUncertain {
		buttons = append(buttons, ext(&widget.Button{Text: "It is there", Icon: theme.ConfirmIcon(), OnTapped: pd.onMarkPublished}))
	}
	switch state {
	case data.StateFailed, data.StateMissed, data.StateUncertain:
		retry := "Retry now"
		if state == data.StateUncertain {
			retry = "Publish again" // it may be there already: the user looked
		}
		buttons = append(buttons, ext(&widget.Button{Text: retry, Icon: theme.ViewRefreshIcon(),
			Importance: widget.HighImportance, OnTapped: pd.onRetry}))
	}
	pd.dlg.SetButtons(buttons)
	if len(pd.reminders) > 0 {
		pd.dlg.Resize(fyne.NewSize(640, 620))
	} else {
		pd.dlg.Resize(fyne.NewSize(580, 440))
	}
	pd.dlg.Show()
}

// missedElsewhere reports whether a target other than the reminders was
// missed (or the post does not say which), so the missed-post explanation
// applies.
func (pd *postDetail) missedElsewhere(reminded map[int64]bool) bool {
	if len(reminded) == 0 {
		return true
	}
	for _, t := range pd.post.Targets {
		if t.State == data.StateMissed && !reminded[t.ID] {
			return true
		}
	}
	return false
}

// link is a published target's address under the account it went to:
// "Demo Café · Facebook Pages".
func (pd *postDetail) link(t data.Target, u *url.URL) fyne.CanvasObject {
	h := widget.NewHyperlink(t.RemoteURL, u)
	h.Truncation = fyne.TextTruncateEllipsis
	row := container.NewBorder(nil, nil, widget.NewIcon(theme.MailForwardIcon()), nil, h)
	for _, a := range pd.u.accs {
		if a.ID != t.AccountID {
			continue
		}
		where := accountName(a)
		if n := pd.u.networkLabel(a.Network); where != "" {
			where += " · " + n
		} else {
			where = n
		}
		return container.NewVBox(ext(&widget.Label{Text: where, TextStyle: fyne.TextStyle{Bold: true}}), row)
	}
	return row
}

// networkLabel names a network as the core does.
func (u *MainUI) networkLabel(n string) string {
	for _, ni := range u.nets {
		if string(ni.Network) == n && ni.Name != "" {
			return ni.Name
		}
	}
	return networkName(n)
}

// reminderSection is one place to post to by hand.
func (pd *postDetail) reminderSection(rp *reminderPart) fyne.CanvasObject {
	r := rp.r
	rp.copyBtn = ext(&widget.Button{Text: "Copy text", Icon: theme.ContentCopyIcon(), OnTapped: func() { pd.onCopyText(rp) }})
	openText := "Open group"
	if r.Manual {
		openText = "Open profile"
	}
	rp.openBtn = ext(&widget.Button{Text: openText, Icon: theme.ComputerIcon(), OnTapped: func() { pd.u.b.open(r.URL) }})
	rp.filesBtn = ext(&widget.Button{Text: "Show files", Icon: theme.FolderOpenIcon(), OnTapped: func() { pd.onShowFiles(rp) }})
	if r.URL == "" {
		rp.openBtn.Disable()
	}
	placeholder := "https://www.facebook.com/groups/…/posts/…"
	if r.Manual {
		placeholder = "Address of the post (optional)"
	}
	rp.address = ext(&widget.Entry{PlaceHolder: placeholder})
	rp.address.OnSubmitted = func(string) { pd.onMarkPosted(rp) }
	rp.markBtn = ext(&widget.Button{Text: "Mark as posted", Icon: theme.ConfirmIcon(), Importance: widget.HighImportance,
		OnTapped: func() { pd.onMarkPosted(rp) }})
	rp.errLabel = problemLabel()

	box := container.NewVBox(
		ext(&widget.Label{Text: r.Place, TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}),
		container.NewHBox(rp.copyBtn, rp.openBtn, rp.filesBtn))
	if len(r.Files) == 0 {
		rp.filesBtn.Hide()
	} else {
		names := make([]string, len(r.Files))
		for i, f := range r.Files {
			names[i] = filepath.Base(f)
		}
		box.Add(ext(&widget.Label{Text: "Files to attach: " + strings.Join(names, ", "), Wrapping: fyne.TextWrapWord}))
	}
	box.Add(ext(&widget.Label{Text: "Address of your post (optional)"}))
	box.Add(container.NewBorder(nil, nil, nil, rp.markBtn, rp.address))
	box.Add(rp.errLabel)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 8
	return container.NewStack(bg, container.NewPadded(box))
}

func (pd *postDetail) onCopyText(rp *reminderPart) {
	fyne.CurrentApp().Clipboard().SetContent(rp.r.Text)
	rp.copyBtn.SetText("Copied")
}

// onShowFiles opens the folder of the media, where the user picks them to
// attach in the browser.
func (pd *postDetail) onShowFiles(rp *reminderPart) {
	if len(rp.r.Files) == 0 {
		return
	}
	pd.u.b.open(storage.NewFileURI(filepath.Dir(rp.r.Files[0])).String())
}

func (pd *postDetail) onMarkPosted(rp *reminderPart) {
	if rp.busy {
		return
	}
	rp.busy = true
	rp.markBtn.Disable()
	rp.errLabel.Hide()
	id, addr, place := rp.r.TargetID, strings.TrimSpace(rp.address.Text), rp.r.Place
	pd.u.b.run(func() func() {
		ctx, cancel := pd.u.b.ctx()
		defer cancel()
		err := pd.u.core.CompleteReminder(ctx, id, addr)
		return func() {
			rp.busy = false
			rp.markBtn.Enable()
			if err != nil {
				rp.errLabel.Text = "Could not mark it as posted: " + err.Error()
				rp.errLabel.Show()
				rp.errLabel.Refresh()
				return
			}
			pd.close()
			pd.u.Refresh()
			pd.u.flash("Marked as posted in " + place + ".")
		}
	})
}

func (pd *postDetail) close() {
	pd.dlg.Hide()
	if pd.u.detail == pd {
		pd.u.detail = nil
	}
}

func reasonLabel(s string) *widget.Label {
	return ext(&widget.Label{Text: s, Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance})
}

func attemptLine(a data.Attempt, loc *time.Location) string {
	parts := []string{a.StartedAt.In(loc).Format("2 Jan 15:04:05"), a.Outcome}
	if a.HTTPStatus != 0 {
		parts = append(parts, fmt.Sprintf("HTTP %d", a.HTTPStatus))
	}
	if a.Message != "" {
		parts = append(parts, a.Message)
	}
	return strings.Join(parts, " · ")
}

func (pd *postDetail) onEdit() {
	pd.close()
	pd.u.editPost(pd.post.ID)
}

func (pd *postDetail) onRetry() {
	pd.decide(pd.u.core.Retry, "Retrying now…")
}

func (pd *postDetail) onSkip() {
	pd.decide(pd.u.core.Skip, "Skipped.")
}

func (pd *postDetail) onMarkPublished() {
	pd.decide(pd.u.core.MarkPublished, "Marked as published.")
}

// decide runs one of the core's decisions on this post.
func (pd *postDetail) decide(fn func(context.Context, int64) error, done string) {
	id := pd.post.ID
	if id == 0 {
		id = pd.entry.PostID
	}
	pd.u.b.run(func() func() {
		ctx, cancel := pd.u.b.ctx()
		defer cancel()
		err := fn(ctx, id)
		return func() {
			if err != nil {
				pd.u.b.errorDialog(err)
				return
			}
			pd.close()
			pd.u.Refresh()
			pd.u.flash(done)
		}
	})
}

// zoneName names a zone for people: "Local" is the system's zone.
func zoneName(loc *time.Location) string {
	if loc == nil || loc == time.Local || loc.String() == "Local" {
		abbr, _ := time.Now().In(time.Local).Zone()
		return "system (" + abbr + ")"
	}
	return loc.String()
}
