package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"onebp/bench"
	"onebp/data"
	"onebp/internal/atomicfile"
	"onebp/internal/texttable"
	"onebp/model"
	"onebp/results"
	"onebp/results/report"
)

// configFlags binds the hyper-parameter flags to the fields of c, whose
// values are the defaults. A flag's name is its field's JSON name, so that
// flagError can name the flag of a library error.
func configFlags(fs *flag.FlagSet, c *model.Config) {
	fs.TextVar(&c.Strategy, "strategy", c.Strategy, "onebp or twobp")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed of the model (initialisation, order, negatives)")
	fs.IntVar(&c.Dim, "dim", c.Dim, "embedding dimension")
	fs.Float64Var(&c.LR, "lr", c.LR, "Adam learning rate")
	fs.Float64Var(&c.L2, "l2", c.L2, "Adam weight decay, added to the gradient")
	fs.Float64Var(&c.Beta, "beta", c.Beta, "OneBP's moving-aggregation rate")
	fs.IntVar(&c.Negatives, "negatives", c.Negatives, "negatives per training row")
	fs.IntVar(&c.Batch, "batch", c.Batch, "batch size")
	fs.Float64Var(&c.Temperature, "temperature", c.Temperature, "InfoNCE temperature")
	fs.IntVar(&c.Epochs, "epochs", c.Epochs, "epochs")
	fs.TextVar(&c.Optimizer, "optimizer", c.Optimizer, "adam (dense, as PyTorch; without -l2 executed lazily, at the cost of the rows a batch touches), adam-eager (the same, every row at every step, as PyTorch executes it) or sparse-adam (only the rows in the batch)")
	fs.TextVar(&c.Aggregation, "aggregation", c.Aggregation, "OneBP with a user repeated in a batch: reference (last row wins) or sequential")
	fs.IntVar(&c.Workers, "workers", c.Workers, "worker goroutines (0: GOMAXPROCS; never changes a result)")
}

// trainOptions are train's flags other than the hyper-parameters.
type trainOptions struct {
	data                                     dataFlags
	dataset                                  string
	preset                                   bench.Preset
	out, jsonOut, export, checkpoint, resume string
}

// protocolFlags registers the evaluation protocol's flags over p's values,
// named as results.Protocol names its settings.
func protocolFlags(fs *flag.FlagSet, p *results.Protocol) {
	fs.IntVar(&p.EvalEvery, results.EvalEveryName, p.EvalEvery, "evaluate every K epochs (and always after the last)")
	fs.Float64Var(&p.Validation, results.ValidationName, p.Validation, "hold out this share of each user's training items (seeded by -split-seed) to select the epoch on; 0: the reference protocol, no selection")
	fs.StringVar((*string)(&p.Select), results.SelectName, string(p.Select), "with -validation: the validation metric that selects the epoch (default "+string(results.DefaultSelect)+")")
	fs.IntVar(&p.Patience, results.PatienceName, p.Patience, "with -validation: stop after this many evaluations without improvement (0: never early)")
}

func newTrainFlags(stderr io.Writer, o *trainOptions, c *model.Config, p *results.Protocol) *flag.FlagSet {
	fs := newFlags("train", "", stderr)
	o.data.register(fs)
	fs.StringVar(&o.dataset, "dataset", "synthetic", "a registered name or "+data.SpecForms)
	fs.TextVar(&o.preset, "preset", bench.PresetPaper, "hyper-parameters: "+bench.DescribePresets()+"; the flags below override them")
	fs.StringVar(&o.out, "out", "", "write the run's record (Go benchmark format) to this file")
	fs.StringVar(&o.jsonOut, "json", "", "write the run as JSON to this file")
	fs.StringVar(&o.export, "export", "", "write the final tables as users.npy and items.npy into this directory, with user_ids.npy and item_ids.npy mapping their rows to the dataset's own ids")
	fs.StringVar(&o.checkpoint, "checkpoint", "", "save the training state to this file after every epoch")
	fs.StringVar(&o.resume, "resume", "", "resume from this checkpoint (same dataset and hyper-parameters); with -epochs equal to the epochs it holds, only evaluate (and -export) it")
	configFlags(fs, c)
	protocolFlags(fs, p)
	flagsUsage := fs.Usage
	fs.Usage = func() {
		flagsUsage()
		any, _ := bench.PresetFor(data.Spec{Kind: data.KindRegistered, Name: data.Names()[0]}, bench.PresetPaper)
		fmt.Fprintf(fs.Output(), "\nWhat each preset sets (every preset: %d negatives, batch %d, temperature %g, seed %d; flags override):\n",
			any.Config.Negatives, any.Config.Batch, any.Config.Temperature, any.Config.Seed)
		writePresetTable(fs.Output())
	}
	return fs
}

