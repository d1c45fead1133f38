package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestQualityDefaultsFollowDomain(t *testing.T) {
	q := Default().Quality
	// DOMAIN.md: inter-eye >= 90 px; yaw and pitch within 5 degrees, roll within 8.
	if q.InterEyeMin != 90 || q.MaxYaw != 5 || q.MaxPitch != 5 || q.MaxRoll != 8 || q.StableFrames != 5 {
		t.Errorf("defaults %+v differ from DOMAIN.md", q)
	}
	if err := q.validate(); err != nil {
		t.Errorf("defaults invalid: %v", err)
	}
}

func TestQualityValidateNamesTheSetting(t *testing.T) {
	for _, c := range []struct {
		edit func(*Quality)
		key  string
	}{
		{func(q *Quality) { q.InterEyeWarn = q.InterEyeMin + 1 }, "inter_eye"},
		{func(q *Quality) { q.MaxRoll = 0 }, "pose"},
		{func(q *Quality) { q.MaxYaw = 90 }, "pose"},
		{func(q *Quality) { q.MaxOffCentre = 0.8 }, "max_off_centre"},
		{func(q *Quality) { q.LuminanceMin = 200 }, "luminance"},
		{func(q *Quality) { q.MinUniformity = 1.5 }, "min_uniformity"},
		{func(q *Quality) { q.StableFrames = 0 }, "stable_frames"},
		{func(q *Quality) { q.ManualCheckAfterSeconds = 0 }, "manual_check_after_s"},
		{func(q *Quality) { q.ScanIntervalMS = -1 }, "scan interval"},
	} {
		q := DefaultQuality()
		c.edit(&q)
		err := q.validate()
		if err == nil || !strings.Contains(err.Error(), c.key) {
			t.Errorf("%+v: error %v does not name %q", q, err, c.key)
		}
	}
}

func TestQualityReadFromTOML(t *testing.T) {
	dir := t.TempDir()
	toml := "[quality]\ninter_eye_min_px = 100\nstable_frames = 8\nmanual_check_after_s = 20\n"
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(Overrides{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	q := c.Quality
	if q.InterEyeMin != 100 || q.StableFrames != 8 || q.ManualCheckAfterSeconds != 20 || q.MaxRoll != 8 {
		t.Errorf("quality section not read over defaults: %+v", q)
	}
}
