package views

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/platforms"
)

// systemZone is the zone choice that follows the computer's setting.
const systemZone = "System"

// commonZones is the short list the zone picker offers; the current zone
// is added when it is not among them.
var commonZones = []string{
	systemZone, "UTC",
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Brussels", "Europe/Amsterdam",
	"Europe/Berlin", "Europe/Zurich", "Europe/Vienna", "Europe/Madrid", "Europe/Rome", "Europe/Stockholm",
	"Europe/Oslo", "Europe/Copenhagen", "Europe/Warsaw", "Europe/Prague", "Europe/Budapest", "Europe/Athens",
	"Europe/Helsinki", "Europe/Kyiv", "Europe/Istanbul", "Europe/Moscow",
	"Africa/Casablanca", "Africa/Lagos", "Africa/Cairo", "Africa/Nairobi", "Africa/Johannesburg",
	"Asia/Jerusalem", "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta",
	"Asia/Singapore", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Manila", "Asia/Seoul", "Asia/Tokyo",
	"Australia/Perth", "Australia/Adelaide", "Australia/Brisbane", "Australia/Sydney", "Pacific/Auckland",
	"Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Vancouver", "America/Phoenix",
	"America/Denver", "America/Chicago", "America/Mexico_City", "America/New_York", "America/Toronto",
	"America/Bogota", "America/Lima", "America/Halifax", "America/Santiago", "America/Sao_Paulo",
	"America/Argentina/Buenos_Aires", "America/St_Johns",
}

// graceChoices are the offered missed-post grace periods.
var graceChoices = []time.Duration{
	15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

func graceLabel(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		if d == 24*time.Hour {
			return "1 day"
		}
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	case d%time.Hour == 0:
		if d == time.Hour {
			return "1 hour"
		}
		return fmt.Sprintf("%d hours", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return d.String()
}

// settingsScreen shows where the data lives and the few choices there are.
type settingsScreen struct {
	core Core
	b    *bridge

	loading bool // set while load fills the selects, so no change is sent back
	dir     *widget.Label
	zone    *widget.Select
	grace   *widget.Select
	graces  map[string]time.Duration

	pubDir    *widget.Entry // the public media folder
	pubBase   *widget.Entry // the https address it is published at
	pubChoose *widget.Button
	pubSave   *widget.Button
	pubClear  *widget.Button
	pubStatus *widget.Label // the save's error, or that it is saved
	pubBusy   bool

	// closing the window: keep running in the tray (see Tray)
	trayCard     *widget.Card
	keepTray     *widget.Check
	trayNote     *widget.Label
	onKeepInTray func(on bool) // the setting was saved

	netList  *fyne.Container
	networks []app.NetworkInfo
	netRows  map[platforms.Network]*networkRow
	setup    *networkSetup // the open set-up dialog, if any

	onZoneChanged     func()
	onNetworksChanged func() // a network's developer app was saved

	data *dataSettings // retention, backups, moving the folder (yourdata.go)

	assist *assistSettings // the writing assistant's endpoint (assistant.go)
}

func newSettingsScreen(core Core, b *bridge) *settingsScreen {
	return &settingsScreen{core: core, b: b, data: newDataSettings(core, b), assist: newAssistSettings(core, b)}
}

func (s *settingsScreen) build() fyne.CanvasObject {
	heading := ext(&widget.Label{Text: "Settings", TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameHeadingText})
	s.dir = ext(&widget.Label{Truncation: fyne.TextTruncateEllipsis, Selectable: true})
	openBtn := ext(&widget.Button{Text: "Open folder", Icon: theme.FolderOpenIcon(), OnTapped: s.onOpenFolder})
	s.zone = ext(&widget.Select{Options: append([]string(nil), commonZones...), OnChanged: s.onZone})
	s.grace = ext(&widget.Select{OnChanged: s.onGrace})

	folder := widget.NewCard("Data folder", "", container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(s.data.moveButton(), openBtn), s.dir),
		ext(&widget.Label{Text: "Everything stays in this folder; tokens are in your system keyring.", Wrapping: fyne.TextWrapWord}),
	))
	zone := widget.NewCard("Time zone", "Posts are planned and shown in this zone.",
		container.NewHBox(container.NewGridWrap(fyne.NewSize(320, s.zone.MinSize().Height), s.zone)))
	missed := widget.NewCard("Missed posts", "", container.NewVBox(
		container.NewHBox(widget.NewLabel("Publish posts that were due while Localpost was closed if less than"), s.grace, widget.NewLabel("late.")),
		ext(&widget.Label{Text: "Later ones wait in the calendar for you to decide."}),
	))
	public := s.buildPublicMedia()
	tray := s.buildTray()
	s.netList = container.NewVBox()
	networks := widget.NewCard("Networks", "", container.NewVBox(
		ext(&widget.Label{Text: "Localpost signs in to each network through a developer app of your own, so your posts and logins " +
			"never pass through anyone else's server. Mastodon needs none.", Wrapping: fyne.TextWrapWord}),
		s.netList))
	s.load()
	s.loadPublicMedia()
	cards := append([]fyne.CanvasObject{folder}, s.data.cards()...)
	cards = append(cards, zone, missed, tray, public, s.assist.build(), networks)
	return container.NewBorder(heading, nil, nil, nil, container.NewVScroll(container.NewVBox(cards...)))
}

