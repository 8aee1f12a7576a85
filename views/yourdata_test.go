package views

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
)

// dataFixture is two accounts: Mastodon with its token in the keyring
// and X disconnected, and what is stored of them.
func dataFixture(t *testing.T) *fakeCore {
	t.Helper()
	fc := newFakeCore(berlin(t))
	fc.accounts = []data.Account{alice, shop}
	dir := "/home/alice/.local/share/Localpost"
	offX := shop
	offX.State = data.AccountDisconnected
	offX.RemoteID = "1234"
	al := alice
	al.RemoteID = "109"
	fc.yd.summary = app.DataSummary{
		Folder: dir, Database: dir + "/localpost.db", DatabaseSize: 2_400_000,
		MediaFolder: dir + "/media", MediaFiles: 12, MediaSize: 31_000_000,
		BackupsFolder: dir + "/backups", Keyring: "macOS Keychain", Posts: 40,
		Accounts: []app.AccountData{
			{Account: al, NetworkName: "Mastodon", Posts: 30, Published: 25, Readings: 410, MediaFiles: 9, MediaSize: 20_000_000,
				TokenInKeyring: true, NetworkKeeps: app.NetworkKeeps("mastodon"),
				RevokeURL: "https://example.social/oauth/authorized_applications", RevokeSteps: "Preferences → Account → Authorized apps",
				CanRevoke: true},
			{Account: offX, NetworkName: "X", Posts: 10, Published: 10, Readings: 1, MediaFiles: 3, MediaSize: 11_000_000,
				NetworkKeeps: app.NetworkKeeps("x"), RevokeURL: "https://x.com/settings/connected_apps"},
		},
	}
	fc.yd.retention = app.Retention{MetricsMonths: 6, PostsMonths: 24}
	fc.yd.backups = []app.Backup{
		{Name: "localpost-2026-07-15.db", Path: dir + "/backups/localpost-2026-07-15.db", At: time.Date(2026, 7, 15, 3, 0, 0, 0, time.UTC), Size: 2_300_000},
		{Name: "localpost-2026-07-14.db", Path: dir + "/backups/localpost-2026-07-14.db", At: time.Date(2026, 7, 14, 3, 0, 0, 0, time.UTC), Size: 2_200_000},
	}
	return fc
}

// openYourData shows the "Your data" tab and waits for its summary; restarts
// collects the work handed to Restart.
func openYourData(t *testing.T, fc *fakeCore) (*MainUI, *[]func(string) (string, error)) {
	t.Helper()
	u := newTestUI(t, fc, fixedNow(fc.loc))
	var restarts []func(string) (string, error)
	u.Restart = func(work func(string) (string, error)) { restarts = append(restarts, work) }
	u.tabs.Select(u.dataTab)
	u.b.wait()
	return u, &restarts
}

// shownTexts are the texts of every label and hyperlink (with its address) in obj.
func shownTexts(t *testing.T, obj fyne.CanvasObject) []string {
	t.Helper()
	var out []string
	walk(t, obj, func(o fyne.CanvasObject) bool {
		switch v := o.(type) {
		case *widget.Label:
			out = append(out, v.Text)
		case *widget.Hyperlink:
			out = append(out, v.Text+" <"+v.URL.String()+">")
		}
		return false
	})
	return out
}

// dialogText are the label texts of the visible dialogs.
func dialogText(t *testing.T, w fyne.Window) string {
	t.Helper()
	var out []string
	for _, o := range w.Canvas().Overlays().List() {
		if o.Visible() {
			out = append(out, shownTexts(t, o)...)
		}
	}
	return strings.Join(out, "\n")
}

func TestYourDataMarkup(t *testing.T) {
	u, _ := openYourData(t, dataFixture(t))
	u.Window.Resize(fyne.NewSize(1100, 1400))
	u.b.wait()
	test.AssertObjectRendersToMarkup(t, "yourdata.xml", u.yourData.obj)
}

