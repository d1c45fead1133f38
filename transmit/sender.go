package transmit

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"veriport/record"
)

// ResultsPath is the back end's endpoint for results.
const ResultsPath = "/results"

// ErrRefused means the back end refused a result for good: the message
// itself is at fault (CauseMessage: a schema error). Resending it cannot
// succeed, so the sender dead-letters it and goes on with the next.
var ErrRefused = errors.New("result refused by the back end")

// Refused reports whether an HTTP status is a refusal: a 4xx answer other
// than 408 (timeout) and 429 (too many requests). Only a refusal whose
// cause is the message (classify) is final.
func Refused(status int) bool {
	return status >= 400 && status < 500 && status != http.StatusRequestTimeout &&
		status != http.StatusTooManyRequests
}

// refusal is a refusal of one result and its cause; it is ErrRefused only
// when the message itself caused it.
type refusal struct {
	status int
	cause  Cause
	skew   time.Duration // booth clock minus the back end's Date
	answer error         // "back end answered 422 ...: ..."
}

func (r *refusal) Error() string {
	if r.cause == CauseMessage {
		return ErrRefused.Error() + ": " + r.answer.Error()
	}
	return explain(r.cause, r.status, r.skew, r.answer.Error())
}

func (r *refusal) Is(target error) bool { return target == ErrRefused && r.cause == CauseMessage }

// Sender drains the outbox to the back end, oldest first, one message at a
// time. A message counts as delivered only when the back end acknowledges
// it; until then it is resent with capped exponential backoff and jitter,
// unless the back end refuses it for good (ErrRefused, the message's own
// fault): then it is dead-lettered and the next goes out. A refusal caused
// by the booth's clock or configuration keeps the message (and those
// behind it) waiting, resent with backoff, its cause recorded for the
// alarm (record.OutboxStats.Blocked).
// Resending is harmless: the encounter id is the idempotency key.
type Sender struct {
	Store      *record.Store
	BaseURL    string       // e.g. https://backend:8443
	Client     *http.Client // configured for mutual TLS
	MinBackoff time.Duration
	MaxBackoff time.Duration
	Idle       time.Duration // how often to look for work when idle
	// Acknowledge runs inside the transaction that marks a message
	// delivered (the partner acknowledgment of the encounter): both commit
	// or neither does, and a failure leaves the message to be resent.
	Acknowledge func(ctx context.Context, tx *sql.Tx, encounterID string, at time.Time) error
	// OnAck runs after a message is marked delivered (waking the purge job).
	OnAck func(ctx context.Context, encounterID string, at time.Time) error
	// OnDead runs after a message is dead-lettered (refused for good): its
	// transmittal is over, so a partner deployment purges the photo then.
	OnDead func(ctx context.Context, encounterID string, at time.Time) error
	Log    *slog.Logger
	Now    func() time.Time

	once sync.Once
	wake chan struct{}
}

func (s *Sender) init() {
	s.once.Do(func() {
		s.wake = make(chan struct{}, 1)
		if s.MinBackoff <= 0 {
			s.MinBackoff = 500 * time.Millisecond
		}
		if s.MaxBackoff <= 0 {
			s.MaxBackoff = 2 * time.Minute
		}
		if s.Idle <= 0 {
			s.Idle = 5 * time.Second
		}
		if s.Log == nil {
			s.Log = slog.Default()
		}
		if s.Now == nil {
			s.Now = time.Now
		}
	})
}

