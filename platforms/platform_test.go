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
