package officer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

var _ AdminStore = (*MemoryStore)(nil)

// List implements AdminStore.
func (m *MemoryStore) List(_ context.Context) ([]Summary, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Summary, 0, len(m.accounts))
	for _, a := range m.accounts {
		out = append(out, Summary{ID: a.ID, Name: a.Name, Role: a.Role, Disabled: m.disabled[a.ID],
			Failures: a.Failures, LockedUntil: a.LockedUntil})
	}
	slices.SortFunc(out, func(a, b Summary) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// update changes one account under the lock.
func (m *MemoryStore) update(id string, fn func(*Account)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[id]
	if !ok {
		return fmt.Errorf("officer %q: %w", id, ErrUnknownOfficer)
	}
	fn(&a)
	m.accounts[id] = a
	return nil
}

// Unlock implements AdminStore.
func (m *MemoryStore) Unlock(_ context.Context, id string) error {
	return m.update(id, func(a *Account) { a.Failures, a.LockedUntil = 0, time.Time{} })
}

// SetDisabled implements AdminStore.
func (m *MemoryStore) SetDisabled(_ context.Context, id string, disabled bool) error {
	return m.update(id, func(*Account) {
		if m.disabled == nil {
			m.disabled = map[string]bool{}
		}
		m.disabled[id] = disabled
	})
}

// SetPINHash implements AdminStore.
func (m *MemoryStore) SetPINHash(_ context.Context, id, hash string) error {
	return m.update(id, func(a *Account) { a.PINHash, a.Failures, a.LockedUntil = hash, 0, time.Time{} })
}

// SetTOTPSecret implements AdminStore.
func (m *MemoryStore) SetTOTPSecret(_ context.Context, id, secret string) error {
	return m.update(id, func(a *Account) { a.TOTPSecret, a.LastTOTPCounter = secret, 0 })
}
