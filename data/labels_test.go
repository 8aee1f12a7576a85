package data

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestCleanLabels(t *testing.T) {
	got := CleanLabels([]string{" Launch ", "", "video", "LAUNCH", "bad\tname", strings.Repeat("x", 50)})
	want := []string{"Launch", "video", strings.Repeat("x", MaxLabelLen)}
	if !slices.Equal(got, want) {
		t.Errorf("CleanLabels = %q, want %q", got, want)
	}
}

func TestPostLabelsWrittenWithThePost(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	acc := mustAccount(t, s, "mastodon", "1")

	p := mustPost(t, s, Post{Text: "launch day", PlannedAt: at("2026-07-20T09:00:00Z"), Zone: "UTC",
		Targets: []Target{{AccountID: acc.ID}}, Labels: []string{"Launch", "video", "launch "}})
	if !slices.Equal(p.Labels, []string{"Launch", "video"}) {
		t.Fatalf("labels = %q", p.Labels)
	}
	all, err := s.Labels(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("Labels = %+v, %v", all, err)
	}
	if all[0].Colour == all[1].Colour || !colourRE.MatchString(all[0].Colour) {
		t.Errorf("colours %q and %q: want two different #rrggbb", all[0].Colour, all[1].Colour)
	}

	// A second post reuses the label whatever its case; order is kept.
	q := mustPost(t, s, Post{Text: "teaser", Labels: []string{"VIDEO", "Teaser"}})
	if !slices.Equal(q.Labels, []string{"video", "Teaser"}) {
		t.Errorf("second post's labels = %q", q.Labels)
	}
	if all, _ = s.Labels(ctx); len(all) != 3 {
		t.Errorf("labels after second post = %+v", all)
	}

	// Update replaces them.
	p.Labels = []string{"video"}
	if p, err = s.UpdatePost(ctx, p); err != nil || !slices.Equal(p.Labels, []string{"video"}) {
		t.Fatalf("after update: %q, %v", p.Labels, err)
	}

	// Rename and recolour; a name taken by another label is refused.
	var video Label
	for _, l := range all {
		if l.Name == "video" {
			video = l
		}
	}
	video.Name, video.Colour = "Video", "#112233"
	if _, err := s.SaveLabel(ctx, video); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Post(ctx, p.ID); !slices.Equal(got.Labels, []string{"Video"}) {
		t.Errorf("after rename: %q", got.Labels)
	}
	video.Name = "teaser"
	if _, err := s.SaveLabel(ctx, video); err == nil {
		t.Error("renamed a label to another label's name")
	}
	video.Name, video.Colour = "Video", "blue"
	if _, err := s.SaveLabel(ctx, video); err == nil {
		t.Error("saved colour \"blue\"")
	}

	// The calendar's labels: dated posts in the range only.
	byPost, err := s.CalendarLabels(ctx, at("2026-07-01T00:00:00Z"), at("2026-08-01T00:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	if len(byPost) != 1 || len(byPost[p.ID]) != 1 || byPost[p.ID][0].Name != "Video" || byPost[p.ID][0].Colour != "#112233" {
		t.Errorf("CalendarLabels = %+v", byPost)
	}

	// Deleting a label takes it off every post.
	if err := s.DeleteLabel(ctx, video.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Post(ctx, q.ID); !slices.Equal(got.Labels, []string{"Teaser"}) {
		t.Errorf("after deleting the label: %q", got.Labels)
	}
	if err := s.SetPostLabels(ctx, q.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.PostLabels(ctx, q.ID); len(got) != 0 {
		t.Errorf("after clearing: %+v", got)
	}
	if err := s.SetPostLabels(ctx, 12345, []string{"x"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("labels of a missing post: %v", err)
	}
}
