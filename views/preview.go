package views

import (
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
	"localpost/platforms"
)

// The preview under each variant: the post as the account's followers
// will see it in their feed — avatar, name and handle, the text with
// links, mentions and hashtags coloured, the pictures, and the "see more"
// cut where the network folds a long post.

// seeMoreCuts are where networks fold a post in the feed behind "see
// more", in characters. They are approximate display cuts, not limits of
// the API: they vary with the device, the layout and line breaks, and the
// networks do not document them. Networks not listed show the whole post.
var seeMoreCuts = map[platforms.Network]int{
	platforms.Facebook:  480,
	platforms.LinkedIn:  210,
	platforms.Instagram: 125,
}

// spanKind is what a piece of preview text is.
type spanKind int

const (
	spanPlain spanKind = iota
	spanLink
	spanMention
	spanHashtag
)

// previewSpan is a piece of the previewed text.
type previewSpan struct {
	text string
	kind spanKind
}

// previewRE finds links (as the networks see them: up to a space, without
// trailing punctuation), @mentions (with an optional @server, as on
// Mastodon) and #hashtags.
var previewRE = regexp.MustCompile(`https?://[^\s<>"]+[^\s<>".,;:!?)\]'"]|@[\p{L}\p{N}_.]*[\p{L}\p{N}_](?:@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)?|#[\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*`)

// previewSpans splits text into plain, link, mention and hashtag spans.
// A mention or hashtag counts only at the start of a word (not in
// "me@example.com" or "C#").
func previewSpans(text string) []previewSpan {
	var out []previewSpan
	plain := func(s string) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].kind == spanPlain {
			out[n-1].text += s
			return
		}
		out = append(out, previewSpan{text: s})
	}
	last := 0
	for _, loc := range previewRE.FindAllStringIndex(text, -1) {
		s := text[loc[0]:loc[1]]
		kind := spanLink
		switch s[0] {
		case '@':
			kind = spanMention
		case '#':
			kind = spanHashtag
		}
		if kind != spanLink && loc[0] > 0 {
			if r, _ := utf8.DecodeLastRuneInString(text[:loc[0]]); unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '/' {
				continue // inside a word or an address
			}
		}
		plain(text[last:loc[0]])
		out = append(out, previewSpan{text: s, kind: kind})
		last = loc[1]
	}
	plain(text[last:])
	return out
}

// feedCut returns the part of text a feed shows before "see more": the
// first cut characters, back to the last space if one is near, and
// whether anything was folded away. cut <= 0 shows everything.
func feedCut(text string, cut int) (string, bool) {
	text = strings.TrimSpace(text)
	if cut <= 0 || utf8.RuneCountInString(text) <= cut {
		return text, false
	}
	rs := []rune(text)
	end := cut
	for i := cut; i > cut*3/4; i-- {
		if unicode.IsSpace(rs[i]) {
			end = i
			break
		}
	}
	return strings.TrimRightFunc(string(rs[:end]), unicode.IsSpace), true
}

// seeMore is the text that ends a folded post.
const seeMore = "… see more"

// previewSegments are the rich-text segments of the preview of text on a
// network: coloured links, mentions and hashtags, cut where the network
// folds it.
func previewSegments(text string, network platforms.Network) []widget.RichTextSegment {
	shown, folded := feedCut(text, seeMoreCuts[network])
	var segs []widget.RichTextSegment
	for _, sp := range previewSpans(shown) {
		st := widget.RichTextStyleInline
		switch sp.kind {
		case spanLink:
			st.ColorName = theme.ColorNameHyperlink
		case spanMention, spanHashtag:
			st.ColorName = theme.ColorNamePrimary
		}
		segs = append(segs, &widget.TextSegment{Text: sp.text, Style: st})
	}
	if folded {
		st := widget.RichTextStyleInline
		st.ColorName = theme.ColorNamePlaceHolder
		segs = append(segs, &widget.TextSegment{Text: seeMore, Style: st})
	}
	return segs
}

// postPreview shows one account's post as its network will.
type postPreview struct {
	network  platforms.Network
	text     *widget.RichText
	media    *fyne.Container
	mediaKey string // the attachments shown, to rebuild the grid only when they change
	obj      fyne.CanvasObject
}

const avatarSize = 40

// newPostPreview builds the preview card of acc. avatarFile is the stored
// avatar ("" = a placeholder); netName is the network's display name.
func newPostPreview(acc data.Account, avatarFile, netName string) *postPreview {
	p := &postPreview{network: platforms.Network(acc.Network)}
	var avatar fyne.CanvasObject
	if avatarFile != "" {
		img := canvas.NewImageFromFile(avatarFile)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSquareSize(avatarSize))
		avatar = img
	} else {
		avatar = container.NewGridWrap(fyne.NewSquareSize(avatarSize), widget.NewIcon(theme.AccountIcon()))
	}
	name := acc.DisplayName
	if name == "" {
		name = acc.Handle
	}
	who := container.NewVBox(
		ext(&widget.Label{Text: name, TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}),
		ext(&widget.Label{Text: acc.Handle, Importance: widget.LowImportance, Truncation: fyne.TextTruncateEllipsis}))
	p.text = ext(&widget.RichText{Wrapping: fyne.TextWrapWord})
	p.media = container.NewGridWithColumns(2)
	p.media.Hide()
	card := container.NewVBox(container.NewBorder(nil, nil, avatar, nil, who), p.text, p.media)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	p.obj = container.NewVBox(
		ext(&widget.Label{Text: "Preview on " + netName, TextStyle: fyne.TextStyle{Italic: true}, Importance: widget.LowImportance}),
		container.NewStack(bg, container.NewPadded(card)))
	return p
}

// update shows text and media.
func (p *postPreview) update(text string, media []app.DraftMedia) {
	p.text.Segments = previewSegments(text, p.network)
	p.text.Refresh()
	var key strings.Builder
	for _, m := range media {
		key.WriteString(m.Path + "\x00")
	}
	if key.String() == p.mediaKey {
		return
	}
	p.mediaKey = key.String()
	var objs []fyne.CanvasObject
	for _, m := range media {
		objs = append(objs, previewThumb(m))
	}
	p.media.Objects = objs
	p.media.Layout = gridFor(len(objs))
	p.media.Hidden = len(objs) == 0
	p.media.Refresh()
}

// gridFor lays out n pictures as feeds do: one wide, else two a row.
func gridFor(n int) fyne.Layout {
	return layout.NewGridLayoutWithColumns(min(max(n, 1), 2))
}

// previewThumb is one attachment in the grid: the picture, or an icon for
// a video or a document.
func previewThumb(m app.DraftMedia) fyne.CanvasObject {
	var icon fyne.Resource
	switch {
	case isVideo(m):
		icon = theme.MediaVideoIcon()
	case m.Mime == "application/pdf" || strings.EqualFold(filepath.Ext(m.Path), ".pdf"):
		icon = theme.DocumentIcon()
	}
	if icon != nil {
		return container.NewGridWrap(fyne.NewSquareSize(96), widget.NewIcon(icon))
	}
	img := canvas.NewImageFromFile(m.Path)
	img.FillMode = canvas.ImageFillCover
	img.SetMinSize(fyne.NewSize(96, 96))
	return img
}
