package booth

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"veriport/encounter"
)

// Audit kinds of the manual check.
const (
	// AuditManualCancelled: the officer left a manual check without a
	// conclusion (Esc); the encounter is unchanged.
	AuditManualCancelled = "manual-check-cancelled"
	// AuditManualOverride: the officer verified a traveler whose document
	// failed a check (a check digit, the expiry), with a reason.
	AuditManualOverride = "manual-check-override"
)

// Override is the officer's explicit decision to verify a traveler despite
// a failed document check, with the problems overridden and the reason.
type Override struct {
	Problems []string // e.g. "check digit of the document number", "expired 2024-01-31"
	Reason   string
}

// BeginManualCheck routes the traveler to the manual document check as of
// at, when the officer opened it (zero: now); the camera never blocks it,
// and already in the manual check is fine.
func (s *Shift) BeginManualCheck(at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.enc.State() == encounter.StateManualCheck {
		return nil
	}
	if at.IsZero() {
		at = s.cfg.Now()
	}
	return s.enc.BeginManualCheck(at)
}

// CancelManualCheck audits a manual check left without a conclusion;
// returning says where the booth went back to. The encounter is unchanged.
func (s *Shift) CancelManualCheck(ctx context.Context, returning string) error {
	s.mu.Lock()
	id := s.id
	s.mu.Unlock()
	detail, _ := json.Marshal(map[string]string{"back_to": returning})
	if err := s.cfg.Recorder.Audit(ctx, AuditManualCancelled, s.officer, id, string(detail)); err != nil {
		return fmt.Errorf("manual check cancelled: audit: %w", err)
	}
	return nil
}

// CompleteManualCheck ends the manual check as verified or referred and
// records the encounter; o (nil: none) is the officer's override of a
// failed document check, audited against the encounter before it is
// recorded. Verified with problems but no reason is refused.
func (s *Shift) CompleteManualCheck(ctx context.Context, r encounter.ManualResult, o *Override) error {
	if o != nil && r.Verified {
		if o.Reason == "" {
			return E("manual check", NoOverrideReason, nil)
		}
		s.mu.Lock()
		id := s.id
		s.mu.Unlock()
		detail, _ := json.Marshal(map[string]any{"problems": o.Problems, "reason": o.Reason})
		if err := s.cfg.Recorder.Audit(ctx, AuditManualOverride, s.officer, id, string(detail)); err != nil {
			return fmt.Errorf("manual check override: audit: %w", err)
		}
	}
	return s.completeManualCheck(ctx, r)
}
