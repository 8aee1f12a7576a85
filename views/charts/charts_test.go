package charts

import (
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// variantTheme is the default theme held to one variant, for goldens in
// light and dark.
type variantTheme struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

// withTheme starts a test app in the default theme's variant v.
func withTheme(t *testing.T, v fyne.ThemeVariant) fyne.App {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(variantTheme{theme.DefaultTheme(), v})
	return a
}

func TestCompact(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {12, "12"}, {999, "999"}, {999.4, "999"}, {999.6, "1k"},
		{1000, "1k"}, {1234, "1.2k"}, {9949, "9.9k"}, {9960, "10k"}, {12345, "12k"},
		{999_499, "999k"}, {999_999, "1M"}, {1_234_567, "1.2M"}, {3_400_000_000, "3.4B"},
		{4.25, "4.25"}, {42.5, "42.5"}, {0.042, "0.042"}, {0.5, "0.5"}, {0.12345, "0.123"},
		{-1234, "-1.2k"}, {math.NaN(), "–"},
	} {
		if got := Compact(c.v); got != c.want {
			t.Errorf("Compact(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestGroupedAndDistinctAxisLabels(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 999: "999", 23800: "23,800", 1234567.5: "1,234,567.5", -4200: "-4,200"} {
		if got := Grouped(v); got != want {
			t.Errorf("Grouped(%v) = %q, want %q", v, got, want)
		}
	}
	c := NewLineChart([]Series{{Name: "Followers", Points: []Point{
		{At: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Value: 23810},
		{At: time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC), Value: 24190}}}})
	c.Floating = true
	w := test.NewTempWindow(t, c)
	w.Resize(fyne.NewSize(500, 300))
	texts := map[string]bool{}
	for _, o := range test.LaidOutObjects(c) {
		if tx, ok := o.(*canvas.Text); ok && o.Visible() {
			texts[tx.Text] = true
		}
	}
	if !texts["24,000"] || texts["24k"] {
		t.Errorf("axis labels %v: want full numbers where compact ones would repeat", texts)
	}
}

func TestNiceTicksFloating(t *testing.T) {
	got := niceTicksFrom(21800, 22900, true, false)
	want := []float64{21500, 22000, 22500, 23000}
	if len(got) != len(want) {
		t.Fatalf("floating ticks %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("floating ticks %v, want %v", got, want)
		}
	}
	if got := niceTicksFrom(-5, 10, true, false); got[0] > -5 {
		t.Errorf("floating ticks %v do not cover -5", got)
	}
}

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi  float64
		integer bool
		want    []float64
	}{
		{0, 0, true, []float64{0, 1, 2}},
		{0, 0, false, []float64{0, 0.25, 0.5, 0.75, 1}},
		{0, 7, true, []float64{0, 2, 4, 6, 8}},
		{0, 7, false, []float64{0, 2.5, 5, 7.5}},
		{3, 96, true, []float64{0, 25, 50, 75, 100}},
		{0, 1234, true, []float64{0, 500, 1000, 1500}},
		{0, 0.042, false, []float64{0, 0.025, 0.05}},
		{0, 0.3, false, []float64{0, 0.1, 0.2, 0.3}},
		{-40, 120, true, []float64{-50, 0, 50, 100, 150}},
		{0, 1_000_000, true, []float64{0, 250_000, 500_000, 750_000, 1_000_000}},
	} {
		got := niceTicks(c.lo, c.hi, c.integer)
		if len(got) < 3 || len(got) > 5 {
			t.Errorf("niceTicks(%v, %v) gives %d ticks: %v", c.lo, c.hi, len(got), got)
		}
		if !slices.EqualFunc(got, c.want, func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }) {
			t.Errorf("niceTicks(%v, %v, %v) = %v, want %v", c.lo, c.hi, c.integer, got, c.want)
		}
		if got[0] > min(c.lo, 0) || got[len(got)-1] < c.hi {
			t.Errorf("niceTicks(%v, %v) = %v does not cover the data", c.lo, c.hi, got)
		}
	}
}

