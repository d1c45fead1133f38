package gallery

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"veriport/verify"
)

// withSFace gives every entry of b one sface template besides its dlib ones
// (a template unlike any dlib one, so a mix-up shows in the index).
func withSFace(b *Bundle) {
	for i := range b.Entries {
		var t verify.Template
		t[i%verify.TemplateLen] = 1
		b.Entries[i].Templates = append(b.Entries[i].Templates,
			Template{Source: SourcePassport, Engine: verify.EngineSFace, Template: t})
	}
}

// TestBundleCarriesTemplatesPerEngine: a bundle with dlib and sface
// templates is written as VPGAL02, reads back byte for byte, and loads one
// engine's templates into an index, never both; the booth's pick is sface
// when every traveler has it, the one asked for otherwise.
func TestBundleCarriesTemplatesPerEngine(t *testing.T) {
	key := newKey(t)
	_, b := testBundle(t, key, 6)
	dlibCount := 0
	for _, e := range b.Entries {
		dlibCount += len(e.Templates)
	}
	withSFace(b)
	data, err := Sign(b, key)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte(magicV2)) {
		t.Fatalf("a bundle with sface templates starts %q, want %q", data[:8], magicV2)
	}
	got, err := Open(data, ringOf(key), t0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Entries, b.Entries) {
		t.Fatal("decoded entries differ from the signed ones")
	}
	if again, _ := Sign(got, key); !bytes.Equal(again, data) {
		t.Fatal("re-encoding a VPGAL02 bundle changed its bytes")
	}
	var dl, sf sliceIndex
	if n := Load(got, verify.EngineDlib, &dl); n != dlibCount {
		t.Errorf("dlib load added %d templates, want %d", n, dlibCount)
	}
	if n := Load(got, verify.EngineSFace, &sf); n != len(b.Entries) {
		t.Errorf("sface load added %d templates, want %d", n, len(b.Entries))
	}
	for _, tpl := range dl.templates {
		for _, s := range sf.templates {
			if tpl == s {
				t.Fatal("an sface template was loaded into the dlib index")
			}
		}
	}
	if e := got.Engines(); !reflect.DeepEqual(e, []verify.EngineName{verify.EngineSFace, verify.EngineDlib}) {
		t.Errorf("Engines() = %v, want [sface dlib]", e)
	}
	if n, err := got.PickEngine(""); err != nil || n != verify.EngineSFace {
		t.Errorf("default pick %q, %v: want sface", n, err)
	}
	if n, err := got.PickEngine(verify.EngineDlib); err != nil || n != verify.EngineDlib {
		t.Errorf("pick dlib %q, %v", n, err)
	}

	// One traveler without an sface template: the flight cannot be decided
	// with sface, so the default falls back to dlib and asking for sface fails.
	got.Entries[2].Templates = got.Entries[2].Templates[:len(got.Entries[2].Templates)-1]
	if n, _ := got.PickEngine(""); n != verify.EngineDlib {
		t.Errorf("with one traveler lacking sface, default pick %q, want dlib", n)
	}
	if _, err := got.PickEngine(verify.EngineSFace); !errors.Is(err, ErrNoEngine) {
		t.Errorf("sface asked of a gallery lacking it for one traveler: %v, want ErrNoEngine", err)
	}
}

// TestOldBundleLoadsAsDlib: a dlib-only bundle is still written as VPGAL01,
// byte for byte what booths before engines had names read, and a VPGAL01
// bundle decodes with every template dlib's.
func TestOldBundleLoadsAsDlib(t *testing.T) {
	key := newKey(t)
	data, _ := testBundle(t, key, 4)
	if !bytes.HasPrefix(data, []byte(magic)) {
		t.Fatalf("a dlib-only bundle starts %q, want %q", data[:8], magic)
	}
	got, err := Open(data, ringOf(key), t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range got.Entries {
		for _, tpl := range e.Templates {
			if tpl.Engine != verify.EngineDlib {
				t.Fatalf("a VPGAL01 template decoded as engine %q", tpl.Engine)
			}
		}
	}
	if e := got.Engines(); !reflect.DeepEqual(e, []verify.EngineName{verify.EngineDlib}) {
		t.Errorf("Engines() of an old bundle = %v, want [dlib]", e)
	}
	var sf sliceIndex
	if n := Load(got, verify.EngineSFace, &sf); n != 0 {
		t.Errorf("an old bundle gave %d sface templates", n)
	}
}

// TestBundleUnknownEngineRefused: an engine byte this build does not know
// is refused, not read as dlib.
func TestBundleUnknownEngineRefused(t *testing.T) {
	key := newKey(t)
	_, b := testBundle(t, key, 1)
	withSFace(b)
	body, err := marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	// The sface template is the entry's last: its engine byte sits
	// 1 + 1 + 4*128 bytes from the end.
	body[len(body)-(2+4*verify.TemplateLen)] = 9
	if _, err := decodeBody(body); !errors.Is(err, ErrMalformed) {
		t.Fatalf("engine byte 9: %v, want ErrMalformed", err)
	}
}
