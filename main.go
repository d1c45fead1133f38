// Command veriport is the face verification workstation. main only wires:
// signals to a context, the release version from FyneApp.toml, and the
// command line to the components.
package main

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"veriport/cli"
	"veriport/version"
)

// fyneApp is FyneApp.toml: its Version is the release version, the one
// place it is kept (scripts/version.sh reads the same file).
//
//go:embed FyneApp.toml
var fyneApp []byte

func init() {
	if err := version.SetRelease(fyneApp); err != nil {
		fmt.Fprintln(os.Stderr, "veriport: release version:", err)
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx)
	stop()
	os.Exit(code)
}
