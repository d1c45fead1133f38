package transmit

import (
	"fmt"
	"time"

	"github.com/google/uuid"
)

// recentResult is a v2 result of station at a time the receiver accepts.
func recentResult(station string, i int) Result {
	end := time.Now().UTC().Add(-time.Hour).Add(time.Duration(i) * time.Second).Truncate(time.Millisecond)
	d, th, ms := 0.31, 0.6, int64(2100)
	return Result{Version: Version2, EncounterID: uuid.NewString(), Station: station, Officer: "o-17",
		Flight: "VP123", Time: end, Outcome: "match", TravelerID: fmt.Sprintf("T%04d", i),
		Category: "in-scope", Distance: &d, StartedAt: end.Add(-4 * time.Second),
		CapturedAt: end.Add(-2500 * time.Millisecond), DecidedAt: end.Add(-1900 * time.Millisecond),
		DecisionMS: &ms, Final: FinalCleared, Quality: &Quality{Captured: true, Auto: true, Score: 0.91},
		Threshold: &th, ThresholdCalibrated: true, GalleryID: "2026-11-26_VP123", GalleryVersion: "2026-11-26T08:00:00Z"}
}
