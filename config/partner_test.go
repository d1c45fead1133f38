package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPartnerModeNeedsBackend: a partner purges each photo once its result
// is transmitted; without a back end nothing ever is, and photos would wait
// for their category deadline (up to 14 days). Such settings are refused.
func TestPartnerModeNeedsBackend(t *testing.T) {
	backend := "[gallery]\nservice = \"https://backend:8443\"\nclient_cert = \"/c.pem\"\nclient_key = \"/c.key\"\nca = \"/ca.pem\"\n"
	for _, tc := range []struct {
		name, toml string
		ok         bool
	}{
		{"partner without a back end", "[retention]\nmode = \"partner\"\n", false},
		{"partner with a back end", "[retention]\nmode = \"partner\"\n" + backend, true},
		{"agency without a back end", "[retention]\nmode = \"agency\"\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, FileName), []byte(tc.toml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(Overrides{DataDir: dir})
			if tc.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tc.ok && (err == nil || !strings.Contains(err.Error(), "back end")) {
				t.Fatalf("partner mode without a back end accepted: %v", err)
			}
		})
	}
}
