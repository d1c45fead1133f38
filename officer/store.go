package officer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Role is what an officer may do.
type Role string

// The roles.
const (
	RoleOfficer    Role = "officer"
	RoleSupervisor Role = "supervisor"
)

// ParseRole reads "officer" or "supervisor".
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleOfficer, RoleSupervisor:
		return r, nil
	}
	return "", fmt.Errorf("role %q: want officer or supervisor", s)
}

// Store errors.
var (
	ErrUnknownOfficer = errors.New("no such officer")
	ErrOfficerExists  = errors.New("officer id already enrolled")
)

// LoginState is the part of an account that logins change.
type LoginState struct {
	Failures        int       // consecutive failures since the last success or lock
	LockedUntil     time.Time // zero when not locked
	LastTOTPCounter uint64    // time step of the last accepted code
}

// Account is one enrolled officer. Name is personal data: never log it.
type Account struct {
	ID         string
	Name       string
	Role       Role
	PINHash    string // argon2id, PHC string
	TOTPSecret string // base32
	LoginState
}

// Store keeps officer accounts. Implementations must be safe for use from
// several goroutines.
type Store interface {
	// Account returns the account with that id, or an error wrapping
	// ErrUnknownOfficer.
	Account(ctx context.Context, id string) (Account, error)
	// Create adds an account; an error wrapping ErrOfficerExists if the id
	// is taken.
	Create(ctx context.Context, a Account) error
	// SaveLoginState replaces the login state of an existing account.
	SaveLoginState(ctx context.Context, id string, s LoginState) error
}

// MemoryStore is an in-memory Store for tests and the demo profile.
type MemoryStore struct {
	mu       sync.Mutex
	accounts map[string]Account
	disabled map[string]bool // disabled accounts read as unknown
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{accounts: map[string]Account{}} }

// Account implements Store.
func (m *MemoryStore) Account(_ context.Context, id string) (Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[id]
	if !ok || m.disabled[id] {
		return Account{}, fmt.Errorf("officer %q: %w", id, ErrUnknownOfficer)
	}
	return a, nil
}

// Create implements Store.
func (m *MemoryStore) Create(_ context.Context, a Account) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.accounts[a.ID]; ok {
		return fmt.Errorf("officer %q: %w", a.ID, ErrOfficerExists)
	}
	m.accounts[a.ID] = a
	return nil
}

// SaveLoginState implements Store.
func (m *MemoryStore) SaveLoginState(_ context.Context, id string, s LoginState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[id]
	if !ok {
		return fmt.Errorf("officer %q: %w", id, ErrUnknownOfficer)
	}
	a.LoginState = s
	m.accounts[id] = a
	return nil
}