func TestTimeTicks(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		from, to time.Time
		want     string // the labels
	}{
		{day(2025, 11, 1), day(2025, 11, 7), "1 Nov, 3 Nov, 5 Nov, 7 Nov"},
		{day(2025, 11, 1), day(2025, 11, 4), "1 Nov, 2 Nov, 3 Nov, 4 Nov"},
		{day(2025, 11, 1), day(2025, 11, 30), "3 Nov, 10 Nov, 17 Nov, 24 Nov"},
		{day(2025, 9, 1), day(2025, 11, 30), "Sep 2025, Oct 2025, Nov 2025"},
		{day(2024, 1, 1), day(2025, 12, 31), "Jan 2024, Jul 2024, Jan 2025, Jul 2025"},
		{day(2025, 11, 2), day(2025, 11, 2), "2 Nov 2025"},
		{time.Date(2025, 11, 2, 9, 0, 0, 0, time.UTC), time.Date(2025, 11, 2, 18, 0, 0, 0, time.UTC), "09:00, 12:00, 15:00, 18:00"},
	} {
		ticks, layout := timeTicks(c.from, c.to)
		var labels []string
		for _, tk := range ticks {
			labels = append(labels, tk.Format(layout))
		}
		if got := strings.Join(labels, ", "); got != c.want {
			t.Errorf("timeTicks(%s, %s) = %s, want %s", c.from.Format(time.DateOnly), c.to.Format(time.DateOnly), got, c.want)
		}
		if len(ticks) > maxTimeTicks {
			t.Errorf("%d ticks", len(ticks))
		}
	}
}

var (
	blue   = color.NRGBA{0x1e, 0x88, 0xe5, 0xff}
	orange = color.NRGBA{0xfb, 0x8c, 0x00, 0xff}
)

// twoWeeks is two series of daily numbers from 3 to 16 November 2025.
func twoWeeks() []Series {
	engagement := Series{Name: "Engagement", Color: blue}
	reach := Series{Name: "Reach", Color: orange}
	for i := range 14 {
		at := time.Date(2025, 11, 3+i, 0, 0, 0, 0, time.UTC)
		engagement.Points = append(engagement.Points, Point{at, float64(40 + 7*i + (i%3)*15)})
		reach.Points = append(reach.Points, Point{at, float64(300 + 40*i - (i%4)*30)})
	}
	return []Series{engagement, reach}
}

func TestLineChartGolden(t *testing.T) {
	for _, v := range []struct {
		name    string
		variant fyne.ThemeVariant
	}{{"light", theme.VariantLight}, {"dark", theme.VariantDark}} {
		t.Run(v.name, func(t *testing.T) {
			withTheme(t, v.variant)
			c := NewLineChart(twoWeeks())
			c.Title = "Engagement and reach"
			c.Resize(fyne.NewSize(480, 260))
			test.AssertObjectRendersToMarkup(t, "line_"+v.name+".xml", c)
		})
	}
}

// texts are the strings a renderer draws.
func texts(objs []fyne.CanvasObject) []string {
	var out []string
	for _, o := range objs {
		if t, ok := o.(*canvas.Text); ok {
			out = append(out, t.Text)
		}
	}
	return out
}

func TestLineChartAxesAndLegend(t *testing.T) {
	withTheme(t, theme.VariantLight)
	c := NewLineChart(twoWeeks())
	c.Resize(fyne.NewSize(480, 260))
	got := texts(test.TempWidgetRenderer(t, c).Objects())
	for _, want := range []string{"Engagement", "Reach", "0", "200", "400", "800", "3 Nov", "9 Nov", "15 Nov"} {
		if !slices.Contains(got, want) {
			t.Errorf("no %q among %q", want, got)
		}
	}
	// one series: no legend
	c.SetSeries(twoWeeks()[:1])
	got = texts(test.TempWidgetRenderer(t, c).Objects())
	if slices.Contains(got, "Engagement") {
		t.Errorf("a single series has a legend: %q", got)
	}
	if !slices.Contains(got, "150") {
		t.Errorf("y axis did not follow the new data: %q", got)
	}
}

