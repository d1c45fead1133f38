package gallery

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"veriport/verify"
)

// Enrolled is one line of a template file (DESIGN.md's JSONL contract),
// read and written by verify.ReadTemplates and verify.WriteTemplate.
type Enrolled = verify.Enrolled

// Standing is a traveler's category row from a categories CSV.
type Standing struct {
	Category  Category
	Exemption string
	Display   []Field
}

// ReadStandings reads a categories CSV. The header row names the columns:
// "subject" and "category" are required, "reason" holds the exemption
// reason, and every other column becomes a display field of that name.
func ReadStandings(r io.Reader) (map[string]Standing, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("categories: header row: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	si, ok1 := col["subject"]
	ci, ok2 := col["category"]
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("categories: %w: header needs subject and category columns", ErrMalformed)
	}
	out := map[string]Standing{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("categories line %d: %w", line, err)
		}
		cat, err := ParseCategory(strings.TrimSpace(rec[ci]))
		if err != nil {
			return nil, fmt.Errorf("categories line %d: %w", line, err)
		}
		s := Standing{Category: cat}
		for name, i := range col {
			v := strings.TrimSpace(rec[i])
			switch {
			case name == "subject" || name == "category" || v == "":
			case name == "reason":
				s.Exemption = v
			default:
				s.Display = append(s.Display, Field{Key: name, Value: v})
			}
		}
		if _, dup := out[rec[si]]; dup {
			return nil, fmt.Errorf("categories line %d: subject repeated", line)
		}
		out[rec[si]] = s
	}
}

// Build assembles the entries of a bundle from templates, grouped by
// subject, and their standings. Without standings every traveler's
// category is unknown (retention's shortest rule; the caller warns); with
// standings, a subject missing from them is an error.
func Build(h Header, templates []Enrolled, standings map[string]Standing) (*Bundle, error) {
	b := &Bundle{Header: h}
	idx := map[string]int{}
	for i, t := range templates {
		src, err := ParseSource(t.Source)
		if err != nil {
			return nil, fmt.Errorf("template %d: %w", i+1, err)
		}
		j, ok := idx[t.Subject]
		if !ok {
			s := Standing{Category: CategoryUnknown}
			if standings != nil {
				if s, ok = standings[t.Subject]; !ok {
					return nil, fmt.Errorf("%w: template %d: subject has no row in the categories file", ErrMalformed, i+1)
				}
			}
			j = len(b.Entries)
			idx[t.Subject] = j
			b.Entries = append(b.Entries, Entry{Traveler: t.Subject, Category: s.Category,
				Exemption: s.Exemption, Display: s.Display})
		}
		eng := t.Engine
		if eng == "" {
			eng = verify.EngineDlib
		}
		b.Entries[j].Templates = append(b.Entries[j].Templates, Template{Source: src, Engine: eng, Template: t.Template})
	}
	canonicalize(b)
	b.Header.Entries = len(b.Entries)
	for i := range b.Entries {
		if err := b.Entries[i].validate(); err != nil {
			return nil, fmt.Errorf("traveler %d: %w", i+1, err)
		}
	}
	hv := b.Header
	if hv.KeyID == "" {
		hv.KeyID = "unsigned" // Sign stamps the real key id
	}
	return b, hv.Validate()
}
