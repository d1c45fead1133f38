package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"veriport/verify"
)

// writeLines writes a file of lines into dir.
func writeLines(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// tline is one template-file line for subject with a template at (x, y).
func tline(subject string, x, y float32) string {
	var tt verify.Template
	tt[0], tt[1] = x, y
	b, _ := json.Marshal(map[string]string{"subject": subject, "template": verify.EncodeTemplate(&tt)})
	return string(b)
}

func TestVerifyCommandsRejectBadInput(t *testing.T) {
	dir := t.TempDir()
	good := writeLines(t, dir, "good.jsonl", tline("a", 0, 0), tline("b", 1, 0))
	badLine := writeLines(t, dir, "bad.jsonl", tline("a", 0, 0), "", `{"subject": "b", "template": `)
	short := base64.StdEncoding.EncodeToString(make([]byte, 4*127))
	wrongLen := writeLines(t, dir, "short.jsonl", tline("a", 0, 0), `{"subject":"b","template":"`+short+`"}`)
	empty := writeLines(t, dir, "empty.jsonl", "")
	notImage := writeLines(t, dir, "photo.jpg", "this is text")
	missing := filepath.Join(dir, "nope.jsonl")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"bad JSONL line", []string{"identify", "--gallery", badLine, "--image", notImage}, "bad.jsonl: line 3: malformed template line"},
		{"wrong template length", []string{"eval", "--gallery", good, "--probes", wrongLen}, "short.jsonl: line 2: malformed template line: template has the wrong length: 508 bytes, want 512"},
		{"empty gallery", []string{"calibrate", "--gallery", empty, "--probes", good}, "empty.jsonl: no templates"},
		{"missing gallery", []string{"identify", "--gallery", missing, "--image", notImage}, "nope.jsonl: file not found"},
		{"missing probes", []string{"eval", "--gallery", good, "--probes", missing}, "probes " + missing + ": file not found"},
		{"not an image", []string{"identify", "--gallery", good, "--image", notImage}, "photo.jpg: not a JPEG or PNG image"},
		{"missing image", []string{"identify", "--gallery", good, "--image", filepath.Join(dir, "x.jpg")}, "x.jpg: file not found"},
		{"folder as image", []string{"identify", "--gallery", good, "--image", dir}, "is a folder"},
		{"no gallery flag", []string{"identify", "--image", notImage}, "--gallery is required"},
		{"missing images folder", []string{"enroll", "--images", filepath.Join(dir, "none"), "--out", filepath.Join(dir, "o.jsonl")}, "none: not found"},
		{"images is a file", []string{"enroll", "--images", good, "--out", filepath.Join(dir, "o.jsonl")}, "not a folder"},
		{"fpir out of range", []string{"calibrate", "--gallery", good, "--probes", good, "--fpir", "2"}, "outside [0, 1]"},
	}
	for _, c := range cases {
		code, out, errs := verifyRun(t, append(c.args, "--json")...)
		if code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d, stderr %q, want non-zero and %q", c.name, code, errs, c.want)
		}
		if out != "" {
			t.Errorf("%s: printed %q on stdout", c.name, out)
		}
	}
}

