package views

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
	"localpost/platforms"
)

// expiryWarning is how long before a login expires the account asks to be
// reconnected.
const expiryWarning = 7 * 24 * time.Hour

// accountsScreen lists the connected accounts and connects new ones.
type accountsScreen struct {
	core Core
	b    *bridge
	now  func() time.Time

	list       *fyne.Container
	empty      *fyne.Container
	errLabel   *widget.Label
	connectBtn *widget.Button
	emptyBtn   *widget.Button
	menu       *widget.PopUpMenu // the network menu, while shown
	menuDef    *fyne.Menu        // its items
	connect    *connectDialog    // the open connect dialog, if any
	chooser    *identityChooser  // the open identity chooser, if any
	group      *groupDialog      // the open add-a-group dialog, if any
	slots      *slotsDialog      // the open posting-times dialog, if any (queue.go)
	networks   []app.NetworkInfo

	onChanged func()                // an account was connected or removed
	onSetUp   func(app.NetworkInfo) // open the network's set-up dialog in Settings
}

func newAccountsScreen(core Core, b *bridge, now func() time.Time) *accountsScreen {
	return &accountsScreen{core: core, b: b, now: now}
}

func (s *accountsScreen) build() fyne.CanvasObject {
	heading := ext(&widget.Label{Text: "Accounts", TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameHeadingText})
	s.connectBtn = ext(&widget.Button{Text: "Connect account…", Icon: theme.ContentAddIcon(), Importance: widget.HighImportance})
	s.connectBtn.OnTapped = func() { s.onConnectMenu(s.connectBtn) }
	s.errLabel = problemLabel()
	s.list = container.NewVBox()
	s.emptyBtn = ext(&widget.Button{Text: "Connect account…", Icon: theme.ContentAddIcon()})
	s.emptyBtn.OnTapped = func() { s.onConnectMenu(s.emptyBtn) }
	s.empty = container.NewCenter(container.NewVBox(
		widget.NewIcon(theme.AccountIcon()),
		ext(&widget.Label{Text: "No accounts yet — connect one to start posting.", Alignment: fyne.TextAlignCenter}),
		container.NewCenter(s.emptyBtn),
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

// setNetworks keeps the networks for the connect menu and the rows; call
// it before setAccounts.
func (s *accountsScreen) setNetworks(nets []app.NetworkInfo) { s.networks = nets }

func (s *accountsScreen) network(n string) (app.NetworkInfo, bool) {
	for _, ni := range s.networks {
		if string(ni.Network) == n {
			return ni, true
		}
	}
	return app.NetworkInfo{}, false
}

func (s *accountsScreen) networkLabel(n string) string {
	if ni, ok := s.network(n); ok && ni.Name != "" {
		return ni.Name
	}
	return networkName(n)
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
	if a.Handle != "" && a.Handle != name { // groups are named by their handle
		where = append(where, a.Handle)
	}
	where = append(where, s.networkLabel(a.Network))
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

	info := container.NewVBox(
		ext(&widget.Label{Text: name, TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}),
		ext(&widget.Label{Text: strings.Join(where, " · "), Truncation: fyne.TextTruncateEllipsis}),
		state)
	expiring := false
	if !a.TokenExpiry.IsZero() {
		line := ext(&widget.Label{Wrapping: fyne.TextWrapWord})
		left := a.TokenExpiry.Sub(s.now())
		switch {
		case left <= 0:
			line.Text, line.Importance = "Login expired on "+a.TokenExpiry.Format("2 Jan 2006")+" — reconnect", widget.DangerImportance
			expiring = true
		case left <= expiryWarning:
			line.Text, line.Importance = "Login valid until "+a.TokenExpiry.Format("2 Jan 2006")+" — reconnect before then", widget.WarningImportance
			expiring = true
		default:
			line.Text = "Login valid until " + a.TokenExpiry.Format("2 Jan 2006") + " — reconnect before then"
		}
		info.Add(line)
	}

	actions := container.NewHBox()
	if expiring || a.State == data.AccountNeedsReconnect || a.State == data.AccountDisconnected {
		actions.Add(ext(&widget.Button{Text: "Reconnect", Icon: theme.LoginIcon(), Importance: widget.HighImportance,
			OnTapped: func() { s.onReconnect(a) }}))
	}
	actions.Add(ext(&widget.Button{Text: "Posting times…", Icon: theme.HistoryIcon(), OnTapped: func() { s.onPostingTimes(a) }}))
	actions.Add(ext(&widget.Button{Text: "Disconnect", Icon: theme.LogoutIcon(), OnTapped: func() { s.onDisconnect(a) }}))
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 8
	return container.NewStack(bg, container.NewPadded(
		container.NewBorder(nil, nil, container.NewCenter(img), container.NewCenter(actions), info)))
}

// accountName is an account's name alone, for places where the network is
// said beside it.
func accountName(a data.Account) string {
	if a.DisplayName != "" {
		return a.DisplayName
	}
	return a.Handle
}

// networkName names a network the core did not list.
func networkName(n string) string {
	if name, ok := networkNames[n]; ok {
		return name
	}
	if n == "" {
		return "unknown network"
	}
	return strings.ToUpper(n[:1]) + n[1:]
}

// networkNames are the networks' own spellings.
var networkNames = map[string]string{
	"mastodon": "Mastodon", "x": "X", "facebook": "Facebook", "fbgroup": "Facebook Group", "instagram": "Instagram",
	"linkedin": "LinkedIn", "pinterest": "Pinterest", "tiktok": "TikTok", "youtube": "YouTube",
}

// onReconnect signs in again to an account's network.
func (s *accountsScreen) onReconnect(a data.Account) {
	if a.Network == string(platforms.Mastodon) || a.Network == "" {
		s.onConnect(hostOf(a.Server), "Sign in again as "+a.Handle+".")
		return
	}
	ni, ok := s.network(a.Network)
	if !ok {
		ni = app.NetworkInfo{Info: platforms.Info{Network: platforms.Network(a.Network), Name: networkName(a.Network)}}
	}
	s.onConnectNetwork(ni)
}

// onConnectMenu lists every network under the button that was tapped.
func (s *accountsScreen) onConnectMenu(from fyne.CanvasObject) {
	nets := s.networks
	if len(nets) == 0 { // not loaded yet: Mastodon needs nothing from the core
		nets = []app.NetworkInfo{{Info: platforms.Info{Network: platforms.Mastodon, Name: "Mastodon"}, Configured: true}}
	}
	var items []*fyne.MenuItem
	for _, n := range nets {
		label := n.Name
		if !n.Configured && !n.ReminderOnly {
			label += " (set up first)"
		}
		items = append(items, fyne.NewMenuItem(label, func() { s.onConnectNetwork(n) }))
	}
	s.menuDef = fyne.NewMenu("", items...)
	s.menu = widget.NewPopUpMenu(s.menuDef, s.b.win.Canvas())
	s.menu.ShowAtRelativePosition(fyne.NewPos(0, from.Size().Height), from)
}

// onConnectNetwork starts connecting an account of a network: Mastodon asks
// for its server, a network without the user's developer app sends them to
// set it up first, the others sign in in the browser.
func (s *accountsScreen) onConnectNetwork(n app.NetworkInfo) {
	switch {
	case n.Network == platforms.Mastodon:
		s.onConnect("", "")
	case n.ReminderOnly:
		s.addGroup(n)
	case !n.Configured:
		s.askSetUp(n)
	default:
		s.openConnect(&connectDialog{core: s.core, b: s.b, net: n}, "", "")
	}
}

// addGroup asks for a place posted to by reminder: no login exists for it,
// so it is added by its name and address.
func (s *accountsScreen) addGroup(n app.NetworkInfo) {
	g := &groupDialog{core: s.core, b: s.b, net: n}
	g.onAdded = func(acc data.Account) {
		s.group = nil
		dialog.ShowInformation("Group added", accountName(acc)+" is added. At the time of each post for it, "+
			"Localpost reminds you and helps you post by hand.", s.b.win)
		if s.onChanged != nil {
			s.onChanged()
		}
	}
	g.onClosed = func() { s.group = nil }
	s.group = g
	g.show()
}

// groupDialog adds a Facebook Group (or another place posted to by
// reminder) by its name and web address.
type groupDialog struct {
	core Core
	b    *bridge
	net  app.NetworkInfo

	dlg       *dialog.CustomDialog
	name      *widget.Entry
	address   *widget.Entry
	errLabel  *widget.Label
	addBtn    *widget.Button
	cancelBtn *widget.Button
	busy      bool

	onAdded  func(data.Account)
	onClosed func()
}

func (g *groupDialog) show() {
	wrap := func(text string) *widget.Label { return ext(&widget.Label{Text: text, Wrapping: fyne.TextWrapWord}) }
	bold := func(text string) *widget.Label {
		return ext(&widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}})
	}
	g.name = ext(&widget.Entry{PlaceHolder: "Bakery friends"})
	g.address = ext(&widget.Entry{PlaceHolder: "https://www.facebook.com/groups/…"})
	g.address.OnSubmitted = func(string) { g.onAdd() }
	g.errLabel = problemLabel()
	g.addBtn = ext(&widget.Button{Text: "Add", Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: g.onAdd})
	g.cancelBtn = ext(&widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: g.onCancel})
	content := container.NewVBox(
		wrap("Meta closed the Groups API in April 2024: no app may post to a Facebook Group any more. "+
			"Localpost reminds you at the due time instead and helps you post by hand: it copies the text, "+
			"opens the group in your browser and shows the media files to attach."),
		container.New(layout.NewFormLayout(),
			bold("Group name"), g.name,
			bold("Group address"), g.address),
		wrap("Copy the group's address from your browser's address bar."),
		g.errLabel,
	)
	g.dlg = dialog.NewCustomWithoutButtons("Add a Facebook Group", content, g.b.win)
	g.dlg.SetButtons([]fyne.CanvasObject{g.cancelBtn, g.addBtn})
	g.dlg.Resize(fyne.NewSize(540, 340))
	g.dlg.Show()
	g.b.win.Canvas().Focus(g.name)
}

