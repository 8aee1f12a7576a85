package data

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestHashtagBody(t *testing.T) {
	for in, want := range map[string]string{
		"#go #golang":           "#go #golang",
		"go, golang;  #Go rust": "#go #golang #rust",
		"##fyne\n#desktop":      "#fyne #desktop",
		" , # ":                 "",
	} {
		if got := HashtagBody(in); got != want {
			t.Errorf("HashtagBody(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSnippetsCRUD(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)

	sig, err := s.SaveSnippet(ctx, SavedSnippet{Kind: SnippetText, Name: " Signature ", Body: "— Alice\nalice.example"})
	if err != nil {
		t.Fatal(err)
	}
	if sig.ID == 0 || sig.Name != "Signature" || sig.CreatedAt.IsZero() {
		t.Fatalf("saved %+v", sig)
	}
	tags, err := s.SaveSnippet(ctx, SavedSnippet{Kind: SnippetHashtags, Name: "Launch", Body: "launch, #product  news"})
	if err != nil {
		t.Fatal(err)
	}
	if tags.Body != "#launch #product #news" {
		t.Errorf("hashtag body = %q", tags.Body)
	}
	// Same name, other kind: allowed. Same name, same kind: refused.
	if _, err := s.SaveSnippet(ctx, SavedSnippet{Kind: SnippetText, Name: "Launch", Body: "We launched!"}); err != nil {
		t.Errorf("a snippet named like a hashtag group: %v", err)
	}
	if _, err := s.SaveSnippet(ctx, SavedSnippet{Kind: SnippetText, Name: "Signature", Body: "x"}); err == nil || !strings.Contains(err.Error(), "name is taken") {
		t.Errorf("duplicate name: %v", err)
	}
	for _, bad := range []SavedSnippet{
		{Kind: SnippetText, Name: "", Body: "x"},
		{Kind: SnippetText, Name: "a\nb", Body: "x"},
		{Kind: SnippetText, Name: "empty", Body: "  "},
		{Kind: SnippetHashtags, Name: "none", Body: " # , "},
		{Kind: "other", Name: "x", Body: "x"},
	} {
		if _, err := s.SaveSnippet(ctx, bad); err == nil {
			t.Errorf("saved %+v", bad)
		}
	}

	sig.Body = "— Alice"
	sig.Name = "Sign-off"
	if _, err := s.SaveSnippet(ctx, sig); err != nil {
		t.Fatal(err)
	}
	texts, err := s.Snippets(ctx, SnippetText)
	if err != nil {
		t.Fatal(err)
	}
	if len(texts) != 2 || texts[0].Name != "Launch" || texts[1].Name != "Sign-off" || texts[1].Body != "— Alice" {
		t.Errorf("snippets = %+v", texts)
	}
	groups, err := s.Snippets(ctx, SnippetHashtags)
	if err != nil || len(groups) != 1 || groups[0].ID != tags.ID {
		t.Errorf("hashtag groups = %+v, %v", groups, err)
	}

	if err := s.DeleteSnippet(ctx, sig.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSnippet(ctx, sig.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if _, err := s.SaveSnippet(ctx, sig); !errors.Is(err, ErrNotFound) {
		t.Errorf("update of a deleted snippet: %v", err)
	}
	if texts, _ := s.Snippets(ctx, SnippetText); len(texts) != 1 {
		t.Errorf("after delete: %+v", texts)
	}
}
