package views

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
	"localpost/platforms"
	"localpost/views/charts"
)

// analyticsCore is what the analytics window needs from the core: the
// numbers already stored, and a sync that reads new ones.
type analyticsCore interface {
	Dashboard(ctx context.Context, f app.AnalyticsFilter) (app.Dashboard, error)
	BestTimes(ctx context.Context, f app.AnalyticsFilter) (app.BestTimes, error)
	MetricHistory(ctx context.Context, targetID int64) ([]data.MetricPoint, error)
	SyncMetrics(ctx context.Context, progress func(app.SyncProgress)) (app.SyncReport, error)
	AddSuggestedSlot(ctx context.Context, accountIDs []int64, s app.SlotSuggestion) error
}

// The period picker's choices.
const (
	period7      = "Last 7 days"
	period30     = "Last 30 days"
	period90     = "Last 90 days"
	period12m    = "Last 12 months"
	periodCustom = "Custom…"
)

var periodChoices = []string{period7, period30, period90, period12m, periodCustom}

// periodRange is [from, to) of a period choice ending with today (in
// loc's calendar days, so a week is seven local days whatever the DST).
func periodRange(choice string, now time.Time, loc *time.Location) (from, to time.Time) {
	n := now.In(loc)
	to = time.Date(n.Year(), n.Month(), n.Day()+1, 0, 0, 0, 0, loc)
	switch choice {
	case period7:
		return to.AddDate(0, 0, -7), to
	case period90:
		return to.AddDate(0, 0, -90), to
	case period12m:
		return to.AddDate(-1, 0, 0), to
	}
	return to.AddDate(0, 0, -30), to
}

// seenColor is the "seen by" line beside engagement in the theme's
// primary colour: a mid blue that reads on light and dark backgrounds.
var seenColor = color.NRGBA{R: 0xe0, G: 0x7b, B: 0x1a, A: 0xff}

// topColumn is one column of the top posts table; key is what
// app.SortTopPosts sorts it by ("" = not sortable).
type topColumn struct {
	title, key string
	width      float32
}

var topColumns = []topColumn{
	{"Published", "published", 150},
	{"Account", "", 140},
	{"Post", "", 230},
	{"Engagement", platforms.MetricEngagement, 110},
	{"Seen by", platforms.MetricSeen, 85},
	{"Rate", "rate", 75},
	{"Likes", platforms.MetricLikes, 70},
	{"Comments", platforms.MetricComments, 95},
	{"Shares", platforms.MetricShares, 75},
	{"Saves", platforms.MetricSaves, 65},
	{"Clicks", platforms.MetricClicks, 65},
}

// analyticsScreen is the analytics tab: how posts did over a period,
// the best time to post, and a table of every post to sort and export.
type analyticsScreen struct {
	core Core
	b    *bridge
	now  func() time.Time

	// top bar
	period           *widget.Select
	fromDate, toDate *widget.Entry
	customBox        *fyne.Container
	account, network *widget.Select
	refreshBtn       *widget.Button
	cancelBtn        *widget.Button
	progress         *widget.ProgressBar
	progressLabel    *widget.Label
	syncBox          *fyne.Container
	status           *widget.Label
	accounts         []data.Account // in the account Select's order, after allAccounts
	networks         []string       // in the network Select's order, after allNetworks
	quiet            bool           // set while the screen changes its own widgets
	syncCancel       context.CancelFunc
	statusTimer      *time.Timer
	gen              int  // reloads started; a result from an older one is dropped
	dateProblem      bool // the status says what is wrong with the custom dates

	// the page
	noAccounts, noNumbers  *fyne.Container
	content                *fyne.Container
	stale                  *widget.Label
	staleBox               *fyne.Container
	totals                 *fyne.Container
	daily, seen, followers *charts.LineChart
	byNetwork              *charts.BarChart
	heat                   *charts.Heatmap
	heatNote               *widget.Label
	suggestions            *fyne.Container
	table                  *widget.Table
	detail                 *fyne.Container
	detailTitle            *widget.Label
	detailInfo             *widget.Label
	history                *charts.LineChart
	openBtn, networkBtn    *widget.Button
	exportBtn              *widget.Button
	scroll                 *container.Scroll
	obj                    fyne.CanvasObject

	dash     app.Dashboard
	best     app.BestTimes
	rows     []app.TopPost // the table's rows in their shown order
	sortKey  string
	sortDesc bool
	selected int // row shown in the detail, -1: none
	history0 int64

	onAccounts func()
	onOpen     func(postID int64)
	// pickSave asks where to save a file named name (one of exts) and
	// calls then with its path on the Fyne thread; tests replace it.
	pickSave func(name string, exts []string, then func(path string))
}

