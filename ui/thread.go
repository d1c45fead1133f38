package ui

import "fyne.io/fyne/v2"

// uiDo and uiDoAndWait hand work to the UI thread: fyne.Do and
// fyne.DoAndWait. Every background-to-UI call in this package goes through
// them, so the package's tests can serialise those calls: Fyne's test driver
// has no UI thread and runs each function on the goroutine that hands it
// over (see thread_test.go).
var (
	uiDo        = fyne.Do
	uiDoAndWait = fyne.DoAndWait
)