// writePresetTable lists, per registered dataset, the hyper-parameters
// and schedule each preset gives (bench.PresetFor).
func writePresetTable(w io.Writer) {
	header := []string{"dataset", "dim", "lr", "l2", "beta", "paper: epochs", "quick: epochs, dim", "validated: cap, eval every, patience"}
	var rows [][]string
	for _, name := range data.Names() {
		spec := data.Spec{Kind: data.KindRegistered, Name: name}
		paper, _ := bench.PresetFor(spec, bench.PresetPaper)
		quick, _ := bench.PresetFor(spec, bench.PresetQuick)
		val, _ := bench.PresetFor(spec, bench.PresetValidated)
		c := paper.Config
		rows = append(rows, []string{name, fmt.Sprint(c.Dim), fmt.Sprint(c.LR), fmt.Sprint(c.L2), fmt.Sprint(c.Beta), fmt.Sprint(c.Epochs),
			fmt.Sprintf("%d, %d", quick.Config.Epochs, quick.Config.Dim),
			fmt.Sprintf("%d, %d, %d", val.Config.Epochs, val.Protocol.EvalEvery, val.Protocol.Patience)})
	}
	texttable.Write(w, false, header, rows)
	fmt.Fprintln(w, "The validated schedule follows -dim on Gowalla and Yelp2018 (DESIGN.md, \"Epoch caps of the LightGCN sets\"); other datasets take ml-100k's values.")
}

// A trainRequest is what train's flags ask for: the options, the dataset
// and its setup under the preset with the flags applied.
type trainRequest struct {
	trainOptions
	spec  data.Spec
	hyper bench.Hyper
}

