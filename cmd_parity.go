package main

import (
	"context"
	"io"
	"path/filepath"

	"onebp/bench"
	"onebp/data"
)

func runParity(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("parity", "", stderr)
	var df dataFlags
	df.register(fs)
	seeds := fs.Int("seeds", 5, "runs per strategy, with seeds 2022, 2023, ... (2022 is compared with the reference)")
	epochs := fs.Int("epochs", 300, "epochs per run (the reference figures are after 300)")
	out := fs.String("out", filepath.Join("results", "parity"), "directory for parity.md, parity.txt and curves/parity.svg")
	workers := fs.Int("workers", 0, "worker goroutines (default GOMAXPROCS; never changes a result)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *seeds < 1 || *epochs < 1 {
		fs.Usage()
		return errUsage
	}
	dir, err := data.Dir(df.dir)
	if err != nil {
		return err
	}
	return bench.Parity(ctx, bench.ParityOptions{
		DataDir: dir, Out: *out, Seeds: *seeds, Epochs: *epochs, Workers: *workers, Progress: stderr, Log: stdout,
	})
}
