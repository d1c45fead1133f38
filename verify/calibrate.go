package verify

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"
)

// Defaults of per-gallery calibration (CalibrationOptions).
const (
	// DefaultFPIRTarget is the decision-level false-positive identification
	// rate a gallery's threshold is set for.
	DefaultFPIRTarget = 0.003
	// DefaultMinTravelers: smaller galleries keep the configured threshold.
	DefaultMinTravelers = 50
	// DefaultMaxSearches bounds the leave-one-out searches: a larger
	// gallery is sampled (the same travelers every time).
	DefaultMaxSearches = 500
	// DefaultMaxComparisons bounds the template comparisons of the searches
	// (each search compares with the whole gallery), down to
	// minSampledSearches travelers: a 42,000-template gallery is estimated
	// from 357 searches.
	DefaultMaxComparisons = 15_000_000
	minSampledSearches    = 300
	// DefaultDuplicateBelow is the largest distance at which two travelers'
	// templates can be called near-identical (the same photo measured 0.03
	// to 0.31 on the test portraits, independent photos of one person from
	// 0.33; verify/CALIBRATION.md).
	DefaultDuplicateBelow = 0.3
	// DefaultWarnDrop: a calibrated threshold this far below the configured
	// one is a fairness warning (the engine separates the flight poorly).
	DefaultWarnDrop = 0.05
)

// CalibrationOptions tunes CalibrateGallery; zero fields take the defaults.
type CalibrationOptions struct {
	Target         float64 // decision-level FPIR target
	MinTravelers   int
	MaxSearches    int   // travelers searched at most
	MaxComparisons int64 // template comparisons at most (not below 300 travelers)
	DuplicateBelow float64
	WarnDrop       float64
	Seed           uint64 // which travelers are sampled beyond MaxSearches
}

func (o CalibrationOptions) withDefaults() CalibrationOptions {
	if o.Target <= 0 {
		o.Target = DefaultFPIRTarget
	}
	if o.MinTravelers <= 0 {
		o.MinTravelers = DefaultMinTravelers
	}
	if o.MaxSearches <= 0 {
		o.MaxSearches = DefaultMaxSearches
	}
	if o.MaxComparisons <= 0 {
		o.MaxComparisons = DefaultMaxComparisons
	}
	if o.DuplicateBelow <= 0 {
		o.DuplicateBelow = DefaultDuplicateBelow
	}
	if o.WarnDrop <= 0 {
		o.WarnDrop = DefaultWarnDrop
	}
	return o
}

// DuplicatePair is two travelers with near-identical templates (the same
// person enrolled twice, twins, a copied photo): a gallery-quality warning.
type DuplicatePair struct {
	A        string  `json:"a"`
	B        string  `json:"b"`
	Distance float64 `json:"distance"`
}

// GalleryCalibration is the threshold a gallery gets and what it rests on.
type GalleryCalibration struct {
	// Engine made the templates the threshold is for ("" when the caller
	// did not say): thresholds of two engines are on different scales.
	Engine EngineName `json:"engine,omitempty"`
	// Threshold is the one to decide with: the configured threshold, or
	// the calibrated one when that is lower (calibration never raises it).
	Threshold  float64 `json:"threshold"`
	Configured float64 `json:"threshold_configured"`
	// Calibrated is true when the gallery was large enough to estimate its
	// own impostor distribution (Threshold may still equal Configured).
	Calibrated bool `json:"calibrated"`
	// Estimate is the threshold the estimate alone gives (nil when not
	// calibrated, or when the target is met at any threshold).
	Estimate *float64 `json:"threshold_estimate"`
	Target   float64  `json:"fpir_target"`
	// EstimatedFPIR is the leave-one-out decision-level FPIR at Threshold;
	// BinomialError the standard error of an FPIR of Target on that many
	// travelers.
	EstimatedFPIR float64 `json:"fpir_estimate"`
	BinomialError float64 `json:"fpir_binomial_error"`
	Travelers     int     `json:"travelers"`
	// Sampled travelers were searched (all of them up to MaxSearches);
	// Searches is their templates, Comparisons the templates each was
	// compared with.
	Sampled     int   `json:"travelers_searched"`
	Searches    int   `json:"searches"`
	Comparisons int64 `json:"comparisons"`
	// Duplicates are near-identical pairs; DuplicatesExcluded says they
	// were left out of the estimate (only when they are a few).
	Duplicates         []DuplicatePair `json:"duplicates"`
	DuplicatesExcluded bool            `json:"duplicates_excluded"`
	// PoorSeparation is the fairness warning: Threshold is at least
	// WarnDrop below Configured, so many travelers will need a manual check.
	PoorSeparation bool    `json:"poor_separation"`
	Note           string  `json:"note"`
	Ms             float64 `json:"ms"`
}

