//go:build smoke

// The smoke test starts the real binary in a real window and looks at it.
// It needs an X display with xdotool and ImageMagick's import; `make test`
// runs it under Xvfb:
//
//	xvfb-run -a -s '-screen 0 1280x800x24' go test -tags smoke -run TestSmoke -v .
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Fyne's default primary colour (fyne.io/fyne/v2 internal/theme
// colorLightPrimaryBlue, #296ff6); the same for the light and dark variants.
// Today's cell in the calendar is drawn in it, solid and with some alpha.
var fynePrimary = color.NRGBA{R: 0x29, G: 0x6f, B: 0xf6, A: 0xff}

const (
	minWidth, minHeight = 800, 600
	minColours          = 64  // a blank or half-drawn window has a handful
	minPrimaryPixels    = 300 // today's cell alone has thousands
	// Pale pixels of the primary's hue: the primary drawn with alpha, as
	// today's cell is (about 13,000 at 1100×760). Anti-aliased edges of the
	// primary button and icons give under 1,000, so this sees the calendar.
	minTintPixels     = 2000
	maxOneColourShare = 0.9
)

// shotFile is where the last screenshot is kept for people to look at;
// `make screenshot` copies it to docs/screenshot.png.
const shotFile = "build/smoke/screenshot.png"

func TestSmoke(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("no X display: run under Xvfb (make test does), e.g. xvfb-run -a go test -tags smoke -run TestSmoke .")
	}
	for _, tool := range []string{"xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: run `make deps` (packages xdotool, imagemagick)", tool)
		}
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "localpost")
	start := time.Now()
	// A development build (no migrated_fynedo), so Fyne reports any call
	// made off its thread; the test fails on such a report below.
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built %s in %s", bin, time.Since(start).Round(time.Millisecond))

	var stderr bytes.Buffer
	cmd := exec.Command(bin, "--demo", "--data-dir", filepath.Join(tmp, "data"))
	cmd.Env = smokeEnv(tmp)
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	start = time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	var exitErr error
	exited := make(chan struct{}) // closed once Wait returned, with exitErr set
	go func() { exitErr = <-waited; close(exited) }()
	defer func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("localpost's output:\n%s", stderr.String())
		}
	}()

	win, err := findWindow(exited, "^Localpost", 30*time.Second)
	if err != nil {
		t.Fatalf("window: %v", err)
	}
	t.Logf("window %s appeared %s after start", win, time.Since(start).Round(time.Millisecond))

	// The window maps before its first frame is drawn and the calendar
	// loads in the background: look again until it passes or time is up.
	shot := filepath.Join(tmp, "shot.png")
	var problems []string
	var st shotStats
	deadline := time.Now().Add(20 * time.Second)
	tries := 0
	for {
		tries++
		if err := exec.Command("import", "-window", win, shot).Run(); err != nil {
			problems = []string{"screenshot: " + err.Error()}
		} else if st, err = measure(shot); err != nil {
			problems = []string{err.Error()}
		} else if problems = st.problems(); len(problems) == 0 {
			break
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if err := keep(shot, shotFile); err != nil {
		t.Log(err)
	} else {
		abs, _ := filepath.Abs(shotFile)
		t.Logf("screenshot: %s", abs)
	}
	t.Logf("screenshot %d: %dx%d, %d colours, commonest colour %.0f%%, %d pixels in the primary colour's hue, %d of them pale",
		tries, st.w, st.h, st.colours, 100*st.topShare, st.primary, st.tint)
	for _, p := range problems {
		t.Error(p)
	}

	// SIGTERM must end the app the way closing the window does.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		if exitErr != nil {
			t.Errorf("after SIGTERM: %v, want exit status 0", exitErr)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("still running 10 s after SIGTERM")
	}
	if strings.Contains(stderr.String(), "Error in Fyne call thread") {
		t.Errorf("Fyne reported a call from the wrong goroutine (wrap it in fyne.Do)")
	}
}

// smokeEnv keeps Fyne's own settings out of the user's home, and fixes the
// theme (light), scale and locale so the screenshot is predictable.
func smokeEnv(tmp string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "XDG_CONFIG_HOME", "FYNE_THEME", "FYNE_SCALE", "LANG", "LC_ALL", "LANGUAGE":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "XDG_CONFIG_HOME="+filepath.Join(tmp, "config"),
		"FYNE_THEME=light", "FYNE_SCALE=1", "LANG=en_US.UTF-8")
}

// findWindow waits for a window whose title matches the regular expression
// name and returns its X id; it gives up early if the program exits.
func findWindow(exited <-chan struct{}, name string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	type found struct {
		out []byte
		err error
	}
	res := make(chan found, 1)
	go func() {
		out, err := exec.CommandContext(ctx, "xdotool", "search", "--sync", "--name", name).Output()
		res <- found{out, err}
	}()
	select {
	case <-exited:
		return "", errors.New("localpost exited before showing a window")
	case r := <-res:
		if ctx.Err() != nil {
			return "", fmt.Errorf("no window titled %q within %s", name, timeout)
		}
		if r.err != nil {
			return "", fmt.Errorf("xdotool search: %v", r.err)
		}
		ids := strings.Fields(string(r.out))
		if len(ids) == 0 {
			return "", errors.New("xdotool found no window")
		}
		return ids[0], nil
	}
}

