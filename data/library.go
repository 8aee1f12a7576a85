package data

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LibraryItem is a stored media file as the media library shows it.
type LibraryItem struct {
	Media           // Alt: the alt text it had in the post that used it last, if any
	Name  string    // the file name it was first added under; "" if added before the library
	Added time.Time // when it was first added
	Uses  int       // how many posts use it
}

// DisplayName is Name, else the stored file name.
func (it LibraryItem) DisplayName() string {
	if it.Name != "" {
		return it.Name
	}
	return it.File
}

// MediaLibrary lists the stored media, newest first, at most limit rows (all
// when limit <= 0). A non-empty query keeps the files whose original name or
// any alt text given to them contains it (case-insensitive for ASCII).
func (s *Store) MediaLibrary(ctx context.Context, query string, limit int) ([]LibraryItem, error) {
	q := `SELECT ` + mediaColumns + `, m.name, m.created_at,
		(SELECT count(DISTINCT pm.post_id) FROM post_media pm WHERE pm.media_id = m.id),
		coalesce((SELECT pm.alt FROM post_media pm JOIN posts p ON p.id = pm.post_id
			WHERE pm.media_id = m.id AND pm.alt <> '' ORDER BY p.updated_at DESC, p.id DESC LIMIT 1), '')
		FROM media m`
	var args []any
	if query = strings.TrimSpace(query); query != "" {
		like := "%" + escapeLike(query) + "%"
		q += ` WHERE m.name LIKE ? ESCAPE '\' OR EXISTS (SELECT 1 FROM post_media pm
			WHERE pm.media_id = m.id AND pm.alt LIKE ? ESCAPE '\')`
		args = append(args, like, like)
	}
	q += ` ORDER BY m.created_at DESC, m.id DESC`
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list media: %w", err)
	}
	defer rows.Close()
	var items []LibraryItem
	for rows.Next() {
		var it LibraryItem
		var added int64
		if err := rows.Scan(&it.ID, &it.SHA256, &it.File, &it.Mime, &it.Size, &it.Width, &it.Height,
			&it.Name, &added, &it.Uses, &it.Alt); err != nil {
			return nil, fmt.Errorf("list media: %w", err)
		}
		it.Added = time.UnixMilli(added).UTC()
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list media: %w", err)
	}
	return items, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ThumbsDir is the folder inside MediaDir that caches thumbnails.
const ThumbsDir = "thumbs"

// ThumbSize is the longest side of a thumbnail, in pixels.
const ThumbSize = 160

// Thumbnail returns the path of a small PNG of an image (at most ThumbSize
// on its longest side), made on first use and kept in media/thumbs/<sha256>.png.
// It returns "" and no error for files it cannot picture (videos, PDFs,
// WebP): the screen shows an icon for those.
func (s *Store) Thumbnail(m Media) (string, error) {
	switch m.Mime {
	case "image/png", "image/jpeg", "image/gif":
	default:
		return "", nil
	}
	if len(m.SHA256) != 64 || strings.ContainsAny(m.SHA256, `/\.`) {
		return "", fmt.Errorf("thumbnail of %s: not a stored file", m.File)
	}
	dir := filepath.Join(s.Dir, MediaDir, ThumbsDir)
	dst := filepath.Join(dir, m.SHA256+".png")
	if _, err := os.Stat(dst); err == nil {
		return dst, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("thumbnail of %s: %w", m.File, err)
	}
	f, err := os.Open(s.MediaPath(m))
	if err != nil {
		return "", fmt.Errorf("thumbnail of %s: %w", m.File, err)
	}
	img, _, err := image.Decode(f)
	f.Close()
	if err != nil {
		return "", fmt.Errorf("thumbnail of %s: the file cannot be read (%v); it may be damaged", m.File, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("thumbnail of %s: %w", m.File, err)
	}
	tmp, err := os.CreateTemp(dir, ".thumb-*")
	if err != nil {
		return "", fmt.Errorf("thumbnail of %s: %w", m.File, err)
	}
	err = png.Encode(tmp, shrink(img, ThumbSize))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// Two makers at once write the same bytes; the last rename wins.
		err = os.Rename(tmp.Name(), dst)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("thumbnail of %s: %w", m.File, err)
	}
	return dst, nil
}

// shrink scales img down (never up) so its longest side is at most side,
// averaging the source pixels that fall into each target pixel.
func shrink(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	}
	tw, th := w, h
	if w > side || h > side {
		if w >= h {
			tw, th = side, (h*side+w/2)/w
		} else {
			tw, th = (w*side+h/2)/h, side
		}
	}
	tw, th = max(tw, 1), max(th, 1)
	out := image.NewNRGBA(image.Rect(0, 0, tw, th))
	for y := 0; y < th; y++ {
		y0, y1 := b.Min.Y+y*h/th, b.Min.Y+max((y+1)*h/th, y*h/th+1)
		for x := 0; x < tw; x++ {
			x0, x1 := b.Min.X+x*w/tw, b.Min.X+max((x+1)*w/tw, x*w/tw+1)
			var r, g, bl, a, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					c := color.NRGBA64Model.Convert(img.At(sx, sy)).(color.NRGBA64)
					r, g, bl, a = r+uint64(c.R), g+uint64(c.G), bl+uint64(c.B), a+uint64(c.A)
					n++
				}
			}
			out.SetNRGBA(x, y, color.NRGBA{R: uint8(r / n >> 8), G: uint8(g / n >> 8), B: uint8(bl / n >> 8), A: uint8(a / n >> 8)})
		}
	}
	return out
}
