package bench

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"

	"onebp/data"
	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
)

// A traceShape is one small fixed training problem of the behavioural
// trace: a generated dataset and the hyper-parameters that differ from
// traceBase. The first is the regress golden's original problem; the
// second has a dimension that is no multiple of a vector's width, another
// batch, negative count and temperature, and OneBP's sequential
// aggregation, so that kernel tails and the other aggregation take part.
var traceShapes = []struct {
	data data.SyntheticSpec
	set  func(*model.Config)
}{
	{data.SyntheticSpec{Users: 200, Items: 300, Interactions: 8000, Seed: 11}, func(c *model.Config) {}},
	{data.SyntheticSpec{Users: 150, Items: 257, Interactions: 5000, Seed: 12}, func(c *model.Config) {
		c.Dim, c.Batch, c.Negatives, c.Temperature, c.Beta, c.Aggregation = 13, 100, 3, 0.5, 0.9, model.Sequential
	}},
}

// traceBase is the configuration every trace shape starts from:
// ml-100k's hyper-parameters (the synthetic sets' preset), two epochs at a
// larger learning rate so that two epochs move the tables visibly.
func traceBase(x model.Execution) model.Config {
	cfg := model.Config{Dim: 32, LR: 1e-2, L2: 1e-5, Beta: 0.99, Negatives: 5, Batch: 256, Temperature: 1, Seed: 2022, Epochs: 2}
	switch x {
	case model.LazyExecution:
		cfg.L2 = 0
	case model.SparseExecution:
		cfg.Optimizer = model.SparseAdam
	}
	return cfg
}

// Trace trains both strategies on every trace shape along path x with the
// given number of workers, and writes what must never change unnoticed:
// each dataset's fingerprint, every epoch's loss, recall and NDCG at 20 in
// full precision, and a hash of the final tables. The regress goldens
// (testdata/*.golden) pin it, and the training code is its hash.
func Trace(x model.Execution, workers int) (string, error) {
	var b strings.Builder
	for _, shape := range traceShapes {
		d, err := shape.data.Generate()
		if err != nil {
			return "", err
		}
		cfg := traceBase(x)
		shape.set(&cfg)
		cfg.Workers = workers
		fmt.Fprintf(&b, "dataset %s sha256 %s\n", d.Name, d.Fingerprint)
		for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
			cfg.Strategy = s
			if err := traceRun(&b, d, cfg); err != nil {
				return "", err
			}
		}
	}
	return b.String(), nil
}

// traceRun trains cfg on d and writes its epochs and final tables.
func traceRun(b *strings.Builder, d *data.Dataset, cfg model.Config) error {
	tr, err := model.NewTrainer(d, cfg)
	if err != nil {
		return err
	}
	defer tr.Close()
	ev, err := eval.New(d, nil, cfg.WorkerCount())
	if err != nil {
		return err
	}
	for range cfg.Epochs {
		st, err := tr.Epoch(context.Background())
		if err != nil {
			return err
		}
		m, err := ev.Evaluate(tr.Users, tr.Items)
		if err != nil {
			return err
		}
		recall, _ := m.Get(eval.RecallAt20)
		ndcg, _ := m.Get(eval.NDCGAt20)
		fmt.Fprintf(b, "%v epoch %d loss %s %s %s %s %s\n", cfg.Strategy, st.Epoch, results.Exact(st.Loss),
			eval.RecallAt20, results.Exact(recall), eval.NDCGAt20, results.Exact(ndcg))
	}
	hash := sha256.New()
	binary.Write(hash, binary.LittleEndian, tr.Users.Data)
	binary.Write(hash, binary.LittleEndian, tr.Items.Data)
	fmt.Fprintf(b, "%v tables sha256 %x\n", cfg.Strategy, hash.Sum(nil))
	return nil
}

// TrainingCode identifies the code that computes the numbers of a run of
// cfg, by what it computes (DESIGN.md, "Training code"): the first 12 hex
// digits of the SHA-256 of the Trace of cfg's execution path
// (model.Config.Execution), run when first asked for in a process. A binary that trains differently on any
// trace shape has another training code, so a suite never reuses its
// records or checkpoints for it. The trace runs with one worker and with
// cfg's count (and two): when they disagree, the build breaks the
// determinism every result relies on, and the error says so.
func TrainingCode(cfg model.Config) (results.CodeID, error) {
	return codeOf(cfg.Execution(), cfg.WorkerCount())
}

type codeKey struct {
	x       model.Execution
	workers int
}

var codes sync.Map // codeKey -> func() (results.CodeID, error), once each

func codeOf(x model.Execution, workers int) (results.CodeID, error) {
	f, _ := codes.LoadOrStore(codeKey{x, workers}, sync.OnceValues(func() (results.CodeID, error) {
		return measureCode(x, workers)
	}))
	return f.(func() (results.CodeID, error))()
}

func measureCode(x model.Execution, workers int) (results.CodeID, error) {
	one, err := Trace(x, 1)
	if err != nil {
		return "", fmt.Errorf("training code of %v: %w", x, err)
	}
	for _, w := range slices.Compact([]int{2, max(workers, 2)}) {
		other, err := Trace(x, w)
		if err != nil {
			return "", fmt.Errorf("training code of %v: %w", x, err)
		}
		if other != one {
			return "", fmt.Errorf("this build is not deterministic: %v trains differently with %d workers than with 1 (first difference: %s); no result of it can be trusted",
				x, w, firstDifference(one, other))
		}
	}
	return codeOfTrace(one), nil
}

// codeOfTrace is the training code of a trace.
func codeOfTrace(trace string) results.CodeID {
	sum := sha256.Sum256([]byte(trace))
	return results.CodeID(hex.EncodeToString(sum[:])[:12])
}

// firstDifference quotes the first line where two traces differ.
func firstDifference(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("%q against %q", la[i], lb[i])
		}
	}
	return "one trace is longer"
}
