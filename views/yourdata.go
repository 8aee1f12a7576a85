package views

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
	"localpost/platforms"
)

// restartFunc hands work on the closed data folder to main, which stops the
// core, runs it and starts again on the folder it returns ("" = the same).
type restartFunc func(work func(dataDir string) (newDataDir string, err error))

// dataFolderOps are the app functions that work on a closed data folder;
// tests replace them.
type dataFolderOps struct {
	importArchive  func(ctx context.Context, dataDir, path string, progress func(app.ArchiveProgress)) error
	restoreBackup  func(dataDir, name string) error
	moveDataFolder func(from, to string) error
}

func realDataFolderOps() dataFolderOps {
	return dataFolderOps{importArchive: app.ImportArchive, restoreBackup: app.RestoreBackup, moveDataFolder: app.MoveDataFolder}
}

// whoSees answers "who else sees it?".
const whoSees = "Nobody but the networks you connected sees any of it, and an AI endpoint only if you set one up. " +
	"Localpost sends no telemetry and no usage statistics, and it has no server of its own."

// yourDataScreen answers "what does this app know about me and who else
// sees it?", and exports, imports and deletes all of it.
type yourDataScreen struct {
	core Core
	b    *bridge
	ops  dataFolderOps

	restart restartFunc

	obj      fyne.CanvasObject
	folder   *widget.Label
	database *widget.Label
	media    *widget.Label
	backups  *widget.Label
	keyring  *widget.Label
	accounts *fyne.Container
	noAccs   *widget.Label
	status   *widget.Label
	errLabel *widget.Label

	exportBtn *widget.Button
	importBtn *widget.Button
	deleteBtn *widget.Button

	summary app.DataSummary

	exporting *exportProgress // the export under way, if any
	wipe      *wipeDialog     // the open delete-everything dialog, if any
}

func newYourDataScreen(core Core, b *bridge) *yourDataScreen {
	return &yourDataScreen{core: core, b: b, ops: realDataFolderOps()}
}

func (s *yourDataScreen) build() fyne.CanvasObject {
	heading := ext(&widget.Label{Text: "Your data", TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameHeadingText})
	wrap := func() *widget.Label { return ext(&widget.Label{Wrapping: fyne.TextWrapWord}) }
	s.folder, s.database, s.media, s.backups, s.keyring = wrap(), wrap(), wrap(), wrap(), wrap()
	s.folder.Selectable = true
	bold := func(text string) *widget.Label {
		return ext(&widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}})
	}
	openBtn := ext(&widget.Button{Text: "Open folder", Icon: theme.FolderOpenIcon(), OnTapped: s.onOpenFolder})
	here := widget.NewCard("On this computer", "", container.NewVBox(
		container.New(layout.NewFormLayout(),
			bold("Data folder"), s.folder,
			bold("Database"), s.database,
			bold("Media"), s.media,
			bold("Backups"), s.backups,
			bold("Logins"), s.keyring),
		container.NewHBox(openBtn),
	))
	s.accounts = container.NewVBox()
	s.noAccs = ext(&widget.Label{Text: "No accounts connected: Localpost holds no profile of yours.", Wrapping: fyne.TextWrapWord})
	accounts := widget.NewCard("Accounts", "What Localpost keeps of each account, and what the network keeps itself.",
		container.NewVBox(s.noAccs, s.accounts))

	s.exportBtn = ext(&widget.Button{Text: "Export everything…", Icon: theme.DocumentSaveIcon(), OnTapped: s.onExport})
	s.importBtn = ext(&widget.Button{Text: "Import…", Icon: theme.FolderOpenIcon(), OnTapped: s.onImport})
	s.importBtn.Hide() // offered only into an empty folder (setSummary)
	s.deleteBtn = ext(&widget.Button{Text: "Delete everything…", Icon: theme.DeleteIcon(), Importance: widget.DangerImportance,
		OnTapped: s.onDeleteAll})
	s.status = wrap()
	s.status.Hide()
	s.errLabel = problemLabel()
	yours := widget.NewCard("Take it with you, or delete it", "", container.NewVBox(
		ext(&widget.Label{Wrapping: fyne.TextWrapWord, Text: "An export is one .zip file: every record as JSON, the media files, " +
			"and a README that describes the format. It never holds a token or a developer app's secret."}),
		container.NewHBox(s.exportBtn, s.importBtn, layout.NewSpacer(), s.deleteBtn),
		s.status,
	))
	who := ext(&widget.Label{Text: "Everything Localpost knows about you is listed here, and it is kept only on this computer. " + whoSees,
		Wrapping: fyne.TextWrapWord})
	s.obj = container.NewBorder(container.NewVBox(heading, who, s.errLabel), nil, nil, nil,
		container.NewVScroll(container.NewVBox(here, accounts, yours)))
	return s.obj
}

