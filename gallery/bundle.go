package gallery

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"veriport/verify"
)

// Reasons a bundle is refused; classify with errors.Is.
var (
	ErrSignature   = errors.New("bad signature")
	ErrUnknownKey  = errors.New("signed by an unknown issuer key")
	ErrExpired     = errors.New("expired")
	ErrTruncated   = errors.New("truncated")
	ErrMalformed   = errors.New("malformed")
	ErrWrongFlight = errors.New("bundle is for another flight or date")
)

// Category is a traveler's standing under the biometric exit rules
// (DOMAIN.md): it decides whether the photo may be required.
type Category uint8

// The categories a bundle entry can carry.
const (
	CategoryUSCitizen Category = 1 + iota // may opt out
	CategoryLPR                           // lawful permanent resident
	CategoryInScope                       // in-scope alien: photo may be required
	CategoryExempt                        // exempt alien, with the reason
	// CategoryUnknown is a traveler whose standing the gallery does not
	// know (built without a categories file): retention applies its
	// shortest rule.
	CategoryUnknown
)

var categoryNames = map[Category]string{
	CategoryUSCitizen: "us-citizen",
	CategoryLPR:       "lpr",
	CategoryInScope:   "in-scope",
	CategoryExempt:    "exempt",
	CategoryUnknown:   "unknown",
}

// String is the category's name as written in CSV files and shown to officers.
func (c Category) String() string {
	if n, ok := categoryNames[c]; ok {
		return n
	}
	return fmt.Sprintf("category(%d)", uint8(c))
}

// ParseCategory reads a category name ("us-citizen", "lpr", "in-scope",
// "exempt", "unknown").
func ParseCategory(s string) (Category, error) {
	for c, n := range categoryNames {
		if n == s {
			return c, nil
		}
	}
	return 0, fmt.Errorf("%w: category %q is not us-citizen, lpr, in-scope, exempt or unknown", ErrMalformed, s)
}

// Source is where a template's photo came from.
type Source uint8

// The template sources a bundle can carry.
const (
	SourcePassport   Source = 1 + iota // passport chip or data page photo
	SourceVisa                         // visa application photo
	SourcePriorEntry                   // photo from an earlier encounter
)

var sourceNames = map[Source]string{
	SourcePassport:   "passport",
	SourceVisa:       "visa",
	SourcePriorEntry: "prior-entry",
}

// String is the source's name ("passport", "visa", "prior-entry").
func (s Source) String() string {
	if n, ok := sourceNames[s]; ok {
		return n
	}
	return fmt.Sprintf("source(%d)", uint8(s))
}

// ParseSource reads a source name; the empty string means passport.
func ParseSource(s string) (Source, error) {
	if s == "" {
		return SourcePassport, nil
	}
	for v, n := range sourceNames {
		if n == s {
			return v, nil
		}
	}
	return 0, fmt.Errorf("%w: template source %q is not passport, visa or prior-entry", ErrMalformed, s)
}

// Flight identifies the departure a gallery is staged for.
type Flight struct {
	Carrier     string    // IATA airline designator, e.g. "UA"
	Number      string    // flight number, e.g. "123"
	Date        string    // scheduled departure date, YYYY-MM-DD (local to the origin)
	Origin      string    // IATA airport code
	Destination string    // IATA airport code
	Departure   time.Time // scheduled departure
}

// ID is the flight designator, carrier then number ("UA123").
func (f Flight) ID() string { return f.Carrier + f.Number }

// Key names one flight on one date ("2026-11-25_UA123"); used for cache files.
func (f Flight) Key() string { return f.Date + "_" + f.ID() }

// Template is one face template of a traveler with its provenance and the
// engine that made it ("" is dlib: bundles from before engines had names).
type Template struct {
	Source   Source
	Engine   verify.EngineName
	Template verify.Template
}

// engine is t's engine, dlib when unnamed.
func (t *Template) engine() verify.EngineName {
	if t.Engine == "" {
		return verify.EngineDlib
	}
	return t.Engine
}

// Field is one display field for the officer (e.g. name, seat). Never logged.
type Field struct {
	Key, Value string
}

// Entry is one expected traveler.
type Entry struct {
	Traveler  string   // opaque traveler id from the manifest
	Category  Category // standing under the exit rules
	Exemption string   // reason, for CategoryExempt only
	Display   []Field  // optional, shown to the officer
	Templates []Template
}

// Header is everything about a bundle except its entries.
type Header struct {
	Flight    Flight
	IssuedAt  time.Time
	ExpiresAt time.Time
	KeyID     string // issuer key id (KeyID of the signing key)
	Entries   int    // number of entries that follow
}

// Bundle is a flight gallery: header and entries. Entries are sorted by
// traveler id, which is unique.
type Bundle struct {
	Header
	Entries []Entry
}

// Loader receives a bundle's templates; verify.Index satisfies it.
type Loader interface {
	Add(subject string, t *verify.Template)
}

// Load adds every template of b made by engine to l, the traveler id as
// subject: one index never holds two engines' templates. It returns the
// number of templates added.
func Load(b *Bundle, engine verify.EngineName, l Loader) int {
	n := 0
	for traveler, t := range b.Templates(engine) {
		l.Add(traveler, t)
		n++
	}
	return n
}

// Engines are the engines b has a template of for every traveler, best
// first (verify.Engines): the engines a booth can decide the flight with.
func (b *Bundle) Engines() []verify.EngineName {
	var out []verify.EngineName
	for _, n := range verify.Engines {
		all := len(b.Entries) > 0
		for i := range b.Entries {
			if !b.Entries[i].has(n) {
				all = false
				break
			}
		}
		if all {
			out = append(out, n)
		}
	}
	return out
}

