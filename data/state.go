package data

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// validState reports whether st is one of the known states.
func validState(st PostState) bool {
	switch st {
	case StateDraft, StateScheduled, StatePublishing, StatePublished, StateFailed, StateUncertain, StateMissed:
		return true
	}
	return false
}

// DeriveState is the state of a post with targets in the given states. The
// first rule that matches wins, so what needs the user's eye comes first:
//
//  1. no targets                      → draft
//  2. any target publishing           → publishing
//  3. any uncertain                   → uncertain
//  4. any failed                      → failed
//  5. any missed                      → missed
//  6. any scheduled                   → scheduled (even if others are published)
//  7. all published                   → published
//  8. otherwise (drafts, maybe mixed with published) → draft
func DeriveState(states []TargetState) PostState {
	if len(states) == 0 {
		return StateDraft
	}
	has := make(map[PostState]bool, len(states))
	for _, st := range states {
		has[st] = true
	}
	for _, st := range []PostState{StatePublishing, StateUncertain, StateFailed, StateMissed, StateScheduled} {
		if has[st] {
			return st
		}
	}
	if len(has) == 1 && has[StatePublished] {
		return StatePublished
	}
	return StateDraft
}

// snippetRunes is how much of a post the calendar shows.
const snippetRunes = 60

// Snippet is what the calendar shows for a post: its title if it has one,
// else its text, on one line (runs of spaces and control characters become
// one space), cut to 60 characters ending in "…".
func Snippet(title, text string) string {
	s := strings.TrimSpace(title)
	if s == "" {
		s = strings.TrimSpace(text)
	}
	// Control characters count as spaces: a snippet is one line, and the
	// calendar query relies on it holding none (see calendar.go).
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if utf8.RuneCountInString(s) <= snippetRunes {
		return s
	}
	n := 0
	for i := range s {
		if n == snippetRunes-1 {
			return strings.TrimRightFunc(s[:i], unicode.IsSpace) + "…"
		}
		n++
	}
	return s
}

func stateError(st PostState) error {
	return fmt.Errorf("unknown state %q", st)
}
