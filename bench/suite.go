package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"onebp/data"
	"onebp/internal/atomicfile"
	"onebp/model"
	"onebp/model/eval"
)

// SuiteOptions say what `onebp bench` runs.
type SuiteOptions struct {
	Datasets  []string // registered names
	Preset    string
	Out       string // results directory
	DataDir   string
	SplitSeed uint64
	Workers   int       // 0: GOMAXPROCS
	Epochs    int       // 0: the preset's
	Progress  io.Writer // per-epoch lines
	Log       io.Writer // what is run and skipped
	Readme    string    // README whose results summary to rewrite, if it has the markers
	Rewrite   bool      // run nothing: regenerate the reports from the run records
}

// Suite runs OneBP and TwoBP on every requested dataset present, listing
// and skipping the missing ones, then (re)writes the results directory.
// Nothing is written unless every run finished: an interrupted bench
// leaves the previous results as they were.
func Suite(ctx context.Context, opts SuiteOptions) error {
	var runs []*RunResult
	if opts.Rewrite {
		opts.Datasets = nil
		if existing, err := LoadRuns(opts.Out); err != nil {
			return err
		} else if len(existing) == 0 {
			return fmt.Errorf("-rewrite: no run records in %s", filepath.Join(opts.Out, "runs"))
		}
	}
	for _, name := range opts.Datasets {
		if _, ok := data.Lookup(name); !ok {
			return fmt.Errorf("-datasets: %q is not a registered dataset", name)
		}
		d, err := data.Load(opts.DataDir, name, opts.SplitSeed)
		if errors.Is(err, data.ErrMissing) {
			fmt.Fprintf(opts.Log, "skipped (missing): %v\n", err)
			continue
		}
		if err != nil {
			return err
		}
		h, err := PresetFor(name, opts.Preset)
		if err != nil {
			return err
		}
		if opts.Epochs > 0 {
			h.Config.Epochs = opts.Epochs
			h.Source += fmt.Sprintf("; epochs set to %d by -epochs", opts.Epochs)
		}
		for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
			cfg := h.Config
			cfg.Strategy, cfg.Workers = s, opts.Workers
			fmt.Fprintf(opts.Log, "== %s %v: %s preset, dim %d, %d epochs\n", name, s, opts.Preset, cfg.Dim, cfg.Epochs)
			r, err := Run(ctx, RunSpec{Data: d, Config: cfg, Preset: opts.Preset, Source: h.Source,
				EvalEvery: h.EvalEvery, Progress: opts.Progress})
			if err != nil {
				return fmt.Errorf("%s %v: %w", name, s, err)
			}
			runs = append(runs, r)
		}
	}
	if len(runs) == 0 && !opts.Rewrite {
		return fmt.Errorf("none of the datasets %s is present in %s: nothing run, nothing written", strings.Join(opts.Datasets, ", "), opts.DataDir)
	}
	all, err := SaveResults(opts.Out, runs)
	if err != nil || opts.Readme == "" {
		return err
	}
	if ok, err := UpdateReadmeSummary(opts.Readme, all); err != nil {
		return err
	} else if ok {
		fmt.Fprintf(opts.Log, "updated the results summary in %s\n", opts.Readme)
	}
	return nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func runFile(dir string, r *RunResult) string {
	return filepath.Join(dir, "runs", unsafeName.ReplaceAllString(r.Dataset, "_")+"-"+r.Config.Strategy+".json")
}

// SaveResults writes each run to dir/runs/DATASET-STRATEGY.json, replacing
// an earlier run of the same dataset and strategy, then regenerates
// quality.txt, timing.txt, README.md and curves/*.svg from every run in
// dir/runs, which it returns in report order. Each file is written
// atomically.
func SaveResults(dir string, runs []*RunResult) ([]*RunResult, error) {
	all, err := LoadRuns(dir)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		all = slices.DeleteFunc(all, func(old *RunResult) bool { return runFile(dir, old) == runFile(dir, r) })
		all = append(all, r)
	}
	sortRuns(all)
	for _, r := range runs {
		if err := atomicfile.Write(runFile(dir, r), func(w io.Writer) error { return writeJSON(w, r) }); err != nil {
			return nil, err
		}
	}
	files := map[string]func(io.Writer) error{
		"quality.txt": func(w io.Writer) error { return WriteQuality(w, all) },
		"timing.txt":  func(w io.Writer) error { return WriteTiming(w, all) },
		"README.md":   func(w io.Writer) error { return WriteReport(w, all) },
	}
	names, groups := byDataset(all)
	for _, name := range names {
		group := groups[name]
		files[filepath.Join("curves", unsafeName.ReplaceAllString(name, "_")+".svg")] = func(w io.Writer) error {
			return WriteSVG(w, CurvePlots(name, group))
		}
	}
	for rel, write := range files {
		if err := atomicfile.Write(filepath.Join(dir, rel), write); err != nil {
			return nil, err
		}
	}
	return all, nil
}

// LoadRuns reads every run record in dir/runs.
func LoadRuns(dir string) ([]*RunResult, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "runs", "*.json"))
	if err != nil {
		return nil, err
	}
	var runs []*RunResult
	for _, p := range paths {
		r, err := ReadRun(p)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// ReadRun reads a run record written by SaveResults or `onebp train -json`.
func ReadRun(path string) (*RunResult, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r RunResult
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	for name := range r.Final {
		r.metricNames = append(r.metricNames, name)
	}
	eval.SortNames(r.metricNames)
	return &r, nil
}

func writeJSON(w io.Writer, r *RunResult) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteRunJSON writes a run record as JSON.
func WriteRunJSON(w io.Writer, r *RunResult) error { return writeJSON(w, r) }

// sortRuns orders runs by the registry's dataset order (others after, by
// name), OneBP before TwoBP.
func sortRuns(runs []*RunResult) {
	rank := map[string]int{}
	for i, reg := range data.Registry() {
		rank[reg.Name] = i + 1
	}
	slices.SortStableFunc(runs, func(a, b *RunResult) int {
		ra, rb := rank[a.Dataset], rank[b.Dataset]
		if ra == 0 {
			ra = 1 << 20
		}
		if rb == 0 {
			rb = 1 << 20
		}
		if ra != rb {
			return ra - rb
		}
		if c := strings.Compare(a.Dataset, b.Dataset); c != 0 {
			return c
		}
		return strings.Compare(a.Config.Strategy, b.Config.Strategy) // onebp before twobp
	})
}