// parseTrain parses train's flags in two passes: the first finds the
// dataset and the preset, the second parses the same arguments over the
// preset's configuration, so the flags given override it and the others
// keep it.
func parseTrain(args []string, stdout, stderr io.Writer) (trainRequest, error) {
	var o trainOptions
	first := model.Config{Strategy: model.OneBP}
	fs := newTrainFlags(stderr, &o, &first, &results.Protocol{})
	if err := parseFlags(fs, args, stdout); err != nil {
		return trainRequest{}, err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "onebp train: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return trainRequest{}, errUsage
	}
	spec, err := data.ParseSpec(o.dataset)
	if err != nil {
		return trainRequest{}, badFlag("dataset", err)
	}
	h, err := bench.PresetFor(spec, o.preset)
	if err != nil {
		return trainRequest{}, flagError(err)
	}
	if first.Dim > 0 {
		h.SetDim(first.Dim) // the validated schedule follows the dimension
	}
	preset := h.Config
	h.Config.Strategy = model.OneBP
	second := newTrainFlags(io.Discard, &o, &h.Config, &h.Protocol)
	if err := second.Parse(args); err != nil {
		return trainRequest{}, err
	}
	given := map[string]bool{}
	second.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, name := range []string{"beta", "aggregation"} {
		if given[name] && h.Config.Strategy == model.TwoBP {
			return trainRequest{}, badFlag(name, fmt.Errorf("does not apply to -strategy twobp, which has no moving aggregation"))
		}
	}
	var set []string
	preset.Strategy = h.Config.Strategy // the strategy is not a preset's
	for _, d := range model.Differences(preset, h.Config) {
		set = append(set, d.Name)
	}
	if len(set) > 0 {
		h.Source += "; " + strings.Join(set, ", ") + " set by flags"
	}
	if h.Config.Epochs < 1 {
		return trainRequest{}, badFlag("epochs", fmt.Errorf("%d: nothing to train (want at least 1; to evaluate or export a checkpoint, -resume it with -epochs set to the epochs it holds)", h.Config.Epochs))
	}
	if err := h.Config.Check(); err != nil {
		return trainRequest{}, flagError(err)
	}
	if h.Protocol.Validation > 0 && h.Protocol.Select == "" {
		h.Protocol.Select = results.DefaultSelect
	}
	if err := h.Protocol.Check(); err != nil {
		return trainRequest{}, flagError(err)
	}
	for _, err := range []error{
		checkOutputFile("out", o.out), checkOutputFile("json", o.jsonOut),
		checkOutputFile("checkpoint", o.checkpoint), checkOutputDir("export", o.export),
	} {
		if err != nil {
			return trainRequest{}, err
		}
	}
	return trainRequest{o, spec, h}, nil
}

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	req, err := parseTrain(args, stdout, stderr)
	if err != nil {
		return err
	}
	o, spec, h := req.trainOptions, req.spec, req.hyper
	dir, err := data.Dir(o.data.dir)
	if err != nil {
		return err
	}
	d, err := spec.Load(dir, o.data.splitSeed)
	if err != nil {
		return err
	}
	rs := bench.RunSpec{
		Data: d, Config: h.Config, Preset: o.preset, Source: h.Source, Protocol: h.Protocol, SplitSeed: o.data.splitSeed,
		Checkpoint: o.checkpoint, Progress: stderr, KeepSelected: o.export != "" && h.Protocol.Validation > 0,
	}
	// Everything is checked before the banner: the configuration against
	// the data the run trains on, then the checkpoint to resume, if any.
	prepared, err := bench.Prepare(rs, nil)
	if err != nil {
		return flagError(err)
	}
	trainData := prepared.TrainData()
	verb := "training"
	if o.checkpoint != "" && o.resume == "" {
		// A checkpoint to write that is already there is this run's,
		// interrupted: go on from it rather than overwrite it.
		if _, err := os.Stat(o.checkpoint); err == nil {
			rs.Resume = o.checkpoint
			if prepared, err = bench.Prepare(rs, trainData); err != nil {
				return badFlag("checkpoint", fmt.Errorf("%s exists and is not this run's to resume (%v): remove it or give another path, so that nothing finished is overwritten", o.checkpoint, err))
			}
		}
	} else if o.resume != "" {
		rs.Resume = o.resume
		if prepared, err = bench.Prepare(rs, trainData); err != nil {
			var fe *model.FieldError
			if errors.As(err, &fe) && fe.Field == "epochs" {
				return flagError(err)
			}
			return badFlag("resume", err)
		}
	}
	switch done := prepared.ResumeEpochs; {
	case rs.Resume == "":
	case done == h.Config.Epochs:
		verb = fmt.Sprintf("evaluating the %d-epoch checkpoint %s of", done, rs.Resume)
	default:
		verb = fmt.Sprintf("resuming after %d epochs from %s:", done, rs.Resume)
	}
	fmt.Fprintf(stderr, "%s %v on %s (%d users, %d items, %d train, %d test), preset %s: %s\n",
		verb, h.Config.Strategy, d.Name, d.Users, d.Items, d.Train.NNZ(), d.Test.NNZ(), o.preset, report.Hyperparameters(h.Config))
	r, err := prepared.Run(ctx)
	if r == nil {
		return flagError(err)
	}
	var notKept *bench.NotKeptError
	if errors.As(err, &notKept) {
		o.export = "" // the final tables are not the model the protocol chose
		fmt.Fprintf(stderr, "not exported: %v\n", notKept)
	}
	interrupted := err
	if err := printRun(stdout, r); err != nil {
		return err
	}
	errs := writeTrainOutputs(o, d, r)
	if o.export != "" && !r.Interrupted && errors.Join(errs...) == nil {
		fmt.Fprintf(stderr, "exported %s to %s: users.npy (%d x %d), items.npy (%d x %d), user_ids.npy, item_ids.npy\n",
			exportedState(r), o.export, r.UserTable.Rows, r.UserTable.Dim, r.ItemTable.Rows, r.ItemTable.Dim)
	}
	if notKept != nil {
		return errors.Join(append(errs, notKept)...) // the record is written; the export was refused
	}
	if interrupted != nil {
		fmt.Fprintf(stderr, "interrupted after %d complete epochs; what they hold is written, marked interrupted\n", len(r.Epochs))
		if o.checkpoint != "" {
			fmt.Fprintf(stderr, "resume with the same command: it goes on from %s\n", o.checkpoint)
		} else {
			fmt.Fprintln(stderr, "no -checkpoint was given, so this run cannot be resumed")
		}
		errs = append(errs, interrupted)
	}
	return errors.Join(errs...)
}

