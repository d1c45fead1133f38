package verify

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// ErrBadLine marks a template-file line that cannot be read; the error text
// names the line number.
var ErrBadLine = errors.New("malformed template line")

// maxLine bounds one JSONL line (a template line is about 750 bytes).
const maxLine = 1 << 20

// Enrolled is one line of a template file (JSONL, DESIGN.md): a subject id
// and its template, with the optional source and image it came from.
type Enrolled struct {
	Subject  string
	Template Template
	Source   string
	Image    string
}

// templateLine is the on-disk form of Enrolled.
type templateLine struct {
	Subject  string `json:"subject"`
	Template string `json:"template"`
	Source   string `json:"source,omitempty"`
	Image    string `json:"image,omitempty"`
}

// EncodeTemplate is the template as base64 of 128 little-endian float32.
func EncodeTemplate(t *Template) string {
	var b [TemplateLen * 4]byte
	for i, v := range t {
		binary.LittleEndian.PutUint32(b[i*4:], math.Float32bits(v))
	}
	return base64.StdEncoding.EncodeToString(b[:])
}

// DecodeTemplate parses EncodeTemplate's form: ErrBadTemplate when the
// length is not 128 float32, or a value is NaN or infinite.
func DecodeTemplate(s string) (Template, error) {
	var t Template
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return t, fmt.Errorf("template is not base64: %v", err)
	}
	if len(b) != TemplateLen*4 {
		return t, fmt.Errorf("%w: %d bytes, want %d (128 little-endian float32)", ErrBadTemplate, len(b), TemplateLen*4)
	}
	for i := range t {
		v := math.Float32frombits(binary.LittleEndian.Uint32(b[i*4:]))
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return t, fmt.Errorf("%w: value %d is not a finite number", ErrBadTemplate, i)
		}
		t[i] = v
	}
	return t, nil
}

// WriteTemplate writes e as one JSONL line.
func WriteTemplate(w io.Writer, e Enrolled) error {
	if strings.TrimSpace(e.Subject) == "" {
		return errors.New("write template: empty subject")
	}
	b, err := json.Marshal(templateLine{Subject: e.Subject, Template: EncodeTemplate(&e.Template),
		Source: e.Source, Image: e.Image})
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// ReadTemplates reads a whole template file. Blank lines are skipped; the
// first bad line stops the read with an error naming its line number
// (wrapping ErrBadLine, and ErrBadTemplate for a wrong template length).
func ReadTemplates(r io.Reader) ([]Enrolled, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	var out []Enrolled
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		e, err := parseLine(text)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w: %w", line, ErrBadLine, err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("line %d: %w: longer than %d bytes", line+1, ErrBadLine, maxLine)
		}
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	return out, nil
}

func parseLine(text string) (Enrolled, error) {
	var l templateLine
	dec := json.NewDecoder(strings.NewReader(text))
	if err := dec.Decode(&l); err != nil {
		return Enrolled{}, fmt.Errorf("not a template object: %v", err)
	}
	if dec.More() {
		return Enrolled{}, errors.New("extra data after the JSON object")
	}
	if strings.TrimSpace(l.Subject) == "" {
		return Enrolled{}, errors.New(`missing or empty "subject"`)
	}
	if l.Template == "" {
		return Enrolled{}, errors.New(`missing "template"`)
	}
	t, err := DecodeTemplate(l.Template)
	if err != nil {
		return Enrolled{}, err
	}
	return Enrolled{Subject: l.Subject, Template: t, Source: l.Source, Image: l.Image}, nil
}
