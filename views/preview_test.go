package views

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
	"localpost/platforms"
)

// xLimits are X's limits as the core reports them.
var xLimits = platforms.Limits{MaxChars: 280, URLWeight: 23, WideWeight: 2, MaxMedia: 4,
	MediaTypes: []string{"image/jpeg", "image/png", "image/webp", "image/gif", "video/mp4"}}

var (
	xAcc   = data.Account{ID: 5, Network: "x", DisplayName: "Bakery", Handle: "@bakery", State: data.AccountConnected}
	igAcc  = data.Account{ID: 7, Network: "instagram", DisplayName: "Bakery IG", Handle: "@bakery.ig", State: data.AccountConnected}
	pinAcc = data.Account{ID: 8, Network: "pinterest", DisplayName: "Bakery", Handle: "bakery", State: data.AccountConnected}
)

// tickAccount ticks an account in the composer.
func tickAccount(t *testing.T, u *MainUI, id int64) {
	t.Helper()
	for _, ac := range u.composer.checks {
		if ac.id == id {
			test.Tap(ac.check)
			u.b.wait()
			return
		}
	}
	t.Fatalf("no check for account %d", id)
}

func TestPreviewSpans(t *testing.T) {
	type sp = previewSpan
	cases := []struct {
		text string
		want []previewSpan
	}{
		{"plain text", []sp{{"plain text", spanPlain}}},
		{"Hi @alice and @bob@example.social!", []sp{{"Hi ", spanPlain}, {"@alice", spanMention}, {" and ", spanPlain}, {"@bob@example.social", spanMention}, {"!", spanPlain}}},
		{"#bread, #Brot2026 and #2026", []sp{{"#bread", spanHashtag}, {", ", spanPlain}, {"#Brot2026", spanHashtag}, {" and #2026", spanPlain}}},
		{"see https://bakery.example/today.", []sp{{"see ", spanPlain}, {"https://bakery.example/today", spanLink}, {".", spanPlain}}},
		{"mail me@example.com, C# is fine", []sp{{"mail me@example.com, C# is fine", spanPlain}}},
		{"(#tag)\n@x", []sp{{"(", spanPlain}, {"#tag", spanHashtag}, {")\n", spanPlain}, {"@x", spanMention}}},
		{"https://a.example/#frag @", []sp{{"https://a.example/#frag", spanLink}, {" @", spanPlain}}},
	}
	for _, c := range cases {
		if got := previewSpans(c.text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("previewSpans(%q) = %+v, want %+v", c.text, got, c.want)
		}
	}
}

// segmentsText joins the segments' text.
func segmentsText(segs []widget.RichTextSegment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Textual())
	}
	return b.String()
}

func TestPreviewSeeMoreCut(t *testing.T) {
	long := strings.TrimSpace(strings.Repeat("Fresh bread every morning. ", 30)) // 809 characters
	for _, c := range []struct {
		net platforms.Network
		cut int
	}{{platforms.Facebook, 480}, {platforms.LinkedIn, 210}, {platforms.Instagram, 125}, {platforms.X, 0}, {platforms.Mastodon, 0}} {
		segs := previewSegments(long, c.net)
		text := segmentsText(segs)
		last := segs[len(segs)-1].(*widget.TextSegment)
		if c.cut == 0 {
			if text != long || last.Text == seeMore {
				t.Errorf("%s: folded a network that shows everything: %q", c.net, text)
			}
			continue
		}
		if last.Text != seeMore || last.Style.ColorName != theme.ColorNamePlaceHolder {
			t.Errorf("%s: no see-more at the end: %q", c.net, last.Text)
		}
		shown := strings.TrimSuffix(text, seeMore)
		if n := utf8.RuneCountInString(shown); n > c.cut || n < c.cut*3/4 {
			t.Errorf("%s: %d characters before see more, want about %d", c.net, n, c.cut)
		}
		if !strings.HasPrefix(long, shown) || strings.HasSuffix(shown, " ") || !strings.HasPrefix(long[len(shown):], " ") {
			t.Errorf("%s: not cut between words: %q", c.net, shown)
		}
	}
	// A short post is not folded.
	if segs := previewSegments("Short post", platforms.Instagram); segmentsText(segs) != "Short post" {
		t.Errorf("short post: %q", segmentsText(segs))
	}
}

func writePreviewPNG(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 6))); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "bread.png")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// segmentColored finds the segment with text and returns its colour.
func segmentColor(t *testing.T, rt *widget.RichText, text string) fyne.ThemeColorName {
	t.Helper()
	for _, s := range rt.Segments {
		if ts, ok := s.(*widget.TextSegment); ok && ts.Text == text {
			return ts.Style.ColorName
		}
	}
	t.Fatalf("no segment %q in %q", text, segmentsText(rt.Segments))
	return ""
}

