package verify

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestTemplateFileRoundTrip(t *testing.T) {
	syn := NewSynth(3)
	in := []Enrolled{
		{Subject: "P-001", Template: syn.Subject(), Source: "enroll", Image: "a/1.jpg"},
		{Subject: "P-001", Template: syn.Subject()},
		{Subject: "Ünïcode \"quoted\"", Template: syn.Subject()},
	}
	var buf bytes.Buffer
	for _, e := range in {
		if err := WriteTemplate(&buf, e); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(buf.String(), "\n"); n != 3 {
		t.Fatalf("%d lines written, want 3", n)
	}
	out, err := ReadTemplates(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("read %d, want %d", len(out), len(in))
	}
	for i := range in {
		want := in[i]
		want.Engine = EngineDlib // written for an unnamed engine, read back as dlib
		if out[i] != want {
			t.Errorf("line %d: %+v, want %+v", i+1, out[i], want)
		}
	}
}

// TestTemplateFileMixingEnginesRefused: a template file holds one engine's
// templates; a line of another engine is refused, naming the line, and a
// line without engine is dlib.
func TestTemplateFileMixingEnginesRefused(t *testing.T) {
	syn := NewSynth(4)
	var buf bytes.Buffer
	for _, e := range []Enrolled{
		{Subject: "P-001", Template: syn.Subject(), Engine: EngineSFace},
		{Subject: "P-002", Template: syn.Subject(), Engine: EngineSFace},
	} {
		if err := WriteTemplate(&buf, e); err != nil {
			t.Fatal(err)
		}
	}
	var tt Template
	legacy := `{"subject":"P-003","template":"` + EncodeTemplate(&tt) + `"}` + "\n"
	if !strings.Contains(buf.String(), `"engine":"sface","engine_version":"face_recognition_sface_2021dec_fp32"`) {
		t.Fatalf("sface template written without its engine and version: %s", buf.String())
	}
	sface, err := ReadTemplates(bytes.NewReader(buf.Bytes()))
	if err != nil || len(sface) != 2 || sface[0].Engine != EngineSFace {
		t.Fatalf("sface file: %+v, %v", sface, err)
	}
	old, err := ReadTemplates(strings.NewReader(legacy))
	if err != nil || len(old) != 1 || old[0].Engine != EngineDlib {
		t.Fatalf("a line without engine: %+v, %v; want one dlib template", old, err)
	}
	_, err = ReadTemplates(strings.NewReader(buf.String() + legacy))
	if !errors.Is(err, ErrMixedEngines) || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("sface then dlib lines: %v, want ErrMixedEngines naming line 3", err)
	}
	if _, err := EngineOf(append(sface, old...)); !errors.Is(err, ErrMixedEngines) {
		t.Errorf("EngineOf of mixed templates: %v, want ErrMixedEngines", err)
	}
	other := strings.Replace(legacy, `"template"`, `"engine":"sface","engine_version":"sface_2099","template"`, 1)
	if _, err := ReadTemplates(strings.NewReader(other)); !errors.Is(err, ErrUnknownEngine) {
		t.Errorf("a template of another model version: %v, want ErrUnknownEngine", err)
	}
	if _, err := ReadTemplates(strings.NewReader(strings.Replace(legacy, `"template"`, `"engine":"arcface","template"`, 1))); !errors.Is(err, ErrUnknownEngine) {
		t.Errorf("an unknown engine: %v, want ErrUnknownEngine", err)
	}
}

func TestTemplateEncodingIsLittleEndianFloat32(t *testing.T) {
	var tt Template
	tt[0] = 1 // 0x3f800000
	b, _ := base64.StdEncoding.DecodeString(EncodeTemplate(&tt))
	if len(b) != 512 || !bytes.Equal(b[:4], []byte{0, 0, 0x80, 0x3f}) {
		t.Errorf("encoded %d bytes starting %x, want 512 starting 0000803f", len(b), b[:4])
	}
}

func TestWriteTemplateRejectsEmptySubject(t *testing.T) {
	if err := WriteTemplate(&bytes.Buffer{}, Enrolled{Subject: " "}); err == nil {
		t.Error("empty subject written")
	}
}

func TestReadTemplatesBadLines(t *testing.T) {
	var tt Template
	good := `{"subject":"a","template":"` + EncodeTemplate(&tt) + `"}`
	short := base64.StdEncoding.EncodeToString(make([]byte, 508))
	nan := base64.StdEncoding.EncodeToString(append([]byte{0, 0, 0xc0, 0x7f}, make([]byte, 508)...))
	cases := []struct {
		name, file, want string
		sentinel         error
	}{
		{"not JSON", good + "\n\nnot json\n", "line 3:", ErrBadLine},
		{"wrong length", good + "\n" + `{"subject":"b","template":"` + short + `"}`, "line 2:", ErrBadTemplate},
		{"NaN value", `{"subject":"b","template":"` + nan + `"}`, "line 1:", ErrBadTemplate},
		{"no subject", `{"template":"` + EncodeTemplate(&tt) + `"}`, "line 1:", ErrBadLine},
		{"no template", `{"subject":"x"}`, "line 1:", ErrBadLine},
		{"bad base64", `{"subject":"x","template":"@@@"}`, "line 1:", ErrBadLine},
		{"array", `[1,2]`, "line 1:", ErrBadLine},
		{"two objects", good + good, "line 1:", ErrBadLine},
		{"too long", good + "\n" + strings.Repeat(" ", maxLine+10), "line 2:", ErrBadLine},
	}
	for _, c := range cases {
		_, err := ReadTemplates(strings.NewReader(c.file))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || !errors.Is(err, c.sentinel) {
			t.Errorf("%s: err = %v, want prefix %q wrapping %v", c.name, err, c.want, c.sentinel)
		}
	}
}

func TestReadTemplatesSkipsBlankLinesAndUnknownFields(t *testing.T) {
	var tt Template
	f := "\n  \n" + `{"subject":"a","template":"` + EncodeTemplate(&tt) + `","quality":0.9}` + "\r\n"
	out, err := ReadTemplates(strings.NewReader(f))
	if err != nil || len(out) != 1 || out[0].Subject != "a" {
		t.Errorf("ReadTemplates = %+v, %v", out, err)
	}
}

// FuzzReadTemplates: any input either reads or fails with a line number, and
// whatever reads writes back to the same templates.
func FuzzReadTemplates(f *testing.F) {
	var tt Template
	tt[3] = -0.25
	good := `{"subject":"a","template":"` + EncodeTemplate(&tt) + `"}`
	for _, s := range []string{good, good + "\n" + good, "", "\n", "{}", `{"subject":"a"}`, "null",
		`{"subject":"a","template":"AAAA"}`, good + "\nx", `{"subject":1}`, "\x00\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := ReadTemplates(bytes.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Fatalf("error without a line number: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		for _, e := range out {
			if err := WriteTemplate(&buf, e); err != nil {
				t.Fatalf("write back %+v: %v", e, err)
			}
		}
		again, err := ReadTemplates(&buf)
		if err != nil || len(again) != len(out) {
			t.Fatalf("re-read: %d, %v; want %d", len(again), err, len(out))
		}
		for i := range out {
			if again[i] != out[i] {
				t.Fatalf("line %d changed: %+v -> %+v", i+1, out[i], again[i])
			}
		}
	})
}
