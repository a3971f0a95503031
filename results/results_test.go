package results

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"onebp/model"
	"onebp/model/eval"
)

// fakeRun is a run as bench.Run records it, with made-up numbers: 4
// epochs, evaluated after epochs 1 and 3, metric values drawn from a
// stream so that none is round.
func fakeRun(dataset string, s model.Strategy, seed uint64) *Run {
	src := rand.New(rand.NewPCG(seed, uint64(s)))
	r := &Run{
		Dataset: dataset, DatasetFingerprint: strings.Repeat("ab", 32), Split: "given", Users: 10, Items: 20,
		Config: Config{
			Config: model.Config{Strategy: s, Seed: seed, Dim: 8, LR: 0.01, L2: 1e-5, Beta: 0.99, Negatives: 5,
				Batch: 256, Temperature: 1, Epochs: 4},
			Protocol: Protocol{EvalEvery: 2}, Preset: "quick", Source: "a test",
		},
		Env: Env{Commit: "0123456789abcdef", Go: "go1.26", GOOS: "linux", GOARCH: "amd64", CPU: "test", Kernels: "unrolled", Workers: 2},
	}
	names := eval.Metrics{Ks: eval.DefaultKs}.Names()
	for e := range 4 {
		ep := Epoch{Epoch: e, Loss: 1.7 - 0.1*src.Float64(), TrainSeconds: 0.5 + src.Float64(), Samples: 1024}
		if e%2 == 1 {
			ep.EvalSeconds = 0.1 + src.Float64()
			ep.Metrics = map[eval.Metric]float64{}
			for _, m := range names {
				ep.Metrics[m] = src.Float64() / 3
			}
		}
		r.Epochs = append(r.Epochs, ep)
	}
	r.Summarize()
	r.Memory = Memory{StateBytes: 12345, PeakRSSBytes: 678910}
	return r
}

// TestSummarize: final is the last evaluation, best the maximum with the
// first epoch reaching it (ties keep the first), unevaluated epochs skipped.
func TestSummarize(t *testing.T) {
	m := func(p, r, f, n float64) map[eval.Metric]float64 {
		return map[eval.Metric]float64{eval.At("precision", 20): p, eval.RecallAt20: r, eval.At("f1", 20): f, eval.NDCGAt20: n}
	}
	run := &Run{Epochs: []Epoch{{Epoch: 0, Metrics: m(0.1, 0.2, 0.1, 0.3)}, {Epoch: 1, Metrics: m(0.3, 0.2, 0.2, 0.1)},
		{Epoch: 2, Metrics: m(0.2, 0.25, 0.2, 0.2)}, {Epoch: 3}}}
	run.Summarize()
	if run.FinalEpoch != 2 || run.Final[eval.At("precision", 20)] != 0.2 || len(run.Final) != 4 {
		t.Fatalf("final %v at %d", run.Final, run.FinalEpoch)
	}
	want := map[eval.Metric]Best{eval.At("precision", 20): {0.3, 1}, eval.RecallAt20: {0.25, 2}, eval.At("f1", 20): {0.2, 1}, eval.NDCGAt20: {0.3, 0}}
	if !maps.Equal(run.Best, want) {
		t.Errorf("best %v, want %v", run.Best, want)
	}
	empty := &Run{Epochs: []Epoch{{Epoch: 0}}}
	empty.Summarize()
	if len(empty.Final) != 0 || empty.FinalEpoch != 0 {
		t.Errorf("no evaluation: %+v", empty)
	}
}

func record(t *testing.T, write func(io.Writer, []*Run) error, runs ...*Run) *Record {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b, runs); err != nil {
		t.Fatal(err)
	}
	rec, err := ParseRecord(&b, "test")
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestQualityRecordIsExact(t *testing.T) {
	r := fakeRun("tiny", model.OneBP, 1)
	rec := record(t, WriteQuality, r)
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
	timing := record(t, WriteTiming, r)
	if len(timing.Results) != 2 || timing.Results[0].N != 4 || timing.Results[1].N != 2 {
		t.Errorf("timing results %+v", timing.Results)
	}
}

