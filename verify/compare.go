package verify

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// ErrNotSameSet means two engines' template files do not hold the same
// travelers and probes, so their figures could not be compared.
var ErrNotSameSet = errors.New("the engines' templates are not of the same gallery and probes")

// CompareSet is one engine's templates of an evaluation set: the gallery
// and the probes, every template made by that engine.
type CompareSet struct {
	Gallery, Probes []Enrolled
}

// Comparison is two or more engines evaluated on the same gallery and
// probes (EvaluateWith for each, plus the distance distributions), and
// the score-level fusion of the first two.
type Comparison struct {
	Travelers int             `json:"travelers"` // gallery travelers
	Probes    int             `json:"probes"`
	Mated     int             `json:"mated"`
	Nonmated  int             `json:"nonmated"`
	Engines   []EngineFigures `json:"engines"`
	Fusion    *ScoreFigures   `json:"fusion,omitempty"`
	Paired    int             `json:"paired"` // probes found in every engine's set
	// PairedScores are the first two engines' score figures on the paired
	// probes only, the ones Fusion is computed on.
	PairedScores []ScoreFigures `json:"paired_scores"`
}

// EngineFigures is one engine's evaluation (at its threshold, calibrated
// on the gallery as the booth does) and its distance distributions.
type EngineFigures struct {
	Report Report       `json:"report"`
	Scores ScoreFigures `json:"scores"`
}

// ScoreFigures describe a score's separation of a probe set, from every
// probe's score against every gallery traveler (its nearest template):
// genuine scores (a mated probe against its own traveler), impostor scores
// (any probe against another traveler), d' between them, and the
// nearest-traveler figures: rank-1 rate and FNIR at each FPIR target (no
// margin rule), FNIR at no false positive at all.
type ScoreFigures struct {
	Name       string              `json:"name"` // engine name, or "fusion"
	Genuine    DistanceSummary     `json:"genuine"`
	Impostor   DistanceSummary     `json:"impostor"`
	DPrime     *float64            `json:"d_prime"`
	Rank1      *float64            `json:"rank1"`
	FNIRAtFPIR map[string]*float64 `json:"fnir_at_fpir"`
	// FNIRAtZeroFPIR is the share of mated probes missed at the largest
	// score no non-mated probe reaches.
	FNIRAtZeroFPIR *float64 `json:"fnir_at_zero_fpir"`
}

// DistanceSummary is the distribution of a set of scores.
type DistanceSummary struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	Min  float64 `json:"min"`
	P50  float64 `json:"p50"`
	Max  float64 `json:"max"`
}

// Summarise is the distribution of xs (zero for none).
func Summarise(xs []float64) DistanceSummary {
	s := DistanceSummary{N: len(xs)}
	if len(xs) == 0 {
		return s
	}
	v := append([]float64(nil), xs...)
	sort.Float64s(v)
	var sum float64
	for _, x := range v {
		sum += x
	}
	s.Mean = sum / float64(len(v))
	var ss float64
	for _, x := range v {
		ss += (x - s.Mean) * (x - s.Mean)
	}
	if len(v) > 1 {
		s.SD = math.Sqrt(ss / float64(len(v)-1))
	}
	s.Min, s.Max, s.P50 = v[0], v[len(v)-1], Percentile(v, 50)
	return s
}

// DPrime is the decidability index of two score distributions,
// |mean a - mean b| / sqrt((sd a² + sd b²)/2); nil when either has fewer
// than two scores or both have no spread.
func DPrime(a, b DistanceSummary) *float64 {
	if a.N < 2 || b.N < 2 {
		return nil
	}
	den := math.Sqrt((a.SD*a.SD + b.SD*b.SD) / 2)
	if den == 0 {
		return nil
	}
	d := math.Abs(a.Mean-b.Mean) / den
	return &d
}

// scoreMatrix is every probe's score against every gallery traveler
// (lower is more alike): rows in probe order, columns in travelers order.
type scoreMatrix struct {
	travelers []string
	own       []int // column of the probe's own traveler, -1 when non-mated
	s         [][]float64
}

