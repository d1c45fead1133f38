package gallery

import (
	"errors"
	"strings"
	"testing"
	"time"

	"veriport/verify"
)

func TestBuildGroupsAndCategorises(t *testing.T) {
	csv := "subject,category,reason,name,seat\n" +
		"T1,us-citizen,,Test Person One,12A\n" +
		"T2,exempt,A-1 visa holder,,\n"
	st, err := ReadStandings(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	var tpl verify.Template
	tpl[0] = 0.5
	in := []Enrolled{{Subject: "T2", Template: tpl}, {Subject: "T1", Template: tpl, Source: "visa"},
		{Subject: "T1", Template: tpl, Source: "prior-entry"}}
	h := Header{Flight: testFlight(), IssuedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	b, err := Build(h, in, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Entries) != 2 || b.Entries[0].Traveler != "T1" || len(b.Entries[0].Templates) != 2 {
		t.Fatalf("entries %+v", b.Entries)
	}
	e1, e2 := b.Entries[0], b.Entries[1]
	if e1.Category != CategoryUSCitizen || e1.Field("name") != "Test Person One" || e1.Field("seat") != "12A" ||
		e1.Templates[1].Source != SourcePriorEntry {
		t.Fatalf("T1 %+v", e1)
	}
	if e2.Category != CategoryExempt || e2.Exemption != "A-1 visa holder" || len(e2.Display) != 0 {
		t.Fatalf("T2 %+v", e2)
	}
	if _, err := Build(h, append(in, Enrolled{Subject: "T3"}), st); !errors.Is(err, ErrMalformed) {
		t.Fatalf("subject missing from categories: got %v", err)
	}
	if _, err := Build(h, []Enrolled{{Subject: "T1", Source: "selfie"}}, nil); !errors.Is(err, ErrMalformed) {
		t.Fatalf("unknown source: got %v", err)
	}
	if _, err := ReadStandings(strings.NewReader("subject,category\nT1,tourist\n")); !errors.Is(err, ErrMalformed) {
		t.Fatalf("unknown category: got %v", err)
	}
}

// TestGalleryWithoutCategoriesIsUnknown: a gallery built without a
// categories file marks its travelers "unknown" (retention's shortest rule),
// never in-scope (14 days), and the category survives signing and opening.
func TestGalleryWithoutCategoriesIsUnknown(t *testing.T) {
	var tpl verify.Template
	tpl[0] = 0.5
	in := []Enrolled{{Subject: "T1", Template: tpl}, {Subject: "T2", Template: tpl}}
	h := Header{Flight: testFlight(), IssuedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	b, err := Build(h, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	key := newKey(t)
	data, err := Sign(b, key)
	if err != nil {
		t.Fatal(err)
	}
	opened, err := Open(data, ringOf(key), t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range opened.Entries {
		if e.Category.String() != "unknown" {
			t.Fatalf("traveler %s built without categories is %q; want unknown (the shortest retention rule)",
				e.Traveler, e.Category)
		}
	}
	if c, err := ParseCategory("unknown"); err != nil || c.String() != "unknown" {
		t.Fatalf("categories file saying unknown: %v", err)
	}
}

func TestStateText(t *testing.T) {
	exp := t0.Add(24 * time.Hour)
	good := &Record{Good: true, ExpiresAt: exp, StoredAt: t0}
	cases := []struct {
		rec  *Record
		now  time.Time
		want string
	}{
		{nil, t0, "not downloaded"},
		{good, t0, "fresh"},
		{good, exp.Add(-2*time.Hour - 5*time.Minute), "expires in 2h 5m"},
		{good, exp.Add(-30 * time.Second), "less than a minute"},
		{good, exp, "expired"},
		{&Record{Refusal: &Refusal{At: t0, Reason: "expired at x"}}, t0, "refused: expired at x"},
	}
	for _, c := range cases {
		if got := (Status{Record: c.rec}).State(c.now); !strings.HasSuffix(got, c.want) {
			t.Errorf("state at %v = %q, want %q", c.now, got, c.want)
		}
	}
}

// BenchmarkLoad42k measures verify + decode + load of a 42,000-traveler
// bundle (one template each), the gallery_load_ms_42k figure.
func BenchmarkLoad42k(b *testing.B) {
	key := newKey(b)
	f := testFlight()
	bundle := &Bundle{Header: Header{Flight: f, IssuedAt: t0, ExpiresAt: f.Departure.Add(DefaultGrace)},
		Entries: SyntheticEntries(42_000, 1)}
	for i := range bundle.Entries {
		bundle.Entries[i].Templates = bundle.Entries[i].Templates[:1]
	}
	data, err := Sign(bundle, key)
	if err != nil {
		b.Fatal(err)
	}
	ring := ringOf(key)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		got, err := Open(data, ring, t0)
		if err != nil {
			b.Fatal(err)
		}
		idx := &sliceIndex{}
		Load(got, verify.EngineDlib, idx)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/load")
}
