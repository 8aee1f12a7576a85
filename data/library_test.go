package data

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// mp4Bytes is the start of an MP4 file: an ftyp box, enough to be recognised.
func mp4Bytes() []byte {
	return append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, 64)...)
}

func TestMediaLibraryListsSearchesAndCounts(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	acc := mustAccount(t, s, "mastodon", "alice")
	add := func(name string, b []byte) Media {
		t.Helper()
		m, err := s.AddMedia(ctx, tempFile(t, name, b))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	beach := add("beach_100%.png", pngBytes(t, 40, 30))
	team := add("Team photo.jpg", jpegBytes(t, 16, 9))
	clip := add("clip.mp4", mp4Bytes())
	// The same content under another name is the same file, first name kept.
	if again := add("copy.png", pngBytes(t, 40, 30)); again.ID != beach.ID {
		t.Fatalf("same content stored twice: %d and %d", again.ID, beach.ID)
	}

	beachAlt := beach
	beachAlt.Alt = "Sunset over the pier"
	mustPost(t, s, Post{Text: "one", Targets: []Target{{AccountID: acc.ID}}, Media: []Media{beachAlt, team}})
	mustPost(t, s, Post{Text: "two", Targets: []Target{{AccountID: acc.ID}}, Media: []Media{beach}})

	all, err := s.MediaLibrary(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("%d items, want 3: %+v", len(all), all)
	}
	// Newest first.
	if all[0].ID != clip.ID || all[1].ID != team.ID || all[2].ID != beach.ID {
		t.Errorf("order %d %d %d, want %d %d %d", all[0].ID, all[1].ID, all[2].ID, clip.ID, team.ID, beach.ID)
	}
	byID := map[int64]LibraryItem{}
	for _, it := range all {
		byID[it.ID] = it
		if it.Added.IsZero() || it.SHA256 == "" || it.Size == 0 {
			t.Errorf("item %+v lacks fields", it)
		}
	}
	if it := byID[beach.ID]; it.Name != "beach_100%.png" || it.Uses != 2 || it.Alt != "Sunset over the pier" || it.Width != 40 {
		t.Errorf("beach = %+v", it)
	}
	if it := byID[team.ID]; it.Name != "Team photo.jpg" || it.Uses != 1 || it.Alt != "" || it.Mime != "image/jpeg" {
		t.Errorf("team = %+v", it)
	}
	if it := byID[clip.ID]; it.Uses != 0 || it.Mime != "video/mp4" || it.DisplayName() != "clip.mp4" {
		t.Errorf("clip = %+v", it)
	}

	search := func(q string) []int64 {
		t.Helper()
		items, err := s.MediaLibrary(ctx, q, 0)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, it := range items {
			ids = append(ids, it.ID)
		}
		return ids
	}
	for _, c := range []struct {
		q    string
		want []int64
	}{
		{"PIER", []int64{beach.ID}},       // alt text, any case
		{"team", []int64{team.ID}},        // file name
		{" clip ", []int64{clip.ID}},      // trimmed
		{"%", []int64{beach.ID}},          // a literal %, not a wildcard
		{"beac_", nil},                    // a literal _, not a wildcard
		{"holiday", nil},                  // nothing
		{"o", []int64{team.ID, beach.ID}}, // name of one, alt of the other
	} {
		if got := search(c.q); !equalIDs(got, c.want) {
			t.Errorf("search %q = %v, want %v", c.q, got, c.want)
		}
	}
	if items, err := s.MediaLibrary(ctx, "", 2); err != nil || len(items) != 2 {
		t.Errorf("limit 2: %d items, %v", len(items), err)
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPostMediaOrderIsKept(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	acc := mustAccount(t, s, "mastodon", "alice")
	var ms []Media
	for i, name := range []string{"a.png", "b.png", "c.png"} {
		m, err := s.AddMedia(ctx, tempFile(t, name, pngBytes(t, 10+i, 10)))
		if err != nil {
			t.Fatal(err)
		}
		m.Alt = "alt " + name
		ms = append(ms, m)
	}
	p := mustPost(t, s, Post{Text: "x", Targets: []Target{{AccountID: acc.ID}}, Media: ms})
	p.Media = []Media{ms[2], ms[0], ms[1]}
	if _, err := s.UpdatePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := s.Post(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Media) != 3 {
		t.Fatalf("%d media", len(got.Media))
	}
	for i, want := range []Media{ms[2], ms[0], ms[1]} {
		if got.Media[i].ID != want.ID || got.Media[i].Alt != want.Alt {
			t.Errorf("media[%d] = %d %q, want %d %q", i, got.Media[i].ID, got.Media[i].Alt, want.ID, want.Alt)
		}
	}
}

func TestThumbnailIsMadeOnceAndCached(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	img := image.NewNRGBA(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			img.SetNRGBA(x, y, color.NRGBA{R: 200, G: 10, B: 30, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	m, err := s.AddMedia(ctx, tempFile(t, "red.png", b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	path, err := s.Thumbnail(m)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(s.Dir, MediaDir, ThumbsDir, m.SHA256+".png"); path != want {
		t.Errorf("thumbnail at %s, want %s", path, want)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	th, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got := th.Bounds().Size(); got != image.Pt(160, 120) {
		t.Errorf("thumbnail is %v, want 160×120", got)
	}
	if r, g, bl, _ := th.At(80, 60).RGBA(); r>>8 != 200 || g>>8 != 10 || bl>>8 != 30 {
		t.Errorf("thumbnail colour = %d,%d,%d, want 200,10,30", r>>8, g>>8, bl>>8)
	}

	// Cached: a second call returns the file as it is, without remaking it.
	if err := os.WriteFile(path, []byte("cached"), 0o600); err != nil {
		t.Fatal(err)
	}
	again, err := s.Thumbnail(m)
	if err != nil || again != path {
		t.Fatalf("second call: %s, %v", again, err)
	}
	if got, _ := os.ReadFile(path); string(got) != "cached" {
		t.Error("the thumbnail was made again")
	}

	// Small images are not enlarged.
	small, err := s.AddMedia(ctx, tempFile(t, "small.gif", gifBytes(t, 20, 50)))
	if err != nil {
		t.Fatal(err)
	}
	sp, err := s.Thumbnail(small)
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := pngConfig(sp); err != nil || cfg.Width != 20 || cfg.Height != 50 {
		t.Errorf("small thumbnail %+v, %v; want 20×50", cfg, err)
	}

	// Videos have none (the screen shows an icon).
	clip, err := s.AddMedia(ctx, tempFile(t, "clip.mp4", mp4Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := s.Thumbnail(clip); p != "" || err != nil {
		t.Errorf("video thumbnail = %q, %v", p, err)
	}

	// A damaged stored file says so, and leaves nothing behind.
	bad, err := s.AddMedia(ctx, tempFile(t, "bad.png", pngBytes(t, 8, 8)))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.MediaPath(bad), []byte("\x89PNG\r\n\x1a\nbroken"), 0o600); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Thumbnail(bad); err == nil || p != "" {
		t.Errorf("damaged file: %q, %v", p, err)
	}
	left, _ := filepath.Glob(filepath.Join(s.Dir, MediaDir, ThumbsDir, "*"+bad.SHA256+"*"))
	tmps, _ := filepath.Glob(filepath.Join(s.Dir, MediaDir, ThumbsDir, ".thumb-*"))
	if len(left)+len(tmps) != 0 {
		t.Errorf("left behind: %v %v", left, tmps)
	}
}

func pngConfig(path string) (image.Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return image.Config{}, err
	}
	defer f.Close()
	return png.DecodeConfig(f)
}
