package views

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"localpost/app"
	"localpost/data"
)

func TestMediaLibrarySearchAndPick(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	fc.accounts = []data.Account{alice}
	thumbs := mediaFiles(t, "thumb.png", "aaa.png", "bbb.png")
	added := time.Date(2026, 7, 3, 8, 0, 0, 0, time.UTC)
	fc.library = []app.LibraryMedia{
		{DraftMedia: app.DraftMedia{MediaID: 11, Path: thumbs["aaa.png"], Mime: "image/png", Size: 1_234_567, Alt: "Sunset over the pier"},
			Name: "beach.png", Thumb: thumbs["thumb.png"], Width: 1200, Height: 800, Added: added, Uses: 2},
		{DraftMedia: app.DraftMedia{MediaID: 12, Path: thumbs["bbb.png"], Mime: "image/jpeg", Size: 52_000},
			Name: "Team photo.jpg", Added: added, Uses: 1},
		{DraftMedia: app.DraftMedia{MediaID: 13, Path: "/data/media/ccc.mp4", Mime: "video/mp4", Size: 9_000_000},
			Name: "clip.mp4", Added: added},
	}
	u := newTestUI(t, fc, fixedNow(loc))
	c := u.composer
	u.tabs.Select(u.composeTab)

	test.Tap(c.fromLibrary)
	u.b.wait()
	l := c.library
	if l == nil {
		t.Fatal("the library did not open")
	}
	if len(l.items) != 3 || !strings.HasPrefix(l.status.Text, "3 files") {
		t.Fatalf("%d items, status %q", len(l.items), l.status.Text)
	}

	// A row shows the thumbnail, what the file is and how it is used.
	r := newLibraryRow()
	l.fill(0, r)
	if r.img.File != thumbs["thumb.png"] || !r.img.Visible() || r.icon.Visible() {
		t.Errorf("beach row: image %q shown %v, icon shown %v", r.img.File, r.img.Visible(), r.icon.Visible())
	}
	for _, want := range []string{"PNG image", "1.2 MB", "1200×800", "added 3 Jul 2026", "used in 2 posts"} {
		if !strings.Contains(r.details.Text, want) {
			t.Errorf("details %q lack %q", r.details.Text, want)
		}
	}
	if r.alt.Text != "Alt text: Sunset over the pier" {
		t.Errorf("alt line %q", r.alt.Text)
	}
	l.fill(2, r) // the same row reused for the video
	if r.img.Visible() || !r.icon.Visible() || r.icon.Resource.Name() != theme.MediaVideoIcon().Name() {
		t.Errorf("video row: image shown %v, icon %v", r.img.Visible(), r.icon.Resource)
	}
	if !strings.Contains(r.details.Text, "MP4 video") || !strings.Contains(r.details.Text, "not used yet") {
		t.Errorf("video details %q", r.details.Text)
	}

	// Search by alt text, pick; search by name, pick.
	test.Type(l.search, "PIER")
	u.b.wait()
	if len(l.items) != 1 || l.items[0].Name != "beach.png" {
		t.Fatalf("search PIER: %+v", l.items)
	}
	if !l.addBtn.Disabled() {
		t.Error("Add is offered with nothing picked")
	}
	l.list.Select(0)
	if l.addBtn.Disabled() || l.addBtn.Text != "Add 1 file to post" {
		t.Errorf("after picking: %q disabled %v", l.addBtn.Text, l.addBtn.Disabled())
	}
	l.search.SetText("zzz")
	u.b.wait()
	if len(l.items) != 0 || !strings.Contains(l.status.Text, `No file name or alt text contains "zzz"`) {
		t.Errorf("search zzz: %d items, status %q", len(l.items), l.status.Text)
	}
	l.search.SetText("clip")
	u.b.wait()
	if len(l.items) != 1 || l.items[0].MediaID != 13 {
		t.Fatalf("search clip: %+v", l.items)
	}
	l.list.Select(0)
	if l.addBtn.Text != "Add 2 files to post" {
		t.Errorf("button %q after two picks", l.addBtn.Text)
	}
	fc.mu.Lock()
	asked := fc.libraryAsked
	fc.mu.Unlock()
	// One query per keystroke; they may finish in any order, and only the
	// newest is shown.
	if !slices.Contains(asked, "PIER") || !slices.Contains(asked, "zzz") || asked[len(asked)-1] != "clip" {
		t.Errorf("queries %q", asked)
	}

	test.Tap(l.addBtn)
	u.b.wait()
	if c.library != nil || overlayHas(t, u.Window, l.status.Text) {
		t.Error("the library is still open after adding")
	}
	if got := strings.Join(mediaNames(c), ","); got != "beach.png,clip.mp4" {
		t.Fatalf("attached %s, want beach.png, clip.mp4 in the order picked", got)
	}
	if c.media[0].alt.Text != "Sunset over the pier" || c.media[0].m.Path != thumbs["aaa.png"] {
		t.Errorf("beach attached as %+v, alt %q", c.media[0].m, c.media[0].alt.Text)
	}
	fc.mu.Lock()
	copies := len(fc.mediaAdded)
	fc.mu.Unlock()
	if copies != 0 {
		t.Errorf("picking from the library stored %d new copies", copies)
	}

	// Reopened: files in the post are marked and cannot be picked again.
	test.Tap(c.fromLibrary)
	u.b.wait()
	l = c.library
	l.fill(0, r)
	if !r.check.Checked || !r.check.Disabled() || !strings.Contains(r.details.Text, "already in this post") {
		t.Errorf("beach row when in the post: checked %v disabled %v, %q", r.check.Checked, r.check.Disabled(), r.details.Text)
	}
	l.list.Select(0)
	if len(l.picked) != 0 || !l.addBtn.Disabled() {
		t.Errorf("a file already in the post was picked: %v", l.picked)
	}
	// Ticking the box picks too.
	l.fill(1, r)
	r.check.SetChecked(true)
	if len(l.picked) != 1 || l.picked[0].MediaID != 12 {
		t.Errorf("ticking Team photo picked %v", l.picked)
	}
	test.Tap(l.addBtn)
	u.b.wait()

	test.Tap(c.saveBtn)
	u.b.wait()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if len(fc.savedDrafts) != 1 {
		t.Fatalf("%d drafts saved", len(fc.savedDrafts))
	}
	var ids []int64
	for _, m := range fc.savedDrafts[0].Media {
		ids = append(ids, m.MediaID)
	}
	if len(ids) != 3 || ids[0] != 11 || ids[1] != 13 || ids[2] != 12 {
		t.Errorf("saved media %v, want 11 13 12", ids)
	}
}

func TestMediaLibraryEmpty(t *testing.T) {
	loc := berlin(t)
	fc := newFakeCore(loc)
	u := newTestUI(t, fc, fixedNow(loc))
	u.tabs.Select(u.composeTab)
	test.Tap(u.composer.fromLibrary)
	u.b.wait()
	l := u.composer.library
	if len(l.items) != 0 || !strings.Contains(l.status.Text, "No media yet") {
		t.Errorf("empty library: %d items, status %q", len(l.items), l.status.Text)
	}
	if !overlayHas(t, u.Window, l.status.Text) {
		t.Error("the library dialog is not shown")
	}
}
