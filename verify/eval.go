package verify

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"time"
)

// FPIRTargets are the false-positive identification rates at which
// Evaluate reports the false-negative rate (NIST FRVT 1:N style).
var FPIRTargets = []string{"0.001", "0.003", "0.01", "0.1"}

var fpirTargetValues = map[string]float64{"0.001": 0.001, "0.003": 0.003, "0.01": 0.01, "0.1": 0.1}

// Report is the NIST-style summary of searching probes against a gallery.
// Rates are nil when undefined (no mated or no non-mated probes).
type Report struct {
	// Engine made every template searched (gallery and probes alike).
	Engine   EngineName `json:"engine"`
	Mated    int        `json:"mated"`
	Nonmated int        `json:"nonmated"`
	Rank1    *float64   `json:"rank1"`
	// Threshold is the one actually used: the configured one, or the
	// gallery's calibrated one (ThresholdCalibrated, Calibration).
	Threshold           float64             `json:"threshold"`
	ThresholdCalibrated bool                `json:"threshold_calibrated"`
	Calibration         *GalleryCalibration `json:"calibration,omitempty"`
	Margin              float64             `json:"-"` // the policy's margin, used for FNIR and FPIR
	// FNIR is the share of mated searches not decided MATCH (they go to
	// the manual check); a MATCH with another traveler is a wrong match,
	// counted in WrongMatchRate only.
	FNIR           *float64 `json:"fnir"`
	WrongMatchRate *float64 `json:"wrong_match_rate"`
	// FPIR is decision-level: non-mated searches decided MATCH. FPIRNist
	// counts every non-mated search with a candidate within the threshold
	// (AMBIGUOUS included).
	FPIR     *float64 `json:"fpir"`
	FPIRNist *float64 `json:"fpir_nist"`
	// FNIRAtFPIR maps each of FPIRTargets to the lowest FNIR whose FPIR does
	// not exceed it, by nearest-subject distance only (no margin rule);
	// ThresholdAtFPIR is the threshold that reaches it.
	FNIRAtFPIR      map[string]*float64 `json:"fnir_at_fpir"`
	ThresholdAtFPIR map[string]*float64 `json:"threshold_at_fpir"`
	SearchMsP50     float64             `json:"search_ms_p50"`
	SearchMsP95     float64             `json:"search_ms_p95"`
	// Groups are the same figures per group of EvalOptions.Groups, and
	// Differential the worst over the best group for each rate (NIST IR
	// 8280's demographic differential).
	Groups       map[string]*GroupFigures `json:"groups,omitempty"`
	Differential map[string]*Differential `json:"differential,omitempty"`
}

// GroupFigures are one group's figures at the report's threshold.
type GroupFigures struct {
	Mated          int      `json:"mated"`
	Nonmated       int      `json:"nonmated"`
	Rank1          *float64 `json:"rank1"`
	FNIR           *float64 `json:"fnir"`
	WrongMatchRate *float64 `json:"wrong_match_rate"`
	FPIR           *float64 `json:"fpir"`
	FPIRNist       *float64 `json:"fpir_nist"`
}

// Differential compares the groups on one rate: the worst (highest) and
// the best (lowest) group and their ratio, nil when the best is 0.
type Differential struct {
	Worst      string   `json:"worst"`
	WorstValue float64  `json:"worst_value"`
	Best       string   `json:"best"`
	BestValue  float64  `json:"best_value"`
	Ratio      *float64 `json:"ratio"`
}

// UngroupedName is the group of probes whose subject the groups file does
// not name.
const UngroupedName = "(ungrouped)"

// EvalOptions tunes EvaluateWith.
type EvalOptions struct {
	// Calibrate sets the threshold from the gallery itself first
	// (CalibrateGallery, never above the policy's).
	Calibrate   bool
	Calibration CalibrationOptions
	// Groups maps probe subjects to groups (ReadGroups).
	Groups map[string]string
}

// probeResult is one probe's search outcome.
type probeResult struct {
	mated    bool
	rank1    bool    // nearest subject is the probe's own
	nearest  float64 // nearest-subject distance
	decision Decision
	truth    string
}

// Evaluate is EvaluateWith at the policy's threshold, without calibration
// or groups.
func Evaluate(gallery, probes []Enrolled, p Policy) (Report, error) {
	return EvaluateWith(gallery, probes, p, EvalOptions{})
}

