package transmit

import (
	"encoding/json"
	"fmt"
	"strings"
)

// The receiver's key check reads a message's members straight from its
// bytes, once, after json.Valid has accepted the whole body: no token
// stream (encoding/json's Decoder.Token allocated for every key and value,
// and was the larger part of decoding a result).

// member is one key of a JSON object and its value's bytes.
type member struct {
	key string
	val []byte
}

// members lists the members of the object b holds, in order; ok is false
// when b is not an object. b must be valid JSON (json.Valid).
func members(b []byte) (ms []member, ok bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil, true
	}
	for i < len(b) {
		end := skipValue(b, i) // the key, a string
		key := string(b[i+1 : end-1])
		if strings.IndexByte(key, '\\') >= 0 {
			if json.Unmarshal(b[i:end], &key) != nil {
				return nil, false
			}
		}
		i = skipSpace(b, end)
		i = skipSpace(b, i+1) // past ':'
		end = skipValue(b, i)
		ms = append(ms, member{key: key, val: b[i:end]})
		i = skipSpace(b, end)
		if i >= len(b) || b[i] == '}' {
			break
		}
		i = skipSpace(b, i+1) // past ','
	}
	return ms, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue is the index just past the (valid) JSON value starting at i.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[i])) {
		i++
	}
	return i
}

// skipString is the index just past the string whose quote is at i.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// checkKeys checks the members of the object ms: each key must be in keys,
// spelled exactly (encoding/json would match "Station" to "station"), and
// appear once (in any letter case); objects under the keys of nested are
// checked the same way.
func checkKeys(ms []member, path string, keys map[string]bool, nested map[string]map[string]bool) error {
	seen := make(map[string]bool, len(ms))
	for _, m := range ms {
		if !keys[m.key] {
			return fmt.Errorf("%w: unknown field %q", ErrBadResult, Clip(path+m.key))
		}
		low := strings.ToLower(m.key)
		if seen[low] {
			return fmt.Errorf("%w: field %q given twice", ErrBadResult, path+m.key)
		}
		seen[low] = true
		sub, isNested := nested[m.key]
		if !isNested || string(m.val) == "null" {
			continue
		}
		inner, ok := members(m.val)
		if !ok {
			return fmt.Errorf("%w: %s must be an object", ErrBadResult, m.key)
		}
		if err := checkKeys(inner, m.key+".", sub, nil); err != nil {
			return err
		}
	}
	return nil
}

// versionOf is the raw value of the member encoding/json would read into
// a field named "version" (the last key equal to it in any letter case),
// nil when there is none or it is null.
func versionOf(ms []member) []byte {
	var v []byte
	for _, m := range ms {
		if strings.EqualFold(m.key, "version") {
			v = m.val
		}
	}
	if string(v) == "null" {
		return nil
	}
	return v
}
