package app

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"localpost/data"
	"localpost/platforms"
)

func TestSplitSentences(t *testing.T) {
	cases := []struct {
		name string
		text string
		want []string
	}{
		{"empty", "", nil},
		{"spacing only", " \n ", []string{" \n "}},
		{"three marks", "One. Two! Three? Four", []string{"One. ", "Two! ", "Three? ", "Four"}},
		{"runs", "Really?! Yes!!! Ok…  Then... more", []string{"Really?! ", "Yes!!! ", "Ok…  ", "Then... ", "more"}},
		{"no space after mark", "end.Next and 3.5 or 1,000.50 dollars. Done.", []string{"end.Next and 3.5 or 1,000.50 dollars. ", "Done."}},
		{"leading spacing stays with the first", "  Hi. You.", []string{"  Hi. ", "You."}},
		{"line breaks", "first line\nsecond\n\nthird. fourth", []string{"first line\n", "second\n\n", "third. ", "fourth"}},
		{"crlf", "a\r\nb", []string{"a\r\n", "b"}},
		{"links", "See https://example.com/a.b?x=1. Then https://example.com/q? ok", []string{"See https://example.com/a.b?x=1. ", "Then https://example.com/q? ", "ok"}},
		{"abbreviations", "Use e.g. flour, i.e. white. Dr. Who and Mrs. Hudson vs. Mr. Smith at St. Paul's. End",
			[]string{"Use e.g. flour, i.e. white. ", "Dr. Who and Mrs. Hudson vs. Mr. Smith at St. Paul's. ", "End"}},
		{"abbreviation case", "As E.G. here. (Dr. No) done.", []string{"As E.G. here. ", "(Dr. No) done."}},
		{"etc", "apples, pears, etc. and more. Fruit etc. Then", []string{"apples, pears, etc. and more. ", "Fruit etc. ", "Then"}},
		{"dotted", "At 5 p.m. today in the U.S. It rains.", []string{"At 5 p.m. today in the U.S. ", "It rains."}},
		{"initials", "J. R. R. Tolkien met John F. Kennedy. Take vitamin C. Then I. Went", []string{"J. R. R. Tolkien met John F. Kennedy. ", "Take vitamin C. ", "Then I. ", "Went"}},
		{"initial alone", "A.\n\nB. Cdefgh.", []string{"A.\n\n", "B. ", "Cdefgh."}},
		{"list numbers", "1. Preheat.\n2. Bake it 2. Ok", []string{"1. Preheat.\n", "2. Bake it 2. ", "Ok"}},
		{"quotes", `Is it? "Yes!" she said. Fine.`, []string{"Is it? ", `"Yes!" `, "she said. ", "Fine."}},
		{"ellipsis in quotes", `"Wait… what?" he said. «Hm… so» ok. “So… yes” fine`,
			[]string{`"Wait… what?" `, "he said. ", "«Hm… so» ok. ", "“So… yes” fine"}},
		{"closing bracket", "(It works.) Next", []string{"(It works.) ", "Next"}},
		{"emoji stay", "Done! 🎉 🎉 Next one. 👍🏽\nLast ❤️ here", []string{"Done! 🎉 🎉 ", "Next one. 👍🏽\n", "Last ❤️ here"}},
		{"emoji at the end", "Launch day! 🚀", []string{"Launch day! 🚀"}},
		{"cjk", "日本語のテキスト。もう一つ！「はい。」次", []string{"日本語のテキスト。", "もう一つ！", "「はい。」", "次"}},
		{"cjk in link", "見てhttps://example.com/a。b 次", []string{"見てhttps://example.com/a。b 次"}},
	}
	for _, c := range cases {
		got := SplitSentences(c.text)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: SplitSentences(%q) =\n %q, want\n %q", c.name, c.text, got, c.want)
		}
		if strings.Join(got, "") != c.text {
			t.Errorf("%s: joined %q, want %q", c.name, strings.Join(got, ""), c.text)
		}
	}
}