// EvaluateWith searches every probe against the gallery. A probe whose
// subject is in the gallery is mated, else non-mated. At the policy (its
// threshold calibrated on the gallery first with o.Calibrate): FNIR is the
// share of mated probes not decided MATCH, WrongMatchRate the share decided
// MATCH with another subject; FPIR the share of non-mated probes decided
// MATCH (an AMBIGUOUS result is a manual check, not a positive
// identification), FPIRNist the share with any candidate within the
// threshold.
func EvaluateWith(gallery, probes []Enrolled, p Policy, o EvalOptions) (Report, error) {
	if len(gallery) == 0 {
		return Report{}, errors.New("evaluate: the gallery is empty")
	}
	if len(probes) == 0 {
		return Report{}, errors.New("evaluate: no probes")
	}
	engine, err := EngineOf(gallery)
	if err != nil {
		return Report{}, fmt.Errorf("evaluate: gallery: %w", err)
	}
	if pe, err := EngineOf(probes); err != nil || pe != engine {
		if err == nil {
			err = fmt.Errorf("%w: gallery %s, probes %s", ErrMixedEngines, engine, pe)
		}
		return Report{}, fmt.Errorf("evaluate: probes: %w", err)
	}
	ix := NewIndex(len(gallery))
	for i := range gallery {
		ix.Add(gallery[i].Subject, &gallery[i].Template)
	}
	var cal *GalleryCalibration
	if o.Calibrate {
		if o.Calibration.DuplicateBelow <= 0 {
			o.Calibration.DuplicateBelow = engine.DuplicateBelow()
		}
		c := CalibrateGallery(ix, EnrolledTemplates(gallery), p, o.Calibration)
		c.Engine = engine
		p.Threshold, p.Linked, cal = c.Threshold, c.LinkedTravelers(), &c
	}
	res := make([]probeResult, len(probes))
	ms := make([]float64, len(probes))
	for i := range probes {
		start := time.Now()
		hits := ix.Search(&probes[i].Template, 2)
		ms[i] = float64(time.Since(start).Nanoseconds()) / 1e6
		r := probeResult{mated: ix.Has(probes[i].Subject), truth: probes[i].Subject, nearest: math.Inf(1)}
		if len(hits) > 0 {
			r.nearest = hits[0].Distance
			r.rank1 = hits[0].Subject == probes[i].Subject
		}
		r.decision = p.Decide(hits)
		res[i] = r
	}
	rep := summarise(res, ms, p)
	rep.Engine = engine
	if cal != nil {
		rep.Calibration, rep.ThresholdCalibrated = cal, cal.Calibrated
	}
	if o.Groups != nil {
		byGroup := map[string][]probeResult{}
		for _, r := range res {
			g, ok := o.Groups[r.truth]
			if !ok {
				g = UngroupedName
			}
			byGroup[g] = append(byGroup[g], r)
		}
		rep.Groups = map[string]*GroupFigures{}
		for g, rs := range byGroup {
			f := figuresOf(rs, p.Threshold)
			rep.Groups[g] = &f
		}
		rep.Differential = differentials(rep.Groups)
	}
	return rep, nil
}

// figuresOf counts the decision figures of some probe results.
func figuresOf(res []probeResult, threshold float64) GroupFigures {
	var f GroupFigures
	var rank1, misses, wrong, falsePos, nist int
	for _, r := range res {
		if r.mated {
			f.Mated++
			if r.rank1 {
				rank1++
			}
			switch {
			case r.decision.Outcome != OutcomeMatch:
				misses++
			case r.decision.Subject != r.truth:
				wrong++
			}
			continue
		}
		f.Nonmated++
		if r.decision.Outcome == OutcomeMatch {
			falsePos++
		}
		if r.nearest <= threshold {
			nist++
		}
	}
	if f.Mated > 0 {
		f.Rank1, f.FNIR, f.WrongMatchRate = ratio(rank1, f.Mated), ratio(misses, f.Mated), ratio(wrong, f.Mated)
	}
	if f.Nonmated > 0 {
		f.FPIR, f.FPIRNist = ratio(falsePos, f.Nonmated), ratio(nist, f.Nonmated)
	}
	return f
}

// differentials compares the groups on each rate (groups where it is
// undefined are left out; ties go to the first group name).
func differentials(groups map[string]*GroupFigures) map[string]*Differential {
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	sort.Strings(names)
	out := map[string]*Differential{}
	for _, rate := range []string{"fnir", "wrong_match_rate", "fpir", "fpir_nist"} {
		var d *Differential
		for _, g := range names {
			f := groups[g]
			v := map[string]*float64{"fnir": f.FNIR, "wrong_match_rate": f.WrongMatchRate, "fpir": f.FPIR, "fpir_nist": f.FPIRNist}[rate]
			if v == nil {
				continue
			}
			if d == nil {
				d = &Differential{Worst: g, WorstValue: *v, Best: g, BestValue: *v}
				continue
			}
			if *v > d.WorstValue {
				d.Worst, d.WorstValue = g, *v
			}
			if *v < d.BestValue {
				d.Best, d.BestValue = g, *v
			}
		}
		if d != nil && d.BestValue > 0 {
			r := d.WorstValue / d.BestValue
			d.Ratio = &r
		}
		out[rate] = d
	}
	return out
}

