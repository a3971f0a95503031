package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"onebp/data"
	"onebp/internal/texttable"
	"onebp/model"
	"onebp/results"
	"onebp/results/report"
)

// SuiteOptions say what `onebp bench` runs.
type SuiteOptions struct {
	Datasets  []data.Spec
	Preset    Preset
	Seeds     int // model seeds per dataset and strategy: the preset's and the next ones; 0 means 1
	Shard     Shard
	Out       string // results directory
	DataDir   string
	SplitSeed uint64
	Workers   int // 0: GOMAXPROCS
	// Set overrides the preset's hyper-parameters for every job;
	// strategy-specific ones (beta, aggregation) apply to OneBP's jobs
	// only.
	Set []model.Field
	// Sweeps make the grid's points: their product, each point a job per
	// dataset, strategy and seed (see Sweep).
	Sweeps []Sweep
	// Tuning, if set, makes the grid a tuning grid (`onebp tune`): trials
	// on validation first, then the seeds at each strategy's chosen
	// setting beside the preset's (see Tuning).
	Tuning   *Tuning
	Progress io.Writer // per-epoch lines
	Log      io.Writer // what is run and skipped
	Readme   string    // README whose results summary to rewrite, if it has the markers
	Rewrite  bool      // run nothing: regenerate the reports from the run records
	Status   bool      // run and write nothing: say where each of the shard's jobs stands

	// CheckpointEvery is how often a running job saves its checkpoint (0:
	// after every epoch).
	CheckpointEvery time.Duration
}

// A Shard is the part K of N (1 <= K <= N) of a suite's jobs that one
// process runs: the jobs whose index in the full list is K-1 modulo N. The
// zero Shard is the whole suite.
type Shard struct{ K, N int }

// ParseShard reads "K/N".
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(s, "/")
	var sh Shard
	var errK, errN error
	sh.K, errK = strconv.Atoi(k)
	sh.N, errN = strconv.Atoi(n)
	if !ok || errK != nil || errN != nil || sh.N < 1 || sh.K < 1 || sh.K > sh.N {
		return Shard{}, &OptionError{Option: "shard", Value: strconv.Quote(s), Want: "K/N with 1 <= K <= N"}
	}
	return sh, nil
}

func (s Shard) has(index int) bool { return s.N <= 1 || index%s.N == s.K-1 }

// Suite runs OneBP and TwoBP with each seed on every requested dataset
// present, listing and skipping the missing ones, and (re)writes the
// results directory after every run. It is resumable and shardable: a job
// already recorded in Out with the same configuration, dataset fingerprint
// and training code is skipped; an interrupted job resumes from its
// checkpoint in Out/checkpoints; Shard picks a deterministic part of the
// jobs, so that processes writing to one directory share a suite.
func Suite(ctx context.Context, opts SuiteOptions) error {
	if opts.Rewrite {
		opts.Datasets = nil
		if existing, err := results.LoadRuns(opts.Out); err != nil {
			return err
		} else if len(existing) == 0 {
			return fmt.Errorf("no run records in %s to rewrite the reports from", filepath.Join(opts.Out, "runs"))
		}
	}
	if opts.Seeds < 0 {
		return &OptionError{Option: "seeds", Value: fmt.Sprint(opts.Seeds), Want: "at least 1"}
	}
	if err := checkSweeps(opts.Sweeps, opts.Set); err != nil {
		return err
	}
	if opts.Tuning != nil {
		if err := opts.Tuning.check(opts); err != nil {
			return err
		}
	}
	plan, names, err := planSuite(opts)
	if err != nil {
		return err
	}
	if len(plan) == 0 && !opts.Rewrite {
		return fmt.Errorf("none of the datasets %s is present in %s: nothing run, nothing written", strings.Join(names, ", "), opts.DataDir)
	}
	if opts.Status {
		return status(opts, plan, time.Now())
	}
	// A tuning grid's runs at tuned settings wait for their trials: once
	// this process has recorded its part, it looks again.
	for round := 0; ; round++ {
		todo, waiting, err := pending(opts, plan, round == 0)
		if err != nil {
			return err
		}
		if round > 0 && len(todo) == 0 {
			if waiting > 0 {
				fmt.Fprintf(opts.Log, "%s at tuned settings wait for trials other processes run: run the same command again once they are recorded\n", runs(waiting))
			}
			break
		}
		if err := runJobs(ctx, opts, todo); err != nil {
			return err
		}
		if waiting == 0 {
			break
		}
	}
	return render(opts)
}

