// Package results owns the run records: a run as JSON and in the Go
// benchmark format (which benchstat and `onebp diff` read), the store of a
// results directory (one record per dataset, point, strategy and seed),
// which records make one report cell, the diff of two record sets, and
// NumPy exports. It runs nothing (package bench does), computes no
// statistics (package results/stats) and renders no report (package
// results/report).
package results

import (
	"cmp"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/exp/stats"

	"onebp/data"
	"onebp/model"
	"onebp/model/eval"
)

// Run is one finished training run, as `onebp train -json` writes it and
// results directories keep it.
type Run struct {
	Dataset            string `json:"dataset"`
	DatasetFingerprint string `json:"dataset_sha256"`
	Split              string `json:"split"`
	Users              int    `json:"users"`
	Items              int    `json:"items"`
	Config             Config `json:"config"`
	// Point is the swept hyper-parameters' values of a sweep's run, in
	// the sweep's order (their values are also in Config); none otherwise.
	Point Point `json:"point,omitempty"`
	// Tuning marks a run of a tuning grid: a trial, or a run at the
	// settings it chose (its Point then holds them).
	Tuning     *Tuning                 `json:"tuning,omitempty"`
	Env        Env                     `json:"environment"`
	Epochs     []Epoch                 `json:"epochs"`
	FinalEpoch int                     `json:"final_epoch"`
	Final      map[eval.Metric]float64 `json:"final"`
	Best       map[eval.Metric]Best    `json:"best"`
	// Selected is the epoch a validated run selects (Config.Validation >
	// 0), nil otherwise.
	Selected *Selected `json:"selected,omitempty"`
	// StoppedEarly is set when the protocol's patience ran out before the
	// last epoch: the last evaluated epoch is then the final one.
	StoppedEarly bool   `json:"stopped_early,omitempty"`
	Memory       Memory `json:"memory"`
	// ResumedAfter lists the epoch counts at which the run was resumed
	// from a checkpoint; its epochs and metrics are those of a run that
	// never stopped, only the timings tell.
	ResumedAfter []int `json:"resumed_after_epochs,omitempty"`
	// EarlierCommits[i] is the commit of the process that trained the
	// epochs up to ResumedAfter[i] ("" when its checkpoint did not keep
	// it; a record from before they were kept has none); Env.Commit
	// trained the rest. All were of Env.TrainingCode.
	EarlierCommits []string `json:"earlier_commits,omitempty"`
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
	Protocol
	Preset string `json:"preset,omitempty"`
	Source string `json:"hyperparameters_from,omitempty"` // where the values come from
}

// Protocol is how a run is evaluated and its epoch selected.
type Protocol struct {
	EvalEvery int `json:"eval_every"` // evaluate every EvalEvery epochs, and after the last
	// Validation is the share of each user's training items held out to
	// select the epoch (data.Dataset.HoldOut); 0 is the reference
	// protocol: no validation, final and best-on-test only.
	Validation float64 `json:"validation"`
	// Select is the validation metric that selects the epoch, and Patience
	// the number of evaluations without improvement after which training
	// stops (0: never early). Both apply only with Validation.
	Select   eval.Metric `json:"select,omitempty"`
	Patience int         `json:"patience,omitempty"`
}

// The protocol's settings as records, reports and flags name them.
const (
	EvalEveryName  = "eval-every"
	ValidationName = "validation"
	SelectName     = "select"
	PatienceName   = "patience"
)

// Fields lists the protocol's settings in order, as records write them:
// select and patience only under a validation share, where they apply.
func (p Protocol) Fields() []model.Field {
	f := []model.Field{{Name: EvalEveryName, Value: strconv.Itoa(p.EvalEvery)}, {Name: ValidationName, Value: Exact(p.Validation)}}
	if p.Validation > 0 {
		f = append(f, model.Field{Name: SelectName, Value: string(p.Select)}, model.Field{Name: PatienceName, Value: strconv.Itoa(p.Patience)})
	}
	return f
}

// DefaultSelect is the metric that selects a validated run's epoch unless
// another is asked for.
var DefaultSelect = eval.NDCGAt20