// FuzzSplitSentences checks that the pieces give back the text, none is
// empty, no link is cut, and that FitToLimit keeps to the limit with
// what it returns taken from the start of the text.
func FuzzSplitSentences(f *testing.F) {
	for _, s := range []string{"", "One. Two! Three?", "Dr. No e.g. 3.5 etc. Then", "a\n\nb\r\n", "日本。語！", `"Wait… what?" ok`,
		"See https://example.com/a. Then", "Done! 🎉 👨‍👩‍👧 🇫🇷 1️⃣ x", " \t lead", "\xff. \xfe! ", "J. R. Tolkien. U.S. It"} {
		f.Add(s)
	}
	l := platforms.Limits{MaxChars: 40, URLWeight: 23, WideWeight: 2}
	f.Fuzz(func(t *testing.T, s string) {
		pieces := SplitSentences(s)
		if got := strings.Join(pieces, ""); got != s {
			t.Fatalf("joined %q, want %q", got, s)
		}
		at := 0
		var cuts []int
		for _, p := range pieces {
			if p == "" {
				t.Fatalf("empty piece in %q", pieces)
			}
			at += len(p)
			cuts = append(cuts, at)
		}
		for _, span := range platforms.URLSpans(s) {
			for _, c := range cuts {
				if c > span[0] && c < span[1] {
					t.Fatalf("link %q cut at %d: %q", s[span[0]:span[1]], c, pieces)
				}
			}
		}
		fitted, cut := FitToLimit(s, l)
		if !cut {
			if fitted != s || l.CountChars(s) > l.MaxChars {
				t.Fatalf("FitToLimit(%q) = %q uncut", s, fitted)
			}
			return
		}
		if n := l.CountChars(fitted); n > l.MaxChars {
			t.Fatalf("FitToLimit(%q) = %q, %d characters", s, fitted, n)
		}
		if !strings.HasPrefix(s, strings.TrimSuffix(fitted, "…")) && !strings.HasPrefix(s, strings.TrimRightFunc(strings.TrimSuffix(fitted, "…"), unicode.IsSpace)) {
			t.Fatalf("FitToLimit(%q) = %q, not from the start", s, fitted)
		}
	})
}

