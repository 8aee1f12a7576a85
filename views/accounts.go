package views

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
)

// accountsScreen lists the connected accounts and connects new ones.
type accountsScreen struct {
	core Core
	b    *bridge

	list       *fyne.Container
	empty      *fyne.Container
	errLabel   *widget.Label
	connectBtn *widget.Button
	connect    *connectDialog // the open connect dialog, if any

	onChanged func() // an account was connected or removed
}

func newAccountsScreen(core Core, b *bridge) *accountsScreen {
	return &accountsScreen{core: core, b: b}
}

func (s *accountsScreen) build() fyne.CanvasObject {
	heading := ext(&widget.Label{Text: "Accounts", TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameHeadingText})
	s.connectBtn = ext(&widget.Button{Text: "Connect Mastodon…", Icon: theme.ContentAddIcon(), Importance: widget.HighImportance,
		OnTapped: func() { s.onConnect("", "") }})
	s.errLabel = problemLabel()
	s.list = container.NewVBox()
	s.empty = container.NewCenter(container.NewVBox(
		widget.NewIcon(theme.AccountIcon()),
		ext(&widget.Label{Text: "No accounts yet — connect one to start posting.", Alignment: fyne.TextAlignCenter}),
		container.NewCenter(ext(&widget.Button{Text: "Connect Mastodon…", Icon: theme.ContentAddIcon(),
			OnTapped: func() { s.onConnect("", "") }})),
	))
	s.empty.Hide()
	return container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, heading, s.connectBtn), s.errLabel),
		nil, nil, nil,
		container.NewStack(s.empty, container.NewVScroll(s.list)))
}

func (s *accountsScreen) setError(err error) {
	s.errLabel.Text = "Could not list the accounts: " + err.Error()
	s.errLabel.Show()
	s.errLabel.Refresh()
}

func (s *accountsScreen) setAccounts(accs []data.Account) {
	s.errLabel.Hide()
	s.list.RemoveAll()
	for _, a := range accs {
		s.list.Add(s.row(a))
	}
	s.empty.Hidden = len(accs) > 0
	s.empty.Refresh()
}

// row is one account as a card: avatar, names, where, state, actions.
func (s *accountsScreen) row(a data.Account) fyne.CanvasObject {
	var img *canvas.Image
	if p := s.core.AvatarFile(a); p != "" {
		img = canvas.NewImageFromFile(p)
	} else {
		img = canvas.NewImageFromResource(theme.AccountIcon())
	}
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(56))

	name := a.DisplayName
	if name == "" {
		name = a.Handle
	}
	where := []string{}
	if a.Handle != "" {
		where = append(where, a.Handle)
	}
	where = append(where, networkName(a.Network))
	if a.Server != "" {
		where = append(where, hostOf(a.Server))
	}
	state := ext(&widget.Label{})
	switch a.State {
	case data.AccountConnected:
		state.Text, state.Importance = "Connected", widget.SuccessImportance
	case data.AccountNeedsReconnect:
		state.Text, state.Importance = "Needs reconnect — press Reconnect", widget.WarningImportance
	case data.AccountDisconnected:
		state.Text, state.Importance = "Disconnected", widget.DangerImportance
	default:
		state.Text = string(a.State)
	}

	actions := container.NewHBox()
	if a.State == data.AccountNeedsReconnect || a.State == data.AccountDisconnected {
		actions.Add(ext(&widget.Button{Text: "Reconnect", Icon: theme.LoginIcon(), Importance: widget.HighImportance,
			OnTapped: func() { s.onConnect(hostOf(a.Server), "Sign in again as "+a.Handle+".") }}))
	}
	actions.Add(ext(&widget.Button{Text: "Disconnect", Icon: theme.LogoutIcon(), OnTapped: func() { s.onDisconnect(a) }}))

	info := container.NewVBox(
		ext(&widget.Label{Text: name, TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}),
		ext(&widget.Label{Text: strings.Join(where, " · "), Truncation: fyne.TextTruncateEllipsis}),
		state)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 8
	return container.NewStack(bg, container.NewPadded(
		container.NewBorder(nil, nil, container.NewCenter(img), container.NewCenter(actions), info)))
}

func networkName(n string) string {
	switch n {
	case "mastodon":
		return "Mastodon"
	case "":
		return "unknown network"
	}
	return strings.ToUpper(n[:1]) + n[1:]
}

// hostOf turns "https://mastodon.social/" into "mastodon.social".
func hostOf(server string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(server, "https://"), "http://")
	return strings.TrimSuffix(s, "/")
}

func (s *accountsScreen) onDisconnect(a data.Account) {
	msg := "Localpost forgets " + accountLabel(a) + " and its login. Posts planned for it stay in the calendar without this account."
	dialog.ShowConfirm("Disconnect this account?", msg, func(yes bool) {
		if !yes {
			return
		}
		s.b.run(func() func() {
			ctx, cancel := s.b.ctx()
			defer cancel()
			err := s.core.Disconnect(ctx, a.ID)
			return func() {
				if err != nil {
					s.b.errorDialog(err)
				}
				if s.onChanged != nil {
					s.onChanged()
				}
			}
		})
	}, s.b.win)
}

