//go:build unix

package app

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"localpost/platforms/fakes"
)

// crashSeedEnv replays a crash test run: LOCALPOST_CRASH_SEED=n.
const crashSeedEnv = "LOCALPOST_CRASH_SEED"

const (
	crashKills = 200 // at least this many SIGKILLs
	// Posts are planned a few at a time (two targets each), more whenever
	// the networks lack fewer than crashLow targets or a child finished
	// all: every start of the publisher reads all that is due, so a short
	// list keeps a run short.
	crashBatch   = 6
	crashLow     = 8
	crashMaxRuns = 600
)

// The proof: the publisher runs in a child process that is killed
// with SIGKILL again and again at random points of the publish path (the
// crash points in publisher.go, while a fake network handles one of its
// requests, before or after the fake stored what it asked for, and after a
// random time), and restarted each time. At the end every post is on the
// network exactly once, or marked uncertain for the user (and there at
// most once): no duplicate, nothing lost without a word.
func TestPublisherSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: hundreds of child processes")
	}
	seed := atoiEnv(crashSeedEnv)
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay the kill plan with %s=%d)", seed, crashSeedEnv, seed)
	rng := rand.New(rand.NewPCG(seed, 0x10ca1))
	start := time.Now()

	e := newProcEnv(t)
	k := &killer{}
	e.masto.SetHook(k.hook("mastodon"))
	e.x.SetHook(k.hook("x"))
	t.Cleanup(func() { e.masto.SetHook(nil); e.x.SetHook(nil) })

	kills := map[string]int{}
	total, runs, finished := 0, 0, 0
	for ranOut := true; total < crashKills; {
		if ranOut || e.unpublished() < crashLow {
			e.plan(t, crashBatch)
		}
		if runs++; runs > crashMaxRuns {
			t.Fatalf("only %d kills in %d runs", total, runs)
		}
		plan := newKillPlan(rng)
		point, err := k.run(t, e, plan)
		ranOut = false
		switch {
		case point != "":
			kills[point]++
			total++
		case err != nil:
			t.Fatalf("run %d (%s, seed %d): %v", runs, plan, seed, err)
		default:
			finished++ // before its kill came
			ranOut = true
		}
	}
	// A last run without kills finishes what is left.
	if point, err := k.run(t, e, killPlan{}); point != "" || err != nil {
		t.Fatalf("final run (seed %d): killed at %q, %v", seed, point, err)
	}

	tl := e.verify(t, true)
	if n := countRequests(e.x.Requests(), "POST", "/2/tweets", http.StatusForbidden); n > 0 {
		t.Errorf("X refused %d posts as duplicates: Localpost sent a post again that X had", n)
	}
	if t.Failed() {
		t.Fatalf("seed %d (replay with %s=%d)", seed, crashSeedEnv, seed)
	}
	var points []string
	for p, n := range kills {
		points = append(points, fmt.Sprintf("%s %d", p, n))
	}
	slices.Sort(points)
	t.Logf("%d kills in %d runs (%d finished first), %d posts × 2 targets, %s", total, runs, finished, len(e.posts), time.Since(start).Round(time.Millisecond))
	t.Logf("outcome: %s", tl)
	t.Logf("kills per point: %s", strings.Join(points, ", "))
	t.Logf("after restarts: %d Mastodon repeats dropped by the idempotency key, %d looks at the Mastodon account's statuses, %d at the X timeline",
		countRequests(e.masto.Requests(), "POST", "/api/v1/statuses", 200)-len(e.masto.Statuses()),
		countRequests(e.masto.Requests(), "GET", "/api/v1/accounts/{id}/statuses", 200),
		countRequests(e.x.Requests(), "GET", "/2/users/{id}/tweets", 200))
}

// A killPlan says where one run of the child is killed.
type killPlan struct {
	kind  string        // "" never, "point" a crash point in the child, "request" by the test in a fake, "timer"
	point string        // crash point
	n     int           // the n-th time the point is reached, or the n-th request
	after bool          // request: after the fake did its work (not before)
	delay time.Duration // timer: after the child's first request
	seed  uint64        // the run's own random pauses
}

var crashPoints = []string{"claimed", "progress-saved", "answered", "recorded"}

func newKillPlan(rng *rand.Rand) killPlan {
	p := killPlan{seed: rng.Uint64()}
	switch r := rng.IntN(100); {
	case r < 40:
		p.kind, p.point, p.n = "point", crashPoints[rng.IntN(len(crashPoints))], 1
	case r < 85:
		p.kind, p.n, p.after = "request", 1+rng.IntN(4), rng.IntN(2) == 1
	default:
		// From the child's first request: anywhere, in a database
		// transaction as well as between two calls.
		p.kind, p.delay = "timer", time.Duration(rng.IntN(25_000))*time.Microsecond
	}
	return p
}

func (p killPlan) String() string {
	switch p.kind {
	case "point":
		return fmt.Sprintf("crash point %s #%d", p.point, p.n)
	case "request":
		return fmt.Sprintf("request #%d after=%v", p.n, p.after)
	case "timer":
		return fmt.Sprintf("timer %s", p.delay)
	}
	return "no kill"
}

