// Package app builds the workstation's parts from its settings, the one
// construction path the workstation window, the commands and the
// benchmarks share: the record store with its master key checked, the
// officers table, the decision policy per engine and the face engine as
// the workstation opens it. It holds no Fyne and no command-line parsing.
package app