// LinkedTravelers maps each traveler of a near-identical pair to the other
// (Policy.Linked); nil without pairs. A traveler in two pairs keeps the
// nearer one.
func (c GalleryCalibration) LinkedTravelers() map[string]string {
	if len(c.Duplicates) == 0 {
		return nil
	}
	m := map[string]string{}
	for _, d := range c.Duplicates { // nearest first
		if m[d.A] == "" {
			m[d.A] = d.B
		}
		if m[d.B] == "" {
			m[d.B] = d.A
		}
	}
	return m
}

// Line is the booth's one-line summary, e.g. "threshold 0.41, calibrated
// for this flight".
func (c GalleryCalibration) Line() string {
	engine := ""
	if c.Engine != "" {
		engine = " (" + string(c.Engine) + ")"
	}
	if !c.Calibrated {
		return fmt.Sprintf("threshold %.2f%s, configured (gallery too small to calibrate)", c.Threshold, engine)
	}
	s := fmt.Sprintf("threshold %.2f%s, calibrated for this flight (false-match rate %.4f ± %.4f)",
		c.Threshold, engine, c.EstimatedFPIR, c.BinomialError)
	if n := len(c.Duplicates); n > 0 {
		s += fmt.Sprintf("; %d linked pair(s): document check", n)
	}
	return s
}

// looSample is one leave-one-out search: a traveler's template searched
// against every other traveler.
type looSample struct {
	traveler int     // number of the searched traveler in the calibration
	weight   float64 // 1 / the traveler's template count
	d1       float64 // nearest other traveler's distance
	margin   float64 // second nearest minus nearest (+Inf without one)
	nearest  string
}