// TestYourDataAnswersWhatAndWho: the screen names the files, each account's
// data, where its token is (never the token), what the network keeps and
// where to revoke, and who else sees any of it.
func TestYourDataAnswersWhatAndWho(t *testing.T) {
	u, _ := openYourData(t, dataFixture(t))
	all := strings.Join(shownTexts(t, u.yourData.obj), "\n")
	for _, want := range []string{
		"/home/alice/.local/share/Localpost",
		"localpost.db, 2.4 MB",
		"12 files, 31.0 MB in /home/alice/.local/share/Localpost/media",
		"/home/alice/.local/share/Localpost/backups",
		"Alice · Mastodon",
		"Name and handle: Alice, @alice@example.social (ID 109)",
		"30 posts (25 published) · 410 readings of its numbers · 9 media files, 20.0 MB",
		"Token: in your system keyring (macOS Keychain), never shown",
		"Token: none, the account is disconnected",
		"<https://example.social/oauth/authorized_applications>",
		"<https://x.com/settings/connected_apps>",
		"Disconnecting the account in Localpost does this for you.",
		"Localpost cannot do this for you at X: do it there yourself.",
		app.NetworkKeeps("x"),
		"Nobody but the networks you connected sees any of it",
		"no telemetry",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the screen does not say %q:\n%s", want, all)
		}
	}
	if u.yourData.importBtn.Visible() {
		t.Error("Import is offered with data in the folder")
	}
}

func TestYourDataImportOnlyIntoAnEmptyFolder(t *testing.T) {
	fc := newFakeCore(berlin(t))
	fc.yd.summary = app.DataSummary{Folder: "/data", Keyring: "macOS Keychain"}
	u, restarts := openYourData(t, fc)
	s := u.yourData
	if !s.importBtn.Visible() {
		t.Fatal("Import is not offered in an empty folder")
	}
	var imported [][2]string
	s.ops.importArchive = func(_ context.Context, dir, path string, _ func(app.ArchiveProgress)) error {
		imported = append(imported, [2]string{dir, path})
		return nil
	}
	s.importFrom("/home/alice/localpost.zip")
	if len(*restarts) != 1 {
		t.Fatalf("%d restarts, want 1", len(*restarts))
	}
	if dir, err := (*restarts)[0]("/data"); dir != "" || err != nil {
		t.Errorf("work = %q, %v", dir, err)
	}
	if len(imported) != 1 || imported[0] != [2]string{"/data", "/home/alice/localpost.zip"} {
		t.Errorf("imported %v", imported)
	}
}

func TestExportShowsProgressAndCancels(t *testing.T) {
	fc := dataFixture(t)
	fc.yd.progress = []app.ArchiveProgress{{Done: 1, Total: 4, Current: "data.json"}, {Done: 2, Total: 4, Current: "media/a.png"}}
	fc.yd.exportStarted = make(chan struct{}, 1)
	fc.yd.exportBlock = true
	u, _ := openYourData(t, fc)
	s := u.yourData
	s.export("/tmp/out.zip")
	select {
	case <-fc.yd.exportStarted:
	case <-time.After(10 * time.Second):
		t.Fatal("ExportArchive was not called")
	}
	u.b.drain()
	p := s.exporting
	if p == nil || p.bar.Max != 4 || p.bar.Value != 2 || p.step.Text != "media/a.png" {
		t.Fatalf("progress: %+v", p)
	}
	if !s.exportBtn.Disabled() {
		t.Error("Export can be started twice")
	}
	cancel := overlayButton(t, u.Window, "Cancel")
	if cancel == nil {
		t.Fatal("no Cancel in the progress dialog")
	}
	test.Tap(cancel)
	u.b.wait()
	if !errors.Is(fc.yd.exportCtxErr, context.Canceled) {
		t.Errorf("export context: %v", fc.yd.exportCtxErr)
	}
	if s.status.Text != "Export cancelled: no file was written." || s.exporting != nil || s.exportBtn.Disabled() {
		t.Errorf("after cancel: status %q, exporting %v, button disabled %v", s.status.Text, s.exporting != nil, s.exportBtn.Disabled())
	}
	if overlayButton(t, u.Window, "Cancel") != nil {
		t.Error("the progress dialog stays open")
	}

	fc.yd.exportBlock = false
	fc.yd.exportStarted = nil
	s.export("/tmp/again.zip")
	u.b.wait()
	if s.status.Text != "Exported everything to /tmp/again.zip." {
		t.Errorf("status %q", s.status.Text)
	}
	if !slices.Equal(fc.yd.exportPaths, []string{"/tmp/out.zip", "/tmp/again.zip"}) {
		t.Errorf("exported to %v", fc.yd.exportPaths)
	}
}