func summarise(res []probeResult, ms []float64, p Policy) Report {
	f := figuresOf(res, p.Threshold)
	rep := Report{Threshold: p.Threshold, Margin: p.Margin, Mated: f.Mated, Nonmated: f.Nonmated,
		Rank1: f.Rank1, FNIR: f.FNIR, WrongMatchRate: f.WrongMatchRate, FPIR: f.FPIR, FPIRNist: f.FPIRNist,
		FNIRAtFPIR: map[string]*float64{}, ThresholdAtFPIR: map[string]*float64{}}
	var nonmated []float64
	for _, r := range res {
		if !r.mated {
			nonmated = append(nonmated, r.nearest)
		}
	}
	sort.Float64s(nonmated)
	for _, key := range FPIRTargets {
		rep.FNIRAtFPIR[key], rep.ThresholdAtFPIR[key] = nil, nil
		if rep.Mated == 0 || rep.Nonmated == 0 {
			continue
		}
		limit := limitFor(nonmated, fpirTargetValues[key])
		var miss int
		for _, r := range res {
			if r.mated && !(r.rank1 && r.nearest < limit) {
				miss++
			}
		}
		rep.FNIRAtFPIR[key] = ratio(miss, rep.Mated)
		rep.ThresholdAtFPIR[key] = Finite(thresholdBelow(limit, nonmated))
	}
	rep.SearchMsP50 = Percentile(ms, 50)
	rep.SearchMsP95 = Percentile(ms, 95)
	return rep
}

// thresholdBelow is the largest threshold, rounded down to 1e-4, strictly
// below limit (limitFor's); with no limit, the largest finite non-mated
// distance rounded up.
func thresholdBelow(limit float64, sortedNonmated []float64) float64 {
	if math.IsInf(limit, 1) {
		for i := len(sortedNonmated) - 1; i >= 0; i-- {
			if !math.IsInf(sortedNonmated[i], 0) {
				return math.Ceil(sortedNonmated[i]*1e4) / 1e4
			}
		}
		return math.Inf(1)
	}
	t := math.Floor(limit*1e4) / 1e4
	if t >= limit {
		t -= 1e-4
	}
	return max(t, 0)
}

// limitFor returns the non-mated distance a threshold must stay strictly
// below so that at most floor(fpir*N) of the sorted non-mated distances are
// accepted (distance <= threshold); +Inf when every one may be accepted.
func limitFor(sortedNonmated []float64, fpir float64) float64 {
	allowed := int(math.Floor(fpir*float64(len(sortedNonmated)) + 1e-9))
	if allowed >= len(sortedNonmated) {
		return math.Inf(1)
	}
	return sortedNonmated[allowed]
}

// Calibration is the threshold Calibrate found and the FPIR it reaches.
type Calibration struct {
	Threshold float64 `json:"threshold"`
	FPIR      float64 `json:"fpir"`
	Target    float64 `json:"fpir_target"`
	Nonmated  int     `json:"nonmated"`
	// SkippedMated counts probes left out because their subject is in the
	// gallery (they are not non-mated).
	SkippedMated int `json:"skipped_mated"`
}

// Calibrate finds the largest threshold, rounded down to 1e-4, whose FPIR on
// the non-mated probes (nearest-subject distance <= threshold, margin rule
// not applied: it can only lower the FPIR) does not exceed target.
func Calibrate(gallery, probes []Enrolled, target float64) (Calibration, error) {
	if !(target >= 0 && target <= 1) {
		return Calibration{}, fmt.Errorf("calibrate: target FPIR %v is outside [0, 1]", target)
	}
	if len(gallery) == 0 {
		return Calibration{}, errors.New("calibrate: the gallery is empty")
	}
	ix := NewIndex(len(gallery))
	for i := range gallery {
		ix.Add(gallery[i].Subject, &gallery[i].Template)
	}
	c := Calibration{Target: target}
	var nearest []float64
	for i := range probes {
		if ix.Has(probes[i].Subject) {
			c.SkippedMated++
			continue
		}
		if hits := ix.Search(&probes[i].Template, 1); len(hits) > 0 {
			nearest = append(nearest, hits[0].Distance)
		}
	}
	c.Nonmated = len(nearest)
	if c.Nonmated == 0 {
		return c, fmt.Errorf("calibrate: no non-mated probes (%d probes have their subject in the gallery)", c.SkippedMated)
	}
	sort.Float64s(nearest)
	c.Threshold = thresholdBelow(limitFor(nearest, target), nearest)
	accepted := sort.Search(len(nearest), func(i int) bool { return nearest[i] > c.Threshold })
	c.FPIR = float64(accepted) / float64(c.Nonmated)
	return c, nil
}

// Percentile is the nearest-rank percentile (0 < p <= 100) of xs; 0 for none.
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

func ratio(a, b int) *float64 {
	v := float64(a) / float64(b)
	return &v
}
