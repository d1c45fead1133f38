package ui

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"veriport/officer"
	"veriport/report"
)

// TestReportScreenMarksDemo: the shift report of the demo profile says
// DEMO in its heading and scope line, and its exports carry DEMO in their
// name and content; a real station's report says nothing of the kind.
func TestReportScreenMarksDemo(t *testing.T) {
	a := test.NewTempApp(t)
	st := reportStore(t, 20)
	sup := &officer.Session{OfficerID: "s.one", Role: officer.RoleSupervisor}
	for _, demo := range []bool{true, false} {
		var mu sync.Mutex
		saved := map[string][]byte{}
		settled, wait := settledChan(t)
		scr, err := NewReportScreen(context.Background(), a.NewWindow("reports"), sup, ReportDeps{DB: st.DB,
			Options: report.Options{BacklogWarn: 15 * time.Minute, Demo: demo}, Now: func() time.Time { return reportNow },
			Save: func(name string, data []byte) error {
				mu.Lock()
				defer mu.Unlock()
				saved[name] = data
				return nil
			}, Settled: settled})
		if err != nil {
			t.Fatal(err)
		}
		wait("the first report")
		if got := strings.Contains(scr.title.Text, "DEMO"); got != demo {
			t.Errorf("demo %v: heading %q", demo, scr.title.Text)
		}
		if got := strings.Contains(scr.scope.Text, "DEMO"); got != demo {
			t.Errorf("demo %v: scope %q", demo, scr.scope.Text)
		}
		test.Tap(scr.csv)
		wait("the CSV export")
		mu.Lock()
		if len(saved) != 1 {
			t.Fatalf("demo %v: %d files saved", demo, len(saved))
		}
		for name, data := range saved {
			if strings.Contains(name, "DEMO") != demo || bytes.HasPrefix(data, []byte("# DEMO")) != demo {
				t.Errorf("demo %v: export %s starts %.40q", demo, name, data)
			}
		}
		mu.Unlock()
	}
}
