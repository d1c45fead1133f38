package verify

import (
	"encoding/json"
	"math"
	"testing"
)

func TestPolicyDecide(t *testing.T) {
	p := Policy{Threshold: 0.5, Margin: 0.05}
	inf := math.Inf(1)
	cases := []struct {
		name string
		hits []Hit
		want Decision
	}{
		{"no hits", nil, Decision{Outcome: OutcomeNoMatch, Subject: "", Distance: inf, Margin: inf}},
		{"single subject under T", []Hit{{"a", 0.3}}, Decision{Outcome: OutcomeMatch, Subject: "a", Distance: 0.3, Margin: inf}},
		{"at T with margin", []Hit{{"a", 0.5}, {"b", 0.55}}, Decision{Outcome: OutcomeMatch, Subject: "a", Distance: 0.5, Margin: 0.55 - 0.5}},
		{"over T", []Hit{{"a", 0.5001}, {"b", 0.9}}, Decision{Outcome: OutcomeNoMatch, Subject: "", Distance: 0.5001, Margin: 0.9 - 0.5001}},
		{"small margin", []Hit{{"a", 0.40}, {"b", 0.43}}, Decision{Outcome: OutcomeAmbiguous, Subject: "a", Distance: 0.40, Margin: 0.43 - 0.40}},
		{"second also under T but far", []Hit{{"a", 0.2}, {"b", 0.45}}, Decision{Outcome: OutcomeMatch, Subject: "a", Distance: 0.2, Margin: 0.45 - 0.2}},
		{"NaN", []Hit{{"a", math.NaN()}}, Decision{Outcome: OutcomeNoMatch, Subject: "", Distance: math.NaN(), Margin: inf}},
	}
	for _, c := range cases {
		got := p.Decide(c.hits)
		same := got.Outcome == c.want.Outcome && got.Subject == c.want.Subject &&
			(got.Distance == c.want.Distance || math.IsNaN(got.Distance) && math.IsNaN(c.want.Distance)) &&
			(math.Abs(got.Margin-c.want.Margin) < 1e-12 || got.Margin == c.want.Margin)
		if !same {
			t.Errorf("%s: Decide = %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestDecisionJSONWritesNullForInfinity(t *testing.T) {
	b, err := json.Marshal(Policy{Threshold: 0.5}.Decide([]Hit{{"a", 0.25}}))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"decision":"match","subject":"a","distance":0.25,"margin":null}`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
}
