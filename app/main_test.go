package app

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// Some tests need a second process (a publisher killed with SIGKILL, a
// database held busy by someone else). They re-run this test binary with
// LOCALPOST_TEST_CHILD set to a name registered in children; TestMain then
// runs that child instead of the tests and exits with its status.
const childEnv = "LOCALPOST_TEST_CHILD"

// children maps a child's name to its body; files register theirs in init.
var children = map[string]func() int{}

func TestMain(m *testing.M) {
	if name := os.Getenv(childEnv); name != "" {
		f, ok := children[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "unknown test child %q\n", name)
			os.Exit(2)
		}
		os.Exit(f())
	}
	code := m.Run()
	if metricsStoreDir != "" {
		os.RemoveAll(metricsStoreDir) // analytics_bench_test.go
	}
	os.Exit(code)
}

// childCommand is a command that runs the named child of this test binary
// with extra environment variables (KEY=value).
func childCommand(t testing.TB, name string, env ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	// Under -race a child would otherwise wait a second at every exit.
	cmd.Env = append(append(os.Environ(), childEnv+"="+name, "GORACE=atexit_sleep_ms=0"), env...)
	return cmd
}
