package app

// Exporting a date range as one HTML page a client can approve offline:
// every post as it will look on each network it goes to, images embedded
// as small JPEGs, styles inline, no scripts and nothing fetched from
// anywhere.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"html/template"
	"image"
	"image/color"
	_ "image/gif" // decoders for the thumbnails
	"image/jpeg"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"localpost/data"
)

const (
	// exportImageWidth is the widest an embedded image gets: enough to
	// judge it, small enough that a month of posts stays a few MB.
	exportImageWidth  = 480
	exportJPEGQuality = 72
	// exportMaxPixels skips images too large to decode safely.
	exportMaxPixels = 60_000_000
)

// textPart is a piece of a post's text: plain, a link, a hashtag or a
// mention, so the page can show them as the networks do.
type textPart struct {
	Text string
	Kind string // "", "link", "tag", "mention"
}

// textPartRe finds links, hashtags and mentions (@user or @user@server).
var textPartRe = regexp.MustCompile(`https?://[^\s<>"]+[^\s<>".,;:!?)\]'"]|#[\p{L}\p{N}_]+|@[A-Za-z0-9_.]+(?:@[A-Za-z0-9.-]+[A-Za-z0-9])?`)

// splitText cuts text into plain pieces and links, hashtags and mentions.
func splitText(text string) []textPart {
	var out []textPart
	last := 0
	for _, loc := range textPartRe.FindAllStringIndex(text, -1) {
		s := text[loc[0]:loc[1]]
		// A # or @ inside a word (an e-mail address, "C#") is not a tag.
		if (s[0] == '#' || s[0] == '@') && loc[0] > 0 && isWordByte(text[loc[0]-1]) {
			continue
		}
		if loc[0] > last {
			out = append(out, textPart{Text: text[last:loc[0]]})
		}
		kind := "link"
		switch s[0] {
		case '#':
			kind = "tag"
		case '@':
			kind = "mention"
		}
		out = append(out, textPart{Text: s, Kind: kind})
		last = loc[1]
	}
	if last < len(text) {
		out = append(out, textPart{Text: text[last:]})
	}
	return out
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b >= 0x80
}

type exportImage struct {
	Src  template.URL // a data: URI made here, never user input
	Alt  string
	Note string // for media not embedded: what it is
}

type exportCard struct {
	Network      string
	Account      string // display name
	Handle       string
	Initial      string
	Text         []textPart
	FirstComment []textPart
	Images       []exportImage
	State        string
	StateClass   string
}

type exportPost struct {
	When  string
	Cards []exportCard
}

type exportDay struct {
	Day   string
	Posts []exportPost
}

type exportPage struct {
	Title     string
	Range     string
	Zone      string
	Generated string
	Count     int
	Days      []exportDay
}

// ExportHTML writes the posts planned in [from, to) to w as one
// self-contained HTML page, times shown in the user's zone. It returns how
// many posts it holds.
func (a *App) ExportHTML(ctx context.Context, w io.Writer, from, to time.Time) (int, error) {
	loc := a.Location()
	entries, err := a.Store.CalendarEntries(ctx, from, to)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	accs, err := a.Store.Accounts(ctx)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	byID := map[int64]data.Account{}
	for _, acc := range accs {
		byID[acc.ID] = acc
	}
	last := to.Add(-time.Millisecond).In(loc)
	page := exportPage{
		Title:     "Posts for approval",
		Range:     from.In(loc).Format("Monday 2 January 2006") + " – " + last.Format("Monday 2 January 2006"),
		Zone:      loc.String(),
		Generated: a.now().In(loc).Format("2 January 2006, 15:04 MST"),
	}
	thumbs := map[int64]exportImage{}
	for _, e := range entries {
		p, err := a.Store.Post(ctx, e.PostID)
		if err != nil {
			return 0, fmt.Errorf("export: %w", err)
		}
		at := p.PlannedAt.In(loc)
		dayName := at.Format("Monday 2 January 2006")
		if n := len(page.Days); n == 0 || page.Days[n-1].Day != dayName {
			page.Days = append(page.Days, exportDay{Day: dayName})
		}
		ep := exportPost{When: at.Format("15:04 MST")}
		var images []exportImage
		for _, m := range p.Media {
			img, ok := thumbs[m.ID]
			if !ok {
				img = a.exportThumb(m)
				thumbs[m.ID] = img
			}
			img.Alt = m.Alt
			images = append(images, img)
		}
		for _, t := range p.Targets {
			acc := byID[t.AccountID]
			c := exportCard{
				Network: a.networkName(acc.Network), Account: acc.DisplayName, Handle: acc.Handle,
				Text: splitText(p.Text), Images: images,
				State: stateLabel(t), StateClass: string(t.State),
			}
			if c.Account == "" {
				c.Account = acc.Handle
			}
			if r := []rune(strings.TrimLeft(c.Account, "@")); len(r) > 0 {
				c.Initial = strings.ToUpper(string(r[0]))
			}
			if t.TextOverride != "" {
				c.Text = splitText(t.TextOverride)
			}
			if fc := targetOptions(t).FirstComment; fc != "" {
				c.FirstComment = splitText(fc)
			}
			ep.Cards = append(ep.Cards, c)
		}
		d := &page.Days[len(page.Days)-1]
		d.Posts = append(d.Posts, ep)
		page.Count++
	}
	bw := bufio.NewWriter(w)
	if err := exportTemplate.Execute(bw, page); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	return page.Count, nil
}

