package views

import (
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"localpost/data"
	"localpost/platforms"
)

// TestComposerThreadSplit: "Split into a thread" cuts the text at
// sentence ends within X's limit (as X counts), numbered 1/n when asked;
// the first post becomes the variant's text, each further post gets an
// entry of its own with a counter, and what the user edits there is what
// is scheduled.
func TestComposerThreadSplit(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{xAcc}
	fc.accountLimits[5] = xLimits
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer // the only account is ticked already
	xe := c.variants[5]
	if xe == nil || xe.thread == nil {
		t.Fatal("no thread editor for X")
	}

	s1 := strings.Repeat("Our sourdough rests for a whole day. ", 4)   // 148 characters
	s2 := strings.Repeat("Then it bakes in a stone oven at dawn. ", 3) // 117; the link below counts 23: 302 in all
	s3 := "See https://bakery.example/sourdough/how-we-make-it-in-great-detail for more."
	fillComposer(u, s1+s2+s3)
	if xe.counter.Importance != widget.DangerImportance || !strings.Contains(xe.problem.Text, "split it into a thread") {
		t.Fatalf("long text not flagged: %q, %q", xe.counter.Text, xe.problem.Text)
	}

	xe.thread.number.SetChecked(true)
	test.Tap(xe.thread.split)
	head := xe.text.Text
	parts := xe.thread.values()
	if !strings.HasSuffix(head, " 1/2") || len(parts) != 1 || !strings.HasSuffix(parts[0], " 2/2") {
		t.Fatalf("split: head %q, parts %q", head, parts)
	}
	if !strings.HasPrefix(head, "Our sourdough") || !strings.HasPrefix(parts[0], "Then it bakes") && !strings.HasPrefix(parts[0], "See https") {
		t.Errorf("not cut at a sentence: %q | %q", head, parts[0])
	}
	if !strings.Contains(xe.thread.note.Text, "Split into 2 posts") {
		t.Errorf("note %q", xe.thread.note.Text)
	}
	for i, p := range append([]string{head}, parts...) {
		if n := xLimits.CountChars(p); n > 280 {
			t.Errorf("post %d counts %d", i+1, n)
		}
	}
	part := xe.thread.parts[0]
	if want := "/ 280"; !strings.Contains(part.counter.Text, want) || part.counter.Importance == widget.DangerImportance {
		t.Errorf("part counter %q", part.counter.Text)
	}
	if xe.problem.Visible() {
		t.Errorf("problem after splitting: %q", xe.problem.Text)
	}

	// Splitting again gives the same thread (the numbering is taken off first).
	test.Tap(xe.thread.split)
	if xe.text.Text != head || !reflect.DeepEqual(xe.thread.values(), parts) {
		t.Errorf("second split: %q, %q", xe.text.Text, xe.thread.values())
	}

	// Each post is editable; a post over the limit is flagged by its counter.
	part = xe.thread.parts[0]
	part.entry.SetText("Edited second post 2/2")
	d, ok := c.snapshot(true, true)
	if !ok {
		t.Fatalf("snapshot refused: %q %q %q", c.timeProblem.Text, c.accProblem.Text, c.otherProblem.Text)
	}
	v := d.Variants[5]
	if v.Text != head || !reflect.DeepEqual(v.Options.Thread, []string{"Edited second post 2/2"}) {
		t.Errorf("variant %+v", v)
	}
	part.entry.SetText(strings.Repeat("字", 141))
	if part.counter.Importance != widget.DangerImportance || part.counter.Text != "282 / 280 — 2 over" {
		t.Errorf("part counter over the limit: %q", part.counter.Text)
	}
	if !strings.Contains(xe.problem.Text, "Part 2 of the thread: 282 characters, 2 over") {
		t.Errorf("problem %q", xe.problem.Text)
	}

	// "Add a post" adds an entry; the delete button removes it.
	test.Tap(xe.thread.add)
	if len(xe.thread.parts) != 2 || xe.thread.parts[1].entry.PlaceHolder != "Post 3 of the thread" {
		t.Fatalf("after Add: %d parts", len(xe.thread.parts))
	}
	xe.thread.removePart(xe.thread.parts[1])
	if len(xe.thread.parts) != 1 || len(xe.thread.box.Objects) != 1 {
		t.Errorf("after remove: %d parts, %d rows", len(xe.thread.parts), len(xe.thread.box.Objects))
	}

	// Loading the post shows the thread again.
	d, _ = c.snapshot(false, false)
	c.load(d)
	u.b.wait()
	if got := c.variants[5].thread.values(); !reflect.DeepEqual(got, d.Variants[5].Options.Thread) {
		t.Errorf("thread after load %q", got)
	}
}

// TestComposerMastodonThread: a Mastodon section splits by the server's
// limit, and a text that fits is left alone and said so.
func TestComposerMastodonThread(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	fc.accountLimits[1] = platforms.Limits{MaxChars: 40, URLWeight: 23, MaxMedia: 4}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	u.b.wait()
	e := c.variants[1]
	if e == nil || e.thread == nil {
		t.Fatal("no thread editor for Mastodon")
	}
	fillComposer(u, "Short.")
	test.Tap(e.thread.split)
	if len(e.thread.parts) != 0 || !strings.Contains(e.thread.note.Text, "fits in one post") {
		t.Errorf("short text: %d parts, note %q", len(e.thread.parts), e.thread.note.Text)
	}
	fillComposer(u, "First sentence is here. Second sentence is here. Third one.")
	e.text.SetText("")
	test.Tap(e.thread.split)
	want := []string{"First sentence is here.", "Second sentence is here. Third one."}
	if got := append([]string{e.text.Text}, e.thread.values()...); !reflect.DeepEqual(got, want) {
		t.Errorf("split %q, want %q", got, want)
	}
}
