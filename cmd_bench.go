package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"onebp/bench"
	"onebp/data"
)

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench", "", stderr)
	var df dataFlags
	df.register(fs)
	datasets := fs.String("datasets", strings.Join(data.Names(), ","), "comma-separated datasets: registered names or "+data.SpecForms+"; missing registered ones are listed and skipped")
	preset := bench.PresetQuick
	fs.TextVar(&preset, "preset", bench.PresetQuick, bench.DescribePresets())
	out := fs.String("out", "", "results directory to (re)write (default results/PRESET, the repository's own; the validated one's summary is README.md's headline)")
	seeds := fs.Int("seeds", 1, "model seeds per dataset and strategy: the preset's seed and the next N-1")
	shard := fs.String("shard", "", "run only part K of N of the jobs (K/N, 1 <= K <= N), for several processes sharing -out; then -rewrite")
	dim := fs.Int("dim", 0, "override the preset's embedding dimension (a reduced-dimension run; say so in -out)")
	checkpointEvery := fs.Duration("checkpoint-every", time.Minute, "how often a running job saves its checkpoint in OUT/checkpoints, so an interrupted suite resumes it")
	workers := fs.Int("workers", 0, "worker goroutines (default GOMAXPROCS; never changes a result)")
	epochs := fs.Int("epochs", 0, "override the preset's number of epochs (for a smoke run)")
	rewrite := fs.Bool("rewrite", false, "train nothing: regenerate the reports and the README summary from the run records in -out")
	status := fs.Bool("status", false, "train and write nothing: say where each of the jobs (of -shard's part) stands in -out: recorded, started (its checkpoint's epoch and age) or to run")
	readme := fs.String("readme", "", "rewrite the results summary between the markers of this README (default: README.md when -out is the default, else none)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *status && *rewrite {
		return badArg(errors.New("-status and -rewrite exclude each other: one reports, the other rewrites"))
	}
	if *out == "" {
		*out = filepath.Join("results", string(preset))
		if *readme == "" && preset == bench.PresetValidated {
			*readme = "README.md"
		}
	}
	var sh bench.Shard
	if *shard != "" {
		var err error
		if sh, err = bench.ParseShard(*shard); err != nil {
			return flagError(err)
		}
	}
	if *seeds < 1 {
		return badFlag("seeds", fmt.Errorf("%d: want at least 1", *seeds))
	}
	if *dim < 0 {
		return badFlag("dim", fmt.Errorf("%d: want at least 1 (0: the preset's)", *dim))
	}
	if !*status {
		if err := checkOutputDir("out", *out); err != nil {
			return err
		}
	}
	var specs []data.Spec
	for _, name := range splitDatasets(*datasets) {
		spec, err := data.ParseSpec(name)
		if err != nil {
			return badFlag("datasets", err)
		}
		specs = append(specs, spec)
	}
	dir, err := data.Dir(df.dir)
	if err != nil {
		return err
	}
	return flagError(bench.Suite(ctx, bench.SuiteOptions{
		Datasets: specs, Preset: preset, Seeds: *seeds, Shard: sh, Dim: *dim, CheckpointEvery: *checkpointEvery, Out: *out,
		DataDir: dir, SplitSeed: df.splitSeed, Workers: *workers, Epochs: *epochs, Progress: stderr, Log: stdout, Readme: *readme, Rewrite: *rewrite, Status: *status,
	}))
}

// splitDatasets splits a comma-separated list of dataset specifications,
// keeping the key=value parameters of a synthetic one with it
// ("ml-100k,synthetic:users=10,items=20" is two datasets).
func splitDatasets(list string) []string {
	var out []string
	for _, part := range strings.Split(list, ",") {
		if n := len(out); n > 0 && strings.HasPrefix(out[n-1], "synthetic:") && strings.Contains(part, "=") && !strings.Contains(part, ":") {
			out[n-1] += "," + part
			continue
		}
		out = append(out, part)
	}
	return out
}