// ErrNoEngine means a gallery has no templates of the engine asked for (for
// every traveler), or none any engine can decide every traveler with.
var ErrNoEngine = errors.New("gallery has no templates of that face engine for every traveler")

// PickEngine is the engine a booth decides b with: want when b has its
// templates for every traveler, the best engine b has when want is "".
func (b *Bundle) PickEngine(want verify.EngineName) (verify.EngineName, error) {
	have := b.Engines()
	if want == "" {
		if len(have) == 0 {
			return "", fmt.Errorf("%w (flight %s)", ErrNoEngine, b.Flight.ID())
		}
		return have[0], nil
	}
	for _, n := range have {
		if n == want {
			return n, nil
		}
	}
	return "", fmt.Errorf("%w: %s wanted, flight %s has %v", ErrNoEngine, want, b.Flight.ID(), have)
}

// has reports whether e has a template made by engine n.
func (e *Entry) has(n verify.EngineName) bool {
	for j := range e.Templates {
		if e.Templates[j].engine() == n {
			return true
		}
	}
	return false
}

// Limits on what a bundle may hold; the decoder refuses anything beyond them.
const (
	MaxEntries       = 2_000_000
	MaxTemplates     = 16 // per entry
	MaxFields        = 16 // display fields per entry
	MaxString        = 256
	MaxBundleBytes   = 1 << 31
	maxTravelerBytes = 64
)

var (
	reCarrier = regexp.MustCompile(`^[A-Z0-9]{2}$`)
	reNumber  = regexp.MustCompile(`^[0-9]{1,4}[A-Z]?$`)
	reIATA    = regexp.MustCompile(`^[A-Z]{3}$`)
	reField   = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)
	reFlight  = regexp.MustCompile(`^([A-Z0-9]{2})([0-9]{1,4}[A-Z]?)$`)
)

// ParseFlight splits a designator such as "UA123" into carrier and number.
func ParseFlight(s string) (carrier, number string, err error) {
	m := reFlight.FindStringSubmatch(s)
	if m == nil {
		return "", "", fmt.Errorf("flight %q is not a carrier and number such as UA123", s)
	}
	return m[1], m[2], nil
}

// ValidDate reports whether s is a YYYY-MM-DD date.
func ValidDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && len(s) == 10
}

// Validate checks the header's fields.
func (h *Header) Validate() error {
	f := h.Flight
	switch {
	case !reCarrier.MatchString(f.Carrier):
		return fmt.Errorf("%w: carrier %q", ErrMalformed, f.Carrier)
	case !reNumber.MatchString(f.Number):
		return fmt.Errorf("%w: flight number %q", ErrMalformed, f.Number)
	case !ValidDate(f.Date):
		return fmt.Errorf("%w: date %q", ErrMalformed, f.Date)
	case !reIATA.MatchString(f.Origin) || !reIATA.MatchString(f.Destination):
		return fmt.Errorf("%w: airports %q-%q", ErrMalformed, f.Origin, f.Destination)
	case !h.ExpiresAt.After(h.IssuedAt):
		return fmt.Errorf("%w: expires-at is not after issued-at", ErrMalformed)
	case h.KeyID == "" || len(h.KeyID) > MaxString:
		return fmt.Errorf("%w: key id", ErrMalformed)
	case h.Entries < 0 || h.Entries > MaxEntries:
		return fmt.Errorf("%w: %d entries", ErrMalformed, h.Entries)
	}
	return nil
}

// validate checks one entry's fields.
func (e *Entry) validate() error {
	switch {
	case e.Traveler == "" || len(e.Traveler) > maxTravelerBytes:
		return fmt.Errorf("%w: traveler id length %d", ErrMalformed, len(e.Traveler))
	case categoryNames[e.Category] == "":
		return fmt.Errorf("%w: category %d", ErrMalformed, e.Category)
	case (e.Category == CategoryExempt) != (e.Exemption != ""):
		return fmt.Errorf("%w: an exemption reason goes with, and only with, category exempt", ErrMalformed)
	case len(e.Exemption) > MaxString:
		return fmt.Errorf("%w: exemption reason too long", ErrMalformed)
	case len(e.Templates) == 0 || len(e.Templates) > MaxTemplates:
		return fmt.Errorf("%w: %d templates (1..%d)", ErrMalformed, len(e.Templates), MaxTemplates)
	case len(e.Display) > MaxFields:
		return fmt.Errorf("%w: %d display fields (at most %d)", ErrMalformed, len(e.Display), MaxFields)
	}
	for i, f := range e.Display {
		if !reField.MatchString(f.Key) || len(f.Value) > MaxString {
			return fmt.Errorf("%w: display field %d", ErrMalformed, i)
		}
		if i > 0 && e.Display[i-1].Key >= f.Key {
			return fmt.Errorf("%w: display fields not sorted or repeated", ErrMalformed)
		}
	}
	for _, t := range e.Templates {
		if sourceNames[t.Source] == "" {
			return fmt.Errorf("%w: template source %d", ErrMalformed, t.Source)
		}
		if _, ok := engineCodes[t.engine()]; !ok {
			return fmt.Errorf("%w: template engine %q", ErrMalformed, t.Engine)
		}
	}
	return nil
}

// Field returns the display field named key, or "".
func (e *Entry) Field(key string) string {
	for _, f := range e.Display {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}