func TestFitToLimit(t *testing.T) {
	mastodon := platforms.Limits{MaxChars: 500, URLWeight: 23}
	instagram := platforms.Limits{MaxChars: 2200}
	link := "https://example.com/" + strings.Repeat("long/", 20) // 120 characters, 23 on X
	s100 := strings.Repeat("word ", 19) + "end."                 // 99 characters
	cases := []struct {
		name string
		text string
		l    platforms.Limits
		want string
		cut  bool
	}{
		{"fits as is", "  Short.  ", xLimits, "  Short.  ", false},
		{"no limit", strings.Repeat("x", 5000), platforms.Limits{}, strings.Repeat("x", 5000), false},
		{"whole sentences on X", s100 + " " + s100 + " " + s100 + " Last.", xLimits, s100 + " " + s100, true},
		{"links count 23 on X", "Read " + link + " now. " + s100 + " " + s100 + " More " + link + " here. " + s100, xLimits,
			"Read " + link + " now. " + s100 + " " + s100 + " More " + link + " here.", true}, // 33 + 1 + 99 + 1 + 99 + 1 + 34 = 268
		{"emoji count 2 on X", "Yay " + strings.Repeat("🎉", 100) + ". Wow " + strings.Repeat("🎉", 50) + ". End.", xLimits,
			"Yay " + strings.Repeat("🎉", 100) + ".", true}, // 205; with the next 205 + 1 + 105 > 280
		{"emoji after a sentence stay", "Done! 🎉🎉 " + strings.Repeat("x", 280), xLimits, "Done! 🎉🎉", true},
		{"long first sentence cut at a word", strings.Repeat("alpha ", 60) + "end. Next.", xLimits,
			strings.TrimSpace(strings.Repeat("alpha ", 46)) + "…", true}, // 46*6-1 = 275, "…" counts 2 on X: 277; 47 words: 283
		{"cut drops a comma", strings.Repeat("ab ", 91) + "abcd, efghij and more.", xLimits,
			strings.Repeat("ab ", 91) + "abcd…", true}, // 273 + 4 + 2 = 279
		{"cut never inside a link", strings.Repeat("aa ", 85) + link + " tail", xLimits,
			strings.TrimSpace(strings.Repeat("aa ", 85)) + "…", true}, // with the link 254 + 1 + 23 + " …" 3 = 281
		{"cut after a link", strings.Repeat("aa ", 80) + link + " " + strings.Repeat("x", 50), xLimits,
			strings.Repeat("aa ", 80) + link + " …", true},
		{"long link alone", link + link + link, platforms.Limits{MaxChars: 100}, "", true},
		{"cut never inside an emoji sequence", "bbbbb👨‍👩‍👧bbbbb", platforms.Limits{MaxChars: 10},
			"bbbbb…", true}, // "bbbbb👨‍👩…" would count 9
		{"the family fits whole on X", strings.Repeat("b", 276) + "👨‍👩‍👧" + strings.Repeat("b", 9), xLimits,
			strings.Repeat("b", 276) + "👨‍👩‍👧…", true}, // 276 + 2 + 2
		{"a flag is kept whole", "🇫🇷🇫🇷🇫🇷🇫🇷", platforms.Limits{MaxChars: 6}, "🇫🇷🇫🇷…", true},
		{"one huge word", strings.Repeat("z", 300), xLimits, strings.Repeat("z", 278) + "…", true},
		{"flags on X", strings.Repeat("🇫🇷", 200), xLimits, strings.Repeat("🇫🇷", 139) + "…", true},
		{"Mastodon 500", strings.Repeat(s100+" ", 5) + "Over.", mastodon, strings.TrimSpace(strings.Repeat(s100+" ", 5)), true},
		{"Mastodon links 23", strings.Repeat(link+" ", 20) + "fits", mastodon, strings.Repeat(link+" ", 20) + "fits", false},
		{"Instagram 2200", strings.Repeat(s100+"\n", 22) + "Over the limit.", instagram, strings.TrimSpace(strings.Repeat(s100+"\n", 22)), true},
		{"Instagram counts links", strings.Repeat(link+" ", 20), instagram, strings.Repeat(link+" ", 18) + "…", true}, // 18*121 + "…"; a "…" touching the link would join it
		{"nothing fits", "🎉🎉", platforms.Limits{MaxChars: 2, WideWeight: 2}, "", true},
	}
	for _, c := range cases {
		got, cut := FitToLimit(c.text, c.l)
		if got != c.want || cut != c.cut {
			t.Errorf("%s: FitToLimit = %q (%d chars), %v; want %q (%d), %v", c.name, got, c.l.CountChars(got), cut, c.want, c.l.CountChars(c.want), c.cut)
		}
		if c.l.MaxChars > 0 && c.l.CountChars(got) > c.l.MaxChars {
			t.Errorf("%s: %d characters, over %d", c.name, c.l.CountChars(got), c.l.MaxChars)
		}
	}
}