func (g *groupDialog) onAdd() {
	if g.busy {
		return
	}
	name, address := strings.TrimSpace(g.name.Text), strings.TrimSpace(g.address.Text)
	switch {
	case name == "":
		g.showError("Give the group a name, as you want to see it in Localpost.")
		return
	case address == "":
		g.showError("Paste the group's address, e.g. https://www.facebook.com/groups/yourgroup.")
		return
	}
	g.errLabel.Hide()
	g.busy = true
	g.addBtn.Disable()
	network := g.net.Network
	g.b.run(func() func() {
		ctx, cancel := g.b.ctx()
		defer cancel()
		acc, err := g.core.AddReminderAccount(ctx, network, name, address)
		return func() {
			g.busy = false
			g.addBtn.Enable()
			if err != nil {
				g.showError("Could not add the group: " + err.Error())
				return
			}
			g.dlg.Hide()
			if g.onAdded != nil {
				g.onAdded(acc)
			}
		}
	})
}

func (g *groupDialog) onCancel() {
	g.dlg.Hide()
	if g.onClosed != nil {
		g.onClosed()
	}
}

func (g *groupDialog) showError(msg string) {
	g.errLabel.Text = msg
	g.errLabel.Show()
	g.errLabel.Refresh()
}

// askSetUp explains why a network needs the user's developer app and
// offers to open its set-up dialog.
func (s *accountsScreen) askSetUp(n app.NetworkInfo) {
	what := "client ID"
	if n.NeedsSecret {
		what = "client ID and secret"
	}
	msg := ext(&widget.Label{Wrapping: fyne.TextWrapWord, Text: "Localpost signs in to " + n.Name +
		" through a developer app of your own, so your posts never pass through anyone else's server. " +
		"Create the app in " + n.Name + "'s developer console and enter its " + what +
		" in Settings → Networks; the guide there shows each step."})
	d := dialog.NewCustomConfirm("Set up "+n.Name+" first", "Open settings", "Not now", msg, func(open bool) {
		if open && s.onSetUp != nil {
			s.onSetUp(n)
		}
	}, s.b.win)
	d.Resize(fyne.NewSize(480, 240))
	d.Show()
}

