package app

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"localpost/data"
	"localpost/platforms"
)

// The writing help that needs no AI endpoint: sentences, fitting a text to
// a network's limit, hashtags from the user's own groups and best posts,
// and tips about the draft. Nothing here leaves the computer.

// SplitSentences cuts text into sentences. A sentence ends after . ! ? or
// … (runs like "?!" and closing quotes or brackets included) followed by
// spacing, after 。！？ even without spacing, and at every line break.
// It does not end after an abbreviation (e.g., Dr., vs.), an initial in a
// name ("J. R. R. Tolkien", "John F. Kennedy"), a list number at the start
// of a sentence ("1.") or an ellipsis inside an open quote; "etc." and
// dotted abbreviations (U.S., p.m.) end one only when a capital follows.
// Links and decimals hold no spacing, so they are never cut (nor at a 。
// inside a link). Every piece keeps the spacing after it (and emoji
// standing after its last word), so joining the pieces gives back text;
// no piece is empty.
func SplitSentences(text string) []string {
	var out []string
	for _, sent := range splitSentences(text) {
		var b strings.Builder
		for _, w := range sent {
			b.WriteString(w.s + w.sep)
		}
		out = append(out, b.String())
	}
	return out
}

// splitSentences reads text as sentences of words (see SplitSentences).
// Spacing before the first word is the sep of a first, empty word.
func splitSentences(text string) [][]word {
	words := splitWords(text)
	var out [][]word
	var cur []word
	var q quotes
	for i := 0; i < len(words); i++ {
		cur = append(cur, words[i])
		q.add(words[i].s)
		if i+1 == len(words) || !endsAfter(cur, words[i+1], q.open()) {
			continue
		}
		q = quotes{}
		// Emoji after the last word belong to its sentence ("Done! 🎉").
		for i+1 < len(words) && !hasLineBreak(words[i].sep) && words[i].sep != "" && decoration(words[i+1].s) {
			i++
			cur = append(cur, words[i])
		}
		out = append(out, cur)
		cur = nil
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// cjkStops end a sentence without spacing after them.
const cjkStops = "。！？"

// sentenceClosers may follow a sentence's last mark and still belong to it.
const sentenceClosers = `"')]»”’」』）`

// splitWords cuts text into words with the spacing after each. A word
// also ends after a run of cjkStops (with sentenceClosers) followed by
// more text; such a word has an empty sep.
func splitWords(text string) []word {
	var out []word
	if lead := len(text) - len(strings.TrimLeftFunc(text, unicode.IsSpace)); lead > 0 {
		out = append(out, word{sep: text[:lead]})
		text = text[lead:]
	}
	for text != "" {
		end := 0
		for end < len(text) {
			r, size := utf8.DecodeRuneInString(text[end:])
			if unicode.IsSpace(r) {
				break
			}
			end += size
			if !strings.ContainsRune(cjkStops, r) || strings.Contains(text[:end], "://") {
				continue // a link may hold them: networks count it to the next space
			}
			for end < len(text) {
				r, size := utf8.DecodeRuneInString(text[end:])
				if !strings.ContainsRune(cjkStops+sentenceClosers, r) {
					break
				}
				end += size
			}
			if r, _ := utf8.DecodeRuneInString(text[end:]); end < len(text) && !unicode.IsSpace(r) {
				break
			}
		}
		w := word{s: text[:end]}
		text = text[end:]
		sep := len(text) - len(strings.TrimLeftFunc(text, unicode.IsSpace))
		w.sep, text = text[:sep], text[sep:]
		out = append(out, w)
	}
	return out
}

func hasLineBreak(s string) bool { return strings.ContainsAny(s, "\n\r\v\f\u0085\u2028\u2029") }

// alwaysAbbrev are abbreviations a sentence does not end with (lower case,
// without the final dot).
var alwaysAbbrev = map[string]bool{
	"e.g": true, "i.e": true, "mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true,
	"vs": true, "cf": true, "approx": true, "fig": true, "mt": true,
}

// endsAfter reports whether the sentence cur ends after its last word,
// next being the word that follows; quoted tells whether a quote opened
// in cur is still open.
func endsAfter(cur []word, next word, quoted bool) bool {
	w := cur[len(cur)-1]
	switch {
	case w.s == "": // spacing before the first word
		return false
	case hasLineBreak(w.sep):
		return true
	case w.sep == "": // cut after 。！？ by splitWords
		return true
	}
	core := strings.TrimRight(w.s, sentenceClosers)
	last, _ := utf8.DecodeLastRuneInString(core)
	if !strings.ContainsRune(".!?…", last) {
		return false
	}
	if last == '…' || strings.HasSuffix(core, "...") {
		return !quoted
	}
	if last != '.' || core != w.s {
		return true
	}
	stem := strings.TrimLeft(strings.TrimSuffix(core, "."), openers)
	bare := strings.ToLower(stem)
	switch {
	case alwaysAbbrev[bare]:
		return false
	case isInitial(w.s) && (isInitial(next.s) || len(cur) > 1 && startsUpper(cur[len(cur)-2].s)):
		return false // "J. R. R. Tolkien", "John F. Kennedy"
	case bare == "etc" || dotted.MatchString(bare): // U.S., a.m.
		return startsUpper(next.s)
	case len(cur) == 1 && listNumber.MatchString(bare): // "1. Preheat the oven"
		return false
	}
	return true
}

const openers = `"'([«“‘¿¡`

// isInitial reports whether w is a capital and a dot ("J.", not "I.").
func isInitial(w string) bool {
	w = strings.TrimLeft(w, openers)
	r, size := utf8.DecodeRuneInString(w)
	return len(w) == size+1 && w[size] == '.' && unicode.IsUpper(r) && r != 'I'
}

func startsUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(w, openers))
	return unicode.IsUpper(r)
}

