// Package app builds the workstation's parts from its settings, the one
// construction path the workstation window, the commands and the
// benchmarks share: the record store with its master key checked, the
// officers table, the decision policy per engine and the face engine as
// the workstation opens it. Open opens the whole workstation (camera,
// profile's store, workstation lock, purge job, result sender, memory
// watch, live capture checks, officer workflow) and Workstation.Close
// releases it in reverse order. It holds no Fyne and no command-line
// parsing; the texts officers read are ui's.
package app
