package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onebp/internal/runtest"
	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
	"onebp/results/stats"
)

func TestSVGIsWellFormed(t *testing.T) {
	r1, r2 := runtest.Fake("tiny", model.OneBP, 1), runtest.Fake("tiny", model.TwoBP, 1)
	var b bytes.Buffer
	if err := WriteSVG(&b, CurvePlots("tiny & <x>", []*results.Run{r1, r2})); err != nil {
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

// validatedRun is a fake validated run on "tiny" whose selected epoch
// has the per-user NDCG@20 (and Recall@20) ndcg.
func validatedRun(s model.Strategy, seed uint64, early bool, ndcg ...float32) *results.Run {
	r := runtest.Fake("tiny", s, seed)
	r.Config.Protocol = results.Protocol{EvalEvery: 2, Validation: 0.1, Select: eval.NDCGAt20, Patience: 3}
	r.Selected = &results.Selected{Epoch: 1, Test: r.Epochs[1].Metrics, PerUser: &results.PerUser{Users: len(ndcg),
		Values: map[eval.Metric]results.Float32s{eval.NDCGAt20: ndcg, eval.RecallAt20: ndcg}}}
	r.StoppedEarly = early
	return r
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
	runs := []*results.Run{validatedRun(model.OneBP, 1, true, 0.5, 0.25, 0.75), validatedRun(model.TwoBP, 1, false, 0.25, 0.25, 0.5)}
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
	const apart = "The times compare code and machines as well as strategies"
	if strings.Contains(s, apart) {
		t.Errorf("strategies timed alike, yet the findings say %q", apart)
	}
	runs[1].Env.Commit = "fedcba9876543210" // TwoBP resumed at another commit
	if _, err := UpdateReadmeSummary(path, "./results/validated", runs); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(path)
	if want := apart + ": OneBP at `0123456789ab`, 2 workers, on test; TwoBP at `fedcba987654`, 2 workers, on test."; !strings.Contains(string(b), want) {
		t.Errorf("strategies timed apart: the findings lack %q:\n%s", want, b)
	}
	if strings.Contains(string(b), "**Incomplete") {
		t.Errorf("a complete set's summary says it is incomplete:\n%s", b)
	}
	const incomplete = "**Incomplete: 3 of the 4 runs of the recorded seeds are here**"
	// A run awaiting its partner: the summary says the set is incomplete.
	if _, err := UpdateReadmeSummary(path, "./results/validated", append(runs, validatedRun(model.OneBP, 2, true, 0.5, 0.25, 0.75))); err != nil {
		t.Fatal(err)
	}
	if b, _ = os.ReadFile(path); !strings.Contains(string(b), incomplete) {
		t.Errorf("a run without its partner: the summary lacks %q:\n%s", incomplete, b)
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

// TestRender: the records Save keeps, a rerun replacing its key, render
// to the reports, the curves and the records in the benchmark format, and
// read back as written; Save alone renders nothing.
func TestRender(t *testing.T) {
	dir := t.TempDir()
	one, two := runtest.Fake("tiny", model.OneBP, 1), runtest.Fake("tiny", model.TwoBP, 1)
	two.Env.Commit = "fedcba9876543210+dirty" // a grid resumed at another commit
	if _, err := results.Save(dir, []*results.Run{two, one}); err != nil {
		t.Fatal(err)
	}
	again := runtest.Fake("tiny", model.OneBP, 5)
	again.Config.Seed = one.Config.Seed // the same run, other figures
	if _, err := results.Save(dir, []*results.Run{again}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err == nil {
		t.Error("Save rendered a report")
	}
	if _, err := Render(dir); err != nil {
		t.Fatal(err)
	}
	runs, err := results.LoadRuns(dir)
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
	var loaded *results.Run
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

// TestVerdictNeedsSeeds: a per-user difference is called significant only
// over at least MinSeeds seeds and when the seed-level test agrees.
func TestVerdictNeedsSeeds(t *testing.T) {
	for _, c := range []struct {
		c    stats.Comparison
		want string
	}{
		{stats.Comparison{Mean: 0.01, PHolm: 0.001, Seeds: []uint64{1, 2}, SeedPHolm: 0.01}, "OneBP better per user, but over 2 of the 3 seeds a difference needs, not called"},
		{stats.Comparison{Mean: -0.01, PHolm: 0.001, Seeds: []uint64{1, 2, 3}, SeedPHolm: 0.11}, "TwoBP better per user, but not across seeds: not significant"},
		{stats.Comparison{Mean: -0.01, PHolm: 0.001, Seeds: []uint64{1, 2, 3}, SeedPHolm: 0.01}, "TwoBP better, per user and across seeds"},
		{stats.Comparison{Mean: 0.01, PHolm: 0.2, Seeds: []uint64{1, 2, 3}, SeedPHolm: 0.01}, "no significant difference"},
	} {
		if got := verdict(c.c); got != c.want {
			t.Errorf("verdict %+v = %q, want %q", c.c, got, c.want)
		}
	}
}
