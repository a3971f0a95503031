package results_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"onebp/internal/runtest"
	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
)

// TestSummarize: final is the last evaluation, best the maximum with the
// first epoch reaching it (ties keep the first), unevaluated epochs skipped.
func TestSummarize(t *testing.T) {
	m := func(p, r, f, n float64) map[eval.Metric]float64 {
		return map[eval.Metric]float64{eval.At("precision", 20): p, eval.RecallAt20: r, eval.At("f1", 20): f, eval.NDCGAt20: n}
	}
	run := &results.Run{Epochs: []results.Epoch{{Epoch: 0, Metrics: m(0.1, 0.2, 0.1, 0.3)}, {Epoch: 1, Metrics: m(0.3, 0.2, 0.2, 0.1)},
		{Epoch: 2, Metrics: m(0.2, 0.25, 0.2, 0.2)}, {Epoch: 3}}}
	run.Summarize()
	if run.FinalEpoch != 2 || run.Final[eval.At("precision", 20)] != 0.2 || len(run.Final) != 4 {
		t.Fatalf("final %v at %d", run.Final, run.FinalEpoch)
	}
	want := map[eval.Metric]results.Best{eval.At("precision", 20): {0.3, 1}, eval.RecallAt20: {0.25, 2}, eval.At("f1", 20): {0.2, 1}, eval.NDCGAt20: {0.3, 0}}
	if !maps.Equal(run.Best, want) {
		t.Errorf("best %v, want %v", run.Best, want)
	}
	empty := &results.Run{Epochs: []results.Epoch{{Epoch: 0}}}
	empty.Summarize()
	if len(empty.Final) != 0 || empty.FinalEpoch != 0 {
		t.Errorf("no evaluation: %+v", empty)
	}
}

func record(t *testing.T, write func(io.Writer, []*results.Run) error, runs ...*results.Run) *results.Record {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b, runs); err != nil {
		t.Fatal(err)
	}
	rec, err := results.ParseRecord(&b, "test")
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestQualityRecordIsExact(t *testing.T) {
	r := runtest.Fake("tiny", model.OneBP, 1)
	rec := record(t, results.WriteQuality, r)
	if !rec.Exact["recall_at_20"] || !rec.Exact["epoch_of_ndcg_at_5"] || rec.Exact["ns/op"] {
		t.Errorf("exact units %v", rec.Exact)
	}
	if len(rec.Results) != 2 || !strings.HasSuffix(rec.Results[0].Name, "/dataset=tiny/strategy=onebp/protocol=final") {
		t.Fatalf("results %+v", rec.Results)
	}
	for _, v := range rec.Results[0].Values {
		if v.Unit != "epoch" && v.Value != r.Final[eval.Metric(v.Unit)] {
			t.Errorf("%s written as %v, run has %v: not exact", v.Unit, v.Value, r.Final[eval.Metric(v.Unit)])
		}
	}
	for _, v := range rec.Results[1].Values {
		if name, ok := strings.CutPrefix(v.Unit, "epoch_of_"); ok {
			if int(v.Value) != r.Best[eval.Metric(name)].Epoch {
				t.Errorf("%s = %v, want %d", v.Unit, v.Value, r.Best[eval.Metric(name)].Epoch)
			}
		} else if v.Value != r.Best[eval.Metric(v.Unit)].Value {
			t.Errorf("best %s = %v, want %v", v.Unit, v.Value, r.Best[eval.Metric(v.Unit)].Value)
		}
	}
	timing := record(t, results.WriteTiming, r)
	if len(timing.Results) != 2 || timing.Results[0].N != 4 || timing.Results[1].N != 2 {
		t.Errorf("timing results %+v", timing.Results)
	}
}

// TestRecordConfigLines: every hyper-parameter of model.Config appears as
// a configuration line, in Fields' order, the strategy in the name only.
func TestRecordConfigLines(t *testing.T) {
	r := runtest.Fake("tiny", model.TwoBP, 1)
	var b strings.Builder
	if err := results.WriteQuality(&b, []*results.Run{r}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, line := range strings.Split(b.String(), "\n") {
		if k, _, ok := strings.Cut(strings.TrimPrefix(line, "# "), ": "); ok {
			keys = append(keys, k)
		}
	}
	want := "commit go goos goarch cpu kernels workers training-code cores memory dataset dataset-sha256 split preset hyperparameters-from " +
		"seed dim lr l2 beta negatives batch temperature epochs optimizer aggregation eval-every validation"
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("configuration keys\n got %s\nwant %s", got, want)
	}
}

