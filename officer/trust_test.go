package officer

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"veriport/record"
)

// TestSQLStoreResealsPlaintextSecret: a TOTP secret stored before sealing
// existed is sealed on its first use, not accepted in the clear forever.
func TestSQLStoreResealsPlaintextSecret(t *testing.T) {
	ctx := context.Background()
	st, err := record.Open(ctx, filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	if err := record.InsertOfficer(ctx, st.DB, record.Officer{ID: "o9", Name: "Officer Nine", Role: record.RoleOfficer,
		PINHash: "h", TOTPSecret: secret}); err != nil {
		t.Fatal(err)
	}
	sealer, _ := NewSecretSealer(bytes.Repeat([]byte{9}, 32))
	s := &SQLStore{DB: st.DB, Secrets: sealer}
	a, err := s.Account(ctx, "o9")
	if err != nil || a.TOTPSecret != secret {
		t.Fatalf("first use: %q %v", a.TOTPSecret, err)
	}
	var stored string
	st.DB.QueryRow(`SELECT totp_secret FROM officers WHERE id = 'o9'`).Scan(&stored)
	if strings.Contains(stored, secret) || !strings.HasPrefix(stored, sealedPrefix) {
		t.Fatalf("plaintext secret left in the clear after its first use: %q", stored)
	}
	if a, err := s.Account(ctx, "o9"); err != nil || a.TOTPSecret != secret {
		t.Fatalf("after re-sealing: %q %v", a.TOTPSecret, err)
	}
}

// FuzzSecretSealerOpen: Open never panics on a stored value; a sealed secret
// opens only for its own officer id, to what was sealed.
func FuzzSecretSealerOpen(f *testing.F) {
	s, _ := NewSecretSealer(bytes.Repeat([]byte{5}, 32))
	good, _ := s.Seal("o.lee", "JBSWY3DPEHPK3PXP")
	for _, v := range []string{good, sealedPrefix, sealedPrefix + "!!!", sealedPrefix + "AAAA", "JBSWY3DPEHPK3PXP", ""} {
		f.Add("o.lee", v)
	}
	f.Fuzz(func(t *testing.T, id, stored string) {
		got, err := s.Open(id, stored)
		if strings.HasPrefix(stored, sealedPrefix) && err == nil && stored != good {
			// Only a value Seal produced opens; anything else forged would
			// have broken AES-GCM.
			t.Fatalf("forged sealed value %q opened to %q", stored, got)
		}
		if err != nil && !errors.Is(err, ErrSecretSealed) {
			t.Fatalf("error not ErrSecretSealed: %v", err)
		}
		if id != "" {
			sealed, err := s.Seal(id, stored)
			if err != nil {
				t.Fatal(err)
			}
			if back, err := s.Open(id, sealed); err != nil || back != stored {
				t.Fatalf("round trip %q: %q %v", stored, back, err)
			}
			if _, err := s.Open(id+"x", sealed); !errors.Is(err, ErrSecretSealed) {
				t.Fatalf("opened under another id: %v", err)
			}
		}
	})
}

// FuzzDecodeHash: the argon2id PHC parser never panics, and what it accepts
// has bounded cost (memory, passes, lanes, salt and key length).
func FuzzDecodeHash(f *testing.F) {
	h, _ := HashPIN("482913", cheap)
	for _, v := range []string{h, "$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5aw",
		"$argon2id$v=19$m=99999999,t=3,p=2$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5aw", "$argon2i$v=19$m=1,t=1,p=1$$",
		"$argon2id$v=19$m=8,t=1,p=255$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5aw", ""} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := decodeHash(s)
		if err != nil {
			if !errors.Is(err, ErrHashFormat) {
				t.Fatalf("error not ErrHashFormat: %v", err)
			}
			return
		}
		if p.Memory == 0 || p.Memory > maxMemory || p.Time == 0 || p.Time > maxTime || p.Threads == 0 ||
			len(salt) < 8 || len(salt) > maxSaltKey || len(key) < 16 || len(key) > maxSaltKey ||
			int(p.SaltLen) != len(salt) || int(p.KeyLen) != len(key) {
			t.Fatalf("%q accepted with params %+v, salt %d, key %d bytes", s, p, len(salt), len(key))
		}
	})
}