// TestRecordConfigLines: every hyper-parameter of model.Config appears as
// a configuration line, in Fields' order, the strategy in the name only.
func TestRecordConfigLines(t *testing.T) {
	r := fakeRun("tiny", model.TwoBP, 1)
	var b strings.Builder
	if err := WriteQuality(&b, []*Run{r}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, line := range strings.Split(b.String(), "\n") {
		if k, _, ok := strings.Cut(strings.TrimPrefix(line, provenancePrefix), ": "); ok {
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
	old, _ := ParseRecord(strings.NewReader("Unit r assume=exact\nBenchmarkQ/a 1 0.5 r\nBenchmarkQ/b 1 0.25 r\n"), "old")
	cur, _ := ParseRecord(strings.NewReader("Unit r assume=exact\nBenchmarkQ/a 1 0.5 r\n"), "new")
	var out strings.Builder
	if changed, _ := Diff(&out, old, cur); !changed || !strings.Contains(out.String(), "only in old: Q/b\n") {
		t.Errorf("a vanished quality line is a change:\n%s", out.String())
	}
}

// TestDiffConfigurations: results of different setups are said to differ
// first, one line per difference, and count as a change; a dataset on one
// side only is one line, not one per metric.
func TestDiffConfigurations(t *testing.T) {
	a := fakeRun("tiny", model.OneBP, 1)
	b := fakeRun("tiny", model.OneBP, 1)
	b.Config.Dim, b.DatasetFingerprint, b.Env.Commit = 64, strings.Repeat("cd", 32), "fedcba"
	var out strings.Builder
	changed, err := Diff(&out, record(t, WriteQuality, a), record(t, WriteQuality, b))
	got := out.String()
	if err != nil || !changed || !strings.HasPrefix(got, "configuration: 2 differences") ||
		!strings.Contains(got, `dataset=tiny/strategy=onebp: dim "8" -> "64"`) ||
		!strings.Contains(got, "dataset-sha256") || strings.Contains(got, "commit") {
		t.Errorf("changed=%v %v\n%s", changed, err, got)
	}
	other := fakeRun("other", model.OneBP, 1)
	out.Reset()
	changed, _ = Diff(&out, record(t, WriteQuality, a, other), record(t, WriteQuality, a))
	if got := out.String(); !changed || strings.Count(got, "other") != 1 || !strings.Contains(got, "only in old: Quality/dataset=other\n") {
		t.Errorf("a dataset on one side: changed=%v\n%s", changed, got)
	}
}

// TestDiffRepeatedNames: results sharing a name (several seeds of one
// benchmark) are compared occurrence by occurrence, not last against last.
func TestDiffRepeatedNames(t *testing.T) {
	seeds := func(second float64) *Record {
		rec, err := ParseRecord(strings.NewReader(fmt.Sprintf("Unit r assume=exact\nseed: 1\nBenchmarkQ/a 1 0.5 r\nseed: 2\nBenchmarkQ/a 1 %v r\n", second)), "x")
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	var out strings.Builder
	if changed, _ := Diff(&out, seeds(0.25), seeds(0.25)); changed || strings.Contains(out.String(), "configuration") {
		t.Errorf("the same seeds compared as different setups:\n%s", out.String())
	}
	out.Reset()
	if changed, _ := Diff(&out, seeds(0.25), seeds(0.75)); !changed || !strings.Contains(out.String(), "Q/a #2") || strings.Contains(out.String(), "Q/a  ") {
		t.Errorf("a change in the second seed:\n%s", out.String())
	}
}

func TestParseRecordErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"BenchmarkQ/a 1 0.5\n", "bad:1: benchmark line has 3 fields, want a name, N and value-unit pairs"},
		{"\nBenchmarkQ/a x 0.5 r\n", `bad:2: iteration count "x" is not an integer`},
		{"Unit r assume=exact\n\n\nBenchmarkQ/a 1 half r\n", `bad:4: value "half" of r is not a number`},
	} {
		if _, err := ParseRecord(strings.NewReader(c.in), "bad"); err == nil || err.Error() != c.want {
			t.Errorf("%q: %v, want %s", c.in, err, c.want)
		}
	}
}

func TestSameRunsDiffClean(t *testing.T) {
	a, b := fakeRun("tiny", model.TwoBP, 1), fakeRun("tiny", model.TwoBP, 1)
	var out strings.Builder
	changed, err := Diff(&out, record(t, WriteQuality, a), record(t, WriteQuality, b))
	if err != nil || changed || !strings.Contains(out.String(), "no metric changed") {
		t.Fatalf("same runs: changed=%v %v\n%s", changed, err, out.String())
	}
	c := fakeRun("tiny", model.TwoBP, 2)
	out.Reset()
	changed, _ = Diff(&out, record(t, WriteQuality, a), record(t, WriteQuality, c))
	if !changed || !strings.Contains(out.String(), "recall_at_20") {
		t.Fatalf("another seed: changed=%v\n%s", changed, out.String())
	}
	out.Reset()
	b.Epochs[0].TrainSeconds *= 3
	changed, _ = Diff(&out, record(t, WriteTiming, a), record(t, WriteTiming, b))
	if changed || !strings.Contains(out.String(), "new/old") {
		t.Errorf("timings alone must not count as a quality change:\n%s", out.String())
	}
}

func TestSVGIsWellFormed(t *testing.T) {
	r1, r2 := fakeRun("tiny", model.OneBP, 1), fakeRun("tiny", model.TwoBP, 1)
	var b bytes.Buffer
	if err := WriteSVG(&b, CurvePlots("tiny & <x>", []*Run{r1, r2})); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(&b)
	lines := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		if el, ok := tok.(xml.StartElement); ok && el.Name.Local == "polyline" {
			lines++
		}
	}
	if lines != 8 {
		t.Errorf("%d curves, want 8 (two strategies, four panels)", lines)
	}
	// Published points are dots, never joined into a line.
	b.Reset()
	points := Series{Label: "reference", Color: "#000", X: []float64{1, 5, 9}, Y: []float64{0.1, 0.2, 0.25}, Points: true}
	if err := WriteSVG(&b, []Plot{{Title: "t", Series: []Series{points}}}); err != nil {
		t.Fatal(err)
	}
	if svg := b.String(); strings.Contains(svg, "<polyline") || strings.Count(svg, "<circle") != 4 {
		t.Errorf("a points series must be 3 dots and a legend dot, no line:\n%s", svg)
	}
}

