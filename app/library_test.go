package app

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/zalando/go-keyring"

	"localpost/data"
)

// The library lists what AddMedia stored, under the name it was added
// with, with a thumbnail file, and attaching from it reuses the stored copy.
func TestMediaLibraryThroughCore(t *testing.T) {
	keyring.MockInit()
	a, err := New(Config{DataDir: t.TempDir(), Secrets: data.Keyring()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ctx := context.Background()

	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 400, 200))); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "Harbour at dawn.png")
	if err := os.WriteFile(src, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	dm, err := a.AddMedia(ctx, src)
	if err != nil {
		t.Fatal(err)
	}

	items, err := a.MediaLibrary(ctx, "harbour")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 {
		t.Fatalf("%d items, want 1", len(items))
	}
	it := items[0]
	if it.Name != "Harbour at dawn.png" || it.MediaID != dm.MediaID || it.Path != dm.Path ||
		it.Width != 400 || it.Height != 200 || it.Uses != 0 || it.Added.IsZero() {
		t.Errorf("item %+v", it)
	}
	f, err := os.Open(it.Thumb)
	if err != nil {
		t.Fatalf("thumbnail: %v", err)
	}
	cfg, err := png.DecodeConfig(f)
	f.Close()
	if err != nil || cfg.Width != data.ThumbSize || cfg.Height != data.ThumbSize/2 {
		t.Errorf("thumbnail %dx%d, %v", cfg.Width, cfg.Height, err)
	}
	if none, err := a.MediaLibrary(ctx, "nothing like it"); err != nil || len(none) != 0 {
		t.Errorf("search for something absent: %d items, %v", len(none), err)
	}
}