var (
	dotted     = regexp.MustCompile(`^(\pL\.)+\pL$`)
	listNumber = regexp.MustCompile(`^[0-9]{1,3}$`)
)

// quotes counts the quotation marks of a sentence.
type quotes struct{ straight, curly, guillemet int }

func (q *quotes) add(w string) {
	q.straight += strings.Count(w, `"`)
	q.curly += strings.Count(w, "“") - strings.Count(w, "”")
	q.guillemet += strings.Count(w, "«") - strings.Count(w, "»")
}

// open reports whether a quote is still open.
func (q quotes) open() bool { return q.straight%2 == 1 || q.curly > 0 || q.guillemet > 0 }

// decoration reports whether a word is emoji or symbols only, with their
// joiners and modifiers, such as "🎉" or "❤️👍🏽" (not "🎉." or ":)").
func decoration(s string) bool {
	sym := false
	for _, r := range s {
		switch {
		case unicode.IsSymbol(r):
			sym = true
		case !unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
			return false
		}
	}
	return sym
}

// FitToLimit shortens text to the limit as l counts it (X's weights, links
// as URLWeight): whole sentences from the start while they fit, trailing
// spacing trimmed. When the first sentence alone is too long it is cut at
// the last word that fits, ending in "…"; a word longer than the whole
// limit is cut between characters, never inside a link or an emoji
// sequence. cut reports whether anything was dropped; a text that fits is
// returned as it is. When not even one character fits the result is "".
func FitToLimit(text string, l platforms.Limits) (fitted string, cut bool) {
	fitted, how := fitToLimit(text, l)
	return fitted, how != fitAsIs
}

// How fitToLimit shortened a text.
type fitHow int

const (
	fitAsIs      fitHow = iota // it fits
	fitSentences               // whole sentences dropped
	fitWords                   // the first sentence cut with "…"
)

func fitToLimit(text string, l platforms.Limits) (string, fitHow) {
	if l.MaxChars <= 0 || l.CountChars(text) <= l.MaxChars {
		return text, fitAsIs
	}
	fits := func(s string) bool { return l.CountChars(s) <= l.MaxChars }
	trim := func(s string) string { return strings.TrimRightFunc(s, unicode.IsSpace) }
	sents := splitSentences(text)
	var kept strings.Builder
	for _, sent := range sents {
		var s strings.Builder
		for _, w := range sent {
			s.WriteString(w.s + w.sep)
		}
		if !fits(trim(kept.String() + s.String())) {
			break
		}
		kept.WriteString(s.String())
	}
	if out := trim(kept.String()); strings.TrimSpace(out) != "" {
		return out, fitSentences
	}
	// The first sentence alone is too long: whole words while they fit.
	// A word more never lowers the count, so stop at the first misfit.
	var prefix strings.Builder
	best := ""
	for _, w := range sents[0] {
		if w.s == "" {
			prefix.WriteString(w.sep)
			continue
		}
		text := prefix.String() + w.s
		cand, ok := withEllipsis(text)
		switch {
		case ok && fits(cand):
			best = cand
		case ok && best == "": // the first word is too long by itself
			return cutWord(prefix.String(), w.s, fits, 2*l.MaxChars+l.URLWeight+2), fitWords
		case ok || !fits(text): // (only dashes and commas so far)
			return best, fitWords
		}
		prefix.WriteString(w.s + w.sep)
	}
	return best, fitWords
}