func TestEvalAndCalibrateJSON(t *testing.T) {
	dir := t.TempDir()
	gallery := writeLines(t, dir, "g.jsonl", tline("A", 0, 0), tline("B", 1, 0), tline("C", 2.5, 0), tline("D", 10, 0))
	probes := []string{
		tline("A", 0.25, 0), tline("A", 0.45, 0), tline("B", 0.52, 0), tline("C", 3.2, 0), tline("B", 0.4, 0),
		tline("X1", 2.8, 0), tline("X2", 6, 0), tline("X3", 1.75, 0), tline("X4", 1, 0.5), tline("X5", -0.6, 0),
	}
	for i := range 5 {
		probes = append(probes, tline("far", float32(20+i), 0))
	}
	p := writeLines(t, dir, "p.jsonl", probes...)
	rep := verifyJSON(t, "eval", "--gallery", gallery, "--probes", p, "--threshold", "0.5", "--margin", "0.05", "--json")
	// The wrong match (B at 0.4 decided MATCH for A) is counted apart from
	// fnir; four travelers are too few to calibrate: the threshold stays.
	want := map[string]float64{"mated": 5, "nonmated": 10, "rank1": 0.8, "threshold": 0.5, "fnir": 0.4,
		"wrong_match_rate": 0.2, "fpir": 0.2, "fpir_nist": 0.2}
	for k, v := range want {
		if got, ok := rep[k].(float64); !ok || math.Abs(got-v) > 1e-12 {
			t.Errorf("eval %s = %v, want %v", k, rep[k], v)
		}
	}
	at, _ := rep["fnir_at_fpir"].(map[string]any)
	for k, v := range map[string]float64{"0.001": 0.8, "0.003": 0.8, "0.01": 0.8, "0.1": 0.4} {
		if got, ok := at[k].(float64); !ok || math.Abs(got-v) > 1e-12 {
			t.Errorf("fnir_at_fpir[%s] = %v, want %v", k, at[k], v)
		}
	}
	for _, k := range []string{"search_ms_p50", "search_ms_p95"} {
		if _, ok := rep[k].(float64); !ok {
			t.Errorf("eval lacks %s: %v", k, rep)
		}
	}
	if rep["threshold_calibrated"] != false {
		t.Errorf("threshold_calibrated = %v on four travelers", rep["threshold_calibrated"])
	}
	if c, _ := rep["calibration"].(map[string]any); c == nil || !strings.Contains(fmt.Sprint(c["note"]), "too few") {
		t.Errorf("calibration = %v, want a note that the gallery is too small", rep["calibration"])
	}
	if rep["engine"] != "dlib" {
		t.Errorf("engine = %v for a template file without engines, want dlib", rep["engine"])
	}
	if len(rep) != 15 || len(at) != 4 {
		t.Errorf("eval printed %d keys (fnir_at_fpir %d), want exactly 15 (4): %v", len(rep), len(at), rep)
	}
	cal := verifyJSON(t, "calibrate", "--gallery", gallery, "--probes", p, "--fpir", "0.1", "--json")
	if fmt.Sprint(cal["threshold"]) != "0.4999" || cal["fpir"] != 0.1 {
		t.Errorf("calibrate = %v, want threshold 0.4999 fpir 0.1", cal)
	}
}

// TestEvalCalibratesLookAlikes: on the synthetic look-alike set written by
// `dev lookalikes`, eval with default settings calibrates the threshold
// below the configured 0.5, reports it, and --groups gives the two groups
// with their differential.
func TestEvalCalibratesLookAlikes(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := verifyRun(t, "dev", "lookalikes", "--out", dir, "--travelers", "420", "--wide", "100", "--nonmated", "600"); code != 0 {
		t.Fatalf("dev lookalikes: exit %d: %s", code, errs)
	}
	g, p, gr := filepath.Join(dir, "gallery.jsonl"), filepath.Join(dir, "probes.jsonl"), filepath.Join(dir, "groups.csv")
	rep := verifyJSON(t, "eval", "--gallery", g, "--probes", p, "--groups", gr, "--json")
	if rep["threshold_calibrated"] != true || rep["threshold"].(float64) >= 0.5 {
		t.Fatalf("threshold %v calibrated %v, want calibrated below 0.5", rep["threshold"], rep["threshold_calibrated"])
	}
	groups, _ := rep["groups"].(map[string]any)
	if len(groups) != 2 || groups["look-alike"] == nil || groups["wide"] == nil {
		t.Fatalf("groups %v, want look-alike and wide", groups)
	}
	if d, _ := rep["differential"].(map[string]any); d == nil || d["fpir_nist"] == nil {
		t.Fatalf("differential %v", rep["differential"])
	}
	fixed := verifyJSON(t, "eval", "--gallery", g, "--probes", p, "--calibrate=false", "--json")
	if fixed["threshold"] != 0.5 || fixed["threshold_calibrated"] != false || fixed["calibration"] != nil {
		t.Fatalf("--calibrate=false: threshold %v calibrated %v calibration %v", fixed["threshold"], fixed["threshold_calibrated"], fixed["calibration"])
	}
	if fixed["fpir"].(float64) <= rep["fpir"].(float64) {
		t.Errorf("fpir %v at 0.5, %v calibrated: calibration did not lower it", fixed["fpir"], rep["fpir"])
	}
}