func TestLineChartHover(t *testing.T) {
	withTheme(t, theme.VariantLight)
	c := NewLineChart(twoWeeks())
	c.ValueFormat = func(v float64) string { return Compact(v) + " pts" }
	w := test.NewTempWindow(t, c)
	w.Resize(fyne.NewSize(480, 260))
	g := c.r.geo
	// a little right of 10 November's x: the nearest point is the 10th
	at := time.Date(2025, 11, 10, 3, 0, 0, 0, time.UTC)
	c.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(g.x(at), g.plot.Y+g.size.Height/2)}})
	want := []string{"Mon 10 Nov 2025", "Engagement: 104 pts", "Reach: 490 pts"}
	if got := c.Tooltip(); !slices.Equal(got, want) {
		t.Fatalf("tooltip %q, want %q", got, want)
	}
	shown := texts(c.r.Objects())
	for _, s := range want {
		if !slices.Contains(shown, s) {
			t.Errorf("%q not drawn; drawn: %q", s, shown)
		}
	}
	marker := c.r.top.drawn[0].(*canvas.Line)
	if x := g.x(time.Date(2025, 11, 10, 0, 0, 0, 0, time.UTC)); marker.Position1.X != x || marker.Position2.X != x {
		t.Errorf("marker at %v, want x %v", marker.Position1, x)
	}
	c.MouseOut()
	if c.Tooltip() != nil || len(c.r.top.drawn) != 0 {
		t.Error("tooltip stays after the mouse left")
	}
	// a tap does the same, for touch; a series without that day says so
	series := twoWeeks()
	series[1].Points = series[1].Points[:5]
	c.SetSeries(series)
	g = c.r.geo
	test.TapAt(c, fyne.NewPos(g.x(series[0].Points[13].At), g.plot.Y+5))
	if got := c.Tooltip(); !slices.Equal(got, []string{"Sun 16 Nov 2025", "Engagement: 146 pts", "Reach: –"}) {
		t.Errorf("tapped tooltip %q", got)
	}
}

func TestEmptyStates(t *testing.T) {
	withTheme(t, theme.VariantLight)
	line := NewLineChart(nil)
	line.EmptyText = "Connect an account to see numbers"
	bar := NewBarChart(nil)
	heat := NewHeatmap()
	for _, c := range []struct {
		w    fyne.Widget
		want string
	}{{line, line.EmptyText}, {bar, DefaultEmptyText}, {heat, DefaultEmptyText}} {
		c.w.Resize(c.w.MinSize())
		if got := texts(test.TempWidgetRenderer(t, c.w).Objects()); !slices.Equal(got, []string{c.want}) {
			t.Errorf("%T shows %q, want only %q", c.w, got, c.want)
		}
	}
	// hovering an empty chart shows nothing and does not panic
	line.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(100, 100)}})
	if line.Tooltip() != nil {
		t.Error("an empty chart has a tooltip")
	}
	// data arriving replaces the empty state
	line.SetSeries(twoWeeks())
	if got := texts(test.TempWidgetRenderer(t, line).Objects()); slices.Contains(got, line.EmptyText) {
		t.Error("empty text stays after SetSeries")
	}
}

func networkBars() []Bar {
	return []Bar{
		{Label: "Mastodon", Value: 1840, Color: color.NRGBA{0x63, 0x64, 0xff, 0xff}},
		{Label: "LinkedIn", Value: 920, Color: color.NRGBA{0x0a, 0x66, 0xc2, 0xff}},
		{Label: "Instagram", Value: 12400, Color: color.NRGBA{0xe1, 0x30, 0x6c, 0xff}},
		{Label: "X", Value: 0},
	}
}

func TestBarChartGolden(t *testing.T) {
	withTheme(t, theme.VariantLight)
	c := NewBarChart(networkBars())
	c.Title = "Reach by network"
	c.Resize(fyne.NewSize(360, c.MinSize().Height))
	test.AssertObjectRendersToMarkup(t, "bar_light.xml", c)
}

