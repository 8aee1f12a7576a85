package views

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
	"localpost/platforms"
)

// overlayTexts collects the texts of the labels and entries in the
// visible overlays.
func overlayTexts(t *testing.T, w fyne.Window) []string {
	t.Helper()
	var out []string
	for _, o := range w.Canvas().Overlays().List() {
		if !o.Visible() {
			continue
		}
		walk(t, o, func(obj fyne.CanvasObject) bool {
			switch v := obj.(type) {
			case *widget.Label:
				out = append(out, v.Text)
			case *widget.Entry:
				out = append(out, v.Text)
			case *canvas.Text:
				out = append(out, v.Text)
			}
			return false
		})
	}
	return out
}

func overlayContains(t *testing.T, w fyne.Window, part string) bool {
	t.Helper()
	for _, s := range overlayTexts(t, w) {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

func TestSettingsListsNetworksButMastodon(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.configure(platforms.X)
	u := newTestUI(t, fc, fixedNow(loc))
	s := u.settings
	if _, ok := s.netRows[platforms.Mastodon]; ok {
		t.Error("Mastodon is listed although it needs no developer app")
	}
	if len(s.netRows) != 8 {
		t.Errorf("%d networks listed, want 8", len(s.netRows))
	}
	if got := s.netRows[platforms.X].status.Text; got != "Ready" {
		t.Errorf("X status = %q", got)
	}
	if st := s.netRows[platforms.YouTube].status; st.Text != "Needs your developer app" || st.Importance != widget.WarningImportance {
		t.Errorf("YouTube status = %q (%v)", st.Text, st.Importance)
	}

	// A reminder-only network explains instead of asking for credentials.
	test.Tap(s.netRows[platforms.FBGroup].setUp)
	d := s.setup
	if d.clientID != nil || d.secret != nil || d.saveBtn != nil {
		t.Error("the Facebook Group dialog asks for credentials")
	}
	if !overlayContains(t, u.Window, "by reminder") {
		t.Error("no reminder explanation")
	}
	test.Tap(d.closeBtn)

	// Connecting it explains instead of starting a login the core refuses.
	connectVia(t, u, "Facebook Group")
	if u.accounts.connect != nil || !overlayContains(t, u.Window, "reminds you at the due time") {
		t.Error("Facebook Group: no explanation")
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if len(fc.connected) != 0 {
		t.Errorf("Connect called for a reminder-only network: %v", fc.connected)
	}
}

func TestSettingsNetworkSavesCredentials(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	u := newTestUI(t, fc, fixedNow(loc))
	s := u.settings

	test.Tap(s.netRows[platforms.Facebook].setUp)
	d := s.setup
	if d == nil {
		t.Fatal("no set-up dialog")
	}
	if !overlayHas(t, u.Window, "Create a Business app in Meta for Developers.") {
		t.Error("guide not shown")
	}
	if !overlayHas(t, u.Window, "Open the Facebook Pages developer console") {
		t.Error("no console link")
	}
	if d.redirect.Text != "https://localpost.example/done" || !d.redirect.Disabled() {
		t.Errorf("redirect %q (read-only %v)", d.redirect.Text, d.redirect.Disabled())
	}
	if d.port != nil {
		t.Error("a paste-mode network offers a port")
	}
	test.Tap(d.copyBtn)
	if got := fyne.CurrentApp().Clipboard().Content(); got != "https://localpost.example/done" {
		t.Errorf("clipboard %q", got)
	}
	if d.secret == nil || !d.secret.Password || d.secret.PlaceHolder != "" {
		t.Fatalf("secret entry = %+v", d.secret)
	}

	test.Tap(d.saveBtn)
	if !d.errLabel.Visible() || !strings.Contains(d.errLabel.Text, "client ID") {
		t.Errorf("empty client ID: error %q", d.errLabel.Text)
	}
	test.Type(d.clientID, "1234")
	test.Tap(d.saveBtn)
	if !strings.Contains(d.errLabel.Text, "client secret") {
		t.Errorf("empty secret: error %q", d.errLabel.Text)
	}

	// A failing save keeps the dialog open with the core's error.
	fc.mu.Lock()
	fc.credsErr = errors.New("the keyring is locked")
	fc.mu.Unlock()
	test.Type(d.secret, "s3cret")
	test.Tap(d.saveBtn)
	u.b.wait()
	if d.errLabel.Text != "Could not save: the keyring is locked" || overlayButton(t, u.Window, "Save") == nil {
		t.Errorf("error %q, dialog open %v", d.errLabel.Text, overlayButton(t, u.Window, "Save") != nil)
	}
	fc.mu.Lock()
	fc.credsErr = nil
	fc.mu.Unlock()
	test.Tap(d.saveBtn)
	u.b.wait()

	fc.mu.Lock()
	calls := append([]credsCall(nil), fc.credsSet...)
	fc.mu.Unlock()
	want := credsCall{platforms.Facebook, "1234", "s3cret"}
	if len(calls) != 2 || calls[1] != want {
		t.Fatalf("SetAppCredentials calls = %+v", calls)
	}
	if overlayButton(t, u.Window, "Save") != nil {
		t.Error("dialog still open after saving")
	}
	if got := s.netRows[platforms.Facebook].status.Text; got != "Ready" {
		t.Errorf("status after saving = %q", got)
	}

	// Opened again, the secret is not shown, and saving without typing one
	// keeps it.
	test.Tap(s.netRows[platforms.Facebook].setUp)
	d = s.setup
	if d.clientID.Text != "1234" {
		t.Errorf("client ID = %q", d.clientID.Text)
	}
	if d.secret.Text != "" || d.secret.PlaceHolder != "unchanged" {
		t.Errorf("secret entry %q placeholder %q", d.secret.Text, d.secret.PlaceHolder)
	}
	for _, txt := range overlayTexts(t, u.Window) {
		if strings.Contains(txt, "s3cret") {
			t.Errorf("the secret is shown: %q", txt)
		}
	}
	test.Tap(d.saveBtn)
	u.b.wait()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if last := fc.credsSet[len(fc.credsSet)-1]; last.secret != "" || last.clientID != "1234" {
		t.Errorf("second save = %+v, want the secret left out", last)
	}
}

func TestSettingsFixedPortUpdatesAddress(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	u := newTestUI(t, fc, fixedNow(loc))
	test.Tap(u.settings.netRows[platforms.Pinterest].setUp)
	d := u.settings.setup
	if d.port == nil || d.port.Text != "8085" {
		t.Fatalf("port entry = %+v", d.port)
	}
	if d.redirect.Text != "http://127.0.0.1:8085/callback" {
		t.Errorf("redirect = %q", d.redirect.Text)
	}
	if !overlayHas(t, u.Window, "Trial apps make pins only you can see.") {
		t.Error("gates not shown")
	}

	d.port.SetText("80")
	test.Tap(d.portBtn)
	u.b.wait()
	if !d.errLabel.Visible() {
		t.Error("port 80 accepted")
	}
	d.port.SetText("8090")
	test.Tap(d.portBtn)
	u.b.wait()
	if d.errLabel.Visible() {
		t.Errorf("error %q", d.errLabel.Text)
	}
	if d.redirect.Text != "http://127.0.0.1:8090/callback" {
		t.Errorf("redirect after the port change = %q", d.redirect.Text)
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if len(fc.portSet) != 1 || fc.portSet[0] != 8090 {
		t.Errorf("SetRedirectPort calls = %v", fc.portSet)
	}
}

func TestConnectNetworkNotConfiguredLeadsToSettings(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	u := newTestUI(t, fc, fixedNow(loc))
	connectVia(t, u, "X")
	if u.accounts.connect != nil {
		t.Fatal("connect dialog opened for a network that is not set up")
	}
	if !overlayContains(t, u.Window, "through a developer app of your own") {
		t.Fatal("no explanation")
	}
	test.Tap(overlayButton(t, u.Window, "Open settings"))
	if u.tabs.Selected() != u.settingsTab {
		t.Error("Settings not selected")
	}
	d := u.settings.setup
	if d == nil || d.net.Network != platforms.X {
		t.Fatalf("set-up dialog = %+v", d)
	}
	if d.secret != nil {
		t.Error("X (no secret needed) asks for a secret")
	}
	test.Type(d.clientID, "x-client")
	test.Tap(d.saveBtn)
	u.b.wait()
	// Saved: the connection goes on.
	if u.tabs.Selected() != u.accountsTab {
		t.Error("Accounts not selected after saving")
	}
	if cd := u.accounts.connect; cd == nil || cd.net.Network != platforms.X || !cd.net.Configured {
		t.Errorf("connect dialog after saving = %+v", cd)
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if len(fc.connected) != 0 {
		t.Errorf("Connect called before the user pressed Connect: %v", fc.connected)
	}
}

func TestConnectNetworkChoosesIdentities(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.configure(platforms.LinkedIn)
	fc.login = &app.Login{Network: platforms.LinkedIn, Identities: []platforms.Identity{
		{RemoteID: "urn:li:person:1", Kind: "profile", Name: "Alice Smith", Handle: "alice-smith", AvatarURL: "https://media.example/a.jpg"},
		{RemoteID: "urn:li:organization:9", Kind: "organization", Name: "Alice's Bakery"},
	}}
	u := newTestUI(t, fc, fixedNow(loc))
	connectVia(t, u, "LinkedIn")
	cd := u.accounts.connect
	if cd == nil || cd.server != nil || cd.pasteBox != nil {
		t.Fatalf("connect dialog = %+v", cd)
	}
	test.Tap(cd.connectBtn)
	waitStarted(t, fc)
	(<-u.b.queue)() // the progress report, queued before Connect returns
	if got := cd.step.Text; got != "Waiting for you to approve Localpost in your browser…" {
		t.Errorf("step = %q", got)
	}
	u.b.wait()

	ic := u.accounts.chooser
	if ic == nil {
		t.Fatal("no identity chooser")
	}
	if len(ic.checks) != 2 || ic.checks[0].Checked || ic.checks[1].Checked {
		t.Fatalf("checks = %v", ic.checks)
	}
	if got := ic.checks[0].Text; got != "Alice Smith (alice-smith) · profile" {
		t.Errorf("first identity = %q", got)
	}
	test.Tap(ic.addBtn)
	if !ic.errLabel.Visible() {
		t.Error("Add with nothing ticked")
	}
	test.Tap(ic.checks[1])
	test.Tap(ic.addBtn)
	u.b.wait()

	fc.mu.Lock()
	connected, added := fc.connected, fc.added
	fc.mu.Unlock()
	if !reflect.DeepEqual(connected, []platforms.Network{platforms.LinkedIn}) {
		t.Errorf("Connect calls = %v", connected)
	}
	if !reflect.DeepEqual(added, [][]string{{"urn:li:organization:9"}}) {
		t.Errorf("AddIdentities calls = %v", added)
	}
	if !overlayHas(t, u.Window, "Alice's Bakery is connected. You can post to it now.") {
		t.Error("no confirmation")
	}
	if len(u.accounts.list.Objects) != 1 {
		t.Fatalf("accounts listed = %d", len(u.accounts.list.Objects))
	}
	found := false
	walk(t, u.accounts.list, func(o fyne.CanvasObject) bool {
		l, ok := o.(*widget.Label)
		found = ok && l.Text == "LinkedIn"
		return found
	})
	if !found {
		t.Error("the account row does not name the network")
	}

	// A login with a single identity has it ticked already.
	one := &app.Login{Network: platforms.YouTube, Identities: []platforms.Identity{{RemoteID: "UC1", Kind: "channel", Name: "Bakery TV"}}}
	u.accounts.chooseIdentities(one)
	if c := u.accounts.chooser.checks; len(c) != 1 || !c[0].Checked {
		t.Errorf("single identity checks = %v", c)
	}
	test.Tap(u.accounts.chooser.cancelBtn)
}

func TestConnectPasteModeNetwork(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.configure(platforms.Facebook)
	fc.login = &app.Login{Network: platforms.Facebook, Identities: []platforms.Identity{{RemoteID: "p1", Kind: "page", Name: "Bakery"}}}
	u := newTestUI(t, fc, fixedNow(loc))
	connectVia(t, u, "Facebook Pages")
	cd := u.accounts.connect
	if cd.pasteBox == nil || cd.pasteBox.Visible() {
		t.Fatal("paste box missing, or shown before connecting")
	}
	test.Tap(cd.connectBtn)
	waitStarted(t, fc)
	u.b.drain()
	if !cd.pasteBox.Visible() || !overlayHas(t, u.Window, "Paste the address your browser ended on") {
		t.Fatal("no paste entry while connecting")
	}
	test.Tap(cd.pasteBtn)
	if !cd.errLabel.Visible() {
		t.Error("an empty paste was accepted")
	}

	// The core's error is shown, and the user can paste again.
	fc.mu.Lock()
	fc.pasteErr = errors.New("that address has no code in it; copy the whole address")
	fc.mu.Unlock()
	test.Type(cd.paste, "https://localpost.example/done")
	test.Tap(cd.pasteBtn)
	u.b.drain()
	for i := 0; i < 200 && !strings.Contains(cd.errLabel.Text, "no code"); i++ {
		time.Sleep(5 * time.Millisecond)
		u.b.drain()
	}
	if cd.errLabel.Text != "that address has no code in it; copy the whole address" {
		t.Errorf("error = %q", cd.errLabel.Text)
	}
	fc.mu.Lock()
	fc.pasteErr = nil
	fc.mu.Unlock()
	addr := "https://localpost.example/done?code=abc&state=xyz"
	cd.paste.SetText(addr)
	test.Tap(cd.pasteBtn)
	u.b.wait()

	fc.mu.Lock()
	pasted := append([]string(nil), fc.pasted...)
	fc.mu.Unlock()
	if len(pasted) != 2 || pasted[1] != addr {
		t.Errorf("PasteRedirect calls = %q", pasted)
	}
	ic := u.accounts.chooser
	if ic == nil || len(ic.checks) != 1 || !ic.checks[0].Checked {
		t.Fatalf("chooser = %+v", ic)
	}
	test.Tap(ic.addBtn)
	u.b.wait()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if !reflect.DeepEqual(fc.added, [][]string{{"p1"}}) {
		t.Errorf("AddIdentities calls = %v", fc.added)
	}
}

func TestAccountShowsLoginExpiry(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	now := fixedNow(loc)
	fc.accounts = []data.Account{
		{ID: 1, Network: "linkedin", DisplayName: "Soon", State: data.AccountConnected, TokenExpiry: now.Add(3 * 24 * time.Hour)},
		{ID: 2, Network: "pinterest", DisplayName: "Later", State: data.AccountConnected, TokenExpiry: time.Date(2027, 1, 12, 9, 0, 0, 0, loc)},
		{ID: 3, Network: "x", DisplayName: "Never", State: data.AccountConnected},
	}
	u := newTestUI(t, fc, now)
	labels := map[string]*widget.Label{}
	var reconnects int
	walk(t, u.accounts.list, func(o fyne.CanvasObject) bool {
		switch v := o.(type) {
		case *widget.Label:
			labels[v.Text] = v
		case *widget.Button:
			if v.Text == "Reconnect" {
				reconnects++
			}
		}
		return false
	})
	soon := labels["Login valid until 18 Jul 2026 — reconnect before then"]
	if soon == nil || soon.Importance != widget.WarningImportance {
		t.Errorf("expiry within 7 days = %+v", soon)
	}
	later := labels["Login valid until 12 Jan 2027 — reconnect before then"]
	if later == nil || later.Importance == widget.WarningImportance {
		t.Errorf("expiry next year = %+v", later)
	}
	if reconnects != 1 {
		t.Errorf("%d Reconnect buttons, want 1 (the account expiring soon)", reconnects)
	}
}

func TestComposerVariantsPerNetwork(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	yt := data.Account{ID: 2, Network: "youtube", DisplayName: "Bakery TV", Handle: "@bakerytv", State: data.AccountConnected}
	pin := data.Account{ID: 3, Network: "pinterest", DisplayName: "Bakery", Handle: "bakery", State: data.AccountConnected}
	bob := data.Account{ID: 4, Network: "mastodon", Handle: "@bob@example.social", State: data.AccountConnected}
	fc.accounts = []data.Account{alice, yt, pin, bob}
	fc.accountLimits[2] = platforms.Limits{MaxChars: 5000}
	fc.accountLimits[3] = platforms.Limits{MaxChars: 500}
	fc.boards[3] = []platforms.Board{{ID: "b1", Name: "Cakes"}, {ID: "b2", Name: "Bread"}}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	check := func(id int64) *widget.Check {
		for _, ac := range c.checks {
			if ac.id == id {
				return ac.check
			}
		}
		t.Fatalf("no check for account %d", id)
		return nil
	}

	// Two Mastodon accounts: a section each, for a thread.
	test.Tap(check(1))
	test.Tap(check(4))
	u.b.wait()
	if !c.variantBox.Visible() || len(c.accordion.Items) != 2 || c.variants[1].thread == nil {
		t.Error("no thread sections for Mastodon accounts")
	}
	test.Tap(check(1))
	test.Tap(check(4))
	test.Tap(check(2))
	test.Tap(check(3))
	u.b.wait()
	if !c.variantBox.Visible() || len(c.accordion.Items) != 2 {
		t.Fatalf("variant sections: visible %v, %d items", c.variantBox.Visible(), len(c.accordion.Items))
	}
	if got := c.accordion.Items[0].Title; got != "Bakery TV (@bakerytv) — YouTube" {
		t.Errorf("first section = %q", got)
	}
	ytE, pinE := c.variants[2], c.variants[3]
	if ytE.title == nil || ytE.privacy == nil || ytE.tags == nil || ytE.board != nil {
		t.Error("YouTube section lacks title, privacy or tags")
	}
	if pinE.board == nil || pinE.title == nil || pinE.link == nil {
		t.Error("Pinterest section lacks board, title or link")
	}
	if ytE.text.PlaceHolder != "Same as above" {
		t.Errorf("placeholder = %q", ytE.text.PlaceHolder)
	}

	fillComposer(u, "Fresh bread today")
	if ytE.counter.Text != "17 / 5000" || pinE.counter.Text != "17 / 500" {
		t.Errorf("counters on the common text: %q, %q", ytE.counter.Text, pinE.counter.Text)
	}
	test.Type(ytE.text, "Watch us bake")
	if ytE.counter.Text != "13 / 5000" {
		t.Errorf("YouTube counter on its own text = %q", ytE.counter.Text)
	}
	if pinE.counter.Text != "17 / 500" {
		t.Errorf("Pinterest counter = %q", pinE.counter.Text)
	}
	ytE.title.SetText("How we bake")
	ytE.privacy.SetSelected("Unlisted")
	ytE.tags.SetText("bread, baking,  ")
	pinE.board.SetSelected("Bread")
	pinE.link.SetText("https://bakery.example/bread")
	if ytE.thumb == nil || pinE.thumb == nil {
		t.Fatal("no thumbnail / video cover field")
	}
	ytE.thumb.SetText("/data/media/thumb.jpg") // what Choose… fills in after copying

	test.Tap(c.scheduleBtn)
	u.b.wait()
	fc.mu.Lock()
	if len(fc.scheduled) != 1 {
		fc.mu.Unlock()
		t.Fatalf("Schedule called %d times", len(fc.scheduled))
	}
	d := fc.scheduled[0]
	fc.mu.Unlock()
	want := map[int64]app.Variant{
		2: {Text: "Watch us bake", Options: platforms.Options{Title: "How we bake", Privacy: "unlisted", Tags: []string{"bread", "baking"}, Thumbnail: "/data/media/thumb.jpg"}},
		3: {Options: platforms.Options{BoardID: "b2", Link: "https://bakery.example/bread"}},
	}
	if !reflect.DeepEqual(d.Variants, want) {
		t.Errorf("variants = %+v\nwant %+v", d.Variants, want)
	}

	// Editing the post brings the variants back.
	c.load(d)
	u.b.wait()
	ytE, pinE = c.variants[2], c.variants[3]
	if ytE == nil || pinE == nil || len(c.accordion.Items) != 2 {
		t.Fatal("variants not restored")
	}
	if ytE.text.Text != "Watch us bake" || ytE.title.Text != "How we bake" || ytE.privacy.Selected != "Unlisted" || ytE.tags.Text != "bread, baking" || ytE.thumb.Text != "/data/media/thumb.jpg" {
		t.Errorf("YouTube restored: text %q title %q privacy %q tags %q", ytE.text.Text, ytE.title.Text, ytE.privacy.Selected, ytE.tags.Text)
	}
	if pinE.board.Selected != "Bread" || pinE.link.Text != "https://bakery.example/bread" || pinE.text.Text != "" {
		t.Errorf("Pinterest restored: board %q link %q", pinE.board.Selected, pinE.link.Text)
	}
	if again, _ := c.snapshot(false, false); !reflect.DeepEqual(again.Variants, want) {
		t.Errorf("variants after load = %+v", again.Variants)
	}
}

func TestComposerXThreadAndTikTokPrivacy(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	x := data.Account{ID: 5, Network: "x", Handle: "@bakery", State: data.AccountConnected}
	tt := data.Account{ID: 6, Network: "tiktok", Handle: "@bakery.tt", State: data.AccountConnected}
	fc.accounts = []data.Account{x, tt}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	for _, ac := range c.checks {
		test.Tap(ac.check)
	}
	u.b.wait()
	xe, te := c.variants[5], c.variants[6]
	xe.thread.set([]string{"Second post", "Third post\nstill third", "  "})
	xe.firstComment.SetText("Order at bakery.example")
	te.privacy.SetSelected("Only me")
	fillComposer(u, "First post")
	d, ok := c.snapshot(true, true)
	if !ok {
		t.Fatal("snapshot refused")
	}
	want := map[int64]app.Variant{
		5: {Options: platforms.Options{Thread: []string{"Second post", "Third post\nstill third"}, FirstComment: "Order at bakery.example"}},
		6: {Options: platforms.Options{Privacy: "SELF_ONLY"}},
	}
	if !reflect.DeepEqual(d.Variants, want) {
		t.Errorf("variants = %+v", d.Variants)
	}
}

func TestComposerAcceptsVideo(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	if !strings.HasPrefix(c.addMedia.Text, "Add media…") {
		t.Errorf("button = %q", c.addMedia.Text)
	}
	c.addMediaFile("/tmp/clip.mp4")
	u.b.wait()
	if len(c.media) != 1 {
		t.Fatalf("%d media", len(c.media))
	}
	if _, isImage := c.media[0].preview.(*canvas.Image); isImage {
		t.Error("a video is shown as an image")
	}
	if !strings.Contains(c.media[0].alt.PlaceHolder, "video") {
		t.Errorf("alt placeholder = %q", c.media[0].alt.PlaceHolder)
	}
}