// CalibrateGallery estimates the gallery's own impostor distribution and
// sets the threshold for it. Every traveler (in larger galleries a sample
// of MaxSearches of them, fewer when that would exceed MaxComparisons) is searched with each of its templates against
// all the others (leave-one-subject-out: the others count with their best
// template, as in a real search); a search is a false positive at T when
// the nearest other traveler is within T and the margin rule holds (a
// MATCH). Each traveler weighs one, shared among its templates. The
// threshold is the one where the estimated decision-level FPIR reaches
// Target (plotting position p*(n+1) on the weighted ranks, interpolated
// between the neighbouring distances, extrapolated by one spacing below the
// smallest), rounded down to 1e-4 and never above p.Threshold.
//
// Near-identical pairs of travelers (closer than DuplicateBelow: twins, one
// person enrolled twice, a copied photo) are reported and linked
// (LinkedTravelers, Policy.Linked: a match on either is AMBIGUOUS), and
// each pair's searches skip the other one, so however many there are they
// cannot drive the flight's threshold down: the document, not the face,
// tells a linked pair apart.
//
// templates yields every (traveler, template) of the gallery, ix holds the
// same templates.
func CalibrateGallery(ix *Index, templates iter.Seq2[string, *Template], p Policy, o CalibrationOptions) (c GalleryCalibration) {
	start := time.Now()
	o = o.withDefaults()
	c = GalleryCalibration{Threshold: p.Threshold, Configured: p.Threshold, Target: o.Target, Duplicates: []DuplicatePair{}}
	defer func() { c.Ms = float64(time.Since(start).Microseconds()) / 1000 }()

	g := groupByTraveler(templates)
	c.Travelers = len(g.names)
	if c.Travelers < o.MinTravelers {
		c.Note = fmt.Sprintf("%d travelers: fewer than %d, too few to estimate; the configured threshold is used",
			c.Travelers, o.MinTravelers)
		return c
	}
	total := ix.Len()
	sampled := sampleTravelers(c.Travelers, total, o)
	c.Sampled = len(sampled)

	samples := looSearch(ix, g.names, g.tmpl, sampled, nil)
	c.Searches = len(samples)
	c.Comparisons = int64(c.Searches) * int64(total)

	dups, flagged := findDuplicates(samples, g.names, o.DuplicateBelow)
	c.Duplicates = append(c.Duplicates, dups...)
	if len(dups) > 0 {
		var redone int
		samples, redone = searchWithoutDuplicates(ix, g, sampled, samples, dups)
		c.Searches += redone
		c.Comparisons += int64(redone) * int64(total)
		c.DuplicatesExcluded = true
		c.Note = fmt.Sprintf("%d near-identical pairs of travelers linked (%d travelers): a match on either is a "+
			"document check, and their searches of each other are left out of the estimate", len(dups), len(flagged))
	}
	c.estimate(samples, p, o)
	return c
}

// travelerTemplates are a gallery's templates grouped by traveler, in the
// order the travelers first appear.
type travelerTemplates struct {
	names  []string
	byName map[string]int // name -> index in names and tmpl
	tmpl   [][]*Template
}

func groupByTraveler(templates iter.Seq2[string, *Template]) travelerTemplates {
	g := travelerTemplates{byName: map[string]int{}}
	for s, t := range templates {
		i, ok := g.byName[s]
		if !ok {
			i = len(g.names)
			g.byName[s] = i
			g.names = append(g.names, s)
			g.tmpl = append(g.tmpl, nil)
		}
		g.tmpl[i] = append(g.tmpl[i], t)
	}
	return g
}

// sampleTravelers is the travelers (indexes of n) whose searches the
// estimate uses: all of them, or a seeded random sample, in order, when
// o.MaxSearches or the comparison budget over an index of total templates
// allows fewer.
func sampleTravelers(n, total int, o CalibrationOptions) []int {
	sampled := make([]int, n)
	for i := range sampled {
		sampled[i] = i
	}
	limit := o.MaxSearches
	if byBudget := int(o.MaxComparisons / int64(max(total, 1))); byBudget < limit {
		limit = max(byBudget, min(minSampledSearches, limit))
	}
	if len(sampled) > limit {
		rng := rand.New(rand.NewPCG(o.Seed, 0xca11b))
		rng.Shuffle(len(sampled), func(i, j int) { sampled[i], sampled[j] = sampled[j], sampled[i] })
		sampled = sampled[:limit]
		slices.Sort(sampled)
	}
	return sampled
}

// searchWithoutDuplicates searches again, for each sampled traveler of a
// near-identical pair, leaving its twin out of the hits, and puts those
// searches in place of its first ones. It returns the samples and how many
// searches it made.
func searchWithoutDuplicates(ix *Index, g travelerTemplates, sampled []int, samples []looSample, dups []DuplicatePair) ([]looSample, int) {
	skip := map[int]map[string]bool{}
	for _, d := range dups {
		for _, pair := range [][2]string{{d.A, d.B}, {d.B, d.A}} {
			i := g.byName[pair[0]]
			if skip[i] == nil {
				skip[i] = map[string]bool{}
			}
			skip[i][pair[1]] = true
		}
	}
	var again []int
	for _, i := range sampled {
		if skip[i] != nil {
			again = append(again, i)
		}
	}
	redone := looSearch(ix, g.names, g.tmpl, again, skip)
	samples = slices.DeleteFunc(samples, func(s looSample) bool { return skip[s.traveler] != nil })
	return append(samples, redone...), len(redone)
}