func newAnalyticsScreen(core Core, b *bridge, now func() time.Time) *analyticsScreen {
	s := &analyticsScreen{core: core, b: b, now: now, sortKey: platforms.MetricEngagement, sortDesc: true, selected: -1}
	s.pickSave = s.saveDialog
	return s
}

func (s *analyticsScreen) build() fyne.CanvasObject {
	s.period = ext(&widget.Select{Options: periodChoices, Selected: period30, OnChanged: s.onPeriod})
	s.fromDate = ext(&widget.Entry{PlaceHolder: "YYYY-MM-DD", OnChanged: func(string) { s.onCustomDates() }})
	s.toDate = ext(&widget.Entry{PlaceHolder: "YYYY-MM-DD", OnChanged: func(string) { s.onCustomDates() }})
	h := s.fromDate.MinSize().Height
	s.customBox = container.NewHBox(
		container.New(layout.NewGridWrapLayout(fyne.NewSize(120, h)), s.fromDate),
		ext(&widget.Label{Text: "to"}),
		container.New(layout.NewGridWrapLayout(fyne.NewSize(120, h)), s.toDate))
	s.customBox.Hide()
	changed := func(string) {
		if !s.quiet {
			s.reload()
		}
	}
	s.account = ext(&widget.Select{Options: []string{allAccounts}, Selected: allAccounts, OnChanged: changed})
	s.network = ext(&widget.Select{Options: []string{allNetworks}, Selected: allNetworks, OnChanged: changed})
	s.refreshBtn = ext(&widget.Button{Text: "Refresh", Icon: theme.ViewRefreshIcon(), OnTapped: s.onRefresh})
	s.cancelBtn = ext(&widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: s.onCancelSync})
	s.progress = ext(&widget.ProgressBar{})
	s.progressLabel = ext(&widget.Label{Truncation: fyne.TextTruncateEllipsis})
	s.syncBox = container.NewBorder(nil, nil, nil, s.cancelBtn,
		container.NewVBox(s.progress, s.progressLabel))
	s.syncBox.Hide()
	s.status = ext(&widget.Label{Wrapping: fyne.TextWrapWord})
	s.status.Hide()
	top := container.NewVBox(
		container.NewHBox(
			container.New(layout.NewGridWrapLayout(fyne.NewSize(150, h)), s.period), s.customBox,
			container.New(layout.NewGridWrapLayout(fyne.NewSize(170, h)), s.account),
			container.New(layout.NewGridWrapLayout(fyne.NewSize(140, h)), s.network),
			layout.NewSpacer(), s.refreshBtn),
		s.syncBox, s.status)

	s.noAccounts = container.NewVBox(
		ext(&widget.Label{Text: "Connect an account to see how your posts do", Alignment: fyne.TextAlignCenter}),
		container.NewCenter(ext(&widget.Button{Text: "Go to Accounts", Icon: theme.AccountIcon(), Importance: widget.HighImportance,
			OnTapped: func() {
				if s.onAccounts != nil {
					s.onAccounts()
				}
			}})))
	s.noAccounts.Hide()
	s.noNumbers = container.NewVBox(ext(&widget.Label{Text: "No numbers yet: Refresh reads them from your networks",
		Alignment: fyne.TextAlignCenter}))
	s.noNumbers.Hide()

	// one line per note, cut rather than wrapped: a wrapping label in a
	// scroll reports one line's height and overlaps what follows
	s.stale = ext(&widget.Label{Truncation: fyne.TextTruncateEllipsis, SizeName: theme.SizeNameCaptionText})
	s.staleBox = container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.InfoIcon())), nil, s.stale)
	s.staleBox.Hide()
	s.totals = container.New(layout.NewGridWrapLayout(fyne.NewSize(150, 92)))

	s.daily = charts.NewLineChart(nil)
	s.daily.Title = "Engagement per day"
	// Seen by is tens of times engagement: a chart of its own keeps
	// engagement from lying flat along the bottom.
	s.seen = charts.NewLineChart(nil)
	s.seen.Title = "Seen by, per day (reach, impressions or views)"
	s.byNetwork = charts.NewBarChart(nil)
	s.byNetwork.Title = "Engagement per network"
	s.followers = charts.NewLineChart(nil)
	s.followers.Title = "Followers"
	s.followers.EmptyText = "No follower counts for this period"
	s.followers.Floating = true
	s.heat = charts.NewHeatmap()
	s.heat.Title = "Best time to post: median engagement rate"
	s.heat.UntrustedText = fmt.Sprintf("pale cells: fewer than %d posts", app.MinHeatPosts)
	s.heat.TooltipText = heatTooltip
	s.heat.OnTapped = s.onHeatCell
	s.heatNote = ext(&widget.Label{Truncation: fyne.TextTruncateEllipsis, SizeName: theme.SizeNameCaptionText})
	s.suggestions = container.NewVBox()

	s.buildTable()
	s.detailTitle = ext(&widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis})
	s.detailInfo = ext(&widget.Label{Truncation: fyne.TextTruncateEllipsis})
	s.history = charts.NewLineChart(nil)
	s.history.Title = "This post over time"
	s.openBtn = ext(&widget.Button{Text: "Open in composer", Icon: theme.DocumentCreateIcon(), OnTapped: s.onOpenInComposer})
	s.networkBtn = ext(&widget.Button{Text: "Open on the network", Icon: theme.ComputerIcon(), OnTapped: s.onOpenOnNetwork})
	s.detail = container.NewVBox(s.detailTitle, s.detailInfo, s.history, container.NewHBox(s.openBtn, s.networkBtn))
	s.detail.Hide()
	s.exportBtn = ext(&widget.Button{Text: "Export CSV…", Icon: theme.DocumentSaveIcon(), OnTapped: s.onExportCSV})

	tableBox := container.NewStack(minBox(0, 330), s.table)
	s.content = container.NewVBox(
		s.staleBox,
		s.totals,
		container.NewGridWithColumns(2, s.chartBox(s.daily, "engagement-per-day"), s.chartBox(s.seen, "seen-by-per-day")),
		container.NewGridWithColumns(2, s.chartBox(s.byNetwork, "engagement-per-network"), s.chartBox(s.followers, "followers")),
		container.NewBorder(nil, nil, nil, container.NewVBox(ext(&widget.Label{Text: "Suggested posting times", TextStyle: fyne.TextStyle{Bold: true}}), s.suggestions),
			container.NewVBox(s.chartBox(s.heat, "best-time-to-post"), s.heatNote)),
		widget.NewSeparator(),
		container.NewBorder(nil, nil, ext(&widget.Label{Text: "Top posts", TextStyle: fyne.TextStyle{Bold: true}}), s.exportBtn),
		tableBox,
		s.detail,
	)
	page := container.NewVBox(s.noAccounts, s.noNumbers, s.content)
	s.scroll = container.NewVScroll(container.NewPadded(page))
	s.obj = container.NewBorder(container.NewPadded(top), nil, nil, nil, s.scroll)
	return s.obj
}