// reload reads the summary off the UI thread.
func (s *yourDataScreen) reload() {
	s.b.run(func() func() {
		ctx, cancel := s.b.ctx()
		defer cancel()
		sum, err := s.core.DataSummary(ctx)
		return func() {
			if err != nil {
				s.errLabel.SetText("Could not read what is stored: " + err.Error())
				s.errLabel.Show()
				return
			}
			s.errLabel.Hide()
			s.setSummary(sum)
		}
	})
}

// setSummary shows sum; on the Fyne thread.
func (s *yourDataScreen) setSummary(sum app.DataSummary) {
	s.summary = sum
	s.folder.SetText(sum.Folder)
	s.database.SetText(filepath.Base(sum.Database) + ", " + formatSize(sum.DatabaseSize) +
		": accounts, posts, their numbers and your settings")
	s.media.SetText(plural(sum.MediaFiles, "1 file", "%d files") + ", " + formatSize(sum.MediaSize) + " in " + sum.MediaFolder)
	s.backups.SetText(sum.BackupsFolder + ": daily copies of the database, the last 7 kept")
	s.keyring.SetText("Tokens and developer app secrets are in your system keyring (" + sum.Keyring +
		"), never in these files and never shown.")
	var rows []fyne.CanvasObject
	for i, ad := range sum.Accounts {
		if i > 0 {
			rows = append(rows, widget.NewSeparator())
		}
		rows = append(rows, s.accountRow(ad))
	}
	s.accounts.Objects = rows
	s.accounts.Refresh()
	s.noAccs.Hidden = len(sum.Accounts) > 0
	s.noAccs.Refresh()
	if sum.Empty() && s.exporting == nil {
		s.importBtn.Show()
	} else {
		s.importBtn.Hide()
	}
}

