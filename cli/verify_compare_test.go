package cli

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"veriport/verify"
)

// readTemplatesFile reads a template file a command wrote.
func readTemplatesFile(t *testing.T, path string) []verify.Enrolled {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	es, err := verify.ReadTemplates(f)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// plainDPrime is d' of a gallery and probes computed the plain way: every
// probe's distance to each traveler's nearest template, genuine when the
// traveler is the probe's own.
func plainDPrime(gallery, probes []verify.Enrolled) float64 {
	var gen, imp []float64
	for _, p := range probes {
		best := map[string]float64{}
		for _, g := range gallery {
			d := verify.Distance(&p.Template, &g.Template)
			if v, ok := best[g.Subject]; !ok || d < v {
				best[g.Subject] = d
			}
		}
		for s, d := range best {
			if s == p.Subject {
				gen = append(gen, d)
			} else {
				imp = append(imp, d)
			}
		}
	}
	g, i := verify.Summarise(gen), verify.Summarise(imp)
	return math.Abs(i.Mean-g.Mean) / math.Sqrt((g.SD*g.SD+i.SD*i.SD)/2)
}

// TestEvalCompare: eval --compare on two engines' templates of the same
// travelers reports each engine as eval does alone (threshold, FNIR,
// FPIR) with d' as the templates give it, and the fusion on the probes both
// files hold: on synthetic look-alikes written for each engine by dev
// lookalikes, and on the test portraits enrolled with dlib and with sface,
// where each engine puts both photos of Obama nearer him than Biden.
func TestEvalCompare(t *testing.T) {
	dir := t.TempDir()
	files := map[string][2]string{}
	for _, e := range []string{"dlib", "sface"} {
		out := filepath.Join(dir, e)
		if code, _, errs := verifyRun(t, "dev", "lookalikes", "--out", out, "--travelers", "120", "--nonmated", "300",
			"--engine", e, "--engine-noise", "0.01"); code != 0 {
			t.Fatalf("dev lookalikes --engine %s: exit %d: %s", e, code, errs)
		}
		files[e] = [2]string{filepath.Join(out, "gallery.jsonl"), filepath.Join(out, "probes.jsonl")}
	}
	for _, e := range readTemplatesFile(t, files["sface"][0]) {
		var n float64
		for _, x := range e.Template {
			n += float64(x) * float64(x)
		}
		if e.Engine != verify.EngineSFace || math.Abs(n-1) > 1e-4 {
			t.Fatalf("dev lookalikes --engine sface: %s tagged %q, squared length %.5f; want sface unit vectors", e.Subject, e.Engine, n)
		}
	}
	compare := func(f map[string][2]string) verify.Comparison {
		t.Helper()
		code, out, errs := verifyRun(t, "eval", "--compare", "--gallery", f["dlib"][0], "--probes", f["dlib"][1],
			"--gallery", f["sface"][0], "--probes", f["sface"][1], "--json")
		if code != 0 {
			t.Fatalf("eval --compare: exit %d: %s", code, errs)
		}
		var c verify.Comparison
		if err := json.Unmarshal([]byte(out), &c); err != nil {
			t.Fatalf("eval --compare --json: %v\n%s", err, out)
		}
		return c
	}
	c := compare(files)
	if len(c.Engines) != 2 || c.Travelers != 120 || c.Nonmated != 300 || c.Paired != 420 || c.Fusion == nil {
		t.Fatalf("comparison of %d engines, %d travelers, %d non-mated, %d paired, fusion %v; want 2, 120, 300, 420 and a fusion",
			len(c.Engines), c.Travelers, c.Nonmated, c.Paired, c.Fusion != nil)
	}
	for i, e := range []string{"dlib", "sface"} {
		alone := verifyJSON(t, "eval", "--gallery", files[e][0], "--probes", files[e][1], "--json")
		got := c.Engines[i].Report
		if string(got.Engine) != e || got.Threshold != alone["threshold"] || *got.FNIR != alone["fnir"] || *got.FPIR != alone["fpir"] {
			t.Errorf("%s: compare says engine %s threshold %v FNIR %v FPIR %v; eval alone %v %v %v", e, got.Engine,
				got.Threshold, *got.FNIR, *got.FPIR, alone["threshold"], alone["fnir"], alone["fpir"])
		}
		want := plainDPrime(readTemplatesFile(t, files[e][0]), readTemplatesFile(t, files[e][1]))
		if d := c.Engines[i].Scores.DPrime; d == nil || math.Abs(*d-want) > 1e-9 {
			t.Errorf("%s: d' %v, want %.6f from the templates", e, d, want)
		}
	}
	code, _, errs := verifyRun(t, "eval", "--compare", "--gallery", files["dlib"][0], "--probes", files["dlib"][1])
	if code != 2 || !strings.Contains(errs, "twice") {
		t.Errorf("eval --compare with one engine's files: exit %d, %s; want a usage error", code, errs)
	}

	// The test portraits, enrolled by each engine.
	imgs := filepath.Join(dir, "photos")
	copyFile(t, cachedPortrait(t, "obama.jpg"), filepath.Join(imgs, "gallery", "obama", "obama.jpg"))
	copyFile(t, cachedPortrait(t, "biden.jpg"), filepath.Join(imgs, "gallery", "biden", "biden.jpg"))
	copyFile(t, cachedPortrait(t, "obama2.jpg"), filepath.Join(imgs, "probes", "obama", "obama2.jpg"))
	copyFile(t, cachedPortrait(t, "obama3.jpg"), filepath.Join(imgs, "probes", "obama", "obama3.jpg"))
	real := map[string][2]string{}
	for _, e := range []string{"dlib", "sface"} {
		var pair [2]string
		for k, s := range []string{"gallery", "probes"} {
			pair[k] = filepath.Join(dir, e+"-"+s+".jsonl")
			verifyJSON(t, "enroll", "--engine", e, "--images", filepath.Join(imgs, s), "--out", pair[k], "--json")
		}
		real[e] = pair
	}
	c = compare(real)
	if c.Travelers != 2 || c.Mated != 2 || c.Paired != 2 || c.Fusion == nil {
		t.Fatalf("portraits: %d travelers, %d mated, %d paired, fusion %v; want 2, 2, 2 and a fusion", c.Travelers, c.Mated, c.Paired, c.Fusion != nil)
	}
	for _, e := range c.Engines {
		s := e.Scores
		if s.Genuine.N != 2 || s.Impostor.N != 2 || !(s.Genuine.Max < s.Impostor.Min) || e.Report.Rank1 == nil || *e.Report.Rank1 != 1 {
			t.Errorf("%s on the portraits: genuine %+v impostor %+v rank-1 %v; want Obama's photos nearer him than Biden",
				e.Report.Engine, s.Genuine, s.Impostor, e.Report.Rank1)
		}
	}
	if g, d := c.Engines[1].Scores.Genuine.Mean, c.Engines[0].Scores.Genuine.Mean; !(g > 0.6 && d < 0.6) {
		t.Errorf("genuine mean sface %.3f, dlib %.3f: want each on its own scale (sface above 0.6, dlib below)", g, d)
	}
}
