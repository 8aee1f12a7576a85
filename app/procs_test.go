package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"localpost/data"
	"localpost/platforms"
	"localpost/platforms/fakes"
	"localpost/platforms/x"
)

// The crash and race tests run the publisher in child processes of this
// test binary (see TestMain) on one data folder, against fakes served by
// the test process itself, so that what the networks received survives
// the children being killed.

// Environment of the "publisher" child.
const (
	pubDirEnv     = "LOCALPOST_PUB_DIR"     // data folder
	pubSecretsEnv = "LOCALPOST_PUB_SECRETS" // fileSecrets path
	pubXEnv       = "LOCALPOST_PUB_X"       // the X fake's address
	pubCrashEnv   = "LOCALPOST_PUB_CRASH"   // "point:n:seed": SIGKILL itself the n-th time crashPoint(point) runs
	pubWaitEnv    = "LOCALPOST_PUB_WAIT"    // "1": print "ready", wait for a byte on stdin, then publish
	pubOnceEnv    = "LOCALPOST_PUB_ONCE"    // "1": one PublishDue, print "claimed N", exit
)

func init() { children["publisher"] = publisherChild }

// publisherChild is `localpost publish-due` as a test child: it opens the
// data folder, publishes until nothing is due or in flight, and exits 0.
// It prints "crash POINT" just before killing itself at a crash point.
func publisherChild() int {
	fail := func(format string, args ...any) int {
		fmt.Fprintf(os.Stderr, format+"\n", args...)
		return 1
	}
	hc := NewHTTPClient()
	a, err := New(Config{DataDir: os.Getenv(pubDirEnv), Secrets: fileSecrets{os.Getenv(pubSecretsEnv)}, HTTP: hc,
		Providers: testXProviders(hc, os.Getenv(pubXEnv)), Now: time.Now})
	if err != nil {
		return fail("open: %v", err)
	}
	// Dozens of posts on one account in a minute: the rate limits would
	// spread them over hours.
	a.unpaced = true
	if plan := os.Getenv(pubCrashEnv); plan != "" {
		var point string
		var n int
		var seed uint64
		if _, err := fmt.Sscanf(strings.ReplaceAll(plan, ":", " "), "%s %d %d", &point, &n, &seed); err != nil {
			return fail("crash plan %q: %v", plan, err)
		}
		var mu sync.Mutex
		rng := rand.New(rand.NewPCG(seed, 1))
		hits := 0
		crashPoint = func(name string) {
			mu.Lock()
			defer mu.Unlock()
			// A random pause shifts the two accounts' goroutines against
			// each other from run to run.
			time.Sleep(time.Duration(rng.IntN(500)) * time.Microsecond)
			if name != point {
				return
			}
			if hits++; hits == n {
				fmt.Printf("crash %s\n", name)
				p, _ := os.FindProcess(os.Getpid())
				_ = p.Kill() // SIGKILL: no deferred call, no flush, no Close
				select {}
			}
		}
	}
	var claims atomic.Int64
	if os.Getenv(pubOnceEnv) == "1" {
		crashPoint = func(name string) {
			if name == "claimed" {
				claims.Add(1)
			}
		}
	}
	if os.Getenv(pubWaitEnv) == "1" {
		fmt.Println("ready")
		var b [1]byte
		if _, err := io.ReadFull(os.Stdin, b[:]); err != nil {
			return fail("wait for the start: %v", err)
		}
	}
	ctx := context.Background()
	for round := 0; ; round++ {
		if _, err := a.PublishDue(ctx); err != nil {
			return fail("publish due: %v", err)
		}
		if os.Getenv(pubOnceEnv) == "1" {
			fmt.Printf("claimed %d\n", claims.Load())
			break
		}
		due, err1 := a.Store.DueTargets(ctx, time.Now(), 1)
		busy, err2 := a.Store.TargetsInState(ctx, data.StatePublishing)
		if err := errors.Join(err1, err2); err != nil {
			return fail("%v", err)
		}
		if len(due) == 0 && len(busy) == 0 {
			break
		}
		if round == 100 {
			return fail("no progress: %d due, %d publishing after %d rounds", len(due), len(busy), round)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := a.Close(); err != nil {
		return fail("close: %v", err)
	}
	return 0
}

// testXProviders is X through its fake at base, with small upload chunks
// so that an image takes several steps.
func testXProviders(hc *http.Client, base string) map[platforms.Network]platforms.Provider {
	return map[platforms.Network]platforms.Provider{platforms.X: x.New(x.Config{HTTP: hc, APIURL: base, UploadURL: base,
		AuthURL: base + "/i/oauth2/authorize", TokenURL: base + "/2/oauth2/token", WebURL: base,
		ChunkSize: 256, PollInterval: time.Millisecond})}
}

// fileSecrets keeps secrets in a JSON file, so that the children share the
// logins the test made (test only: Localpost keeps them in the keyring).
// Writes replace the file whole; only the test process writes.
type fileSecrets struct{ path string }

var fileSecretsMu sync.Mutex

func (s fileSecrets) load() (map[string]string, error) {
	m := map[string]string{}
	b, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("secrets file: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("secrets file: %w", err)
	}
	return m, nil
}

func (s fileSecrets) store(m map[string]string) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp := s.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("secrets file: %w", err)
	}
	return os.Rename(tmp, s.path)
}

