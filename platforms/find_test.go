package platforms

import (
	"errors"
	"html"
	"testing"
)

func TestSameText(t *testing.T) {
	cases := []struct {
		name      string
		sent, got string
		want      bool
	}{
		{"identical", "Winter hours: 8 to 6", "Winter hours: 8 to 6", true},
		{"whitespace re-flowed", "Winter hours:\n\n8 to 6  ", " Winter hours: 8\tto 6", true},
		{"X t.co link", "Menu: https://example.com/menu?day=mon today", "Menu: https://t.co/abc123XYZ today", true},
		{"X bare domain linked", "See example.com/menu for more", "See https://t.co/abc123 for more", true},
		{"X media link appended", "Our window ❄", "Our window ❄ https://t.co/media1", true},
		{"X link and media link", "Read https://example.com/a", "Read https://t.co/1 https://t.co/2", true},
		{"X escapes", "Tom & Jerry <3 >", html.UnescapeString("Tom &amp; Jerry &lt;3 &gt;"), true},
		{"link at a parenthesis", "(https://example.com/x)", "(https://t.co/zz)", true},
		{"remote mention shortened", "Thanks @bob@other.social!", "Thanks @bob!", true},
		{"other text", "Winter hours", "Summer hours", false},
		{"a word more", "Hello", "Hello world", false},
		{"punctuation more", "Hello", "Hello!", false},
		{"text after the appended link", "Hello", "Hello https://t.co/x and more", false},
		{"a link less", "a https://example.com b", "a b", false},
		{"a link instead of a word", "Go home", "Go https://t.co/x", false},
		{"case matters", "hello", "Hello", false},
		{"empty sent matches nothing", "", "", false},
		{"empty sent, media only", "", "https://t.co/media", false},
	}
	for _, c := range cases {
		if got := SameText(c.sent, c.got); got != c.want {
			t.Errorf("%s: SameText(%q, %q) = %v, want %v", c.name, c.sent, c.got, got, c.want)
		}
	}
}

// TestSameTextMastodonHTML compares texts with statuses as Mastodon renders
// them (links in spans, mentions and hashtags as links, paragraphs, <br>,
// entities).
func TestSameTextMastodonHTML(t *testing.T) {
	cases := []struct {
		name, sent, content string
		want                bool
	}{
		{"paragraphs and breaks",
			"Winter hours\n\nMon–Fri 8 to 6\nSat 9 to 1 & Sun closed",
			`<p>Winter hours</p><p>Mon–Fri 8 to 6<br />Sat 9 to 1 &amp; Sun closed</p>`, true},
		{"link in spans",
			"Menu: https://example.com/winter/menu-2026.pdf",
			`<p>Menu: <a href="https://example.com/winter/menu-2026.pdf" target="_blank" rel="nofollow noopener noreferrer" translate="no">` +
				`<span class="invisible">https://</span><span class="ellipsis">example.com/winter/menu-20</span><span class="invisible">26.pdf</span></a></p>`, true},
		{"mention and hashtag",
			"Thanks @bob@other.social #coffee",
			`<p>Thanks <span class="h-card" translate="no"><a href="https://other.social/@bob" class="u-url mention">@<span>bob</span></a></span> ` +
				`<a href="https://example.social/tags/coffee" class="mention hashtag" rel="tag">#<span>coffee</span></a></p>`, true},
		{"quotes escaped", `She said "it's ready"`, `<p>She said &quot;it&#39;s ready&quot;</p>`, true},
		{"other status", "Winter hours", `<p>Summer hours</p>`, false},
	}
	for _, c := range cases {
		if got := SameText(c.sent, HTMLText(c.content)); got != c.want {
			t.Errorf("%s: SameText(%q, HTMLText(%q) = %q) = %v, want %v", c.name, c.sent, c.content, HTMLText(c.content), got, c.want)
		}
	}
	if got := HTMLText(`<p>a</p><p>b<br>c</p>`); got != "a\n\nb\nc" {
		t.Errorf("HTMLText = %q", got)
	}
}

func TestLookupErrorSortsWhatALaterLookMayFix(t *testing.T) {
	cases := []struct {
		err        error
		cannotTell bool
	}{
		{&Error{Kind: KindRetry, Message: "offline"}, false},
		{ErrorFromStatus(429, "", 0), false},
		{ErrorFromStatus(503, "", 0), false},
		{ErrorFromStatus(401, "", 0), false},
		{&Error{Kind: KindReconnect, Status: 400, Message: "token invalid (Graph code 190)"}, false},
		{ErrorFromStatus(403, "", 0), true},
		{ErrorFromStatus(404, "", 0), true},
		{ErrorFromStatus(400, "", 0), true},
	}
	for _, c := range cases {
		err := LookupError(c.err)
		if got := errors.Is(err, ErrCannotCheck); got != c.cannotTell {
			t.Errorf("LookupError(%v): cannot tell = %v, want %v", c.err, got, c.cannotTell)
		}
		if !errors.Is(err, c.err) {
			t.Errorf("LookupError(%v) lost the cause", c.err)
		}
	}
	if LookupError(nil) != nil {
		t.Error("LookupError(nil) is not nil")
	}
	if !errors.Is(CannotCheck("no text"), ErrCannotCheck) {
		t.Error("CannotCheck does not wrap ErrCannotCheck")
	}
}