// estimate sets the calibrated threshold and its figures from the
// leave-one-out samples of c.Sampled travelers.
func (c *GalleryCalibration) estimate(samples []looSample, p Policy, o CalibrationOptions) {
	m := float64(c.Sampled)
	c.Calibrated = true
	c.BinomialError = math.Sqrt(o.Target * (1 - o.Target) / m)
	aim := aimFor(o.Target, m)
	est, ok := thresholdFor(samples, p.Margin, aim*(m+1))
	if tail, tok := normalTail(samples, aim); tok && (!ok || tail < est) {
		est, ok = tail, true
	}
	if ok {
		e := math.Floor(est*1e4) / 1e4
		c.Estimate = &e
		c.Threshold = min(p.Threshold, e)
	}
	c.EstimatedFPIR = falsePositiveShare(samples, p.Margin, c.Threshold) / m
	c.PoorSeparation = c.Configured-c.Threshold >= o.WarnDrop-1e-9
}

// looSearch searches each template of the given travelers against the
// index, leaving the traveler itself (and the travelers in skip[traveler])
// out of the hits. Searches run on every CPU.
func looSearch(ix *Index, names []string, tmpl [][]*Template, travelers []int, skip map[int]map[string]bool) []looSample {
	type job struct{ traveler, t int }
	var jobs []job
	for _, i := range travelers {
		for j := range tmpl[i] {
			jobs = append(jobs, job{i, j})
		}
	}
	out := make([]looSample, len(jobs))
	workers := min(runtime.NumCPU(), max(len(jobs), 1))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := w; n < len(jobs); n += workers {
				jb := jobs[n]
				leave := skip[jb.traveler]
				k := 3 + len(leave)
				s := looSample{traveler: jb.traveler, weight: 1 / float64(len(tmpl[jb.traveler])),
					d1: math.Inf(1), margin: math.Inf(1)}
				var others []Hit
				for _, h := range ix.Search(tmpl[jb.traveler][jb.t], k) {
					if h.Subject != names[jb.traveler] && !leave[h.Subject] {
						others = append(others, h)
					}
				}
				if len(others) > 0 {
					s.d1, s.nearest = others[0].Distance, others[0].Subject
				}
				if len(others) > 1 {
					s.margin = others[1].Distance - others[0].Distance
				}
				out[n] = s
			}
		}()
	}
	wg.Wait()
	return out
}