// accountRow is one account: what is stored of it and where the network
// lets the user take Localpost's access away.
func (s *yourDataScreen) accountRow(ad app.AccountData) fyne.CanvasObject {
	a := ad.Account
	name := a.DisplayName
	if name == "" {
		name = a.Handle
	}
	var pic fyne.CanvasObject = ext(&widget.Icon{Resource: theme.AccountIcon()})
	if ad.AvatarFile != "" {
		pic = avatarImage(ad.AvatarFile)
	}
	title := ext(&widget.Label{Text: name + " · " + ad.NetworkName, TextStyle: fyne.TextStyle{Bold: true}})
	id := a.Handle
	if id == "" || id != a.RemoteID {
		id = strings.TrimSpace(id + " (ID " + a.RemoteID + ")")
	}
	lines := []fyne.CanvasObject{title}
	line := func(text string) {
		lines = append(lines, ext(&widget.Label{Text: text, Wrapping: fyne.TextWrapWord}))
	}
	line("Name and handle: " + name + ", " + id)
	line(fmt.Sprintf("%s (%d published) · %s · %s, %s",
		plural(ad.Posts, "1 post", "%d posts"), ad.Published, plural(ad.Readings, "1 reading of its numbers", "%d readings of its numbers"),
		plural(ad.MediaFiles, "1 media file", "%d media files"), formatSize(ad.MediaSize)))
	if ad.AvatarFile != "" {
		line("Profile image: " + ad.AvatarFile)
	} else {
		line("Profile image: none stored")
	}
	switch {
	case ad.TokenInKeyring:
		line("Token: in your system keyring (" + s.summary.Keyring + "), never shown")
	case a.State == data.AccountDisconnected:
		line("Token: none, the account is disconnected")
	default:
		line("Token: none stored")
	}
	if ad.NetworkKeeps != "" {
		line(ad.NetworkKeeps)
	}
	if ad.RevokeURL != "" {
		link := ext(&widget.Hyperlink{Text: "Take Localpost's access away at " + ad.NetworkName})
		if u, err := url.Parse(ad.RevokeURL); err == nil {
			link.URL = u
			link.OnTapped = func() { s.b.open(ad.RevokeURL) }
		}
		lines = append(lines, link)
		how := ""
		if ad.RevokeSteps != "" {
			how = "There: " + ad.RevokeSteps + ". "
		}
		if ad.CanRevoke {
			how += "Disconnecting the account in Localpost does this for you."
		} else {
			how += "Localpost cannot do this for you at " + ad.NetworkName + ": do it there yourself."
		}
		line(how)
	}
	return container.NewBorder(nil, nil, container.NewVBox(container.NewGridWrap(fyne.NewSquareSize(40), pic)), nil,
		container.NewVBox(lines...))
}

func (s *yourDataScreen) onOpenFolder() {
	if s.summary.Folder == "" {
		return
	}
	s.b.open(storage.NewFileURI(s.summary.Folder).String())
}

// onExport asks where to save the archive, then writes it.
func (s *yourDataScreen) onExport() {
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			s.b.errorDialog(err)
			return
		}
		if w == nil {
			return // cancelled
		}
		path := w.URI().Path()
		// The core writes the file itself (no partial file on failure).
		w.Close()
		os.Remove(path)
		s.export(path)
	}, s.b.win)
	save.SetFileName("localpost-" + time.Now().Format(time.DateOnly) + ".zip")
	save.SetFilter(storage.NewExtensionFileFilter([]string{".zip"}))
	save.Resize(fyne.NewSize(720, 520))
	save.Show()
}

// exportProgress is the dialog an export runs under: a bar, the file
// being written, and Cancel.
type exportProgress struct {
	dlg    *dialog.CustomDialog
	bar    *widget.ProgressBar
	step   *widget.Label
	cancel *widget.Button

	mu      sync.Mutex
	latest  app.ArchiveProgress
	pending bool // an update is queued for the Fyne thread
}

// export writes the archive to path under a progress dialog with Cancel.
func (s *yourDataScreen) export(path string) {
	if s.exporting != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &exportProgress{
		bar:  ext(&widget.ProgressBar{}),
		step: ext(&widget.Label{Text: "Starting…", Truncation: fyne.TextTruncateEllipsis}),
	}
	p.cancel = ext(&widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: func() {
		cancel()
		p.step.SetText("Cancelling…")
		p.cancel.Disable()
	}})
	p.dlg = dialog.NewCustomWithoutButtons("Exporting everything", container.NewVBox(
		ext(&widget.Label{Text: "To " + path, Truncation: fyne.TextTruncateEllipsis}), p.bar, p.step,
		container.NewHBox(layout.NewSpacer(), p.cancel)), s.b.win)
	p.dlg.Resize(fyne.NewSize(480, 180))
	p.dlg.Show()
	s.exporting = p
	s.exportBtn.Disable()
	s.importBtn.Hide()

	s.b.run(func() func() {
		defer cancel()
		err := s.core.ExportArchive(ctx, path, func(ap app.ArchiveProgress) {
			// One update waits for the Fyne thread at a time; it shows
			// the latest numbers when it runs.
			p.mu.Lock()
			p.latest = ap
			queue := !p.pending
			p.pending = true
			p.mu.Unlock()
			if queue {
				s.b.do(p.apply)
			}
		})
		cancelled := ctx.Err() != nil
		return func() {
			p.dlg.Hide()
			s.exporting = nil
			s.exportBtn.Enable()
			switch {
			case err != nil && (cancelled || errors.Is(err, context.Canceled)):
				s.setStatus("Export cancelled: no file was written.", widget.MediumImportance)
			case err != nil:
				s.b.errorDialog(errors.New("the archive could not be written: " + err.Error() +
					". No file was left behind; choose another folder and try again."))
			default:
				s.setStatus("Exported everything to "+path+".", widget.SuccessImportance)
			}
			s.setSummary(s.summary)
		}
	})
}