// hostOf turns "https://mastodon.social/" into "mastodon.social".
func hostOf(server string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(server, "https://"), "http://")
	return strings.TrimSuffix(s, "/")
}

// onConnect opens the Mastodon connect dialog, server pre-filled when given.
func (s *accountsScreen) onConnect(server, hint string) {
	if server == "" {
		server = s.core.DemoServer()
	}
	mastodon := app.NetworkInfo{Info: platforms.Info{Network: platforms.Mastodon, Name: "Mastodon"}, Configured: true}
	s.openConnect(&connectDialog{core: s.core, b: s.b, net: mastodon}, server, hint)
}

func (s *accountsScreen) openConnect(cd *connectDialog, server, hint string) {
	cd.onConnected = func(acc data.Account) {
		s.connect = nil
		dialog.ShowInformation("Account connected", accountLabel(acc)+" is connected. You can post to it now.", s.b.win)
		if s.onChanged != nil {
			s.onChanged()
		}
	}
	cd.onLogin = func(l *app.Login) {
		s.connect = nil
		s.chooseIdentities(l)
	}
	cd.onClosed = func() { s.connect = nil }
	s.connect = cd
	cd.show(server, hint)
}

// chooseIdentities asks which of a login's identities to connect.
func (s *accountsScreen) chooseIdentities(l *app.Login) {
	ic := &identityChooser{core: s.core, b: s.b, login: l, name: s.networkLabel(string(l.Network))}
	ic.onAdded = func(accs []data.Account) {
		s.chooser = nil
		labels := make([]string, len(accs))
		for i, a := range accs {
			labels[i] = accountLabel(a)
		}
		msg := strings.Join(labels, ", ") + " is connected. You can post to it now."
		if len(accs) > 1 {
			msg = strings.Join(labels, ", ") + " are connected. You can post to them now."
		}
		dialog.ShowInformation("Account connected", msg, s.b.win)
		if s.onChanged != nil {
			s.onChanged()
		}
	}
	ic.onClosed = func() { s.chooser = nil }
	s.chooser = ic
	ic.show()
}

