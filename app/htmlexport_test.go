package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

func TestExportHTMLIsSelfContained(t *testing.T) {
	e := newImportEnv(t)
	ctx := context.Background()
	plan := e.preview(t, "good.csv")
	if _, err := e.app.ImportCSV(ctx, plan, false); err != nil {
		t.Fatal(err)
	}
	// One more post with text that must be escaped, on both accounts,
	// with a per-network text for X.
	d := Draft{Text: `<script>alert("x")</script> & "quotes" #tag`, AccountIDs: []int64{e.alice.ID, e.alx.ID},
		Day: time.Date(2026, 3, 20, 0, 0, 0, 0, e.berlin), Clock: "18:00", Zone: e.berlin,
		Variants: map[int64]Variant{e.alx.ID: {Text: "Short for X https://x.example/a?b=1&c=2"}}}
	if _, _, err := e.app.Schedule(ctx, d); err != nil {
		t.Fatal(err)
	}

	var buf bytes.Buffer
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, e.berlin)
	n, err := e.app.ExportHTML(ctx, &buf, from, from.AddDate(0, 1, 0))
	if err != nil || n != 4 {
		t.Fatalf("ExportHTML = %d, %v; want the 4 dated March posts", n, err)
	}
	page := buf.String()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}

	// Every post once per network it goes to: 1 + 2 + 1 + 2 cards.
	cards := map[string]int{}
	var links, scripts, imgs []string
	var visit func(*html.Node)
	visit = func(nd *html.Node) {
		if nd.Type == html.ElementNode {
			switch nd.Data {
			case "article":
				cards[textOf(nd)]++
			case "script", "iframe", "object", "embed", "link":
				scripts = append(scripts, nd.Data)
			case "a":
				links = append(links, attr(nd, "href"))
			case "img":
				imgs = append(imgs, attr(nd, "src"))
			}
			for _, a := range nd.Attr {
				if strings.HasPrefix(a.Key, "on") {
					scripts = append(scripts, a.Key)
				}
			}
		}
		for c := nd.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(doc)
	total := 0
	for _, c := range cards {
		total += c
	}
	if total != 6 {
		t.Errorf("%d cards, want 6 (one per post and network)", total)
	}
	for _, want := range []struct {
		text string
		n    int
	}{
		{"Spring sale starts today!", 1},
		{"Two networks, one post.", 2},
		{"Planned in the hour the clocks skip", 1},
		{`<script>alert("x")</script>`, 1}, // as text, escaped, on Mastodon
		{"Short for X", 1},
		{"An idea without a date", 0}, // not planned in the range
	} {
		got := 0
		for c, k := range cards {
			if strings.Contains(c, want.text) {
				got += k
			}
		}
		if got != want.n {
			t.Errorf("%q is in %d cards, want %d", want.text, got, want.n)
		}
	}
	if len(scripts) > 0 {
		t.Errorf("the page has %v", scripts)
	}
	if strings.Contains(page, "<script>") {
		t.Error("a <script> tag reached the page unescaped")
	}
	// No address but the posts' own links, and those only as <a href>.
	wantLinks := map[string]bool{"https://shop.example/sale": true, "https://x.example/a?b=1&c=2": true}
	for _, l := range links {
		if !wantLinks[l] {
			t.Errorf("link to %q", l)
		}
	}
	if len(links) != 2 {
		t.Errorf("%d links, want 2: %q", len(links), links)
	}
	rest := page
	for l := range wantLinks {
		esc := html.EscapeString(l)
		rest = strings.ReplaceAll(rest, `<a href="`+strings.ReplaceAll(esc, "&#34;", "%22")+`" rel="noopener noreferrer">`+esc+`</a>`, "")
	}
	rest = regexp.MustCompile(`data:image/jpeg;base64,[A-Za-z0-9+/=&#;]*`).ReplaceAllString(rest, "")
	if m := regexp.MustCompile(`(?i)(https?:|//[a-z0-9])[^\s"<]*`).FindAllString(rest, -1); len(m) > 0 {
		t.Errorf("the page refers to %q besides the posts' links", m)
	}
	// The image is embedded, scaled down to at most 480 px wide, as a JPEG.
	if len(imgs) != 1 || !strings.HasPrefix(imgs[0], "data:image/jpeg;base64,") {
		t.Fatalf("images = %.80q", imgs)
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(imgs[0], "data:image/jpeg;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width != 480 || cfg.Height != 320 {
		t.Errorf("embedded image %dx%d (%v), want 480x320 from 900x600", cfg.Width, cfg.Height, err)
	}
	for _, s := range []string{"#spring", "class=\"tag\"", "Europe/Berlin", "03:30 CEST", "18:00 CET", "Scheduled", "@alicex", "Ask us anything below"} {
		if !strings.Contains(page, s) {
			t.Errorf("the page does not show %q", s)
		}
	}
}

func TestExportHTMLFileEmptyRange(t *testing.T) {
	e := newImportEnv(t)
	p := t.TempDir() + "/plan.html"
	from := time.Date(2027, 1, 1, 0, 0, 0, 0, e.berlin)
	n, err := e.app.ExportHTMLFile(context.Background(), p, from, from.AddDate(0, 0, 7))
	if err != nil || n != 0 {
		t.Fatalf("ExportHTMLFile = %d, %v", n, err)
	}
	b, err := os.ReadFile(p)
	if err != nil || !strings.Contains(string(b), "No posts are planned in this range.") {
		t.Errorf("file: %v %.200q", err, b)
	}
}

func TestSplitText(t *testing.T) {
	got := splitText("Hi @bob@example.social, see https://a.example/x. #Go and mail me@example.com, C#")
	var kinds []string
	for _, p := range got {
		if p.Kind != "" {
			kinds = append(kinds, p.Kind+":"+p.Text)
		}
	}
	want := "mention:@bob@example.social link:https://a.example/x tag:#Go"
	if strings.Join(kinds, " ") != want {
		t.Errorf("parts = %q, want %q", kinds, want)
	}
}

func TestThumbnailIsWhiteBehindTransparency(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 1000, 10))
	img.Set(0, 0, color.NRGBA{R: 255, A: 255})
	th := thumbnail(img, 100)
	if th.Bounds().Dx() != 100 || th.Bounds().Dy() != 1 {
		t.Fatalf("thumbnail %v", th.Bounds())
	}
	if c := th.RGBAAt(50, 0); c.R != 255 || c.G != 255 || c.B != 255 {
		t.Errorf("transparent pixel became %v, want white", c)
	}
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c)
		}
	}
	f(n)
	return b.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
