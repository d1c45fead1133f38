package transmit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// FuzzDecodeSameAsTokenWalk: the receiver's one-pass key check decides
// every message as the token-stream walk it replaced did: accepted with
// the same result, or refused for the same reason (unknown version, bad
// message).
func FuzzDecodeSameAsTokenWalk(f *testing.F) {
	good := recentResult("booth-1", 0)
	good.ManualCheck = &ManualCheck{At: good.Time, Outcome: "referred", Reason: "document-mismatch"}
	b, _ := json.Marshal(good)
	seeds := []string{string(b), `{}`, `[]`, `null`, `{"version":7}`, `{"VERSION":7}`, `{"version":"2"}`,
		`{"version":null,"station":"b"}`, `{"quality":[1]}`, `{"quality":null}`, `{"quality":{"image":1}}`,
		`{"station":"a","Station":"b"}`, `{"st\u0061tion":"a"}`, `{"station":"a\"}"}`, `{"version":2} x`,
		strings.Replace(string(b), `"station"`, `"STATION"`, 1), `{"version":2,"quality":{"score":1,"Score":2}}`}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		got, gerr := Decode([]byte(body))
		want, werr := decodeTokenWalk([]byte(body))
		kind := func(err error) string {
			switch {
			case err == nil:
				return "ok"
			case errors.Is(err, ErrUnknownVersion):
				return "unknown version"
			case errors.Is(err, ErrBadResult):
				return "bad message"
			}
			return "other: " + err.Error()
		}
		if kind(gerr) != kind(werr) {
			t.Fatalf("%q: Decode says %s (%v), the token walk %s (%v)", body, kind(gerr), gerr, kind(werr), werr)
		}
		if gerr == nil {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if !bytes.Equal(g, w) {
				t.Fatalf("%q: decoded %s, the token walk %s", body, g, w)
			}
		}
	})
}

// TestDecodeSameAsTokenWalk runs the fuzz seeds and mutations of a full
// message through both.
func TestDecodeSameAsTokenWalk(t *testing.T) {
	good := recentResult("booth-1", 0)
	b, _ := json.Marshal(good)
	s := string(b)
	for i := 0; i < len(s); i += 7 {
		for _, cut := range []string{s[:i], s[:i] + s[i+1:], s[:i] + "}" + s[i:], s[:i] + `"x":1,` + s[i:]} {
			_, gerr := Decode([]byte(cut))
			_, werr := decodeTokenWalk([]byte(cut))
			if (gerr == nil) != (werr == nil) || errors.Is(gerr, ErrUnknownVersion) != errors.Is(werr, ErrUnknownVersion) {
				t.Fatalf("%q: Decode %v, the token walk %v", cut, gerr, werr)
			}
		}
	}
}

// The implementation Decode replaced, kept to compare against.

func decodeTokenWalk(body []byte) (Result, error) {
	var head struct {
		Version *json.RawMessage `json:"version"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return Result{}, fmt.Errorf("%w: not a JSON object: %v", ErrBadResult, err)
	}
	version := Version1
	if head.Version != nil {
		if err := json.Unmarshal(*head.Version, &version); err != nil {
			return Result{}, fmt.Errorf("%w: version %s is not a whole number", ErrUnknownVersion, Clip(string(*head.Version)))
		}
	}
	var keys map[string]bool
	switch version {
	case Version1:
		keys = keysV1
	case Version2:
		keys = keysV2
	case Version3:
		keys = keysV3
	case Version4:
		keys = keysV4
	default:
		return Result{}, fmt.Errorf("%w: %d (this receiver accepts 1 to 4)", ErrUnknownVersion, version)
	}
	if err := checkKeysTokenWalk(body, keys, map[string]map[string]bool{"quality": keysQuality, "manual_check": keysManual}); err != nil {
		return Result{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var r Result
	if err := dec.Decode(&r); err != nil {
		return Result{}, fmt.Errorf("%w: %v", ErrBadResult, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Result{}, fmt.Errorf("%w: data after the result object", ErrBadResult)
	}
	id, err := CanonicalID(r.EncounterID)
	if err != nil {
		return Result{}, err
	}
	r.EncounterID = id
	return r, nil
}

// checkKeys walks the top-level object of body: each key must be in keys,
// spelled exactly (encoding/json would match "Station" to "station"), and
// appear once; objects under the keys of nested are checked the same way.
func checkKeysTokenWalk(body []byte, keys map[string]bool, nested map[string]map[string]bool) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("%w: not a JSON object", ErrBadResult)
	}
	return walkObjectTokens(dec, "", keys, nested)
}

func walkObjectTokens(dec *json.Decoder, path string, keys map[string]bool, nested map[string]map[string]bool) error {
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%w: %v", ErrBadResult, err)
		}
		k, _ := t.(string)
		if !keys[k] {
			return fmt.Errorf("%w: unknown field %q", ErrBadResult, Clip(path+k))
		}
		if seen[strings.ToLower(k)] {
			return fmt.Errorf("%w: field %q given twice", ErrBadResult, path+k)
		}
		seen[strings.ToLower(k)] = true
		sub, isNested := nested[k]
		if isNested {
			t, err := dec.Token()
			if err != nil {
				return fmt.Errorf("%w: %v", ErrBadResult, err)
			}
			if t == json.Delim('{') {
				if err := walkObjectTokens(dec, k+".", sub, nil); err != nil {
					return err
				}
				continue
			}
			if t != nil {
				return fmt.Errorf("%w: %s must be an object", ErrBadResult, k)
			}
			continue
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return fmt.Errorf("%w: %v", ErrBadResult, err)
		}
	}
	if _, err := dec.Token(); err != nil { // closing brace
		return fmt.Errorf("%w: %v", ErrBadResult, err)
	}
	return nil
}
