package data

// THIS FILE IS A CONTRACT STUB: the data helper implements it.

import "errors"

// ErrSecretNotFound is returned when the keyring has no such entry.
var ErrSecretNotFound = errors.New("no saved login in the keyring")

// ErrNoKeyring is returned (wrapped with what to install) when no keyring
// service answers. Tokens are then not stored anywhere.
var ErrNoKeyring = errors.New("no system keyring is available")

// Secrets keeps tokens. Values never reach SQLite, logs or errors.
type Secrets interface {
	Set(key, value string) error
	Get(key string) (string, error)
	Delete(key string) error
}

// Keyring returns the OS keyring (service "Localpost"), with a timeout on
// every call.
func Keyring() Secrets { return nil }

// MemorySecrets is an in-process store for --demo (throwaway data).
func MemorySecrets() Secrets { return nil }