// load shows the core's current settings.
func (s *settingsScreen) load() {
	s.loading = true
	defer func() { s.loading = false }()
	s.dir.SetText(s.core.DataDir())

	name := s.core.Location().String()
	if name == "Local" || name == "" {
		name = systemZone
	}
	if !contains(s.zone.Options, name) {
		s.zone.Options = append(s.zone.Options, name)
	}
	s.zone.SetSelected(name)

	cur := s.core.MissedGrace()
	s.graces = map[string]time.Duration{}
	var opts []string
	for _, d := range graceChoices {
		opts = append(opts, graceLabel(d))
		s.graces[graceLabel(d)] = d
	}
	if _, ok := s.graces[graceLabel(cur)]; !ok && cur > 0 {
		opts = append(opts, graceLabel(cur))
		s.graces[graceLabel(cur)] = cur
	}
	s.grace.SetOptions(opts)
	s.grace.SetSelected(graceLabel(cur))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *settingsScreen) onOpenFolder() {
	dir := s.core.DataDir()
	if dir == "" {
		return
	}
	s.b.open(storage.NewFileURI(dir).String())
}

func (s *settingsScreen) onZone(name string) {
	if s.loading {
		return
	}
	if name == systemZone {
		name = ""
	}
	s.b.run(func() func() {
		err := s.core.SetZone(name)
		return func() {
			if err != nil {
				s.b.errorDialog(err)
				s.load()
				return
			}
			if s.onZoneChanged != nil {
				s.onZoneChanged()
			}
		}
	})
}

func (s *settingsScreen) onGrace(label string) {
	if s.loading {
		return
	}
	d, ok := s.graces[label]
	if !ok {
		return
	}
	s.b.run(func() func() {
		err := s.core.SetMissedGrace(d)
		return func() {
			if err != nil {
				s.b.errorDialog(err)
				s.load()
			}
		}
	})
}

// buildTray is the "Closing the window" card. It stays hidden until
// setTray says whether there is a tray.
func (s *settingsScreen) buildTray() fyne.CanvasObject {
	s.keepTray = ext(&widget.Check{Text: "Keep publishing in the tray when the window is closed", OnChanged: s.onKeepTray})
	s.trayNote = ext(&widget.Label{Wrapping: fyne.TextWrapWord})
	s.trayCard = widget.NewCard("Closing the window", "", container.NewVBox(s.keepTray, s.trayNote))
	s.trayCard.Hide()
	return s.trayCard
}

// setTray shows the tray setting, or why there is none; onChanged hears
// of each saved change.
func (s *settingsScreen) setTray(avail TrayAvailability, onChanged func(on bool)) {
	s.onKeepInTray = onChanged
	s.loading = true
	defer func() { s.loading = false }()
	if avail.OK {
		s.keepTray.SetChecked(s.core.KeepInTray())
		s.keepTray.Enable()
		s.trayNote.SetText("Localpost stays in the system tray and publishes your posts on time; " +
			"choose Quit in its tray menu to stop it. Turned off, closing the window quits Localpost.")
	} else {
		s.keepTray.SetChecked(false)
		s.keepTray.Disable()
		s.trayNote.SetText("Not available: " + avail.Why + ". Closing the window quits Localpost. " +
			"Posts due while it is closed are published when it starts again (see Missed posts), " +
			"or by localpost publish-due run from your system's scheduler.")
	}
	s.trayCard.Show()
}