func TestBarChartHover(t *testing.T) {
	withTheme(t, theme.VariantLight)
	c := NewBarChart(networkBars())
	if min := c.MinSize(); min.Width != 300 || min.Height < 4*barRow {
		t.Errorf("min size %v", min)
	}
	w := test.NewTempWindow(t, c)
	w.Resize(fyne.NewSize(360, 200))
	got := texts(c.r.Objects())
	for _, want := range []string{"Mastodon", "1.8k", "12k", "920", "X", "0"} {
		if !slices.Contains(got, want) {
			t.Errorf("no %q among %q", want, got)
		}
	}
	// the third row is Instagram's
	c.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(150, c.r.top+2.5*barRow)}})
	if got := c.Tooltip(); got != "Instagram: 12k" {
		t.Errorf("tooltip %q", got)
	}
	if !slices.Contains(texts(c.r.Objects()), "Instagram: 12k") {
		t.Error("tooltip not drawn")
	}
	// the longest bar is the largest value's
	widths := map[color.Color]float32{}
	for _, o := range c.r.Objects() {
		if r, ok := o.(*canvas.Rectangle); ok {
			widths[r.FillColor] = r.Size().Width
		}
	}
	if widths[networkBars()[2].Color] <= widths[networkBars()[0].Color] || widths[networkBars()[0].Color] <= widths[networkBars()[1].Color] {
		t.Errorf("bar widths %v do not follow the values", widths)
	}
	c.MouseOut()
	if c.Tooltip() != "" {
		t.Error("tooltip stays after the mouse left")
	}
	test.TapAt(c, fyne.NewPos(20, c.r.top+0.5*barRow))
	if got := c.Tooltip(); got != "Mastodon: 1.8k" {
		t.Errorf("tapped tooltip %q", got)
	}
}

// week is a heatmap's cells: weekday mornings trusted, a pale Saturday.
func week() [7][24]HeatCell {
	var cells [7][24]HeatCell
	for d := range 5 {
		for h := 7; h < 19; h++ {
			cells[d][h] = HeatCell{Value: float64(d+1) * float64(20-h) / 10, N: 4 + h%5, Trusted: true}
		}
	}
	cells[1][9] = HeatCell{Value: 4.2, N: 7, Trusted: true}
	cells[5][10] = HeatCell{Value: 9, N: 1} // too few: pale, and not the scale's top
	return cells
}

func TestHeatmapGolden(t *testing.T) {
	withTheme(t, theme.VariantDark)
	h := NewHeatmap()
	h.Title = "Best time to post"
	h.UntrustedText = "pale = fewer than 3 posts, not enough to trust"
	h.SetCells(week())
	h.Resize(h.MinSize())
	test.AssertObjectRendersToMarkup(t, "heatmap_dark.xml", h)
}

func TestHeatmapTapAndHover(t *testing.T) {
	withTheme(t, theme.VariantLight)
	h := NewHeatmap()
	h.SetCells(week())
	h.UntrustedText = "pale = too few posts"
	if min := h.MinSize(); min.Width < 24*heatCellSize || min.Height < 7*heatCellSize {
		t.Errorf("min size %v", min)
	}
	var tapped []int
	h.OnTapped = func(day, hour int) { tapped = append(tapped, day, hour) }
	w := test.NewTempWindow(t, h)
	w.Resize(fyne.NewSize(700, 300))
	test.TapAt(h, h.CellCenter(1, 9))
	if !slices.Equal(tapped, []int{1, 9}) {
		t.Fatalf("OnTapped got %v, want Tue (1) 09", tapped)
	}
	if got := h.Tooltip(); got != "Tue 09:00 – 4.2 from 7 posts" {
		t.Errorf("tooltip %q", got)
	}
	h.TooltipText = func(day, hour int, c HeatCell) string {
		return Weekdays[day] + " median " + Compact(c.Value) + "%"
	}
	h.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: h.CellCenter(6, 23)}})
	if got := h.Tooltip(); got != "Sun median 0%" {
		t.Errorf("custom tooltip %q", got)
	}
	if !slices.Contains(texts(h.r.Objects()), "Sun median 0%") {
		t.Error("tooltip not drawn")
	}
	// outside the grid: no tap, no tooltip
	test.TapAt(h, fyne.NewPos(2, 2))
	h.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(2, 2)}})
	if len(tapped) != 2 || h.Tooltip() != "" {
		t.Errorf("outside the grid: taps %v, tooltip %q", tapped, h.Tooltip())
	}
	// colours: the top trusted cell is the accent, a blank one has no fill,
	// the pale untrusted one is lighter than a trusted cell of less value
	fills := map[[2]int]color.Color{}
	for _, o := range h.r.base.drawn {
		if r, ok := o.(*canvas.Rectangle); ok {
			d, hr, ok := h.cellAt(r.Position().AddXY(1, 1))
			if _, seen := fills[[2]int{d, hr}]; ok && !seen {
				fills[[2]int{d, hr}] = r.FillColor
			}
		}
	}
	accent := theme.DefaultTheme().Color(theme.ColorNamePrimary, theme.VariantLight)
	if got := fills[[2]int{4, 7}]; !sameColor(got, accent) {
		t.Errorf("top cell %v, want the accent %v", got, accent)
	}
	if got := fills[[2]int{6, 0}]; !sameColor(got, color.Transparent) {
		t.Errorf("blank cell filled %v", got)
	}
	if lum(fills[[2]int{5, 10}]) <= lum(fills[[2]int{2, 10}]) {
		t.Errorf("untrusted cell %v not paler than %v", fills[[2]int{5, 10}], fills[[2]int{2, 10}])
	}
	if got := texts(h.r.Objects()); !slices.Contains(got, "pale = too few posts") || !slices.Contains(got, "03") || !slices.Contains(got, "Sun") {
		t.Errorf("labels %q", got)
	}
}

