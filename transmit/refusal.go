package transmit

import (
	"fmt"
	"net/http"
	"time"
)

// Cause is why the back end did not take a result, as far as the booth can
// tell: only a message the back end cannot accept in any form is
// dead-lettered; a clock or configuration error is the booth's or the
// network's, the same message succeeds once it is fixed, so it is resent
// and raises an alarm naming the cause.
type Cause string

// The causes a refusal is sorted into.
const (
	// CauseMessage: the message itself (schema, values, size); resending
	// cannot succeed, it is dead-lettered.
	CauseMessage Cause = "message"
	// CauseClock: the message's times are outside the back end's window
	// because the booth's clock is ahead or behind the back end's.
	CauseClock Cause = "clock"
	// CauseConfig: the station, the certificate, the service address, a
	// proxy or a message version the back end does not take.
	CauseConfig Cause = "config"
)

// String is the cause as stored with the outbox message.
func (c Cause) String() string { return string(c) }

// RefusalHeader is the response header in which the reference back end
// names the Cause of a 4xx refusal, so a booth need not guess it from the
// status: 422 is a schema value or a clock, 403 a certificate or station.
const RefusalHeader = "Veriport-Refusal"

// MaxClockSkew is the difference between the booth's clock and the back
// end's (its Date header) beyond which a 422 is taken for a clock error.
const MaxClockSkew = time.Minute

// Classify sorts a 4xx answer (other than 408 and 429, which are resent
// as any other temporary failure). The back end's RefusalHeader decides
// when present; a 422 while the clocks differ by MaxClockSkew or more is
// the clock's; otherwise only 400, 413 and 422 are the message's, and
// anything else (401, 403, 404, 405, 415...) is configuration.
func Classify(status int, h http.Header, skew time.Duration) Cause {
	switch c := Cause(h.Get(RefusalHeader)); c {
	case CauseMessage, CauseClock, CauseConfig:
		return c
	}
	switch status {
	case http.StatusUnprocessableEntity:
		if skew >= MaxClockSkew || skew <= -MaxClockSkew {
			return CauseClock
		}
		return CauseMessage
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		return CauseMessage
	}
	return CauseConfig
}

// clockSkew is how far the booth's clock (now) is ahead of the back end's
// Date header; 0 when the header is missing or unreadable.
func clockSkew(h http.Header, now time.Time) time.Duration {
	d, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return 0
	}
	return now.Sub(d)
}

// explain is the sentence stored with a resent refusal for the alarm: the
// cause first, in words a supervisor can act on, then the answer.
func explain(c Cause, status int, skew time.Duration, answer string) string {
	switch {
	case c == CauseClock && skew >= MaxClockSkew:
		return fmt.Sprintf("booth clock %s ahead of the back end: set the clock right (results kept and resent; %s)",
			skew.Round(time.Second), answer)
	case c == CauseClock && skew <= -MaxClockSkew:
		return fmt.Sprintf("booth clock %s behind the back end: set the clock right (results kept and resent; %s)",
			(-skew).Round(time.Second), answer)
	case c == CauseClock:
		return "result times outside the back end's window: check the booth clock (results kept and resent; " + answer + ")"
	}
	hint := "check gallery.service and the network between booth and back end"
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		hint = "check this booth's station name and client certificate"
	case http.StatusUnprocessableEntity:
		hint = "the back end does not take this message version: update the back end"
	}
	return fmt.Sprintf("back end configuration (%d): %s (results kept and resent; %s)", status, hint, answer)
}
