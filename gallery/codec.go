package gallery

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"time"
	"unicode/utf8"

	"veriport/verify"
)

// The bundle's binary encoding. Every integer is little-endian, every string
// is a uint16 length then UTF-8 bytes (at most MaxString), times are Unix
// seconds. The encoding is canonical: one bundle has exactly one encoding,
// because field order is fixed, entries are sorted by traveler id and
// display fields by key, and the decoder refuses anything else.
//
//	magic      8 bytes "VPGAL01\n" or "VPGAL02\n"
//	body       uint64  length of the signed part (magic through last entry)
//	key id     string
//	issued     int64, expires int64
//	carrier, number, date, origin, destination  strings
//	departure  int64
//	entries    uint32 count, then per entry:
//	  traveler string, category uint8, exemption string,
//	  fields uint8 count x (key string, value string),
//	  templates uint8 count x (source uint8, 128 x float32)         VPGAL01
//	  templates uint8 count x (engine uint8, source uint8, 128 x float32) VPGAL02
//	signature  64 bytes Ed25519 over the signed part
//
// VPGAL01 holds dlib templates only; VPGAL02 names each template's engine
// (1 dlib, 2 sface). A bundle is written as VPGAL01 when all its templates
// are dlib's, so such a bundle keeps one encoding and older booths read it.
const (
	magic       = "VPGAL01\n"
	magicV2     = "VPGAL02\n"
	prefixLen   = len(magic) + 8
	sigLen      = 64
	templateLen = 1 + 4*verify.TemplateLen
	// minEntryLen is the smallest encoded entry: used to bound the count
	// against the bytes present before anything is allocated.
	minEntryLen = 2 + 1 + 1 + 2 + 1 + 1 + templateLen
)

// engineCodes are the engine bytes of VPGAL02.
var engineCodes = map[verify.EngineName]uint8{verify.EngineDlib: 1, verify.EngineSFace: 2}

// engineOf reads an engine byte; "" for an unknown one.
func engineOf(code uint8) verify.EngineName {
	for n, c := range engineCodes {
		if c == code {
			return n
		}
	}
	return ""
}

// needsV2 reports whether b holds a template of an engine other than dlib.
func needsV2(b *Bundle) bool {
	for i := range b.Entries {
		for _, t := range b.Entries[i].Templates {
			if t.engine() != verify.EngineDlib {
				return true
			}
		}
	}
	return false
}

// encoder appends to a byte slice.
type encoder struct{ b []byte }

func (e *encoder) u8(v uint8)   { e.b = append(e.b, v) }
func (e *encoder) u16(v uint16) { e.b = binary.LittleEndian.AppendUint16(e.b, v) }
func (e *encoder) u32(v uint32) { e.b = binary.LittleEndian.AppendUint32(e.b, v) }
func (e *encoder) i64(v int64)  { e.b = binary.LittleEndian.AppendUint64(e.b, uint64(v)) }
func (e *encoder) str(s string) { e.u16(uint16(len(s))); e.b = append(e.b, s...) }

// marshal encodes b's signed part after validating it. Entries and fields
// must already be in canonical order (Build sorts them).
func marshal(b *Bundle) ([]byte, error) {
	b.Header.Entries = len(b.Entries)
	if err := b.Header.Validate(); err != nil {
		return nil, err
	}
	for i := range b.Entries {
		if err := b.Entries[i].validate(); err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
		if i > 0 && b.Entries[i-1].Traveler >= b.Entries[i].Traveler {
			return nil, fmt.Errorf("%w: traveler ids not sorted or repeated at entry %d", ErrMalformed, i)
		}
	}
	v2 := needsV2(b)
	size := prefixLen + 256
	for i := range b.Entries {
		size += minEntryLen + len(b.Entries[i].Templates)*(templateLen+1) + 64
	}
	e := encoder{b: make([]byte, 0, size)}
	if v2 {
		e.b = append(e.b, magicV2...)
	} else {
		e.b = append(e.b, magic...)
	}
	e.i64(0) // body length, patched below
	h := &b.Header
	e.str(h.KeyID)
	e.i64(h.IssuedAt.Unix())
	e.i64(h.ExpiresAt.Unix())
	f := h.Flight
	for _, s := range []string{f.Carrier, f.Number, f.Date, f.Origin, f.Destination} {
		e.str(s)
	}
	e.i64(f.Departure.Unix())
	e.u32(uint32(len(b.Entries)))
	for i := range b.Entries {
		en := &b.Entries[i]
		e.str(en.Traveler)
		e.u8(uint8(en.Category))
		e.str(en.Exemption)
		e.u8(uint8(len(en.Display)))
		for _, fl := range en.Display {
			e.str(fl.Key)
			e.str(fl.Value)
		}
		e.u8(uint8(len(en.Templates)))
		for _, t := range en.Templates {
			if v2 {
				e.u8(engineCodes[t.engine()])
			}
			e.u8(uint8(t.Source))
			for _, v := range t.Template {
				e.u32(math.Float32bits(v))
			}
		}
	}
	binary.LittleEndian.PutUint64(e.b[len(magic):], uint64(len(e.b)))
	return e.b, nil
}

