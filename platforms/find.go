package platforms

import (
	"errors"
	"html"
	"regexp"
	"strings"
)

// Matching a post as Localpost sent it with the same post as a network
// lists it, for Finder. Networks change a text on the way: X escapes &, <
// and >, replaces every link (bare domains too) by a t.co link and appends
// one more for attached media; Mastodon answers HTML, splits links into
// spans and shows a remote mention @name@server as @name; any network may
// re-flow whitespace. A miss makes Localpost publish again, a duplicate,
// so the comparison forgives all of that: links count as "a link" whatever
// their address, and links the network added at the end are ignored.

var (
	// findLinkRe is a link as networks auto-link it: with a scheme, or a
	// bare domain with an optional path ("example.com/menu").
	findLinkRe = regexp.MustCompile(`(?i)\bhttps?://\S+|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?:/\S*)?`)
	// mentionRe is a remote mention, @name@server.
	mentionRe = regexp.MustCompile(`@([\p{L}\p{N}_]+)@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+`)

	htmlBreakRe = regexp.MustCompile(`(?i)<br\s*/?>`)
	htmlParaRe  = regexp.MustCompile(`(?i)</p\s*>`)
	htmlTagRe   = regexp.MustCompile(`<[^>]*>`)
)

// linkMark stands for any link in a match key.
const linkMark = "\uFFFC"

// SameText reports whether got, a post's text as a network lists it, is
// sent, the text Localpost published: whitespace, link addresses and
// remote mentions' servers aside, and with any links the network appended
// (X's link to the attached media). got must already be plain text (see
// HTMLText); an empty sent text matches nothing.
func SameText(sent, got string) bool {
	s, g := matchKey(sent), matchKey(got)
	if s == "" {
		return false
	}
	if s == g {
		return true
	}
	rest, ok := strings.CutPrefix(g, s+" ")
	if !ok {
		return false
	}
	for _, f := range strings.Fields(rest) {
		if f != linkMark {
			return false
		}
	}
	return true
}

// matchKey is the text reduced to what SameText compares.
func matchKey(s string) string {
	s = mentionRe.ReplaceAllString(s, "@$1")
	s = findLinkRe.ReplaceAllString(s, " "+linkMark+" ")
	return strings.Join(strings.Fields(s), " ")
}

// HTMLText turns a post's HTML (Mastodon's content) into plain text:
// paragraphs and line breaks become newlines, tags go (a link's hidden
// parts are text inside spans, so links come back whole), entities are
// decoded.
func HTMLText(content string) string {
	s := htmlBreakRe.ReplaceAllString(content, "\n")
	s = htmlParaRe.ReplaceAllString(s, "\n\n")
	s = htmlTagRe.ReplaceAllString(s, "")
	return strings.TrimSpace(html.UnescapeString(s))
}

// CannotCheck is the error a Finder returns when the network cannot tell
// for this post; msg says why, for the user.
func CannotCheck(msg string) error {
	return &Error{Message: msg, Err: ErrCannotCheck}
}

// LookupError sorts the error of a Finder's listing call. Passing failures
// (no answer, 408, 429, 5xx) and a refused login come back as they are: a
// later look, after a reconnect, may get through. Any other refusal (403:
// no permission to list; an unknown account) means the network will not
// tell, and wraps ErrCannotCheck.
func LookupError(err error) error {
	var pe *Error
	if err == nil || !errors.As(err, &pe) || pe.Status == 0 || pe.Kind == KindRetry || pe.Kind == KindReconnect && pe.Status != 403 {
		return err
	}
	return &Error{Status: pe.Status, Message: pe.Message, Err: errors.Join(ErrCannotCheck, err)}
}
