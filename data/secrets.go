package data

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// ErrSecretNotFound is returned when the keyring has no such entry.
var ErrSecretNotFound = errors.New("no saved login in the keyring")

// ErrNoKeyring is returned (wrapped with what to install) when no keyring
// service answers. Tokens are then not stored anywhere.
var ErrNoKeyring = errors.New("no system keyring is available")

// ErrSecretTooBig is returned (wrapped) when a value is larger than the
// keyring of this system can hold.
var ErrSecretTooBig = errors.New("secret too big for the keyring")

// Secrets keeps tokens. Values never reach SQLite, logs or errors.
type Secrets interface {
	Set(key, value string) error
	Get(key string) (string, error)
	Delete(key string) error
}

// KeyringService is the service name of every Localpost keyring entry.
const KeyringService = "Localpost"

// Windows Credential Manager holds at most 2560 bytes per secret; stay a
// little below it.
const windowsSecretMax = 2500

// keyringTimeout bounds every keyring call: a locked or hung Secret Service
// must not freeze the app. Tests shorten it.
var keyringTimeout = 5 * time.Second

// goos is runtime.GOOS, a variable so tests can check other systems' rules.
var goos = runtime.GOOS

// Keyring returns the OS keyring (service "Localpost"), with a timeout on
// every call. Missing entries are ErrSecretNotFound; an unavailable keyring
// is ErrNoKeyring wrapped with what to install or unlock on this system.
func Keyring() Secrets { return osKeyring{} }

type osKeyring struct{}

// keyringMu serialises keyring calls: the accounts publish side by side,
// and not every keyring backend (go-keyring's mock, some Secret Service
// sessions) is safe for concurrent use. Taken inside the timed goroutine,
// so a hung call makes the next ones time out rather than block.
var keyringMu sync.Mutex

func locked[T any](fn func() (T, error)) func() (T, error) {
	return func() (T, error) {
		keyringMu.Lock()
		defer keyringMu.Unlock()
		return fn()
	}
}

func (osKeyring) Set(key, value string) error {
	if goos == "windows" && len(value) > windowsSecretMax {
		return fmt.Errorf("keyring %s: %w: %d bytes, and Windows Credential Manager holds at most 2560 bytes per entry",
			key, ErrSecretTooBig, len(value))
	}
	_, err := withTimeout(key, locked(func() (string, error) { return "", keyring.Set(KeyringService, key, value) }))
	return err
}

func (osKeyring) Get(key string) (string, error) {
	return withTimeout(key, locked(func() (string, error) { return keyring.Get(KeyringService, key) }))
}

func (osKeyring) Delete(key string) error {
	_, err := withTimeout(key, locked(func() (string, error) { return "", keyring.Delete(KeyringService, key) }))
	return err
}

// withTimeout runs a keyring call in a goroutine and gives up after
// keyringTimeout. Error texts are built from the key and the keyring's
// error only, never from the value.
func withTimeout(key string, fn func() (string, error)) (string, error) {
	type result struct {
		v   string
		err error
	}
	done := make(chan result, 1) // buffered: a late answer must not block the goroutine forever
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	timer := time.NewTimer(keyringTimeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.v, keyringError(key, r.err)
	case <-timer.C:
		return "", fmt.Errorf("keyring %s: %w: it did not answer within %s; %s", key, ErrNoKeyring, keyringTimeout, keyringHint())
	}
}

func keyringError(key string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return fmt.Errorf("keyring %s: %w", key, ErrSecretNotFound)
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return fmt.Errorf("keyring %s: %w for this system's keyring", key, ErrSecretTooBig)
	}
	return fmt.Errorf("keyring %s: %w: %s (%v)", key, ErrNoKeyring, keyringHint(), err)
}

// keyringHint says what the user can do to get a keyring on this system.
func keyringHint() string {
	switch goos {
	case "windows":
		return "sign in to Windows with a normal user account so Credential Manager is available"
	case "darwin":
		return "unlock the login keychain in Keychain Access"
	default:
		return "install and unlock a Secret Service keyring such as GNOME Keyring or KWallet"
	}
}

// MemorySecrets is an in-process store for --demo (throwaway data).
func MemorySecrets() Secrets { return &memorySecrets{m: map[string]string{}} }

type memorySecrets struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *memorySecrets) Set(key, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = value
	return nil
}

func (s *memorySecrets) Get(key string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	if !ok {
		return "", fmt.Errorf("secret %s: %w", key, ErrSecretNotFound)
	}
	return v, nil
}

func (s *memorySecrets) Delete(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[key]; !ok {
		return fmt.Errorf("secret %s: %w", key, ErrSecretNotFound)
	}
	delete(s.m, key)
	return nil
}
