package views

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
)

// Attachments in the composer: files dropped from the file manager, added
// by dialog or picked from the library, and their order.

// onDropped takes files dropped anywhere on the main window. On the
// composer they join the post being written; elsewhere they start a new
// post (a stored post open in the composer is put aside, a new one in
// progress gets them).
func (u *MainUI) onDropped(_ fyne.Position, uris []fyne.URI) {
	if len(uris) == 0 {
		return
	}
	if u.tabs.Selected() != u.composeTab {
		if u.composer.postID != 0 {
			u.composer.startOn(u.now())
		}
		u.tabs.Select(u.composeTab)
	}
	u.composer.dropFiles(uris)
}

// dropFiles attaches dropped files; what cannot be attached is named under
// the media with the reason, and nothing else changes.
func (c *composerScreen) dropFiles(uris []fyne.URI) {
	var paths, notes []string
	for _, u := range uris {
		if u.Scheme() != "file" {
			notes = append(notes, fmt.Sprintf("%s is not a file on this computer: save it first, then drop the saved file.", u.Name()))
			continue
		}
		paths = append(paths, u.Path())
	}
	c.addMediaFiles(paths, notes)
}

// addMediaFiles stores the files in the data folder (off the UI thread) and
// shows them in order, up to the most the ticked accounts take. notes are
// shown with the reasons for any file left out.
func (c *composerScreen) addMediaFiles(paths, notes []string) {
	c.setProblem(c.mediaProblem, "")
	if len(paths) == 0 {
		c.setProblem(c.mediaProblem, strings.Join(notes, "\n"))
		return
	}
	c.b.run(func() func() {
		ctx, cancel := c.b.ctx()
		defer cancel()
		type added struct {
			m    app.DraftMedia
			name string
		}
		var got []added
		var errs []string
		for _, p := range paths {
			m, err := c.core.AddMedia(ctx, p)
			if err != nil {
				msg := err.Error()
				if !strings.Contains(msg, p) {
					msg = filepath.Base(p) + ": " + msg
				}
				errs = append(errs, msg)
				continue
			}
			got = append(got, added{m, filepath.Base(p)})
		}
		return func() {
			notes := append(append([]string(nil), notes...), errs...)
			var skipped []string
			for _, a := range got {
				switch {
				case c.hasMedia(a.m.MediaID):
					notes = append(notes, a.name+" is already in this post.")
				case c.mediaFull():
					skipped = append(skipped, a.name)
				default:
					c.appendNamedMedia(a.m, a.name)
				}
			}
			if len(skipped) > 0 {
				notes = append(notes, c.fullNote(skipped))
			}
			c.setProblem(c.mediaProblem, strings.Join(notes, "\n"))
		}
	})
}

// hasMedia reports whether the stored file id is attached already.
func (c *composerScreen) hasMedia(id int64) bool {
	if id == 0 {
		return false
	}
	for _, r := range c.media {
		if r.m.MediaID == id {
			return true
		}
	}
	return false
}

// mediaFull reports whether the post holds as many files as the ticked
// accounts take.
func (c *composerScreen) mediaFull() bool {
	return c.limits.MaxMedia > 0 && len(c.media) >= c.limits.MaxMedia
}

func (c *composerScreen) fullNote(names []string) string {
	return fmt.Sprintf("Not added: %s. The chosen accounts take at most %d files per post; remove one to make room.",
		strings.Join(names, ", "), c.limits.MaxMedia)
}

// rowButtons are an attachment's move and remove buttons.
func (c *composerScreen) rowButtons(row *mediaRow, remove *widget.Button) fyne.CanvasObject {
	row.up = ext(&widget.Button{Icon: theme.MoveUpIcon(), Importance: widget.LowImportance,
		OnTapped: func() { c.moveMedia(row, -1) }})
	row.down = ext(&widget.Button{Icon: theme.MoveDownIcon(), Importance: widget.LowImportance,
		OnTapped: func() { c.moveMedia(row, 1) }})
	return container.NewHBox(row.up, row.down, remove)
}

// moveMedia moves an attachment by delta places; the order is the one the
// networks show and the one saved.
func (c *composerScreen) moveMedia(row *mediaRow, delta int) {
	i := -1
	for k, r := range c.media {
		if r == row {
			i = k
		}
	}
	j := i + delta
	if i < 0 || j < 0 || j >= len(c.media) {
		return
	}
	c.media[i], c.media[j] = c.media[j], c.media[i]
	objs := make([]fyne.CanvasObject, len(c.media))
	for k, r := range c.media {
		objs[k] = r.obj
	}
	c.mediaBox.Objects = objs
	c.mediaBox.Refresh()
	c.updateMoveButtons()
}

// updateMoveButtons disables moving the first up and the last down.
func (c *composerScreen) updateMoveButtons() {
	for i, r := range c.media {
		if r.up == nil {
			continue
		}
		setEnabled(r.up, i > 0)
		setEnabled(r.down, i < len(c.media)-1)
	}
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}