func TestDiffMissingLine(t *testing.T) {
	old, _ := results.ParseRecord(strings.NewReader("Unit r assume=exact\nBenchmarkQ/a 1 0.5 r\nBenchmarkQ/b 1 0.25 r\n"), "old")
	cur, _ := results.ParseRecord(strings.NewReader("Unit r assume=exact\nBenchmarkQ/a 1 0.5 r\n"), "new")
	var out strings.Builder
	if changed, _ := results.Diff(&out, old, cur); !changed || !strings.Contains(out.String(), "only in old: Q/b\n") {
		t.Errorf("a vanished quality line is a change:\n%s", out.String())
	}
}

// TestDiffConfigurations: results of different setups are said to differ
// first, one line per difference, and count as a change; a dataset on one
// side only is one line, not one per metric.
func TestDiffConfigurations(t *testing.T) {
	a := runtest.Fake("tiny", model.OneBP, 1)
	b := runtest.Fake("tiny", model.OneBP, 1)
	b.Config.Dim, b.DatasetFingerprint, b.Env.Commit = 64, strings.Repeat("cd", 32), "fedcba"
	var out strings.Builder
	changed, err := results.Diff(&out, record(t, results.WriteQuality, a), record(t, results.WriteQuality, b))
	got := out.String()
	if err != nil || !changed || !strings.HasPrefix(got, "configuration: 2 differences") ||
		!strings.Contains(got, `dataset=tiny/strategy=onebp: dim "8" -> "64"`) ||
		!strings.Contains(got, "dataset-sha256") || strings.Contains(got, "commit") {
		t.Errorf("changed=%v %v\n%s", changed, err, got)
	}
	other := runtest.Fake("other", model.OneBP, 1)
	out.Reset()
	changed, _ = results.Diff(&out, record(t, results.WriteQuality, a, other), record(t, results.WriteQuality, a))
	if got := out.String(); !changed || strings.Count(got, "other") != 1 || !strings.Contains(got, "only in old: Quality/dataset=other\n") {
		t.Errorf("a dataset on one side: changed=%v\n%s", changed, got)
	}
}

// TestDiffRepeatedNames: results sharing a name (several seeds of one
// benchmark) are compared occurrence by occurrence, not last against last.
func TestDiffRepeatedNames(t *testing.T) {
	seeds := func(second float64) *results.Record {
		rec, err := results.ParseRecord(strings.NewReader(fmt.Sprintf("Unit r assume=exact\nseed: 1\nBenchmarkQ/a 1 0.5 r\nseed: 2\nBenchmarkQ/a 1 %v r\n", second)), "x")
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	var out strings.Builder
	if changed, _ := results.Diff(&out, seeds(0.25), seeds(0.25)); changed || strings.Contains(out.String(), "configuration") {
		t.Errorf("the same seeds compared as different setups:\n%s", out.String())
	}
	out.Reset()
	if changed, _ := results.Diff(&out, seeds(0.25), seeds(0.75)); !changed || !strings.Contains(out.String(), "Q/a #2") || strings.Contains(out.String(), "Q/a  ") {
		t.Errorf("a change in the second seed:\n%s", out.String())
	}
}

func TestParseRecordErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"BenchmarkQ/a 1 0.5\n", "bad:1: benchmark line has 3 fields, want a name, N and value-unit pairs"},
		{"\nBenchmarkQ/a x 0.5 r\n", `bad:2: iteration count "x" is not an integer`},
		{"Unit r assume=exact\n\n\nBenchmarkQ/a 1 half r\n", `bad:4: value "half" of r is not a number`},
	} {
		if _, err := results.ParseRecord(strings.NewReader(c.in), "bad"); err == nil || err.Error() != c.want {
			t.Errorf("%q: %v, want %s", c.in, err, c.want)
		}
	}
}

func TestSameRunsDiffClean(t *testing.T) {
	a, b := runtest.Fake("tiny", model.TwoBP, 1), runtest.Fake("tiny", model.TwoBP, 1)
	var out strings.Builder
	changed, err := results.Diff(&out, record(t, results.WriteQuality, a), record(t, results.WriteQuality, b))
	if err != nil || changed || !strings.Contains(out.String(), "no metric changed") {
		t.Fatalf("same runs: changed=%v %v\n%s", changed, err, out.String())
	}
	c := runtest.Fake("tiny", model.TwoBP, 2)
	out.Reset()
	changed, _ = results.Diff(&out, record(t, results.WriteQuality, a), record(t, results.WriteQuality, c))
	if !changed || !strings.Contains(out.String(), "recall_at_20") {
		t.Fatalf("another seed: changed=%v\n%s", changed, out.String())
	}
	out.Reset()
	b.Epochs[0].TrainSeconds *= 3
	changed, _ = results.Diff(&out, record(t, results.WriteTiming, a), record(t, results.WriteTiming, b))
	if changed || !strings.Contains(out.String(), "new/old") {
		t.Errorf("timings alone must not count as a quality change:\n%s", out.String())
	}
}