// apply shows the latest progress; on the Fyne thread.
func (p *exportProgress) apply() {
	p.mu.Lock()
	ap := p.latest
	p.pending = false
	p.mu.Unlock()
	if ap.Total > 0 {
		p.bar.Max = float64(ap.Total)
		p.bar.SetValue(float64(ap.Done))
	}
	if ap.Current != "" && !p.cancel.Disabled() {
		p.step.SetText(ap.Current)
	}
}

func (s *yourDataScreen) setStatus(text string, imp widget.Importance) {
	s.status.Text, s.status.Importance = text, imp
	s.status.Show()
	s.status.Refresh()
}

// onImport asks for an archive and imports it into this empty folder.
func (s *yourDataScreen) onImport() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			s.b.errorDialog(err)
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		s.importFrom(path)
	}, s.b.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".zip"}))
	d.Resize(fyne.NewSize(720, 520))
	d.Show()
}

// importFrom restarts Localpost on its folder with the archive at path
// imported into it.
func (s *yourDataScreen) importFrom(path string) {
	if !s.summary.Empty() {
		s.b.errorDialog(errors.New("an archive can only be imported into an empty data folder. " +
			"Export what is here first, then delete everything, or move the data folder, and import again"))
		return
	}
	bar := ext(&widget.ProgressBarInfinite{})
	dialog.NewCustomWithoutButtons("Importing "+filepath.Base(path), container.NewVBox(
		ext(&widget.Label{Text: "Localpost restarts with the imported data. Accounts need to be reconnected: " +
			"an archive holds no logins.", Wrapping: fyne.TextWrapWord}), bar), s.b.win).Show()
	importArchive := s.ops.importArchive
	s.restartWith(func(dir string) (string, error) {
		return "", importArchive(context.Background(), dir, path, func(app.ArchiveProgress) {})
	})
}

// restartWith hands work to main.
func (s *yourDataScreen) restartWith(work func(dataDir string) (string, error)) {
	if s.restart == nil {
		s.b.errorDialog(errors.New("Localpost cannot restart itself here; quit it and start it again"))
		return
	}
	s.restart(work)
}

// wipeDialog names what Delete everything removes and wants DELETE typed.
type wipeDialog struct {
	dlg     *dialog.CustomDialog
	text    *widget.Label
	confirm *widget.Entry
	wipe    *widget.Button
	busy    *widget.Label
}

// wipeWord is what the user types to delete everything.
const wipeWord = "DELETE"

// onDeleteAll counts what would go, then asks.
func (s *yourDataScreen) onDeleteAll() {
	s.deleteBtn.Disable()
	s.b.run(func() func() {
		ctx, cancel := s.b.ctx()
		defer cancel()
		plan, err := s.core.WipePlan(ctx)
		return func() {
			s.deleteBtn.Enable()
			if err != nil {
				s.b.errorDialog(fmt.Errorf("nothing was deleted: %w", err))
				return
			}
			s.showWipe(plan)
		}
	})
}