// minBox is an empty object that keeps a stack at least w × h.
func minBox(w, h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(w, h))
	return r
}

// chartBox puts a chart under a "Save as PNG…" button.
func (s *analyticsScreen) chartBox(chart fyne.CanvasObject, name string) fyne.CanvasObject {
	save := ext(&widget.Button{Text: "Save as PNG…", Icon: theme.DownloadIcon(), Importance: widget.LowImportance,
		OnTapped: func() { s.onSaveChart(chart, name) }})
	return container.NewBorder(container.NewHBox(layout.NewSpacer(), save), nil, nil, nil, chart)
}

func (s *analyticsScreen) buildTable() {
	s.table = &widget.Table{
		Length: func() (int, int) { return len(s.rows), len(topColumns) },
		CreateCell: func() fyne.CanvasObject {
			return ext(&widget.Label{Truncation: fyne.TextTruncateEllipsis})
		},
		UpdateCell: func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id.Row < len(s.rows) {
				l.Text = s.cell(s.rows[id.Row], id.Col)
			}
			l.Alignment = fyne.TextAlignLeading
			if id.Col >= 3 {
				l.Alignment = fyne.TextAlignTrailing
			}
			l.Refresh()
		},
		ShowHeaderRow: true,
		CreateHeader: func() fyne.CanvasObject {
			return ext(&widget.Button{Importance: widget.LowImportance})
		},
		UpdateHeader: func(id widget.TableCellID, o fyne.CanvasObject) {
			b := o.(*widget.Button)
			if id.Col < 0 || id.Col >= len(topColumns) {
				b.SetText("")
				return
			}
			c := topColumns[id.Col]
			b.Text = s.headerText(id.Col)
			b.OnTapped = nil
			if c.key != "" {
				col := id.Col
				b.OnTapped = func() { s.onSortColumn(col) }
			}
			b.Refresh()
		},
		OnSelected: func(id widget.TableCellID) { s.onSelectRow(id.Row) },
	}
	s.table.ExtendBaseWidget(s.table)
	for i, c := range topColumns {
		s.table.SetColumnWidth(i, c.width)
	}
}

// headerText is a column's title, with an arrow on the sorted one.
func (s *analyticsScreen) headerText(col int) string {
	c := topColumns[col]
	if c.key != "" && c.key == s.sortKey {
		if s.sortDesc {
			return c.title + " ▼"
		}
		return c.title + " ▲"
	}
	return c.title
}

