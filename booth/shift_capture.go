package booth

import (
	"context"
	"encoding/json"
	"log/slog"
)

// AuditCaptureTaken is the audit kind of every photo taken at the booth,
// with the booth phase it was taken in and whether the camera took it by
// itself or the officer pressed Capture: an auditor can check that no
// traveler who declined was photographed by the camera.
const AuditCaptureTaken = "capture-taken"

// EncounterID is the record id of the current encounter.
func (s *Shift) EncounterID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.id
}

// AuditCapture puts a capture on the audit chain against the encounter
// subject: the phase it was taken in and whether it was automatic. A
// failure is logged (the capture itself is already decided).
func (s *Shift) AuditCapture(ctx context.Context, subject, phase string, auto bool, log *slog.Logger) {
	detail, _ := json.Marshal(map[string]any{"phase": phase, "auto": auto})
	if err := s.cfg.Recorder.Audit(ctx, AuditCaptureTaken, s.officer, subject, string(detail)); err != nil {
		log.Error("audit capture", "err", err)
	}
}
