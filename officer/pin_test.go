package officer

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestHashPINDefaults(t *testing.T) {
	h, err := HashPIN(goodPIN, DefaultHashParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("encoded %q", h)
	}
	if ok, err := VerifyPIN(goodPIN, h); !ok || err != nil {
		t.Errorf("right PIN refused: %v", err)
	}
	if ok, _ := VerifyPIN("482910", h); ok {
		t.Error("wrong PIN accepted")
	}
}

func TestPINHashNeverEqualForTwoSalts(t *testing.T) {
	seen := map[string]bool{}
	salts := map[string]bool{}
	for i := 0; i < 20; i++ {
		h, err := HashPIN(goodPIN, cheap)
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(h, "$")
		if seen[h] || salts[parts[4]] {
			t.Fatalf("hash or salt repeated after %d hashes: %s", i, h)
		}
		seen[h], salts[parts[4]] = true, true
		if ok, _ := VerifyPIN(goodPIN, h); !ok {
			t.Fatal("right PIN refused")
		}
	}
}

func TestVerifyPINRefusesBadHashes(t *testing.T) {
	good, _ := HashPIN(goodPIN, cheap)
	parts := strings.Split(good, "$")
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	for name, h := range map[string]string{
		"empty":         "",
		"bcrypt":        "$2b$10$abcdefghijklmnopqrstuu",
		"argon2i":       with(1, "argon2i"),
		"old version":   with(2, "v=16"),
		"huge memory":   with(3, "m=4194304,t=3,p=2"),
		"many passes":   with(3, "m=1024,t=1000,p=1"),
		"no threads":    with(3, "m=1024,t=1,p=0"),
		"garbled salt":  with(4, "***"),
		"short key":     with(5, "AAAA"),
		"missing field": strings.Join(parts[:5], "$"),
	} {
		if _, err := VerifyPIN(goodPIN, h); !errors.Is(err, ErrHashFormat) {
			t.Errorf("%s: error %v", name, err)
		}
	}
	tampered := with(5, strings.Repeat("A", len(parts[5])))
	if ok, err := VerifyPIN(goodPIN, tampered); ok || err != nil {
		t.Errorf("tampered key: ok=%v err=%v", ok, err)
	}
	if _, err := HashPIN(goodPIN, HashParams{Memory: 1024, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32}); err == nil {
		t.Error("4-byte salt accepted")
	}
}

func TestValidatePIN(t *testing.T) {
	for pin, ok := range map[string]bool{"123456": true, "00000000000000000000000000000000": true,
		"12345": false, "12345a": false, " 123456": false, "": false, "000000000000000000000000000000000": false} {
		if err := ValidatePIN(pin); (err == nil) != ok {
			t.Errorf("ValidatePIN(%q) = %v", pin, err)
		}
	}
}

func TestIdleTimer(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	it := NewIdleTimer(0, t0)
	if it.Remaining(t0) != DefaultIdleTimeout {
		t.Fatalf("default timeout %v", it.Remaining(t0))
	}
	if it.Expired(t0.Add(14*time.Minute + 59*time.Second)) {
		t.Error("expired before 15 min")
	}
	if !it.Expired(t0.Add(15 * time.Minute)) {
		t.Error("not expired at 15 min")
	}
	it.Touch(t0.Add(10 * time.Minute))
	it.Touch(t0.Add(5 * time.Minute)) // late event must not rewind
	if it.Expired(t0.Add(20*time.Minute)) || it.Remaining(t0.Add(20*time.Minute)) != 5*time.Minute {
		t.Errorf("touch not applied: remaining %v", it.Remaining(t0.Add(20*time.Minute)))
	}
	short := NewIdleTimer(2*time.Minute, t0)
	if !short.Expired(t0.Add(2*time.Minute)) || short.Remaining(t0.Add(time.Hour)) != 0 {
		t.Error("configured timeout ignored")
	}
}
