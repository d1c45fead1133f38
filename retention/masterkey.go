package retention

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"veriport/record"
)

// MasterKeyEnv names the environment variable that may supply the master key
// (32 bytes, base64 or hex) instead of the key file.
const MasterKeyEnv = "VERIPORT_MASTER_KEY"

// MasterKeyFileName is the default key file inside the data folder.
const MasterKeyFileName = "master.key"

// ErrMasterKey means the master key is missing, malformed or exposed.
var ErrMasterKey = errors.New("master key unusable")

// OpenMasterKey returns the master key of the store q: see LoadMasterKey. A
// missing key file is created (mode 0600) only while the store holds
// nothing sealed under a master key (no wrapped photo key, no officer);
// otherwise it is refused with a message naming the file, since a new key
// would leave every photo and every officer's second factor unreadable.
func OpenMasterKey(ctx context.Context, q record.DBTX, file string) (key []byte, source string, err error) {
	key, source, err = LoadMasterKey(file)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, source, err
	}
	var keys, officers int
	if err := q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM vault_keys), (SELECT COUNT(*) FROM officers)`).
		Scan(&keys, &officers); err != nil {
		return nil, "", fmt.Errorf("%w: %s is missing and the store cannot be checked: %v", ErrMasterKey, file, err)
	}
	if keys > 0 || officers > 0 {
		return nil, "", fmt.Errorf("%w: %s is missing, but the database holds %d photo key(s) and %d officer "+
			"account(s) sealed under it; restore the file (or set $%s); a new key would make them unreadable",
			ErrMasterKey, file, keys, officers, MasterKeyEnv)
	}
	if err := createKeyFile(file); err != nil {
		return nil, "", fmt.Errorf("%w: create %s: %v", ErrMasterKey, file, err)
	}
	return LoadMasterKey(file)
}

// LoadMasterKey returns the 32-byte key that wraps the vault's data keys:
// from $VERIPORT_MASTER_KEY when set, else from file. A missing file is an
// error wrapping ErrMasterKey and fs.ErrNotExist (OpenMasterKey creates the
// key of a new store); a key file readable by group or others is refused.
func LoadMasterKey(file string) (key []byte, source string, err error) {
	if v := strings.TrimSpace(os.Getenv(MasterKeyEnv)); v != "" {
		k, err := decodeKey(v)
		if err != nil {
			return nil, "", fmt.Errorf("%w: $%s: %v", ErrMasterKey, MasterKeyEnv, err)
		}
		return k, "$" + MasterKeyEnv, nil
	}
	st, err := os.Stat(file)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %w", ErrMasterKey, err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, "", fmt.Errorf("%w: %s has mode %04o; it must be private (chmod 600)", ErrMasterKey, file, st.Mode().Perm())
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrMasterKey, err)
	}
	k, err := decodeKey(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, "", fmt.Errorf("%w: %s: %v", ErrMasterKey, file, err)
	}
	return k, file, nil
}

func decodeKey(s string) ([]byte, error) {
	if len(s) == 64 {
		if k, err := hex.DecodeString(s); err == nil {
			return k, nil
		}
	}
	k, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		k, err = base64.RawStdEncoding.DecodeString(s)
	}
	if err != nil {
		return nil, fmt.Errorf("not base64 or hex")
	}
	if len(k) != 32 {
		return nil, fmt.Errorf("%d bytes, want 32", len(k))
	}
	return k, nil
}

// createKeyFile writes a fresh random key atomically with mode 0600.
func createKeyFile(file string) error {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".master-*.tmp") // CreateTemp uses 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(base64.StdEncoding.EncodeToString(k) + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// Link, not rename: a key file created meanwhile by another process wins.
	if err := os.Link(tmp.Name(), file); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(filepath.Dir(file))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