// ExportHTMLFile is ExportHTML into a file (replaced only once it is
// complete).
func (a *App) ExportHTMLFile(ctx context.Context, path string, from, to time.Time) (int, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".localpost-export-*")
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	n, err := a.ExportHTML(ctx, tmp, from, to)
	if err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	return n, nil
}

func stateLabel(t data.Target) string {
	switch t.State {
	case data.StateDraft:
		return "Draft"
	case data.StateScheduled:
		return "Scheduled"
	case data.StatePublishing:
		return "Publishing"
	case data.StatePublished:
		return "Published"
	case data.StateFailed:
		return "Failed"
	case data.StateMissed:
		return "Missed"
	case data.StateUncertain:
		return "Uncertain"
	}
	return string(t.State)
}

// exportThumb is a stored image scaled down to exportImageWidth and
// encoded as a JPEG data: URI; other media get a note instead.
func (a *App) exportThumb(m data.Media) exportImage {
	kind := "File"
	switch {
	case strings.HasPrefix(m.Mime, "video/"):
		kind = "Video"
	case m.Mime == "application/pdf":
		kind = "PDF document"
	case strings.HasPrefix(m.Mime, "image/"):
		kind = "Image"
	}
	note := exportImage{Note: fmt.Sprintf("%s (%s, not shown here)", kind, strings.TrimPrefix(filepath.Ext(m.File), "."))}
	if m.Mime != "image/png" && m.Mime != "image/jpeg" && m.Mime != "image/gif" {
		return note
	}
	f, err := os.Open(a.Store.MediaPath(m))
	if err != nil {
		note.Note = "Image missing from the data folder"
		return note
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil || cfg.Width*cfg.Height > exportMaxPixels || cfg.Width == 0 || cfg.Height == 0 {
		return note
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return note
	}
	img, _, err := image.Decode(f)
	if err != nil {
		return note
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, thumbnail(img, exportImageWidth), &jpeg.Options{Quality: exportJPEGQuality}); err != nil {
		return note
	}
	return exportImage{Src: template.URL("data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(b.Bytes()))}
}

// thumbnail scales img down to at most maxW pixels wide (never up),
// averaging the pixels each output pixel covers, on white (JPEG has no
// transparency).
func thumbnail(img image.Image, maxW int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	nw, nh := w, h
	if w > maxW {
		nw, nh = maxW, max(1, h*maxW/w)
	}
	dst := image.NewRGBA(image.Rect(0, 0, nw, nh))
	for y := range nh {
		y0, y1 := b.Min.Y+y*h/nh, b.Min.Y+max((y+1)*h/nh, y*h/nh+1)
		sy := max(1, (y1-y0)/4) // sample at most 4×4 pixels per output pixel
		for x := range nw {
			x0, x1 := b.Min.X+x*w/nw, b.Min.X+max((x+1)*w/nw, x*w/nw+1)
			sx := max(1, (x1-x0)/4)
			var r, g, bl, n uint64
			for yy := y0; yy < y1; yy += sy {
				for xx := x0; xx < x1; xx += sx {
					cr, cg, cb, ca := img.At(xx, yy).RGBA()
					white := uint64(0xffff - ca) // premultiplied: add the white behind
					r, g, bl, n = r+uint64(cr)+white, g+uint64(cg)+white, bl+uint64(cb)+white, n+1
				}
			}
			dst.SetRGBA(x, y, color.RGBA{R: uint8(r / n >> 8), G: uint8(g / n >> 8), B: uint8(bl / n >> 8), A: 0xff})
		}
	}
	return dst
}

var exportTemplate = template.Must(template.New("export").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Localpost">
<title>{{.Title}} · {{.Range}}</title>
<style>
body{margin:0;padding:24px;background:#f3f4f6;color:#111827;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header{max-width:1100px;margin:0 auto 16px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid #d1d5db}
.meta{color:#6b7280;font-size:13px}
main{max-width:1100px;margin:0 auto}
.post{margin:0 0 18px}
.when{font-weight:600;margin:0 0 6px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:12px;width:320px;box-sizing:border-box}
.net{font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.04em;color:#6b7280;display:flex;justify-content:space-between}
.who{display:flex;align-items:center;gap:8px;margin:8px 0}
.avatar{width:36px;height:36px;border-radius:50%;background:#6366f1;color:#fff;display:flex;align-items:center;justify-content:center;font-weight:700}
.name{font-weight:600}
.handle{color:#6b7280;font-size:13px}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
.text a{color:#2563eb;text-decoration:none}
.tag,.mention{color:#2563eb}
.media{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:4px;margin-top:8px}
.media img{width:100%;border-radius:6px;display:block}
.media .file{background:#f3f4f6;border-radius:6px;padding:20px 8px;text-align:center;color:#6b7280;font-size:13px}
.comment{margin-top:8px;padding-top:8px;border-top:1px dashed #e5e7eb;font-size:14px}
.comment b{color:#6b7280;font-weight:600;font-size:12px}
.state{font-size:11px;border-radius:8px;padding:1px 7px;background:#e5e7eb;color:#374151;text-transform:none;letter-spacing:0}
.state.scheduled{background:#dbeafe;color:#1e40af}.state.published{background:#dcfce7;color:#166534}
.state.failed,.state.missed,.state.uncertain{background:#fee2e2;color:#991b1b}
.approve{margin-top:10px;font-size:13px;color:#6b7280}
@media print{body{background:#fff}.card{break-inside:avoid}}
</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<div class="meta">{{.Range}} · times in {{.Zone}} · {{.Count}} {{if eq .Count 1}}post{{else}}posts{{end}} · made by Localpost on {{.Generated}}</div>
</header>
<main>
{{- if not .Days}}<p>No posts are planned in this range.</p>{{end}}
{{- range .Days}}
<h2>{{.Day}}</h2>
{{- range .Posts}}
<section class="post">
<div class="when">{{.When}}</div>
<div class="cards">
{{- range .Cards}}
<article class="card">
<div class="net"><span>{{.Network}}</span><span class="state {{.StateClass}}">{{.State}}</span></div>
<div class="who"><div class="avatar">{{.Initial}}</div><div><div class="name">{{.Account}}</div><div class="handle">{{.Handle}}</div></div></div>
<div class="text">{{template "text" .Text}}</div>
{{- if .Images}}
<div class="media">{{range .Images}}{{if .Src}}<img src="{{.Src}}" alt="{{.Alt}}">{{else}}<div class="file">{{.Note}}</div>{{end}}{{end}}</div>
{{- end}}
{{- if .FirstComment}}
<div class="comment"><b>First comment</b><div class="text">{{template "text" .FirstComment}}</div></div>
{{- end}}
<div class="approve">☐ Approved &nbsp; ☐ Changes: ________________</div>
</article>
{{- end}}
</div>
</section>
{{- end}}
{{- end}}
</main>
</body>
</html>
{{define "text"}}{{range .}}{{if eq .Kind "link"}}<a href="{{.Text}}" rel="noopener noreferrer">{{.Text}}</a>{{else if eq .Kind "tag"}}<span class="tag">{{.Text}}</span>{{else if eq .Kind "mention"}}<span class="mention">{{.Text}}</span>{{else}}{{.Text}}{{end}}{{end}}{{end}}
`))
