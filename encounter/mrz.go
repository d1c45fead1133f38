package encounter

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// TD3 geometry: a passport's machine-readable zone is two lines of 44.
const (
	TD3Lines      = 2
	TD3LineLength = 44
)

// Sentinel errors of the MRZ parser; every error Parse returns wraps one.
var (
	ErrMRZLines       = errors.New("MRZ must have two lines of 44 characters")
	ErrMRZLength      = errors.New("MRZ line has the wrong length")
	ErrMRZCharacter   = errors.New("MRZ holds a character other than A-Z, 0-9 or <")
	ErrMRZDocument    = errors.New("MRZ is not a passport (TD3) zone")
	ErrMRZField       = errors.New("MRZ field is malformed")
	ErrMRZCheckDigit  = errors.New("MRZ check digit is wrong")
	errMRZInvalidDate = errors.New("not a calendar date")
)

// Field names a part of the TD3 zone, for error messages and highlighting.
type Field string

// The TD3 fields, including the check digits' protected ranges.
const (
	FieldDocumentCode   Field = "document code"
	FieldIssuingState   Field = "issuing state"
	FieldName           Field = "name"
	FieldDocumentNumber Field = "document number"
	FieldNationality    Field = "nationality"
	FieldBirthDate      Field = "date of birth"
	FieldSex            Field = "sex"
	FieldExpiryDate     Field = "date of expiry"
	FieldPersonalNumber Field = "personal number"
	FieldComposite      Field = "composite"
)

// MRZ is a parsed TD3 zone. Dates are civil dates at midnight UTC. Names and
// the document number are personal data: never log them.
type MRZ struct {
	Lines          [TD3Lines]string // the normalised lines as validated
	DocumentCode   string           // "P" or "P" plus a state-defined letter
	IssuingState   string           // ISO 3166 alpha-3 (or ICAO code), fillers removed
	Surname        string           // primary identifier, '<' read as space
	GivenNames     string           // secondary identifier, '<' read as space
	NameTruncated  bool             // the name fills its field: it may be cut short
	DocumentNumber string           // fillers removed
	Nationality    string           // ISO 3166 alpha-3 (or ICAO code), fillers removed
	BirthDate      time.Time        // zero when the zone leaves it unknown (all '<')
	Sex            string           // "M", "F" or "" when unspecified (<)
	ExpiryDate     time.Time        // resolved around the reference date
	PersonalNumber string           // optional data, fillers removed
	Normalised     bool             // lowercase letters were read as capitals
}

// BirthDateKnown reports whether the zone states a date of birth.
func (m *MRZ) BirthDateKnown() bool { return !m.BirthDate.IsZero() }

// Expired reports whether the document expired before the given day.
func (m *MRZ) Expired(day time.Time) bool { return m.ExpiryDate.Before(civilDate(day)) }

// FieldError locates one problem in the zone: which field, and the 1-based
// line and column of the offending character (0 when it is the whole line).
type FieldError struct {
	Field  Field
	Line   int
	Column int
	Detail string
	Err    error // a sentinel: ErrMRZCheckDigit, ErrMRZCharacter, ...
}

// Error says where the problem is and what it is, e.g.
// "line 2 column 10 (document number): check digit is 7, the data give 6".
func (e *FieldError) Error() string {
	loc := fmt.Sprintf("line %d", e.Line)
	if e.Column > 0 {
		loc = fmt.Sprintf("line %d column %d", e.Line, e.Column)
	}
	if e.Field == "" {
		return fmt.Sprintf("%s: %s", loc, e.Detail)
	}
	return fmt.Sprintf("%s (%s): %s", loc, e.Field, e.Detail)
}

// Unwrap returns the sentinel.
func (e *FieldError) Unwrap() error { return e.Err }

// MRZErrors is every problem found in one zone, in reading order.
type MRZErrors []*FieldError

// Error joins every problem in reading order.
func (es MRZErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return "MRZ: " + strings.Join(parts, "; ")
}

// Unwrap lets errors.Is and errors.As see each problem.
func (es MRZErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// ParseMRZ reads a TD3 zone as typed or scanned: two lines of 44 (or one run
// of 88), surrounding blank lines and trailing spaces ignored, lowercase read
// as capitals. Two-digit years resolve around today: a birth date is the
// latest one not after today, an expiry date the one within 50 years of it.
//
// When the layout is sound but fields or check digits are wrong, ParseMRZ
// returns the fields it could read together with an MRZErrors naming every
// problem; when the layout itself is wrong it returns nil and the error.
func ParseMRZ(text string, today time.Time) (*MRZ, error) {
	lines, normalised, err := splitLines(text)
	if err != nil {
		return nil, err
	}
	var errs MRZErrors
	for i, l := range lines {
		for j, r := range []rune(l) {
			if r > 127 || !mrzChar(byte(r)) {
				errs = append(errs, &FieldError{Line: i + 1, Column: j + 1, Err: ErrMRZCharacter,
					Detail: fmt.Sprintf("character %q is not A-Z, 0-9 or <", r)})
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if lines[0][0] != 'P' {
		return nil, &FieldError{Field: FieldDocumentCode, Line: 1, Column: 1, Err: ErrMRZDocument,
			Detail: fmt.Sprintf("document code starts with %q, a passport's starts with P", lines[0][0])}
	}
	m := &MRZ{Lines: lines, Normalised: normalised}
	p := &td3Parser{m: m, today: civilDate(today)}
	p.line1(lines[0])
	p.line2(lines[1])
	if len(p.errs) > 0 {
		return m, p.errs
	}
	return m, nil
}

// splitLines normalises the input into two 44-character lines.
func splitLines(text string) ([TD3Lines]string, bool, error) {
	var out [TD3Lines]string
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimRight(l, " \t")
		l = strings.TrimLeft(l, " \t")
		if l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 1 && utf8.RuneCountInString(lines[0]) == TD3Lines*TD3LineLength {
		r := []rune(lines[0])
		lines = []string{string(r[:TD3LineLength]), string(r[TD3LineLength:])}
	}
	if len(lines) != TD3Lines {
		return out, false, fmt.Errorf("%w: got %d non-empty lines", ErrMRZLines, len(lines))
	}
	normalised := false
	for i, l := range lines {
		if up := upperASCII(l); up != l {
			normalised, l = true, up
		}
		if n := utf8.RuneCountInString(l); n != TD3LineLength {
			return out, false, &FieldError{Line: i + 1, Err: ErrMRZLength,
				Detail: fmt.Sprintf("has %d characters, a passport line has %d", n, TD3LineLength)}
		}
		out[i] = l
	}
	return out, normalised, nil
}

// upperASCII maps a-z to A-Z and leaves every other character alone.
func upperASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

func mrzChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '<'
}

// trimFiller removes trailing '<' and reads inner ones as spaces.
func trimFiller(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "<", " "))
}

// Warnings lists what the zone states that the officer should check
// against the document: it is read, but looks wrong.
func (m *MRZ) Warnings() []string {
	var w []string
	if m.Surname == "" && m.GivenNames != "" {
		w = append(w, "only one name, in the given-name position: some states write a single name "+
			"this way; compare it with the data page")
	}
	if m.BirthDateKnown() && !m.ExpiryDate.IsZero() && m.ExpiryDate.Before(m.BirthDate) {
		w = append(w, "the date of expiry ("+m.ExpiryDate.Format(time.DateOnly)+") is before the date of birth ("+
			m.BirthDate.Format(time.DateOnly)+"): compare both with the data page")
	}
	return w
}