// runJobs runs the jobs in order, saving each run's record as it ends.
func runJobs(ctx context.Context, opts SuiteOptions, todo []job) error {
	start := time.Now()
	var doneCost, doneSeconds float64
	var loaded datasetCache
	for i, j := range todo {
		d, trainData, err := loaded.get(opts, j)
		if err != nil {
			return err
		}
		cfg := j.config
		ckpt := j.checkpoint(opts.Out)
		resume, how, resumedAfter := "", "", 0
		switch done, err := resumable(ckpt, trainData, j); {
		case err == nil:
			resume, how, resumedAfter = ckpt, ", resuming from "+ckpt, done
		case !errors.Is(err, fs.ErrNotExist):
			how = ", " + startingOver(err)
		}
		fmt.Fprintf(opts.Log, "== (%d/%d) %v: %s preset, dim %d, %d epochs%s\n", i+1, len(todo), j, opts.Preset, cfg.Dim, cfg.Epochs, how)
		if err := os.MkdirAll(filepath.Dir(ckpt), 0o755); err != nil {
			return err
		}
		jobStart := time.Now()
		spec := RunSpec{Data: d, Config: cfg, Point: j.point, Tuning: j.tuning, Preset: opts.Preset, Source: j.hyper.Source,
			Protocol: j.hyper.Protocol, SplitSeed: opts.SplitSeed, Progress: opts.Progress,
			Resume: resume, Checkpoint: ckpt, CheckpointEvery: opts.CheckpointEvery}
		prepared, err := Prepare(spec, trainData)
		if err != nil {
			return fmt.Errorf("%v: %w", j, err)
		}
		r, err := prepared.Run(ctx)
		if resume != "" && errors.Is(err, model.ErrDamagedCheckpoint) {
			// Its header fit, its body does not: one damaged file does not
			// stop the grid.
			fmt.Fprintf(opts.Log, "%v: %s\n", j, startingOver(err))
			spec.Resume, resumedAfter = "", 0
			if prepared, err = Prepare(spec, trainData); err == nil {
				r, err = prepared.Run(ctx)
			}
		}
		if err != nil {
			err = fmt.Errorf("%v: %w", j, err)
			if ctx.Err() != nil {
				fmt.Fprintf(opts.Log, "interrupted: %s finished before it and saved in %s; run the same command again to go on (the interrupted run resumes from its checkpoint)\n", runs(i), opts.Out)
				if i > 0 {
					err = errors.Join(err, render(opts))
				}
			}
			return err
		}
		// The tables are for exports; a suite keeping every run's would
		// carry them into the next runs' peak memory.
		r.UserTable, r.ItemTable = model.Table{}, model.Table{}
		if _, err := results.Save(opts.Out, []*results.Run{r}); err != nil {
			return err
		}
		// A run that reached its cap still improving may be worth going on
		// with: its checkpoint stays, and a higher cap resumes it.
		if j.hyper.Protocol.Validation == 0 || r.StoppedEarly {
			if err := os.Remove(ckpt); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		} else {
			fmt.Fprintf(opts.Log, "%v reached its cap of %d epochs without stopping early; its checkpoint %s stays, and a run with a higher cap (-epochs) resumes from it\n",
				j, cfg.Epochs, ckpt)
		}
		// The pace comes from the epochs this process trained (a resumed
		// job's earlier ones ran elsewhere); the jobs left are costed to
		// their caps.
		doneCost += j.cost * float64(r.EpochsTrained()-resumedAfter) / float64(cfg.Epochs)
		doneSeconds += time.Since(jobStart).Seconds()
		left := 0.0
		for _, rest := range todo[i+1:] {
			left += rest.cost
		}
		progress := fmt.Sprintf("bench: %d/%d runs done in %s", i+1, len(todo), time.Since(start).Round(time.Second))
		if doneCost > 0 && left > 0 {
			eta := time.Duration(left * doneSeconds / doneCost * float64(time.Second))
			progress += fmt.Sprintf("; about %s left, less if runs stop early", eta.Round(time.Second))
		}
		fmt.Fprintln(opts.Log, progress)
	}
	return nil
}

