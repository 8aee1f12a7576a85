package app

import (
	"sync/atomic"
	"testing"
)

func TestSecondStartShowsTheRunningWindow(t *testing.T) {
	dir := t.TempDir()
	if err := AskToShow(dir); err == nil {
		t.Fatal("asked nobody, yet it says the window is shown")
	}
	var shown atomic.Int32
	stop, err := ListenForShow(dir, func() { shown.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := AskToShow(dir); err != nil {
			t.Fatal(err)
		}
	}
	if n := shown.Load(); n != 2 {
		t.Fatalf("shown %d times, want 2", n)
	}
	stop()
	if err := AskToShow(dir); err == nil {
		t.Fatal("a stopped listener still answers")
	}
	// A socket file left behind (a crash) is replaced by the next start.
	stop, err = ListenForShow(dir, func() { shown.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if err := AskToShow(dir); err != nil || shown.Load() != 3 {
		t.Fatalf("after a restart: %v, shown %d", err, shown.Load())
	}
}
