package bench

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/xml"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onebp/data"
	"onebp/model"
)

// smallRun trains a tiny synthetic model for a few epochs.
func smallRun(t *testing.T, s model.Strategy, seed uint64) *RunResult {
	t.Helper()
	d, err := data.SyntheticSpec{Users: 120, Items: 200, Interactions: 4000, Seed: 3}.Generate()
	if err != nil {
		t.Fatal(err)
	}
	h, _ := PresetFor(d.Name, PresetQuick)
	cfg := h.Config
	cfg.Strategy, cfg.Epochs, cfg.Seed, cfg.Batch, cfg.LR = s, 4, seed, 256, 1e-2
	r, err := Run(context.Background(), RunSpec{Data: d, Config: cfg, Preset: PresetQuick, Source: h.Source, EvalEvery: 2})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func record(t *testing.T, write func(io.Writer, []*RunResult) error, runs ...*RunResult) *Record {
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
	r := smallRun(t, model.OneBP, 1)
	if len(r.Epochs) != 4 || r.Epochs[0].Metrics != nil || r.Epochs[1].Metrics == nil || r.FinalEpoch != 3 {
		t.Fatalf("epochs %+v, final epoch %d: want evaluations after epochs 1 and 3", r.Epochs, r.FinalEpoch)
	}
	rec := record(t, WriteQuality, r)
	if !rec.Exact["recall_at_20"] || !rec.Exact["epoch_of_ndcg_at_5"] || rec.Exact["ns/op"] {
		t.Errorf("exact units %v", rec.Exact)
	}
	if len(rec.Results) != 2 || !strings.HasSuffix(rec.Results[0].Name, "/dataset="+r.Dataset+"/strategy=onebp/protocol=final") {
		t.Fatalf("results %+v", rec.Results)
	}
	for _, v := range rec.Results[0].Values {
		if v.Unit != "epoch" && v.Value != r.Final[v.Unit] {
			t.Errorf("%s written as %v, run has %v: not exact", v.Unit, v.Value, r.Final[v.Unit])
		}
	}
	for _, v := range rec.Results[1].Values {
		if name, ok := strings.CutPrefix(v.Unit, "epoch_of_"); ok {
			if int(v.Value) != r.Best[name].Epoch {
				t.Errorf("%s = %v, want %d", v.Unit, v.Value, r.Best[name].Epoch)
			}
		} else if v.Value != r.Best[v.Unit].Value {
			t.Errorf("best %s = %v, want %v", v.Unit, v.Value, r.Best[v.Unit].Value)
		}
	}
	timing := record(t, WriteTiming, r)
	if len(timing.Results) != 2 || timing.Results[0].N != 4 || timing.Results[1].N != 2 {
		t.Errorf("timing results %+v", timing.Results)
	}
}

// TestSameSeedNoQualityChange: two runs with the same seed diff clean; a
// different seed changes quality and Diff says so.
func TestSameSeedNoQualityChange(t *testing.T) {
	a, b := smallRun(t, model.TwoBP, 1), smallRun(t, model.TwoBP, 1)
	var out strings.Builder
	changed, err := Diff(&out, record(t, WriteQuality, a), record(t, WriteQuality, b))
	if err != nil || changed || !strings.Contains(out.String(), "no metric changed") {
		t.Fatalf("same seed: changed=%v %v\n%s", changed, err, out.String())
	}
	c := smallRun(t, model.TwoBP, 2)
	out.Reset()
	changed, _ = Diff(&out, record(t, WriteQuality, a), record(t, WriteQuality, c))
	if !changed || !strings.Contains(out.String(), "recall_at_20") {
		t.Fatalf("another seed: changed=%v\n%s", changed, out.String())
	}
	ta, tb := record(t, WriteTiming, a), record(t, WriteTiming, b)
	out.Reset()
	changed, _ = Diff(&out, ta, tb)
	if changed || !strings.Contains(out.String(), "new/old") {
		t.Errorf("timings alone must not count as a quality change:\n%s", out.String())
	}
}

func TestDiffMissingLine(t *testing.T) {
	old, _ := ParseRecord(strings.NewReader("Unit r assume=exact\nBenchmarkQ/a 1 0.5 r\nBenchmarkQ/b 1 0.25 r\n"), "old")
	cur, _ := ParseRecord(strings.NewReader("Unit r assume=exact\nBenchmarkQ/a 1 0.5 r\n"), "new")
	var out strings.Builder
	if changed, _ := Diff(&out, old, cur); !changed || !strings.Contains(out.String(), "only on one side") {
		t.Errorf("a vanished quality line is a change:\n%s", out.String())
	}
	if _, err := ParseRecord(strings.NewReader("BenchmarkQ/a 1 0.5\n"), "bad"); err == nil || !strings.HasPrefix(err.Error(), "bad:1: ") {
		t.Errorf("malformed line: %v", err)
	}
}

func TestSVGIsWellFormed(t *testing.T) {
	r1, r2 := smallRun(t, model.OneBP, 1), smallRun(t, model.TwoBP, 1)
	var b bytes.Buffer
	if err := WriteSVG(&b, CurvePlots("tiny & <x>", []*RunResult{r1, r2})); err != nil {
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
	if lines != 4 {
		t.Errorf("%d curves, want 4 (two strategies, two panels)", lines)
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

func TestSaveResults(t *testing.T) {
	dir := t.TempDir()
	one, two := smallRun(t, model.OneBP, 1), smallRun(t, model.TwoBP, 1)
	if _, err := SaveResults(dir, []*RunResult{two, one}); err != nil {
		t.Fatal(err)
	}
	again := smallRun(t, model.OneBP, 5)
	if _, err := SaveResults(dir, []*RunResult{again}); err != nil {
		t.Fatal(err)
	}
	runs, err := LoadRuns(dir)
	if err != nil || len(runs) != 2 {
		t.Fatalf("%d runs, %v: a rerun must replace the run of the same dataset and strategy", len(runs), err)
	}
	for _, f := range []string{"quality.txt", "timing.txt", "README.md", "curves/" + unsafeName.ReplaceAllString(one.Dataset, "_") + ".svg"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			t.Error(err)
		}
	}
	readme, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	for _, want := range []string{"## " + one.Dataset, "| metric", "OneBP best (epoch)", "training time per epoch"} {
		if !bytes.Contains(readme, []byte(want)) {
			t.Errorf("README.md lacks %q", want)
		}
	}
	q, _ := os.ReadFile(filepath.Join(dir, "quality.txt"))
	if i, j := bytes.Index(q, []byte("strategy=onebp")), bytes.Index(q, []byte("strategy=twobp")); i < 0 || j < i {
		t.Errorf("quality.txt does not list OneBP before TwoBP")
	}
	loaded := runs[0]
	if got := loaded.MetricNames(); len(got) != 12 || got[0] != "precision_at_5" || got[11] != "ndcg_at_20" {
		t.Errorf("reloaded metric order %v", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 5 {
		t.Errorf("%d entries in the results directory, want 5 (no temporary files left)", len(entries))
	}
}

func TestPresets(t *testing.T) {
	for _, c := range []struct {
		name, preset string
		dim          int
		lr, l2, beta float64
	}{
		{"ml-100k", PresetPaper, 32, 5e-4, 1e-5, 0.99},
		{"ml-1m", PresetPaper, 128, 1e-3, 1e-6, 0.99},
		{"gowalla", PresetPaper, 1024, 5e-4, 0, 0.999},
		{"gowalla", PresetQuick, 64, 5e-4, 0, 0.999},
		{"yelp2018", PresetPaper, 2048, 5e-5, 0, 0.999},
	} {
		h, err := PresetFor(c.name, c.preset)
		cfg := h.Config
		if err != nil || cfg.Dim != c.dim || cfg.LR != c.lr || cfg.L2 != c.l2 || cfg.Beta != c.beta ||
			cfg.Batch != 1024 || cfg.Negatives != 5 || cfg.Temperature != 1 {
			t.Errorf("%s %s: %+v, %v", c.name, c.preset, cfg, err)
		}
	}
	if h, _ := PresetFor("ml-100k", PresetPaper); h.Config.Epochs != 2000 {
		t.Errorf("ml-100k paper epochs %d, want the authors' 2000", h.Config.Epochs)
	}
	if _, err := PresetFor("ml-100k", "slow"); err == nil {
		t.Error("unknown preset accepted")
	}
}

func TestUpdateReadmeSummary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	os.WriteFile(path, []byte("# x\n\nintro\n"+summaryBegin+"\nold table\n"+summaryEnd+"\n\nafter\n"), 0o644)
	runs := []*RunResult{smallRun(t, model.OneBP, 1), smallRun(t, model.TwoBP, 1)}
	if ok, err := UpdateReadmeSummary(path, runs); !ok || err != nil {
		t.Fatalf("%v %v", ok, err)
	}
	b, _ := os.ReadFile(path)
	s := string(b)
	if strings.Contains(s, "old table") || !strings.Contains(s, "| dataset") || !strings.HasPrefix(s, "# x\n\nintro\n") || !strings.HasSuffix(s, summaryEnd+"\n\nafter\n") {
		t.Errorf("README after the update:\n%s", s)
	}
	plain := filepath.Join(t.TempDir(), "README.md")
	os.WriteFile(plain, []byte("no markers\n"), 0o644)
	if ok, err := UpdateReadmeSummary(plain, runs); ok || err != nil {
		t.Errorf("a README without markers: %v %v", ok, err)
	}
}