// canonicalize sorts entries by traveler id and display fields by key.
func canonicalize(b *Bundle) {
	sort.Slice(b.Entries, func(i, j int) bool { return b.Entries[i].Traveler < b.Entries[j].Traveler })
	for i := range b.Entries {
		d := b.Entries[i].Display
		sort.Slice(d, func(i, j int) bool { return d[i].Key < d[j].Key })
	}
}

// decoder reads from a byte slice; the first error sticks.
type decoder struct {
	b   []byte
	off int
	err error
	v2  bool // VPGAL02: each template starts with its engine byte
}

func (d *decoder) need(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || len(d.b)-d.off < n {
		d.err = fmt.Errorf("%w: needs %d more bytes at offset %d", ErrTruncated, n, d.off)
		return nil
	}
	p := d.b[d.off : d.off+n]
	d.off += n
	return p
}

func (d *decoder) u8() uint8 {
	if p := d.need(1); p != nil {
		return p[0]
	}
	return 0
}

func (d *decoder) u16() uint16 {
	if p := d.need(2); p != nil {
		return binary.LittleEndian.Uint16(p)
	}
	return 0
}

func (d *decoder) u32() uint32 {
	if p := d.need(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (d *decoder) i64() int64 {
	if p := d.need(8); p != nil {
		return int64(binary.LittleEndian.Uint64(p))
	}
	return 0
}

func (d *decoder) time() time.Time { return time.Unix(d.i64(), 0).UTC() }

func (d *decoder) str() string {
	n := int(d.u16())
	if d.err == nil && n > MaxString {
		d.err = fmt.Errorf("%w: string of %d bytes at offset %d", ErrMalformed, n, d.off)
	}
	p := d.need(n)
	if p == nil {
		return ""
	}
	if !utf8.Valid(p) {
		d.err = fmt.Errorf("%w: string at offset %d is not UTF-8", ErrMalformed, d.off-n)
		return ""
	}
	return string(p)
}

// readPrefix checks the magic and returns the signed part's declared length.
func readPrefix(data []byte) (int, error) {
	n := min(len(data), len(magic))
	if string(data[:n]) != magic[:n] && string(data[:n]) != magicV2[:n] {
		return 0, fmt.Errorf("%w: not a gallery bundle (bad magic)", ErrMalformed)
	}
	if len(data) < prefixLen {
		return 0, fmt.Errorf("%w: %d bytes", ErrTruncated, len(data))
	}
	body := binary.LittleEndian.Uint64(data[len(magic):])
	if body < uint64(prefixLen) || body > MaxBundleBytes {
		return 0, fmt.Errorf("%w: declared length %d", ErrMalformed, body)
	}
	return int(body), nil
}

// ReadHeader decodes the header from the start of a bundle; data may be just
// its first few hundred bytes. Nothing is verified: use Open for that.
func ReadHeader(data []byte) (Header, error) {
	if _, err := readPrefix(data); err != nil {
		return Header{}, err
	}
	d := &decoder{b: data, off: prefixLen}
	h := d.header()
	if d.err != nil {
		return Header{}, d.err
	}
	return h, h.Validate()
}

func (d *decoder) header() Header {
	var h Header
	h.KeyID = d.str()
	h.IssuedAt = d.time()
	h.ExpiresAt = d.time()
	f := &h.Flight
	f.Carrier, f.Number, f.Date, f.Origin, f.Destination = d.str(), d.str(), d.str(), d.str(), d.str()
	f.Departure = d.time()
	h.Entries = int(d.u32())
	return h
}

// Decode parses a whole signed bundle (signature included) without checking
// the signature or expiry; Open does both. It never panics on any input.
func Decode(data []byte) (*Bundle, error) {
	body, err := splitSigned(data)
	if err != nil {
		return nil, err
	}
	return decodeBody(data[:body])
}

// splitSigned returns the length of the signed part of a whole bundle.
func splitSigned(data []byte) (int, error) {
	body, err := readPrefix(data)
	if err != nil {
		return 0, err
	}
	switch {
	case len(data) < body+sigLen:
		return 0, fmt.Errorf("%w: %d of %d bytes", ErrTruncated, len(data), body+sigLen)
	case len(data) > body+sigLen:
		return 0, fmt.Errorf("%w: %d bytes after the signature", ErrMalformed, len(data)-body-sigLen)
	}
	return body, nil
}

// decodeBody parses the signed part, which must be consumed exactly.
func decodeBody(body []byte) (*Bundle, error) {
	d := &decoder{b: body, off: prefixLen, v2: string(body[:len(magicV2)]) == magicV2}
	b := &Bundle{Header: d.header()}
	if d.err != nil {
		return nil, d.err
	}
	if err := b.Header.Validate(); err != nil {
		return nil, err
	}
	if rest := len(body) - d.off; b.Header.Entries > rest/minEntryLen {
		return nil, fmt.Errorf("%w: %d entries cannot fit in %d bytes", ErrMalformed, b.Header.Entries, rest)
	}
	b.Entries = make([]Entry, b.Header.Entries)
	for i := range b.Entries {
		if err := d.entry(&b.Entries[i]); err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
		if i > 0 && b.Entries[i-1].Traveler >= b.Entries[i].Traveler {
			return nil, fmt.Errorf("%w: traveler ids not sorted or repeated at entry %d", ErrMalformed, i)
		}
	}
	if d.off != len(body) {
		return nil, fmt.Errorf("%w: %d stray bytes after the last entry", ErrMalformed, len(body)-d.off)
	}
	return b, nil
}

func (d *decoder) entry(e *Entry) error {
	e.Traveler = d.str()
	e.Category = Category(d.u8())
	e.Exemption = d.str()
	if n := int(d.u8()); n > 0 && d.err == nil {
		if n > MaxFields {
			return fmt.Errorf("%w: %d display fields", ErrMalformed, n)
		}
		e.Display = make([]Field, n)
		for i := range e.Display {
			e.Display[i].Key = d.str()
			e.Display[i].Value = d.str()
		}
	}
	n := int(d.u8())
	if d.err != nil {
		return d.err
	}
	if n == 0 || n > MaxTemplates {
		return fmt.Errorf("%w: %d templates", ErrMalformed, n)
	}
	size := templateLen
	if d.v2 {
		size++
	}
	p := d.need(n * size)
	if p == nil {
		return d.err
	}
	e.Templates = make([]Template, n)
	for i := range e.Templates {
		q := p[i*size : (i+1)*size]
		t := &e.Templates[i]
		t.Engine = verify.EngineDlib // VPGAL01 holds dlib's only
		if d.v2 {
			if t.Engine = engineOf(q[0]); t.Engine == "" {
				return fmt.Errorf("%w: template engine %d", ErrMalformed, q[0])
			}
			q = q[1:]
		}
		t.Source = Source(q[0])
		q = q[1:]
		for k := range t.Template {
			bits := binary.LittleEndian.Uint32(q[4*k:])
			if bits&0x7f800000 == 0x7f800000 {
				return fmt.Errorf("%w: template value is not finite", ErrMalformed)
			}
			t.Template[k] = math.Float32frombits(bits)
		}
	}
	return e.validate()
}
