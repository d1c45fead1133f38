package isa

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// cgoFlagLine is a #cgo directive that sets compiler flags.
var cgoFlagLine = regexp.MustCompile(`^//\s*#cgo\s.*(CFLAGS|CXXFLAGS|CPPFLAGS):(.*)$`)

// TestCgoFlagsBaseline reads every #cgo line of Veriport and of the go-face
// copy it builds: each that names -march names x86-64-v2, none asks for
// native code or an extension beyond it (-mavx, -mfma, -mbmi).
func TestCgoFlagsBaseline(t *testing.T) {
	seen := 0
	for _, root := range []string{"..", filepath.Join("..", "third_party", "go-face")} {
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && p != root && (d.Name() == "third_party" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(p, ".go") {
				return nil
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, line := range strings.Split(string(src), "\n") {
				m := cgoFlagLine.FindStringSubmatch(strings.TrimSpace(line))
				if m == nil {
					continue
				}
				for _, f := range strings.Fields(m[2]) {
					switch {
					case strings.HasPrefix(f, "-march="):
						seen++
						if f != "-march="+Baseline {
							t.Errorf("%s: %s (want -march=%s)", p, f, Baseline)
						}
					case strings.HasPrefix(f, "-mtune=native"), strings.HasPrefix(f, "-mavx"),
						strings.HasPrefix(f, "-mfma"), strings.HasPrefix(f, "-mbmi"), strings.HasPrefix(f, "-mf16c"):
						t.Errorf("%s: %s goes beyond %s", p, f, Baseline)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// verify: describe.go, shape.go, kernel.go; go-face: face.go.
	if seen < 4 {
		t.Errorf("%d -march flags found, want at least 4: the walk missed files", seen)
	}
}

// TestBaselineGuard compiles the guard header both copies include: it
// stops a compile for a CPU beyond the baseline and passes one for it.
func TestBaselineGuard(t *testing.T) {
	a, err := os.ReadFile(filepath.Join("..", "verify", "baseline.h"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("..", "third_party", "go-face", "baseline.h"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("verify/baseline.h and third_party/go-face/baseline.h differ")
	}
	hdr, err := filepath.Abs(filepath.Join("..", "verify", "baseline.h"))
	if err != nil {
		t.Fatal(err)
	}
	for flag, wantOK := range map[string]bool{
		"-march=x86-64-v2": true, "-march=x86-64": true,
		"-march=x86-64-v3": false, "-mavx2": false, "-mavx": false, "-mfma": false,
		"-mbmi2": false, "-march=skylake-avx512": false,
	} {
		cmd := exec.Command("gcc", flag, "-x", "c", "-fsyntax-only", "-")
		cmd.Stdin = strings.NewReader("#include \"" + hdr + "\"\n")
		out, err := cmd.CombinedOutput()
		if (err == nil) != wantOK {
			t.Errorf("gcc %s: compiled %v, want %v\n%s", flag, err == nil, wantOK, out)
		}
	}
}
