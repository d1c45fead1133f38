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
// and its template, the engine that made it (EngineDlib when the line does
// not say), with the optional source and image it came from.
type Enrolled struct {
	Subject  string
	Template Template
	Engine   EngineName // "" is read and written as EngineDlib
	Source   string
	Image    string
}

// templateLine is the on-disk form of Enrolled. engine_version, when
// present, must be the engine's model version (EngineName.Version).
type templateLine struct {
	Subject  string `json:"subject"`
	Template string `json:"template"`
	Engine   string `json:"engine,omitempty"`
	Version  string `json:"engine_version,omitempty"`
	Source   string `json:"source,omitempty"`
	Image    string `json:"image,omitempty"`
}

// EngineOf is the one engine of es: ErrMixedEngines when two are present,
// EngineDlib for an empty list.
func EngineOf(es []Enrolled) (EngineName, error) {
	name := EngineDlib
	for i, e := range es {
		n := e.Engine
		if n == "" {
			n = EngineDlib
		}
		if i == 0 {
			name = n
		} else if n != name {
			return "", fmt.Errorf("%w: %s and %s", ErrMixedEngines, name, n)
		}
	}
	return name, nil
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
	eng, err := ParseEngine(string(e.Engine))
	if err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	b, err := json.Marshal(templateLine{Subject: e.Subject, Template: EncodeTemplate(&e.Template),
		Engine: string(eng), Version: eng.Version(), Source: e.Source, Image: e.Image})
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// ReadTemplates reads a whole template file. Blank lines are skipped; the
// first bad line stops the read with an error naming its line number
// (wrapping ErrBadLine, and ErrBadTemplate for a wrong template length,
// ErrUnknownEngine for an engine or version this build does not have). A
// file holds templates of one engine: a line of another is refused with
// ErrMixedEngines, naming the line.
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
		if len(out) > 0 && e.Engine != out[0].Engine {
			return nil, fmt.Errorf("line %d: %w: %s after %s templates (one file, one engine)",
				line, ErrMixedEngines, e.Engine, out[0].Engine)
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
	eng, err := ParseEngine(l.Engine)
	if err != nil {
		return Enrolled{}, err
	}
	if l.Version != "" && l.Version != eng.Version() {
		return Enrolled{}, fmt.Errorf("%w: %s templates of model %q, this build has %q", ErrUnknownEngine, eng, l.Version, eng.Version())
	}
	t, err := DecodeTemplate(l.Template)
	if err != nil {
		return Enrolled{}, err
	}
	return Enrolled{Subject: l.Subject, Template: t, Engine: eng, Source: l.Source, Image: l.Image}, nil
}