// withEllipsis ends a cut text with "…", dropping the spacing and the
// commas or dashes before it, and after a space when it ends in a link (a
// "…" touching it would become part of the address); ok is false when
// nothing is left.
func withEllipsis(s string) (string, bool) {
	s = strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—", r) })
	if links := platforms.URLSpans(s); len(links) > 0 && links[len(links)-1][1] == len(s) {
		return s + " …", true
	}
	return s + "…", strings.TrimSpace(s) != ""
}

// cutWord cuts w, the first word of a text (after lead, its spacing), at
// the longest prefix that fits with "…", not inside an emoji sequence or
// a link; "" when none fits. Counting is not monotonic (a prefix may turn
// into a link), so prefixes are tried up to max runes, more than any
// plain text could fit in.
func cutWord(lead, w string, fits func(string) bool, max int) string {
	links := platforms.URLSpans(w)
	var rs []rune
	var ends []int // byte offset after each rune (invalid bytes are kept as they are)
	for at := 0; at < len(w); {
		r, size := utf8.DecodeRuneInString(w[at:])
		at += size
		rs, ends = append(rs, r), append(ends, at)
	}
	best := ""
	for i := 0; i < len(rs) && i < max; i++ {
		if i+1 < len(rs) && !breakable(rs, i+1) || insideSpan(links, ends[i]) {
			continue
		}
		if cand, ok := withEllipsis(lead + w[:ends[i]]); ok && fits(cand) {
			best = cand
		}
	}
	return best
}

func insideSpan(spans [][]int, at int) bool {
	for _, s := range spans {
		if at > s[0] && at < s[1] {
			return true
		}
	}
	return false
}

// breakable reports whether a text may be cut before rs[i]: not before a
// mark, joiner, variation selector, skin tone, tag or keycap, not after a
// joiner, and not inside a flag (a pair of regional indicators).
func breakable(rs []rune, i int) bool {
	r, prev := rs[i], rs[i-1]
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc), r == 0x200D, prev == 0x200D,
		r == 0xFE0E, r == 0xFE0F, r >= 0x1F3FB && r <= 0x1F3FF, r >= 0xE0020 && r <= 0xE007F, r == 0x20E3:
		return false
	case isRegional(r) && isRegional(prev):
		n := 0 // regional indicators before r: an odd count leaves one waiting for its pair
		for j := i - 1; j >= 0 && isRegional(rs[j]); j-- {
			n++
		}
		return n%2 == 0
	}
	return true
}

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// hashtagInText finds hashtags: # and letters, digits or _, at least one
// letter, not inside a word or link fragment ("a#b", "page#top").
var hashtagInText = regexp.MustCompile(`(?:^|[^\pL\pN_&/#])(#[\pL\pN_]*\pL[\pL\pN_]*)`)

// hashtagsOf returns the hashtags of text in order, repeats included.
func hashtagsOf(text string) []string {
	var out []string
	for _, m := range hashtagInText.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

// stopWords are too common to say two texts are about the same thing.
var stopWords = map[string]bool{
	"the": true, "and": true, "for": true, "with": true, "that": true, "this": true, "from": true, "your": true,
	"you": true, "our": true, "are": true, "was": true, "have": true, "has": true, "but": true, "not": true,
	"all": true, "just": true, "get": true, "out": true, "now": true, "how": true, "what": true, "when": true,
	"who": true, "will": true, "can": true, "its": true, "about": true, "more": true, "some": true, "than": true,
	"then": true, "they": true, "them": true, "their": true, "there": true, "here": true, "into": true, "new": true,
}

// topicWords are the words of text that say what it is about: lower case,
// three letters or more, no stop words, hashtags read as words.
func topicWords(text string) map[string]bool {
	out := map[string]bool{}
	for _, f := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		if utf8.RuneCountInString(f) >= 3 && !stopWords[f] {
			out[f] = true
		}
	}
	return out
}

