package bench

import (
	"context"
	"image"
	"io"
	"log/slog"
	"testing"

	"veriport/booth"
	"veriport/encounter"
	"veriport/officer"
	"veriport/record"
)

// The live bench stores each encounter as the workstation does: in a
// record store with its photo in the vault.
func TestBenchRecorderStoresEncounterWithPhoto(t *testing.T) {
	ctx := context.Background()
	rec, closeRec, err := benchRecorder(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer closeRec()
	p, err := encounter.NewPolicy(encounter.DefaultRules(), encounter.SeedRuleSet)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := booth.NewShift(ctx, officer.DemoOfficerID, booth.Config{Station: "bench", Policy: p, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	sh.SetGallery("BENCH", booth.DeciderFunc(func(context.Context, image.Image) (booth.Decision, error) {
		return booth.Decision{Outcome: encounter.OutcomeNoMatch, Distance: 0.9}, nil
	}))
	if _, err := sh.Decide(ctx, image.NewRGBA(image.Rect(0, 0, 64, 48)), image.Rectangle{}, ""); err != nil {
		t.Fatal(err)
	}
	sh.RecordDecision(ctx)
	rows, err := record.ListEncounters(ctx, rec.Store.DB, record.EncounterFilter{})
	if err != nil || len(rows) != 1 || rows[0].PhotoState != record.PhotoStored {
		t.Fatalf("encounters %+v (%v); want one with its photo stored", rows, err)
	}
}
