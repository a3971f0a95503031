package model

import (
	"fmt"
	"runtime"
	"strings"
)

// Strategy is how the user tower learns.
type Strategy int

const (
	// TwoBP backpropagates the loss into both towers (the usual way).
	TwoBP Strategy = iota
	// OneBP backpropagates into the item tower only and moves each batch
	// user toward its positive item: e_u <- beta*e_u + (1-beta)*v_i.
	OneBP
)

// Optimizer is how Adam treats rows absent from a batch.
type Optimizer int

const (
	// DenseAdam updates every row at every step, as torch.optim.Adam does
	// with nn.Embedding's dense gradients: absent rows have gradient 0, so
	// their moments decay and weight decay still applies. The default.
	DenseAdam Optimizer = iota
	// SparseAdam updates only the rows present in the batch.
	SparseAdam
)

// Aggregation is how OneBP treats a user who occurs several times in a
// batch.
type Aggregation int

const (
	// Reference computes every row from the user's pre-batch embedding and
	// keeps the last occurrence, as the authors' gather-compute-scatter
	// does. The default.
	Reference Aggregation = iota
	// Sequential applies the rows one after another.
	Sequential
)

// The names of the options, indexed by value, as flags and records spell
// them.
var (
	strategyNames    = []string{"twobp", "onebp"}
	optimizerNames   = []string{"adam", "sparse-adam"}
	aggregationNames = []string{"reference", "sequential"}
)

func (s Strategy) String() string    { return strategyNames[s] }
func (o Optimizer) String() string   { return optimizerNames[o] }
func (a Aggregation) String() string { return aggregationNames[a] }

// ParseStrategy reads "onebp" or "twobp".
func ParseStrategy(s string) (Strategy, error) {
	return parseName[Strategy]("strategy", s, strategyNames)
}

// ParseOptimizer reads "adam" or "sparse-adam".
func ParseOptimizer(s string) (Optimizer, error) {
	return parseName[Optimizer]("optimizer", s, optimizerNames)
}

// ParseAggregation reads "reference" or "sequential".
func ParseAggregation(s string) (Aggregation, error) {
	return parseName[Aggregation]("aggregation", s, aggregationNames)
}

func parseName[T ~int](what, s string, names []string) (T, error) {
	for i, n := range names {
		if n == s {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("%s %q: want %s", what, s, strings.Join(names, " or "))
}

// Adam's fixed constants (PyTorch's defaults).
const (
	AdamBeta1 = 0.9
	AdamBeta2 = 0.999
	AdamEps   = 1e-8
)

// Config is one training run's hyper-parameters.
type Config struct {
	Strategy    Strategy
	Dim         int
	LR          float64 // Adam learning rate
	L2          float64 // Adam weight decay, added to the gradient
	Beta        float64 // OneBP's moving-aggregation rate
	Negatives   int
	Batch       int
	Temperature float64
	Epochs      int
	Seed        uint64
	// Workers is the number of goroutines; 0 means GOMAXPROCS. It never
	// changes a result.
	Workers     int
	Optimizer   Optimizer
	Aggregation Aggregation
}

// Check reports the first hyper-parameter out of range, by its flag name.
func (c Config) Check() error {
	switch {
	case c.Dim < 1:
		return fmt.Errorf("-dim %d: want at least 1", c.Dim)
	case !(c.LR > 0):
		return fmt.Errorf("-lr %v: want a positive learning rate", c.LR)
	case !(c.L2 >= 0):
		return fmt.Errorf("-l2 %v: want a non-negative weight decay", c.L2)
	case c.Strategy == OneBP && !(c.Beta >= 0 && c.Beta < 1):
		return fmt.Errorf("-beta %v: want 0 <= beta < 1", c.Beta)
	case c.Negatives < 1:
		return fmt.Errorf("-negatives %d: want at least 1", c.Negatives)
	case c.Batch < 1:
		return fmt.Errorf("-batch %d: want at least 1", c.Batch)
	case !(c.Temperature > 0):
		return fmt.Errorf("-temperature %v: want a positive temperature", c.Temperature)
	case c.Epochs < 0:
		return fmt.Errorf("-epochs %d: want at least 0", c.Epochs)
	case c.Workers < 0:
		return fmt.Errorf("-workers %d: want at least 0 (0 = GOMAXPROCS)", c.Workers)
	}
	return nil
}

// WorkerCount is the number of goroutines the run uses: Workers, or
// GOMAXPROCS when it is 0.
func (c Config) WorkerCount() int {
	if c.Workers > 0 {
		return c.Workers
	}
	return runtime.GOMAXPROCS(0)
}
