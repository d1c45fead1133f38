package cli

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"veriport/verify"
)

// devLookAlikes is `dev lookalikes`: synthetic gallery and probe template
// files of a population the engine separates poorly (verify.LookAlikes),
// optionally mixed with a well-separated one, and the subject -> group CSV
// for `eval --groups`.
func devLookAlikes(env *Env) *cobra.Command {
	var a lookAlikeArgs
	cmd := &cobra.Command{
		Use:   "lookalikes --out DIR",
		Short: "Write synthetic look-alike gallery.jsonl, probes.jsonl and groups.csv (templates only, no faces)",
		Long: "The gallery holds --travelers look-alike travelers (LA-nnnn, drawn tightly around --centres\n" +
			"centres) and --wide well-separated ones (WD-nnnn), one enrolment capture each. probes.jsonl has\n" +
			"one new capture of every gallery traveler (mated) and --nonmated captures of travelers not in the\n" +
			"gallery (LX-nnnn and WX-nnnn, in the same proportions). groups.csv maps every subject to\n" +
			"look-alike or wide. The same seed gives the same files.\n\n" +
			"--engine sface writes the same travelers and captures as unit vectors tagged sface, for eval\n" +
			"--compare; --engine-noise adds to every template noise of its own, drawn for that engine only, so\n" +
			"two engines' files share each capture's noise (pose, light) and differ by their own.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.run(env) },
	}
	fl := cmd.Flags()
	fl.StringVar(&a.out, "out", "", "folder to write gallery.jsonl, probes.jsonl and groups.csv to")
	fl.IntVar(&a.travelers, "travelers", 420, "look-alike travelers in the gallery")
	fl.IntVar(&a.wide, "wide", 0, "well-separated travelers in the gallery")
	fl.IntVar(&a.nonmated, "nonmated", 2000, "non-mated probes (travelers not in the gallery)")
	fl.IntVar(&a.centres, "centres", verify.DefaultLookAlikeCentres, "look-alike centres")
	fl.Float64Var(&a.spread, "spread", verify.DefaultLookAlikeSpread, "per-dimension spread of travelers around a centre")
	fl.Uint64Var(&a.seed, "seed", 1, "random seed (same seed, same files)")
	fl.StringVar(&a.engineName, "engine", "dlib", "engine the templates are tagged with: dlib, or sface (unit vectors)")
	fl.Float64Var(&a.engineNoise, "engine-noise", 0, "per-dimension noise of the engine's own added to every template")
	return cmd
}

// lookAlikeArgs are the flags of `veriport dev lookalikes`.
type lookAlikeArgs struct {
	out, engineName                    string
	travelers, wide, nonmated, centres int
	spread, engineNoise                float64
	seed                               uint64
}

// run writes the gallery, probes and groups files.
func (a *lookAlikeArgs) run(env *Env) error {
	if a.out == "" || a.travelers < 0 || a.wide < 0 || a.travelers+a.wide == 0 || a.nonmated < 0 || a.centres <= 0 || !(a.spread > 0) {
		return &ExitError{Code: 2, Err: fmt.Errorf("--out, a positive --travelers or --wide, --centres and --spread are required")}
	}
	engine, err := verify.ParseEngine(a.engineName)
	if err != nil || !(a.engineNoise >= 0) {
		return &ExitError{Code: 2, Err: fmt.Errorf("--engine dlib or sface and a --engine-noise >= 0 are required (%v)", err)}
	}
	if err := os.MkdirAll(a.out, 0o755); err != nil {
		return err
	}
	la := verify.NewLookAlikes(a.seed, a.centres, a.spread)
	ws := verify.NewSynth(a.seed + 1)
	var gallery, probes []verify.Enrolled
	groups := map[string]string{}
	add := func(prefix, group string, n int, identity func() verify.Template, capture func(*verify.Template) verify.Template, mated bool) {
		for i := range n {
			id := identity()
			subject := fmt.Sprintf("%s-%05d", prefix, i+1)
			groups[subject] = group
			if mated {
				gallery = append(gallery, verify.Enrolled{Subject: subject, Template: capture(&id), Source: "passport"})
			}
			probes = append(probes, verify.Enrolled{Subject: subject, Template: capture(&id)})
		}
	}
	own := engineCapture(engine, a.engineNoise, a.seed)
	laCapture := func(id *verify.Template) verify.Template { return own(la.Capture(id)) }
	wsCapture := func(id *verify.Template) verify.Template { return own(ws.Sample(id)) }
	add("LA", "look-alike", a.travelers, la.Traveler, laCapture, true)
	add("WD", "wide", a.wide, ws.Subject, wsCapture, true)
	nl := a.nonmated * a.travelers / (a.travelers + a.wide)
	add("LX", "look-alike", nl, la.Traveler, laCapture, false)
	add("WX", "wide", a.nonmated-nl, ws.Subject, wsCapture, false)
	for _, es := range [][]verify.Enrolled{gallery, probes} {
		for i := range es {
			es[i].Engine = engine
		}
	}
	for name, es := range map[string][]verify.Enrolled{"gallery.jsonl": gallery, "probes.jsonl": probes} {
		if err := writeTemplateFile(filepath.Join(a.out, name), es); err != nil {
			return err
		}
	}
	if err := writeGroupsFile(filepath.Join(a.out, "groups.csv"), gallery, probes, groups); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "dev lookalikes: %d gallery travelers, %d probes (%d non-mated) in %s\n",
		len(gallery), len(probes), a.nonmated, a.out)
	return nil
}

// engineCapture turns a capture into the engine's template: plus noise of
// the engine's own (drawn from a generator of its own, so that the
// travelers and captures drawn before stay those of the seed), and for
// sface scaled to unit length.
func engineCapture(engine verify.EngineName, noise float64, seed uint64) func(verify.Template) verify.Template {
	salt := uint64(0x0d11b)
	if engine == verify.EngineSFace {
		salt = 0x5face
	}
	own := verify.NewSynth(seed ^ salt)
	return func(t verify.Template) verify.Template {
		if noise > 0 {
			t = own.Near(&t, noise)
		}
		if engine == verify.EngineSFace {
			var n float64
			for _, x := range t {
				n += float64(x) * float64(x)
			}
			if n = math.Sqrt(n); n > 0 {
				for i := range t {
					t[i] = float32(float64(t[i]) / n)
				}
			}
		}
		return t
	}
}

func writeGroupsFile(path string, gallery, probes []verify.Enrolled, groups map[string]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "subject,group")
	seen := map[string]bool{}
	for _, es := range [][]verify.Enrolled{gallery, probes} {
		for _, e := range es {
			if !seen[e.Subject] {
				seen[e.Subject] = true
				fmt.Fprintf(w, "%s,%s\n", e.Subject, groups[e.Subject])
			}
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
