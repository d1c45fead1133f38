package ui

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"veriport/backend"
	"veriport/officer"
	"veriport/record"
	"veriport/transmit"
)

// With a back end configured the supervisor picks "All booths": the report
// then counts every booth's results from the back end's store.
func TestReportScreenAllBoothsSource(t *testing.T) {
	ctx := context.Background()
	a := test.NewTempApp(t)
	booth := reportStore(t, 30) // this booth: 30 encounters of booth-1
	st, err := backend.OpenStore(ctx, filepath.Join(t.TempDir(), "results.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	all, err := record.ListEncounters(ctx, booth.DB, record.EncounterFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all { // this booth's results, and as many again from booth-2
		for _, station := range []string{"booth-1", "booth-2"} {
			r := transmit.FromEncounter(e)
			r.Station = station
			if station == "booth-2" {
				r.EncounterID = uuid.NewString()
			}
			body, _ := json.Marshal(r)
			if _, err := st.Put(ctx, &r, body, reportNow); err != nil {
				t.Fatal(err)
			}
		}
	}
	settled, wait := settledChan(t)
	w := a.NewWindow("reports")
	scr, err := NewReportScreen(ctx, w, &officer.Session{Role: officer.RoleSupervisor},
		ReportDeps{DB: booth.DB, Backend: st, Now: func() time.Time { return reportNow }, Settled: settled})
	if err != nil {
		t.Fatal(err)
	}
	wait("the booth's report")
	w.SetContent(container.NewStack(scr.Content()))
	if got := figure(scr, "Travelers processed").Text; got != "30" {
		t.Fatalf("this booth: %s travelers, want 30", got)
	}
	scr.source.SetSelected(sourceAll)
	wait("the terminal report")
	if got := figure(scr, "Travelers processed").Text; got != "60" {
		t.Fatalf("all booths: %s travelers, want 60", got)
	}
	if got := figure(scr, "Stations reporting").Text; got != "2" || !strings.Contains(scr.scope.Text, "all booths") {
		t.Fatalf("all booths: %s stations, scope %q", got, scr.scope.Text)
	}
}
