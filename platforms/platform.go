// Package platforms holds the contract every social network client implements:
// limits as data, validation, the post shape the clients publish and the typed
// errors that tell the app whether to reconnect, fix the post or retry.
//
// Packages under platforms never import data or Fyne; the app package
// translates between stored posts and platforms.Post.
package platforms

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Network names a social network. The value is stored in the database.
type Network string

// The networks Localpost knows.
const (
	Mastodon Network = "mastodon"
)

// Limits describe what a network accepts, as data the composer can show.
type Limits struct {
	MaxChars       int      // maximum text length as the network counts it
	URLWeight      int      // if > 0, every URL counts as this many characters
	WideWeight     int      // if > 0, characters outside X's "light" ranges (CJK, emoji) count this much
	MaxMedia       int      // maximum attachments per post
	MaxImageBytes  int64    // largest image accepted, 0 = unknown
	MaxVideoBytes  int64    // largest video accepted, 0 = unknown
	MediaTypes     []string // accepted MIME types
	MediaRequired  bool     // a post without media is refused
	AltText        bool     // the network stores alt text
	MaxAltChars    int      // longest alt text, 0 = no limit known
	NativeSchedule bool     // the network can hold a scheduled post itself
}

// Media is one attachment as a client uploads it.
type Media struct {
	Path string // absolute path of the file on disk
	Mime string
	Size int64
	Alt  string
	// PublicURL is where the file can be fetched by the network, for
	// networks that pull media (Instagram); set by the app after it put the
	// file in the user's public media location.
	PublicURL string
}

// Post is what a client publishes: the text already tailored for this
// network, its media, and a key the network can use to drop a repeat.
type Post struct {
	Text           string
	Media          []Media
	IdempotencyKey string
	Options        Options
}

// Result is where a published post lives.
type Result struct {
	RemoteID string
	URL      string
}

// Account is the profile a token belongs to.
type Account struct {
	RemoteID    string
	Handle      string // e.g. @alice@example.social
	DisplayName string
	AvatarURL   string
	URL         string
}

// Publisher publishes one post with an access token.
type Publisher interface {
	Publish(ctx context.Context, token string, p Post) (Result, error)
}

// Problem is one thing wrong with a post, for the composer to show.
type Problem struct {
	Field   string // "text", "media", "media[2]", ...
	Message string
}

func (p Problem) String() string { return p.Field + ": " + p.Message }

// CountChars counts text the way a network with these limits does.
// Mastodon counts code points and every URL as URLWeight characters.
// X also counts characters outside its light ranges as WideWeight.
func (l Limits) CountChars(text string) int {
	if l.URLWeight <= 0 {
		return l.countRunes(text)
	}
	n := 0
	for _, tok := range splitKeepingURLs(text) {
		if tok.url {
			n += l.URLWeight
		} else {
			n += l.countRunes(tok.s)
		}
	}
	return n
}

func (l Limits) countRunes(s string) int {
	if l.WideWeight <= 0 {
		return utf8.RuneCountInString(s)
	}
	// X counts the NFC form (a decomposed "é" is one character) and an
	// emoji sequence (skin tone, ZWJ family, flag, keycap) as one emoji.
	rs := []rune(norm.NFC.String(s))
	n := 0
	for i := 0; i < len(rs); i++ {
		if end := emojiEnd(rs, i); end > i {
			n += l.WideWeight
			i = end - 1
			continue
		}
		if isLight(rs[i]) {
			n++
		} else {
			n += l.WideWeight
		}
	}
	return n
}

// emojiEnd returns the end of the emoji sequence starting at rs[i], or i
// when none starts there. It follows the shapes twitter-text counts as
// one emoji: a pictograph with variation selectors, skin tones, tags and
// ZWJ-joined pictographs; a pair of regional indicators (a flag); a
// keycap (digit, # or *, optional U+FE0F, U+20E3).
func emojiEnd(rs []rune, i int) int {
	r := rs[i]
	switch {
	case isRegional(r):
		if i+1 < len(rs) && isRegional(rs[i+1]) {
			return i + 2
		}
		return i + 1
	case r == '#' || r == '*' || (r >= '0' && r <= '9'):
		j := i + 1
		if j < len(rs) && rs[j] == 0xFE0F {
			j++
		}
		if j < len(rs) && rs[j] == 0x20E3 {
			return j + 1
		}
		return i
	case !isPictograph(r):
		return i
	}
	j := i + 1
	for j < len(rs) {
		switch c := rs[j]; {
		case c == 0xFE0F || c == 0xFE0E || (c >= 0x1F3FB && c <= 0x1F3FF) || (c >= 0xE0020 && c <= 0xE007F):
			j++
		case c == 0x200D && j+1 < len(rs) && isPictograph(rs[j+1]):
			j += 2
		default:
			return j
		}
	}
	return j
}

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// isPictograph approximates Unicode's Extended_Pictographic: the emoji
// blocks and the older symbol blocks that have emoji presentations.
func isPictograph(r rune) bool {
	return (r >= 0x1F000 && r <= 0x1FAFF) || (r >= 0x2600 && r <= 0x27BF) || (r >= 0x2300 && r <= 0x23FF) ||
		(r >= 0x2B00 && r <= 0x2BFF) || (r >= 0x2190 && r <= 0x21FF) || r == 0x3030 || r == 0x303D || r == 0x3297 || r == 0x3299
}

