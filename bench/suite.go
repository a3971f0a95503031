package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

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
	if opts.Epochs < 0 {
		return &model.FieldError{Field: "epochs", Value: fmt.Sprint(opts.Epochs), Want: "at least 0 (0: the preset's)"}
	}
	plan, names, err := planSuite(opts)
	if err != nil {
		return err
	}
	start := time.Now()
	var doneCost, doneSeconds float64
	for i, j := range plan {
		d, err := j.spec.Load(opts.DataDir, opts.SplitSeed)
		if err != nil {
			return err
		}
		cfg := j.config
		fmt.Fprintf(opts.Log, "== (%d/%d) %s %v: %s preset, dim %d, %d epochs\n", i+1, len(plan), j.spec, j.strategy, opts.Preset, cfg.Dim, cfg.Epochs)
		jobStart := time.Now()
		r, err := Run(ctx, RunSpec{Data: d, Config: cfg, Preset: opts.Preset, Source: j.hyper.Source,
			Protocol: j.hyper.Protocol, SplitSeed: opts.SplitSeed, Progress: opts.Progress})
		if err != nil {
			err = fmt.Errorf("%s %v: %w", j.spec, j.strategy, err)
			if ctx.Err() != nil && len(runs) > 0 {
				// Keep what finished: the interrupted run is left out.
				if _, serr := results.Save(opts.Out, runs); serr != nil {
					return errors.Join(err, serr)
				}
				fmt.Fprintf(opts.Log, "interrupted during %s %v: the %d finished runs are saved in %s; run the same command again for the rest\n", j.spec, j.strategy, len(runs), opts.Out)
			}
			return err
		}
		// The tables are for exports; a suite keeping every run's would
		// carry them into the next runs' peak memory.
		r.UserTable, r.ItemTable = model.Table{}, model.Table{}
		runs = append(runs, r)
		doneCost += j.cost
		doneSeconds += time.Since(jobStart).Seconds()
		left := 0.0
		for _, rest := range plan[i+1:] {
			left += rest.cost
		}
		eta := time.Duration(left * doneSeconds / doneCost * float64(time.Second))
		fmt.Fprintf(opts.Log, "bench: %d/%d runs done in %s; about %s left\n", i+1, len(plan), time.Since(start).Round(time.Second), eta.Round(time.Second))
	}
	if len(plan) == 0 && !opts.Rewrite {
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

// A job is one run of a suite: a dataset under the preset, one strategy.
type job struct {
	spec     data.Spec
	strategy model.Strategy
	hyper    Hyper
	config   model.Config // hyper.Config completed: strategy, workers
	// cost is the job's expected share of the suite's time, in units of
	// epochs x training interactions x (negatives+1) x dim, for the
	// suite-wide time estimate.
	cost float64
}

// planSuite lists the suite's jobs in order, after loading each dataset
// once to check it and size its jobs (it is loaded again when its jobs run,
// so that no run's memory holds another's data). Missing registered
// datasets are logged and skipped; names are all the datasets asked for.
func planSuite(opts SuiteOptions) (plan []job, names []string, err error) {
	for _, spec := range opts.Datasets {
		names = append(names, spec.String())
		d, err := spec.Load(opts.DataDir, opts.SplitSeed)
		if errors.Is(err, data.ErrMissing) {
			fmt.Fprintf(opts.Log, "skipped (missing): %v\n", err)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		h, err := PresetFor(spec, opts.Preset)
		if err != nil {
			return nil, nil, err
		}
		if opts.Epochs > 0 {
			h.SetEpochs(opts.Epochs)
		}
		c := h.Config
		cost := float64(c.Epochs) * float64(d.Train.NNZ()) * float64(c.Negatives+1) * float64(c.Dim)
		for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
			cfg := h.Config
			cfg.Strategy, cfg.Workers = s, opts.Workers
			if err := cfg.CheckFor(d); err != nil {
				return nil, nil, err
			}
			plan = append(plan, job{spec: spec, strategy: s, hyper: h, config: cfg, cost: cost})
		}
	}
	return plan, names, nil
}
