package platforms

import (
	"strings"
	"testing"
)

func TestCountCharsWeightsURLs(t *testing.T) {
	l := Limits{MaxChars: 500, URLWeight: 23}
	cases := []struct {
		text string
		want int
	}{
		{"", 0},
		{"hello", 5},
		{"héllo wörld", 11},
		{"see https://example.com/a/very/long/path/that/is/long", 4 + 23},
		{"a https://x.io, b http://y.io.", 2 + 23 + 4 + 23 + 1},
	}
	for _, c := range cases {
		if got := l.CountChars(c.text); got != c.want {
			t.Errorf("CountChars(%q) = %d, want %d", c.text, got, c.want)
		}
	}
}

func TestValidate(t *testing.T) {
	l := Limits{MaxChars: 10, MaxMedia: 1, MediaTypes: []string{"image/png"}, MaxImageBytes: 100}
	if p := l.Validate(Post{}); len(p) != 1 || p[0].Field != "text" {
		t.Fatalf("empty post: %v", p)
	}
	p := l.Validate(Post{Text: strings.Repeat("x", 12)})
	if len(p) != 1 || !strings.Contains(p[0].Message, "2 over") {
		t.Fatalf("long post: %v", p)
	}
	p = l.Validate(Post{Text: "ok", Media: []Media{{Path: "/a/b.gif", Mime: "image/gif", Size: 200}, {Mime: "image/png"}}})
	if len(p) != 3 {
		t.Fatalf("media problems: %v", p)
	}
	if got := l.Validate(Post{Text: "fine"}); len(got) != 0 {
		t.Fatalf("valid post has problems: %v", got)
	}
}

func TestErrorFromStatus(t *testing.T) {
	for status, kind := range map[int]Kind{401: KindReconnect, 422: KindFixPost, 429: KindRetry, 503: KindRetry, 404: KindDisconnected} {
		if k := KindOf(ErrorFromStatus(status, "", 0)); k != kind {
			t.Errorf("status %d: kind %v, want %v", status, k, kind)
		}
	}
}

func TestCountCharsWeighsWideCharacters(t *testing.T) {
	x := Limits{MaxChars: 280, URLWeight: 23, WideWeight: 2}
	for text, want := range map[string]int{
		"hello":                     5,
		"日本語":                       6,
		"café ☕":                    4 + 1 + 2,
		"see https://example.com 😀": 4 + 23 + 1 + 2,
	} {
		if got := x.CountChars(text); got != want {
			t.Errorf("CountChars(%q) = %d, want %d", text, got, want)
		}
	}
}

func TestValidateSizesByKind(t *testing.T) {
	l := Limits{MaxMedia: 2, MaxImageBytes: 10, MaxVideoBytes: 1000}
	ok := Post{Text: "x", Media: []Media{{Mime: "image/png", Size: 10}, {Mime: "video/mp4", Size: 500}}}
	if p := l.Validate(ok); len(p) != 0 {
		t.Fatalf("a video under the video limit was refused: %v", p)
	}
	big := Post{Text: "x", Media: []Media{{Mime: "video/mp4", Size: 1001}}}
	if p := l.Validate(big); len(p) != 1 {
		t.Fatalf("a video over the video limit: %v", p)
	}
}

// TestCountCharsXDocsExamples checks the examples of X's "Counting
// characters" page (docs.x.com/fundamentals/counting-characters): emoji
// count 2 however many code points they take, CJK 2, every URL 23, the
// NFC form is counted, and 280 is the limit.
func TestCountCharsXDocsExamples(t *testing.T) {
	x := Limits{MaxChars: 280, URLWeight: 23, WideWeight: 2}
	cases := []struct {
		name, text string
		want       int
	}{
		{"single emoji U+1F47E", "👾", 2},
		{"skin tone", "🙋🏽", 2},
		{"ZWJ combination", "👨\u200d🎤", 2},
		{"family: 4 emoji, 3 ZWJ", "👨\u200d👩\u200d👧\u200d👦", 2},
		{"flag", "🇯🇵", 2},
		{"keycap", "1\ufe0f\u20e3", 2},
		{"emoji with variation selector", "❤\ufe0f", 2},
		{"two emoji", "👾👾", 4},
		{"CJK", "你好", 4},
		{"Japanese", "こんにちは世界", 14},
		{"Korean", "안녕", 4},
		{"URL", "https://example.com", 23},
		{"long URL", "https://example.com/very/long/path", 23},
		{"URL in text", "Read https://example.com/very/long/path now", 5 + 23 + 4},
		{"café composed", "caf\u00e9", 4},
		{"café decomposed", "cafe\u0301", 4},
		{"Latin-1 and punctuation, … outside the ranges", "naïve — “quoted” …", 17 + 2},
		{"arrow outside the light ranges", "→", 2},
	}
	for _, c := range cases {
		if got := x.CountChars(c.text); got != c.want {
			t.Errorf("%s: CountChars(%q) = %d, want %d", c.name, c.text, got, c.want)
		}
	}
	// The limit: 280 Latin characters fit, 140 CJK characters or emoji fit,
	// one more does not.
	for _, c := range []struct {
		unit string
		fit  int
	}{{"a", 280}, {"字", 140}, {"👾", 140}, {"🙋🏽", 140}} {
		if p := x.Validate(Post{Text: strings.Repeat(c.unit, c.fit)}); len(p) != 0 {
			t.Errorf("%d × %q refused: %v", c.fit, c.unit, p)
		}
		if p := x.Validate(Post{Text: strings.Repeat(c.unit, c.fit+1)}); len(p) != 1 {
			t.Errorf("%d × %q accepted", c.fit+1, c.unit)
		}
	}
}

// TestCountCharsMastodon: Mastodon counts code points, every URL as the
// server's characters_reserved_per_url (23), and no wide weight.
func TestCountCharsMastodon(t *testing.T) {
	m := Limits{MaxChars: 500, URLWeight: 23}
	for text, want := range map[string]int{
		"日本語":                          3,
		"👾":                            1,
		"see https://example.com/long": 4 + 23,
	} {
		if got := m.CountChars(text); got != want {
			t.Errorf("CountChars(%q) = %d, want %d", text, got, want)
		}
	}
}

func TestValidateThreadParts(t *testing.T) {
	l := Limits{MaxChars: 10}
	p := l.Validate(Post{Text: "head", Options: Options{Thread: []string{"fine", "", strings.Repeat("x", 11)}}})
	if len(p) != 2 || p[0].Field != "thread[1]" || p[1].Field != "thread[2]" || !strings.Contains(p[1].Message, "1 over") {
		t.Fatalf("problems = %v", p)
	}
}

// A link ends at any space, not only ASCII ones: the words after a
// no-break space, a vertical tab or a line separator are counted as text.
func TestLinkEndsAtAnySpace(t *testing.T) {
	l := Limits{MaxChars: 500, URLWeight: 23}
	for _, sep := range []string{"\u00a0", "\v", "\u2028", "\u0085", " "} {
		text := "https://example.com/a" + sep + "hello"
		if got, want := l.CountChars(text), 23+1+5; got != want {
			t.Errorf("%q: %d, want %d (the link, the space, five letters)", text, got, want)
		}
		if spans := URLSpans(text); len(spans) != 1 || text[spans[0][0]:spans[0][1]] != "https://example.com/a" {
			t.Errorf("%q: links %v", text, spans)
		}
	}
}
