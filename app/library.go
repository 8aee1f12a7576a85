package app

import (
	"context"
	"time"
)

// LibraryMedia is a stored file as the media library shows it. Picking it
// attaches DraftMedia as it is: the stored file is reused, not copied.
type LibraryMedia struct {
	DraftMedia           // Alt: the alt text it had last, to start from
	Name       string    // the file name it was first added under, else the stored name
	Thumb      string    // a small PNG of it; "" for videos, documents and WebP
	Width      int       // pixels; 0 when not known (videos, documents)
	Height     int       // pixels; 0 when not known
	Added      time.Time // UTC, when it was first added
	Uses       int       // how many posts use it
}

// libraryLimit is how many files the library shows at most, newest first;
// a search finds older ones.
const libraryLimit = 500

// MediaLibrary lists the stored media whose file name or alt text contains
// query (all when it is empty), newest first, with thumbnails (made once
// and kept in the data folder). A thumbnail that cannot be made is left
// out (the screen shows an icon); the file is still listed.
func (a *App) MediaLibrary(ctx context.Context, query string) ([]LibraryMedia, error) {
	items, err := a.Store.MediaLibrary(ctx, query, libraryLimit)
	if err != nil {
		return nil, err
	}
	out := make([]LibraryMedia, 0, len(items))
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		thumb, _ := a.Store.Thumbnail(it.Media)
		out = append(out, LibraryMedia{
			DraftMedia: DraftMedia{MediaID: it.ID, Path: a.Store.MediaPath(it.Media), Mime: it.Mime, Size: it.Size, Alt: it.Alt},
			Name:       it.DisplayName(),
			Thumb:      thumb,
			Width:      it.Width,
			Height:     it.Height,
			Added:      it.Added,
			Uses:       it.Uses,
		})
	}
	return out, nil
}
