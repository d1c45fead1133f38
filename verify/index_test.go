package verify

import (
	"fmt"
	"math"
	"sort"
	"testing"
)

// bruteForce is the reference search: every template with Distance.
func bruteForce(subjects []string, ts []Template, probe *Template, k int) []Hit {
	best := map[string]float64{}
	for i := range ts {
		d := Distance(probe, &ts[i])
		if b, ok := best[subjects[i]]; !ok || d < b {
			best[subjects[i]] = d
		}
	}
	var hits []Hit
	for s, d := range best {
		hits = append(hits, Hit{s, d})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Distance != hits[j].Distance {
			return hits[i].Distance < hits[j].Distance
		}
		return hits[i].Subject < hits[j].Subject
	})
	return hits[:min(k, len(hits))]
}

func TestSearchMatchesBruteForce(t *testing.T) {
	syn := NewSynth(1)
	// 5000 templates (more than one kernel block) over 1700 subjects, several
	// templates for some.
	var subjects []string
	var ts []Template
	centres := make([]Template, 1700)
	for i := range centres {
		centres[i] = syn.Subject()
	}
	for i := range 5000 {
		s := i % len(centres)
		subjects = append(subjects, fmt.Sprintf("p%04d", s))
		ts = append(ts, syn.Sample(&centres[s]))
	}
	ix := NewIndex(0)
	for i := range ts {
		ix.Add(subjects[i], &ts[i])
	}
	if ix.Len() != 5000 || ix.Subjects() != 1700 {
		t.Fatalf("Len %d Subjects %d, want 5000 1700", ix.Len(), ix.Subjects())
	}
	for q := range 30 {
		probe := syn.Sample(&centres[q*37%len(centres)])
		if q%3 == 0 {
			probe = syn.Subject() // non-mated
		}
		for _, k := range []int{1, 2, 10} {
			got := ix.Search(&probe, k)
			want := bruteForce(subjects, ts, &probe, k)
			if len(got) != len(want) {
				t.Fatalf("probe %d k %d: %d hits, want %d", q, k, len(got), len(want))
			}
			for i := range got {
				if got[i].Subject != want[i].Subject || math.Abs(got[i].Distance-want[i].Distance) > 1e-6 {
					t.Fatalf("probe %d k %d hit %d = %+v, want %+v", q, k, i, got[i], want[i])
				}
			}
		}
	}
}

func TestSearchBestTemplatePerSubject(t *testing.T) {
	var a1, a2, b Template
	a1[0], a2[0], b[0] = 3, 1, 2
	ix := NewIndex(3)
	ix.Add("a", &a1)
	ix.Add("b", &b)
	ix.Add("a", &a2)
	var probe Template
	got := ix.Search(&probe, 5)
	want := []Hit{{"a", 1}, {"b", 2}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Search = %+v, want %+v (one hit per subject, its best template)", got, want)
	}
	if ix.Len() != 3 || ix.Subjects() != 2 || !ix.Has("a") || ix.Has("c") {
		t.Errorf("Len %d Subjects %d Has(a) %v Has(c) %v", ix.Len(), ix.Subjects(), ix.Has("a"), ix.Has("c"))
	}
}

func TestSearchEdgeCases(t *testing.T) {
	var probe Template
	if hits := NewIndex(0).Search(&probe, 3); hits != nil {
		t.Errorf("empty index: %+v", hits)
	}
	ix := NewIndex(1)
	var one, nan Template
	one[5] = 1
	nan[0] = float32(math.NaN())
	ix.Add("one", &one)
	ix.Add("nan", &nan)
	if hits := ix.Search(&probe, 0); hits != nil {
		t.Errorf("k=0: %+v", hits)
	}
	hits := ix.Search(&probe, 5)
	if len(hits) != 1 || hits[0] != (Hit{"one", 1}) {
		t.Errorf("Search = %+v, want only subject one at 1 (NaN template never a hit)", hits)
	}
}

func TestTopKTies(t *testing.T) {
	best := []float32{2, 1, 1, 3, 0.5, 1}
	got := topK(best, nil, 3)
	want := []int32{4, 1, 2}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("topK = %v, want %v", got, want)
		}
	}
}

func TestScanFloorSumsEveryFloat(t *testing.T) {
	ix := NewIndex(3)
	var tt Template
	for i := range tt {
		tt[i] = 0.5
	}
	for range 3 {
		ix.Add("x", &tt)
	}
	if got := ix.ScanFloor(); got != 3*128*0.5 {
		t.Errorf("ScanFloor = %v, want %v", got, 3*128*0.5)
	}
	if got := sumFloats(make([]float32, 7)); got != 0 {
		t.Errorf("sum of short tail = %v", got)
	}
	if got := sumFloats([]float32{1, 2, 3}); got != 6 {
		t.Errorf("sum of 1,2,3 = %v", got)
	}
}

func TestSearchConcurrent(t *testing.T) {
	ix := SyntheticIndex(3000, 7)
	probe := NewSynth(8).Subject()
	want := ix.Search(&probe, 2)
	done := make(chan []Hit)
	for range 4 {
		go func() { done <- ix.Search(&probe, 2) }()
	}
	for range 4 {
		if got := <-done; got[0] != want[0] || got[1] != want[1] {
			t.Errorf("concurrent search %+v, want %+v", got, want)
		}
	}
}

func TestSearchTiesSameOrderAtEveryK(t *testing.T) {
	syn := NewSynth(7)
	tmpl := syn.Subject()
	ix := NewIndex(3)
	// Equal distances, added in the order opposite to their ids.
	ix.Add("zulu", &tmpl)
	ix.Add("alpha", &tmpl)
	ix.Add("mike", &tmpl)
	probe := syn.Subject()
	var first []string
	for k := 1; k <= 3; k++ {
		hits := ix.Search(&probe, k)
		if len(hits) != k {
			t.Fatalf("k=%d: %d hits", k, len(hits))
		}
		got := make([]string, k)
		for i, h := range hits {
			got[i] = h.Subject
		}
		if k == 1 {
			first = got
		}
		if got[0] != first[0] {
			t.Errorf("k=%d: best is %q, at k=1 it is %q: ties broken differently", k, got[0], first[0])
		}
		if k == 2 && got[0] != "alpha" {
			t.Errorf("k=2 order %v, want ties by subject id (alpha first)", got)
		}
	}
}
