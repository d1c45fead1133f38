package encounter

import (
	"testing"
	"time"
)

func BenchmarkParseMRZ(b *testing.B) {
	in := specimen1 + "\n" + specimen2
	for b.Loop() {
		if _, err := ParseMRZ(in, today); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/zone")
}

func BenchmarkPolicyDecide(b *testing.B) {
	p, err := NewPolicy(DefaultRules(), InForce)
	if err != nil {
		b.Fatal(err)
	}
	tr := Traveler{Nationality: "DEU", BirthDate: adult, VisaClass: "nato6", Flags: []Flag{FlagAttendant}}
	for b.Loop() {
		if _, err := p.Decide(tr, encounterDay); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(time.Microsecond), "µs/decision")
}
