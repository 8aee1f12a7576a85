package data

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // register decoders for image.DecodeConfig
	_ "image/jpeg"
	_ "image/png"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// mediaTypes are the files AddMedia accepts, with the extension they get.
var mediaTypes = map[string]string{
	"image/png":  ".png",
	"image/jpeg": ".jpg",
	"image/gif":  ".gif",
	"image/webp": ".webp",
	// Videos, for the networks that take them (YouTube, TikTok, X, ...).
	"video/mp4":       ".mp4",
	"video/quicktime": ".mov",
	"video/webm":      ".webm",
	// Documents, for LinkedIn document posts.
	"application/pdf": ".pdf",
}

const acceptedMedia = "PNG, JPEG, GIF or WebP images, MP4, MOV or WebM videos, or PDF documents"

const mediaColumns = `m.id, m.sha256, m.file, m.mime, m.size, m.width, m.height`

// MediaDir is the folder inside the data folder that holds media copies.
const MediaDir = "media"

// AddMedia copies the file at src into media/<sha256><ext> (once per content),
// detects its type and size, and returns the row. Unsupported types and
// missing files return an error that says which file and why; a missing file
// wraps fs.ErrNotExist. The same content added twice returns the same row.
// Alt is empty: alt text is per post (see Post.Media).
func (s *Store) AddMedia(ctx context.Context, src string) (Media, error) {
	f, err := os.Open(src)
	if errors.Is(err, fs.ErrNotExist) {
		return Media{}, fmt.Errorf("%s no longer exists; attach it again: %w", src, fs.ErrNotExist)
	}
	if err != nil {
		return Media{}, fmt.Errorf("attach %s: %w", src, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Media{}, fmt.Errorf("attach %s: %w", src, err)
	}
	if !st.Mode().IsRegular() {
		return Media{}, fmt.Errorf("%s is not a file; attach %s", src, acceptedMedia)
	}
	size := st.Size()

	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Media{}, fmt.Errorf("attach %s: %w", src, err)
	}
	head = head[:n]
	mime := sniff(head)
	ext, ok := mediaTypes[mime]
	if !ok {
		return Media{}, fmt.Errorf("%s is %s, which Localpost cannot attach; attach %s", src, describe(mime), acceptedMedia)
	}
	m := Media{Mime: mime, Size: size}
	switch {
	case mime == "image/webp":
		m.Width, m.Height = webpSize(head)
	case strings.HasPrefix(mime, "video/"), mime == "application/pdf":
		// Dimensions and duration need a container parser; the networks
		// check them on upload and say so.
	default:
		cfg, _, err := image.DecodeConfig(io.NewSectionReader(f, 0, size))
		if err != nil {
			return Media{}, fmt.Errorf("%s looks like %s but cannot be read (%v); it may be damaged", src, describe(mime), err)
		}
		m.Width, m.Height = cfg.Width, cfg.Height
	}

	// Hash first, so content already stored is neither copied nor rewritten.
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, size)); err != nil {
		return Media{}, fmt.Errorf("attach %s: %w", src, err)
	}
	m.SHA256 = hex.EncodeToString(h.Sum(nil))
	m.File = m.SHA256 + ext

	dir := filepath.Join(s.Dir, MediaDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Media{}, fmt.Errorf("attach %s: %w", src, err)
	}
	dst := filepath.Join(dir, m.File)
	if _, err := os.Stat(dst); errors.Is(err, fs.ErrNotExist) {
		if err := copyVerified(f, size, dir, dst, m.SHA256); err != nil {
			return Media{}, fmt.Errorf("attach %s: %w", src, err)
		}
	} else if err != nil {
		return Media{}, fmt.Errorf("attach %s: %w", src, err)
	}

	err = s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO media (sha256, file, mime, size, width, height, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
			m.SHA256, m.File, m.Mime, m.Size, m.Width, m.Height, now().UnixMilli()); err != nil {
			return err
		}
		// The library shows the name the content was first added under.
		if _, err := tx.ExecContext(ctx, `UPDATE media SET name = ? WHERE sha256 = ? AND name = ''`,
			filepath.Base(src), m.SHA256); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT `+mediaColumns+` FROM media m WHERE sha256 = ?`, m.SHA256).
			Scan(&m.ID, &m.SHA256, &m.File, &m.Mime, &m.Size, &m.Width, &m.Height)
	})
	if err != nil {
		return Media{}, fmt.Errorf("attach %s: %w", src, err)
	}
	return m, nil
}

// copyVerified streams src into a temporary file in dir and renames it to
// dst, refusing if the content changed since it was hashed.
func copyVerified(src io.ReaderAt, size int64, dir, dst, sum string) (err error) {
	tmp, err := os.CreateTemp(dir, ".incoming-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	if _, err = io.Copy(io.MultiWriter(tmp, h), io.NewSectionReader(src, 0, size)); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		return errors.New("the file changed while it was being copied; attach it again")
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}

// sniff names the type of a file from its first bytes.
func sniff(head []byte) string {
	if isWebP(head) {
		return "image/webp"
	}
	if len(head) >= 12 && string(head[4:8]) == "ftyp" && string(head[8:12]) == "qt  " {
		return "video/quicktime"
	}
	mime, _, _ := strings.Cut(http.DetectContentType(head), ";")
	return mime
}

func isWebP(head []byte) bool {
	return len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WEBP"))
}

func describe(mime string) string {
	switch mime {
	case "application/octet-stream":
		return "of an unknown type"
	case "text/plain":
		return "a text file"
	}
	return "a " + mime + " file"
}

// webpSize reads the dimensions from a WebP header (VP8X, VP8 or VP8L
// chunk); 0, 0 when it cannot.
func webpSize(b []byte) (w, h int) {
	if len(b) < 30 {
		return 0, 0
	}
	u24 := func(p []byte) int { return int(p[0]) | int(p[1])<<8 | int(p[2])<<16 }
	switch string(b[12:16]) {
	case "VP8X":
		return 1 + u24(b[24:27]), 1 + u24(b[27:30])
	case "VP8 ":
		// frame tag (3) + start code 9d 01 2a, then 14-bit width and height
		if b[23] != 0x9d || b[24] != 0x01 || b[25] != 0x2a {
			return 0, 0
		}
		return int(binary.LittleEndian.Uint16(b[26:28]) & 0x3fff), int(binary.LittleEndian.Uint16(b[28:30]) & 0x3fff)
	case "VP8L":
		if b[20] != 0x2f {
			return 0, 0
		}
		bits := binary.LittleEndian.Uint32(b[21:25])
		return int(bits&0x3fff) + 1, int((bits>>14)&0x3fff) + 1
	}
	return 0, 0
}

// MediaPath is the absolute path of a stored media file.
func (s *Store) MediaPath(m Media) string {
	return filepath.Join(s.Dir, MediaDir, filepath.Base(m.File))
}