// TestComposerVariantPreviewAndProblems: every ticked account's section
// has a preview with highlighted links, mentions and hashtags and the
// attached pictures, and says next to the text what its network would
// refuse (media required, board missing, too long by its counting).
func TestComposerVariantPreviewAndProblems(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{xAcc, igAcc, pinAcc}
	fc.accountLimits[5] = xLimits
	fc.accountLimits[7] = platforms.Limits{MaxChars: 2200, MaxMedia: 10, MediaRequired: true, MediaTypes: []string{"image/jpeg", "image/png"}}
	fc.accountLimits[8] = platforms.Limits{MaxChars: 500, MaxMedia: 1, MediaRequired: true}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	for _, id := range []int64{5, 7, 8} {
		tickAccount(t, u, id)
	}
	xe, ig, pin := c.variants[5], c.variants[7], c.variants[8]

	test.Type(c.text, "Fresh #bread with @alice: https://bakery.example/today")
	rt := xe.preview.text
	if got := segmentColor(t, rt, "#bread"); got != theme.ColorNamePrimary {
		t.Errorf("hashtag colour %q", got)
	}
	if got := segmentColor(t, rt, "@alice"); got != theme.ColorNamePrimary {
		t.Errorf("mention colour %q", got)
	}
	if got := segmentColor(t, rt, "https://bakery.example/today"); got != theme.ColorNameHyperlink {
		t.Errorf("link colour %q", got)
	}
	if got := segmentColor(t, rt, "Fresh "); got != theme.ColorNameForeground {
		t.Errorf("plain text coloured %q", got)
	}
	if xe.counter.Text != "49 / 280" { // 26 characters and the link as 23
		t.Errorf("X counter %q", xe.counter.Text)
	}

	if !ig.problem.Visible() || !strings.Contains(ig.problem.Text, "Instagram needs at least one image or video") {
		t.Errorf("Instagram problem %q (visible %v)", ig.problem.Text, ig.problem.Visible())
	}
	if !pin.problem.Visible() || !strings.Contains(pin.problem.Text, "Choose the board to pin to.") {
		t.Errorf("Pinterest problem %q", pin.problem.Text)
	}
	if xe.problem.Visible() {
		t.Errorf("X has a problem: %q", xe.problem.Text)
	}
	if xe.preview.media.Visible() {
		t.Error("media grid shown without media")
	}

	c.appendMedia(app.DraftMedia{Path: writePreviewPNG(t), Mime: "image/png", Size: 100})
	if ig.problem.Visible() {
		t.Errorf("Instagram problem after adding an image: %q", ig.problem.Text)
	}
	if !xe.preview.media.Visible() || len(xe.preview.media.Objects) != 1 {
		t.Errorf("media grid: visible %v, %d pictures", xe.preview.media.Visible(), len(xe.preview.media.Objects))
	}
	c.appendMedia(app.DraftMedia{Path: writePreviewPNG(t), Mime: "image/png", Size: 100})
	if !strings.Contains(pin.problem.Text, "2 attachments, at most 1 allowed.") {
		t.Errorf("Pinterest with two images: %q", pin.problem.Text)
	}

	// X counts CJK as 2: 150 characters are 300, 20 over.
	xe.text.SetText(strings.Repeat("字", 150))
	if xe.counter.Text != "300 / 280" || xe.counter.Importance != widget.DangerImportance {
		t.Errorf("X counter %q", xe.counter.Text)
	}
	if want := "Too long for X: 300 characters, 20 over its limit of 280. Shorten it or split it into a thread."; xe.problem.Text != want || !xe.problem.Visible() {
		t.Errorf("X problem %q", xe.problem.Text)
	}
	if ig.counter.Text != "54 / 2200" { // Instagram counts the link in full
		t.Errorf("Instagram counts the common text: %q", ig.counter.Text)
	}
}

// TestComposerPreviewAvatar: the stored avatar is shown, else a placeholder.
func TestComposerPreviewAvatar(t *testing.T) {
	test.NewTempApp(t)
	withFile := newPostPreview(xAcc, writePreviewPNG(t), "X")
	found := false
	walk(t, withFile.obj, func(o fyne.CanvasObject) bool {
		if img, ok := o.(*canvas.Image); ok && img.File != "" {
			found = true
		}
		return found
	})
	if !found {
		t.Error("avatar image not shown")
	}
	none := newPostPreview(xAcc, "", "X")
	found = false
	walk(t, none.obj, func(o fyne.CanvasObject) bool {
		if ic, ok := o.(*widget.Icon); ok && ic.Resource == theme.AccountIcon() {
			found = true
		}
		return found
	})
	if !found {
		t.Error("no placeholder without an avatar")
	}
}
