package encounter

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The ICAO 9303 Part 4 (Appendix A) specimen passport zone, with its
// published check digits: 6 (number), 2 (birth), 9 (expiry), 1 (personal
// number), 0 (composite).
const (
	specimen1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
	specimen2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
)

var today = time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// line2 composes a TD3 second line with correct check digits.
func line2(number, nat, birth, sex, expiry, personal string) string {
	pad := func(s string, n int) string { return s + strings.Repeat("<", n-len(s)) }
	number, personal = pad(number, 9), pad(personal, 14)
	l := fmt.Sprintf("%s%d%s%s%d%s%s%d%s%d", number, CheckDigit(number), pad(nat, 3),
		birth, CheckDigit(birth), sex, expiry, CheckDigit(expiry), personal, CheckDigit(personal))
	return l + fmt.Sprint(CheckDigit(l[0:10]+l[13:20]+l[21:43]))
}

// setAt replaces the character at 1-based column col, then (if recompose)
// recomputes the composite digit so that only the targeted digit is wrong.
func setAt(l string, col int, c byte, recompose bool) string {
	b := []byte(l)
	b[col-1] = c
	l = string(b)
	if recompose {
		l = l[:43] + fmt.Sprint(CheckDigit(l[0:10]+l[13:20]+l[21:43]))
	}
	return l
}

func TestMRZSpecimen(t *testing.T) {
	if got := line2("L898902C3", "UTO", "740812", "F", "120415", "ZE184226B"); got != specimen2 {
		t.Fatalf("line2 helper disagrees with the ICAO specimen:\n%s\n%s", got, specimen2)
	}
	m, err := ParseMRZ(specimen1+"\n"+specimen2, today)
	if err != nil {
		t.Fatal(err)
	}
	want := MRZ{
		Lines:        [2]string{specimen1, specimen2},
		DocumentCode: "P", IssuingState: "UTO", Surname: "ERIKSSON", GivenNames: "ANNA MARIA",
		DocumentNumber: "L898902C3", Nationality: "UTO", BirthDate: day(1974, 8, 12), Sex: "F",
		ExpiryDate: day(2012, 4, 15), PersonalNumber: "ZE184226B",
	}
	if *m != want {
		t.Errorf("parsed\n%+v\nwant\n%+v", *m, want)
	}
	if !m.Expired(today) || m.Expired(day(2012, 4, 15)) || !m.BirthDateKnown() {
		t.Error("expiry or birth-date helpers wrong")
	}
}

func TestMRZTolerantInput(t *testing.T) {
	cases := map[string]string{
		"crlf and trailing spaces": "\r\n  " + specimen1 + "   \r\n" + specimen2 + " \t\r\n\r\n",
		"one run of 88":            specimen1 + specimen2,
		"blank lines between":      specimen1 + "\n\n\n" + specimen2 + "\n",
		"lowercase":                strings.ToLower(specimen1) + "\n" + specimen2,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			m, err := ParseMRZ(in, today)
			if err != nil {
				t.Fatal(err)
			}
			if m.Surname != "ERIKSSON" || m.DocumentNumber != "L898902C3" {
				t.Errorf("fields not read: %+v", m)
			}
			if m.Normalised != (name == "lowercase") {
				t.Errorf("Normalised = %v", m.Normalised)
			}
		})
	}
}

func TestMRZWrongCheckDigitFlagged(t *testing.T) {
	cases := []struct {
		name      string
		l2        string
		field     Field
		col       int
		alsoFails Field // the composite, when the changed character is inside it
	}{
		{"document number", setAt(specimen2, 10, '7', true), FieldDocumentNumber, 10, ""},
		{"birth date", setAt(specimen2, 20, '3', true), FieldBirthDate, 20, ""},
		{"expiry date", setAt(specimen2, 28, '1', true), FieldExpiryDate, 28, ""},
		{"personal number", setAt(specimen2, 43, '5', true), FieldPersonalNumber, 43, ""},
		{"composite", setAt(specimen2, 44, '9', false), FieldComposite, 44, ""},
		{"typo in number", setAt(specimen2, 3, '7', false), FieldDocumentNumber, 10, FieldComposite},
		{"letter O for zero", setAt(specimen2, 20, 'O', true), FieldBirthDate, 20, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := ParseMRZ(specimen1+"\n"+c.l2, today)
			if !errors.Is(err, ErrMRZCheckDigit) {
				t.Fatalf("error %v does not flag a check digit", err)
			}
			if m == nil || m.Surname != "ERIKSSON" {
				t.Error("the fields that were read are lost")
			}
			var es MRZErrors
			if !errors.As(err, &es) {
				t.Fatalf("error %T is not MRZErrors", err)
			}
			want := 1
			if c.alsoFails != "" {
				want = 2
			}
			if len(es) != want {
				t.Fatalf("%d problems, want %d: %v", len(es), want, err)
			}
			if e := es[0]; e.Field != c.field || e.Line != 2 || e.Column != c.col {
				t.Errorf("flagged %s at line %d column %d, want %s at line 2 column %d",
					e.Field, e.Line, e.Column, c.field, c.col)
			}
			if c.alsoFails != "" && es[1].Field != c.alsoFails {
				t.Errorf("second problem %s, want %s", es[1].Field, c.alsoFails)
			}
			if msg := err.Error(); !strings.Contains(msg, fmt.Sprintf("line 2 column %d (%s)", c.col, c.field)) {
				t.Errorf("message %q does not name the position and field", msg)
			}
			if msg := err.Error(); strings.Contains(msg, "ERIKSSON") || strings.Contains(msg, "L898902C") {
				t.Errorf("message %q carries the name or document number", msg)
			}
		})
	}
}