// exportedState says which state of run r its tables hold.
func exportedState(r *results.Run) string {
	if r.Selected != nil {
		return fmt.Sprintf("the tables after %d epochs, the state validation %s selected", r.Selected.Epoch+1, r.Config.Select)
	}
	return fmt.Sprintf("the final tables, after %d epochs", r.FinalEpoch+1)
}

// writeTrainOutputs writes the outputs train was asked for (the tables
// only when the run completed).
func writeTrainOutputs(o trainOptions, d *data.Dataset, r *results.Run) []error {
	var errs []error
	if o.out != "" {
		errs = append(errs, atomicfile.Write(o.out, func(w io.Writer) error {
			if err := results.WriteQuality(w, []*results.Run{r}); err != nil {
				return err
			}
			return results.WriteTiming(w, []*results.Run{r})
		}))
	}
	if o.jsonOut != "" {
		errs = append(errs, atomicfile.Write(o.jsonOut, func(w io.Writer) error { return results.WriteJSON(w, r) }))
	}
	if o.export != "" && !r.Interrupted {
		errs = append(errs,
			atomicfile.Write(filepath.Join(o.export, "users.npy"), func(w io.Writer) error { return results.WriteNPY(w, r.UserTable) }),
			atomicfile.Write(filepath.Join(o.export, "items.npy"), func(w io.Writer) error { return results.WriteNPY(w, r.ItemTable) }),
			atomicfile.Write(filepath.Join(o.export, "user_ids.npy"), func(w io.Writer) error { return results.WriteIDsNPY(w, d.UserIDs()) }),
			atomicfile.Write(filepath.Join(o.export, "item_ids.npy"), func(w io.Writer) error { return results.WriteIDsNPY(w, d.ItemIDs()) }))
	}
	return errs
}

// printRun prints a run's final and best-on-test metrics.
func printRun(w io.Writer, r *results.Run) error {
	if len(r.MetricNames()) == 0 {
		fmt.Fprintln(w, "no evaluation ran (0 epochs)")
		return nil
	}
	header := []string{"metric", "final", "best-on-test", "best after epochs"}
	if r.Selected != nil {
		header = append(header, fmt.Sprintf("validated (after %d epochs)", r.Selected.Epoch+1))
	}
	rows := [][]string{}
	for _, name := range r.MetricNames() {
		b := r.Best[name]
		row := []string{string(name), report.F4(r.Final[name]), report.F4(b.Value), fmt.Sprint(b.Epoch + 1)}
		if r.Selected != nil {
			row = append(row, report.F4(r.Selected.Test[name]))
		}
		rows = append(rows, row)
	}
	status := ""
	switch {
	case r.Interrupted:
		status = " (interrupted)"
	case r.StoppedEarly:
		status = fmt.Sprintf(" (stopped early: %d evaluations without a better validation %s)", r.Config.Patience, r.Config.Select)
	}
	fmt.Fprintf(w, "%s %v%s, final = after %d epochs; best-on-test selects on the test set (optimistic)", r.Dataset, r.Strategy(), status, r.FinalEpoch+1)
	if r.Selected != nil {
		fmt.Fprintf(w, "; validated = the test figures of the epoch validation %s selected", r.Config.Select)
	}
	fmt.Fprintln(w)
	if err := texttable.Write(w, false, header, rows); err != nil {
		return err
	}
	train, evaluate := r.EpochSeconds()
	fmt.Fprintf(w, "median epoch %.3fs, median evaluation %.3fs, state %.1f MB, peak RSS %.1f MB\n",
		train, evaluate, float64(r.Memory.StateBytes)/1e6, float64(r.Memory.PeakRSSBytes)/1e6)
	return nil
}