// onConnect opens the connect dialog, server pre-filled when given.
func (s *accountsScreen) onConnect(server, hint string) {
	if server == "" {
		server = s.core.DemoServer()
	}
	cd := &connectDialog{core: s.core, b: s.b}
	cd.onConnected = func(acc data.Account) {
		s.connect = nil
		dialog.ShowInformation("Account connected", accountLabel(acc)+" is connected. You can post to it now.", s.b.win)
		if s.onChanged != nil {
			s.onChanged()
		}
	}
	cd.onClosed = func() { s.connect = nil }
	s.connect = cd
	cd.show(server, hint)
}

// connectDialog runs one "Connect Mastodon" attempt: server, progress,
// cancel, and the core's error in plain words.
type connectDialog struct {
	core Core
	b    *bridge

	dlg        *dialog.CustomDialog
	server     *widget.Entry
	activity   *widget.Activity
	step       *widget.Label
	copyBtn    *widget.Button // shown when the browser could not be opened
	signInURL  string
	errLabel   *widget.Label
	connectBtn *widget.Button
	cancelBtn  *widget.Button

	cancel    context.CancelFunc // set while connecting
	cancelled bool

	onConnected func(acc data.Account)
	onClosed    func()
}

func (d *connectDialog) show(server, hint string) {
	d.server = ext(&widget.Entry{PlaceHolder: "mastodon.social", Text: server})
	d.server.OnSubmitted = func(string) { d.onConnect() }
	d.activity = widget.NewActivity()
	d.activity.Hide()
	d.step = ext(&widget.Label{Wrapping: fyne.TextWrapWord})
	d.errLabel = problemLabel()
	d.copyBtn = ext(&widget.Button{Text: "Copy sign-in address", Icon: theme.ContentCopyIcon(), OnTapped: d.onCopyAddress})
	d.copyBtn.Hide()
	d.connectBtn = ext(&widget.Button{Text: "Connect", Icon: theme.LoginIcon(), Importance: widget.HighImportance, OnTapped: d.onConnect})
	d.cancelBtn = ext(&widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: d.onCancel})

	intro := "Type the address of your Mastodon server. Localpost opens its sign-in page in your browser; approve there and come back."
	if hint != "" {
		intro = hint + " " + intro
	}
	content := container.NewVBox(
		ext(&widget.Label{Text: intro, Wrapping: fyne.TextWrapWord}),
		container.New(layout.NewFormLayout(), ext(&widget.Label{Text: "Server", TextStyle: fyne.TextStyle{Bold: true}}), d.server),
		container.NewBorder(nil, nil, d.activity, nil, d.step),
		container.NewHBox(d.copyBtn),
		d.errLabel,
	)
	d.dlg = dialog.NewCustomWithoutButtons("Connect a Mastodon account", content, d.b.win)
	d.dlg.SetButtons([]fyne.CanvasObject{d.cancelBtn, d.connectBtn})
	d.dlg.Resize(fyne.NewSize(500, 300))
	d.dlg.Show()
	d.b.win.Canvas().Focus(d.server)
}

func (d *connectDialog) onConnect() {
	if d.cancel != nil {
		return // already connecting
	}
	server := strings.TrimSpace(d.server.Text)
	if server == "" {
		d.showError("Type the address of your server, for example mastodon.social.")
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	d.setBusy(true, "Connecting to "+server+"…")
	progress := func(step string) {
		d.b.do(func() {
			if d.cancel != nil {
				d.setStep(step)
			}
		})
	}
	d.b.run(func() func() {
		acc, err := d.core.ConnectMastodon(ctx, server, progress)
		return func() {
			cancel()
			d.cancel = nil
			if d.cancelled {
				return // the dialog is gone
			}
			d.setBusy(false, "")
			if err != nil {
				if errors.Is(err, app.ErrCancelled) {
					d.showError("The connection was cancelled.")
				} else {
					d.showError(err.Error())
				}
				return
			}
			d.dlg.Hide()
			if d.onConnected != nil {
				d.onConnected(acc)
			}
		}
	})
}

// setStep shows a step of the connection. When the core could not open the
// browser it sends the sign-in address on a second line: that goes behind a
// copy button instead of filling the dialog.
func (d *connectDialog) setStep(step string) {
	msg, addr, ok := strings.Cut(step, "\n")
	if ok && strings.HasPrefix(addr, "http") {
		d.signInURL = addr
		d.step.SetText(strings.TrimSuffix(msg, ":") + ". Copy the address below and paste it into your browser; this window waits.")
		d.copyBtn.Show()
		return
	}
	d.step.SetText(step)
}

func (d *connectDialog) onCopyAddress() {
	fyne.CurrentApp().Clipboard().SetContent(d.signInURL)
	d.copyBtn.SetText("Copied — paste it into your browser")
}

func (d *connectDialog) onCancel() {
	if d.cancel != nil {
		d.cancelled = true
		d.cancel()
	}
	d.dlg.Hide()
	if d.onClosed != nil {
		d.onClosed()
	}
}

func (d *connectDialog) setBusy(busy bool, step string) {
	d.errLabel.Hide()
	d.step.SetText(step)
	if !busy {
		d.copyBtn.Hide()
	}
	if busy {
		d.server.Disable()
		d.connectBtn.Disable()
		d.activity.Show()
		d.activity.Start()
	} else {
		d.server.Enable()
		d.connectBtn.Enable()
		d.activity.Stop()
		d.activity.Hide()
	}
}

func (d *connectDialog) showError(msg string) {
	d.errLabel.Text = msg
	d.errLabel.Show()
	d.errLabel.Refresh()
}