func sharedWords(a, b map[string]bool) int {
	n := 0
	for w := range a {
		if b[w] {
			n++
		}
	}
	return n
}

// bestPosts is how many of the user's best posts of the last year
// SuggestHashtags reads.
const bestPosts = 50

// SuggestHashtags suggests up to n hashtags for text from what the user
// has: first the hashtag groups whose name or tags share words with the
// text (most shared first), then the hashtags of their best posts of the
// last year by engagement rate, posts that share words with the text
// first. Hashtags already in the text are left out; repeats are dropped
// whatever their case. Nothing is sent anywhere.
func (a *App) SuggestHashtags(ctx context.Context, text string, n int) ([]string, error) {
	if n <= 0 {
		return nil, nil
	}
	words := topicWords(text)
	seen := map[string]bool{}
	for _, h := range hashtagsOf(text) {
		seen[strings.ToLower(h)] = true
	}
	var out []string
	add := func(tags []string) bool {
		for _, h := range tags {
			if k := strings.ToLower(h); !seen[k] {
				seen[k] = true
				out = append(out, h)
			}
			if len(out) == n {
				return true
			}
		}
		return false
	}

	groups, err := a.Store.Snippets(ctx, data.SnippetHashtags)
	if err != nil {
		return nil, fmt.Errorf("suggest hashtags: %w", err)
	}
	type match struct {
		tags  []string
		score int
	}
	var matches []match
	for _, g := range groups {
		if s := sharedWords(words, topicWords(g.Name+" "+g.Body)); s > 0 {
			matches = append(matches, match{hashtagsOf(g.Body), s})
		}
	}
	sort.SliceStable(matches, func(i, j int) bool { return matches[i].score > matches[j].score })
	for _, m := range matches {
		if add(m.tags) {
			return out, nil
		}
	}

	best, err := a.bestPostTexts(ctx)
	if err != nil {
		return nil, fmt.Errorf("suggest hashtags: %w", err)
	}
	sort.SliceStable(best, func(i, j int) bool {
		return sharedWords(words, topicWords(best[i])) > 0 && sharedWords(words, topicWords(best[j])) == 0
	})
	for _, t := range best {
		if add(hashtagsOf(t)) {
			break
		}
	}
	return out, nil
}

// bestPostTexts returns the texts (as published by each account) of the
// user's best posts of the last year, highest engagement rate first;
// posts nobody engaged with are left out.
func (a *App) bestPostTexts(ctx context.Context) ([]string, error) {
	now := a.now()
	stats, err := a.Store.PostStats(ctx, now.AddDate(-1, 0, 0), now, nil, false)
	if err != nil {
		return nil, err
	}
	followers := map[int64]float64{}
	type rated struct {
		st   data.PostStat
		rate float64
	}
	var rs []rated
	for _, st := range stats {
		f, ok := followers[st.AccountID]
		if !ok {
			v, has, err := a.Store.LatestAccountValue(ctx, st.AccountID, platforms.MetricFollowers, now)
			if err != nil {
				return nil, err
			}
			if has {
				f = v
			}
			followers[st.AccountID] = f
		}
		if r, ok := rateOf(st.Values, f); ok && r > 0 {
			rs = append(rs, rated{st, r})
		}
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].rate > rs[j].rate })
	if len(rs) > bestPosts {
		rs = rs[:bestPosts]
	}
	posts := map[int64]data.Post{}
	var out []string
	for _, r := range rs {
		p, ok := posts[r.st.PostID]
		if !ok {
			if p, err = a.Store.Post(ctx, r.st.PostID); err != nil {
				return nil, err
			}
			posts[r.st.PostID] = p
		}
		text := p.Text
		for _, t := range p.Targets {
			if t.ID == r.st.TargetID && t.TextOverride != "" {
				text = t.TextOverride
			}
		}
		out = append(out, text)
	}
	return out, nil
}

// TipOffer is what the composer can do about a tip.
type TipOffer string

// The offers of tips.
const (
	OfferNone   TipOffer = ""
	OfferFit    TipOffer = "fit"    // "Fit to <network>": FitToLimit with the account's limits (AccountLimits)
	OfferThread TipOffer = "thread" // split the text into a thread (SplitThread)
)

