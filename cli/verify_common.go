package cli

import (
	"errors"
	"fmt"
	"image"
	"io/fs"
	"os"

	"veriport/verify"
)

// verifyReadTemplates reads a template file, naming the file in every error.
func verifyReadTemplates(path, what string) ([]verify.Enrolled, error) {
	if path == "" {
		return nil, fmt.Errorf("--%s is required", what)
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s %s: file not found", what, path)
		}
		return nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	defer f.Close()
	es, err := verify.ReadTemplates(f)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	if len(es) == 0 {
		return nil, fmt.Errorf("%s %s: no templates in the file", what, path)
	}
	return es, nil
}

// verifyLoadImage decodes an image file with a message for each failure.
func verifyLoadImage(path string) (image.Image, error) {
	if path == "" {
		return nil, errors.New("--image is required")
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("image %s: file not found", path)
	case err != nil:
		return nil, fmt.Errorf("image %s: %w", path, err)
	case st.IsDir():
		return nil, fmt.Errorf("image %s: is a folder, not an image file", path)
	}
	img, err := verify.LoadImage(path)
	if errors.Is(err, verify.ErrNotImage) {
		return nil, fmt.Errorf("image %s: not a JPEG or PNG image", path)
	}
	return img, err
}

// verifyIndex builds the 1:N index of a gallery file's templates.
func verifyIndex(es []verify.Enrolled) *verify.Index {
	ix := verify.NewIndex(len(es))
	for i := range es {
		ix.Add(es[i].Subject, &es[i].Template)
	}
	return ix
}

// templatesEngine is the one engine of a template file's templates.
func templatesEngine(es []verify.Enrolled, path string) (verify.EngineName, error) {
	n, err := verify.EngineOf(es)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
}