func TestSuggestHashtags(t *testing.T) {
	a, x, m := analyticsApp(t) // now is 2026-11-08
	ctx := context.Background()
	for _, g := range []data.SavedSnippet{
		{Kind: data.SnippetHashtags, Name: "Coffee", Body: "#coffee #Espresso #barista"},
		{Kind: data.SnippetHashtags, Name: "Running", Body: "#running #marathon"},
		{Kind: data.SnippetHashtags, Name: "Bread baking", Body: "#sourdough #bread"},
		{Kind: data.SnippetText, Name: "coffee signature", Body: "#notatag from a text snippet"},
	} {
		if _, err := a.Store.SaveSnippet(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	post := func(acc data.Account, at, text string, impressions, likes float64) data.SeedPost {
		p := seed(acc, at, map[string]float64{"impressions": impressions, "likes": likes})
		p.Text = text
		return p
	}
	err := a.Store.SeedPublished(ctx, []data.SeedPost{
		post(x, "2025-10-01 10:00", "A year ago #ancient", 1000, 900),                                // before the last year
		post(x, "2026-10-01 10:00", "Fresh roast today #coffeelover #ESPRESSO #latteart", 1000, 200), // rate 0.2
		post(m, "2026-10-02 10:00", "Our team at the marathon #teamspirit", 1000, 50),                // 0.05, shares "marathon"
		post(m, "2026-10-03 10:00", "Nobody liked this #zero", 1000, 0),                              // rate 0
		post(x, "2026-10-04 10:00", "Good one #middle", 1000, 100),                                   // 0.1
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	text := "Morning coffee and a long run before the marathon #coffee #BARISTA"
	got, err := a.SuggestHashtags(ctx, text, 20)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"#Espresso", "#running", "#marathon", "#teamspirit", "#coffeelover", "#latteart", "#middle"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SuggestHashtags = %q, want %q", got, want)
	}
	if got, _ := a.SuggestHashtags(ctx, text, 2); !reflect.DeepEqual(got, want[:2]) {
		t.Errorf("at most 2: %q, want %q", got, want[:2])
	}
	// Nothing shares a word: the groups stay out, the best posts come by rate.
	if got, _ := a.SuggestHashtags(ctx, "Quiet evening", 3); !reflect.DeepEqual(got, []string{"#coffeelover", "#ESPRESSO", "#latteart"}) {
		t.Errorf("unrelated text: %q", got)
	}
	if got, err := a.SuggestHashtags(ctx, text, 0); err != nil || got != nil {
		t.Errorf("n = 0: %q, %v", got, err)
	}
}

func TestSuggestHashtagsEmptyStore(t *testing.T) {
	a, _, _ := analyticsApp(t)
	got, err := a.SuggestHashtags(context.Background(), "Anything at all #here", 5)
	if err != nil || len(got) != 0 {
		t.Errorf("empty store: %q, %v", got, err)
	}
}

func TestAssistTips(t *testing.T) {
	a, x, m := analyticsApp(t)
	ctx := context.Background()
	ig, err := a.Store.SaveAccount(ctx, data.Account{Network: "instagram", RemoteID: "3", Handle: "@shop.ig"})
	if err != nil {
		t.Fatal(err)
	}
	tt, err := a.Store.SaveAccount(ctx, data.Account{Network: "tiktok", RemoteID: "4", Handle: "@shop.tt"})
	if err != nil {
		t.Fatal(err)
	}
	tags := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(" #tag" + string(rune('a'+i%26)) + strings.Repeat("x", i/26))
		}
		return b.String()
	}
	s100 := strings.Repeat("word ", 19) + "end."
	img := func(alt string) DraftMedia { return DraftMedia{Path: "/nowhere/a.jpg", Mime: "image/jpeg", Alt: alt} }
	type tip struct {
		acc   int64
		msg   string
		offer TipOffer
	}
	cases := []struct {
		name string
		d    Draft
		want []tip
	}{
		{"nothing to say", Draft{Text: "Hello https://example.com", AccountIDs: []int64{m.ID}}, nil},
		{"two links on X", Draft{Text: "A https://a.example/x and https://b.example/y", AccountIDs: []int64{x.ID, m.ID}},
			[]tip{{x.ID, "The 2 links count as 23 characters each on X (46 of your 280).", OfferNone}}},
		{"one link on X", Draft{Text: "A https://a.example", AccountIDs: []int64{x.ID}},
			[]tip{{x.ID, "The link counts as 23 characters on X (23 of your 280).", OfferNone}}},
		{"the variant is read", Draft{Text: "plain", AccountIDs: []int64{x.ID}, Variants: map[int64]Variant{x.ID: {Text: "see https://a.example"}}},
			[]tip{{x.ID, "The link counts as 23 characters on X (23 of your 280).", OfferNone}}},
		{"31 hashtags on Instagram", Draft{Text: "Photo" + tags(31), AccountIDs: []int64{ig.ID, m.ID}},
			[]tip{{ig.ID, "31 hashtags: Instagram refuses a post with more than 30. Remove 1 of them.", OfferNone}}},
		{"8 hashtags on Instagram", Draft{Text: "Photo" + tags(8), AccountIDs: []int64{ig.ID}},
			[]tip{{ig.ID, "8 hashtags is more than usual on Instagram; most posts use up to 5 (Instagram allows 30).", OfferNone}}},
		{"5 hashtags on Instagram", Draft{Text: "Photo" + tags(5) + " and a#b page#top", AccountIDs: []int64{ig.ID}}, nil},
		{"images without alt text", Draft{Text: "Pics", AccountIDs: []int64{m.ID}, Media: []DraftMedia{img(""), img("A cat"), img("  "),
			{Path: "/nowhere/v.mp4", Mime: "video/mp4"}}},
			[]tip{{0, "2 of 3 images have no description for people using screen readers: add alt text.", OfferNone}}},
		{"one image", Draft{Text: "Pic", AccountIDs: []int64{m.ID}, Media: []DraftMedia{img("")}},
			[]tip{{0, "The image has no description for people using screen readers: add alt text.", OfferNone}}},
		{"over the limit on X", Draft{Text: s100 + " " + s100 + " " + s100, AccountIDs: []int64{x.ID, m.ID}},
			[]tip{{x.ID, `Too long for X: "Fit to X" keeps the sentences that fit (199 of 280 characters) and drops the rest.`, OfferFit},
				{x.ID, "As a thread on X the text makes 2 posts, nothing cut.", OfferThread}}},
		{"thread already made", Draft{Text: s100 + " " + s100 + " " + s100, AccountIDs: []int64{x.ID},
			Variants: map[int64]Variant{x.ID: {Options: platforms.Options{Thread: []string{"more"}}}}},
			[]tip{{x.ID, `Too long for X: "Fit to X" keeps the sentences that fit (199 of 280 characters) and drops the rest.`, OfferFit}}},
		{"one long sentence on Mastodon", Draft{Text: strings.Repeat("alpha ", 100), AccountIDs: []int64{m.ID}},
			[]tip{{m.ID, `Too long for Mastodon: "Fit to Mastodon" cuts the first sentence at a word (498 of 500 characters).`, OfferFit},
				{m.ID, "As a thread on Mastodon the text makes 2 posts, nothing cut.", OfferThread}}},
		{"no thread on Instagram", Draft{Text: strings.Repeat(s100+" ", 23), AccountIDs: []int64{ig.ID}},
			[]tip{{ig.ID, `Too long for Instagram: "Fit to Instagram" keeps the sentences that fit (2199 of 2200 characters) and drops the rest.`, OfferFit}}},
		{"TikTok stores no alt text", Draft{Text: "Pic", AccountIDs: []int64{tt.ID}, Media: []DraftMedia{img("")}}, nil},
		{"gone account", Draft{Text: "x", AccountIDs: []int64{999}}, nil},
	}
	for _, c := range cases {
		var got []tip
		for _, tp := range a.AssistTips(ctx, c.d) {
			got = append(got, tip{tp.AccountID, tp.Message, tp.Offer})
			if tp.AccountID != 0 {
				if acc, err := a.Store.Account(ctx, tp.AccountID); err != nil || platforms.Network(acc.Network) != tp.Network {
					t.Errorf("%s: tip for account %d names network %q", c.name, tp.AccountID, tp.Network)
				}
			}
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: tips\n %+v\nwant\n %+v", c.name, got, c.want)
		}
	}
}
