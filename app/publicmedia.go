package app

// The public media location: networks that fetch images from a web address
// (Instagram, TikTok photos) get them from a folder the user's own web
// server publishes. Localpost copies the file there and hands the network
// the matching address; nothing else leaves the computer.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"localpost/data"
	"localpost/platforms"
)

const (
	settingPublicDir  = "public_media_dir"
	settingPublicBase = "public_media_base"
)

// PublicMedia returns the folder and the web address it is published at
// ("" when not set).
func (a *App) PublicMedia() (dir, base string) {
	ctx := context.Background()
	return a.Store.Setting(ctx, settingPublicDir, ""), a.Store.Setting(ctx, settingPublicBase, "")
}

// SetPublicMedia sets the public media location; two empty values clear it.
func (a *App) SetPublicMedia(dir, base string) error {
	dir, base = strings.TrimSpace(dir), strings.TrimRight(strings.TrimSpace(base), "/")
	if dir != "" || base != "" {
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() {
			return fmt.Errorf("%q is not a folder on this computer; choose the folder your web server publishes", dir)
		}
		u, err := url.Parse(base)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return errors.New("the web address must start with https:// — the networks fetch the images from there")
		}
	}
	ctx := context.Background()
	if err := a.Store.SetSetting(ctx, settingPublicDir, dir); err != nil {
		return err
	}
	return a.Store.SetSetting(ctx, settingPublicBase, base)
}

// needsPublicMedia reports whether an account's network fetches images
// from a web address: Instagram says so for its accounts; TikTok takes
// photos only that way (its videos are uploaded from disk, and only images
// are ever placed). Only those posts' images leave for the public folder.
func needsPublicMedia(acc data.Account) bool {
	return readExtra(acc).NeedsPublic || acc.Network == string(platforms.TikTok)
}

// publishMedia copies images into the public folder and sets their
// addresses. Without a location set, the post is left as it is and the
// network says what it needs.
func (a *App) publishMedia(p *platforms.Post) error { return a.placeMedia(p, true) }

// publishMediaURLs sets the addresses publishMedia would, without copying:
// for checking a draft.
func (a *App) publishMediaURLs(p *platforms.Post) error { return a.placeMedia(p, false) }

func (a *App) placeMedia(p *platforms.Post, copyFiles bool) error {
	dir, base := a.PublicMedia()
	if dir == "" || base == "" {
		return nil
	}
	for i := range p.Media {
		m := &p.Media[i]
		if !strings.HasPrefix(m.Mime, "image/") {
			continue // videos are uploaded from disk
		}
		name := filepath.Base(m.Path) // content-addressed: <sha256>.<ext>
		if copyFiles {
			dst := filepath.Join(dir, name)
			if _, err := os.Stat(dst); err != nil {
				if err := copyFile(m.Path, dst); err != nil {
					return &platforms.Error{Kind: platforms.KindRetry, Message: "could not copy " + name + " to the public media folder: " + err.Error(), Err: err}
				}
			}
		}
		m.PublicURL = base + "/" + url.PathEscape(name)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".localpost-*")
	if err != nil {
		return err
	}
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
