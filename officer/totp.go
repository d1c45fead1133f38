package officer

import (
	"errors"
	"fmt"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters: the authenticator-app defaults (RFC 6238: 30 s steps,
// six digits, HMAC-SHA1), accepting one step either side for clock skew.
const (
	TOTPPeriod = 30 * time.Second
	TOTPSkew   = 1
)

// ErrCodeReused reports a TOTP code that was already accepted: each time
// step logs in at most once.
var ErrCodeReused = errors.New("code already used")

// NewTOTP makes a random TOTP secret for an officer and its provisioning URI
// (otpauth://totp/...), to show once as text or QR code. The account name is
// the officer id, never the name.
func NewTOTP(issuer, officerID string) (secret, uri string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: issuer, AccountName: officerID,
		Period: uint(TOTPPeriod / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", "", fmt.Errorf("new TOTP secret: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// TOTPCode is the code for the given time: for tests, demos and a
// supervisor's check of a freshly enrolled device.
func TOTPCode(secret string, at time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{
		Period: uint(TOTPPeriod / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
}

// checkTOTP validates code at now within ±skew steps and returns the time
// step it matched. A step not after last (the last accepted) is refused as
// reused. ok is false for a wrong or malformed code.
func checkTOTP(secret, code string, now time.Time, skew int, last uint64) (step uint64, ok bool, err error) {
	opts := hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	current := now.Unix() / int64(TOTPPeriod/time.Second)
	for d := -skew; d <= skew; d++ {
		c := current + int64(d)
		if c < 0 {
			continue
		}
		match, verr := hotp.ValidateCustom(code, uint64(c), secret, opts)
		if errors.Is(verr, otp.ErrValidateInputInvalidLength) {
			return 0, false, nil
		}
		if verr != nil {
			return 0, false, fmt.Errorf("check TOTP: %w", verr)
		}
		if match {
			if uint64(c) <= last {
				return uint64(c), false, ErrCodeReused
			}
			return uint64(c), true, nil
		}
	}
	return 0, false, nil
}