func TestDeleteEverythingNamesWhatGoesAndNeedsTheWord(t *testing.T) {
	fc := dataFixture(t)
	fc.yd.plan = app.WipeReport{Accounts: 2, Posts: 40, MediaFiles: 12, Backups: 7, KeyringEntries: 3,
		Revoked: []string{"Mastodon @alice@example.social"}, NotRevoked: []string{"LinkedIn"}}
	fc.yd.work = func(string) (string, error) { return "wiped", nil }
	u, restarts := openYourData(t, fc)
	s := u.yourData
	test.Tap(s.deleteBtn)
	u.b.wait()
	w := s.wipe
	if w == nil {
		t.Fatal("no confirmation")
	}
	text := dialogText(t, u.Window)
	for _, want := range []string{"2 accounts", "40 posts with their numbers", "12 media files", "7 backups", "3 keyring entries",
		"Mastodon @alice@example.social", "LinkedIn", "cannot be undone"} {
		if !strings.Contains(text, want) {
			t.Errorf("the confirmation does not name %q:\n%s", want, text)
		}
	}
	if !w.wipe.Disabled() {
		t.Fatal("Delete everything can be tapped before DELETE is typed")
	}
	test.Type(w.confirm, "delete")
	if !w.wipe.Disabled() {
		t.Error("lower-case delete unlocks it")
	}
	test.Tap(w.wipe)
	u.b.wait()
	if len(*restarts) != 0 || slices.Contains(fc.yd.calls, "RevokeAll") {
		t.Fatalf("wiped without the word: %v", fc.yd.calls)
	}
	w.confirm.SetText("DELETE")
	if w.wipe.Disabled() {
		t.Fatal("DELETE does not unlock it")
	}
	test.Tap(w.wipe)
	u.b.wait()
	if !slices.Equal(fc.yd.calls, []string{"WipePlan", "RevokeAll", "WipeWork"}) {
		t.Errorf("calls %v, want WipePlan, RevokeAll, WipeWork", fc.yd.calls)
	}
	if len(*restarts) != 1 {
		t.Fatalf("%d restarts, want 1", len(*restarts))
	}
	if got, _ := (*restarts)[0]("/data"); got != "wiped" {
		t.Errorf("Restart got another work: %q", got)
	}
}

func TestDisconnectAsksKeepOrDelete(t *testing.T) {
	for _, c := range []struct {
		button  string
		keep    bool
		revoked bool
		says    string
	}{
		{"Keep its posts and numbers", true, true, "Mastodon no longer lets Localpost in."},
		{"Delete them too", false, false, "https://example.social/oauth/authorized_applications <https://example.social/oauth/authorized_applications>"},
	} {
		t.Run(c.button, func(t *testing.T) {
			fc := newFakeCore(berlin(t))
			fc.accounts = []data.Account{alice}
			fc.yd.revoked = c.revoked
			u := newTestUI(t, fc, fixedNow(fc.loc))
			u.accounts.onDisconnect(alice)
			b := overlayButton(t, u.Window, c.button)
			if b == nil || overlayButton(t, u.Window, "Cancel") == nil {
				t.Fatalf("no %q or Cancel", c.button)
			}
			test.Tap(b)
			u.b.wait()
			if len(fc.yd.disconnects) != 1 || fc.yd.disconnects[0] != (disconnectCall{alice.ID, c.keep}) {
				t.Errorf("DisconnectAccount calls %v, want %d keep=%v", fc.yd.disconnects, alice.ID, c.keep)
			}
			if text := dialogText(t, u.Window); !strings.Contains(text, c.says) {
				t.Errorf("after disconnecting: %q, want %q", text, c.says)
			}
		})
	}
}

func TestDisconnectCancelKeepsTheAccount(t *testing.T) {
	fc := newFakeCore(berlin(t))
	fc.accounts = []data.Account{alice}
	u := newTestUI(t, fc, fixedNow(fc.loc))
	u.accounts.onDisconnect(alice)
	test.Tap(overlayButton(t, u.Window, "Cancel"))
	u.b.wait()
	if len(fc.yd.disconnects) != 0 {
		t.Errorf("disconnected: %v", fc.yd.disconnects)
	}
}

