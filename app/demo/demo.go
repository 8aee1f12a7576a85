// Package demo starts the in-process fakes of every network on 127.0.0.1
// and the clients that talk to them, for --demo and for the app's tests:
// one demo account per network, without internet.
package demo

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"localpost/platforms"
	"localpost/platforms/facebook"
	"localpost/platforms/fakes"
	"localpost/platforms/fbgroup"
	"localpost/platforms/instagram"
	"localpost/platforms/linkedin"
	"localpost/platforms/pinterest"
	"localpost/platforms/tiktok"
	"localpost/platforms/x"
	"localpost/platforms/youtube"
)

// Networks are the running fakes with clients wired to them.
type Networks struct {
	Mastodon  *fakes.Mastodon
	X         *fakes.X
	Pinterest *fakes.Pinterest
	YouTube   *fakes.YouTube
	LinkedIn  *fakes.LinkedIn
	TikTok    *fakes.TikTok
	Meta      *fakes.Meta
	// AI is an OpenAI-compatible writing assistant, as a model on the
	// user's own machine would be.
	AI *fakes.OpenAI

	// Providers are the clients of the fakes, all through one HTTP client.
	Providers map[platforms.Network]platforms.Provider
	// Credentials are the developer apps the fakes know, as the user would
	// enter them in Settings → Networks.
	Credentials map[platforms.Network]platforms.AppCredentials
	// Ports are the fixed redirect ports the fakes were told about.
	Ports map[platforms.Network]int
	// Paste receives the address a Meta login lands on (the app's
	// PasteRedirect), as a user pasting it would.
	Paste func(address string) error
}

