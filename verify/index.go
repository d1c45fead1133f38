package verify

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
)

// Hit is one subject found by a search: its best (smallest) distance over
// its templates.
type Hit struct {
	Subject  string
	Distance float64 // plain Euclidean
}

// Index is an in-memory 1:N gallery. Templates live in one contiguous
// []float32 (128 floats each, in insertion order) with a parallel array of
// subject numbers, so a search is one sequential pass over memory. Search is
// exact: every template is scored in full. A subject may have several
// templates; its score is its best template. Search may run concurrently
// with other searches; Add takes a write lock.
type Index struct {
	mu    sync.RWMutex
	data  []float32 // Len()*TemplateLen floats
	subj  []int32   // template -> subject number
	names []string  // subject number -> subject id
	ids   map[string]int32
	pool  sync.Pool // *scratch
}

type scratch struct {
	best []float32 // per subject, squared distance
}

// NewIndex returns an empty index with room for capacity templates.
func NewIndex(capacity int) *Index {
	capacity = max(capacity, 0)
	return &Index{
		data: make([]float32, 0, capacity*TemplateLen),
		subj: make([]int32, 0, capacity),
		ids:  make(map[string]int32),
	}
}

// Add appends a template for subject (several per subject are allowed).
func (ix *Index) Add(subject string, t *Template) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	s, ok := ix.ids[subject]
	if !ok {
		s = int32(len(ix.names))
		ix.ids[subject] = s
		ix.names = append(ix.names, subject)
	}
	ix.data = append(ix.data, t[:]...)
	ix.subj = append(ix.subj, s)
}

// Len is the number of templates.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.subj)
}

// Subjects is the number of distinct subjects.
func (ix *Index) Subjects() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.names)
}

// Has reports whether subject has at least one template in the index.
func (ix *Index) Has(subject string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, ok := ix.ids[subject]
	return ok
}

// Search returns at most k subjects nearest to probe, ascending by distance
// (ties by subject id). Each subject's distance is that of its best template,
// as the vector kernel computes it: it may differ from Distance in the
// seventh significant digit (another order of float32 additions).
func (ix *Index) Search(probe *Template, k int) []Hit {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ns := len(ix.names)
	if k <= 0 || ns == 0 {
		return nil
	}
	k = min(k, ns)
	sc := ix.scratch(ns)
	defer ix.pool.Put(sc)
	best := sc.best[:ns]
	for i := range best {
		best[i] = float32(math.Inf(1))
	}
	bestPerSubject(probe, ix.data, ix.subj, best)
	top := topK(best, ix.names, k)
	hits := make([]Hit, len(top))
	for i, s := range top {
		hits[i] = Hit{Subject: ix.names[s], Distance: math.Sqrt(float64(best[s]))}
	}
	slices.SortStableFunc(hits, func(a, b Hit) int {
		if c := cmp.Compare(a.Distance, b.Distance); c != 0 {
			return c
		}
		return strings.Compare(a.Subject, b.Subject)
	})
	return hits
}

// ScanFloor reads every template float once, sequentially, with eight
// independent accumulators and nothing else: the fastest plain pass over the
// same memory Search reads, the floor its time is compared with.
func (ix *Index) ScanFloor() float32 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return sumFloats(ix.data)
}

func (ix *Index) scratch(ns int) *scratch {
	sc, _ := ix.pool.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	if cap(sc.best) < ns {
		sc.best = make([]float32, ns)
	}
	return sc
}

// topK returns the numbers of the k smallest finite entries of best,
// ascending, ties broken by subject id (names[number]; by lower number when
// names is nil), so that every k ranks equal distances alike. Subjects
// whose every distance was NaN or infinite are never returned.
func topK(best []float32, names []string, k int) []int32 {
	before := func(a, b int32) bool {
		if best[a] != best[b] {
			return best[a] < best[b]
		}
		if names != nil {
			return names[a] < names[b]
		}
		return a < b
	}
	top := make([]int32, 0, k)
	inf := float32(math.Inf(1))
	for i, d := range best {
		s := int32(i)
		if !(d < inf) || (len(top) == k && !before(s, top[k-1])) {
			continue
		}
		// Insert keeping top sorted by (distance, id).
		pos := len(top)
		for pos > 0 && before(s, top[pos-1]) {
			pos--
		}
		if len(top) < k {
			top = append(top, 0)
		}
		copy(top[pos+1:], top[pos:len(top)-1])
		top[pos] = s
	}
	return top
}
