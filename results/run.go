// Package results owns what onebp writes and reads back: run records
// (JSON, and the Go benchmark format that benchstat and `onebp diff` read),
// their merging into a results directory, Markdown reports, SVG curves and
// NumPy exports. It runs nothing; package bench does.
package results

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"onebp/data"
	"onebp/model"
	"onebp/model/eval"
)

// Run is one finished training run, as `onebp train -json` writes it and
// results directories keep it.
type Run struct {
	Dataset            string                  `json:"dataset"`
	DatasetFingerprint string                  `json:"dataset_sha256"`
	Split              string                  `json:"split"`
	Users              int                     `json:"users"`
	Items              int                     `json:"items"`
	Config             Config                  `json:"config"`
	Env                Env                     `json:"environment"`
	Epochs             []Epoch                 `json:"epochs"`
	FinalEpoch         int                     `json:"final_epoch"`
	Final              map[eval.Metric]float64 `json:"final"`
	Best               map[eval.Metric]Best    `json:"best"`
	Memory             Memory                  `json:"memory"`
	// ResumedAfter lists the epoch counts at which the run was resumed
	// from a checkpoint; its epochs and metrics are those of a run that
	// never stopped, only the timings tell.
	ResumedAfter []int `json:"resumed_after_epochs,omitempty"`
	// Interrupted is set on a run stopped before its last epoch: what it
	// holds is complete up to there, and the run can be resumed.
	Interrupted bool `json:"interrupted,omitempty"`

	// The final tables, for exports; not recorded.
	UserTable, ItemTable model.Table `json:"-"`
}

// Config is a run's setup: the hyper-parameters and how the run was
// evaluated and chosen.
type Config struct {
	model.Config
	EvalEvery int    `json:"eval_every"`
	Preset    string `json:"preset,omitempty"`
	Source    string `json:"hyperparameters_from,omitempty"` // where the values come from
}

// Epoch is one epoch of a run; Metrics is nil when it was not evaluated.
type Epoch struct {
	Epoch        int                     `json:"epoch"`
	Loss         float64                 `json:"loss"`
	TrainSeconds float64                 `json:"train_seconds"`
	Samples      int                     `json:"samples"`
	EvalSeconds  float64                 `json:"eval_seconds,omitempty"`
	Metrics      map[eval.Metric]float64 `json:"metrics,omitempty"`
}

// Best is a metric's best value over the evaluated epochs and the first
// epoch reaching it (see Summarize).
type Best struct {
	Value float64 `json:"value"`
	Epoch int     `json:"epoch"`
}

// Memory is what a run occupied.
type Memory struct {
	StateBytes   int64 `json:"state_bytes"`
	PeakRSSBytes int64 `json:"peak_rss_bytes"` // 0 where the OS does not say
}

// Env is where a run ran; records keep it beside every number.
type Env struct {
	Commit  string `json:"commit"`
	Go      string `json:"go"`
	GOOS    string `json:"goos"`
	GOARCH  string `json:"goarch"`
	CPU     string `json:"cpu"`
	Kernels string `json:"kernels"` // f32 implementation: unrolled or simd
	Workers int    `json:"workers"`
	// Cores is the number of logical CPUs the process could use and
	// MemoryBytes the machine's total memory (0 where the OS does not say).
	Cores       int   `json:"cores,omitempty"`
	MemoryBytes int64 `json:"memory_bytes,omitempty"`
}

// Machine describes the machine in one phrase: CPU, cores and memory as
// far as they are known.
func (e Env) Machine() string {
	s := e.CPU
	if e.Cores > 0 {
		s += fmt.Sprintf(" (%d cores", e.Cores)
		if e.MemoryBytes > 0 {
			s += fmt.Sprintf(", %.1f GiB", float64(e.MemoryBytes)/(1<<30))
		}
		s += ")"
	}
	return s
}

// Summarize derives FinalEpoch, Final and Best from the evaluated epochs:
// final is the last evaluation (no selection); best-on-test is each
// metric's maximum, with the first epoch reaching it.
func (r *Run) Summarize() {
	r.FinalEpoch, r.Final, r.Best = 0, map[eval.Metric]float64{}, map[eval.Metric]Best{}
	for _, e := range r.Epochs {
		if e.Metrics == nil {
			continue
		}
		r.FinalEpoch = e.Epoch
		for m, v := range e.Metrics {
			r.Final[m] = v
			if b, ok := r.Best[m]; !ok || v > b.Value {
				r.Best[m] = Best{Value: v, Epoch: e.Epoch}
			}
		}
	}
}

// Strategy is the run's strategy.
func (r *Run) Strategy() model.Strategy { return r.Config.Strategy }

// MetricNames lists the run's metrics in report order (precision_at_5 ...
// ndcg_at_20).
func (r *Run) MetricNames() []eval.Metric {
	var names []eval.Metric
	for name := range r.Final {
		names = append(names, name)
	}
	eval.SortNames(names)
	return names
}

// MeanEpochSeconds returns the mean training time of an epoch and the mean
// time of an evaluation.
func (r *Run) MeanEpochSeconds() (train, evaluate float64) {
	for _, e := range r.Epochs {
		train += e.TrainSeconds
		evaluate += e.EvalSeconds // 0 when not evaluated
	}
	if len(r.Epochs) > 0 {
		train /= float64(len(r.Epochs))
	}
	if n := r.evaluations(); n > 0 {
		evaluate /= float64(n)
	}
	return train, evaluate
}

// evaluations counts the evaluated epochs.
func (r *Run) evaluations() int {
	n := 0
	for _, e := range r.Epochs {
		if e.Metrics != nil {
			n++
		}
	}
	return n
}

// WriteJSON writes a run as indented JSON.
func WriteJSON(w io.Writer, r *Run) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// ReadRun reads a run written by WriteJSON.
func ReadRun(path string) (*Run, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Run
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &r, nil
}

// byDataset groups runs by dataset, datasets in first-seen order.
func byDataset(runs []*Run) (names []string, groups map[string][]*Run) {
	groups = map[string][]*Run{}
	for _, r := range runs {
		if _, ok := groups[r.Dataset]; !ok {
			names = append(names, r.Dataset)
		}
		groups[r.Dataset] = append(groups[r.Dataset], r)
	}
	return names, groups
}

// pair finds a dataset's OneBP and TwoBP runs (either may be nil).
func pair(runs []*Run) (one, two *Run) {
	for _, r := range runs {
		switch r.Strategy() {
		case model.OneBP:
			one = r
		case model.TwoBP:
			two = r
		}
	}
	return one, two
}

// strategyOrder puts OneBP before TwoBP, as every table and plot shows them.
func strategyOrder(s model.Strategy) int {
	if s == model.OneBP {
		return 0
	}
	return 1
}

// sortRuns orders runs by the registry's dataset order (others after, by
// name), OneBP before TwoBP.
func sortRuns(runs []*Run) {
	rank := map[string]int{}
	for i, reg := range data.Registry() {
		rank[reg.Name] = i + 1
	}
	datasetRank := func(name string) int {
		if r, ok := rank[name]; ok {
			return r
		}
		return len(rank) + 1
	}
	slices.SortStableFunc(runs, func(a, b *Run) int {
		if c := datasetRank(a.Dataset) - datasetRank(b.Dataset); c != 0 {
			return c
		}
		if c := strings.Compare(a.Dataset, b.Dataset); c != 0 {
			return c
		}
		return strategyOrder(a.Strategy()) - strategyOrder(b.Strategy())
	})
}
