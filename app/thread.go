package app

import (
	"errors"
	"fmt"
	"strings"

	"localpost/platforms"
)

// ErrThreadLimit is returned by SplitThread when the network's limit is too
// small to hold even one character (with its numbering).
var ErrThreadLimit = errors.New("the network's limit is too small to split the text into a thread")

// SplitThread cuts text into the posts of a thread, each within l.MaxChars
// as the network counts (l.CountChars: URLs and wide characters weighted).
// It cuts between sentences where it can, else between words, and only
// cuts inside a word longer than a whole post. With number set, every post
// ends with " i/n", counted in the limit; a text that fits in one post is
// returned as it is, unnumbered. Spacing inside a post is kept; the posts
// are trimmed. An empty text gives no posts.
func SplitThread(text string, l platforms.Limits, number bool) ([]string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	if l.MaxChars <= 0 || l.CountChars(text) <= l.MaxChars {
		return []string{text}, nil
	}
	sentences := splitSentences(text) // assistoffline.go
	if !number {
		return pack(sentences, l, "")
	}
	// The numbering's width depends on how many posts there are: assume
	// 9, and again with more digits until the guess holds.
	for guess := 9; ; guess = guess*10 + 9 {
		width := len(fmt.Sprint(guess))
		worst := fmt.Sprintf(" %d/%d", guess, guess)
		parts, err := pack(sentences, l, worst)
		if err != nil {
			return nil, err
		}
		if len(fmt.Sprint(len(parts))) > width {
			continue
		}
		for i := range parts {
			parts[i] += fmt.Sprintf(" %d/%d", i+1, len(parts))
		}
		return parts, nil
	}
}

// word is a run of non-space characters with the spacing after it.
type word struct{ s, sep string }

// pack fills posts greedily: whole sentences while they fit, a sentence
// too long for a post word by word, a word too long for a post in pieces.
// suffix is what each post will end with (its numbering), counted in.
func pack(sentences [][]word, l platforms.Limits, suffix string) ([]string, error) {
	var parts []string
	var cur strings.Builder // the post being filled, untrimmed
	fits := func(s string) bool {
		return l.CountChars(strings.TrimSpace(s)+suffix) <= l.MaxChars
	}
	flush := func() {
		if p := strings.TrimSpace(cur.String()); p != "" {
			parts = append(parts, p)
		}
		cur.Reset()
	}
	for _, sent := range sentences {
		var whole strings.Builder
		for _, w := range sent {
			whole.WriteString(w.s + w.sep)
		}
		if fits(cur.String() + whole.String()) {
			cur.WriteString(whole.String())
			continue
		}
		flush()
		if fits(whole.String()) {
			cur.WriteString(whole.String())
			continue
		}
		for _, w := range sent {
			if fits(cur.String() + w.s) {
				cur.WriteString(w.s + w.sep)
				continue
			}
			flush()
			piece := w.s
			for !fits(piece) {
				n := longestFit(piece, fits, l)
				if n == 0 {
					return nil, ErrThreadLimit
				}
				parts = append(parts, piece[:n])
				piece = piece[n:]
			}
			cur.WriteString(piece + w.sep)
		}
	}
	flush()
	return parts, nil
}

// longestFit returns the byte length of the longest prefix of w (whole
// runes) that fits, 0 if not even one rune does. Counting is not
// monotonic (a prefix may turn into a link that counts 23), so prefixes
// are tried one by one, up to a length no plain text could fit in.
func longestFit(w string, fits func(string) bool, l platforms.Limits) int {
	best, runes := 0, 0
	for i := range w {
		if i > 0 && fits(w[:i]) {
			best = i
		}
		if runes++; runes > 2*l.MaxChars+l.URLWeight {
			break
		}
	}
	return best
}
