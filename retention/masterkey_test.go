package retention

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"veriport/record"
)

func TestMasterKeyFile(t *testing.T) {
	t.Setenv(MasterKeyEnv, "")
	dir := t.TempDir()
	file := filepath.Join(dir, "data", MasterKeyFileName)
	if _, _, err := LoadMasterKey(file); !errors.Is(err, ErrMasterKey) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing key file: %v", err)
	}
	store, err := record.Open(context.Background(), filepath.Join(dir, "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	k1, src, err := OpenMasterKey(context.Background(), store.DB, file) // an empty store gets a key
	if err != nil || len(k1) != 32 || src != file {
		t.Fatalf("create: %d bytes from %q, %v", len(k1), src, err)
	}
	st, _ := os.Stat(file)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %04o, want 0600", st.Mode().Perm())
	}
	k2, _, err := LoadMasterKey(file)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("reload gave a different key: %v", err)
	}
	os.Chmod(file, 0o644)
	if _, _, err := LoadMasterKey(file); !errors.Is(err, ErrMasterKey) {
		t.Fatalf("world-readable key file accepted: %v", err)
	}
	os.Chmod(file, 0o600)
	os.WriteFile(file, []byte("too short\n"), 0o600)
	if _, _, err := LoadMasterKey(file); !errors.Is(err, ErrMasterKey) {
		t.Fatalf("malformed key file accepted: %v", err)
	}
}

func TestMasterKeyFromEnv(t *testing.T) {
	raw := bytes.Repeat([]byte{0xab}, 32)
	file := filepath.Join(t.TempDir(), MasterKeyFileName)
	for _, v := range []string{base64.StdEncoding.EncodeToString(raw), hex.EncodeToString(raw)} {
		t.Setenv(MasterKeyEnv, v)
		k, src, err := LoadMasterKey(file)
		if err != nil || !bytes.Equal(k, raw) || src != "$"+MasterKeyEnv {
			t.Fatalf("env %q: %v %q", v, err, src)
		}
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatal("key file written although the environment supplied the key")
	}
	t.Setenv(MasterKeyEnv, base64.StdEncoding.EncodeToString(raw[:16]))
	if _, _, err := LoadMasterKey(file); !errors.Is(err, ErrMasterKey) {
		t.Fatalf("16-byte key accepted: %v", err)
	}
}