// connectDialog runs one connection attempt: for Mastodon the server,
// otherwise the browser login of the network (and for networks that do
// not send the browser back, the address to paste); progress, cancel, and
// the core's error in plain words.
type connectDialog struct {
	core Core
	b    *bridge
	net  app.NetworkInfo

	dlg        *dialog.CustomDialog
	server     *widget.Entry // Mastodon only
	activity   *widget.Activity
	step       *widget.Label
	copyBtn    *widget.Button // shown when the browser could not be opened
	signInURL  string
	errLabel   *widget.Label
	connectBtn *widget.Button
	cancelBtn  *widget.Button

	pasteBox *fyne.Container // paste-mode networks, while connecting
	paste    *widget.Entry
	pasteBtn *widget.Button

	cancel    context.CancelFunc // set while connecting
	cancelled bool

	onConnected func(acc data.Account) // Mastodon
	onLogin     func(l *app.Login)     // other networks: choose identities next
	onClosed    func()
}

func (d *connectDialog) mastodon() bool { return d.net.Network == platforms.Mastodon }

func (d *connectDialog) pasteMode() bool { return d.net.Redirect == platforms.RedirectPaste }

func (d *connectDialog) show(server, hint string) {
	if !d.mastodon() {
		d.showNetwork(hint)
		return
	}
	d.server = ext(&widget.Entry{PlaceHolder: "mastodon.social", Text: server})
	d.server.OnSubmitted = func(string) { d.onConnect() }
	d.makeCommon()

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

// makeCommon makes the widgets every connect dialog has.
func (d *connectDialog) makeCommon() {
	d.activity = widget.NewActivity()
	d.activity.Hide()
	d.step = ext(&widget.Label{Wrapping: fyne.TextWrapWord})
	d.errLabel = problemLabel()
	d.copyBtn = ext(&widget.Button{Text: "Copy sign-in address", Icon: theme.ContentCopyIcon(), OnTapped: d.onCopyAddress})
	d.copyBtn.Hide()
	d.connectBtn = ext(&widget.Button{Text: "Connect", Icon: theme.LoginIcon(), Importance: widget.HighImportance, OnTapped: d.onConnect})
	d.cancelBtn = ext(&widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: d.onCancel})
}