func TestRetentionSelectsCallSetRetention(t *testing.T) {
	fc := dataFixture(t)
	u := newTestUI(t, fc, fixedNow(fc.loc))
	d := u.settings.data
	if d.readings.Selected != "6 months" || d.posts.Selected != "24 months" {
		t.Errorf("shown %q, %q; want the core's 6 and 24 months", d.readings.Selected, d.posts.Selected)
	}
	if len(fc.yd.retentionSet) != 0 {
		t.Fatalf("showing the setting saved it: %v", fc.yd.retentionSet)
	}
	d.readings.SetSelected("12 months")
	u.b.wait()
	d.posts.SetSelected("Forever")
	u.b.wait()
	want := []app.Retention{{MetricsMonths: 12, PostsMonths: 24}, {MetricsMonths: 12, PostsMonths: 0}}
	if !slices.Equal(fc.yd.retentionSet, want) {
		t.Errorf("SetRetention calls %v, want %v", fc.yd.retentionSet, want)
	}
	if !slices.Equal(d.readings.Options, []string{"Forever", "6 months", "12 months", "24 months"}) ||
		!slices.Equal(d.posts.Options, []string{"Forever", "12 months", "24 months", "36 months"}) {
		t.Errorf("choices %v, %v", d.readings.Options, d.posts.Options)
	}
}

func TestBackupsListAndBackUpNow(t *testing.T) {
	fc := dataFixture(t)
	u := newTestUI(t, fc, fixedNow(fc.loc))
	d := u.settings.data
	all := strings.Join(shownTexts(t, d.backupBox), "\n")
	if !strings.Contains(all, backupLabel(fc.yd.backups[0])) || !strings.Contains(all, "2.2 MB") {
		t.Errorf("backups shown:\n%s", all)
	}
	test.Tap(d.backupNow)
	u.b.wait()
	if fc.yd.backupsMade != 1 || len(d.backups) != 3 || !strings.HasPrefix(d.status.Text, "Backed up: ") {
		t.Errorf("after Back up now: %d made, %d listed, status %q", fc.yd.backupsMade, len(d.backups), d.status.Text)
	}
}

func TestRestoreRestartsWithTheBackup(t *testing.T) {
	fc := dataFixture(t)
	u := newTestUI(t, fc, fixedNow(fc.loc))
	var restarts []func(string) (string, error)
	u.Restart = func(work func(string) (string, error)) { restarts = append(restarts, work) }
	d := u.settings.data
	var restored [][2]string
	d.ops.restoreBackup = func(dir, name string) error {
		restored = append(restored, [2]string{dir, name})
		return nil
	}
	d.onRestore(fc.yd.backups[1])
	if text := dialogText(t, u.Window); !strings.Contains(text, "set aside in the replaced folder") {
		t.Errorf("the question does not say the current data is kept:\n%s", text)
	}
	test.Tap(overlayButton(t, u.Window, "Restore and restart"))
	if len(restarts) != 1 {
		t.Fatalf("%d restarts, want 1", len(restarts))
	}
	if dir, err := restarts[0]("/data"); dir != "" || err != nil {
		t.Errorf("work = %q, %v", dir, err)
	}
	if len(restored) != 1 || restored[0] != [2]string{"/data", "localpost-2026-07-14.db"} {
		t.Errorf("restored %v", restored)
	}
}

func TestMoveRestartsInTheNewFolder(t *testing.T) {
	fc := dataFixture(t)
	u := newTestUI(t, fc, fixedNow(fc.loc))
	var restarts []func(string) (string, error)
	u.Restart = func(work func(string) (string, error)) { restarts = append(restarts, work) }
	d := u.settings.data
	var moved [][2]string
	d.ops.moveDataFolder = func(from, to string) error {
		moved = append(moved, [2]string{from, to})
		return nil
	}
	empty := t.TempDir()
	busy := t.TempDir()
	if err := os.WriteFile(filepath.Join(busy, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	d.moveTo(empty)
	test.Tap(overlayButton(t, u.Window, "Move and restart"))
	d.moveTo(busy)
	test.Tap(overlayButton(t, u.Window, "Move and restart"))
	if len(restarts) != 2 {
		t.Fatalf("%d restarts, want 2", len(restarts))
	}
	if dir, err := restarts[0]("/old"); dir != empty || err != nil {
		t.Errorf("work = %q, %v; want %q", dir, err, empty)
	}
	// a folder with other files gets a Localpost folder inside it
	if dir, err := restarts[1]("/old"); dir != filepath.Join(busy, "Localpost") || err != nil {
		t.Errorf("work = %q, %v", dir, err)
	}
	if len(moved) != 2 || moved[0] != [2]string{"/old", empty} {
		t.Errorf("moved %v", moved)
	}
	d.ops.moveDataFolder = func(from, to string) error { return errors.New("no room") }
	d.moveTo(empty)
	test.Tap(overlayButton(t, u.Window, "Move and restart"))
	if dir, err := restarts[2]("/old"); dir != "" || err == nil {
		t.Errorf("failed move: %q, %v", dir, err)
	}
}
