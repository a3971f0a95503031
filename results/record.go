package results

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"onebp/model/eval"
)

// Run records use the Go benchmark text format, so that benchstat reads
// them: "key: value" configuration lines, "Unit" lines declaring how a
// unit compares, and "BenchmarkName N value unit ..." result lines. Quality
// metrics are declared assume=exact: they are deterministic, and any change
// is a change in behaviour, not noise.

// configLines are a run's configuration in the order written: where it
// ran, the data, then model.Config.Hyperparameters (the strategy is in the
// benchmark name).
func configLines(r *Run) [][2]string {
	c := r.Config
	lines := append(envLines(r.Env), [][2]string{
		{"dataset", r.Dataset}, {"dataset-sha256", r.DatasetFingerprint}, {"split", r.Split},
		{"preset", c.Preset}, {"hyperparameters-from", c.Source},
	}...)
	for _, f := range c.Hyperparameters() {
		lines = append(lines, [2]string{f.Name, f.Value})
	}
	for _, f := range c.Protocol.Fields() {
		lines = append(lines, [2]string{f.Name, f.Value})
	}
	return lines
}

// provenanceKeys are written as comments ("# commit: ..."): benchstat
// splits its tables by every configuration key whose value differs, and
// these differ between any two commits' result sets, which are exactly
// what a user compares. ParseRecord reads them as configuration all the
// same.
var provenanceKeys = map[string]bool{"commit": true, "training-code": true}

const provenancePrefix = "# "

// envLines are where a run ran, as records write it: the one definition
// of the environment's keys (diff ignores them as environmentKeys).
func envLines(e Env) [][2]string {
	return [][2]string{
		{"commit", e.Commit}, {"go", e.Go}, {"goos", e.GOOS}, {"goarch", e.GOARCH},
		{"cpu", e.CPU}, {"kernels", e.Kernels}, {"workers", strconv.Itoa(e.Workers)}, {"training-code", string(e.TrainingCode)},
		{"cores", strconv.Itoa(e.Cores)}, {"memory", fmt.Sprintf("%.1fGiB", float64(e.MemoryBytes)/(1<<30))},
	}
}

func writeConfig(w io.Writer, r *Run) {
	fmt.Fprintln(w)
	for _, kv := range configLines(r) {
		if provenanceKeys[kv[0]] {
			fmt.Fprint(w, provenancePrefix)
		}
		fmt.Fprintf(w, "%s: %s\n", kv[0], kv[1])
	}
}

// benchName is a run's benchmark name stem: the dataset, a sweep point's
// or tuning trial's values as keys ("/dim=256", "/trial=3/lr=0.001"; a
// run at tuned settings says "/setting=tuned", its values differing by
// strategy), the strategy.
func benchName(kind string, r *Run) string {
	keys := r.Point.benchKeys()
	switch {
	case r.IsTrial():
		keys = fmt.Sprintf("/trial=%d%s", r.Tuning.Trial, keys)
	case r.isTuned():
		keys = "/setting=tuned"
	}
	return fmt.Sprintf("Benchmark%s/dataset=%s%s/strategy=%v", kind, r.Dataset, keys, r.Strategy())
}

// WriteQuality writes the runs' quality metrics: one line per run and
// protocol, final (after the last epoch), best (best-on-test, each
// metric's maximum over the evaluated epochs, with epoch_of_* giving the
// epoch) and, for validated runs, validated (the test metrics at the epoch
// validation selected).
func WriteQuality(w io.Writer, runs []*Run) error {
	bw := bufio.NewWriter(w)
	declared := map[eval.Metric]bool{}
	for _, r := range runs {
		for _, name := range r.MetricNames() {
			if !declared[name] {
				declared[name] = true
				fmt.Fprintf(bw, "Unit %s assume=exact better=higher\n", name)
				fmt.Fprintf(bw, "Unit epoch_of_%s assume=exact\n", name)
			}
		}
	}
	fmt.Fprintln(bw, "Unit epoch assume=exact")
	for _, r := range runs {
		writeConfig(bw, r)
		line := benchName("Quality", r) + "/protocol=final 1"
		for _, name := range r.MetricNames() {
			line += " " + Exact(r.Final[name]) + " " + string(name)
		}
		fmt.Fprintf(bw, "%s %d epoch\n", line, r.FinalEpoch)
		line = benchName("Quality", r) + "/protocol=best 1"
		for _, name := range r.MetricNames() {
			line += " " + Exact(r.Best[name].Value) + " " + string(name)
		}
		for _, name := range r.MetricNames() {
			line += fmt.Sprintf(" %d epoch_of_%s", r.Best[name].Epoch, name)
		}
		fmt.Fprintln(bw, line)
		if sel := r.Selected; sel != nil {
			line = benchName("Quality", r) + "/protocol=validated 1"
			for _, name := range r.MetricNames() {
				line += " " + Exact(sel.Test[name]) + " " + string(name)
			}
			fmt.Fprintf(bw, "%s %d epoch\n", line, sel.Epoch)
		}
	}
	return bw.Flush()
}