// wipeText says what Delete everything removes.
func wipeText(plan app.WipeReport) string {
	var b strings.Builder
	b.WriteString("This deletes, from this computer: " + strings.Join([]string{
		plural(plan.Accounts, "1 account", "%d accounts"),
		plural(plan.Posts, "1 post", "%d posts") + " with their numbers",
		plural(plan.MediaFiles, "1 media file", "%d media files"),
		plural(plan.Backups, "1 backup", "%d backups"),
		plural(plan.KeyringEntries, "1 keyring entry", "%d keyring entries"),
	}, ", ") + ", and every setting. Localpost then starts fresh.\n\n")
	if len(plan.Revoked) > 0 {
		b.WriteString("Localpost first takes back its access where the network allows it: " + strings.Join(plan.Revoked, ", ") + ".\n")
	}
	if len(plan.NotRevoked) > 0 {
		b.WriteString("Take it back yourself at " + strings.Join(plan.NotRevoked, ", ") +
			" (the links are on this screen; note them first).\n")
	}
	b.WriteString("\nThis cannot be undone. Export everything first if you may want it back.")
	return b.String()
}

func (s *yourDataScreen) showWipe(plan app.WipeReport) {
	w := &wipeDialog{
		text:    ext(&widget.Label{Text: wipeText(plan), Wrapping: fyne.TextWrapWord}),
		confirm: ext(&widget.Entry{PlaceHolder: wipeWord}),
		busy:    ext(&widget.Label{Text: "Taking back access at the networks…"}),
	}
	w.busy.Hide()
	w.wipe = ext(&widget.Button{Text: "Delete everything", Icon: theme.DeleteIcon(), Importance: widget.DangerImportance,
		OnTapped: func() { s.onWipe(w) }})
	w.wipe.Disable()
	w.confirm.OnChanged = func(text string) {
		if strings.TrimSpace(text) == wipeWord {
			w.wipe.Enable()
		} else {
			w.wipe.Disable()
		}
	}
	cancel := ext(&widget.Button{Text: "Cancel", OnTapped: func() { w.dlg.Hide(); s.wipe = nil }})
	w.dlg = dialog.NewCustomWithoutButtons("Delete everything?", container.NewVBox(
		w.text,
		ext(&widget.Label{Text: "Type " + wipeWord + " to confirm:"}), w.confirm, w.busy,
		container.NewHBox(layout.NewSpacer(), cancel, w.wipe)), s.b.win)
	w.dlg.Resize(fyne.NewSize(560, 380))
	w.dlg.Show()
	s.wipe = w
	s.b.win.Canvas().Focus(w.confirm)
}

// onWipe revokes what can be revoked, captures the keyring entries and
// hands the deletion to main, which runs it on the closed folder.
func (s *yourDataScreen) onWipe(w *wipeDialog) {
	if strings.TrimSpace(w.confirm.Text) != wipeWord {
		return
	}
	w.wipe.Disable()
	w.confirm.Disable()
	w.busy.Show()
	s.b.run(func() func() {
		ctx, cancel := s.b.ctx()
		defer cancel()
		s.core.RevokeAll(ctx) // best effort: what failed is named on the networks' pages
		work, err := s.core.WipeWork(ctx)
		return func() {
			w.dlg.Hide()
			s.wipe = nil
			if err != nil {
				s.b.errorDialog(fmt.Errorf("nothing was deleted: %w", err))
				return
			}
			s.restartWith(work)
		}
	})
}

// avatarImage is a stored profile image.
func avatarImage(path string) fyne.CanvasObject {
	img := ext(&widget.Icon{Resource: theme.AccountIcon()})
	if r, err := fyne.LoadResourceFromPath(path); err == nil {
		img.Resource = r
	}
	return img
}

// Retention choices: months, 0 = forever.
var (
	readingMonths = []int{0, 6, 12, 24}
	postMonths    = []int{0, 12, 24, 36}
)

