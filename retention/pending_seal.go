package retention

import (
	"crypto/rand"
	"fmt"
)

// pendingAAD binds a waiting photo to its encounter and to this use of the
// master key (bucket keys are wrapped under another label).
func pendingAAD(id string) []byte { return []byte("veriport-pending\x00" + id) }

// SealPending encrypts the photo of a record waiting for disk space, for
// the file that keeps waiting records across a quit or a crash: AES-256-GCM
// under the vault's master key, bound to the encounter id. Nothing of the
// photo is readable without the master key.
func (v *Vault) SealPending(id string, photo []byte) ([]byte, error) {
	nonce := make([]byte, v.master.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal waiting photo: %w", err)
	}
	return v.master.Seal(nonce, nonce, photo, pendingAAD(id)), nil
}

// OpenPending decrypts what SealPending sealed for the encounter id.
func (v *Vault) OpenPending(id string, blob []byte) ([]byte, error) {
	ns := v.master.NonceSize()
	if len(blob) < ns {
		return nil, fmt.Errorf("waiting photo of %s: %w", id, ErrCorrupt)
	}
	p, err := v.master.Open(nil, blob[:ns], blob[ns:], pendingAAD(id))
	if err != nil {
		return nil, fmt.Errorf("waiting photo of %s: wrong master key or tampered: %w", id, ErrCorrupt)
	}
	return p, nil
}