// showNetwork is the dialog of a network signed in to in the browser.
func (d *connectDialog) showNetwork(hint string) {
	d.makeCommon()
	n := d.net
	var intro string
	switch {
	case d.pasteMode():
		intro = "Localpost opens the " + n.Name + " sign-in page in your browser. After you approve, " +
			"the network sends your browser to your redirect address: copy the whole address from the browser's address bar and paste it here."
	default:
		intro = "Localpost opens the " + n.Name + " sign-in page in your browser; approve there and come back."
	}
	if hint != "" {
		intro = hint + " " + intro
	}
	parts := []fyne.CanvasObject{
		ext(&widget.Label{Text: intro, Wrapping: fyne.TextWrapWord}),
		container.NewBorder(nil, nil, d.activity, nil, d.step),
		container.NewHBox(d.copyBtn),
	}
	if d.pasteMode() {
		d.paste = ext(&widget.Entry{PlaceHolder: "https://…"})
		d.paste.OnSubmitted = func(string) { d.onPaste() }
		d.pasteBtn = ext(&widget.Button{Text: "Continue", Icon: theme.NavigateNextIcon(), OnTapped: d.onPaste})
		d.pasteBox = container.NewVBox(
			ext(&widget.Label{Text: "Paste the address your browser ended on", TextStyle: fyne.TextStyle{Bold: true}}),
			container.NewBorder(nil, nil, nil, d.pasteBtn, d.paste))
		d.pasteBox.Hide()
		parts = append(parts, d.pasteBox)
	}
	parts = append(parts, d.errLabel)
	d.dlg = dialog.NewCustomWithoutButtons("Connect "+n.Name, container.NewVBox(parts...), d.b.win)
	d.dlg.SetButtons([]fyne.CanvasObject{d.cancelBtn, d.connectBtn})
	d.dlg.Resize(fyne.NewSize(540, 320))
	d.dlg.Show()
}

func (d *connectDialog) onConnect() {
	if d.cancel != nil {
		return // already connecting
	}
	if !d.mastodon() {
		d.connectNetwork()
		return
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

// connectNetwork runs the browser login of a network; the identities it
// yields go to the chooser.
func (d *connectDialog) connectNetwork() {
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	d.setBusy(true, "Opening "+d.net.Name+" in your browser…")
	progress := func(step string) {
		d.b.do(func() {
			if d.cancel != nil {
				d.setStep(step)
			}
		})
	}
	network := d.net.Network
	d.b.run(func() func() {
		l, err := d.core.Connect(ctx, network, progress)
		return func() {
			cancel()
			d.cancel = nil
			if d.cancelled {
				return // the dialog is gone
			}
			d.setBusy(false, "")
			switch {
			case errors.Is(err, app.ErrCancelled):
				d.showError("The connection was cancelled.")
				return
			case err != nil:
				d.showError(err.Error())
				return
			case l == nil:
				d.showError("The sign-in finished without anything to connect; try again.")
				return
			}
			d.dlg.Hide()
			if d.onLogin != nil {
				d.onLogin(l)
			}
		}
	})
}

// onPaste hands the address the browser ended on to the waiting login.
func (d *connectDialog) onPaste() {
	addr := strings.TrimSpace(d.paste.Text)
	if addr == "" {
		d.showError("Paste the whole address from your browser's address bar.")
		return
	}
	d.errLabel.Hide()
	d.pasteBtn.Disable()
	d.b.run(func() func() {
		err := d.core.PasteRedirect(addr)
		return func() {
			d.pasteBtn.Enable()
			if d.cancel == nil {
				return // the login ended meanwhile
			}
			if err != nil {
				d.showError(err.Error())
				return
			}
			d.pasteBox.Hide()
			d.step.SetText("Finishing the sign-in…")
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
	if d.pasteBox != nil {
		d.pasteBox.Hidden = !busy
		d.pasteBox.Refresh()
	}
	if busy {
		if d.server != nil {
			d.server.Disable()
		}
		d.connectBtn.Disable()
		d.activity.Show()
		d.activity.Start()
	} else {
		if d.server != nil {
			d.server.Enable()
		}
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