// Start starts every fake. hc is the app's client; ports are the fixed
// redirect ports to register for X and Pinterest (0 = a free one).
func Start(hc *http.Client) (*Networks, error) {
	m, err := fakes.StartMastodon("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	n := &Networks{
		Mastodon: m, X: fakes.NewX(), Pinterest: fakes.NewPinterest(), YouTube: fakes.NewYouTube(),
		LinkedIn: fakes.NewLinkedIn(), TikTok: fakes.NewTikTok(), Meta: fakes.NewMeta(), AI: fakes.NewOpenAI(),
		Ports: map[platforms.Network]int{},
	}
	xPort, err1 := freePort()
	pinPort, err2 := freePort()
	if err := errors.Join(err1, err2); err != nil {
		n.Close()
		return nil, err
	}
	n.Ports[platforms.X], n.Ports[platforms.Pinterest] = xPort, pinPort
	const xDemoClient = "localpost-demo-x"
	n.X.AddClient(xDemoClient, "", fmt.Sprintf("http://127.0.0.1:%d/callback", xPort))
	n.Pinterest.SetRedirectURIs(pinterest.RedirectURI(pinPort))

	meta := facebook.Config{HTTP: hc, GraphURL: n.Meta.URL, VideoURL: n.Meta.URL, AuthURL: n.Meta.URL, RuploadURL: n.Meta.URL}
	n.Providers = map[platforms.Network]platforms.Provider{
		platforms.X: x.New(x.Config{HTTP: hc, APIURL: n.X.URL, UploadURL: n.X.URL, AuthURL: n.X.AuthorizeURL(),
			TokenURL: n.X.TokenURL(), WebURL: n.X.URL}),
		platforms.Pinterest: pinterest.New(pinterest.Config{HTTP: hc, APIURL: n.Pinterest.APIURL(), AuthURL: n.Pinterest.AuthURL(), WebURL: n.Pinterest.URL}),
		platforms.YouTube: youtube.New(youtube.Config{HTTP: hc, APIURL: n.YouTube.URL + "/youtube/v3", UploadURL: n.YouTube.URL + "/upload/youtube/v3",
			AuthURL: n.YouTube.URL + "/o/oauth2/v2/auth", TokenURL: n.YouTube.URL + "/token", SiteURL: n.YouTube.URL}),
		platforms.LinkedIn: linkedin.New(linkedin.Config{HTTP: hc, APIURL: n.LinkedIn.URL, AuthURL: n.LinkedIn.URL + "/oauth/native-pkce/authorization",
			StandardAuthURL: n.LinkedIn.URL + "/oauth/v2/authorization", TokenURL: n.LinkedIn.URL + "/oauth/v2/accessToken",
			WebURL: n.LinkedIn.URL, UploadURL: n.LinkedIn.URL}),
		platforms.TikTok:    tiktok.New(tiktok.Config{HTTP: hc, AuthURL: n.TikTok.URL + "/v2/auth/authorize/", APIURL: n.TikTok.URL}),
		platforms.Facebook:  facebook.New(meta),
		platforms.Instagram: instagram.New(meta),
		platforms.FBGroup:   fbgroup.New(),
	}
	n.Credentials = map[platforms.Network]platforms.AppCredentials{
		platforms.X:         {ClientID: xDemoClient},
		platforms.Pinterest: {ClientID: n.Pinterest.ClientID, ClientSecret: n.Pinterest.ClientSecret},
		platforms.YouTube:   {ClientID: n.YouTube.ClientID, ClientSecret: n.YouTube.ClientSecret},
		platforms.LinkedIn:  {ClientID: n.LinkedIn.ClientID},
		platforms.TikTok:    {ClientID: n.TikTok.ClientKey(), ClientSecret: n.TikTok.ClientSecret()},
		platforms.Facebook:  {ClientID: n.Meta.AppID, ClientSecret: n.Meta.AppSecret},
		platforms.Instagram: {ClientID: n.Meta.AppID, ClientSecret: n.Meta.AppSecret},
	}
	return n, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Approve plays the user's browser for an authorize address of one of the
// fakes: it approves and follows the redirect back to Localpost.
func (n *Networks) Approve(authURL string) error {
	for _, f := range []struct {
		url     string
		approve func(string) error
	}{
		{n.Mastodon.URL, n.Mastodon.Approve}, {n.X.URL, n.X.Approve}, {n.Pinterest.URL, n.Pinterest.Approve},
		{n.YouTube.URL, n.YouTube.Approve}, {n.LinkedIn.URL, n.LinkedIn.Approve}, {n.TikTok.URL, n.TikTok.Approve},
		{n.Meta.URL, n.approveMeta},
	} {
		if strings.HasPrefix(authURL, f.url+"/") {
			return f.approve(authURL)
		}
	}
	return errors.New("not the authorize page of a demo network")
}

// approveMeta presses Continue on the Meta dialog and pastes the address
// the browser lands on.
func (n *Networks) approveMeta(authURL string) error {
	landed, err := n.Meta.Landed(authURL)
	if err != nil {
		return err
	}
	if n.Paste == nil {
		return errors.New("nobody to paste the Meta address to")
	}
	return n.Paste(landed)
}

// Close stops every fake.
func (n *Networks) Close() {
	for _, c := range []interface{ Close() }{n.Mastodon, n.X, n.Pinterest, n.YouTube, n.LinkedIn, n.TikTok, n.Meta} {
		if c != nil {
			c.Close()
		}
	}
	if n.AI != nil {
		n.AI.Close()
	}
}

// setter is the part of the app that takes a developer app and a port.
type setter interface {
	SetAppCredentials(network platforms.Network, clientID, clientSecret string) error
	SetRedirectPort(network platforms.Network, port int) error
	PasteRedirect(address string) error
	SetAssistant(endpoint, model, apiKey string, keepKey bool) error
}

// Configure enters the fakes' developer apps and redirect ports in the
// app, as a user would in Settings → Networks, points Settings → Assistant
// at the fake assistant, and lets Meta logins paste into it.
func (n *Networks) Configure(a setter) error {
	if n.AI != nil {
		if err := a.SetAssistant(n.AI.Endpoint(), fakes.OpenAIDemoModel, "", false); err != nil {
			return fmt.Errorf("demo assistant: %w", err)
		}
	}
	for net, c := range n.Credentials {
		if err := a.SetAppCredentials(net, c.ClientID, c.ClientSecret); err != nil {
			return fmt.Errorf("demo %s: %w", net, err)
		}
	}
	for net, p := range n.Ports {
		if err := a.SetRedirectPort(net, p); err != nil {
			return fmt.Errorf("demo %s: %w", net, err)
		}
	}
	n.Paste = a.PasteRedirect
	return nil
}
