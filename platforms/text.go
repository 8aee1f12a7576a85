package platforms

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
)

// urlRe finds http(s) links the way networks that weight URLs see them.
// A link ends at any space or line break, not only RE2's ASCII \s: also
// vertical tab, NEL and Unicode separators (no-break space, U+2028/9).
var urlRe = regexp.MustCompile(`https?://[^\s\v\x{85}\p{Z}<>"]+[^\s\v\x{85}\p{Z}<>".,;:!?)\]'"]`)

type token struct {
	s   string
	url bool
}

// URLSpans returns where the links of text are, as [start, end) byte
// offsets: the links CountChars weights as URLWeight.
func URLSpans(text string) [][]int { return urlRe.FindAllStringIndex(text, -1) }

func splitKeepingURLs(text string) []token {
	var out []token
	last := 0
	for _, loc := range urlRe.FindAllStringIndex(text, -1) {
		if loc[0] > last {
			out = append(out, token{s: text[last:loc[0]]})
		}
		out = append(out, token{s: text[loc[0]:loc[1]], url: true})
		last = loc[1]
	}
	if last < len(text) {
		out = append(out, token{s: text[last:]})
	}
	return out
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

func baseName(p string) string {
	if p == "" {
		return "the file"
	}
	return filepath.Base(p)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
