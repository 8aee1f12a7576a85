package data

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

const testSecret = "tok-SUPER-SECRET-value"

func TestSecrets(t *testing.T) {
	keyring.MockInit()
	impls := map[string]Secrets{"keyring (mock)": Keyring(), "memory": MemorySecrets()}
	for name, sec := range impls {
		t.Run(name, func(t *testing.T) {
			if _, err := sec.Get("account:x::1"); !errors.Is(err, ErrSecretNotFound) {
				t.Errorf("Get of missing = %v", err)
			}
			if err := sec.Set("account:x::1", testSecret); err != nil {
				t.Fatal(err)
			}
			if v, err := sec.Get("account:x::1"); err != nil || v != testSecret {
				t.Errorf("Get = %q, %v", v, err)
			}
			if err := sec.Delete("account:x::1"); err != nil {
				t.Fatal(err)
			}
			if err := sec.Delete("account:x::1"); !errors.Is(err, ErrSecretNotFound) {
				t.Errorf("second Delete = %v", err)
			}
		})
	}
}

func TestKeyringUnavailable(t *testing.T) {
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	err := Keyring().Set("k", testSecret)
	if !errors.Is(err, ErrNoKeyring) {
		t.Fatalf("Set = %v, want ErrNoKeyring", err)
	}
	if strings.Contains(err.Error(), testSecret) {
		t.Error("the error shows the secret")
	}
	if goos == "linux" && !strings.Contains(err.Error(), "GNOME Keyring or KWallet") {
		t.Errorf("the error does not say what to install: %v", err)
	}
	if _, err := Keyring().Get("k"); !errors.Is(err, ErrNoKeyring) {
		t.Errorf("Get = %v", err)
	}
}

func TestKeyringWindowsLimit(t *testing.T) {
	keyring.MockInit()
	old := goos
	goos = "windows"
	t.Cleanup(func() { goos = old })
	big := strings.Repeat("S", 2501)
	err := Keyring().Set("k", big)
	if !errors.Is(err, ErrSecretTooBig) || !strings.Contains(err.Error(), "2560") {
		t.Fatalf("Set of 2501 bytes on Windows = %v", err)
	}
	if strings.Contains(err.Error(), big) {
		t.Error("the error shows the secret")
	}
	if err := Keyring().Set("k", big[:2500]); err != nil {
		t.Errorf("2500 bytes refused: %v", err)
	}
	goos = "linux"
	if err := Keyring().Set("k", big); err != nil {
		t.Errorf("big value refused on Linux: %v", err)
	}
}

func TestKeyringTimeout(t *testing.T) {
	old := keyringTimeout
	keyringTimeout = 20 * time.Millisecond
	t.Cleanup(func() { keyringTimeout = old })
	release := make(chan struct{})
	defer close(release)
	start := time.Now()
	_, err := withTimeout("k", func() (string, error) { <-release; return "", nil })
	if !errors.Is(err, ErrNoKeyring) || !strings.Contains(err.Error(), "did not answer") {
		t.Errorf("hung keyring = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("gave up after %s", d)
	}
}
