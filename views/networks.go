package views

import (
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/platforms"
)

// Settings → Networks: each network Localpost signs in to through the
// user's own developer app, with its status and a "Set up…" dialog.

// networkRow is one network in Settings → Networks.
type networkRow struct {
	status *widget.Label
	setUp  *widget.Button
}

// setNetworks lists the networks that need a developer app (all but
// Mastodon, which registers Localpost on each server by itself).
func (s *settingsScreen) setNetworks(nets []app.NetworkInfo) {
	s.networks = nets
	s.netRows = map[platforms.Network]*networkRow{}
	var rows []fyne.CanvasObject
	for _, n := range nets {
		if n.Network == platforms.Mastodon {
			continue
		}
		row := &networkRow{status: ext(&widget.Label{})}
		row.status.Text, row.status.Importance = networkStatus(n)
		row.setUp = ext(&widget.Button{Text: "Set up…", Icon: theme.SettingsIcon(), OnTapped: func() { s.onSetUp(n, nil) }})
		s.netRows[n.Network] = row
		if len(rows) > 0 {
			rows = append(rows, widget.NewSeparator())
		}
		rows = append(rows, container.NewBorder(nil, nil, nil, container.NewCenter(row.setUp), container.NewVBox(
			ext(&widget.Label{Text: n.Name, TextStyle: fyne.TextStyle{Bold: true}}),
			row.status)))
	}
	s.netList.Objects = rows
	s.netList.Refresh()
}

func networkStatus(n app.NetworkInfo) (string, widget.Importance) {
	switch {
	case n.ReminderOnly:
		return "Ready — posts by reminder, no developer app needed", widget.SuccessImportance
	case n.Configured:
		return "Ready", widget.SuccessImportance
	}
	return "Needs your developer app", widget.WarningImportance
}

// onSetUp opens the set-up dialog of a network. then, if given, runs with
// the network's new state once its credentials are saved (the accounts
// screen uses it to go on connecting).
func (s *settingsScreen) onSetUp(n app.NetworkInfo, then func(app.NetworkInfo)) {
	d := &networkSetup{core: s.core, b: s.b, net: n}
	d.onSaved = func(ready app.NetworkInfo) {
		s.setup = nil
		if s.onNetworksChanged != nil {
			s.onNetworksChanged()
		}
		if then != nil {
			then(ready)
		}
	}
	d.onClosed = func() { s.setup = nil }
	s.setup = d
	d.show()
}

// networkSetup is the dialog where the user enters their developer app
// for one network: the guide, the review gates, the redirect address to
// register and the app's client ID and secret.
type networkSetup struct {
	core Core
	b    *bridge
	net  app.NetworkInfo

	dlg      *dialog.CustomDialog
	redirect *widget.Entry // read-only: the address to register
	copyBtn  *widget.Button
	port     *widget.Entry // fixed-port networks only
	portBtn  *widget.Button
	clientID *widget.Entry
	secret   *widget.Entry // networks that need a secret only
	errLabel *widget.Label
	saveBtn  *widget.Button
	closeBtn *widget.Button
	busy     bool

	onSaved  func(app.NetworkInfo)
	onClosed func()
}

func (d *networkSetup) show() {
	n := d.net
	wrap := func(text string) *widget.Label { return ext(&widget.Label{Text: text, Wrapping: fyne.TextWrapWord}) }
	bold := func(text string) *widget.Label {
		return ext(&widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}})
	}
	d.errLabel = problemLabel()
	d.closeBtn = ext(&widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: d.onClose})

	parts := []fyne.CanvasObject{}
	if n.ReminderOnly {
		d.closeBtn.SetText("Close")
		parts = append(parts, wrap(n.Name+" has no way for apps to publish, so Localpost posts there by reminder: "+
			"at the due time it notifies you, copies the text, opens the group in your browser and shows the media files. "+
			"You post by hand and mark the post as published. There is nothing to set up here."))
		if n.Guide != "" {
			parts = append(parts, wrap(n.Guide))
		}
	} else {
		if n.Guide != "" {
			parts = append(parts, wrap(n.Guide))
		}
		if n.Gates != "" {
			parts = append(parts, ext(&widget.Label{Text: n.Gates, Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance}))
		}
		if n.ConsoleURL != "" {
			link := widget.NewHyperlink("Open the "+n.Name+" developer console", nil)
			link.OnTapped = func() { d.b.open(n.ConsoleURL) }
			parts = append(parts, link)
		}
		parts = append(parts, d.redirectPart()...)

		d.clientID = ext(&widget.Entry{Text: n.ClientID, PlaceHolder: "Client ID (also called app ID, client key or API key)"})
		form := container.New(layout.NewFormLayout(), bold("Client ID"), d.clientID)
		if n.NeedsSecret {
			d.secret = ext(&widget.Entry{Password: true})
			if n.Configured {
				d.secret.PlaceHolder = "unchanged"
			}
			form.Add(bold("Client secret"))
			form.Add(d.secret)
		}
		parts = append(parts, form,
			wrap("Localpost keeps these in your system keyring."))
		d.saveBtn = ext(&widget.Button{Text: "Save", Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: d.onSave})
	}
	parts = append(parts, d.errLabel)

	d.dlg = dialog.NewCustomWithoutButtons("Set up "+n.Name, container.NewVScroll(container.NewVBox(parts...)), d.b.win)
	if d.saveBtn != nil {
		d.dlg.SetButtons([]fyne.CanvasObject{d.closeBtn, d.saveBtn})
	} else {
		d.dlg.SetButtons([]fyne.CanvasObject{d.closeBtn})
	}
	d.dlg.Resize(fyne.NewSize(620, 600))
	d.dlg.Show()
	if d.clientID != nil {
		d.b.win.Canvas().Focus(d.clientID)
	}
}