func monthsLabel(m int) string {
	if m == 0 {
		return "Forever"
	}
	return fmt.Sprintf("%d months", m)
}

// dataSettings are the Settings cards on keeping data: retention, backups
// and the data folder's place.
type dataSettings struct {
	core Core
	b    *bridge
	ops  dataFolderOps

	restart restartFunc

	loading   bool
	readings  *widget.Select
	posts     *widget.Select
	backupBox *fyne.Container
	backupNow *widget.Button
	status    *widget.Label
	moveBtn   *widget.Button
	backups   []app.Backup

	restoreDlg *dialog.ConfirmDialog // the open restore question, if any
	moveDlg    *dialog.ConfirmDialog // the open move question, if any
}

func newDataSettings(core Core, b *bridge) *dataSettings {
	return &dataSettings{core: core, b: b, ops: realDataFolderOps()}
}

// cards are the Retention and Backups cards.
func (d *dataSettings) cards() []fyne.CanvasObject {
	labels := func(ms []int) []string {
		var out []string
		for _, m := range ms {
			out = append(out, monthsLabel(m))
		}
		return out
	}
	d.readings = ext(&widget.Select{Options: labels(readingMonths), OnChanged: func(string) { d.onRetention() }})
	d.posts = ext(&widget.Select{Options: labels(postMonths), OnChanged: func(string) { d.onRetention() }})
	bold := func(text string) *widget.Label {
		return ext(&widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}})
	}
	retention := widget.NewCard("Keeping old data", "", container.NewVBox(
		container.New(layout.NewFormLayout(),
			bold("Keep readings of numbers"), container.NewHBox(d.readings),
			bold("Keep published posts"), container.NewHBox(d.posts)),
		ext(&widget.Label{Wrapping: fyne.TextWrapWord, Text: "Older ones are deleted each time Localpost starts. " +
			"Drafts, ideas and planned posts are never deleted this way."}),
	))
	d.backupBox = container.NewVBox()
	d.backupNow = ext(&widget.Button{Text: "Back up now", Icon: theme.DocumentSaveIcon(), OnTapped: d.onBackupNow})
	d.status = ext(&widget.Label{Wrapping: fyne.TextWrapWord})
	d.status.Hide()
	backups := widget.NewCard("Backups", "", container.NewVBox(
		ext(&widget.Label{Wrapping: fyne.TextWrapWord, Text: "Localpost copies its database once a day and keeps the last 7 copies " +
			"in the backups folder inside the data folder."}),
		d.backupBox,
		container.NewHBox(d.backupNow), d.status,
	))
	d.load()
	return []fyne.CanvasObject{retention, backups}
}

// moveButton is the data folder card's "Move…".
func (d *dataSettings) moveButton() *widget.Button {
	d.moveBtn = ext(&widget.Button{Text: "Move…", Icon: theme.FolderIcon(), OnTapped: d.onMove})
	return d.moveBtn
}

// load shows the retention setting and reads the backups.
func (d *dataSettings) load() {
	r := d.core.Retention()
	d.loading = true
	d.readings.SetSelected(monthsLabel(r.MetricsMonths))
	d.posts.SetSelected(monthsLabel(r.PostsMonths))
	d.loading = false
	d.b.run(func() func() {
		ctx, cancel := d.b.ctx()
		defer cancel()
		bs, err := d.core.Backups(ctx)
		return func() {
			if err != nil {
				d.setStatus("Could not list the backups: "+err.Error(), widget.DangerImportance)
				return
			}
			d.setBackups(bs)
		}
	})
}

func monthsOf(label string) int {
	if label == "" || label == "Forever" {
		return 0
	}
	var m int
	fmt.Sscanf(label, "%d months", &m)
	return m
}

