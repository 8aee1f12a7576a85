package data

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// mustOpen opens a fresh store on a real file in a temporary folder and
// closes it when the test ends.
func mustOpen(tb testing.TB) *Store {
	tb.Helper()
	return mustOpenDir(tb, tb.TempDir())
}

func mustOpenDir(tb testing.TB, dir string) *Store {
	tb.Helper()
	s, err := Open(dir)
	if err != nil {
		tb.Fatalf("Open(%s): %v", dir, err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

func mustAccount(tb testing.TB, s *Store, network, remoteID string) Account {
	tb.Helper()
	a, err := s.SaveAccount(context.Background(), Account{Network: network, RemoteID: remoteID, Handle: "@" + remoteID})
	if err != nil {
		tb.Fatalf("SaveAccount: %v", err)
	}
	return a
}

func mustPost(tb testing.TB, s *Store, p Post) Post {
	tb.Helper()
	p, err := s.CreatePost(context.Background(), p)
	if err != nil {
		tb.Fatalf("CreatePost: %v", err)
	}
	return p
}

// at is a millisecond-exact UTC instant for fixtures.
func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func writeFile(tb testing.TB, path string, b []byte) string {
	tb.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

func testImage(w, h int) image.Image {
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.White, color.Black})
	img.SetColorIndex(w/2, h/2, 1)
	return img
}

func pngBytes(tb testing.TB, w, h int) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testImage(w, h)); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(tb testing.TB, w, h int) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(w, h), nil); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func gifBytes(tb testing.TB, w, h int) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, testImage(w, h), nil); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// webpBytes is a WebP header with a VP8X chunk: enough to be recognised and
// measured; no pixels follow.
func webpBytes(w, h int) []byte {
	b := []byte("RIFF\x16\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00")
	put24 := func(v int) { b = append(b, byte(v), byte(v>>8), byte(v>>16)) }
	put24(w - 1)
	put24(h - 1)
	return b
}

func tempFile(tb testing.TB, name string, b []byte) string {
	tb.Helper()
	return writeFile(tb, filepath.Join(tb.TempDir(), name), b)
}

func fsGlob(f fs.FS) ([]string, error)            { return fs.Glob(f, "*.sql") }
func readFS(f fs.FS, name string) ([]byte, error) { return fs.ReadFile(f, name) }
func itoa(i int) string                           { return strconv.Itoa(i) }