// render writes the reports of every record in opts.Out, once per grid:
// when it ends, is interrupted, or is rewritten; then says what it wrote,
// with the headline figures, and updates the README's summary.
func render(opts SuiteOptions) error {
	all, err := report.Render(opts.Out)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Log, "wrote the report of %d run records to %s (quality.txt and timing.txt beside it, curves in %s)\n",
		len(all), filepath.Join(opts.Out, "README.md"), filepath.Join(opts.Out, "curves"))
	if h, rows := report.SummaryRows(all); len(rows) > 0 {
		if err := texttable.Write(opts.Log, false, h[:5], trimColumns(rows, 5)); err != nil {
			return err
		}
	}
	if opts.Readme == "" {
		return nil
	}
	if ok, err := report.UpdateReadmeSummary(opts.Readme, opts.Out, all); err != nil {
		return err
	} else if ok {
		fmt.Fprintf(opts.Log, "updated the summary of %s in %s\n", opts.Out, opts.Readme)
	} else {
		begin, end := report.SummaryMarkers(opts.Out)
		fmt.Fprintf(opts.Log, "%s has no summary of %s: to have one, put the lines\n%s\n%s\nwhere it should go\n", opts.Readme, opts.Out, begin, end)
	}
	return nil
}

// A job is one run of a suite: a dataset under the preset, one strategy,
// one seed.
type job struct {
	spec     data.Spec
	strategy model.Strategy
	hyper    Hyper
	config   model.Config  // hyper.Config completed: strategy, seed, workers
	point    results.Point // the sweep's values for this strategy, if any; a tuning trial's or choice's
	tuning   *results.Tuning
	// waiting marks a run at tuned settings whose setting awaits its
	// trials: its point and configuration are not known yet.
	waiting bool
	key     string // results.RunKey
	name    string // the dataset's name, as records spell it
	dataset string // the dataset's fingerprint
	// cost is the job's expected share of the suite's time, in units of
	// epochs x training interactions x (negatives+1) x dim, for the
	// suite-wide time estimate.
	cost float64
}

// String names the job in logs and errors: "gowalla onebp seed 2022", in a
// sweep "gowalla dim=256 onebp seed 2022".
func (j job) String() string {
	cell := results.CellName(j.spec.String(), j.point)
	switch t := j.tuning; {
	case t != nil && t.Trial > 0:
		cell = fmt.Sprintf("%s trial %d (%v)", j.spec, t.Trial, j.point)
	case t != nil && j.waiting:
		cell = j.spec.String() + results.TunedSuffix
	case t != nil:
		cell = fmt.Sprintf("%s%s (%v)", j.spec, results.TunedSuffix, j.point)
	}
	return fmt.Sprintf("%s %v seed %d", cell, j.strategy, j.config.Seed)
}

// checkpoint is the file in results directory out where the running job
// keeps its checkpoint.
func (j job) checkpoint(out string) string {
	return filepath.Join(out, "checkpoints", j.key+".ckpt")
}

// planSuite lists the suite's jobs in order (dataset, seed, strategy),
// after loading each dataset once to check it and size its jobs (it is
// loaded again when its jobs run, so that no run's memory holds another's
// data). Missing registered datasets are logged and skipped; names are all
// the datasets asked for.
func planSuite(opts SuiteOptions) (plan []job, names []string, err error) {
	var later []job
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
		preset, err := PresetFor(spec, opts.Preset)
		if err != nil {
			return nil, nil, err
		}
		trainData, err := TrainingData(d, preset.Protocol, opts.SplitSeed)
		if err != nil {
			return nil, nil, err
		}
		planned := map[string]bool{}
		for _, point := range points(opts.Sweeps) {
			hypers, err := hypersAt(opts, spec, preset, point)
			if err != nil {
				return nil, nil, err
			}
			for k := range max(opts.Seeds, 1) {
				for _, s := range seedOrder(k) {
					h := hypers[s]
					p := point.Without(s)
					key := results.RunKey(d.Name, p, nil, s, h.Config.Seed+uint64(k))
					if planned[key] {
						continue // TwoBP beside another point of a beta sweep
					}
					planned[key] = true
					j, err := newJob(opts, spec, d, trainData, h, s, h.Config.Seed+uint64(k), p, nil)
					if err != nil {
						return nil, nil, err
					}
					plan = append(plan, j)
				}
			}
		}
		if opts.Tuning != nil {
			base, err := hypersAt(opts, spec, preset, nil)
			if err != nil {
				return nil, nil, err
			}
			trials, choices, err := planTuning(opts, spec, d, trainData, base)
			if err != nil {
				return nil, nil, err
			}
			plan = append(plan, trials...)
			later = append(later, choices...)
		}
	}
	// The runs at tuned settings come last, so that a job's index, and
	// with it its shard, is the same before and after its setting is
	// known.
	plan = append(plan, later...)
	return plan, names, nil
}

