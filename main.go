// Command veriport is the face verification workstation. main only wires:
// signals to a context, and the command line to the components.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"veriport/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx)
	stop()
	os.Exit(code)
}
