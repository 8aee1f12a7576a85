package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"localpost/data"
	"localpost/platforms"
)

// DataSummary is everything Localpost keeps about the user and where: the
// "Your data" screen shows it.
type DataSummary struct {
	Folder        string // the data folder
	Database      string // the SQLite file
	DatabaseSize  int64  // with its WAL and shared-memory files
	MediaFolder   string
	MediaFiles    int
	MediaSize     int64
	BackupsFolder string
	Keyring       string // the system keyring's name, e.g. "macOS Keychain"
	Posts         int    // posts in all, ideas and drafts included
	Accounts      []AccountData
}

// Empty reports whether nothing of the user's is stored yet: the state an
// archive can be imported into.
func (s DataSummary) Empty() bool { return len(s.Accounts) == 0 && s.Posts == 0 }

// AccountData is what Localpost keeps of one account, and what the network
// itself keeps.
type AccountData struct {
	Account     data.Account
	NetworkName string
	Posts       int // posts planned for or published on it
	Published   int
	Readings    int // numbers read from the network
	MediaFiles  int // files attached to its posts
	MediaSize   int64
	AvatarFile  string // absolute path, "" if none
	// TokenInKeyring: its login is in the system keyring (never shown).
	TokenInKeyring bool
	NetworkKeeps   string // what the network itself keeps
	RevokeURL      string // where the user takes the app's access away
	RevokeSteps    string // how, where the page alone does not say
	CanRevoke      bool   // Localpost takes its access away itself on disconnect
}

// networkFacts is what each network keeps and where its users revoke an
// app's access (checked against the networks' help pages).
var networkFacts = map[platforms.Network]struct{ keeps, url, steps string }{
	platforms.Mastodon: {keeps: "Your server keeps your posts, profile and the list of apps you authorized; " +
		"servers of people who follow you keep copies of your public posts.",
		url: "/oauth/authorized_applications", steps: "Preferences → Account → Authorized apps"},
	platforms.X: {keeps: "X keeps your posts, profile, their numbers and the apps you connected.",
		url: "https://x.com/settings/connected_apps", steps: "Settings → Security and account access → Apps and sessions → Connected apps"},
	platforms.Facebook: {keeps: "Meta keeps your Page's posts, their insights and the business integrations you allowed.",
		url: "https://www.facebook.com/settings?tab=business_tools", steps: "Settings → Business integrations"},
	platforms.FBGroup: {keeps: "Facebook keeps the group's posts. Localpost never signs in to Facebook for a group: " +
		"it only reminds you to post there yourself."},
	platforms.Instagram: {keeps: "Meta keeps your posts, their insights and the business integrations you allowed " +
		"(Instagram connects through Facebook).",
		url: "https://www.facebook.com/settings?tab=business_tools", steps: "Facebook Settings → Business integrations"},
	platforms.LinkedIn: {keeps: "LinkedIn keeps your posts, their statistics and the services you permitted.",
		url: "https://www.linkedin.com/psettings/permitted-services", steps: "Settings → Data privacy → Permitted services"},
	platforms.Pinterest: {keeps: "Pinterest keeps your pins, boards, their analytics and the apps you allowed.",
		url: "https://www.pinterest.com/settings/security", steps: "Settings → Security and logins → Apps"},
	platforms.TikTok: {keeps: "TikTok keeps your videos, their statistics and the apps you connected.",
		url:   "https://support.tiktok.com/en/safety-hc/account-and-user-safety/connect-to-third-party-apps",
		steps: "in the TikTok app: Profile → Menu → Settings and privacy → Security → Manage app permissions"},
	platforms.YouTube: {keeps: "Google keeps your videos, channel, their analytics and the apps you allowed in your Google Account.",
		url: "https://myaccount.google.com/permissions", steps: "Google Account → Security → Third-party apps with account access"},
}

// NetworkKeeps says what network n itself keeps of the user.
func NetworkKeeps(n platforms.Network) string { return networkFacts[n].keeps }

// RevokePlace is where the user takes Localpost's access away at network
// n (server: a Mastodon account's server), and the way there; "" for a
// network Localpost never signs in to.
func RevokePlace(n platforms.Network, server string) (url, steps string) {
	f := networkFacts[n]
	if n == platforms.Mastodon {
		if server == "" {
			return "", f.steps
		}
		return strings.TrimSuffix(server, "/") + f.url, f.steps
	}
	return f.url, f.steps
}

// keyringName names the store the tokens are in on this system.
func (a *App) keyringName() string {
	if a.cfg.Demo {
		return "the demo's memory, gone when it quits"
	}
	switch runtime.GOOS {
	case "darwin":
		return "macOS Keychain"
	case "windows":
		return "Windows Credential Manager"
	}
	return "Secret Service: GNOME Keyring or KWallet"
}

// DataSummary lists what Localpost keeps, where, and for which account.
// Token values are read only to learn that they are there.
func (a *App) DataSummary(ctx context.Context) (DataSummary, error) {
	dir := a.cfg.DataDir
	s := DataSummary{
		Folder:        dir,
		Database:      a.Store.Path(),
		MediaFolder:   filepath.Join(dir, data.MediaDir),
		BackupsFolder: filepath.Join(dir, "backups"),
		Keyring:       a.keyringName(),
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if st, err := os.Stat(s.Database + suffix); err == nil {
			s.DatabaseSize += st.Size()
		}
	}
	var err error
	if s.MediaFiles, s.MediaSize, err = folderSize(s.MediaFolder); err != nil {
		return s, fmt.Errorf("read the media folder: %w", err)
	}
	accs, err := a.Store.Accounts(ctx)
	if err != nil {
		return s, fmt.Errorf("read accounts: %w", err)
	}
	usage, posts, err := a.Store.Usage(ctx)
	if err != nil {
		return s, err
	}
	s.Posts = posts
	names := map[platforms.Network]string{}
	for _, n := range a.Networks() {
		names[n.Network] = n.Name
	}
	for _, acc := range accs {
		n := platforms.Network(acc.Network)
		u := usage[acc.ID]
		ad := AccountData{
			Account: acc, NetworkName: names[n], Posts: u.Posts, Published: u.Published, Readings: u.Readings,
			MediaFiles: u.MediaFiles, MediaSize: u.MediaSize, AvatarFile: a.AvatarFile(acc),
			NetworkKeeps: NetworkKeeps(n), CanRevoke: a.canRevokeAt(acc.Network),
		}
		if ad.NetworkName == "" {
			ad.NetworkName = acc.Network
		}
		ad.RevokeURL, ad.RevokeSteps = RevokePlace(n, acc.Server)
		if acc.State != data.AccountDisconnected {
			_, err := a.secrets.Get(acc.SecretKey())
			ad.TokenInKeyring = err == nil
		}
		s.Accounts = append(s.Accounts, ad)
	}
	return s, nil
}

// folderSize counts the files under dir and their bytes; a missing folder
// is empty.
func folderSize(dir string) (files int, size int64, err error) {
	err = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			files++
			size += info.Size()
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, nil
	}
	return files, size, err
}
