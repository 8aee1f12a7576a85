package views

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
	"localpost/platforms"
)

// identityChooser asks which of a login's identities (the profile, its
// Pages, organizations, channels…) become accounts. Avatars are not
// fetched here: the core stores them when the identities are added.
type identityChooser struct {
	core  Core
	b     *bridge
	login *app.Login
	name  string // the network's name

	dlg       *dialog.CustomDialog
	checks    []*widget.Check // in the order of login.Identities
	errLabel  *widget.Label
	addBtn    *widget.Button
	cancelBtn *widget.Button
	busy      bool

	onAdded  func([]data.Account)
	onClosed func()
}

func identityLabel(id platforms.Identity) string {
	s := id.Name
	if id.Handle != "" && id.Handle != id.Name {
		if s == "" {
			s = id.Handle
		} else {
			s += " (" + id.Handle + ")"
		}
	}
	if s == "" {
		s = id.RemoteID
	}
	if id.Kind != "" {
		s += " · " + id.Kind
	}
	return s
}

func (d *identityChooser) show() {
	ids := d.login.Identities
	d.errLabel = problemLabel()
	d.addBtn = ext(&widget.Button{Text: "Add", Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: d.onAdd})
	d.cancelBtn = ext(&widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: d.onCancel})
	intro := "Choose what Localpost may publish as. Each becomes an account of its own."
	if len(ids) == 0 {
		intro = "This " + d.name + " login has nothing Localpost can publish as. Check that the login owns or manages what you want to post to, and try again."
		d.addBtn.Disable()
	}
	list := container.NewVBox()
	for _, id := range ids {
		ch := widget.NewCheck(identityLabel(id), nil)
		ch.Checked = len(ids) == 1
		d.checks = append(d.checks, ch)
		list.Add(ch)
	}
	content := container.NewBorder(
		ext(&widget.Label{Text: intro, Wrapping: fyne.TextWrapWord}),
		d.errLabel, nil, nil,
		container.NewVScroll(list))
	d.dlg = dialog.NewCustomWithoutButtons("Connect "+d.name+" accounts", content, d.b.win)
	d.dlg.SetButtons([]fyne.CanvasObject{d.cancelBtn, d.addBtn})
	d.dlg.Resize(fyne.NewSize(500, 360))
	d.dlg.Show()
}

func (d *identityChooser) chosen() []string {
	var out []string
	for i, ch := range d.checks {
		if ch.Checked {
			out = append(out, d.login.Identities[i].RemoteID)
		}
	}
	return out
}

func (d *identityChooser) onAdd() {
	if d.busy {
		return
	}
	ids := d.chosen()
	if len(ids) == 0 {
		d.setError("Tick at least one.")
		return
	}
	d.errLabel.Hide()
	d.busy = true
	d.addBtn.Disable()
	l := d.login
	d.b.run(func() func() {
		ctx, cancel := d.b.ctx()
		defer cancel()
		accs, err := d.core.AddIdentities(ctx, l, ids)
		return func() {
			d.busy = false
			d.addBtn.Enable()
			if err != nil {
				d.setError("Could not add them: " + err.Error())
				return
			}
			d.dlg.Hide()
			if d.onAdded != nil {
				d.onAdded(accs)
			}
		}
	})
}

func (d *identityChooser) onCancel() {
	d.dlg.Hide()
	if d.onClosed != nil {
		d.onClosed()
	}
}

func (d *identityChooser) setError(msg string) {
	d.errLabel.Text = strings.TrimSpace(msg)
	d.errLabel.Show()
	d.errLabel.Refresh()
}