func (s *settingsScreen) onKeepTray(on bool) {
	if s.loading {
		return
	}
	s.b.run(func() func() {
		err := s.core.SetKeepInTray(on)
		return func() {
			if err != nil {
				s.b.errorDialog(err)
				s.loading = true
				s.keepTray.SetChecked(!on)
				s.loading = false
				return
			}
			if s.onKeepInTray != nil {
				s.onKeepInTray(on)
			}
		}
	})
}

// buildPublicMedia is the "Public media location" card: the folder the
// user's web server publishes and its https address.
func (s *settingsScreen) buildPublicMedia() fyne.CanvasObject {
	s.pubDir = ext(&widget.Entry{PlaceHolder: "/var/www/media"})
	s.pubBase = ext(&widget.Entry{PlaceHolder: "https://example.com/media"})
	s.pubBase.OnSubmitted = func(string) { s.onPublicSave() }
	s.pubChoose = ext(&widget.Button{Text: "Choose…", Icon: theme.FolderOpenIcon(), OnTapped: s.onPublicChoose})
	s.pubSave = ext(&widget.Button{Text: "Save", Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: s.onPublicSave})
	s.pubClear = ext(&widget.Button{Text: "Clear", Icon: theme.ContentClearIcon(), OnTapped: s.onPublicClear})
	s.pubStatus = ext(&widget.Label{Wrapping: fyne.TextWrapWord})
	s.pubStatus.Hide()
	bold := func(text string) *widget.Label {
		return ext(&widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}})
	}
	return widget.NewCard("Public media location", "", container.NewVBox(
		ext(&widget.Label{Wrapping: fyne.TextWrapWord, Text: "Instagram and TikTok photos fetch images from a web address. " +
			"Choose a folder your own web server publishes, and the https address it is published at; " +
			"Localpost copies only the images of those posts there."}),
		container.New(layout.NewFormLayout(),
			bold("Folder"), container.NewBorder(nil, nil, nil, s.pubChoose, s.pubDir),
			bold("Web address"), s.pubBase),
		container.NewHBox(layout.NewSpacer(), s.pubClear, s.pubSave),
		s.pubStatus,
	))
}

// loadPublicMedia shows the core's public media location. It runs when
// the screen is built and after a save, not on every refresh, so a
// refresh does not wipe what the user is typing.
func (s *settingsScreen) loadPublicMedia() {
	dir, base := s.core.PublicMedia()
	s.pubDir.SetText(dir)
	s.pubBase.SetText(base)
	s.pubClear.Disable()
	if dir != "" || base != "" {
		s.pubClear.Enable()
	}
}

func (s *settingsScreen) onPublicChoose() {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			s.b.errorDialog(err)
			return
		}
		if dir != nil {
			s.pubDir.SetText(dir.Path())
		}
	}, s.b.win)
	if cur := strings.TrimSpace(s.pubDir.Text); cur != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(cur)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Resize(fyne.NewSize(720, 520))
	d.Show()
}

func (s *settingsScreen) onPublicSave() {
	dir, base := strings.TrimSpace(s.pubDir.Text), strings.TrimSpace(s.pubBase.Text)
	if dir == "" && base == "" {
		s.onPublicClear()
		return
	}
	s.setPublicMedia(dir, base, "Saved. Images for Instagram and TikTok photos are copied to this folder when they publish.")
}

func (s *settingsScreen) onPublicClear() {
	s.setPublicMedia("", "", "Cleared. Instagram and TikTok photos cannot publish images until a location is set.")
}

// setPublicMedia sends a location to the core and shows its answer.
func (s *settingsScreen) setPublicMedia(dir, base, done string) {
	if s.pubBusy {
		return
	}
	s.pubBusy = true
	s.pubSave.Disable()
	s.pubStatus.Hide()
	s.b.run(func() func() {
		err := s.core.SetPublicMedia(dir, base)
		return func() {
			s.pubBusy = false
			s.pubSave.Enable()
			if err != nil {
				s.pubStatus.Text, s.pubStatus.Importance = "Could not save: "+err.Error(), widget.DangerImportance
			} else {
				s.loadPublicMedia()
				s.pubStatus.Text, s.pubStatus.Importance = done, widget.SuccessImportance
			}
			s.pubStatus.Show()
			s.pubStatus.Refresh()
		}
	})
}