// AssistTip is a piece of advice about a draft for one account (AccountID
// 0 and no Network: about the whole draft). Tips are advice: app.Check
// says what stops the draft from being scheduled.
type AssistTip struct {
	AccountID int64
	Network   platforms.Network
	Message   string
	Offer     TipOffer
}

// Instagram refuses a caption with more than instagramMaxTags hashtags;
// more than instagramUsualTags is unusual.
const (
	instagramMaxTags   = 30
	instagramUsualTags = 5
)

// AssistTips gives advice on a draft for each chosen account, on the text
// that account will publish (its variant, else the common text): how many
// characters links take on X, too many hashtags for Instagram, text over
// the limit (offering to fit it, and on X and Mastodon a thread), and
// images without a description when a chosen network stores one.
func (a *App) AssistTips(ctx context.Context, d Draft) []AssistTip {
	var tips []AssistTip
	seen := map[string]bool{}
	altText := false
	for _, id := range d.AccountIDs {
		acc, err := a.Store.Account(ctx, id)
		if err != nil {
			continue // Check says the account is gone
		}
		net, name := platforms.Network(acc.Network), a.networkName(acc.Network)
		l := a.accountLimits(ctx, acc)
		altText = altText || l.AltText
		text, thread := d.Text, false
		if v, ok := d.Variants[id]; ok {
			if v.Text != "" {
				text = v.Text
			}
			thread = len(v.Options.Thread) > 0
		}
		tip := func(offer TipOffer, format string, args ...any) {
			msg := fmt.Sprintf(format, args...)
			if !seen[string(net)+msg] {
				seen[string(net)+msg] = true
				tips = append(tips, AssistTip{AccountID: id, Network: net, Message: msg, Offer: offer})
			}
		}
		if net == platforms.X && l.URLWeight > 0 {
			switch n := len(platforms.URLSpans(text)); {
			case n == 1:
				tip(OfferNone, "The link counts as %d characters on %s (%d of your %d).", l.URLWeight, name, l.URLWeight, l.MaxChars)
			case n > 1:
				tip(OfferNone, "The %d links count as %d characters each on %s (%d of your %d).", n, l.URLWeight, name, n*l.URLWeight, l.MaxChars)
			}
		}
		if net == platforms.Instagram {
			switch n := len(hashtagsOf(text)); {
			case n > instagramMaxTags:
				tip(OfferNone, "%d hashtags: Instagram refuses a post with more than %d. Remove %d of them.", n, instagramMaxTags, n-instagramMaxTags)
			case n > instagramUsualTags:
				tip(OfferNone, "%d hashtags is more than usual on Instagram; most posts use up to %d (Instagram allows %d).", n, instagramUsualTags, instagramMaxTags)
			}
		}
		if l.MaxChars <= 0 || l.CountChars(text) <= l.MaxChars {
			continue
		}
		switch fitted, how := fitToLimit(text, l); {
		case fitted == "":
		case how == fitWords:
			tip(OfferFit, "Too long for %s: \"Fit to %s\" cuts the first sentence at a word (%d of %d characters).", name, name, l.CountChars(fitted), l.MaxChars)
		default:
			tip(OfferFit, "Too long for %s: \"Fit to %s\" keeps the sentences that fit (%d of %d characters) and drops the rest.", name, name, l.CountChars(fitted), l.MaxChars)
		}
		if (net == platforms.X || net == platforms.Mastodon) && !thread {
			if parts, err := SplitThread(text, l, false); err == nil && len(parts) > 1 {
				tip(OfferThread, "As a thread on %s the text makes %d posts, nothing cut.", name, len(parts))
			}
		}
	}
	var images, bare int
	for _, m := range d.Media {
		if strings.HasPrefix(m.Mime, "image/") {
			images++
			if strings.TrimSpace(m.Alt) == "" {
				bare++
			}
		}
	}
	switch {
	case !altText || bare == 0:
	case images == 1:
		tips = append(tips, AssistTip{Message: "The image has no description for people using screen readers: add alt text."})
	default:
		tips = append(tips, AssistTip{Message: fmt.Sprintf("%d of %d images have no description for people using screen readers: add alt text.", bare, images)})
	}
	return tips
}
