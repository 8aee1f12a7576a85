package linkedin

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"localpost/platforms"
)

// reserved are the characters of LinkedIn's "little" text format
// (learn.microsoft.com/linkedin/marketing/community-management/shares/
// little-text-format): unescaped, LinkedIn cuts the commentary at the
// first one it cannot parse, and still answers 201.
const reserved = `\|{}@[]()<>#*_~`

var linkRe = regexp.MustCompile(`https?://[^\s<>"]+`)

// EscapeLittle makes plain text safe as "little" commentary: every reserved
// character gets a backslash, except inside links (so they stay links) and
// the # of a hashtag (so it stays a hashtag).
func EscapeLittle(text string) string {
	var b strings.Builder
	last := 0
	for _, loc := range linkRe.FindAllStringIndex(text, -1) {
		escapeInto(&b, text[last:loc[0]])
		b.WriteString(text[loc[0]:loc[1]])
		last = loc[1]
	}
	escapeInto(&b, text[last:])
	return b.String()
}

func escapeInto(b *strings.Builder, s string) {
	rs := []rune(s)
	for i, r := range rs {
		if r == '#' && i+1 < len(rs) && (unicode.IsLetter(rs[i+1]) || unicode.IsDigit(rs[i+1])) {
			b.WriteRune(r)
			continue
		}
		if strings.ContainsRune(reserved, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
}

type mediaKind int

const (
	kindImage mediaKind = iota
	kindVideo
	kindDocument
	kindOther
)

func kindOf(mime string) mediaKind {
	switch {
	case slices.Contains(ImageTypes, mime):
		return kindImage
	case slices.Contains(VideoTypes, mime):
		return kindVideo
	case slices.Contains(DocumentTypes, mime):
		return kindDocument
	}
	return kindOther
}

// Validate checks p against LinkedIn's rules: the shared limits plus what
// they cannot say (a post holds images, or one video, or one document;
// sizes differ by kind).
func (p *Provider) Validate(post platforms.Post) []platforms.Problem {
	probs := p.Limits().Validate(post)
	var images, videos, docs int
	for i, m := range post.Media {
		field := fmt.Sprintf("media[%d]", i)
		name := filepath.Base(m.Path)
		switch kindOf(m.Mime) {
		case kindImage:
			images++
		case kindVideo:
			videos++
			if m.Size > MaxVideoBytes {
				probs = append(probs, platforms.Problem{Field: field, Message: fmt.Sprintf("%s is over LinkedIn's 500 MB video limit.", name)})
			} else if m.Size > 0 && m.Size < MinVideoBytes {
				probs = append(probs, platforms.Problem{Field: field, Message: fmt.Sprintf("%s is under LinkedIn's 75 KB minimum for a video.", name)})
			}
		case kindDocument:
			docs++
			if m.Size > MaxDocBytes {
				probs = append(probs, platforms.Problem{Field: field, Message: fmt.Sprintf("%s is over LinkedIn's 100 MB document limit.", name)})
			}
		}
	}
	switch {
	case videos > 0 && (videos > 1 || images > 0 || docs > 0):
		probs = append(probs, platforms.Problem{Field: "media", Message: "A LinkedIn post holds one video and nothing else."})
	case docs > 0 && (docs > 1 || images > 0):
		probs = append(probs, platforms.Problem{Field: "media", Message: "A LinkedIn post holds one document (PDF, PowerPoint or Word) and nothing else."})
	}
	return probs
}

func problemsError(probs []platforms.Problem) error {
	msgs := make([]string, len(probs))
	for i, pr := range probs {
		msgs[i] = pr.String()
	}
	return &platforms.Error{Kind: platforms.KindFixPost, Message: strings.Join(msgs, " ")}
}