func (d *dataSettings) onRetention() {
	if d.loading {
		return
	}
	r := app.Retention{MetricsMonths: monthsOf(d.readings.Selected), PostsMonths: monthsOf(d.posts.Selected)}
	d.b.run(func() func() {
		err := d.core.SetRetention(r)
		return func() {
			if err != nil {
				d.b.errorDialog(fmt.Errorf("the setting was not saved: %w", err))
				d.load()
			}
		}
	})
}

func (d *dataSettings) setBackups(bs []app.Backup) {
	d.backups = bs
	var rows []fyne.CanvasObject
	if len(bs) == 0 {
		rows = append(rows, ext(&widget.Label{Text: "No backup yet."}))
	}
	for _, bk := range bs {
		restore := ext(&widget.Button{Text: "Restore…", Icon: theme.HistoryIcon(), OnTapped: func() { d.onRestore(bk) }})
		rows = append(rows, container.NewBorder(nil, nil, nil, restore,
			ext(&widget.Label{Text: backupLabel(bk)})))
	}
	d.backupBox.Objects = rows
	d.backupBox.Refresh()
}

func backupLabel(bk app.Backup) string {
	return bk.At.Local().Format("Mon 2 Jan 2006 15:04") + " · " + formatSize(bk.Size)
}

func (d *dataSettings) setStatus(text string, imp widget.Importance) {
	d.status.Text, d.status.Importance = text, imp
	d.status.Show()
	d.status.Refresh()
}

func (d *dataSettings) onBackupNow() {
	d.backupNow.Disable()
	d.b.run(func() func() {
		ctx, cancel := d.b.ctx()
		defer cancel()
		bk, err := d.core.BackupNow(ctx)
		var bs []app.Backup
		if err == nil {
			bs, err = d.core.Backups(ctx)
		}
		return func() {
			d.backupNow.Enable()
			if err != nil {
				d.setStatus("The backup was not made: "+err.Error(), widget.DangerImportance)
				return
			}
			d.setBackups(bs)
			d.setStatus("Backed up: "+backupLabel(bk)+".", widget.SuccessImportance)
		}
	})
}

// onRestore asks, then restarts on the backup.
func (d *dataSettings) onRestore(bk app.Backup) {
	restore := d.ops.restoreBackup
	d.restoreDlg = dialog.NewConfirm("Restore the backup of "+bk.At.Local().Format("2 Jan 2006 15:04")+"?",
		"Localpost restarts with the data of that moment. The current data is not deleted: it is set aside "+
			"in the replaced folder inside the data folder.",
		func(yes bool) {
			d.restoreDlg = nil
			if !yes {
				return
			}
			name := bk.Name
			d.restartWith(func(dir string) (string, error) { return "", restore(dir, name) })
		}, d.b.win)
	d.restoreDlg.SetConfirmText("Restore and restart")
	d.restoreDlg.Show()
}

// onMove asks for the new place of the data folder.
func (d *dataSettings) onMove() {
	dlg := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			d.b.errorDialog(err)
			return
		}
		if dir != nil {
			d.moveTo(dir.Path())
		}
	}, d.b.win)
	dlg.Resize(fyne.NewSize(720, 520))
	dlg.Show()
}

// moveTo asks, then restarts with the data moved to picked (or a
// Localpost folder inside it, when picked holds other files).
func (d *dataSettings) moveTo(picked string) {
	target := moveTarget(picked)
	old := d.core.DataDir()
	if filepath.Clean(target) == filepath.Clean(old) {
		return
	}
	move := d.ops.moveDataFolder
	d.moveDlg = dialog.NewConfirm("Move the data folder?",
		"Localpost restarts and moves its database, media and backups from\n"+old+"\nto\n"+target+
			"\nIt checks the copy before it removes the old files.",
		func(yes bool) {
			d.moveDlg = nil
			if !yes {
				return
			}
			d.restartWith(func(from string) (string, error) {
				if err := move(from, target); err != nil {
					return "", err
				}
				return target, nil
			})
		}, d.b.win)
	d.moveDlg.SetConfirmText("Move and restart")
	d.moveDlg.Show()
}