// seedOrder is the order of the strategies' jobs for the k-th seed:
// alternating from seed to seed spreads OneBP's and TwoBP's jobs, which
// take different times, evenly over the shards.
func seedOrder(k int) []model.Strategy {
	if k%2 == 1 {
		return []model.Strategy{model.TwoBP, model.OneBP}
	}
	return []model.Strategy{model.OneBP, model.TwoBP}
}

// hypersAt is each strategy's setup at a point of the grid: the preset,
// the flags' values and the point's; TwoBP takes neither the point's nor
// the flags' beta and aggregation.
func hypersAt(opts SuiteOptions, spec data.Spec, preset Hyper, point results.Point) (map[model.Strategy]Hyper, error) {
	hypers := map[model.Strategy]Hyper{}
	for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
		h := preset
		for _, f := range dimFirst(append(slices.Clone(opts.Set), point.Without(s)...)) {
			if !(model.Config{Strategy: s}).Applies(f.Name) {
				continue
			}
			if err := h.Set(f); err != nil {
				return nil, err
			}
		}
		if h.Protocol.Validation != preset.Protocol.Validation {
			return nil, fmt.Errorf("%s: a point's validation share differs from the preset's", spec)
		}
		hypers[s] = h
	}
	return hypers, nil
}

// newJob is the job of dataset d (spec) for strategy s under setup h with
// the seed, sweep point or tuning values p and tuning t, checked against
// the data it trains on.
func newJob(opts SuiteOptions, spec data.Spec, d, trainData *data.Dataset, h Hyper, s model.Strategy, seed uint64, p results.Point, t *results.Tuning) (job, error) {
	cfg := h.Config
	cfg.Strategy, cfg.Seed, cfg.Workers = s, seed, opts.Workers
	if err := cfg.CheckFor(trainData); err != nil {
		return job{}, err
	}
	cost := float64(cfg.Epochs) * float64(d.Train.NNZ()) * float64(cfg.Negatives+1) * float64(cfg.Dim)
	return job{spec: spec, strategy: s, hyper: h, config: cfg, point: p, tuning: t,
		key: results.RunKey(d.Name, p, t, s, seed), name: d.Name, dataset: d.Fingerprint, cost: cost}, nil
}

