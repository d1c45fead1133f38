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
	Mated     int      `json:"mated"`
	Nonmated  int      `json:"nonmated"`
	Rank1     *float64 `json:"rank1"`
	Threshold float64  `json:"threshold"`
	Margin    float64  `json:"-"` // the policy's margin, used for FNIR and FPIR
	FNIR      *float64 `json:"fnir"`
	FPIR      *float64 `json:"fpir"`
	// FNIRAtFPIR maps each of FPIRTargets to the lowest FNIR whose FPIR does
	// not exceed it, by nearest-subject distance only (no margin rule).
	FNIRAtFPIR  map[string]*float64 `json:"fnir_at_fpir"`
	SearchMsP50 float64             `json:"search_ms_p50"`
	SearchMsP95 float64             `json:"search_ms_p95"`
}

// probeResult is one probe's search outcome.
type probeResult struct {
	mated    bool
	rank1    bool    // nearest subject is the probe's own
	nearest  float64 // nearest-subject distance
	decision Decision
	truth    string
}

// Evaluate searches every probe against the gallery. A probe whose subject
// is in the gallery is mated, else non-mated. At the policy: FNIR is the
// share of mated probes not decided MATCH with their own subject; FPIR the
// share of non-mated probes decided MATCH (an AMBIGUOUS result is a manual
// check, not a positive identification).
func Evaluate(gallery, probes []Enrolled, p Policy) (Report, error) {
	if len(gallery) == 0 {
		return Report{}, errors.New("evaluate: the gallery is empty")
	}
	if len(probes) == 0 {
		return Report{}, errors.New("evaluate: no probes")
	}
	ix := NewIndex(len(gallery))
	for i := range gallery {
		ix.Add(gallery[i].Subject, &gallery[i].Template)
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
	return summarise(res, ms, p), nil
}

func summarise(res []probeResult, ms []float64, p Policy) Report {
	rep := Report{Threshold: p.Threshold, Margin: p.Margin, FNIRAtFPIR: map[string]*float64{}}
	var rank1, misses, falsePos int
	var nonmated []float64
	for _, r := range res {
		if r.mated {
			rep.Mated++
			if r.rank1 {
				rank1++
			}
			if r.decision.Outcome != OutcomeMatch || r.decision.Subject != r.truth {
				misses++
			}
		} else {
			rep.Nonmated++
			nonmated = append(nonmated, r.nearest)
			if r.decision.Outcome == OutcomeMatch {
				falsePos++
			}
		}
	}
	if rep.Mated > 0 {
		rep.Rank1 = ratio(rank1, rep.Mated)
		rep.FNIR = ratio(misses, rep.Mated)
	}
	if rep.Nonmated > 0 {
		rep.FPIR = ratio(falsePos, rep.Nonmated)
	}
	sort.Float64s(nonmated)
	for _, key := range FPIRTargets {
		rep.FNIRAtFPIR[key] = nil
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
	}
	rep.SearchMsP50 = Percentile(ms, 50)
	rep.SearchMsP95 = Percentile(ms, 95)
	return rep
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
	limit := limitFor(nearest, target)
	if math.IsInf(limit, 1) {
		c.Threshold = math.Ceil(nearest[len(nearest)-1]*1e4) / 1e4 // accept all
	} else {
		c.Threshold = math.Floor(limit*1e4) / 1e4
		if c.Threshold >= limit {
			c.Threshold -= 1e-4
		}
		c.Threshold = max(c.Threshold, 0)
	}
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
