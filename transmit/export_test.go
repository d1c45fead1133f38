package transmit

import (
	"context"
	"time"
)

// What the sender's tests (package transmit_test, which run it against the
// reference back end in veriport/backend) reach inside the package.

// RecentResult is recentResult for the external tests.
var RecentResult = recentResult

// Init sets the sender's defaults as Run does.
func (s *Sender) Init() { s.init() }

// Step makes one delivery attempt, as one turn of Run.
func (s *Sender) Step(ctx context.Context) (time.Duration, error) { return s.step(ctx) }
