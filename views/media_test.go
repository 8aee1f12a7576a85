package views

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"localpost/app"
	"localpost/data"
)

// mediaFiles writes small files into a temporary folder and returns their
// paths by name.
func mediaFiles(t *testing.T, names ...string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, n := range names {
		p := filepath.Join(dir, n)
		content := b.Bytes()
		if !strings.HasSuffix(n, ".png") {
			content = []byte("not an image: " + n)
		}
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
		out[n] = p
	}
	return out
}

func fileURIs(files map[string]string, names ...string) []fyne.URI {
	var uris []fyne.URI
	for _, n := range names {
		uris = append(uris, storage.NewFileURI(files[n]))
	}
	return uris
}

func mediaNames(c *composerScreen) []string {
	var out []string
	for _, r := range c.media {
		out = append(out, r.name)
	}
	return out
}

func TestDropFilesOnWindowStartsNewPost(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	files := mediaFiles(t, "beach.png", "clip.mp4")

	// A stored post is open in the composer, but the calendar is showing.
	c.load(app.Draft{PostID: 5, Text: "An old post", AccountIDs: []int64{alice.ID}})
	u.tabs.Select(u.calendarTab)

	u.onDropped(fyne.NewPos(300, 200), fileURIs(files, "beach.png", "clip.mp4"))
	u.b.wait()

	if u.tabs.Selected() != u.composeTab {
		t.Fatal("dropping files did not open the composer")
	}
	if c.postID != 0 || c.text.Text != "" {
		t.Errorf("the files went to the stored post (id %d, text %q), want a new post", c.postID, c.text.Text)
	}
	if got := mediaNames(c); strings.Join(got, ",") != "beach.png,clip.mp4" {
		t.Errorf("attached %v, want beach.png, clip.mp4", got)
	}
	if isVideo := c.media[1].m.Mime == "video/mp4"; !isVideo {
		t.Errorf("second attachment %+v is not the video", c.media[1].m)
	}
	if c.mediaProblem.Visible() {
		t.Errorf("message %q after a good drop", c.mediaProblem.Text)
	}
}

func TestDropFilesOnComposerAddsToPost(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	files := mediaFiles(t, "a.png", "b.png", "notes.txt", "c.png", "d.png", "e.png")

	c.load(app.Draft{PostID: 5, Text: "Summer sale", AccountIDs: []int64{alice.ID}})
	u.tabs.Select(u.composeTab)
	u.onDropped(fyne.NewPos(10, 10), fileURIs(files, "a.png", "b.png"))
	u.b.wait()
	if c.postID != 5 || c.text.Text != "Summer sale" || strings.Join(mediaNames(c), ",") != "a.png,b.png" {
		t.Fatalf("post %d %q with %v, want post 5 with a.png, b.png", c.postID, c.text.Text, mediaNames(c))
	}

	// An unsupported file: a message naming it and what is accepted, and
	// nothing else changes.
	u.onDropped(fyne.NewPos(10, 10), fileURIs(files, "notes.txt"))
	u.b.wait()
	if !c.mediaProblem.Visible() || !strings.Contains(c.mediaProblem.Text, "notes.txt") ||
		!strings.Contains(c.mediaProblem.Text, "PNG") || !strings.Contains(c.mediaProblem.Text, "MP4") {
		t.Errorf("message = %q (shown %v), want one naming notes.txt and the accepted types", c.mediaProblem.Text, c.mediaProblem.Visible())
	}
	if got := strings.Join(mediaNames(c), ","); got != "a.png,b.png" || c.text.Text != "Summer sale" || c.postID != 5 {
		t.Errorf("after the refused file: %s, %q, post %d", got, c.text.Text, c.postID)
	}

	// Not a local file, and a file already attached.
	web, err := storage.ParseURI("https://example.com/photo.png")
	if err != nil {
		t.Fatal(err)
	}
	u.onDropped(fyne.NewPos(10, 10), append([]fyne.URI{web}, fileURIs(files, "a.png")...))
	u.b.wait()
	if msg := c.mediaProblem.Text; !strings.Contains(msg, "photo.png is not a file on this computer") ||
		!strings.Contains(msg, "a.png is already in this post") {
		t.Errorf("message = %q", msg)
	}
	if got := strings.Join(mediaNames(c), ","); got != "a.png,b.png" {
		t.Errorf("after the web address and the repeat: %s", got)
	}

	// Three more where the accounts take four: two fit, the third is named.
	u.onDropped(fyne.NewPos(10, 10), fileURIs(files, "c.png", "d.png", "e.png"))
	u.b.wait()
	if got := strings.Join(mediaNames(c), ","); got != "a.png,b.png,c.png,d.png" {
		t.Errorf("attached %s, want the first four", got)
	}
	if msg := c.mediaProblem.Text; !strings.Contains(msg, "Not added: e.png") || !strings.Contains(msg, "at most 4") {
		t.Errorf("message = %q", msg)
	}
	if !c.addMedia.Disabled() || !c.fromLibrary.Disabled() {
		t.Error("adding more is still offered with four attached")
	}

	// The good files reached the post being edited.
	test.Tap(c.saveBtn)
	u.b.wait()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if len(fc.savedDrafts) != 1 || fc.savedDrafts[0].PostID != 5 || len(fc.savedDrafts[0].Media) != 4 {
		t.Fatalf("saved %+v", fc.savedDrafts)
	}
	for _, p := range fc.mediaAdded {
		if strings.HasSuffix(p, "notes.txt") {
			continue // refused by the core
		}
		if !strings.HasSuffix(p, ".png") {
			t.Errorf("stored %s", p)
		}
	}
}

func TestReorderAttachmentsIsSaved(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	files := mediaFiles(t, "a.png", "b.png", "c.png")
	u.tabs.Select(u.composeTab)
	u.onDropped(fyne.NewPos(0, 0), fileURIs(files, "a.png", "b.png", "c.png"))
	u.b.wait()
	if len(c.media) != 3 {
		t.Fatalf("%d attachments", len(c.media))
	}
	for _, r := range c.media {
		r.alt.SetText("alt of " + r.name)
	}
	if !c.media[0].up.Disabled() || c.media[0].down.Disabled() || c.media[2].up.Disabled() || !c.media[2].down.Disabled() {
		t.Error("first can move up or last can move down")
	}

	test.Tap(c.media[2].up)   // a c b
	test.Tap(c.media[0].down) // c a b
	if got := strings.Join(mediaNames(c), ","); got != "c.png,a.png,b.png" {
		t.Fatalf("order %s, want c, a, b", got)
	}
	for i, r := range c.media {
		if c.mediaBox.Objects[i] != r.obj {
			t.Errorf("row %d on screen is not %s", i, r.name)
		}
	}
	if !c.media[0].up.Disabled() || c.media[1].up.Disabled() || !c.media[2].down.Disabled() || c.media[0].down.Disabled() {
		t.Error("move buttons not updated after moving")
	}

	test.Tap(c.saveBtn)
	u.b.wait()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if len(fc.savedDrafts) != 1 {
		t.Fatalf("%d drafts saved", len(fc.savedDrafts))
	}
	want := []struct {
		id  int64
		alt string
	}{{3, "alt of c.png"}, {1, "alt of a.png"}, {2, "alt of b.png"}}
	got := fc.savedDrafts[0].Media
	if len(got) != 3 {
		t.Fatalf("saved %d media", len(got))
	}
	for i, w := range want {
		if got[i].MediaID != w.id || got[i].Alt != w.alt {
			t.Errorf("media[%d] = %d %q, want %d %q", i, got[i].MediaID, got[i].Alt, w.id, w.alt)
		}
	}
}
