package cli

import (
	"strings"
	"testing"

	"veriport/bench"
)

// An unknown --only name is refused with the list of known ones, before
// anything runs.
func TestBenchOnlyRefusesUnknownNames(t *testing.T) {
	if len(bench.Names()) == 0 {
		t.Fatal("no measurements registered")
	}
	code, out, errs := runIn(t, "", "bench", "--only", "no-such-bench", "--json")
	if code == 0 || strings.Contains(out, "{}") {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errs, "no-such-bench") || !strings.Contains(errs, bench.Names()[0]) {
		t.Errorf("message does not name the unknown and the known measurements: %q", errs)
	}
	if strings.Contains(errs, "bench: ") {
		t.Errorf("a measurement ran: %q", errs)
	}
}
