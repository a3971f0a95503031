// Command onebp is a reproducible benchmark harness for "One Backpropagation
// in Two Tower Recommendation Models" (Chen & Wang, arXiv:2403.18227): it
// trains OneBP and TwoBP on public datasets and reports accuracy, time and
// memory. Run "onebp help" for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "onebp:", err)
		}
		os.Exit(exitCode(err))
	}
}