// Notify wakes the sender after a result was enqueued.
func (s *Sender) Notify() {
	s.init()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends; it returns nil then.
func (s *Sender) Run(ctx context.Context) error {
	s.init()
	for {
		wait, err := s.step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			s.Log.Warn("result transmittal failed", "err", err, "retry_in", wait.Round(time.Millisecond))
		}
		if wait <= 0 {
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-s.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// step tries the head of the outbox once and says how long to wait before
// the next step.
func (s *Sender) step(ctx context.Context) (time.Duration, error) {
	it, err := s.Store.OutboxHead(ctx)
	if errors.Is(err, record.ErrNoPending) {
		return s.Idle, nil
	}
	if err != nil {
		return s.MinBackoff, err
	}
	now := s.Now()
	if it.NextAttempt.After(now) {
		return it.NextAttempt.Sub(now), nil
	}
	head, err := s.Store.AuditHead(ctx)
	if err != nil {
		return s.MinBackoff, err
	}
	body, err := outgoing(it.Payload, it.Photo, head)
	if err != nil {
		return s.MinBackoff, err
	}
	ack, err := s.post(ctx, body)
	var rf *refusal
	if errors.As(err, &rf) && rf.cause != CauseMessage {
		d := s.backoff(it.Attempts + 1)
		if merr := s.Store.MarkBlocked(ctx, it.Seq, rf.cause.String(), err.Error(), now, now.Add(d)); merr != nil {
			return d, merr
		}
		return d, err
	}
	if errors.Is(err, ErrRefused) {
		if merr := s.Store.MarkDead(ctx, it.Seq, err.Error(), now); merr != nil {
			return s.MinBackoff, merr
		}
		s.Log.Error("result refused by the back end; dead-lettered", "seq", it.Seq, "err", err)
		if s.OnDead != nil {
			if err := s.OnDead(ctx, it.EncounterID, now); err != nil {
				s.Log.Error("after-dead-letter step failed", "seq", it.Seq, "err", err)
			}
		}
		return 0, nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil
		}
		d := s.backoff(it.Attempts + 1)
		if merr := s.Store.MarkFailed(ctx, it.Seq, err.Error(), now, now.Add(d)); merr != nil {
			return d, merr
		}
		return d, err
	}
	if ack.EncounterID != it.EncounterID {
		d := s.backoff(it.Attempts + 1)
		err := fmt.Errorf("back end acknowledged %q for result %q", ack.EncounterID, it.EncounterID)
		_ = s.Store.MarkFailed(ctx, it.Seq, err.Error(), now, now.Add(d))
		return d, err
	}
	at := s.Now()
	var also func(context.Context, *sql.Tx) error
	if s.Acknowledge != nil {
		also = func(ctx context.Context, tx *sql.Tx) error { return s.Acknowledge(ctx, tx, it.EncounterID, at) }
	}
	if err := s.Store.MarkDeliveredWith(ctx, it.Seq, ack.EncounterID, at, also); err != nil {
		d := s.backoff(it.Attempts + 1)
		if merr := s.Store.MarkFailed(ctx, it.Seq, err.Error(), now, now.Add(d)); merr != nil {
			return d, merr
		}
		return d, err
	}
	s.Log.Info("result delivered", "seq", it.Seq, "duplicate", ack.Duplicate)
	if s.OnAck != nil {
		if err := s.OnAck(ctx, it.EncounterID, at); err != nil {
			s.Log.Error("after-acknowledgment step failed", "seq", it.Seq, "err", err)
		}
	}
	return 0, nil
}

// backoff is min * 2^(n-1) capped at max, with jitter in [d/2, d].
func (s *Sender) backoff(n int) time.Duration {
	d := s.MinBackoff
	for i := 1; i < n && d < s.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, s.MaxBackoff)
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

func (s *Sender) post(ctx context.Context, payload []byte) (Ack, error) {
	url := strings.TrimSuffix(s.BaseURL, "/") + ResultsPath
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return Ack{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.Client.Do(req)
	if err != nil {
		return Ack{}, fmt.Errorf("send result: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return Ack{}, fmt.Errorf("read acknowledgment: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("back end answered %s: %s", resp.Status, strings.TrimSpace(string(body)))
		if Refused(resp.StatusCode) {
			skew := clockSkew(resp.Header, s.Now())
			return Ack{}, &refusal{status: resp.StatusCode, cause: Classify(resp.StatusCode, resp.Header, skew),
				skew: skew, answer: err}
		}
		return Ack{}, err
	}
	var ack Ack
	if err := json.Unmarshal(body, &ack); err != nil {
		return Ack{}, fmt.Errorf("acknowledgment is not JSON: %w", err)
	}
	return ack, nil
}

// outgoing is the message sent for a queued result: the sealed photo kept
// beside it put back, and the booth's current audit head.
func outgoing(payload, photo []byte, head record.AuditHead) ([]byte, error) {
	var r Result
	if err := json.Unmarshal(payload, &r); err != nil {
		return nil, fmt.Errorf("queued result unreadable: %w", err)
	}
	if photo != nil {
		r.Photo = photo
	}
	r.AuditSeq, r.AuditHash = head.Seq, head.Hash
	return json.Marshal(r)
}
