package officer

import (
	"sync"
	"time"
)

// DefaultIdleTimeout logs an officer out after 15 minutes without input.
const DefaultIdleTimeout = 15 * time.Minute

// Session is a logged-in officer.
type Session struct {
	OfficerID string
	Role      Role
	Started   time.Time
}

// Supervisor reports whether the session may change settings and review.
func (s *Session) Supervisor() bool { return s.Role == RoleSupervisor }

// IdleTimer tracks the last officer input and says when the session has
// been idle too long. The UI calls Touch on every key or tap and Expired
// from a ticker; it is safe for concurrent use.
type IdleTimer struct {
	mu      sync.Mutex
	timeout time.Duration
	last    time.Time
}

// NewIdleTimer starts the timer at now; a timeout <= 0 means the default.
func NewIdleTimer(timeout time.Duration, now time.Time) *IdleTimer {
	if timeout <= 0 {
		timeout = DefaultIdleTimeout
	}
	return &IdleTimer{timeout: timeout, last: now}
}

// Touch records officer input at now (an earlier time is ignored).
func (t *IdleTimer) Touch(now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.After(t.last) {
		t.last = now
	}
}

// Remaining is the time left before logout at now; zero once expired.
func (t *IdleTimer) Remaining(now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return max(0, t.timeout-now.Sub(t.last))
}

// Expired reports whether the officer must be logged out at now.
func (t *IdleTimer) Expired(now time.Time) bool { return t.Remaining(now) == 0 }