// TestNPY reads the file back by the NumPy format 1.0 specification.
func TestNPY(t *testing.T) {
	tab := model.NewTable(3, 5)
	for i := range tab.Data {
		tab.Data[i] = float32(i) - 2.5
	}
	var b bytes.Buffer
	if err := WriteNPY(&b, tab); err != nil {
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
	old := fakeRun("tiny", model.OneBP, 1)
	os.MkdirAll(filepath.Join(dir, "runs"), 0o755)
	f, _ := os.Create(filepath.Join(dir, "runs", "tiny-onebp.json"))
	WriteJSON(f, old)
	f.Close()
	if _, err := Save(dir, []*Run{fakeRun("tiny", model.TwoBP, 1)}); err != nil {
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

func TestSave(t *testing.T) {
	dir := t.TempDir()
	one, two := fakeRun("tiny", model.OneBP, 1), fakeRun("tiny", model.TwoBP, 1)
	two.Env.Commit = "fedcba9876543210+dirty" // a grid resumed at another commit
	if _, err := Save(dir, []*Run{two, one}); err != nil {
		t.Fatal(err)
	}
	again := fakeRun("tiny", model.OneBP, 5)
	again.Config.Seed = one.Config.Seed // the same run, other figures
	if _, err := Save(dir, []*Run{again}); err != nil {
		t.Fatal(err)
	}
	runs, err := LoadRuns(dir)
	if err != nil || len(runs) != 2 {
		t.Fatalf("%d runs, %v: a rerun must replace the run of the same dataset, strategy and seed", len(runs), err)
	}
	for _, f := range []string{"quality.txt", "timing.txt", "README.md", "curves/tiny.svg"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			t.Error(err)
		}
	}
	readme, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	for _, want := range []string{"## tiny", "| metric", "OneBP best-on-test (optimistic)", "training time per epoch", "dim 8, lr 0.01, l2 1e-05, beta 0.99",
		"Ran at commits `0123456789ab`, `fedcba987654+dirty` with unrolled kernels, 2 workers, on test."} {
		if !bytes.Contains(readme, []byte(want)) {
			t.Errorf("README.md lacks %q", want)
		}
	}
	q, _ := os.ReadFile(filepath.Join(dir, "quality.txt"))
	if i, j := bytes.Index(q, []byte("strategy=onebp")), bytes.Index(q, []byte("strategy=twobp")); i < 0 || j < i {
		t.Errorf("quality.txt does not list OneBP before TwoBP")
	}
	var loaded *Run
	for _, r := range runs {
		if r.Strategy() == model.OneBP {
			loaded = r
		}
	}
	if got := loaded.MetricNames(); len(got) != 12 || got[0] != "precision_at_5" || got[11] != "ndcg_at_20" {
		t.Errorf("reloaded metric order %v", got)
	}
	if loaded.Final[eval.RecallAt20] != again.Final[eval.RecallAt20] || loaded.Config != again.Config {
		t.Errorf("the JSON record does not read back: %+v", loaded.Config)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 5 {
		t.Errorf("%d entries in the results directory, want 5 (no temporary files left)", len(entries))
	}
}

// TestUpdateReadmeSummary: each results directory's summary is written
// between its own markers, leaving the rest of the README, another
// directory's summary included, as it was; the findings state where the
// validated runs stopped.
func TestUpdateReadmeSummary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	begin, end := SummaryMarkers("results/validated")
	otherBegin, otherEnd := SummaryMarkers("results/validated-dim64/")
	other := otherBegin + "\nother table\n" + otherEnd + "\n"
	os.WriteFile(path, []byte("# x\n\nintro\n"+begin+"\nold table\n"+end+"\n\n"+other), 0o644)
	validatedRun := func(s model.Strategy, seed uint64, early bool, ndcg ...float32) *Run {
		r := fakeRun("tiny", s, seed)
		r.Config.Protocol = Protocol{EvalEvery: 2, Validation: 0.1, Select: eval.NDCGAt20, Patience: 3}
		r.Selected = &Selected{Epoch: 1, Test: r.Epochs[1].Metrics, PerUser: &PerUser{Users: len(ndcg),
			Values: map[eval.Metric]Float32s{eval.NDCGAt20: ndcg, eval.RecallAt20: ndcg}}}
		r.StoppedEarly = early
		return r
	}
	runs := []*Run{validatedRun(model.OneBP, 1, true, 0.5, 0.25, 0.75), validatedRun(model.TwoBP, 1, false, 0.25, 0.25, 0.5)}
	if ok, err := UpdateReadmeSummary(path, "./results/validated", runs); !ok || err != nil {
		t.Fatalf("%v %v", ok, err)
	}
	b, _ := os.ReadFile(path)
	s := string(b)
	if strings.Contains(s, "old table") || !strings.Contains(s, "| dataset") || !strings.HasPrefix(s, "# x\n\nintro\n"+begin) || !strings.HasSuffix(s, end+"\n\n"+other) {
		t.Errorf("README after the update:\n%s", s)
	}
	for _, want := range []string{"#### Findings", "training time of the run (epochs x median epoch): OneBP ", "OneBP 2 (1 of 1 stopped early); TwoBP 2 (0 of 1 stopped early), of a cap of 4", "may be a lower bound"} {
		if !strings.Contains(s, want) {
			t.Errorf("the summary lacks %q:\n%s", want, s)
		}
	}
	plain := filepath.Join(t.TempDir(), "README.md")
	os.WriteFile(plain, []byte("no markers\n"), 0o644)
	if ok, err := UpdateReadmeSummary(plain, "results/validated", runs); ok || err != nil {
		t.Errorf("a README without markers: %v %v", ok, err)
	}
	os.WriteFile(plain, []byte(begin+"\nno end\n"), 0o644)
	if _, err := UpdateReadmeSummary(plain, "results/validated", runs); err == nil {
		t.Error("a begin marker without its end: no error")
	}
}

// TestEpochSeconds: times are medians over the epochs (evaluations over the
// evaluated ones), so one paused epoch does not move them, and a run's
// training time is its epochs times the median.
func TestEpochSeconds(t *testing.T) {
	r := &Run{Epochs: []Epoch{
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
	if train, evaluate := (&Run{}).EpochSeconds(); train != 0 || evaluate != 0 {
		t.Errorf("a run without epochs: %v, %v", train, evaluate)
	}
}

func TestSeedCount(t *testing.T) {
	for _, c := range []struct {
		one, two int
		want     string
	}{
		{1, 1, "1 seed"},
		{5, 5, "5 seeds"},
		{3, 2, "OneBP 3 seeds, TwoBP 2"},
		{1, 2, "OneBP 1 seed, TwoBP 2"},
	} {
		if got := seedCount(c.one, c.two); got != c.want {
			t.Errorf("seedCount(%d, %d) = %q, want %q", c.one, c.two, got, c.want)
		}
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
		r := &Run{ResumedAfter: c.resumedAfter, EarlierCommits: c.earlier, Env: Env{Commit: c.last}}
		if got := r.Commits(); !slices.Equal(got, c.want) {
			t.Errorf("resumed after %v, earlier %q, last %q: %q, want %q", c.resumedAfter, c.earlier, c.last, got, c.want)
		}
	}
}
