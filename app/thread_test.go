package app

import (
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"localpost/platforms"
)

var xLimits = platforms.Limits{MaxChars: 280, URLWeight: 23, WideWeight: 2}

func TestSplitThread(t *testing.T) {
	small := platforms.Limits{MaxChars: 20}
	cases := []struct {
		name   string
		text   string
		l      platforms.Limits
		number bool
		want   []string
	}{
		{"empty", "  \n ", small, false, nil},
		{"fits", " Short one. ", small, true, []string{"Short one."}},
		{"no limit", strings.Repeat("word ", 100), platforms.Limits{}, false, []string{strings.TrimSpace(strings.Repeat("word ", 100))}},
		{"at sentences", "One two three. Four five six. Seven.", small, false,
			[]string{"One two three.", "Four five six.", "Seven."}},
		{"sentences share a post", "Hi. Yes. No. Maybe so.", small, false, []string{"Hi. Yes. No.", "Maybe so."}},
		{"question and quote", `Is it? "Yes!" she said. Fine.`, platforms.Limits{MaxChars: 14}, false,
			[]string{`Is it? "Yes!"`, "she said.", "Fine."}},
		{"line breaks end sentences", "first line\nsecond line here\nthird", small, false,
			[]string{"first line", "second line here", "third"}},
		{"long sentence by words", "alpha beta gamma delta epsilon zeta eta theta", small, false,
			[]string{"alpha beta gamma", "delta epsilon zeta", "eta theta"}},
		{"long word cut", "abcdefghijklmnopqrstuvwxyz end", platforms.Limits{MaxChars: 10}, false,
			[]string{"abcdefghij", "klmnopqrst", "uvwxyz end"}},
		{"numbered", "One two three. Four five six. Seven.", small, true,
			[]string{"One two three. 1/3", "Four five six. 2/3", "Seven. 3/3"}},
		{"numbering counts", "aaaa bbbb cccc dddd", platforms.Limits{MaxChars: 13}, true,
			[]string{"aaaa bbbb 1/2", "cccc dddd 2/2"}},
		{"link counts 23", "Read https://example.com/a/very/long/path/that/goes/on/and/on/and/on now. Then more.",
			platforms.Limits{MaxChars: 30, URLWeight: 23}, false,
			[]string{"Read https://example.com/a/very/long/path/that/goes/on/and/on/and/on", "now. Then more."}},
		{"CJK counts 2", "日本語のテキスト。もう一つの文。", platforms.Limits{MaxChars: 18, WideWeight: 2}, false,
			[]string{"日本語のテキスト。", "もう一つの文。"}},
		{"paragraph kept inside a post", "A.\n\nB. Cdefgh.", platforms.Limits{MaxChars: 8}, false, []string{"A.\n\nB.", "Cdefgh."}},
	}
	for _, c := range cases {
		got, err := SplitThread(c.text, c.l, c.number)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: SplitThread(%q) = %q, want %q", c.name, c.text, got, c.want)
		}
		checkThread(t, c.text, c.l, c.number, got)
	}
}

func TestSplitThreadLimitTooSmall(t *testing.T) {
	if _, err := SplitThread("日本 語", platforms.Limits{MaxChars: 1, WideWeight: 2}, false); err != ErrThreadLimit {
		t.Errorf("err = %v, want ErrThreadLimit", err)
	}
}

func TestSplitThreadManyParts(t *testing.T) {
	// 120 sentences of 5 characters in posts of 12: over 9 posts, so the
	// numbering needs two digits in every post.
	text := strings.Repeat("Word. ", 120)
	parts, err := SplitThread(text, platforms.Limits{MaxChars: 12}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) < 10 {
		t.Fatalf("%d parts", len(parts))
	}
	checkThread(t, text, platforms.Limits{MaxChars: 12}, true, parts)
	if last := parts[len(parts)-1]; !strings.HasSuffix(last, " "+strconv.Itoa(len(parts))+"/"+strconv.Itoa(len(parts))) {
		t.Errorf("last part %q", last)
	}
}

var numbering = regexp.MustCompile(` \d+/\d+$`)

// checkThread asserts what every split must hold: each part within the
// limit, no empty part, numbering 1..n when asked, and the parts' text
// (numbering removed) being the original's non-space characters in order,
// word for word when no word is longer than a post.
func checkThread(t *testing.T, text string, l platforms.Limits, number bool, parts []string) {
	t.Helper()
	var stripped []string
	for i, p := range parts {
		if strings.TrimSpace(p) == "" || p != strings.TrimSpace(p) {
			t.Fatalf("part %d is empty or untrimmed: %q", i, p)
		}
		if l.MaxChars > 0 && l.CountChars(p) > l.MaxChars {
			t.Fatalf("part %d counts %d, over %d: %q", i, l.CountChars(p), l.MaxChars, p)
		}
		if number && len(parts) > 1 {
			want := " " + strconv.Itoa(i+1) + "/" + strconv.Itoa(len(parts))
			if !strings.HasSuffix(p, want) {
				t.Fatalf("part %d = %q, want suffix %q", i, p, want)
			}
			p = numbering.ReplaceAllString(p, "")
		}
		stripped = append(stripped, p)
	}
	joined := strings.Join(stripped, " ")
	if a, b := strings.Join(strings.Fields(text), ""), strings.Join(strings.Fields(joined), ""); a != b {
		t.Fatalf("characters changed:\n%q\n%q", a, b)
	}
	long := false
	for _, w := range strings.Fields(text) {
		if l.MaxChars > 0 && l.CountChars(w+" 9999/9999") > l.MaxChars {
			long = true
		}
	}
	if !long && !reflect.DeepEqual(strings.Fields(text), strings.Fields(joined)) {
		t.Fatalf("words changed:\n%q\n%q", strings.Fields(text), strings.Fields(joined))
	}
}

func FuzzSplitThread(f *testing.F) {
	f.Add("One two three. Four five six. Seven.", 20, false)
	f.Add("see https://example.com/x and 日本語 😀 and more. Again!", 30, true)
	f.Add(strings.Repeat("Word. ", 200), 12, true)
	f.Add("abcdefghijklmnopqrstuvwxyz", 5, false)
	f.Add("https://ab https://cd", 24, false)
	f.Fuzz(func(t *testing.T, text string, max int, number bool) {
		if max < 12 || max > 600 || len(text) > 4000 {
			t.Skip()
		}
		l := xLimits
		l.MaxChars = max
		parts, err := SplitThread(text, l, number)
		if err != nil {
			t.Fatal(err) // 12 leaves room for a rune and any numbering under 10,000 parts
		}
		if strings.TrimSpace(text) == "" {
			if len(parts) != 0 {
				t.Fatalf("parts for blank text: %q", parts)
			}
			return
		}
		checkThread(t, text, l, number, parts)
	})
}