func sameColor(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == b
	}
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

func lum(c color.Color) uint32 {
	r, g, b, _ := c.RGBA()
	return r + g + b
}

func TestSnapshotAndWritePNG(t *testing.T) {
	withTheme(t, theme.VariantLight)
	red := color.NRGBA{R: 0xd0, A: 0xff}
	series := twoWeeks()
	series[0].Color = red
	c := NewLineChart(series)
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(fyne.NewSize(10, 37))
	w := test.NewTempWindow(t, container.NewVBox(spacer, c))
	w.Resize(fyne.NewSize(500, 320))
	c.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(200, 100)}})
	img := Snapshot(c, 2)
	size := c.Size()
	if b := img.Bounds(); b.Dx() != int(2*size.Width) || b.Dy() != int(2*size.Height) {
		t.Fatalf("snapshot %v, chart is %v at scale 2", b, size)
	}
	colours := map[color.Color]bool{}
	reds := 0
	for y := range img.Bounds().Dy() {
		for x := range img.Bounds().Dx() {
			px := img.At(x, y)
			colours[px] = true
			if sameColor(px, red) {
				reds++
			}
		}
	}
	if len(colours) < 3 || reds < 50 {
		t.Errorf("snapshot has %d colours and %d pixels of the series' colour", len(colours), reds)
	}
	if c.Tooltip() == nil {
		t.Error("the snapshot took the hover away from the chart on screen")
	}
	bar := NewBarChart([]Bar{{Label: "X", Value: 3}, {Label: "Mastodon", Value: 5}})
	bar.Resize(fyne.NewSize(300, 100))
	heat := NewHeatmap()
	var cells [7][24]HeatCell
	cells[1][9] = HeatCell{Value: 0.04, N: 5, Trusted: true}
	heat.SetCells(cells)
	heat.Resize(heat.MinSize())
	for _, o := range []fyne.CanvasObject{bar, heat} {
		if img := Snapshot(o, 1); img == nil || img.Bounds().Dx() < int(o.Size().Width) {
			t.Errorf("snapshot of %T: %v", o, img)
		}
	}
	if Snapshot(canvas.NewRectangle(red), 1) != nil {
		t.Error("a snapshot of something that is no chart")
	}

	path := filepath.Join(t.TempDir(), "chart.png")
	if err := WritePNG(path, img); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	back, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if back.Bounds() != img.Bounds() || !sameColor(back.At(40, 40), img.At(40, 40)) {
		t.Errorf("read back %v", back.Bounds())
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".chart-*")); len(left) != 0 {
		t.Errorf("temporary files left: %q", left)
	}
	if err := WritePNG(filepath.Join(t.TempDir(), "missing", "chart.png"), img); err == nil {
		t.Error("writing into a missing folder did not fail")
	}
}
