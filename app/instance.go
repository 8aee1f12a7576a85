package app

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The running Localpost listens on a socket in its data folder, so that
// starting Localpost again on the same folder brings up its window (which
// may be hidden in the tray) instead of a second copy. The socket is a
// file in the user's own data folder: only they can reach it, and the only
// thing it understands is "show".

// InstanceSocket is the socket's name in the data folder.
const InstanceSocket = "localpost.sock"

// ListenForShow serves the socket until stop is called; show runs (on the
// listener's goroutine) each time another start asks for the window. The
// caller must hold the data folder's lock (data.Lock), so a socket file
// left by a crash can be replaced safely.
func ListenForShow(dir string, show func()) (stop func(), err error) {
	path := filepath.Join(dir, InstanceSocket)
	_ = os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("listen for a second start: %w", err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(2 * time.Second))
				line, _ := bufio.NewReader(c).ReadString('\n')
				if strings.TrimSpace(line) == "show" {
					show()
					_, _ = c.Write([]byte("ok\n"))
				}
			}()
		}
	}()
	return func() { _ = ln.Close(); _ = os.Remove(path) }, nil
}

// AskToShow asks the Localpost running on dir to show its window; nil
// means it did.
func AskToShow(dir string) error {
	c, err := net.DialTimeout("unix", filepath.Join(dir, InstanceSocket), 2*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Write([]byte("show\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "ok" {
		return errors.New("the running Localpost did not answer")
	}
	return nil
}