func TestMRZMalformed(t *testing.T) {
	cases := []struct {
		name     string
		in       string
		sentinel error
		line     int
		col      int
		contains string
	}{
		{"short line 1", specimen1[:43] + "\n" + specimen2, ErrMRZLength, 1, 0, "line 1: has 43 characters"},
		{"long line 2", specimen1 + "\n" + specimen2 + "<", ErrMRZLength, 2, 0, "line 2: has 45 characters"},
		{"one line", specimen1, ErrMRZLines, 0, 0, "got 1 non-empty lines"},
		{"three lines", specimen1 + "\n" + specimen2 + "\n" + specimen2, ErrMRZLines, 0, 0, "got 3"},
		{"empty", " \n\n", ErrMRZLines, 0, 0, "got 0"},
		{"bad character", specimen1 + "\n" + setAt(specimen2, 5, '#', false), ErrMRZCharacter, 2, 5, "'#'"},
		{"space inside", setAt(specimen1, 12, ' ', false) + "\n" + specimen2, ErrMRZCharacter, 1, 12, "' '"},
		{"accented letter", strings.Replace(specimen1, "ANNA<", "ANNÉ<", 1) + "\n" + specimen2, ErrMRZCharacter, 1, 19, "'É'"},
		{"identity card", "I" + specimen1[1:] + "\n" + specimen2, ErrMRZDocument, 1, 1, "passport"},
		{"month 13", specimen1 + "\n" + line2("L898902C3", "UTO", "741312", "F", "320415", ""), ErrMRZField, 2, 14, "date of birth"},
		{"31 April", specimen1 + "\n" + line2("L898902C3", "UTO", "740812", "F", "320431", ""), ErrMRZField, 2, 22, "date of expiry"},
		{"bad sex", specimen1 + "\n" + line2("L898902C3", "UTO", "740812", "Q", "320415", ""), ErrMRZField, 2, 21, "sex"},
		{"digit in state", specimen1 + "\n" + line2("L898902C3", "U1O", "740812", "F", "320415", ""), ErrMRZField, 2, 11, "nationality"},
		{"no number", specimen1 + "\n" + line2("", "UTO", "740812", "F", "320415", ""), ErrMRZField, 2, 1, "document number"},
		{"digit in name", strings.Replace(specimen1, "ANNA", "ANN4", 1) + "\n" + specimen2, ErrMRZField, 1, 19, "name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseMRZ(c.in, today)
			if !errors.Is(err, c.sentinel) {
				t.Fatalf("error %v, want %v", err, c.sentinel)
			}
			if !strings.Contains(err.Error(), c.contains) {
				t.Errorf("message %q lacks %q", err, c.contains)
			}
			var fe *FieldError
			if c.line > 0 {
				if !errors.As(err, &fe) || fe.Line != c.line || fe.Column != c.col {
					t.Errorf("position %+v, want line %d column %d", fe, c.line, c.col)
				}
			}
		})
	}
}