// killer runs one child at a time and kills it as its plan says; its
// hooks run in the fakes' handlers.
type killer struct {
	mu     sync.Mutex
	proc   *os.Process
	exited chan struct{}
	plan   killPlan
	rng    *rand.Rand
	seen   int           // requests seen this run
	target *http.Request // the request to kill after
	timer  *time.Timer   // a timer plan's, once started
	killed string        // where it was killed, once it was
}

// run starts a child with plan and waits for it to end. It returns where
// the child was killed, or "" and an error if it ended otherwise than
// cleanly.
func (k *killer) run(t *testing.T, e *procEnv, plan killPlan) (string, error) {
	t.Helper()
	var extra []string
	if plan.kind == "point" {
		extra = append(extra, fmt.Sprintf("%s=%s:%d:%d", pubCrashEnv, plan.point, plan.n, plan.seed))
	}
	cmd := childCommand(t, "publisher", e.childEnv(extra...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	k.mu.Lock()
	k.plan, k.seen, k.target, k.killed, k.timer = plan, 0, nil, "", nil
	k.rng = rand.New(rand.NewPCG(plan.seed, 2))
	k.exited = make(chan struct{})
	if err := cmd.Start(); err != nil {
		k.mu.Unlock()
		t.Fatal(err)
	}
	k.proc = cmd.Process
	k.mu.Unlock()
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(k.exited)
	}()
	select {
	case <-k.exited:
	case <-time.After(2 * time.Minute):
		k.kill("hung")
		<-k.exited
		return "", fmt.Errorf("the child hung (%s); stderr:\n%s", plan, stderr.String())
	}
	k.mu.Lock()
	killed := k.killed
	k.proc = nil
	if k.timer != nil {
		k.timer.Stop()
	}
	k.mu.Unlock()
	if m := crashLine.FindStringSubmatch(stdout.String()); m != nil {
		killed = "crash point " + m[1]
	}
	if cmd.ProcessState.ExitCode() == -1 { // ended by a signal
		if killed == "" {
			return "", fmt.Errorf("%s: %v, by no one's plan; stderr:\n%s", plan, waitErr, stderr.String())
		}
		return killed, nil
	}
	if waitErr != nil {
		return "", fmt.Errorf("%s: %v; stderr:\n%s", plan, waitErr, stderr.String())
	}
	return "", nil // done before its kill (a kill that came late found it gone)
}

var crashLine = regexp.MustCompile(`(?m)^crash (\S+)$`)

// kill kills the running child (once) and notes where; it returns at
// once, the child may still be dying.
func (k *killer) kill(where string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.killLocked(where)
}

func (k *killer) killLocked(where string) {
	if k.proc == nil || k.killed != "" {
		return
	}
	select {
	case <-k.exited:
		return // it ended by itself
	default:
	}
	k.killed = where
	_ = k.proc.Kill()
}

// hook counts the child's requests to a fake and kills the child before or
// after the one its plan names; it waits until the child is dead, so that
// an answer after the kill reaches no one. Now and then it pauses a
// little, to vary the timing.
func (k *killer) hook(fake string) func(r *http.Request, done bool) {
	return func(r *http.Request, done bool) {
		if r.Context().Err() != nil {
			return // a dead child's request
		}
		k.mu.Lock()
		if k.proc == nil || k.killed != "" {
			k.mu.Unlock()
			return
		}
		pause := time.Duration(0)
		kill := false
		if !done {
			k.seen++
			if k.plan.kind == "timer" && k.timer == nil {
				run := k.exited
				k.timer = time.AfterFunc(k.plan.delay, func() {
					k.mu.Lock()
					defer k.mu.Unlock()
					if k.exited == run { // not a later run's child
						k.killLocked("timer")
					}
				})
			}
			if k.rng.IntN(4) == 0 {
				pause = time.Duration(k.rng.IntN(2000)) * time.Microsecond
			}
			if k.plan.kind == "request" && k.seen == k.plan.n {
				k.target = r
				kill = !k.plan.after
			}
		} else {
			kill = k.plan.kind == "request" && k.plan.after && r == k.target
		}
		exited := k.exited
		if kill {
			when := "before"
			if done {
				when = "after"
			}
			k.killLocked(fmt.Sprintf("%s %s %s (%s)", fake, r.Method, pathPattern(r.URL.Path), when))
		}
		k.mu.Unlock()
		if kill {
			<-exited
		}
		time.Sleep(pause)
	}
}

var idSegment = regexp.MustCompile(`/[0-9]{3,}(/|$)`)

// pathPattern is a path with its numeric ids (3 digits or more) as {id}.
func pathPattern(p string) string {
	return idSegment.ReplaceAllString(p, "/{id}$1")
}

// countRequests counts the requests to method and path (ids as {id})
// answered with status.
func countRequests(rs []fakes.Request, method, path string, status int) int {
	n := 0
	for _, r := range rs {
		if r.Method == method && pathPattern(r.Path) == path && r.Status == status {
			n++
		}
	}
	return n
}

// atoiEnv reads a number from the environment (0 if unset or bad).
func atoiEnv(name string) uint64 {
	n, _ := strconv.ParseUint(os.Getenv(name), 10, 64)
	return n
}