// scores computes the matrix of a set: a probe's score against a traveler
// is the distance to the nearest of the traveler's templates.
func scores(set CompareSet, probes []int) scoreMatrix {
	col := map[string]int{}
	var m scoreMatrix
	for _, g := range set.Gallery {
		if _, ok := col[g.Subject]; !ok {
			col[g.Subject] = len(m.travelers)
			m.travelers = append(m.travelers, g.Subject)
		}
	}
	for _, i := range probes {
		p := &set.Probes[i]
		row := make([]float64, len(m.travelers))
		for k := range row {
			row[k] = math.Inf(1)
		}
		for g := range set.Gallery {
			c := col[set.Gallery[g].Subject]
			row[c] = min(row[c], Distance(&p.Template, &set.Gallery[g].Template))
		}
		own, ok := col[p.Subject]
		if !ok {
			own = -1
		}
		m.own, m.s = append(m.own, own), append(m.s, row)
	}
	return m
}

// figures are the score figures of a matrix.
func (m scoreMatrix) figures(name string) ScoreFigures {
	f := ScoreFigures{Name: name, FNIRAtFPIR: map[string]*float64{}}
	var gen, imp, nonmatedNearest []float64
	type mated struct {
		rank1   bool
		nearest float64
	}
	var ms []mated
	for r, row := range m.s {
		best, bestCol := math.Inf(1), -1
		for c, v := range row {
			if c == m.own[r] {
				gen = append(gen, v)
			} else {
				imp = append(imp, v)
			}
			if v < best {
				best, bestCol = v, c
			}
		}
		if m.own[r] < 0 {
			nonmatedNearest = append(nonmatedNearest, best)
		} else {
			ms = append(ms, mated{rank1: bestCol == m.own[r], nearest: best})
		}
	}
	f.Genuine, f.Impostor = Summarise(gen), Summarise(imp)
	f.DPrime = DPrime(f.Genuine, f.Impostor)
	if len(ms) == 0 {
		return f
	}
	var r1 int
	for _, x := range ms {
		if x.rank1 {
			r1++
		}
	}
	f.Rank1 = ratio(r1, len(ms))
	if len(nonmatedNearest) == 0 {
		return f
	}
	sort.Float64s(nonmatedNearest)
	missBelow := func(limit float64) *float64 {
		var miss int
		for _, x := range ms {
			if !(x.rank1 && x.nearest < limit) {
				miss++
			}
		}
		return ratio(miss, len(ms))
	}
	for _, k := range FPIRTargets {
		f.FNIRAtFPIR[k] = missBelow(limitFor(nonmatedNearest, fpirTargetValues[k]))
	}
	f.FNIRAtZeroFPIR = missBelow(nonmatedNearest[0])
	return f
}

// probeKey pairs the probes of two engines' sets: the subject and the
// image a template was made from, or, without an image, the subject and
// the template's rank among that subject's probes.
func probeKeys(ps []Enrolled) []string {
	seen := map[string]int{}
	keys := make([]string, len(ps))
	for i, p := range ps {
		if p.Image != "" {
			keys[i] = p.Subject + "\x00" + p.Image
			continue
		}
		seen[p.Subject]++
		keys[i] = fmt.Sprintf("%s\x00#%d", p.Subject, seen[p.Subject])
	}
	return keys
}

