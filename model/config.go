package model

import (
	"encoding"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"onebp/data"
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
	// DenseAdam has torch.optim.Adam's semantics with nn.Embedding's dense
	// gradients: every row moves at every step, absent rows with gradient
	// 0, so their moments decay and weight decay still applies. Without
	// weight decay it is executed lazily, at the cost of the rows a batch
	// touches (DESIGN.md, "Adam, executed lazily"); with it, eagerly. The
	// default.
	DenseAdam Optimizer = iota
	// SparseAdam updates only the rows present in the batch.
	SparseAdam
	// EagerAdam is DenseAdam executed as PyTorch executes it, every row at
	// every step: the lazy execution's oracle, and the cost the paper's
	// time claims are about.
	EagerAdam
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

// The names of the options, indexed by value: the only place they are
// spelled. Flags, records, reports and checkpoints all go through the
// text methods below.
var (
	strategyNames    = []string{"twobp", "onebp"}
	optimizerNames   = []string{"adam", "sparse-adam", "adam-eager"}
	aggregationNames = []string{"reference", "sequential"}
)

func (s Strategy) String() string    { return nameOf(strategyNames, int(s)) }
func (o Optimizer) String() string   { return nameOf(optimizerNames, int(o)) }
func (a Aggregation) String() string { return nameOf(aggregationNames, int(a)) }

func nameOf(names []string, i int) string {
	if i < 0 || i >= len(names) {
		return strconv.Itoa(i)
	}
	return names[i]
}

func (s Strategy) MarshalText() ([]byte, error)    { return []byte(s.String()), nil }
func (o Optimizer) MarshalText() ([]byte, error)   { return []byte(o.String()), nil }
func (a Aggregation) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

func (s *Strategy) UnmarshalText(b []byte) error {
	return parseName(s, "strategy", string(b), strategyNames)
}

func (o *Optimizer) UnmarshalText(b []byte) error {
	return parseName(o, "optimizer", string(b), optimizerNames)
}

func (a *Aggregation) UnmarshalText(b []byte) error {
	return parseName(a, "aggregation", string(b), aggregationNames)
}

func parseName[T ~int](dst *T, field, s string, names []string) error {
	for i, n := range names {
		if n == s {
			*dst = T(i)
			return nil
		}
	}
	return &FieldError{Field: field, Value: strconv.Quote(s), Want: strings.Join(names, " or ")}
}

// Adam's fixed constants (PyTorch's defaults).
const (
	AdamBeta1 = 0.9
	AdamBeta2 = 0.999
	AdamEps   = 1e-8
)

// Config is one training run's hyper-parameters: the one definition that
// run records, reports, printouts and checkpoints derive from (see Fields).
// A field's JSON name is also its name in records and its command-line
// flag. The order is the order they are shown in.
type Config struct {
	Strategy    Strategy    `json:"strategy"`
	Seed        uint64      `json:"seed"`
	Dim         int         `json:"dim"`
	LR          float64     `json:"lr"` // Adam learning rate
	L2          float64     `json:"l2"` // Adam weight decay, added to the gradient
	Beta        float64     `json:"beta"`
	Negatives   int         `json:"negatives"`
	Batch       int         `json:"batch"`
	Temperature float64     `json:"temperature"`
	Epochs      int         `json:"epochs"`
	Optimizer   Optimizer   `json:"optimizer"`
	Aggregation Aggregation `json:"aggregation"`
	// Workers is the number of goroutines; 0 means GOMAXPROCS. It never
	// changes a result, so it is not recorded as a hyper-parameter (run
	// records note it with the machine).
	Workers int `json:"-"`
}

// A FieldError is a value out of range or unknown, named by its field.
type FieldError struct {
	Field string // the JSON name, e.g. "dim"
	Value string // as given
	Want  string
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s %s: want %s", e.Field, e.Value, e.Want) }

// CheckFor is Check, then the limits d sets: a batch is at most the
// training pairs, and every user must leave at least Negatives items
// outside its training row to sample from. The error
// names the user by its id in d's files.
func (c Config) CheckFor(d *data.Dataset) error {
	if err := c.Check(); err != nil {
		return err
	}
	if pairs := d.Train.NNZ(); c.Batch > pairs {
		// The last partial batch is dropped: an epoch would train nothing.
		return &FieldError{Field: "batch", Value: fmt.Sprint(c.Batch), Want: fmt.Sprintf(
			"at most %d, the training pairs of %s (an epoch trains whole batches only)", pairs, d.Name)}
	}
	densest, most := 0, -1
	for u := range d.Train.Rows() {
		if n := len(d.Train.Row(u)); n > most {
			densest, most = u, n
		}
	}
	if left := d.Items - most; most >= 0 && left < c.Negatives {
		return &FieldError{Field: "negatives", Value: fmt.Sprint(c.Negatives), Want: fmt.Sprintf(
			"at most %d on %s, whose user %d has %d training items of %d", left, d.Name, d.UserIDs()[densest], most, d.Items)}
	}
	return nil
}

// Check reports the first hyper-parameter out of range.
func (c Config) Check() error {
	bad := func(field string, value any, want string) error {
		return &FieldError{Field: field, Value: fmt.Sprint(value), Want: want}
	}
	switch {
	case c.Strategy != TwoBP && c.Strategy != OneBP:
		return bad("strategy", c.Strategy, strings.Join(strategyNames, " or "))
	case c.Optimizer != DenseAdam && c.Optimizer != SparseAdam && c.Optimizer != EagerAdam:
		return bad("optimizer", c.Optimizer, strings.Join(optimizerNames, " or "))
	case c.Aggregation != Reference && c.Aggregation != Sequential:
		return bad("aggregation", c.Aggregation, strings.Join(aggregationNames, " or "))
	case c.Dim < 1:
		return bad("dim", c.Dim, "at least 1")
	case !(c.LR > 0):
		return bad("lr", c.LR, "a positive learning rate")
	case !(c.L2 >= 0):
		return bad("l2", c.L2, "a non-negative weight decay")
	case c.Strategy == OneBP && !(c.Beta >= 0 && c.Beta < 1):
		return bad("beta", c.Beta, "0 <= beta < 1")
	case c.Negatives < 1:
		return bad("negatives", c.Negatives, "at least 1")
	case c.Batch < 1:
		return bad("batch", c.Batch, "at least 1")
	case !(c.Temperature > 0):
		return bad("temperature", c.Temperature, "a positive temperature")
	case c.Epochs < 0:
		return bad("epochs", c.Epochs, "at least 0")
	case c.Workers < 0:
		return bad("workers", c.Workers, "at least 0 (0 = GOMAXPROCS)")
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

// Model is the configuration with the run-only fields (Epochs, Workers)
// cleared and the execution of dense Adam (eager or lazy, the same
// semantics) made one: what a trained state depends on, so two runs may
// continue each other's checkpoints exactly when their Model()s are equal.
func (c Config) Model() Config {
	c.Epochs, c.Workers = 0, 0
	if c.Optimizer == EagerAdam {
		c.Optimizer = DenseAdam
	}
	return c
}

// LazyAdam says whether dense Adam runs lazily: exactly when there is no
// weight decay, so that a skipped row's gradient is exactly 0.
func (c Config) LazyAdam() bool { return c.Optimizer == DenseAdam && c.L2 == 0 }

// An Execution is one path a run's numbers take through the trainer: how
// Adam is executed. Runs on different paths may give different bits for
// the same hyper-parameters' semantics, so each has its own training code.
type Execution int

const (
	EagerExecution  Execution = iota // dense Adam, every row at every step (weight decay, or adam-eager)
	LazyExecution                    // dense Adam without weight decay, caught up lazily
	SparseExecution                  // sparse Adam
)

var executionNames = []string{"eager dense Adam", "lazy dense Adam", "sparse Adam"}

func (x Execution) String() string { return nameOf(executionNames, int(x)) }

// Execution is the path a run of c takes.
func (c Config) Execution() Execution {
	switch {
	case c.Optimizer == SparseAdam:
		return SparseExecution
	case c.LazyAdam():
		return LazyExecution
	}
	return EagerExecution
}

// A Field is one hyper-parameter as records and reports show it.
type Field struct {
	Name  string // the JSON name, e.g. "lr"
	Value string // exact: floats in the shortest form that reads back the same
}

// Fields lists the recorded fields in Config's order, derived from its
// definition, so a new field appears in every record, report and
// comparison without further edits.
func (c Config) Fields() []Field {
	v := reflect.ValueOf(c)
	var out []Field
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if name == "-" || name == "" {
			continue
		}
		out = append(out, Field{Name: name, Value: formatValue(v.Field(i))})
	}
	return out
}

// Hyperparameters is Fields without the strategy: what a OneBP and a TwoBP
// run of one comparison share, and what records and reports list beside
// the strategy they name.
func (c Config) Hyperparameters() []Field {
	return slices.DeleteFunc(c.Fields(), func(f Field) bool { return f.Name == "strategy" })
}

func formatValue(v reflect.Value) string {
	if m, ok := v.Interface().(encoding.TextMarshaler); ok {
		b, _ := m.MarshalText()
		return string(b)
	}
	switch v.Kind() {
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case reflect.Int:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	}
	panic(fmt.Sprintf("model: Config field of kind %v has no format", v.Kind()))
}

// A Difference is a hyper-parameter whose value differs between two
// configurations.
type Difference struct{ Name, Old, New string }

func (d Difference) String() string { return fmt.Sprintf("%s %s -> %s", d.Name, d.Old, d.New) }

// Differences lists, in Fields' order, the hyper-parameters whose values
// differ from old to cur.
func Differences(old, cur Config) []Difference {
	fo, fc := old.Fields(), cur.Fields()
	var out []Difference
	for i := range fo {
		if fo[i].Value != fc[i].Value {
			out = append(out, Difference{fo[i].Name, fo[i].Value, fc[i].Value})
		}
	}
	return out
}

// oneBPOnly are the fields only OneBP reads: TwoBP has no moving
// aggregation.
var oneBPOnly = []string{"beta", "aggregation"}

// Applies says whether the field named name (its JSON name) changes what a
// run of c's strategy computes.
func (c Config) Applies(name string) bool {
	return c.Strategy == OneBP || !slices.Contains(oneBPOnly, name)
}

// Set parses value into the field named name (its JSON name), as records
// and flags spell it, and checks the result.
func (c *Config) Set(name, value string) error {
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if tag != name || tag == "-" {
			continue
		}
		f := v.Field(i)
		bad := func(want string) error { return &FieldError{Field: name, Value: strconv.Quote(value), Want: want} }
		if u, ok := f.Addr().Interface().(encoding.TextUnmarshaler); ok {
			if err := u.UnmarshalText([]byte(value)); err != nil {
				return err
			}
		} else {
			switch f.Kind() {
			case reflect.Float64:
				x, err := strconv.ParseFloat(value, 64)
				if err != nil {
					return bad("a number")
				}
				f.SetFloat(x)
			case reflect.Int:
				x, err := strconv.Atoi(value)
				if err != nil {
					return bad("an integer")
				}
				f.SetInt(int64(x))
			case reflect.Uint64:
				x, err := strconv.ParseUint(value, 10, 64)
				if err != nil {
					return bad("a non-negative integer")
				}
				f.SetUint(x)
			default:
				panic(fmt.Sprintf("model: Config field %s of kind %v cannot be set", name, f.Kind()))
			}
		}
		return c.Check()
	}
	var names []string
	for _, f := range c.Fields() {
		names = append(names, f.Name)
	}
	return &FieldError{Field: "name", Value: strconv.Quote(name), Want: "one of " + strings.Join(names, ", ")}
}

// CheckField says whether value is one the field named name accepts on
// its own, as Set parses and Check checks it (a probe of valid values
// takes it): for flags and sweeps checked before any configuration
// exists.
func CheckField(name, value string) error {
	probe := Config{Strategy: OneBP, Dim: 1, LR: 1, Beta: 0.5, Negatives: 1, Batch: 1, Temperature: 1}
	return probe.Set(name, value)
}