type shotStats struct {
	w, h     int
	colours  int
	topShare float64 // share of the commonest colour
	primary  int     // pixels whose hue is the primary colour's
	tint     int     // of those, the pale ones (primary with alpha)
}

func measure(file string) (shotStats, error) {
	f, err := os.Open(file)
	if err != nil {
		return shotStats{}, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return shotStats{}, fmt.Errorf("screenshot %s: %w", file, err)
	}
	return stats(img), nil
}

func stats(img image.Image) shotStats {
	b := img.Bounds()
	st := shotStats{w: b.Dx(), h: b.Dy()}
	counts := map[color.NRGBA]int{}
	top := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			counts[c]++
			top = max(top, counts[c])
			if nearHue(c, fynePrimary) {
				st.primary++
				if _, s, _ := hsv(c); s < 0.6 {
					st.tint++
				}
			}
		}
	}
	st.colours = len(counts)
	if n := st.w * st.h; n > 0 {
		st.topShare = float64(top) / float64(n)
	}
	return st
}

func (st shotStats) problems() []string {
	var p []string
	if st.w < minWidth || st.h < minHeight {
		p = append(p, fmt.Sprintf("window is %dx%d, want at least %dx%d", st.w, st.h, minWidth, minHeight))
	}
	if st.colours < minColours || st.topShare > maxOneColourShare {
		p = append(p, fmt.Sprintf("window looks blank: %d colours, one colour covers %.0f%%", st.colours, 100*st.topShare))
	}
	if st.primary < minPrimaryPixels || st.tint < minTintPixels {
		p = append(p, fmt.Sprintf("calendar not seen: %d pixels in the primary colour's hue, want ≥ %d, of them %d pale (today's cell), want ≥ %d",
			st.primary, minPrimaryPixels, st.tint, minTintPixels))
	}
	return p
}

// nearHue reports whether c is a clearly coloured (not grey) pixel of
// ref's hue: ref drawn solid, with alpha over the background, or anti-aliased.
func nearHue(c, ref color.NRGBA) bool {
	h, s, v := hsv(c)
	rh, _, _ := hsv(ref)
	d := math.Abs(h - rh)
	d = math.Min(d, 360-d)
	return d <= 12 && s >= 0.12 && v >= 0.25
}

func hsv(c color.NRGBA) (h, s, v float64) {
	r, g, b := float64(c.R)/255, float64(c.G)/255, float64(c.B)/255
	hi, lo := math.Max(r, math.Max(g, b)), math.Min(r, math.Min(g, b))
	v, d := hi, hi-lo
	if hi == 0 || d == 0 {
		return 0, 0, v
	}
	s = d / hi
	switch hi {
	case r:
		h = 60 * math.Mod((g-b)/d, 6)
	case g:
		h = 60 * ((b-r)/d + 2)
	default:
		h = 60 * ((r-g)/d + 4)
	}
	if h < 0 {
		h += 360
	}
	return h, s, v
}

// keep copies the screenshot out of the test's temporary folder.
func keep(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

// TestShotChecks checks the screenshot checks on made-up pictures.
func TestShotChecks(t *testing.T) {
	blank := image.NewNRGBA(image.Rect(0, 0, 1000, 700))
	for i := range blank.Pix {
		blank.Pix[i] = 0xff
	}
	if p := stats(blank).problems(); len(p) != 2 {
		t.Errorf("white picture: problems %q, want blank and no calendar", p)
	}

	busy := image.NewNRGBA(image.Rect(0, 0, 1000, 700))
	for y := 0; y < 700; y++ {
		for x := 0; x < 1000; x++ {
			busy.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), 0, 0xff}) // reds to greens, no blue
		}
	}
	if p := stats(busy).problems(); len(p) != 1 || !strings.Contains(p[0], "calendar") {
		t.Errorf("picture without blue: problems %q, want only the calendar one", p)
	}
	// today's cell: primary at 25% alpha over white
	tint := color.NRGBA{
		R: uint8((3*255 + int(fynePrimary.R)) / 4), G: uint8((3*255 + int(fynePrimary.G)) / 4),
		B: uint8((3*255 + int(fynePrimary.B)) / 4), A: 0xff,
	}
	for y := 100; y < 200; y++ {
		for x := 100; x < 240; x++ {
			busy.SetNRGBA(x, y, tint)
		}
	}
	if p := stats(busy).problems(); len(p) != 0 {
		t.Errorf("calendar-like picture: problems %q, want none", p)
	}
	if nearHue(color.NRGBA{0x80, 0x80, 0x80, 0xff}, fynePrimary) || nearHue(color.NRGBA{0xf6, 0x6f, 0x29, 0xff}, fynePrimary) {
		t.Error("grey or orange taken for the primary colour")
	}
	// the dark theme's background with the primary at 25% alpha
	dark := color.NRGBA{R: (3*0x17 + 0x29) / 4, G: (3*0x17 + 0x6f) / 4, B: (3*0x18 + 0xf6) / 4, A: 0xff}
	if !nearHue(dark, fynePrimary) {
		t.Errorf("%v (primary over the dark background) not taken for the primary colour", dark)
	}
}