// isLight reports the code points X counts as one (twitter-text's
// default ranges); everything else, CJK and emoji included, counts two.
func isLight(r rune) bool {
	return r <= 0x10FF || (r >= 0x2000 && r <= 0x200D) || (r >= 0x2010 && r <= 0x201F) || (r >= 0x2032 && r <= 0x2037)
}

// Validate checks a post against the limits. Files are checked by the
// caller (it knows where they live); here only counts, sizes and types.
func (l Limits) Validate(p Post) []Problem {
	var probs []Problem
	n := l.CountChars(p.Text)
	switch {
	case n == 0 && len(p.Media) == 0:
		probs = append(probs, Problem{"text", "The post is empty: write something or attach an image."})
	case l.MaxChars > 0 && n > l.MaxChars:
		probs = append(probs, Problem{"text", fmt.Sprintf("%d characters, %d over this server's limit of %d.", n, n-l.MaxChars, l.MaxChars)})
	}
	for i, t := range p.Options.Thread {
		field := fmt.Sprintf("thread[%d]", i)
		switch n := l.CountChars(t); {
		case n == 0:
			probs = append(probs, Problem{field, fmt.Sprintf("Part %d of the thread is empty: write something or remove it.", i+2)})
		case l.MaxChars > 0 && n > l.MaxChars:
			probs = append(probs, Problem{field, fmt.Sprintf("Part %d of the thread: %d characters, %d over the limit of %d.", i+2, n, n-l.MaxChars, l.MaxChars)})
		}
	}
	if l.MediaRequired && len(p.Media) == 0 {
		probs = append(probs, Problem{"media", "This network needs at least one image or video."})
	}
	if l.MaxMedia >= 0 && len(p.Media) > l.MaxMedia {
		probs = append(probs, Problem{"media", fmt.Sprintf("%d attachments, at most %d allowed.", len(p.Media), l.MaxMedia)})
	}
	for i, m := range p.Media {
		field := fmt.Sprintf("media[%d]", i)
		if len(l.MediaTypes) > 0 && !contains(l.MediaTypes, m.Mime) {
			probs = append(probs, Problem{field, fmt.Sprintf("%s is not accepted (%s); use one of %v.", baseName(m.Path), m.Mime, l.MediaTypes)})
		}
		limit := l.MaxImageBytes
		if strings.HasPrefix(m.Mime, "video/") {
			limit = l.MaxVideoBytes
		}
		if limit > 0 && m.Size > limit {
			probs = append(probs, Problem{field, fmt.Sprintf("%s is %s, the limit is %s.", baseName(m.Path), humanBytes(m.Size), humanBytes(limit))})
		}
		if l.MaxAltChars > 0 && utf8.RuneCountInString(m.Alt) > l.MaxAltChars {
			probs = append(probs, Problem{field, fmt.Sprintf("alt text is over %d characters.", l.MaxAltChars)})
		}
	}
	return probs
}

// Kind says what the user (or the publisher) should do about an error.
type Kind int

// The kinds of error a client returns.
const (
	KindUnknown      Kind = iota
	KindReconnect         // the token was refused: reconnect the account
	KindFixPost           // the network refused the post: edit it
	KindRetry             // temporary: try again later
	KindDisconnected      // the account is gone or was removed
)

func (k Kind) String() string {
	switch k {
	case KindReconnect:
		return "needs reconnect"
	case KindFixPost:
		return "fix the post"
	case KindRetry:
		return "temporary"
	case KindDisconnected:
		return "disconnected"
	}
	return "unknown"
}

// Error is the typed error every client returns for a failed call.
// Message is safe to show to the user and never holds a token.
type Error struct {
	Kind       Kind
	Status     int           // HTTP status, 0 if none
	Message    string        // human, from the network where it said something useful
	RetryAfter time.Duration // for KindRetry, what the network asked for (0 = unknown)
	Err        error         // the cause, for logs
}

func (e *Error) Error() string {
	s := e.Message
	if e.Status != 0 {
		s = fmt.Sprintf("%s (HTTP %d)", s, e.Status)
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of err, KindUnknown if it is not a *Error.
// Network failures without a response count as KindRetry.
func KindOf(err error) Kind {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Kind
	}
	return KindUnknown
}

// RetryAfterOf returns the wait the network asked for, or 0.
func RetryAfterOf(err error) time.Duration {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.RetryAfter
	}
	return 0
}

// ErrorFromStatus builds the typed error for an HTTP status. The caller
// passes the network's own message where it had one.
func ErrorFromStatus(status int, msg string, retryAfter time.Duration) *Error {
	e := &Error{Status: status, Message: msg, RetryAfter: retryAfter}
	switch {
	case status == 401:
		e.Kind = KindReconnect
		if e.Message == "" {
			e.Message = "The network refused the saved login"
		}
	case status == 403:
		e.Kind = KindReconnect
		if e.Message == "" {
			e.Message = "The network refused this action for the account"
		}
	case status == 404 || status == 410:
		e.Kind = KindDisconnected
		if e.Message == "" {
			e.Message = "The account or server is gone"
		}
	case status == 408 || status == 425 || status == 429 || status >= 500:
		e.Kind = KindRetry
		if e.Message == "" {
			e.Message = "The network is busy or down"
		}
	case status >= 400:
		e.Kind = KindFixPost
		if e.Message == "" {
			e.Message = "The network refused the post"
		}
	}
	return e
}
