package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"onebp/data"
	"onebp/model"
	"onebp/results"
)

// SuiteOptions say what `onebp bench` runs.
type SuiteOptions struct {
	Datasets  []data.Spec
	Preset    Preset
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
// When ctx is done, the runs that finished are saved (each replacing its
// earlier record) and the interrupted one is left out.
func Suite(ctx context.Context, opts SuiteOptions) error {
	var runs []*results.Run
	if opts.Rewrite {
		opts.Datasets = nil
		if existing, err := results.LoadRuns(opts.Out); err != nil {
			return err
		} else if len(existing) == 0 {
			return fmt.Errorf("no run records in %s to rewrite the reports from", filepath.Join(opts.Out, "runs"))
		}
	}
	var names []string
	for _, spec := range opts.Datasets {
		name := spec.String()
		names = append(names, name)
		d, err := spec.Load(opts.DataDir, opts.SplitSeed)
		if errors.Is(err, data.ErrMissing) {
			fmt.Fprintf(opts.Log, "skipped (missing): %v\n", err)
			continue
		}
		if err != nil {
			return err
		}
		h, err := PresetFor(spec, opts.Preset)
		if err != nil {
			return err
		}
		if opts.Epochs > 0 {
			h.SetEpochs(opts.Epochs)
		}
		for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
			cfg := h.Config
			cfg.Strategy, cfg.Workers = s, opts.Workers
			fmt.Fprintf(opts.Log, "== %s %v: %s preset, dim %d, %d epochs\n", name, s, opts.Preset, cfg.Dim, cfg.Epochs)
			r, err := Run(ctx, RunSpec{Data: d, Config: cfg, Preset: opts.Preset, Source: h.Source,
				EvalEvery: h.EvalEvery, Progress: opts.Progress})
			if err != nil {
				err = fmt.Errorf("%s %v: %w", name, s, err)
				if ctx.Err() != nil && len(runs) > 0 {
					// Keep what finished: the interrupted run is left out.
					if _, serr := results.Save(opts.Out, runs); serr != nil {
						return errors.Join(err, serr)
					}
					fmt.Fprintf(opts.Log, "interrupted during %s %v: the %d finished runs are saved in %s; run the same command again for the rest\n", name, s, len(runs), opts.Out)
				}
				return err
			}
			runs = append(runs, r)
		}
	}
	if len(runs) == 0 && !opts.Rewrite {
		return fmt.Errorf("none of the datasets %s is present in %s: nothing run, nothing written", strings.Join(names, ", "), opts.DataDir)
	}
	all, err := results.Save(opts.Out, runs)
	if err != nil || opts.Readme == "" {
		return err
	}
	if ok, err := results.UpdateReadmeSummary(opts.Readme, all); err != nil {
		return err
	} else if ok {
		fmt.Fprintf(opts.Log, "updated the results summary in %s\n", opts.Readme)
	}
	return nil
}
