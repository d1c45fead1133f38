package ui

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"veriport/booth"
	"veriport/encounter"
	"veriport/gallery"
	"veriport/officer"
)

// The sentences an officer reads are made from an error's kind, never from
// its text: an error carrying a detail of the log (a path, a driver
// message) yields a sentence without it, and one the officer can act on.
func TestOfficerTextNeverCarriesTheErrorText(t *testing.T) {
	const detail = "sqlite: disk I/O error at /var/lib/veriport/records.db"
	plain := errors.New(detail)
	cases := []struct {
		name string
		say  func(error) string
		err  error
		want string // a part of the sentence expected
	}{
		{"manual refused", formText, booth.E("manual check", booth.NotNow, plain), "finish this traveler"},
		{"no gallery", captureRefusal, booth.E("capture", booth.NoGallery, plain), "[Alt+F]"},
		{"pose", notDecided, booth.E("decide", booth.Pose, plain), "capture again [Alt+C]"},
		{"not attested", manualText, fmt.Errorf("%w: %w", encounter.ErrNotAttested, plain), "attestation"},
		{"no reason", manualText, booth.E("manual check", booth.NoOverrideReason, plain), "Give the reason"},
		{"manual not saved", manualText, plain, "tell a supervisor"},
		{"opt-out not saved", optOutText, plain, "tell a supervisor"},
		{"form", formText, plain, "tell a supervisor"},
		{"signature", galleryReason, fmt.Errorf("%w: %w", gallery.ErrSignature, plain), "signature"},
		{"download", galleryReason, plain, "tell a supervisor"},
		{"admin", adminMessage, fmt.Errorf("%w: %w", officer.ErrUnknownOfficer, plain), "No such officer"},
		{"admin other", adminMessage, plain, "tell a supervisor"},
		{"report", func(err error) string { return reportText("Report failed", err) }, plain, "records could not be read"},
		{"mrz layout", mrzUnread, fmt.Errorf("%w: %w", encounter.ErrMRZLines, plain), "two lines"},
	}
	for _, c := range cases {
		got := c.say(c.err)
		if strings.Contains(got, "sqlite") || strings.Contains(got, "/var/lib") || strings.Contains(got, c.err.Error()) {
			t.Errorf("%s: the error's text reached the officer: %q", c.name, got)
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: %q does not say %q", c.name, got, c.want)
		}
	}
	if got := loginMessage(plain); strings.Contains(got, "sqlite") {
		t.Errorf("login: %q", got)
	}
}

// No screen builds officer text from err.Error(): the only calls to Error()
// in the package's own files, outside log calls (the log has the error), are
// on the MRZ's FieldErrors (written for the officer) in travelerform.go, and
// the models' status line, which names what stopped the models loading
// (TestOtherModelErrorsNotMistakenForMissing).
func TestNoErrorTextPastedIntoScreens(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"travelerform.go:e": true, "travelerform.go:fe": true, "mainwindow.go:err": true}
	logCall := map[string]bool{"Debug": true, "Info": true, "Warn": true, "Error": true, "Log": true}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		var stack []ast.Node
		ast.Inspect(file, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return true
			}
			stack = append(stack, n)
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Error" {
				return true
			}
			for _, a := range stack[:len(stack)-1] { // an argument of a log call
				if c, ok := a.(*ast.CallExpr); ok {
					if s, ok := c.Fun.(*ast.SelectorExpr); ok && logCall[s.Sel.Name] && len(c.Args) > 0 {
						return true
					}
				}
			}
			recv := fmt.Sprint(sel.X)
			if id, ok := sel.X.(*ast.Ident); ok {
				recv = id.Name
			}
			if !allowed[f+":"+recv] {
				t.Errorf("%s: %s.Error() — officer text is made in messages.go from the error's kind", fset.Position(call.Pos()), recv)
			}
			return true
		})
	}
}
