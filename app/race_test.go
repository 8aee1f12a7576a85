package app

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"localpost/data"
)

// Three publishers on one data folder, in three processes started at the
// same moment, without the folder lock that normally keeps a second one
// out: the conditional claim in SQLite alone lets each of 200 targets go
// out once, and be claimed once.
func TestTwoPublisherProcessesRace(t *testing.T) {
	if testing.Short() {
		t.Skip("three child processes")
	}
	const procs, posts = 3, 100 // 200 targets, on Mastodon and X
	e := newProcEnv(t)
	e.plan(t, posts)
	t0 := time.Now()

	type child struct {
		cmd   *exec.Cmd
		in    io.WriteCloser
		out   *bufio.Scanner
		errb  strings.Builder
		claim int
	}
	cs := make([]*child, procs)
	for i := range cs {
		c := &child{cmd: childCommand(t, "publisher", e.childEnv(pubWaitEnv+"=1", pubOnceEnv+"=1")...)}
		var err error
		if c.in, err = c.cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		stdout, err := c.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		c.out = bufio.NewScanner(stdout)
		c.cmd.Stderr = &c.errb
		if err := c.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.cmd.Process.Kill() })
		cs[i] = c
	}
	// Each has opened the folder and waits; then all go at once.
	for i, c := range cs {
		if !c.out.Scan() || c.out.Text() != "ready" {
			c.cmd.Wait()
			t.Fatalf("publisher %d did not get ready: %q %s", i, c.out.Text(), c.errb.String())
		}
	}
	for _, c := range cs {
		if _, err := c.in.Write([]byte{1}); err != nil {
			t.Fatal(err)
		}
	}
	claims := 0
	var split []string
	for i, c := range cs {
		for c.out.Scan() {
			fmt.Sscanf(c.out.Text(), "claimed %d", &c.claim)
		}
		if err := c.cmd.Wait(); err != nil {
			t.Fatalf("publisher %d: %v; stderr:\n%s", i, err, c.errb.String())
		}
		claims += c.claim
		split = append(split, fmt.Sprint(c.claim))
	}
	t.Logf("claims per process: %s (%s)", strings.Join(split, " + "), time.Since(t0))

	e.verify(t, false)
	// Nobody took over a target another process was publishing: each was
	// claimed once and tried once.
	if claims != 2*posts {
		t.Errorf("%d claims for %d targets", claims, 2*posts)
	}
	st, err := data.Open(e.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, pp := range e.posts {
		p, err := st.Post(context.Background(), pp.id)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range p.Targets {
			if tg.Attempts != 1 {
				t.Errorf("%s (target %d): %d attempts", pp.text, tg.ID, tg.Attempts)
			}
		}
	}
	busy := 0
	for _, c := range cs {
		if c.claim > 0 {
			busy++
		}
	}
	if busy < 2 {
		t.Errorf("only %d of %d processes published: no race took place", busy, procs)
	}
}
