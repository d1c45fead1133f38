package isa

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildProgram builds testdata/cprog with the C flags and go build flags
// given and returns the executable's path.
func buildProgram(t *testing.T, cflags string, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "cprog")
	cmd := exec.Command("go", append(append([]string{"build", "-o", out}, args...), ".")...)
	cmd.Dir = filepath.Join("testdata", "cprog")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "CGO_CFLAGS="+cflags, "GOFLAGS=", "GOAMD64=v1")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", cflags, err, msg)
	}
	return out
}

// TestScanFindsBeyondBaseline builds the same C loop for x86-64-v3 and for
// x86-64-v2, plain, position-independent and stripped: the scan flags every
// v3 build (and names the function when the binary has symbols) and passes
// every v2 one, though Go's crypto in both carries AVX2 and SHA code.
func TestScanFindsBeyondBaseline(t *testing.T) {
	variants := []struct {
		name string
		args []string
	}{
		{"plain", nil},
		{"pie-stripped", []string{"-buildmode=pie", "-ldflags=-s -w"}},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			v3, err := Scan(context.Background(), buildProgram(t, "-O2 -march=x86-64-v3", v.args...))
			if err != nil {
				t.Fatal(err)
			}
			if v3.Portable() || v3.ByExtension()["AVX/AVX2"] == 0 {
				t.Fatalf("x86-64-v3 build passed: %s", v3.Summary())
			}
			if v.name == "plain" {
				if fns := v3.Functions(); fns[0] != "dot" {
					t.Errorf("functions %v, want dot first", fns)
				}
			}
			t.Log("v3: ", v3.Summary())
			v2, err := Scan(context.Background(), buildProgram(t, "-O2 -march=x86-64-v2", v.args...))
			if err != nil {
				t.Fatal(err)
			}
			if !v2.Portable() {
				t.Fatalf("x86-64-v2 build flagged: %s", v2.Summary())
			}
			if v2.GoFuncs < 1000 || v2.Scanned < 100 {
				t.Errorf("%d Go functions left out, %d instructions scanned: the ranges look wrong", v2.GoFuncs, v2.Scanned)
			}
			t.Log("v2: ", v2.Summary())
		})
	}
}

// TestPortableBinary is the release rule for Veriport itself: the binary a
// plain `go build` makes here (or the one VERIPORT_BINARY names: the
// packaging check passes the installed package's) runs on an x86-64-v2
// CPU; no instruction of its C and C++ code (dlib through go-face and
// verify, the distance kernel) is beyond the baseline.
func TestPortableBinary(t *testing.T) {
	bin := os.Getenv("VERIPORT_BINARY")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "veriport")
		cmd := exec.Command("go", "build", "-o", bin, ".")
		cmd.Dir = ".."
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, msg)
		}
	}
	r, err := Scan(context.Background(), bin)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Portable() {
		var ex []string
		for i, f := range r.Findings {
			if i == 3 {
				break
			}
			ex = append(ex, f.Insn)
		}
		t.Fatalf("%s: %s; e.g. %s", bin, r.Summary(), strings.Join(ex, " | "))
	}
	t.Logf("%s: %s", bin, r.Summary())
}
