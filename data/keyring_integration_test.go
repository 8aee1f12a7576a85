package data

import (
	"errors"
	"os"
	"testing"
)

// TestRealSecretService talks to the real keyring of this machine. It runs
// only with LOCALPOST_REAL_KEYRING=1; on Linux use
// data/testdata/with-secret-service.sh to get a throwaway Secret Service:
//
//	data/testdata/with-secret-service.sh env LOCALPOST_REAL_KEYRING=1 go test -run TestRealSecretService -v ./data/
func TestRealSecretService(t *testing.T) {
	if os.Getenv("LOCALPOST_REAL_KEYRING") != "1" {
		t.Skip("set LOCALPOST_REAL_KEYRING=1 to use the real keyring")
	}
	sec := Keyring()
	key := "test:localpost:" + t.Name()
	_ = sec.Delete(key) // a leftover of an interrupted run

	if _, err := sec.Get(key); !errors.Is(err, ErrSecretNotFound) {
		t.Fatalf("Get before Set = %v, want ErrSecretNotFound", err)
	}
	const token = "real-keyring-token-0123456789"
	if err := sec.Set(key, token); err != nil {
		t.Fatal(err)
	}
	got, err := sec.Get(key)
	if err != nil || got != token {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if err := sec.Delete(key); err != nil {
		t.Fatal(err)
	}
	if _, err := sec.Get(key); !errors.Is(err, ErrSecretNotFound) {
		t.Fatalf("Get after Delete = %v, want ErrSecretNotFound", err)
	}
}
