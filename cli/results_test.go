package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"veriport/backend"
	"veriport/transmit"
)

// A back end (an older one, or one that stored results unvalidated) may
// hold strings with control characters: the text listing prints them
// escaped, so a stored newline cannot forge a line.
func TestResultsListEscapesControlChars(t *testing.T) {
	certs, err := backend.WriteDevCerts(t.TempDir(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	tlsCfg, err := backend.ServerTLS(certs.ServerCert, certs.ServerKey, certs.CA)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	listing := []transmit.Stored{
		{Result: transmit.Result{EncounterID: "0b7f3c1e-7d1a-4d8e-9a51-3f0c2b9e4a11", Station: "booth-1\n2026-11-26T09:00:00Z  forged-id  match      VP101     booth-9",
			Flight: "VP101", Time: day, Outcome: "match"}},
		{Result: transmit.Result{EncounterID: "1c8f3c1e-7d1a-4d8e-9a51-3f0c2b9e4a12", Station: "booth-2\x1b[2K\r",
			Flight: "VP\t101", Time: day, Outcome: "no-match\u2028"}},
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(listing)
	}))
	srv.TLS = tlsCfg
	srv.StartTLS()
	defer srv.Close()
	code, out, errs := run(t, "--data-dir", t.TempDir(), "results", "list", "--server", srv.URL, "--date", "2026-11-26",
		"--cert", certs.ClientCert, "--key", certs.ClientKey, "--ca", certs.CA)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(listing)+1 {
		t.Fatalf("%d lines for %d results (a stored string forged a line):\n%s", len(lines), len(listing), out)
	}
	if strings.ContainsAny(out, "\x1b\r\t\u2028") {
		t.Fatalf("control characters printed raw: %q", out)
	}
	if !strings.Contains(lines[0], `booth-1\n2026`) || !strings.Contains(lines[1], `\x1b[2K\r`) {
		t.Fatalf("stored strings not shown escaped:\n%s", out)
	}
}