// pending is this shard's part of plan without the jobs Out already
// records (which it logs when logRecorded), its runs at tuned settings
// made runnable where their trials are recorded (resolveTuned), and how
// many of them still wait.
func pending(opts SuiteOptions, plan []job, logRecorded bool) (todo []job, waiting int, err error) {
	byKey, err := recordsByKey(opts.Out)
	if err != nil {
		return nil, 0, err
	}
	if err := adoptPlainRecords(opts, plan, byKey); err != nil {
		return nil, 0, err
	}
	plan = resolveTuned(plan, byKey, opts.Preset)
	if err := checkCells(opts, plan, byKey); err != nil {
		return nil, 0, err
	}
	// Records this grid replaces with runs of its own setting leave the
	// reports now, whichever process runs their jobs, so that no report
	// mixes them with this grid's runs in the meantime.
	for _, j := range plan {
		r := byKey[j.key]
		if r == nil || j.waiting {
			continue
		}
		if why := whyNotJob(r, j, opts.Preset); why != "" {
			if err := results.Supersede(opts.Out, j.key); err != nil {
				return nil, 0, err
			}
			fmt.Fprintf(opts.Log, "recorded: %v, but %s: run again; its record moves to %s until then\n", j, why, filepath.Join(opts.Out, "superseded"))
			delete(byKey, j.key)
		}
	}
	var recapped []*results.Run
	for i, j := range plan {
		if !opts.Shard.has(i) {
			continue
		}
		r := byKey[j.key]
		switch {
		case j.waiting:
			waiting++
			continue
		case r == nil:
			todo = append(todo, j)
			continue
		}
		if logRecorded {
			fmt.Fprintf(opts.Log, "recorded: %v (training code %s), not run again\n", j, r.Env.TrainingCode)
		}
		if r.Config.Epochs != j.config.Epochs {
			fmt.Fprintf(opts.Log, "  it stopped early after %d epochs under a cap of %d, as it would under a cap of %d: its record now says %d\n",
				r.EpochsTrained(), r.Config.Epochs, j.config.Epochs, j.config.Epochs)
			r.Config.Epochs, r.Config.Source = j.config.Epochs, j.hyper.Source
			recapped = append(recapped, r)
		}
	}
	if len(recapped) > 0 {
		if _, err := results.Save(opts.Out, recapped); err != nil {
			return nil, 0, err
		}
	}
	return todo, waiting, nil
}

// adoptPlainRecords lets a record made outside a sweep count as a sweep
// job's when it is that job's run (the same setting, data and training
// code: a dim-64 grid's record is the dim=64 point's): it is saved again
// under the point's key, with the point, and the plain record moves to
// Out/superseded, so that each run is reported once. Records copied into
// a sweep's directory from another set are reused this way.
func adoptPlainRecords(opts SuiteOptions, plan []job, byKey map[string]*results.Run) error {
	var adopted []*results.Run
	for _, j := range plan {
		plainKey, plain := adoptable(j, byKey, opts.Preset)
		if plain == nil {
			continue
		}
		r := *plain
		r.Point = j.point
		adopted = append(adopted, &r)
		byKey[j.key] = &r
		delete(byKey, plainKey)
		if err := results.Supersede(opts.Out, plainKey); err != nil {
			return err
		}
		fmt.Fprintf(opts.Log, "recorded without a sweep point: %v, reused as the point's run\n", j)
	}
	if len(adopted) > 0 {
		if _, err := results.Save(opts.Out, adopted); err != nil {
			return err
		}
	}
	return nil
}

// adoptable returns the record made outside a sweep that sweep job j
// would adopt from byKey, and its key; nil when there is none or j has
// its own record.
func adoptable(j job, byKey map[string]*results.Run, preset Preset) (string, *results.Run) {
	if len(j.point) == 0 || j.tuning != nil || byKey[j.key] != nil {
		return "", nil
	}
	plainKey := results.RunKey(j.name, nil, nil, j.strategy, j.config.Seed)
	if plain := byKey[plainKey]; plain != nil && whyNotJob(plain, j, preset) == "" {
		return plainKey, plain
	}
	return "", nil
}

// checkCells refuses, before anything runs, a grid whose runs would share
// a report cell with records in Out of another setting (the records it
// does not replace): a cell aggregates runs of one setting only.
func checkCells(opts SuiteOptions, plan []job, byKey map[string]*results.Run) error {
	var after []*results.Run
	planned := map[string]bool{}
	for _, j := range plan {
		if j.waiting {
			continue // its record, if any, is checked as it is
		}
		planned[j.key] = true
		code, err := TrainingCode(j.config)
		if err != nil {
			return err
		}
		after = append(after, &results.Run{
			Dataset: j.name, DatasetFingerprint: j.dataset, Point: j.point, Tuning: j.tuning,
			Config: results.Config{Config: j.config, Protocol: j.hyper.Protocol, Preset: string(opts.Preset)},
			Env:    results.Env{TrainingCode: code},
		})
	}
	for key, r := range byKey {
		if !planned[key] {
			after = append(after, r)
		}
	}
	results.SortRuns(after)
	if err := results.CheckCells(after); err != nil {
		return fmt.Errorf("%s holds runs of another setting than this grid's, which it would not replace: %w; write to another directory, or run their seeds too", opts.Out, err)
	}
	return nil
}