// findDuplicates returns the near-identical pairs among the samples: the
// nearest other traveler closer than below. The second result is the set
// of travelers named in a pair.
func findDuplicates(samples []looSample, names []string, below float64) ([]DuplicatePair, map[string]bool) {
	cut := below
	seen := map[[2]string]int{}
	var out []DuplicatePair
	flagged := map[string]bool{}
	for _, s := range samples {
		if !(s.d1 < cut) {
			continue
		}
		a, b := names[s.traveler], s.nearest
		key := [2]string{min(a, b), max(a, b)}
		if i, ok := seen[key]; ok {
			out[i].Distance = min(out[i].Distance, s.d1)
			continue
		}
		seen[key] = len(out)
		out = append(out, DuplicatePair{A: key[0], B: key[1], Distance: s.d1})
		flagged[a], flagged[b] = true, true
	}
	slices.SortFunc(out, func(x, y DuplicatePair) int {
		return cmp.Or(cmp.Compare(x.Distance, y.Distance), cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	return out, flagged
}

// thresholdFor returns the distance at which the weighted count of false
// MATCHes (nearest within the distance, margin >= margin) reaches rank,
// interpolated between sample distances; ok is false when the samples never
// reach rank (any threshold meets the target).
func thresholdFor(samples []looSample, margin, rank float64) (float64, bool) {
	type pt struct{ d, w float64 }
	var pos []pt
	for _, s := range samples {
		if !math.IsInf(s.d1, 0) && s.margin >= margin {
			pos = append(pos, pt{s.d1, s.weight})
		}
	}
	slices.SortFunc(pos, func(a, b pt) int { return cmp.Compare(a.d, b.d) })
	cum := make([]float64, len(pos))
	var acc float64
	for i, q := range pos {
		acc += q.w
		cum[i] = acc
	}
	k := slices.IndexFunc(cum, func(c float64) bool { return c >= rank-1e-12 })
	switch {
	case k < 0:
		return 0, false
	case k > 0:
		d0, c0 := pos[k-1].d, cum[k-1]
		return d0 + (pos[k].d-d0)*(rank-c0)/(cum[k]-c0), true
	case len(pos) > 1 && pos[1].d > pos[0].d:
		// Below the smallest: the line through the first two points.
		slope := (pos[1].d - pos[0].d) / (cum[1] - cum[0])
		return max(pos[0].d-slope*(cum[0]-rank), 0), true
	default:
		return math.Nextafter(pos[0].d, 0), true
	}
}

// normalTail extrapolates the lower tail of the nearest distances to the
// target: on a normal probability plot of the lowest tenth of them (at
// least 10; plotting positions (i-0.375)/(n+0.25)), the least-squares line
// read at the target's normal quantile. The empirical quantile cannot
// resolve a target below about 1/n; this can, and the lower of the two is
// used. Only the lowest distances are fitted, so a gallery that mixes a
// poorly separated group with a well separated one is extrapolated from its
// poorly separated group.
func normalTail(samples []looSample, target float64) (float64, bool) {
	var ds []float64
	for _, s := range samples {
		if !math.IsInf(s.d1, 0) {
			ds = append(ds, s.d1)
		}
	}
	n := len(ds)
	m := max(50, n/5)
	if n < 20 {
		return 0, false
	}
	slices.Sort(ds)
	var sz, sd, szz, szd float64
	for i := range m {
		z := normalQuantile((float64(i+1) - 0.375) / (float64(n) + 0.25))
		sz, sd, szz, szd = sz+z, sd+ds[i], szz+z*z, szd+z*ds[i]
	}
	fm := float64(m)
	slope := (fm*szd - sz*sd) / (fm*szz - sz*sz)
	if !(slope > 0) {
		return 0, false
	}
	icept := (sd - slope*sz) / fm
	return max(icept+slope*normalQuantile(target), 0), true
}

// aimFor is the FPIR a gallery of n searched travelers aims at so that
// two standard errors above it still stay within three times the target:
// the largest a <= target with a*(1+2/sqrt(n*a)) <= 3*target. Galleries of
// a few hundred travelers aim at the target itself; smaller ones, whose
// estimate is less certain, aim lower.
func aimFor(target, n float64) float64 {
	ok := func(a float64) bool { return a*(1+2/math.Sqrt(n*a)) <= 3*target }
	if ok(target) {
		return target
	}
	lo, hi := 0.0, target
	for range 50 {
		if mid := (lo + hi) / 2; ok(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// normalQuantile is the standard normal quantile of p in (0, 1).
func normalQuantile(p float64) float64 { return -math.Sqrt2 * math.Erfcinv(2*p) }

// falsePositiveShare is the weighted count of samples decided MATCH at t.
func falsePositiveShare(samples []looSample, margin, t float64) float64 {
	var n float64
	for _, s := range samples {
		if s.d1 <= t && s.margin >= margin {
			n += s.weight
		}
	}
	return n
}

// EnrolledTemplates yields the subjects and templates of a template file.
func EnrolledTemplates(es []Enrolled) iter.Seq2[string, *Template] {
	return func(yield func(string, *Template) bool) {
		for i := range es {
			if !yield(es[i].Subject, &es[i].Template) {
				return
			}
		}
	}
}