// redirectPart shows the redirect address to register, with a copy button
// and, where the network matches it exactly, the port to listen on.
func (d *networkSetup) redirectPart() []fyne.CanvasObject {
	n := d.net
	var why string
	switch n.Redirect {
	case platforms.RedirectLoopbackFixedPort:
		why = n.Name + " accepts only the exact address registered. Register this one; if the port is taken on your computer, pick another here and register that instead."
	case platforms.RedirectPaste:
		why = n.Name + " does not send you back to Localpost. Register this address; after you approve, copy the address your browser ends on and paste it into Localpost."
	default:
		why = "Register this redirect address; Localpost adds a free port when it signs in."
	}
	d.redirect = ext(&widget.Entry{Text: n.RedirectURI})
	d.redirect.Disable() // shown to copy, not to edit
	d.copyBtn = ext(&widget.Button{Text: "Copy", Icon: theme.ContentCopyIcon(), OnTapped: d.onCopy})
	out := []fyne.CanvasObject{
		ext(&widget.Label{Text: "Redirect address", TextStyle: fyne.TextStyle{Bold: true}}),
		ext(&widget.Label{Text: why, Wrapping: fyne.TextWrapWord}),
		container.NewBorder(nil, nil, nil, d.copyBtn, d.redirect),
	}
	if n.Redirect == platforms.RedirectLoopbackFixedPort {
		port := n.Port
		if port == 0 {
			port = n.DefaultPort
		}
		d.port = ext(&widget.Entry{Text: strconv.Itoa(port), Validator: func(s string) error {
			_, err := parsePort(s)
			return err
		}})
		d.port.OnSubmitted = func(string) { d.onPort() }
		d.portBtn = ext(&widget.Button{Text: "Use port", OnTapped: d.onPort})
		h := d.port.MinSize().Height
		out = append(out, container.NewHBox(widget.NewLabel("Port"),
			container.New(layout.NewGridWrapLayout(fyne.NewSize(100, h)), d.port), d.portBtn))
	}
	return out
}

func parsePort(s string) (int, error) {
	p, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || p < 1024 || p > 65535 {
		return 0, errors.New("Type a port between 1024 and 65535.")
	}
	return p, nil
}

func (d *networkSetup) onCopy() {
	fyne.CurrentApp().Clipboard().SetContent(d.redirect.Text)
	d.copyBtn.SetText("Copied")
}

// onPort moves a fixed-port network to another port and shows the address
// the core now expects.
func (d *networkSetup) onPort() {
	port, err := parsePort(d.port.Text)
	if err != nil {
		d.showError(err.Error())
		return
	}
	d.errLabel.Hide()
	d.portBtn.Disable()
	network := d.net.Network
	d.b.run(func() func() {
		err := d.core.SetRedirectPort(network, port)
		var now app.NetworkInfo
		found := false
		if err == nil {
			for _, n := range d.core.Networks() {
				if n.Network == network {
					now, found = n, true
				}
			}
		}
		return func() {
			d.portBtn.Enable()
			if err != nil {
				d.showError(err.Error())
				return
			}
			if found {
				d.net.Port, d.net.RedirectURI = now.Port, now.RedirectURI
				d.redirect.SetText(now.RedirectURI)
				d.copyBtn.SetText("Copy")
			}
		}
	})
}

func (d *networkSetup) onSave() {
	if d.busy {
		return
	}
	id := strings.TrimSpace(d.clientID.Text)
	secret := ""
	if d.secret != nil {
		secret = strings.TrimSpace(d.secret.Text)
	}
	switch {
	case id == "":
		d.showError("Enter the client ID of your " + d.net.Name + " app.")
		return
	case d.net.NeedsSecret && !d.net.Configured && secret == "":
		d.showError("Enter the client secret of your " + d.net.Name + " app.")
		return
	}
	d.errLabel.Hide()
	d.busy = true
	d.saveBtn.Disable()
	network := d.net.Network
	d.b.run(func() func() {
		err := d.core.SetAppCredentials(network, id, secret)
		return func() {
			d.busy = false
			d.saveBtn.Enable()
			if err != nil {
				d.showError("Could not save: " + err.Error())
				return
			}
			if d.secret != nil {
				d.secret.SetText("")
			}
			d.dlg.Hide()
			ready := d.net
			ready.Configured, ready.ClientID = true, id
			if d.onSaved != nil {
				d.onSaved(ready)
			}
		}
	})
}

func (d *networkSetup) onClose() {
	d.dlg.Hide()
	if d.onClosed != nil {
		d.onClosed()
	}
}

func (d *networkSetup) showError(msg string) {
	d.errLabel.Text = msg
	d.errLabel.Show()
	d.errLabel.Refresh()
}