func (s fileSecrets) Get(key string) (string, error) {
	fileSecretsMu.Lock()
	defer fileSecretsMu.Unlock()
	m, err := s.load()
	if err != nil {
		return "", err
	}
	v, ok := m[key]
	if !ok {
		return "", fmt.Errorf("secret %s: %w", key, data.ErrSecretNotFound)
	}
	return v, nil
}

func (s fileSecrets) Set(key, value string) error {
	fileSecretsMu.Lock()
	defer fileSecretsMu.Unlock()
	m, err := s.load()
	if err != nil {
		return err
	}
	m[key] = value
	return s.store(m)
}

func (s fileSecrets) Delete(key string) error {
	fileSecretsMu.Lock()
	defer fileSecretsMu.Unlock()
	m, err := s.load()
	if err != nil {
		return err
	}
	if _, ok := m[key]; !ok {
		return fmt.Errorf("secret %s: %w", key, data.ErrSecretNotFound)
	}
	delete(m, key)
	return s.store(m)
}

// procEnv is a data folder with a Mastodon and an X account connected to
// fakes served by the test process, and the posts it planned.
type procEnv struct {
	dir, secrets string
	masto        *fakes.Mastodon
	x            *fakes.X
	mastoAcc     data.Account
	xAcc         data.Account
	posts        []procPost
	media        DraftMedia
}

// procPost is one planned post: the same text on both accounts, on X
// maybe with a first comment (a second post on X), maybe with an image
// (several upload steps on each network).
type procPost struct {
	id       int64
	text     string
	comment  string
	hasImage bool
}

// newProcEnv starts the fakes and connects the accounts through an App in
// this process, which it closes again: the children do the publishing.
func newProcEnv(t *testing.T) *procEnv {
	t.Helper()
	root := t.TempDir()
	e := &procEnv{dir: filepath.Join(root, "data"), secrets: filepath.Join(root, "secrets.json"),
		masto: fakes.NewMastodon(), x: fakes.NewX()}
	t.Cleanup(e.masto.Close)
	t.Cleanup(e.x.Close)
	e.masto.AutoApprove, e.x.AutoApprove = true, true
	port := freeTCPPort(t)
	e.x.AddClient("localpost-proc-test", "", fmt.Sprintf("http://127.0.0.1:%d/callback", port))

	ctx := context.Background()
	a := e.open(t)
	defer a.Close()
	if err := a.SetAppCredentials(platforms.X, "localpost-proc-test", ""); err != nil {
		t.Fatal(err)
	}
	if err := a.SetRedirectPort(platforms.X, port); err != nil {
		t.Fatal(err)
	}
	acc, err := a.ConnectMastodon(ctx, e.masto.URL, nil)
	if err != nil {
		t.Fatalf("connect Mastodon: %v", err)
	}
	e.mastoAcc = acc
	l, err := a.Connect(ctx, platforms.X, nil)
	if err != nil {
		t.Fatalf("connect X: %v", err)
	}
	accs, err := a.AddIdentities(ctx, l, []string{l.Identities[0].RemoteID})
	if err != nil || len(accs) != 1 {
		t.Fatalf("add X: %v", err)
	}
	e.xAcc = accs[0]
	if e.media, err = a.AddMedia(ctx, writeJPEG(t, root, "photo.jpg")); err != nil {
		t.Fatal(err)
	}
	return e
}

func freeTCPPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// open is an App on the folder in this process (it publishes nothing
// unless started).
func (e *procEnv) open(t *testing.T) *App {
	t.Helper()
	hc := NewHTTPClient()
	a, err := New(Config{DataDir: e.dir, Secrets: fileSecrets{e.secrets}, HTTP: hc, OpenURL: followWithoutApp(t),
		Providers: testXProviders(hc, e.x.URL), Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// plan adds n posts due now on both accounts: every third with the image,
// every fourth with a first comment on X.
func (e *procEnv) plan(t *testing.T, n int) {
	t.Helper()
	a := e.open(t)
	defer a.Close()
	for range n {
		i := len(e.posts)
		p := procPost{text: fmt.Sprintf("Post %03d of the crash test ☕", i), hasImage: i%3 == 0}
		d := Draft{Text: p.text, Zone: time.UTC, AccountIDs: []int64{e.mastoAcc.ID, e.xAcc.ID}}
		if p.hasImage {
			m := e.media
			m.Alt = fmt.Sprintf("Photo for post %03d", i)
			d.Media = []DraftMedia{m}
		}
		if i%4 == 1 {
			p.comment = fmt.Sprintf("Comment on post %03d", i)
			d.Variants = map[int64]Variant{e.xAcc.ID: {Options: platforms.Options{FirstComment: p.comment}}}
		}
		post, err := a.PostNow(context.Background(), d)
		if err != nil {
			t.Fatalf("plan post %d: %v", i, err)
		}
		p.id = post.ID
		e.posts = append(e.posts, p)
	}
}

// unpublished is how many targets the networks do not have yet (by the
// fakes' count, which is all the test process can read while a child
// writes the database).
func (e *procEnv) unpublished() int {
	n := 2 * len(e.posts)
	n -= len(e.masto.Statuses())
	for _, p := range e.x.Posts() {
		if p.ReplyTo == "" {
			n--
		}
	}
	return n
}

// childEnv is the environment of a publisher child on this folder. Under
// -race a process that exits waits a second for late reports unless told
// otherwise: with hundreds of children that second adds up.
func (e *procEnv) childEnv(extra ...string) []string {
	return append([]string{pubDirEnv + "=" + e.dir, pubSecretsEnv + "=" + e.secrets, pubXEnv + "=" + e.x.URL,
		"GORACE=" + strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0")}, extra...)
}

// tally is what the networks ended up with, per network and outcome.
type tally struct {
	published, uncertain, uncertainThere map[string]int
}

func (tl tally) String() string {
	var b strings.Builder
	for _, n := range []string{"mastodon", "x"} {
		fmt.Fprintf(&b, "%s: %d published, %d uncertain (%d of them on the network); ", n,
			tl.published[n], tl.uncertain[n], tl.uncertainThere[n])
	}
	return strings.TrimSuffix(b.String(), "; ")
}

// verify checks every target against the fakes: published and on the
// network exactly once (with its image and first comment, under the
// remote id the database holds), or, if allowUncertain, marked uncertain
// and on the network at most once. Nothing is left scheduled or
// publishing, nothing failed, and the networks hold nothing else.
func (e *procEnv) verify(t *testing.T, allowUncertain bool) tally {
	t.Helper()
	st, err := data.Open(e.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	statuses := map[string][]fakes.Status{}
	for _, s := range e.masto.Statuses() {
		statuses[s.Text] = append(statuses[s.Text], s)
	}
	xposts := map[string][]fakes.XPost{}
	for _, p := range e.x.Posts() {
		xposts[p.Text] = append(xposts[p.Text], p)
	}
	tl := tally{published: map[string]int{}, uncertain: map[string]int{}, uncertainThere: map[string]int{}}
	matched := map[string]int{}
	for _, pp := range e.posts {
		post, err := st.Post(context.Background(), pp.id)
		if err != nil {
			t.Fatal(err)
		}
		if len(post.Targets) != 2 {
			t.Fatalf("post %d has %d targets", pp.id, len(post.Targets))
		}
		for _, tg := range post.Targets {
			var n, comments int
			var remoteID string
			var media int
			net := "mastodon"
			if tg.AccountID == e.xAcc.ID {
				net = "x"
				got := xposts[pp.text]
				n = len(got)
				if n > 0 {
					remoteID, media = got[0].ID, len(got[0].MediaIDs)
				}
				for _, c := range xposts[pp.comment] {
					if n == 0 || c.ReplyTo != remoteID {
						t.Errorf("%s: a first comment on X that answers %q, not the post", pp.text, c.ReplyTo)
					}
				}
				comments = len(xposts[pp.comment])
				matched["x"] += n + comments
			} else {
				got := statuses[pp.text]
				n = len(got)
				if n > 0 {
					remoteID, media = got[0].ID, len(got[0].MediaIDs)
				}
				matched["mastodon"] += n
			}
			where := fmt.Sprintf("%s on %s (target %d)", pp.text, net, tg.ID)
			if n > 1 || comments > 1 {
				t.Errorf("%s: DUPLICATE: %d times on the network (%d first comments); state %s", where, n, comments, tg.State)
				continue
			}
			wantComments := 0
			if net == "x" && pp.comment != "" {
				wantComments = 1
			}
			switch tg.State {
			case data.StatePublished:
				tl.published[net]++
				switch {
				case n != 1:
					t.Errorf("%s: LOST: published in the database, not on the network", where)
				case tg.RemoteID != remoteID:
					t.Errorf("%s: database says remote id %q, the network has %q", where, tg.RemoteID, remoteID)
				case pp.hasImage && media != 1:
					t.Errorf("%s: published with %d images, want 1", where, media)
				case comments != wantComments:
					t.Errorf("%s: %d first comments, want %d", where, comments, wantComments)
				}
			case data.StateUncertain:
				tl.uncertain[net]++
				if n > 0 {
					tl.uncertainThere[net]++
				}
				if !allowUncertain {
					t.Errorf("%s: uncertain: %s", where, tg.LastError)
				}
				if tg.LastError == "" {
					t.Errorf("%s: uncertain without a word to the user", where)
				}
			default:
				t.Errorf("%s: left %s (on the network %d times): %s", where, tg.State, n, tg.LastError)
			}
		}
	}
	// Nothing else reached the networks.
	if n := len(e.masto.Statuses()); n != matched["mastodon"] {
		t.Errorf("Mastodon holds %d statuses, %d of them planned", n, matched["mastodon"])
	}
	if n := len(e.x.Posts()); n != matched["x"] {
		t.Errorf("X holds %d posts, %d of them planned", n, matched["x"])
	}
	return tl
}