// Check reports the first protocol setting out of range, by its field name.
func (p Protocol) Check() error {
	bad := func(field string, value any, want string) error {
		return &model.FieldError{Field: field, Value: fmt.Sprint(value), Want: want}
	}
	switch {
	case p.EvalEvery < 1:
		return bad(EvalEveryName, p.EvalEvery, "at least 1")
	case !(p.Validation >= 0 && p.Validation < 1):
		return bad(ValidationName, p.Validation, "a share of each user's training items, 0 <= share < 1 (0: no validation)")
	case p.Validation == 0 && (p.Select != "" || p.Patience != 0):
		return bad(ValidationName, p.Validation, "more than 0 for select or patience to apply")
	case p.Patience < 0:
		return bad(PatienceName, p.Patience, "at least 0 (0: no early stopping)")
	}
	if names := (eval.Metrics{Ks: eval.DefaultKs}).Names(); p.Validation > 0 && !slices.Contains(names, p.Select) {
		var want []string
		for _, m := range names {
			want = append(want, string(m))
		}
		return bad(SelectName, p.Select, "one of "+strings.Join(want, ", "))
	}
	return nil
}

// Epoch is one epoch of a run; Metrics (on the test set) and Validation
// are nil when it was not evaluated, and Validation also without a
// validation set.
type Epoch struct {
	Epoch        int                     `json:"epoch"`
	Loss         float64                 `json:"loss"`
	TrainSeconds float64                 `json:"train_seconds"`
	Samples      int                     `json:"samples"`
	EvalSeconds  float64                 `json:"eval_seconds,omitempty"` // test and validation
	Metrics      map[eval.Metric]float64 `json:"metrics,omitempty"`
	Validation   map[eval.Metric]float64 `json:"validation,omitempty"`
}

// Selected is a validated run's chosen epoch: the first evaluated epoch
// with the best validation value of the protocol's Select metric, its
// validation and test metrics, and its per-user test values for paired
// comparisons.
type Selected struct {
	Epoch      int                     `json:"epoch"`
	Validation map[eval.Metric]float64 `json:"validation"`
	Test       map[eval.Metric]float64 `json:"test"`
	PerUser    *PerUser                `json:"per_user,omitempty"`
}

// PerUser holds per-user test metrics of the users evaluated (those with a
// test item, in ascending id order), for the metrics paired comparisons
// use.
type PerUser struct {
	Users  int                      `json:"users"`
	Values map[eval.Metric]Float32s `json:"values"`
}

// PairedMetrics are the metrics whose per-user values a validated run
// keeps and comparisons test.
var PairedMetrics = []eval.Metric{eval.NDCGAt20, eval.RecallAt20}

// Float32s is a vector kept at float32 precision and written to JSON as
// the base64 of its little-endian bytes: per-user values at a tenth of
// their size as decimal numbers.
type Float32s []float32

func (f Float32s) MarshalText() ([]byte, error) {
	raw := make([]byte, 0, 4*len(f))
	for _, x := range f {
		raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(x))
	}
	return []byte(base64.StdEncoding.EncodeToString(raw)), nil
}