// recordsByKey is the run records in out by results.RunKey.
func recordsByKey(out string) (map[string]*results.Run, error) {
	recorded, err := results.LoadRuns(out)
	if err != nil {
		return nil, err
	}
	byKey := map[string]*results.Run{}
	for _, r := range recorded {
		byKey[r.Key()] = r
	}
	return byKey, nil
}

// whyNotJob says why recorded run r is not job j's result, or "" when it
// is: the same configuration and protocol under the same preset, complete,
// on the same data, by the same training code. A validated run that
// stopped early under another epoch cap is j's result too when it stopped
// before j's cap: until a run reaches its cap, its training, evaluations,
// selection and stop do not depend on the cap.
func whyNotJob(r *results.Run, j job, preset Preset) string {
	diff := model.Differences(r.Config.Config, j.config)
	code, err := TrainingCode(j.config)
	if err != nil {
		return err.Error()
	}
	stoppedBeforeCap := len(diff) == 1 && diff[0].Name == "epochs" && r.StoppedEarly && r.EpochsTrained() < j.config.Epochs
	switch {
	case r.Interrupted:
		return "its record is of an interrupted run"
	case !results.SameTrainingCode(r.Env.TrainingCode, code):
		return fmt.Sprintf("its record is of other training code (%s, now %s)", r.Env.TrainingCode, code)
	case r.DatasetFingerprint != j.dataset:
		return "its record is of other data"
	case r.Config.Preset != string(preset) || r.Config.Protocol != j.hyper.Protocol:
		return "its record is of another preset or protocol"
	case (r.Tuning == nil) != (j.tuning == nil) || (r.Tuning != nil && *r.Tuning != *j.tuning):
		return "its record is of another tuning (search space or sampler)"
	case len(diff) > 0 && !stoppedBeforeCap:
		return fmt.Sprintf("its record differs: %v", diff)
	}
	return ""
}

// resumable returns after how many epochs job j can resume from the
// checkpoint at ckpt, or why it cannot: an error satisfying
// errors.Is(err, fs.ErrNotExist) when there is none, otherwise because it
// is damaged, of another setup or training code, or beyond the job's
// epochs (such a checkpoint is left to be overwritten).
func resumable(ckpt string, trainData *data.Dataset, j job) (epochs int, err error) {
	done, err := checkResume(ckpt, trainData, j.config)
	if err == nil && done > j.config.Epochs {
		err = fmt.Errorf("checkpoint %s holds %d epochs, more than the job's %d", ckpt, done, j.config.Epochs)
	}
	return done, err
}

// datasetCache holds the dataset of the jobs being run and the data they
// train on, so that a grid loads each dataset, and computes its hold-out,
// once while running its jobs (they come in dataset order), yet holds
// one dataset at a time: a run's peak memory is its own.
type datasetCache struct {
	spec         data.Spec
	split        float64 // the validation share trainData holds out
	d, trainData *data.Dataset
}

func (c *datasetCache) get(opts SuiteOptions, j job) (d, trainData *data.Dataset, err error) {
	if c.d == nil || c.spec != j.spec {
		c.d, c.trainData = nil, nil
		if c.d, err = j.spec.Load(opts.DataDir, opts.SplitSeed); err != nil {
			return nil, nil, err
		}
		c.spec = j.spec
	}
	if c.trainData == nil || c.split != j.hyper.Protocol.Validation {
		if c.trainData, err = TrainingData(c.d, j.hyper.Protocol, opts.SplitSeed); err != nil {
			return nil, nil, err
		}
		c.split = j.hyper.Protocol.Validation
	}
	return c.d, c.trainData, nil
}

// startingOver says that a job whose checkpoint cannot be resumed, for
// reason err from resumable, runs from the start, in the same words in the
// suite's log and in its status.
func startingOver(err error) string {
	return fmt.Sprintf("from the start (not resuming: %v)", err)
}

// runs counts runs in words: "no run", "1 run", "3 runs".
func runs(n int) string {
	switch n {
	case 0:
		return "no run"
	case 1:
		return "1 run"
	}
	return fmt.Sprintf("%d runs", n)
}

// trimColumns keeps the first n cells of each row.
func trimColumns(rows [][]string, n int) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = r[:min(n, len(r))]
	}
	return out
}
