//go:build linux || freebsd || netbsd || openbsd

package views

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"
)

// busUp is printed by the test once it runs on its own session bus.
const busUp = "tray test: session bus up"

// TestTrayDetectionOnSessionBus runs itself again under dbus-run-session,
// on a session bus of its own: there, no tray host until the test takes
// the StatusNotifierWatcher name, then one, then none once it lets go.
func TestTrayDetectionOnSessionBus(t *testing.T) {
	if os.Getenv("LOCALPOST_TRAY_BUS") != "1" {
		runner, err := exec.LookPath("dbus-run-session")
		if err != nil {
			t.Skip("dbus-run-session not found (Debian/Ubuntu package dbus): no session bus to test tray detection on")
		}
		cmd := exec.Command(runner, "--", os.Args[0], "-test.run=^TestTrayDetectionOnSessionBus$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "LOCALPOST_TRAY_BUS=1")
		out, err := cmd.CombinedOutput()
		if !bytes.Contains(out, []byte(busUp)) {
			t.Skipf("dbus-run-session could not start a session bus (%v): %s", err, out)
		}
		if err != nil || !bytes.Contains(out, []byte("--- PASS")) {
			t.Fatalf("on a fresh session bus: %v\n%s", err, out)
		}
		return
	}

	t.Log(busUp)
	if a := SystemTray(); a.OK || !strings.Contains(a.Why, "no tray icons") {
		t.Fatalf("bare session bus: %+v; want no tray, saying there is no host", a)
	}

	// The test plays the desktop's tray host.
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	reply, err := conn.RequestName(trayWatcher, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("taking %s: reply %v, %v", trayWatcher, reply, err)
	}
	if a := SystemTray(); !a.OK {
		t.Fatalf("with %s on the bus: %+v; want a tray", trayWatcher, a)
	}

	if _, err := conn.ReleaseName(trayWatcher); err != nil {
		t.Fatal(err)
	}
	if a := SystemTray(); a.OK {
		t.Fatal("the tray host left the bus, but detection still says there is a tray")
	}
}

// Without a session bus there is no tray, and none is started.
func TestTrayDetectionWithoutBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	if a := SystemTray(); a.OK || !strings.Contains(a.Why, "no D-Bus session bus") {
		t.Fatalf("without a bus: %+v; want no tray, saying there is no bus", a)
	}
}