func (f *Float32s) UnmarshalText(b []byte) error {
	raw, err := base64.StdEncoding.DecodeString(string(b))
	if err != nil || len(raw)%4 != 0 {
		return fmt.Errorf("per-user values: not base64 of float32s")
	}
	*f = make(Float32s, len(raw)/4)
	for i := range *f {
		(*f)[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return nil
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

// A CodeID names the training code that computed a run's numbers: what
// bench.TrainingCode measures.
type CodeID string

// Env is where a run ran; records keep it beside every number.
type Env struct {
	Commit  string `json:"commit"`
	Go      string `json:"go"`
	GOOS    string `json:"goos"`
	GOARCH  string `json:"goarch"`
	CPU     string `json:"cpu"`
	Kernels string `json:"kernels"` // f32 implementation: unrolled, asm, avx512 or simd
	Workers int    `json:"workers"`
	// TrainingCode identifies the code that computes a run's numbers (see
	// bench.TrainingCode): runs with equal configurations, data and
	// training code have equal quality figures.
	TrainingCode CodeID `json:"training_code,omitempty"`
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

// Summarize derives FinalEpoch, Final, Best and Selected from the
// evaluated epochs: final is the last evaluation (no selection);
// best-on-test is each metric's maximum, with the first epoch reaching it;
// selected is the first epoch with the best validation value of the
// protocol's Select metric (its per-user values, which only the run that
// measured them can set, are kept).
func (r *Run) Summarize() {
	r.FinalEpoch, r.Final, r.Best = 0, map[eval.Metric]float64{}, map[eval.Metric]Best{}
	var perUser *PerUser
	if r.Selected != nil {
		perUser = r.Selected.PerUser
	}
	r.Selected = nil
	for _, e := range r.Epochs {
		if e.Metrics == nil {
			continue
		}
		if v, ok := e.Validation[r.Config.Select]; ok && (r.Selected == nil || v > r.Selected.Validation[r.Config.Select]) {
			r.Selected = &Selected{Epoch: e.Epoch, Validation: e.Validation, Test: e.Metrics, PerUser: perUser}
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

// EpochSeconds returns the median training time of an epoch and the
// median time of an evaluation (0 when none). Medians, because timings on
// a shared machine have outliers (another process, a paused one) that a
// mean would carry.
func (r *Run) EpochSeconds() (train, evaluate float64) {
	var ts, es []float64
	for _, e := range r.Epochs {
		ts = append(ts, e.TrainSeconds)
		if e.Metrics != nil {
			es = append(es, e.EvalSeconds)
		}
	}
	return median(ts), median(es)
}

// median is stats.Median, 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	return stats.Median(xs)
}

// TrainingSeconds is the run's training time, as its epochs times the
// median epoch: what training to the stop cost, without the outliers.
func (r *Run) TrainingSeconds() float64 {
	train, _ := r.EpochSeconds()
	return float64(r.EpochsTrained()) * train
}

// ComputeSeconds is the time the run's epochs and evaluations took, summed
// over every process that ran a part of it (so pauses between a checkpoint
// and its resumption do not count).
func (r *Run) ComputeSeconds() float64 {
	total := 0.0
	for _, e := range r.Epochs {
		total += e.TrainSeconds + e.EvalSeconds
	}
	return total
}

// AlignCommits returns the commits before the resumes after resumedAfter
// epochs with one entry per resume: earlier, after a "" (unknown) for each
// resume from before the commits were kept, which all come first.
func AlignCommits(resumedAfter []int, earlier []string) []string {
	if missing := len(resumedAfter) - len(earlier); missing > 0 {
		return append(make([]string, missing), earlier...)
	}
	return earlier
}

// Commits is the commits of the processes that trained the run, in order
// and once each: those before its resumes ("unknown" where the checkpoint
// or the record did not keep one), then Env.Commit.
func (r *Run) Commits() []string {
	ids := append(slices.Clone(AlignCommits(r.ResumedAfter, r.EarlierCommits)), r.Env.Commit)
	var c []string
	for _, id := range ids {
		if id == "" {
			id = "unknown"
		}
		if !slices.Contains(c, id) {
			c = append(c, id)
		}
	}
	return c
}

// EpochsTrained is the number of epochs the run trained.
func (r *Run) EpochsTrained() int {
	if len(r.Epochs) == 0 {
		return 0
	}
	return r.Epochs[len(r.Epochs)-1].Epoch + 1
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

// Cells groups runs into report cells (Run.Cell), in first-seen order: a
// cell is a dataset, in a sweep a dataset at one point ("gowalla
// dim=256"), in a tuning grid a dataset at tuned settings. A TwoBP run
// of a sweep over a parameter only OneBP has (beta) belongs to the cell
// of every OneBP point it is the reference of. Tuning trials belong to
// none (Trials).
func Cells(runs []*Run) (names []string, groups map[string][]*Run) {
	groups = map[string][]*Run{}
	add := func(name string, r *Run) {
		if _, ok := groups[name]; !ok {
			names = append(names, name)
		}
		groups[name] = append(groups[name], r)
	}
	// The OneBP points each TwoBP point stands beside.
	beside := map[string][]string{}
	for _, r := range runs {
		if r.Strategy() == model.OneBP && r.Tuning == nil {
			ref := CellName(r.Dataset, r.Point.Without(model.TwoBP))
			if cell := r.Cell(); !slices.Contains(beside[ref], cell) {
				beside[ref] = append(beside[ref], cell)
			}
		}
	}
	for _, r := range runs {
		if r.IsTrial() {
			continue
		}
		cell := r.Cell()
		if others := beside[cell]; r.Strategy() == model.TwoBP && r.Tuning == nil && len(others) > 0 {
			for _, c := range others {
				add(c, r)
			}
			continue
		}
		add(cell, r)
	}
	return names, groups
}

// StrategyOrder puts OneBP before TwoBP, as every table and plot shows them.
func StrategyOrder(s model.Strategy) int {
	if s == model.OneBP {
		return 0
	}
	return 1
}

// SortRuns orders runs as reports show them (sortRuns).
func SortRuns(runs []*Run) { sortRuns(runs) }

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
		if c := ComparePoints(a.Point, b.Point); c != 0 {
			return c
		}
		if c := StrategyOrder(a.Strategy()) - StrategyOrder(b.Strategy()); c != 0 {
			return c
		}
		return cmp.Compare(a.Config.Seed, b.Config.Seed)
	})
}
