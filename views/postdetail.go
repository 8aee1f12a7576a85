package views

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/data"
)

// postDetail is the dialog for a post that left the planning stage:
// published (text and link), or failed, missed, uncertain (the reason and
// the decisions the user can take).
type postDetail struct {
	u     *MainUI
	entry data.CalendarEntry
	post  data.Post
	atts  []data.Attempt
	loc   *time.Location
	dlg   *dialog.CustomDialog
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
		return func() {
			if err != nil {
				u.b.errorDialog(err)
			}
			pd := &postDetail{u: u, entry: e, post: p, atts: atts, loc: loc}
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
	switch state {
	case data.StatePublished:
		for _, t := range pd.post.Targets {
			if t.RemoteURL == "" {
				continue
			}
			if u, err := url.Parse(t.RemoteURL); err == nil {
				body.Add(container.NewHBox(widget.NewIcon(theme.MailForwardIcon()), widget.NewHyperlink(t.RemoteURL, u)))
			}
		}
	case data.StateMissed:
		body.Add(reasonLabel("This post was due while Localpost was closed, and it is later now than you allow posts to go out unasked (see Settings). Post it now, or skip it."))
	case data.StateUncertain:
		body.Add(reasonLabel("Localpost was interrupted while publishing this post and cannot tell whether the network received it. Look at your profile: if it is there, choose \"It was published\"; if not, \"Retry now\"."))
	case data.StatePublishing:
		body.Add(reasonLabel("Publishing now…"))
	}
	for _, t := range pd.post.Targets {
		if t.LastError != "" && state != data.StatePublished {
			body.Add(reasonLabel("Reason: " + t.LastError))
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
	buttons := []fyne.CanvasObject{ext(&widget.Button{Text: "Close", OnTapped: pd.dlg.Hide})}
	switch state {
	case data.StateFailed, data.StateMissed:
		buttons = append(buttons, ext(&widget.Button{Text: "Edit", Icon: theme.DocumentCreateIcon(), OnTapped: pd.onEdit}))
	}
	if state == data.StateMissed {
		buttons = append(buttons, ext(&widget.Button{Text: "Skip", Icon: theme.MediaSkipNextIcon(), OnTapped: pd.onSkip}))
	}
	if state == data.StateUncertain {
		buttons = append(buttons, ext(&widget.Button{Text: "It was published", Icon: theme.ConfirmIcon(), OnTapped: pd.onMarkPublished}))
	}
	switch state {
	case data.StateFailed, data.StateMissed, data.StateUncertain:
		buttons = append(buttons, ext(&widget.Button{Text: "Retry now", Icon: theme.ViewRefreshIcon(),
			Importance: widget.HighImportance, OnTapped: pd.onRetry}))
	}
	pd.dlg.SetButtons(buttons)
	pd.dlg.Resize(fyne.NewSize(580, 440))
	pd.dlg.Show()
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
	pd.dlg.Hide()
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
			pd.dlg.Hide()
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