// TestNPY reads the file back by the NumPy format 1.0 specification.
func TestNPY(t *testing.T) {
	tab := model.NewTable(3, 5)
	for i := range tab.Data {
		tab.Data[i] = float32(i) - 2.5
	}
	var b bytes.Buffer
	if err := results.WriteNPY(&b, tab); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	if string(raw[:8]) != "\x93NUMPY\x01\x00" {
		t.Fatalf("magic %q", raw[:8])
	}
	hl := int(binary.LittleEndian.Uint16(raw[8:10]))
	header := string(raw[10 : 10+hl])
	if (10+hl)%64 != 0 || !strings.HasSuffix(header, "\n") ||
		!strings.HasPrefix(header, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }") {
		t.Fatalf("header %q (length %d)", header, hl)
	}
	body := raw[10+hl:]
	if len(body) != 4*15 {
		t.Fatalf("%d data bytes, want 60", len(body))
	}
	for i := range 15 {
		if got := math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:])); got != tab.Data[i] {
			t.Fatalf("element %d = %v, want %v", i, got, tab.Data[i])
		}
	}
}

// TestSaveRenamesOldRunFiles: a run saved by an older onebp under another
// name is rewritten under its key, never kept twice.
func TestSaveRenamesOldRunFiles(t *testing.T) {
	dir := t.TempDir()
	old := runtest.Fake("tiny", model.OneBP, 1)
	os.MkdirAll(filepath.Join(dir, "runs"), 0o755)
	f, _ := os.Create(filepath.Join(dir, "runs", "tiny-onebp.json"))
	results.WriteJSON(f, old)
	f.Close()
	if _, err := results.Save(dir, []*results.Run{runtest.Fake("tiny", model.TwoBP, 1)}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "runs"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"tiny-onebp-seed1.json", "tiny-twobp-seed1.json"}; !slices.Equal(names, want) {
		t.Errorf("run files %v, want %v", names, want)
	}
}

// TestEpochSeconds: times are medians over the epochs (evaluations over the
// evaluated ones), so one paused epoch does not move them, and a run's
// training time is its epochs times the median.
func TestEpochSeconds(t *testing.T) {
	r := &results.Run{Epochs: []results.Epoch{
		{Epoch: 0, TrainSeconds: 1},
		{Epoch: 1, TrainSeconds: 900, EvalSeconds: 500, Metrics: map[eval.Metric]float64{}},
		{Epoch: 2, TrainSeconds: 2, EvalSeconds: 3, Metrics: map[eval.Metric]float64{}},
		{Epoch: 3, TrainSeconds: 3},
	}}
	train, evaluate := r.EpochSeconds()
	if train != 2.5 || evaluate != 251.5 || r.EpochsTrained() != 4 || r.TrainingSeconds() != 10 {
		t.Errorf("median epoch %v, median evaluation %v, %d epochs, training %v s; want 2.5, 251.5, 4, 10",
			train, evaluate, r.EpochsTrained(), r.TrainingSeconds())
	}
	if train, evaluate := (&results.Run{}).EpochSeconds(); train != 0 || evaluate != 0 {
		t.Errorf("a run without epochs: %v, %v", train, evaluate)
	}
}

// TestCommits: a run's commits are those of every process that trained
// it, in order and once each, "unknown" for those its checkpoints or its
// record (written before they were kept) did not keep.
func TestCommits(t *testing.T) {
	for _, c := range []struct {
		resumedAfter []int
		earlier      []string
		last         string
		want         []string
	}{
		{nil, nil, "c", []string{"c"}},
		{[]int{1, 2, 3, 4}, []string{"a", "", "b", "a"}, "c", []string{"a", "unknown", "b", "c"}},
		{[]int{5}, []string{"c"}, "c", []string{"c"}},
		{[]int{5}, nil, "c", []string{"unknown", "c"}},
		{[]int{5, 6}, []string{"b"}, "c", []string{"unknown", "b", "c"}},
	} {
		r := &results.Run{ResumedAfter: c.resumedAfter, EarlierCommits: c.earlier, Env: results.Env{Commit: c.last}}
		if got := r.Commits(); !slices.Equal(got, c.want) {
			t.Errorf("resumed after %v, earlier %q, last %q: %q, want %q", c.resumedAfter, c.earlier, c.last, got, c.want)
		}
	}
}
