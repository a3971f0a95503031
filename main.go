package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signalContext()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	signalled := context.Cause(ctx)
	stop()
	if err != nil {
		switch {
		case errors.Is(err, context.Canceled) && signalled != nil:
			// What finished is saved, and the command said where; the
			// error chain ends in "context canceled", which says nothing.
			fmt.Fprintln(os.Stderr, "onebp:", signalled)
		case !errors.Is(err, errUsage):
			fmt.Fprintln(os.Stderr, "onebp:", err)
		}
		os.Exit(exitCode(err))
	}
}

// stopSignals stop a command as Ctrl-C does: SIGTERM is what Slurm and
// Kubernetes send before they kill a job.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// signalContext is cancelled, with the signal as its cause, by the first
// of stopSignals; a second one kills the process as it would without us.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, stopSignals...)
	go func() {
		select {
		case s := <-sigs:
			signal.Stop(sigs)
			name := map[os.Signal]string{os.Interrupt: "SIGINT (Ctrl-C)", syscall.SIGTERM: "SIGTERM"}[s]
			cancel(fmt.Errorf("interrupted by %s: finished work is saved", name))
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(sigs); cancel(nil) }
}
