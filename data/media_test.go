package data

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAddMedia(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	cases := []struct {
		name, file string
		data       []byte
		mime, ext  string
		w, h       int
	}{
		{"png", "a.png", pngBytes(t, 30, 20), "image/png", ".png", 30, 20},
		{"jpeg with wrong extension", "photo.png", jpegBytes(t, 16, 9), "image/jpeg", ".jpg", 16, 9},
		{"gif", "anim.gif", gifBytes(t, 7, 5), "image/gif", ".gif", 7, 5},
		{"webp", "w.webp", webpBytes(640, 480), "image/webp", ".webp", 640, 480},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := tempFile(t, c.file, c.data)
			m, err := s.AddMedia(ctx, src)
			if err != nil {
				t.Fatal(err)
			}
			if m.ID == 0 || m.Mime != c.mime || m.Size != int64(len(c.data)) || m.Width != c.w || m.Height != c.h ||
				m.File != m.SHA256+c.ext || len(m.SHA256) != 64 {
				t.Errorf("media %+v", m)
			}
			got, err := os.ReadFile(s.MediaPath(m))
			if err != nil || string(got) != string(c.data) {
				t.Errorf("stored copy differs (%v)", err)
			}
			if !filepath.IsAbs(s.MediaPath(m)) {
				t.Errorf("MediaPath %s is not absolute", s.MediaPath(m))
			}
		})
	}
}

func TestAddMediaDedupes(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	data := pngBytes(t, 4, 4)
	m1, err := s.AddMedia(ctx, tempFile(t, "one.png", data))
	if err != nil {
		t.Fatal(err)
	}
	m2, err := s.AddMedia(ctx, tempFile(t, "two.png", data))
	if err != nil {
		t.Fatal(err)
	}
	if m1 != m2 {
		t.Errorf("same content gave two rows: %+v %+v", m1, m2)
	}
	entries, _ := os.ReadDir(filepath.Join(s.Dir, MediaDir))
	if len(entries) != 1 {
		t.Errorf("media folder holds %d files, want 1 (no temp files left)", len(entries))
	}
	// A copy deleted by hand comes back when the file is attached again.
	os.Remove(s.MediaPath(m1))
	if _, err := s.AddMedia(ctx, tempFile(t, "three.png", data)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.MediaPath(m1)); err != nil {
		t.Errorf("copy not restored: %v", err)
	}
}

func TestAddMediaRejects(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	dir := t.TempDir()
	missing := filepath.Join(dir, "gone.png")
	text := writeFile(t, filepath.Join(dir, "notes.png"), []byte("just some words, not a picture"))
	zip := writeFile(t, filepath.Join(dir, "archive.zip"), []byte("PK\x03\x04 some zipped bytes"))
	broken := writeFile(t, filepath.Join(dir, "broken.png"), pngBytes(t, 10, 10)[:20])
	cases := []struct {
		name, src string
		want      []string
	}{
		{"missing", missing, []string{missing, "no longer exists", "attach it again"}},
		{"text", text, []string{text, "text", "PNG, JPEG, GIF or WebP"}},
		{"zip", zip, []string{zip, "application/zip", "PNG, JPEG, GIF or WebP"}},
		{"damaged png", broken, []string{broken, "damaged"}},
		{"folder", dir, []string{dir, "not a file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.AddMedia(ctx, c.src)
			if err == nil {
				t.Fatal("AddMedia succeeded")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	if _, err := s.AddMedia(ctx, missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file error %v does not wrap fs.ErrNotExist", err)
	}
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM media`).Scan(&n); err != nil || n != 0 {
		t.Errorf("rejected files left %d rows (%v)", n, err)
	}
}

func TestWebPSize(t *testing.T) {
	// VP8 (lossy) and VP8L (lossless) headers, built by hand.
	vp8 := []byte("RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00\x00\x00\x00\x00\x00\x9d\x01\x2a")
	vp8 = append(vp8, 0x20, 0x03, 0x58, 0x02) // 800 x 600
	vp8l := []byte("RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f")
	bits := uint32(100-1) | uint32(50-1)<<14
	vp8l = append(vp8l, byte(bits), byte(bits>>8), byte(bits>>16), byte(bits>>24), 0, 0, 0, 0, 0)
	cases := []struct {
		name string
		b    []byte
		w, h int
	}{
		{"VP8X", webpBytes(1920, 1080), 1920, 1080},
		{"VP8", vp8, 800, 600},
		{"VP8L", vp8l, 100, 50},
		{"short", []byte("RIFF\x00\x00\x00\x00WEBP"), 0, 0},
	}
	for _, c := range cases {
		if w, h := webpSize(c.b); w != c.w || h != c.h {
			t.Errorf("%s: %dx%d, want %dx%d", c.name, w, h, c.w, c.h)
		}
	}
}

func TestAddMediaAcceptsVideosAndDocuments(t *testing.T) {
	s := mustOpen(t)
	dir := t.TempDir()
	mp4 := append([]byte{0, 0, 0, 0x18}, []byte("ftypmp42\x00\x00\x00\x00mp42isom")...)
	mov := append([]byte{0, 0, 0, 0x14}, []byte("ftypqt  \x00\x00\x02\x00qt  ")...)
	for name, head := range map[string][]byte{"clip.mp4": mp4, "clip.mov": mov, "clip.webm": {0x1A, 0x45, 0xDF, 0xA3, 0x42, 0x86, 0x81, 0x01},
		"menu.pdf": []byte("%PDF-1.7\n")} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, append(head, make([]byte, 4096)...), 0o600); err != nil {
			t.Fatal(err)
		}
		m, err := s.AddMedia(context.Background(), p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.HasPrefix(m.Mime, "video/") && m.Mime != "application/pdf" || filepath.Ext(m.File) != filepath.Ext(name) {
			t.Errorf("%s: mime %s file %s", name, m.Mime, m.File)
		}
	}
}
