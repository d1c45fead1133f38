package encounter

import (
	"fmt"
	"strings"
	"time"
)

// td3Parser reads the fields of two validated 44-character ASCII lines and
// collects every problem rather than stopping at the first.
type td3Parser struct {
	m     *MRZ
	today time.Time
	errs  MRZErrors
}

func (p *td3Parser) fail(f Field, line, col int, err error, format string, a ...any) {
	p.errs = append(p.errs, &FieldError{Field: f, Line: line, Column: col, Err: err,
		Detail: fmt.Sprintf(format, a...)})
}

// line1: P, type, issuing state (3-5), names (6-44).
func (p *td3Parser) line1(l string) {
	p.m.DocumentCode = strings.TrimRight(l[0:2], "<")
	if c := l[1]; c >= '0' && c <= '9' {
		p.fail(FieldDocumentCode, 1, 2, ErrMRZField, "document type %q is not a letter or <", c)
	}
	p.m.IssuingState = p.state(FieldIssuingState, 1, 3, l[2:5])
	names := l[5:44]
	p.m.NameTruncated = names[len(names)-1] != '<'
	surname, given, _ := strings.Cut(names, "<<")
	p.m.Surname = trimFiller(surname)
	p.m.GivenNames = trimFiller(given)
	if p.m.Surname == "" && p.m.GivenNames == "" {
		p.fail(FieldName, 1, 6, ErrMRZField, "the name is empty")
	}
	for i := 0; i < len(names); i++ {
		if c := names[i]; c >= '0' && c <= '9' {
			p.fail(FieldName, 1, 6+i, ErrMRZField, "digit %q in the name", c)
		}
	}
}

// line2: number (1-9) + check (10), nationality (11-13), birth (14-19) +
// check (20), sex (21), expiry (22-27) + check (28), personal number
// (29-42) + check (43), composite check (44).
func (p *td3Parser) line2(l string) {
	p.checked(FieldDocumentNumber, l, 1, 9, false)
	p.m.DocumentNumber = trimFiller(l[0:9])
	if p.m.DocumentNumber == "" {
		p.fail(FieldDocumentNumber, 2, 1, ErrMRZField, "the document number is empty")
	}
	p.m.Nationality = p.state(FieldNationality, 2, 11, l[10:13])
	// A date with letters gets a format error only: a check digit computed
	// from letters would point the officer at the wrong character.
	datesRead := true
	if l[13:19] != "<<<<<<" {
		var ok bool
		p.m.BirthDate, ok = p.date(FieldBirthDate, 14, l[13:19], p.birthYear)
		datesRead = datesRead && ok
	}
	if datesRead {
		p.checked(FieldBirthDate, l, 14, 6, false)
	}
	switch c := l[20]; c {
	case 'M', 'F':
		p.m.Sex = string(c)
	case '<':
	case 'X':
		p.fail(FieldSex, 2, 21, ErrMRZField,
			"sex 'X' is not allowed in the zone (ICAO 9303: F, M or <; an X on the data page is written < here)")
	default:
		p.fail(FieldSex, 2, 21, ErrMRZField, "sex %q is not F, M or <", c)
	}
	var ok bool
	p.m.ExpiryDate, ok = p.date(FieldExpiryDate, 22, l[21:27], p.expiryYear)
	if ok {
		p.checked(FieldExpiryDate, l, 22, 6, false)
	}
	datesRead = datesRead && ok
	p.checked(FieldPersonalNumber, l, 29, 14, true)
	p.m.PersonalNumber = trimFiller(l[28:42])
	if datesRead {
		composite := l[0:10] + l[13:20] + l[21:43]
		p.digit(FieldComposite, 44, l[43], CheckDigit(composite), false)
	}
}

// checked validates the check digit that follows the n characters starting
// at 1-based column col of line 2.
func (p *td3Parser) checked(f Field, l string, col, n int, fillerOK bool) {
	data := l[col-1 : col-1+n]
	p.digit(f, col+n, l[col-1+n], CheckDigit(data), fillerOK && strings.Trim(data, "<") == "")
}

// digit compares the check character at 1-based column col of line 2 with
// the computed digit; an all-filler personal number may carry '<' for 0.
func (p *td3Parser) digit(f Field, col int, got byte, want int, fillerOK bool) {
	switch {
	case got == '<' && fillerOK && want == 0:
		return
	case got < '0' || got > '9':
		p.fail(f, 2, col, ErrMRZCheckDigit, "check character %q is not a digit (expected %d)", got, want)
	case int(got-'0') != want:
		p.fail(f, 2, col, ErrMRZCheckDigit, "check digit is %c, the data give %d", got, want)
	}
}

// state reads a three-letter state code, allowing trailing fillers ("D<<").
func (p *td3Parser) state(f Field, line, col int, s string) string {
	code := strings.TrimRight(s, "<")
	if code == "" || strings.ContainsAny(code, "<0123456789") {
		p.fail(f, line, col, ErrMRZField, "%q is not a three-letter state code", s)
	}
	return code
}

// date reads YYMMDD at 1-based column col of line 2; ok is false when the
// field is not six digits (its check digit is then not worth computing).
func (p *td3Parser) date(f Field, col int, s string, year func(yy, mm, dd int) int) (d time.Time, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			p.fail(f, 2, col+i, ErrMRZField, "date %q must be six digits YYMMDD: %q at column %d is not a digit",
				s, s[i], col+i)
			return time.Time{}, false
		}
	}
	yy, mm, dd := atoi2(s[0:2]), atoi2(s[2:4]), atoi2(s[4:6])
	d, err := makeDate(year(yy, mm, dd), mm, dd)
	if err != nil {
		p.fail(f, 2, col, ErrMRZField, "date %q: %v", s, err)
		return time.Time{}, true
	}
	return d, true
}

// birthYear picks the latest century that does not put the birth after today.
func (p *td3Parser) birthYear(yy, mm, dd int) int {
	base := p.today.Year() / 100 * 100
	y := base + yy
	if d, err := makeDate(y, mm, dd); err == nil && d.After(p.today) {
		y -= 100
	}
	return y
}

// expiryYear picks the century that puts the expiry within 50 years of today.
func (p *td3Parser) expiryYear(yy, _, _ int) int {
	base := p.today.Year() / 100 * 100
	y := base + yy
	switch {
	case y > p.today.Year()+50:
		y -= 100
	case y <= p.today.Year()-50:
		y += 100
	}
	return y
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

// makeDate builds a civil date and refuses ones the calendar lacks (31 April).
func makeDate(y, m, d int) (time.Time, error) {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || d < 1 || t.Day() != d {
		return time.Time{}, errMRZInvalidDate
	}
	return t, nil
}

// civilDate is the calendar day of t, in t's own location, at midnight UTC.
func civilDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// CheckDigit is ICAO 9303's check digit of s: digits count as themselves,
// A-Z as 10-35, '<' (and anything else) as 0, weighted 7, 3, 1 repeating,
// summed modulo 10.
func CheckDigit(s string) int {
	weights := [3]int{7, 3, 1}
	sum := 0
	for i := 0; i < len(s); i++ {
		v := 0
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		}
		sum += v * weights[i%3]
	}
	return sum % 10
}