func TestMRZFieldsAndYears(t *testing.T) {
	german := "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<"
	cases := []struct {
		name           string
		l1, l2         string
		birth, expiry  time.Time
		sex, personal  string
		issuer, nation string
	}{
		{"born yesterday a century ago is not tomorrow", german,
			line2("C01X00T47", "D", "261126", "<", "361124", ""),
			day(1926, 11, 26), day(2036, 11, 24), "", "", "D", "D"},
		{"born today", german, line2("C01X00T47", "D", "261125", "M", "361124", ""),
			day(2026, 11, 25), day(2036, 11, 24), "M", "", "D", "D"},
		{"born last year", german, line2("C01X00T47", "D", "251224", "M", "351223", "12345678"),
			day(2025, 12, 24), day(2035, 12, 23), "M", "12345678", "D", "D"},
		{"expired long ago", german, line2("C01X00T47", "D", "500101", "F", "770101", ""),
			day(1950, 1, 1), day(1977, 1, 1), "F", "", "D", "D"},
		{"expiry 50 years ahead", german, line2("C01X00T47", "D", "500101", "F", "761231", ""),
			day(1950, 1, 1), day(2076, 12, 31), "F", "", "D", "D"},
		{"leap-day birth", german, line2("C01X00T47", "D", "000229", "F", "300101", ""),
			day(2000, 2, 29), day(2030, 1, 1), "F", "", "D", "D"},
		{"unknown birth date", german, line2("C01X00T47", "D", "<<<<<<", "F", "300101", ""),
			time.Time{}, day(2030, 1, 1), "F", "", "D", "D"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := ParseMRZ(c.l1+"\n"+c.l2, today)
			if err != nil {
				t.Fatal(err)
			}
			if !m.BirthDate.Equal(c.birth) || !m.ExpiryDate.Equal(c.expiry) {
				t.Errorf("dates %v %v, want %v %v", m.BirthDate, m.ExpiryDate, c.birth, c.expiry)
			}
			if m.Sex != c.sex || m.PersonalNumber != c.personal || m.IssuingState != c.issuer || m.Nationality != c.nation {
				t.Errorf("fields %+v", m)
			}
			if m.Surname != "MUSTERMANN" || m.GivenNames != "ERIKA" || m.NameTruncated {
				t.Errorf("name %q %q truncated=%v", m.Surname, m.GivenNames, m.NameTruncated)
			}
		})
	}
}

func TestMRZPersonalNumberFillerCheck(t *testing.T) {
	for _, c := range []byte{'<', '0'} {
		l2 := setAt(line2("L898902C3", "UTO", "740812", "F", "320415", ""), 43, c, true)
		if _, err := ParseMRZ(specimen1+"\n"+l2, today); err != nil {
			t.Errorf("empty personal number with check %q refused: %v", c, err)
		}
	}
	l2 := setAt(line2("L898902C3", "UTO", "740812", "F", "320415", "AB1"), 43, '<', true)
	if _, err := ParseMRZ(specimen1+"\n"+l2, today); !errors.Is(err, ErrMRZCheckDigit) {
		t.Errorf("filler check digit for a present personal number accepted: %v", err)
	}
}

func TestMRZTruncatedName(t *testing.T) {
	long := "P<UTOVANDERSTEENHOVENMARTINEZ<<ALEXANDRAMARI"
	m, err := ParseMRZ(long+"\n"+specimen2, today)
	if err != nil {
		t.Fatal(err)
	}
	if !m.NameTruncated || m.GivenNames != "ALEXANDRAMARI" {
		t.Errorf("truncation not reported: %+v", m)
	}
}

func TestCheckDigit(t *testing.T) {
	for s, want := range map[string]int{
		"L898902C3": 6, "740812": 2, "120415": 9, "ZE184226B<<<<<": 1,
		"L898902C3674081221204159ZE184226B<<<<<1": 0, "<<<<<<": 0, "": 0, "520727": 3,
	} {
		if got := CheckDigit(s); got != want {
			t.Errorf("CheckDigit(%q) = %d, want %d", s, got, want)
		}
	}
}

func FuzzParseMRZ(f *testing.F) {
	f.Add(specimen1 + "\n" + specimen2)
	f.Add(specimen1 + specimen2)
	f.Add(strings.ToLower(specimen1) + "\r\n" + specimen2 + "  \n")
	f.Add(specimen1 + "\n" + setAt(specimen2, 44, '1', false))
	f.Add(specimen1 + "\n" + line2("C01X00T47", "D", "<<<<<<", "<", "000229", ""))
	f.Add("P<" + strings.Repeat("<", 42) + "\n" + strings.Repeat("<", 44))
	f.Add(strings.Repeat("é", 44) + "\n" + specimen2)
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		m, err := ParseMRZ(in, today)
		if err == nil {
			if m == nil {
				t.Fatal("nil MRZ without an error")
			}
			l := m.Lines[1]
			if len(m.Lines[0]) != 44 || len(l) != 44 || int(l[43]-'0') != CheckDigit(l[0:10]+l[13:20]+l[21:43]) {
				t.Fatalf("accepted a zone whose composite does not check: %q", m.Lines)
			}
			if m.BirthDate.After(civilDate(today)) {
				t.Fatalf("birth date %v after the reference day", m.BirthDate)
			}
			return
		}
		sentinels := []error{ErrMRZLines, ErrMRZLength, ErrMRZCharacter, ErrMRZDocument, ErrMRZField, ErrMRZCheckDigit}
		known := false
		for _, s := range sentinels {
			known = known || errors.Is(err, s)
		}
		if !known {
			t.Fatalf("error %v wraps no sentinel", err)
		}
		var fe *FieldError
		if errors.As(err, &fe) && (fe.Line < 1 || fe.Line > 2 || fe.Column < 0 || fe.Column > 44) {
			t.Fatalf("position out of the zone: %+v", fe)
		}
	})
}
