package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// AvatarDir is the folder inside the data folder that holds avatars.
const AvatarDir = "avatars"

const accountColumns = `id, network, server, remote_id, handle, display_name, avatar_path, kind, url, state,
	token_expiry, created_at, extra`

func scanAccount(sc interface{ Scan(...any) error }) (Account, error) {
	var a Account
	var expiry sql.NullInt64
	var created int64
	err := sc.Scan(&a.ID, &a.Network, &a.Server, &a.RemoteID, &a.Handle, &a.DisplayName, &a.AvatarPath, &a.Kind,
		&a.URL, &a.State, &expiry, &created, &a.Extra)
	a.TokenExpiry = fromMS(expiry)
	a.CreatedAt = time.UnixMilli(created).UTC()
	return a, err
}

func validAccountState(st AccountState) bool {
	return st == AccountConnected || st == AccountNeedsReconnect || st == AccountDisconnected
}

// SaveAccount inserts or (same network, server, remote id) updates an account
// and returns it with its ID. An empty State means connected. CreatedAt is
// set on insert and kept on update.
func (s *Store) SaveAccount(ctx context.Context, a Account) (Account, error) {
	if a.Network == "" || a.RemoteID == "" {
		return a, fmt.Errorf("save account %q: network and remote id are required", a.Handle)
	}
	if hasControl(a.Network) {
		return a, fmt.Errorf("save account %q: network %q is not a network name", a.Handle, a.Network)
	}
	if a.State == "" {
		a.State = AccountConnected
	}
	if !validAccountState(a.State) {
		return a, fmt.Errorf("save account %s: unknown state %q", a.Handle, a.State)
	}
	created := a.CreatedAt
	if created.IsZero() {
		created = now()
	}
	var id int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO accounts (network, server, remote_id, handle, display_name, avatar_path,
			kind, url, state, token_expiry, created_at, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (network, server, remote_id) DO UPDATE SET handle = excluded.handle,
				display_name = excluded.display_name, avatar_path = excluded.avatar_path, kind = excluded.kind,
				url = excluded.url, state = excluded.state, token_expiry = excluded.token_expiry, extra = excluded.extra
			RETURNING id`,
			a.Network, a.Server, a.RemoteID, a.Handle, a.DisplayName, a.AvatarPath, a.Kind, a.URL, a.State,
			ms(a.TokenExpiry), created.UnixMilli(), a.Extra).Scan(&id)
	})
	if err != nil {
		return a, fmt.Errorf("save account %s: %w", a.Handle, err)
	}
	return s.Account(ctx, id)
}

// Accounts lists every account, oldest first.
func (s *Store) Accounts(ctx context.Context) ([]Account, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	defer rows.Close()
	var as []Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("accounts: %w", err)
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	return as, nil
}

// Account returns one account or ErrNotFound.
func (s *Store) Account(ctx context.Context, id int64) (Account, error) {
	a, err := loadAccount(ctx, s.r, id)
	if err != nil {
		return Account{}, fmt.Errorf("account %d: %w", id, notFound(err))
	}
	return a, nil
}

func loadAccount(ctx context.Context, q querier, id int64) (Account, error) {
	return scanAccount(q.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
}

// SetAccountState changes the connection state of an account.
func (s *Store) SetAccountState(ctx context.Context, id int64, st AccountState) error {
	if !validAccountState(st) {
		return fmt.Errorf("account %d: unknown state %q", id, st)
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		return execOne(ctx, tx, `UPDATE accounts SET state = ? WHERE id = ?`, st, id)
	})
	if err != nil {
		return fmt.Errorf("account %d: %w", id, err)
	}
	return nil
}

// DeleteAccount deletes the account, its targets (with their attempts) and
// its metrics, and its avatar file. Posts stay; their derived state is
// recomputed (a post left without targets is a draft). The token in the
// keyring is the caller's to delete (Account.SecretKey).
func (s *Store) DeleteAccount(ctx context.Context, id int64) error {
	var avatar string
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		a, err := loadAccount(ctx, tx, id)
		if err != nil {
			return notFound(err)
		}
		avatar = a.AvatarPath
		var posts []int64
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT post_id FROM targets WHERE account_id = ?`, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var pid int64
			if err := rows.Scan(&pid); err != nil {
				rows.Close()
				return err
			}
			posts = append(posts, pid)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE id = ?`, id); err != nil {
			return err // targets, attempts and metrics go by ON DELETE CASCADE
		}
		for _, pid := range posts {
			if err := refreshPost(ctx, tx, pid); err != nil {
				return fmt.Errorf("post %d: %w", pid, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("account %d: %w", id, err)
	}
	// Only a plain file name inside avatars/ is ours to remove.
	if avatar != "" && avatar == filepath.Base(avatar) && avatar != "." && avatar != ".." {
		if err := os.Remove(filepath.Join(s.Dir, AvatarDir, avatar)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("account %d: remove avatar: %w", id, err)
		}
	}
	return nil
}

// SetTokenExpiry records when an account's renewed login expires, leaving
// everything else about the account as it is.
func (s *Store) SetTokenExpiry(ctx context.Context, id int64, expiry time.Time) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE accounts SET token_expiry = ? WHERE id = ?`, ms(expiry), id); err != nil {
		return fmt.Errorf("account %d: %w", id, err)
	}
	return nil
}