// moveTarget is the folder the data goes to when the user picks picked:
// picked itself when it is empty or already a Localpost folder, else a
// Localpost folder inside it.
func moveTarget(picked string) string {
	entries, err := os.ReadDir(picked)
	if err != nil || len(entries) == 0 {
		return picked
	}
	if _, err := os.Stat(filepath.Join(picked, data.DBFile)); err == nil {
		return picked
	}
	return filepath.Join(picked, "Localpost")
}

func (d *dataSettings) restartWith(work func(string) (string, error)) {
	if d.restart == nil {
		d.b.errorDialog(errors.New("Localpost cannot restart itself here; quit it and start it again"))
		return
	}
	d.restart(work)
}

// disconnectMessage says what became of the account's access at its
// network after a disconnect.
func disconnectMessage(a data.Account, revoked bool) (string, string) {
	name := networkName(a.Network)
	if revoked {
		return name + " no longer lets Localpost in.", ""
	}
	link, steps := app.RevokePlace(platforms.Network(a.Network), a.Server)
	if link == "" {
		return "Localpost has forgotten the account.", ""
	}
	msg := name + " did not confirm that Localpost's access is gone. Revoke access yourself at"
	if steps != "" {
		msg = name + " did not confirm that Localpost's access is gone. Revoke access yourself (" + steps + ") at"
	}
	return msg, link
}

// onDisconnect asks whether the account's posts and numbers stay, then
// disconnects it and says whether the network took Localpost's access back.
func (s *accountsScreen) onDisconnect(a data.Account) {
	var dlg *dialog.CustomDialog
	choose := func(keep bool) func() {
		return func() {
			dlg.Hide()
			s.disconnect(a, keep)
		}
	}
	keep := ext(&widget.Button{Text: "Keep its posts and numbers", Importance: widget.HighImportance, OnTapped: choose(true)})
	drop := ext(&widget.Button{Text: "Delete them too", Importance: widget.DangerImportance, OnTapped: choose(false)})
	cancel := ext(&widget.Button{Text: "Cancel", OnTapped: func() { dlg.Hide() }})
	msg := "Localpost takes back its access at " + networkName(a.Network) + " where it can, and deletes the login from your keyring. " +
		"Its published posts and their numbers can stay here (it can no longer publish), or go with it; " +
		"posts also planned for other accounts stay for those."
	dlg = dialog.NewCustomWithoutButtons("Disconnect "+accountLabel(a)+"?", container.NewVBox(
		ext(&widget.Label{Text: msg, Wrapping: fyne.TextWrapWord}),
		container.NewHBox(layout.NewSpacer(), cancel, drop, keep)), s.b.win)
	dlg.Resize(fyne.NewSize(560, 200))
	dlg.Show()
}

// disconnect disconnects a off the UI thread and says what became of its
// access at the network.
func (s *accountsScreen) disconnect(a data.Account, keep bool) {
	s.b.run(func() func() {
		ctx, cancel := s.b.ctx()
		defer cancel()
		revoked, err := s.core.DisconnectAccount(ctx, a.ID, keep)
		return func() {
			if s.onChanged != nil {
				s.onChanged()
			}
			if err != nil {
				s.b.errorDialog(err)
				return
			}
			msg, link := disconnectMessage(a, revoked)
			items := []fyne.CanvasObject{ext(&widget.Label{Text: msg, Wrapping: fyne.TextWrapWord})}
			if u, err := url.Parse(link); err == nil && link != "" {
				items = append(items, ext(&widget.Hyperlink{Text: link, URL: u, OnTapped: func() { s.b.open(link) }}))
			}
			d := dialog.NewCustom("Disconnected", "OK", container.NewVBox(items...), s.b.win)
			d.Resize(fyne.NewSize(480, 160))
			d.Show()
		}
	})
}
