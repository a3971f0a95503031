package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"onebp/bench"
	"onebp/data"
	"onebp/internal/atomicfile"
	"onebp/model"
)

// trainFlags are the hyper-parameter flags; those left unset take the
// preset's values.
type trainFlags struct {
	preset                    string
	dim, negatives, batch     int
	lr, l2, beta, temperature float64
	epochs, workers           int
	seed                      uint64
	optimizer, aggregation    string
}

func (f *trainFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.preset, "preset", bench.PresetPaper, "hyper-parameters: paper (SPEC's) or quick (fewer epochs, dim capped at 64 on the LightGCN sets)")
	fs.IntVar(&f.dim, "dim", 0, "embedding dimension (default: the preset's)")
	fs.Float64Var(&f.lr, "lr", 0, "Adam learning rate (default: the preset's)")
	fs.Float64Var(&f.l2, "l2", 0, "Adam weight decay, added to the gradient (default: the preset's)")
	fs.Float64Var(&f.beta, "beta", 0, "OneBP moving-aggregation rate (default: the preset's)")
	fs.IntVar(&f.negatives, "negatives", 0, "negatives per training row (default: the preset's, 5)")
	fs.IntVar(&f.batch, "batch", 0, "batch size (default: the preset's, 1024)")
	fs.Float64Var(&f.temperature, "temperature", 0, "InfoNCE temperature (default: the preset's, 1)")
	fs.IntVar(&f.epochs, "epochs", 0, "epochs (default: the preset's)")
	fs.Uint64Var(&f.seed, "seed", 0, "random seed (default: the preset's, 2022)")
	fs.IntVar(&f.workers, "workers", 0, "worker goroutines (default GOMAXPROCS; never changes a result)")
	fs.StringVar(&f.optimizer, "optimizer", "adam", "adam (dense, as PyTorch) or sparse-adam (only the rows in the batch)")
	fs.StringVar(&f.aggregation, "aggregation", "reference", "OneBP with a user repeated in a batch: reference (last row wins) or sequential")
}

// config resolves the preset for dataset and overrides it with the flags
// set on the command line.
func (f *trainFlags) config(fs *flag.FlagSet, dataset string) (bench.Hyper, error) {
	h, err := bench.PresetFor(dataset, f.preset)
	if err != nil {
		return h, err
	}
	c := &h.Config
	c.Workers = f.workers
	if c.Optimizer, err = model.ParseOptimizer(f.optimizer); err != nil {
		return h, fmt.Errorf("-optimizer: %v", err)
	}
	if c.Aggregation, err = model.ParseAggregation(f.aggregation); err != nil {
		return h, fmt.Errorf("-aggregation: %v", err)
	}
	overridden := false
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "dim":
			c.Dim = f.dim
		case "lr":
			c.LR = f.lr
		case "l2":
			c.L2 = f.l2
		case "beta":
			c.Beta = f.beta
		case "negatives":
			c.Negatives = f.negatives
		case "batch":
			c.Batch = f.batch
		case "temperature":
			c.Temperature = f.temperature
		case "epochs":
			c.Epochs = f.epochs
		case "seed":
			c.Seed = f.seed
		default:
			return
		}
		overridden = true
	})
	if overridden {
		h.Source += "; some values set by flags"
	}
	return h, c.Check()
}

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("train", "", stderr)
	var df dataFlags
	df.register(fs)
	var tf trainFlags
	tf.register(fs)
	dataset := fs.String("dataset", "synthetic", "registered name, synthetic[:...], movielens:FILE, lightgcn:DIR or csv:DIR")
	strategy := fs.String("strategy", "onebp", "onebp or twobp")
	evalEvery := fs.Int("eval-every", 1, "evaluate every K epochs (and always after the last)")
	out := fs.String("out", "", "write the run's record (Go benchmark format) to this file")
	jsonOut := fs.String("json", "", "write the run as JSON to this file")
	export := fs.String("export", "", "write the final tables as users.npy and items.npy into this directory")
	checkpoint := fs.String("checkpoint", "", "save the training state to this file after every epoch")
	resume := fs.String("resume", "", "resume from this checkpoint (same dataset and hyper-parameters)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "onebp train: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	s, err := model.ParseStrategy(*strategy)
	if err != nil {
		return fmt.Errorf("-strategy: %v", err)
	}
	h, err := tf.config(fs, *dataset)
	if err != nil {
		return err
	}
	h.Config.Strategy = s
	dir, err := data.Dir(df.dir)
	if err != nil {
		return err
	}
	d, err := data.Load(dir, *dataset, df.splitSeed)
	if err != nil {
		return err
	}
	preset := tf.preset
	fmt.Fprintf(stderr, "training %v on %s (%d users, %d items, %d train, %d test), preset %s, dim %d, %d epochs\n",
		s, d.Name, d.Users, d.Items, d.Train.NNZ(), d.Test.NNZ(), preset, h.Config.Dim, h.Config.Epochs)
	r, err := bench.Run(ctx, bench.RunSpec{
		Data: d, Config: h.Config, Preset: preset, Source: h.Source, EvalEvery: *evalEvery,
		Resume: *resume, Checkpoint: *checkpoint, Progress: stderr,
	})
	if err != nil {
		return err
	}
	if err := printRun(stdout, r); err != nil {
		return err
	}
	var errs []error
	if *out != "" {
		errs = append(errs, atomicfile.Write(*out, func(w io.Writer) error {
			if err := bench.WriteQuality(w, []*bench.RunResult{r}); err != nil {
				return err
			}
			return bench.WriteTiming(w, []*bench.RunResult{r})
		}))
	}
	if *jsonOut != "" {
		errs = append(errs, atomicfile.Write(*jsonOut, func(w io.Writer) error { return bench.WriteRunJSON(w, r) }))
	}
	if *export != "" {
		users, items := r.Tables()
		errs = append(errs,
			atomicfile.Write(filepath.Join(*export, "users.npy"), func(w io.Writer) error { return bench.WriteNPY(w, users) }),
			atomicfile.Write(filepath.Join(*export, "items.npy"), func(w io.Writer) error { return bench.WriteNPY(w, items) }))
	}
	return errors.Join(errs...)
}

// printRun prints a run's final and best-on-test metrics.
func printRun(w io.Writer, r *bench.RunResult) error {
	if len(r.MetricNames()) == 0 {
		fmt.Fprintln(w, "no evaluation ran (0 epochs)")
		return nil
	}
	rows := [][]string{}
	for _, name := range r.MetricNames() {
		b := r.Best[name]
		rows = append(rows, []string{name, fmt.Sprintf("%.4f", r.Final[name]), fmt.Sprintf("%.4f", b.Value), fmt.Sprint(b.Epoch)})
	}
	fmt.Fprintf(w, "%s %s, final = after epoch %d; best-on-test selects on the test set (optimistic)\n", r.Dataset, r.Config.Strategy, r.FinalEpoch)
	if err := bench.WriteTable(w, false, []string{"metric", "final", "best-on-test", "best epoch"}, rows); err != nil {
		return err
	}
	train, evaluate := r.MeanEpochSeconds()
	fmt.Fprintf(w, "epoch %.3fs, evaluation %.3fs, state %.1f MB, peak RSS %.1f MB\n",
		train, evaluate, float64(r.Memory.StateBytes)/1e6, float64(r.Memory.PeakRSSBytes)/1e6)
	return nil
}