// WriteTiming writes the runs' times and memory: the median training epoch
// (N = epochs) and the median evaluation (N = evaluations). These are
// noisy.
func WriteTiming(w io.Writer, runs []*Run) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "Unit ns/sample better=lower")
	fmt.Fprintln(bw, "Unit state_bytes better=lower")
	fmt.Fprintln(bw, "Unit peak_rss_bytes better=lower")
	for _, r := range runs {
		writeConfig(bw, r)
		train, evaluate := r.EpochSeconds()
		perSample := 0.0
		if len(r.Epochs) > 0 && r.Epochs[0].Samples > 0 {
			perSample = train * 1e9 / float64(r.Epochs[0].Samples)
		}
		fmt.Fprintf(bw, "%s %d %.0f ns/op %.1f ns/sample %d state_bytes %d peak_rss_bytes\n",
			benchName("TrainEpoch", r), len(r.Epochs), train*1e9, perSample, r.Memory.StateBytes, r.Memory.PeakRSSBytes)
		fmt.Fprintf(bw, "%s %d %.0f ns/op\n", benchName("Evaluate", r), r.evaluations(), evaluate*1e9)
	}
	return bw.Flush()
}

// Exact formats a float64 so that it parses back to the same bits, as
// records write quality metrics.
func Exact(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// A Record is a parsed benchmark-format file (or several).
type Record struct {
	Exact   map[string]bool // units declared assume=exact
	Results []Result
}

// Result is one benchmark line.
type Result struct {
	Name   string
	N      int
	Values []Value
	Config map[string]string // the configuration lines in force, as benchfmt applies them; shared, read-only
}

// Value is one measurement of a benchmark line.
type Value struct {
	Value float64
	Unit  string
}

// ParseRecord reads the Go benchmark format; name labels errors. A
// configuration line ("key: value") applies to the results after it until
// the key is set again; other lines are skipped.
func ParseRecord(r io.Reader, name string) (*Record, error) {
	rec := &Record{Exact: map[string]bool{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	config, shared := map[string]string{}, false // shared: results hold config, so copy before a change
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, provenancePrefix); ok {
			if key, _, ok := configLine(rest); ok && provenanceKeys[key] {
				line = rest
			}
		}
		if key, value, ok := configLine(line); ok {
			if shared {
				config, shared = maps.Clone(config), false
			}
			config[key] = value
			continue
		}
		fields := strings.Fields(line)
		switch {
		case len(fields) >= 2 && fields[0] == "Unit":
			if slices.Contains(fields[2:], "assume=exact") {
				rec.Exact[fields[1]] = true
			}
		case len(fields) > 0 && strings.HasPrefix(fields[0], "Benchmark"):
			res, err := parseResult(fields)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, n, err)
			}
			res.Config, shared = config, true
			rec.Results = append(rec.Results, res)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return rec, nil
}

// configLine splits a configuration line, "key: value", whose key starts
// with a lower-case letter and has no spaces (the benchmark format's rule).
func configLine(line string) (key, value string, ok bool) {
	key, value, ok = strings.Cut(line, ":")
	if !ok || key == "" || key[0] < 'a' || key[0] > 'z' || strings.ContainsAny(key, " \t") || (value != "" && value[0] != ' ') {
		return "", "", false
	}
	return key, strings.TrimSpace(value), true
}

func parseResult(fields []string) (Result, error) {
	if len(fields) < 2 || len(fields)%2 != 0 {
		return Result{}, fmt.Errorf("benchmark line has %d fields, want a name, N and value-unit pairs", len(fields))
	}
	n, err := strconv.Atoi(fields[1])
	if err != nil {
		return Result{}, fmt.Errorf("iteration count %q is not an integer", fields[1])
	}
	res := Result{Name: fields[0], N: n}
	for k := 2; k < len(fields); k += 2 {
		v, err := strconv.ParseFloat(fields[k], 64)
		if err != nil {
			return Result{}, fmt.Errorf("value %q of %s is not a number", fields[k], fields[k+1])
		}
		res.Values = append(res.Values, Value{v, fields[k+1]})
	}
	return res, nil
}

// Merge appends other's declarations and results to r.
func (r *Record) Merge(other *Record) {
	for u := range other.Exact {
		r.Exact[u] = true
	}
	r.Results = append(r.Results, other.Results...)
}