// Compare evaluates each set with EvaluateWith (p the policy of each
// set's engine, o as for eval) and measures every engine's score figures
// and the fusion of the first two on the probes both sets hold: the sum
// of each engine's distance z-normalised by its impostor scores (mean and
// standard deviation of the probes' distances to other travelers, taken
// from the set itself, so the figure is slightly optimistic). The sets
// must hold the same gallery travelers and the same probe subjects, each
// set made by one engine, no two by the same.
func Compare(sets []CompareSet, policies []Policy, o EvalOptions) (Comparison, error) {
	if len(sets) < 2 || len(policies) != len(sets) {
		return Comparison{}, errors.New("compare: two engines' sets and their policies are needed")
	}
	var c Comparison
	seen := map[EngineName]bool{}
	var keys [][]string
	for i, s := range sets {
		rep, err := EvaluateWith(s.Gallery, s.Probes, policies[i], o)
		if err != nil {
			return c, fmt.Errorf("compare: set %d: %w", i+1, err)
		}
		if seen[rep.Engine] {
			return c, fmt.Errorf("compare: two sets made by %s: give one set per engine", rep.Engine)
		}
		seen[rep.Engine] = true
		c.Engines = append(c.Engines, EngineFigures{Report: rep})
		keys = append(keys, probeKeys(s.Probes))
	}
	first := sets[0]
	travelers := subjects(first.Gallery)
	for i, s := range sets[1:] {
		if !sameKeys(travelers, subjects(s.Gallery)) {
			return c, fmt.Errorf("compare: %w: the galleries of %s and %s name different travelers", ErrNotSameSet,
				c.Engines[0].Report.Engine, c.Engines[i+1].Report.Engine)
		}
		if !sameKeys(subjects(first.Probes), subjects(s.Probes)) {
			return c, fmt.Errorf("compare: %w: the probes of %s and %s are of different subjects", ErrNotSameSet,
				c.Engines[0].Report.Engine, c.Engines[i+1].Report.Engine)
		}
	}
	r0 := c.Engines[0].Report
	c.Travelers, c.Probes, c.Mated, c.Nonmated = len(travelers), r0.Mated+r0.Nonmated, r0.Mated, r0.Nonmated

	// Every engine's scores on its whole set, and the first two engines'
	// on the probes they share, for the fusion.
	for i, s := range sets {
		all := make([]int, len(s.Probes))
		for k := range all {
			all[k] = k
		}
		c.Engines[i].Scores = scores(s, all).figures(string(c.Engines[i].Report.Engine))
	}
	at := map[string]int{}
	for k, key := range keys[1] {
		at[key] = k
	}
	var p0, p1 []int
	for k, key := range keys[0] {
		if j, ok := at[key]; ok {
			p0, p1 = append(p0, k), append(p1, j)
		}
	}
	c.Paired = len(p0)
	if c.Paired == 0 {
		return c, nil
	}
	m0, m1 := scores(sets[0], p0), scores(sets[1], p1)
	if !sameOrder(m0.travelers, m1.travelers) {
		m1 = reorder(m1, m0.travelers)
	}
	c.PairedScores = []ScoreFigures{m0.figures(string(c.Engines[0].Report.Engine)), m1.figures(string(c.Engines[1].Report.Engine))}
	fused := scoreMatrix{travelers: m0.travelers, own: m0.own}
	z0, z1 := c.PairedScores[0].Impostor, c.PairedScores[1].Impostor
	if z0.SD == 0 || z1.SD == 0 {
		return c, nil
	}
	for r := range m0.s {
		row := make([]float64, len(m0.travelers))
		for k := range row {
			row[k] = (m0.s[r][k]-z0.Mean)/z0.SD + (m1.s[r][k]-z1.Mean)/z1.SD
		}
		fused.s = append(fused.s, row)
	}
	f := fused.figures("fusion")
	c.Fusion = &f
	return c, nil
}

func subjects(es []Enrolled) map[string]bool {
	m := map[string]bool{}
	for _, e := range es {
		m[e.Subject] = true
	}
	return m
}

func sameKeys(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func sameOrder(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// reorder puts m's columns in the order of travelers (same set).
func reorder(m scoreMatrix, travelers []string) scoreMatrix {
	col := map[string]int{}
	for i, t := range m.travelers {
		col[t] = i
	}
	out := scoreMatrix{travelers: travelers, own: make([]int, len(m.own))}
	for r, row := range m.s {
		nr := make([]float64, len(travelers))
		for k, t := range travelers {
			nr[k] = row[col[t]]
		}
		out.s = append(out.s, nr)
		out.own[r] = -1
		if m.own[r] >= 0 {
			for k, t := range travelers {
				if t == m.travelers[m.own[r]] {
					out.own[r] = k
				}
			}
		}
	}
	return out
}
