package views

import (
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// otherZone is the zone menu's last choice: a searchable list of zones.
const otherZone = "Other…"

// zonePicker is the calendar's "Time zone" menu: the user's zone, the
// zones of their accounts, UTC, and any other IANA zone. It changes the
// zone one view shows times in, never the app's setting.
type zonePicker struct {
	sel     *widget.Select
	user    *time.Location   // the user's zone
	extra   []*time.Location // the accounts' zones and zones picked by "Other…"
	current *time.Location   // nil: follow the user's zone
	win     fyne.Window

	onPick func(loc *time.Location) // nil: back to the user's zone
}

func newZonePicker(win fyne.Window, user *time.Location) *zonePicker {
	z := &zonePicker{user: user, win: win}
	z.sel = ext(&widget.Select{OnChanged: z.onChanged})
	z.refill()
	return z
}

// yours is the first choice's text.
func (z *zonePicker) yours() string { return zoneName(z.user) + " (yours)" }

// refill rebuilds the choices and selects the current zone, quietly.
func (z *zonePicker) refill() {
	opts := []string{z.yours()}
	seen := map[string]bool{zoneName(z.user): true}
	add := func(loc *time.Location) {
		if n := zoneName(loc); !seen[n] {
			seen[n] = true
			opts = append(opts, n)
		}
	}
	for _, l := range z.extra {
		add(l)
	}
	add(time.UTC)
	opts = append(opts, otherZone)
	selected := z.yours()
	if z.current != nil {
		selected = zoneName(z.current)
		if selected == zoneName(z.user) {
			selected = z.yours()
		}
	}
	f := z.sel.OnChanged
	z.sel.OnChanged = nil
	z.sel.Options = opts
	z.sel.SetSelected(selected)
	z.sel.OnChanged = f
}

// setUser follows a change of the user's zone.
func (z *zonePicker) setUser(user *time.Location) {
	z.user = user
	z.refill()
}

// setAccountZones offers the accounts' zones, keeping zones picked earlier.
func (z *zonePicker) setAccountZones(locs []*time.Location) {
	for _, l := range locs {
		if l != nil && l.String() != z.user.String() && !slices.ContainsFunc(z.extra, func(e *time.Location) bool { return e.String() == l.String() }) {
			z.extra = append(z.extra, l)
		}
	}
	slices.SortFunc(z.extra, func(a, b *time.Location) int { return strings.Compare(a.String(), b.String()) })
	z.refill()
}

func (z *zonePicker) onChanged(choice string) {
	switch choice {
	case otherZone:
		z.refill() // the menu keeps showing the zone in use until one is picked
		z.askOther()
		return
	case z.yours():
		z.pick(nil)
		return
	}
	if choice == "UTC" {
		z.pick(time.UTC)
		return
	}
	for _, l := range z.extra {
		if zoneName(l) == choice {
			z.pick(l)
			return
		}
	}
}

// pick shows the calendar in loc (nil: the user's zone).
func (z *zonePicker) pick(loc *time.Location) {
	if loc != nil && loc.String() == z.user.String() {
		loc = nil
	}
	z.current = loc
	if loc != nil && loc != time.UTC && !slices.ContainsFunc(z.extra, func(e *time.Location) bool { return e.String() == loc.String() }) {
		z.extra = append(z.extra, loc)
	}
	z.refill()
	if z.onPick != nil {
		z.onPick(loc)
	}
}

// matchZones lists the known zones whose name holds q (any case; spaces
// match underscores), and q itself first when it is a zone Go knows but
// the list does not.
func matchZones(q string) []string {
	q = strings.TrimSpace(q)
	needle := strings.ToLower(strings.ReplaceAll(q, " ", "_"))
	var out []string
	if q != "" && !slices.Contains(ianaZones, q) {
		if _, err := time.LoadLocation(q); err == nil && q != "Local" {
			out = append(out, q)
		}
	}
	for _, n := range ianaZones {
		if strings.Contains(strings.ToLower(n), needle) {
			out = append(out, n)
		}
	}
	return out
}

// askOther lets the user search the IANA zones and pick one.
func (z *zonePicker) askOther() {
	matches := matchZones("")
	var d dialog.Dialog
	list := widget.NewList(func() int { return len(matches) },
		func() fyne.CanvasObject { return widget.NewLabel("America/Argentina/Buenos_Aires") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(matches[i]) })
	search := ext(&widget.Entry{PlaceHolder: "Search zones, e.g. Tokyo or America/"})
	search.OnChanged = func(q string) {
		matches = matchZones(q)
		list.UnselectAll()
		list.Refresh()
	}
	list.OnSelected = func(i widget.ListItemID) {
		loc, err := time.LoadLocation(matches[i])
		if err != nil {
			dialog.ShowError(err, z.win)
			return
		}
		d.Hide()
		z.pick(loc)
	}
	d = dialog.NewCustom("Show the calendar in another time zone", "Cancel",
		container.NewBorder(search, nil, nil, nil, list), z.win)
	d.Resize(fyne.NewSize(420, 440))
	d.Show()
	z.win.Canvas().Focus(search)
}

// ianaZones are the zones "Other…" lists: one or more per inhabited
// region. Any other IANA name typed in the search is offered too.
var ianaZones = []string{
	"Africa/Abidjan", "Africa/Accra", "Africa/Addis_Ababa", "Africa/Algiers", "Africa/Cairo", "Africa/Casablanca",
	"Africa/Dar_es_Salaam", "Africa/Johannesburg", "Africa/Khartoum", "Africa/Kinshasa", "Africa/Lagos", "Africa/Luanda",
	"Africa/Nairobi", "Africa/Tripoli", "Africa/Tunis",
	"America/Anchorage", "America/Argentina/Buenos_Aires", "America/Bogota", "America/Caracas", "America/Chicago",
	"America/Denver", "America/Edmonton", "America/Guatemala", "America/Halifax", "America/Havana", "America/Lima",
	"America/Los_Angeles", "America/Mexico_City", "America/Montevideo", "America/New_York", "America/Panama",
	"America/Phoenix", "America/Puerto_Rico", "America/Santiago", "America/Sao_Paulo", "America/St_Johns",
	"America/Toronto", "America/Vancouver", "America/Winnipeg",
	"Asia/Almaty", "Asia/Baghdad", "Asia/Bangkok", "Asia/Dhaka", "Asia/Dubai", "Asia/Ho_Chi_Minh", "Asia/Hong_Kong",
	"Asia/Jakarta", "Asia/Jerusalem", "Asia/Kabul", "Asia/Karachi", "Asia/Kathmandu", "Asia/Kolkata", "Asia/Kuala_Lumpur",
	"Asia/Manila", "Asia/Riyadh", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Taipei", "Asia/Tashkent",
	"Asia/Tehran", "Asia/Tokyo", "Asia/Yangon", "Asia/Yekaterinburg",
	"Atlantic/Azores", "Atlantic/Canary", "Atlantic/Reykjavik",
	"Australia/Adelaide", "Australia/Brisbane", "Australia/Darwin", "Australia/Melbourne", "Australia/Perth",
	"Australia/Sydney",
	"Europe/Amsterdam", "Europe/Athens", "Europe/Belgrade", "Europe/Berlin", "Europe/Brussels", "Europe/Bucharest",
	"Europe/Budapest", "Europe/Copenhagen", "Europe/Dublin", "Europe/Helsinki", "Europe/Istanbul", "Europe/Kyiv",
	"Europe/Lisbon", "Europe/London", "Europe/Madrid", "Europe/Moscow", "Europe/Oslo", "Europe/Paris", "Europe/Prague",
	"Europe/Rome", "Europe/Stockholm", "Europe/Vienna", "Europe/Warsaw", "Europe/Zurich",
	"Pacific/Auckland", "Pacific/Chatham", "Pacific/Fiji", "Pacific/Guam", "Pacific/Honolulu", "Pacific/Kiritimati",
	"Pacific/Tongatapu",
	"UTC",
}