// cell is what the table shows for p in column col.
func (s *analyticsScreen) cell(p app.TopPost, col int) string {
	c := topColumns[col]
	switch c.key {
	case "published":
		return p.PublishedAt.In(s.core.Location()).Format("2 Jan 2006 15:04")
	case "rate":
		if !p.RateOK {
			return "–"
		}
		return formatRate(p.Rate)
	case "":
		if c.title == "Account" {
			return p.Account + " · " + networkName(string(p.Network))
		}
		return strings.Join(strings.Fields(p.Snippet), " ")
	}
	v, ok := p.Values[c.key]
	if !ok {
		return "–"
	}
	return formatCount(v)
}

// formatRate is an engagement rate as a percentage: "4.2 %".
func formatRate(r float64) string {
	return strconv.FormatFloat(math.Round(r*1000)/10, 'f', -1, 64) + " %"
}

// formatCount is a whole number with thousands separated ("12,345"),
// larger ones compact ("1.2M").
func formatCount(v float64) string {
	if math.Abs(v) >= 1e6 || v != math.Trunc(v) {
		return charts.Compact(v)
	}
	s := strconv.FormatInt(int64(math.Abs(v)), 10)
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// heatTooltip says what a heatmap cell holds, in words.
func heatTooltip(day, hour int, c charts.HeatCell) string {
	when := fmt.Sprintf("%s %02d:00", charts.Weekdays[day], hour)
	if c.N == 0 {
		return when + ": no posts"
	}
	s := fmt.Sprintf("%s: median rate %s over %s", when, formatRate(c.Value), plural(c.N, "1 post", "%d posts"))
	if !c.Trusted {
		s += " (too few to go by)"
	}
	return s
}

// filter is what the top bar asks for now; ok is false while the custom
// dates do not make a range.
func (s *analyticsScreen) filter() (app.AnalyticsFilter, bool) {
	var f app.AnalyticsFilter
	loc := s.core.Location()
	if s.period.Selected == periodCustom {
		from, to, err := dateRange(s.fromDate.Text, s.toDate.Text, loc)
		if err != nil {
			return f, false
		}
		f.From, f.To = from, to
	} else {
		f.From, f.To = periodRange(s.period.Selected, s.now(), loc)
	}
	if i := s.account.SelectedIndex(); i > 0 && i-1 < len(s.accounts) {
		f.AccountIDs = []int64{s.accounts[i-1].ID}
	}
	if i := s.network.SelectedIndex(); i > 0 && i-1 < len(s.networks) {
		f.Networks = []platforms.Network{platforms.Network(s.networks[i-1])}
	}
	return f, true
}

// onPeriod shows the custom dates (filled with the period shown so far)
// or reloads.
func (s *analyticsScreen) onPeriod(choice string) {
	if s.quiet {
		return
	}
	if choice != periodCustom {
		s.customBox.Hide()
		s.reload()
		return
	}
	from, to := s.dash.Filter.From, s.dash.Filter.To
	if from.IsZero() {
		from, to = periodRange(period30, s.now(), s.core.Location())
	}
	s.quiet = true
	s.fromDate.SetText(from.In(s.core.Location()).Format(time.DateOnly))
	s.toDate.SetText(to.In(s.core.Location()).AddDate(0, 0, -1).Format(time.DateOnly))
	s.quiet = false
	s.customBox.Show()
	s.reload()
}

// onCustomDates reloads once both dates make a range, and says what is
// wrong otherwise.
func (s *analyticsScreen) onCustomDates() {
	if s.quiet {
		return
	}
	if _, _, err := dateRange(s.fromDate.Text, s.toDate.Text, s.core.Location()); err != nil {
		s.setStatus(err.Error()+".", widget.WarningImportance)
		s.dateProblem = true
		return
	}
	s.reload()
}

func (s *analyticsScreen) setStatus(msg string, imp widget.Importance) {
	if s.statusTimer != nil {
		s.statusTimer.Stop()
		s.statusTimer = nil
	}
	s.status.Text, s.status.Importance = msg, imp
	s.status.Hidden = msg == ""
	s.status.Refresh()
}

// reload reads the accounts, the dashboard and the heatmap for the top
// bar's choices off the UI thread. Call it on the Fyne thread.
func (s *analyticsScreen) reload() {
	if s.obj == nil {
		return
	}
	f, ok := s.filter()
	if !ok {
		return
	}
	if s.dateProblem {
		s.dateProblem = false
		s.setStatus("", widget.MediumImportance)
	}
	s.gen++
	gen := s.gen
	s.b.run(func() func() {
		ctx, cancel := s.b.ctx()
		defer cancel()
		accs, err := s.core.Accounts(ctx)
		var d app.Dashboard
		var bt app.BestTimes
		if err == nil && len(accs) > 0 {
			d, err = s.core.Dashboard(ctx, f)
		}
		if err == nil && len(accs) > 0 {
			bt, err = s.core.BestTimes(ctx, f)
		}
		return func() {
			if gen != s.gen {
				return
			}
			if err != nil {
				s.setStatus("Could not read the numbers: "+err.Error()+". Try Refresh, or another period.", widget.DangerImportance)
				return
			}
			s.setAccounts(accs)
			s.show(accs, d, bt)
		}
	})
}

// setAccounts offers the accounts and their networks, keeping the choices
// still there.
func (s *analyticsScreen) setAccounts(accs []data.Account) {
	var wasAcc int64
	wasNet := ""
	if i := s.account.SelectedIndex(); i > 0 && i-1 < len(s.accounts) {
		wasAcc = s.accounts[i-1].ID
	}
	if i := s.network.SelectedIndex(); i > 0 && i-1 < len(s.networks) {
		wasNet = s.networks[i-1]
	}
	s.accounts, s.networks = accs, nil
	opts := []string{allAccounts}
	for _, a := range accs {
		opts = append(opts, filterAccountLabel(a))
		if !slices.Contains(s.networks, a.Network) {
			s.networks = append(s.networks, a.Network)
		}
	}
	slices.Sort(s.networks)
	nets := []string{allNetworks}
	for _, n := range s.networks {
		nets = append(nets, networkName(n))
	}
	s.quiet = true
	defer func() { s.quiet = false }()
	s.account.SetOptions(opts)
	s.account.SetSelectedIndex(0)
	for i, a := range accs {
		if a.ID == wasAcc {
			s.account.SetSelectedIndex(i + 1)
		}
	}
	s.network.SetOptions(nets)
	s.network.SetSelectedIndex(0)
	for i, n := range s.networks {
		if n == wasNet {
			s.network.SetSelectedIndex(i + 1)
		}
	}
}

func filterAccountLabel(a data.Account) string {
	name := a.DisplayName
	if name == "" {
		name = a.Handle
	}
	return name + " · " + networkName(a.Network)
}

// show puts a dashboard and heatmap on the page, or the empty state that
// says what to do.
func (s *analyticsScreen) show(accs []data.Account, d app.Dashboard, bt app.BestTimes) {
	s.dash, s.best = d, bt
	empty := d.Posts == 0 && d.PrevPosts == 0 && len(d.Followers) == 0 && bt.Posts == 0
	s.noAccounts.Hidden = len(accs) > 0
	s.noNumbers.Hidden = len(accs) == 0 || !empty
	s.content.Hidden = len(accs) == 0 || empty
	s.noAccounts.Refresh()
	s.noNumbers.Refresh()
	s.content.Refresh()

	var notes []string
	for _, n := range d.Stale {
		notes = append(notes, networkName(string(n.Network))+" "+n.Account+": "+n.Message)
	}
	notes = append(notes, d.WindowNotes...)
	s.stale.SetText(strings.Join(notes, "\n"))
	s.staleBox.Hidden = len(notes) == 0
	s.staleBox.Refresh()

	s.showTotals(d)
	var eng, seen []charts.Point
	for _, p := range d.Daily {
		eng = append(eng, charts.Point{At: p.Day, Value: p.Engagement})
		seen = append(seen, charts.Point{At: p.Day, Value: p.Seen})
	}
	s.daily.SetSeries([]charts.Series{{Name: "Engagement", Points: eng}})
	s.seen.SetSeries([]charts.Series{{Name: "Seen by", Color: seenColor, Points: seen}})
	var bars []charts.Bar
	for _, n := range d.ByNetwork {
		bars = append(bars, charts.Bar{Label: n.Name, Value: n.Engagement, Color: networkColor(string(n.Network))})
	}
	s.byNetwork.SetBars(bars)
	var fl []charts.Point
	for _, p := range d.Followers {
		fl = append(fl, charts.Point{At: p.At, Value: p.Value})
	}
	var fs []charts.Series
	if len(fl) > 0 {
		fs = []charts.Series{{Name: "Followers", Points: fl}}
	}
	s.followers.SetSeries(fs)
	s.showBestTimes(bt)

	s.rows = slices.Clone(d.Top)
	app.SortTopPosts(s.rows, s.sortKey, s.sortDesc)
	s.selected = -1
	s.table.UnselectAll()
	s.detail.Hide()
	s.exportBtn.Disable()
	if len(s.rows) > 0 {
		s.exportBtn.Enable()
	}
	s.table.Refresh()
}

// showTotals fills the totals row: posts, then one card per metric.
func (s *analyticsScreen) showTotals(d app.Dashboard) {
	cards := []fyne.CanvasObject{totalCard("Posts", float64(d.Posts), float64(d.PrevPosts), d.PrevPosts > 0)}
	for _, t := range d.Totals {
		cards = append(cards, totalCard(t.Label, t.Value, t.Previous, t.ChangeOK))
	}
	// every card as big as the biggest, so the row wraps evenly
	size := fyne.NewSize(150, 0)
	for _, c := range cards {
		size = size.Max(c.MinSize())
	}
	s.totals.Layout = layout.NewGridWrapLayout(size)
	s.totals.Objects = cards
	s.totals.Refresh()
}

// totalCard is a metric's label, its value and its change against the
// previous period.
func totalCard(label string, v, prev float64, changeOK bool) fyne.CanvasObject {
	change := ext(&widget.Label{SizeName: theme.SizeNameCaptionText})
	switch {
	case changeOK:
		pct := math.Round((v - prev) / prev * 100)
		if pct >= 0 {
			change.Text, change.Importance = fmt.Sprintf("▲ %.0f %%", pct), widget.SuccessImportance
		} else {
			change.Text, change.Importance = fmt.Sprintf("▼ %.0f %%", -pct), widget.WarningImportance
		}
	case v > 0:
		change.Text = "new"
	}
	return widget.NewCard("", "", container.NewVBox(
		ext(&widget.Label{Text: label, SizeName: theme.SizeNameCaptionText, Truncation: fyne.TextTruncateEllipsis}),
		ext(&widget.Label{Text: charts.Compact(v), TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}),
		change))
}

// showBestTimes fills the heatmap and the suggestions.
func (s *analyticsScreen) showBestTimes(bt app.BestTimes) {
	var cells [7][24]charts.HeatCell
	for d := range bt.Cells {
		for h, c := range bt.Cells[d] {
			cells[d][h] = charts.HeatCell{Value: c.Median, N: c.Posts, Trusted: c.Trusted}
		}
	}
	s.heat.SetCells(cells)
	loc := s.core.Location()
	note := fmt.Sprintf("From %s posts since %s, each in its account's time zone. Tap a cell for its numbers.",
		formatCount(float64(bt.Posts)), bt.From.In(loc).Format("2 Jan 2006"))
	if bt.Posts == 0 {
		note = "No post has numbers to go by yet."
	}
	s.heatNote.SetText(note)
	var rows []fyne.CanvasObject
	for _, sg := range bt.Suggestions {
		sg := sg
		rows = append(rows, container.NewVBox(
			ext(&widget.Label{Text: fmt.Sprintf("%s %02d:00", sg.Weekday, sg.Hour), TextStyle: fyne.TextStyle{Bold: true}}),
			ext(&widget.Label{Text: fmt.Sprintf("median rate %s over %s", formatRate(sg.Median), plural(sg.Posts, "1 post", "%d posts")),
				SizeName: theme.SizeNameCaptionText}),
			ext(&widget.Button{Text: "Add to posting times", Icon: theme.ContentAddIcon(), OnTapped: func() { s.onAddSlot(sg) }})))
	}
	if len(rows) == 0 {
		rows = append(rows, ext(&widget.Label{Text: fmt.Sprintf("None yet: an hour needs %d posts\nwith numbers to be suggested.", app.MinHeatPosts),
			SizeName: theme.SizeNameCaptionText}))
	}
	s.suggestions.Objects = rows
	s.suggestions.Refresh()
}

// onHeatCell says what a tapped cell holds below the heatmap.
func (s *analyticsScreen) onHeatCell(day, hour int) {
	c := s.best.Cells[day][hour]
	s.heatNote.SetText(heatTooltip(day, hour, charts.HeatCell{Value: c.Median, N: c.Posts, Trusted: c.Trusted}))
}

// slotAccounts are the accounts a suggestion goes to: those the filters
// pick (every account when they pick none).
func (s *analyticsScreen) slotAccounts() []data.Account {
	f, _ := s.filter()
	var out []data.Account
	for _, a := range s.accounts {
		if len(f.AccountIDs) > 0 && !slices.Contains(f.AccountIDs, a.ID) {
			continue
		}
		if len(f.Networks) > 0 && !slices.Contains(f.Networks, platforms.Network(a.Network)) {
			continue
		}
		out = append(out, a)
	}
	return out
}

// onAddSlot asks before adding a suggested time to the filtered accounts'
// posting times, then confirms.
func (s *analyticsScreen) onAddSlot(sg app.SlotSuggestion) {
	accs := s.slotAccounts()
	if len(accs) == 0 {
		s.b.errorDialog(errors.New("no account is chosen: pick one in the account filter and try again"))
		return
	}
	var names []string
	var ids []int64
	for _, a := range accs {
		ids = append(ids, a.ID)
		names = append(names, filterAccountLabel(a))
	}
	when := fmt.Sprintf("%s %02d:00", sg.Weekday, sg.Hour)
	msg := ext(&widget.Label{Wrapping: fyne.TextWrapWord, Text: fmt.Sprintf(
		"Add %s to the posting times of:\n%s\n\nEach account uses its own time zone. Choose another account in the filter to change this.",
		when, strings.Join(names, "\n"))})
	dlg := dialog.NewCustomConfirm("Add to posting times", "Add", "Cancel", msg, func(ok bool) {
		if !ok {
			return
		}
		s.b.run(func() func() {
			ctx, cancel := s.b.ctx()
			defer cancel()
			err := s.core.AddSuggestedSlot(ctx, ids, sg)
			return func() {
				if err != nil {
					s.b.errorDialog(fmt.Errorf("%s was not added: %w. Try again, or add it under Accounts → Posting times", when, err))
					return
				}
				s.flash(fmt.Sprintf("Added %s to the posting times of %s.", when, plural(len(ids), "1 account", "%d accounts")))
			}
		})
	}, s.b.win)
	dlg.Resize(fyne.NewSize(420, 0))
	dlg.Show()
}

// flash shows a short confirmation under the top bar for a few seconds.
func (s *analyticsScreen) flash(msg string) {
	s.setStatus(msg, widget.SuccessImportance)
	s.statusTimer = time.AfterFunc(8*time.Second, func() {
		s.b.do(func() {
			if s.status.Text == msg {
				s.setStatus("", widget.MediumImportance)
			}
		})
	})
}

// onSortColumn sorts the table by a column, the other way round when it
// is already sorted by it.
func (s *analyticsScreen) onSortColumn(col int) {
	key := topColumns[col].key
	if key == "" {
		return
	}
	if key == s.sortKey {
		s.sortDesc = !s.sortDesc
	} else {
		s.sortKey, s.sortDesc = key, true // biggest or newest first
	}
	var keep int64 = -1
	if s.selected >= 0 && s.selected < len(s.rows) {
		keep = s.rows[s.selected].TargetID
	}
	app.SortTopPosts(s.rows, s.sortKey, s.sortDesc)
	s.selected = -1
	s.table.UnselectAll()
	for i, r := range s.rows {
		if r.TargetID == keep {
			s.selected = i
		}
	}
	s.table.Refresh()
}

// onSelectRow shows a post's details and asks for its history.
func (s *analyticsScreen) onSelectRow(row int) {
	if row < 0 || row >= len(s.rows) {
		return
	}
	s.selected = row
	p := s.rows[row]
	s.detailTitle.SetText(strings.Join(strings.Fields(p.Snippet), " "))
	info := p.Account + " on " + networkName(string(p.Network)) + ", " +
		p.PublishedAt.In(s.core.Location()).Format("Monday 2 January 2006 15:04")
	if p.RateOK {
		info += " · engagement rate " + formatRate(p.Rate)
	}
	s.detailInfo.SetText(info)
	s.networkBtn.SetText("Open on " + networkName(string(p.Network)))
	if p.URL == "" {
		s.networkBtn.Disable()
	} else {
		s.networkBtn.Enable()
	}
	s.history.SetSeries(nil)
	s.detail.Show()
	target := p.TargetID
	s.history0 = target
	s.b.run(func() func() {
		ctx, cancel := s.b.ctx()
		defer cancel()
		pts, err := s.core.MetricHistory(ctx, target)
		return func() {
			if s.history0 != target {
				return
			}
			if err != nil {
				s.detailInfo.SetText(info + "\nIts history could not be read: " + err.Error() + ".")
				return
			}
			var eng, seen []charts.Point
			for _, pt := range pts {
				switch pt.Name {
				case platforms.MetricEngagement:
					eng = append(eng, charts.Point{At: pt.At, Value: pt.Value})
				case platforms.MetricSeen:
					seen = append(seen, charts.Point{At: pt.At, Value: pt.Value})
				}
			}
			series := []charts.Series{{Name: "Engagement", Points: eng}}
			if len(seen) > 0 {
				series = append(series, charts.Series{Name: "Seen by", Color: seenColor, Points: seen})
			}
			s.history.SetSeries(series)
		}
	})
}

func (s *analyticsScreen) selectedPost() (app.TopPost, bool) {
	if s.selected < 0 || s.selected >= len(s.rows) {
		return app.TopPost{}, false
	}
	return s.rows[s.selected], true
}

func (s *analyticsScreen) onOpenInComposer() {
	if p, ok := s.selectedPost(); ok && s.onOpen != nil {
		s.onOpen(p.PostID)
	}
}

func (s *analyticsScreen) onOpenOnNetwork() {
	if p, ok := s.selectedPost(); ok && p.URL != "" {
		s.b.open(p.URL)
	}
}

// onRefresh reads new numbers from the networks with progress and a
// Cancel button, then reloads the page.
func (s *analyticsScreen) onRefresh() {
	if s.syncCancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.syncCancel = cancel
	s.refreshBtn.Disable()
	s.progress.SetValue(0)
	s.progressLabel.SetText("Asking your networks for their numbers…")
	s.syncBox.Show()
	s.setStatus("", widget.MediumImportance)
	s.b.run(func() func() {
		defer cancel()
		rep, err := s.core.SyncMetrics(ctx, func(p app.SyncProgress) {
			s.b.do(func() { s.onSyncProgress(p) })
		})
		return func() { s.onSyncDone(rep, err) }
	})
}

func (s *analyticsScreen) onSyncProgress(p app.SyncProgress) {
	if s.syncCancel == nil {
		return // a late report after the end
	}
	if p.Total > 0 {
		s.progress.SetValue(float64(p.Done) / float64(p.Total))
	}
	if p.Current != "" {
		s.progressLabel.SetText(p.Current)
	}
}

func (s *analyticsScreen) onCancelSync() {
	if s.syncCancel != nil {
		s.syncCancel()
		s.progressLabel.SetText("Stopping after the current request…")
	}
}

func (s *analyticsScreen) onSyncDone(rep app.SyncReport, err error) {
	s.syncCancel = nil
	s.syncBox.Hide()
	s.refreshBtn.Enable()
	msg := syncMessage(rep)
	switch {
	case errors.Is(err, context.Canceled):
		s.setStatus("Refresh cancelled; "+lowerFirst(msg), widget.MediumImportance)
	case err != nil:
		s.setStatus("Refresh failed: "+err.Error()+". "+msg+" Try again later.", widget.DangerImportance)
	case len(rep.Failed) > 0:
		s.setStatus(msg, widget.WarningImportance)
	default:
		s.flash(msg)
	}
	s.reload()
}

// syncMessage says what a sync read and which accounts failed.
func syncMessage(rep app.SyncReport) string {
	msg := fmt.Sprintf("Read %s on %s.", plural(rep.Posts, "1 post", "%d posts"), plural(rep.Accounts, "1 account", "%d accounts"))
	for _, f := range rep.Failed {
		msg += " " + networkName(string(f.Network)) + " " + f.Account + ": " + f.Message + "."
	}
	return msg
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// saveDialog is pickSave with the file save dialog.
func (s *analyticsScreen) saveDialog(name string, exts []string, then func(path string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			s.b.errorDialog(err)
			return
		}
		if w == nil {
			return // cancelled
		}
		path := w.URI().Path()
		_ = w.Close() // the file is written by path, as a whole
		then(path)
	}, s.b.win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	d.Show()
}

// onExportCSV writes the table, in its shown order, to a CSV file.
func (s *analyticsScreen) onExportCSV() {
	rows := slices.Clone(s.rows)
	loc := s.core.Location()
	f := s.dash.Filter
	name := fmt.Sprintf("top-posts-%s-%s.csv", f.From.In(loc).Format(time.DateOnly), f.To.In(loc).AddDate(0, 0, -1).Format(time.DateOnly))
	s.pickSave(name, []string{".csv"}, func(path string) {
		s.b.run(func() func() {
			var buf bytes.Buffer
			err := app.WriteTopPostsCSV(&buf, rows, loc)
			if err == nil {
				err = os.WriteFile(path, buf.Bytes(), 0o644)
			}
			return func() {
				if err != nil {
					s.b.errorDialog(fmt.Errorf("the table was not saved: %w. Choose another folder and try again", err))
					return
				}
				s.flash(fmt.Sprintf("Saved %s to %s.", plural(len(rows), "1 post", "%d posts"), filepath.Base(path)))
			}
		})
	})
}

// onSaveChart saves a chart as it looks in the window as a PNG file.
func (s *analyticsScreen) onSaveChart(chart fyne.CanvasObject, name string) {
	s.pickSave(name+".png", []string{".png"}, func(path string) {
		img := charts.Snapshot(chart, 2) // twice the screen's size: sharp in documents
		s.b.run(func() func() {
			err := charts.WritePNG(path, img)
			return func() {
				if err != nil {
					s.b.errorDialog(fmt.Errorf("the chart was not saved: %w. Choose another folder and try again", err))
					return
				}
				s.flash("Saved the chart to " + filepath.Base(path) + ".")
			}
		})
	})
}
