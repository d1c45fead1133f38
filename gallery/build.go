package gallery

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"veriport/verify"
)

// Enrolled is one line of a template file (DESIGN.md's JSONL contract).
// It mirrors verify.Enrolled until verify.ReadTemplates lands on main.
type Enrolled struct {
	Subject  string
	Template verify.Template
	Source   string
	Image    string
}

// Standing is a traveler's category row from a categories CSV.
type Standing struct {
	Category  Category
	Exemption string
	Display   []Field
}

// ReadTemplates reads a JSONL template file: one object a line with
// "subject" and "template" (base64 of 128 little-endian float32), optional
// "source" and "image". Blank lines are skipped.
// TODO(lead): switch to verify.ReadTemplates once it is on main.
func ReadTemplates(r io.Reader) ([]Enrolled, error) {
	var out []Enrolled
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var rec struct {
			Subject  string `json:"subject"`
			Template string `json:"template"`
			Source   string `json:"source"`
			Image    string `json:"image"`
		}
		if err := json.Unmarshal([]byte(text), &rec); err != nil {
			return nil, fmt.Errorf("template file line %d: %w: %v", line, ErrMalformed, err)
		}
		raw, err := base64.StdEncoding.DecodeString(rec.Template)
		if err != nil || len(raw) != 4*verify.TemplateLen || rec.Subject == "" {
			return nil, fmt.Errorf("template file line %d: %w: needs a subject and a 512-byte base64 template", line, ErrMalformed)
		}
		e := Enrolled{Subject: rec.Subject, Source: rec.Source, Image: rec.Image}
		for k := range e.Template {
			e.Template[k] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*k:]))
			if f := float64(e.Template[k]); math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("template file line %d: %w: template value is not finite", line, ErrMalformed)
			}
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read template file: %w", err)
	}
	return out, nil
}

// WriteTemplate writes one JSONL line of a template file.
// TODO(lead): switch to verify.WriteTemplate once it is on main.
func WriteTemplate(w io.Writer, e Enrolled) error {
	raw := make([]byte, 4*verify.TemplateLen)
	for k, v := range e.Template {
		binary.LittleEndian.PutUint32(raw[4*k:], math.Float32bits(v))
	}
	rec := map[string]string{"subject": e.Subject, "template": base64.StdEncoding.EncodeToString(raw)}
	if e.Source != "" {
		rec["source"] = e.Source
	}
	if e.Image != "" {
		rec["image"] = e.Image
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
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
// subject, and their standings. Without standings every traveler is
// in-scope; with standings, a subject missing from them is an error.
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
			s := Standing{Category: CategoryInScope}
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
		b.Entries[j].Templates = append(b.Entries[j].Templates, Template{Source: src, Template: t.Template})
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
