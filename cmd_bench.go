package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"onebp/bench"
	"onebp/data"
	"onebp/model"
)

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runSuite(ctx, "bench", args, stdout, stderr)
}

func runTune(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runSuite(ctx, "tune", args, stdout, stderr)
}

// runSuite is `onebp bench`, or with command "tune" `onebp tune`: bench's
// grid with trials on validation first, under the validated preset, and
// without sweeps.
func runSuite(ctx context.Context, command string, args []string, stdout, stderr io.Writer) error {
	tuning := command == "tune"
	fs := newFlags(command, "", stderr)
	var df dataFlags
	df.register(fs)
	datasets := fs.String("datasets", strings.Join(data.Names(), ","), "comma-separated datasets: registered names or "+data.SpecForms+"; missing registered ones are listed and skipped")
	preset := bench.PresetQuick
	if tuning {
		preset = bench.PresetValidated
	} else {
		fs.TextVar(&preset, "preset", bench.PresetQuick, bench.DescribePresets())
	}
	defaultOut := "results/PRESET, the repository's own; the validated one's summary is README.md's headline"
	if tuning {
		defaultOut = "results/tuned, the repository's own, whose summary README.md shows"
	}
	out := fs.String("out", "", "results directory to (re)write (default "+defaultOut+")")
	seeds := fs.Int("seeds", 1, "model seeds per dataset and strategy: the preset's seed and the next N-1")
	var tune *bench.Tuning
	spaces := map[model.Strategy]*string{}
	if tuning {
		tune = &bench.Tuning{Sampler: bench.SamplerHalton, Spaces: map[model.Strategy]bench.Space{}}
		for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
			spaces[s] = fs.String("space-"+s.String(), bench.DefaultSpaces[s], "what "+s.String()+"'s trials search: NAME=ALTERNATIVES,... with NAME one of "+strings.Join(bench.SweepNames, ", ")+
				" and ALTERNATIVES values or LO:HI[:log][:N] ranges separated by | (N: a range's grid points)")
		}
		fs.IntVar(&tune.Trials, "trials", 16, "trials per dataset and strategy, the same budget for each")
		fs.TextVar(&tune.Sampler, "sampler", bench.SamplerHalton, "how trials are drawn: halton (quasi-random, seeded), random (seeded) or grid (every point of the declared grid; -trials must be its size)")
	}
	shard := fs.String("shard", "", "run only part K of N of the jobs (K/N, 1 <= K <= N), for several processes sharing -out; then -rewrite")
	checkpointEvery := fs.Duration("checkpoint-every", time.Minute, "how often a running job saves its checkpoint in OUT/checkpoints, so an interrupted suite resumes it")
	// The hyper-parameter flags are train's; given, they override the
	// preset's values for every job (beta and aggregation OneBP's only).
	var given model.Config
	configFlags(fs, &given)
	var sweeps []bench.Sweep
	sweep := fs.Func
	if tuning {
		sweep = func(string, string, func(string) error) {}
	}
	sweep("sweep", "run the grid at every value of a hyper-parameter: NAME=V1,V2,... with NAME one of "+strings.Join(bench.SweepNames, ", ")+
		"; several make their product (TwoBP, which has no beta, runs once per point of the others)", func(s string) error {
		sw, err := bench.ParseSweep(s)
		if err != nil {
			return err
		}
		sweeps = append(sweeps, sw)
		return nil
	})
	rewrite := fs.Bool("rewrite", false, "train nothing: regenerate the reports and the README summary from the run records in -out")
	status := fs.Bool("status", false, "train and write nothing: say where each of the jobs (of -shard's part) stands in -out: recorded, started (its checkpoint's epoch and age) or to run")
	readme := fs.String("readme", "", "rewrite the results summary between the markers of this README (default: README.md when -out is the default, else none)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *status && *rewrite {
		return badArg(errors.New("-status and -rewrite exclude each other: one reports, the other rewrites"))
	}
	if *rewrite {
		// -rewrite reads the records in -out; flags that say what to train
		// would be silently ignored.
		var training []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name != "rewrite" && f.Name != "out" && f.Name != "readme" && f.Name != "preset" && !strings.HasPrefix(f.Name, "space-") && f.Name != "trials" && f.Name != "sampler" {
				training = append(training, "-"+f.Name)
			}
		})
		if len(training) > 0 {
			return badArg(fmt.Errorf("-rewrite trains nothing and reads only -out's records: %s would be ignored", strings.Join(training, ", ")))
		}
	}
	if *out == "" {
		*out = filepath.Join("results", string(preset))
		if tuning {
			*out = filepath.Join("results", "tuned")
		}
		if *readme == "" && preset == bench.PresetValidated {
			*readme = "README.md"
		}
	}
	for s, text := range spaces {
		space, err := bench.ParseSpace(*text, s)
		if err != nil {
			return flagError(err)
		}
		tune.Spaces[s] = space
	}
	var sh bench.Shard
	if *shard != "" {
		var err error
		if sh, err = bench.ParseShard(*shard); err != nil {
			return flagError(err)
		}
	}
	set, err := givenConfig(fs, given)
	if err != nil {
		return err
	}
	if *seeds < 1 {
		return badFlag("seeds", fmt.Errorf("%d: want at least 1", *seeds))
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
		if slices.Contains(specs, spec) {
			return badFlag("datasets", fmt.Errorf("%s is named twice", spec))
		}
		specs = append(specs, spec)
	}
	dir, err := data.Dir(df.dir)
	if err != nil {
		return err
	}
	return flagError(bench.Suite(ctx, bench.SuiteOptions{
		Datasets: specs, Preset: preset, Seeds: *seeds, Shard: sh, Set: set, Sweeps: sweeps, Tuning: tune, CheckpointEvery: *checkpointEvery, Out: *out,
		DataDir: dir, SplitSeed: df.splitSeed, Workers: given.Workers, Progress: stderr, Log: stdout, Readme: *readme, Rewrite: *rewrite, Status: *status,
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

// givenConfig lists the hyper-parameter flags given on the command line,
// as fields to set over each job's preset (dim first, so that the
// validated schedule follows it), and refuses those bench decides itself.
func givenConfig(fs *flag.FlagSet, given model.Config) ([]model.Field, error) {
	named := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { named[f.Name] = true })
	if named["strategy"] {
		return nil, badFlag("strategy", errors.New("bench runs both strategies, paired by seed; use train for one"))
	}
	if named["epochs"] && given.Epochs < 1 {
		return nil, badFlag("epochs", fmt.Errorf("%d: want at least 1 (without -epochs: the preset's)", given.Epochs))
	}
	if named["workers"] && given.Workers < 0 {
		return nil, badFlag("workers", fmt.Errorf("%d: want at least 0 (0: GOMAXPROCS)", given.Workers))
	}
	var set []model.Field
	for _, f := range given.Fields() {
		if !named[f.Name] {
			continue
		}
		if err := model.CheckField(f.Name, f.Value); err != nil {
			return nil, flagError(err)
		}
		if f.Name == "dim" {
			set = append([]model.Field{f}, set...)
		} else {
			set = append(set, f)
		}
	}
	return set, nil
}
