package bench

import (
	"flag"
	"strings"
	"testing"

	"onebp/data"
	"onebp/internal/datatest"
	"onebp/internal/golden"
	"onebp/model"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// checkGolden compares got with the golden file, or rewrites it under
// -update.
func checkGolden(t *testing.T, path, got string) { golden.Check(t, path, got, *update) }

// TestSyntheticGolden pins the Trace of every execution path, two epochs
// of both strategies on generated datasets, so that every `go test ./...`,
// in both kernel builds and on any machine, checks that training and
// evaluation give the bits they always gave, with no data files at all
// (in the spirit of math/rand/v2's regress test). A run's training code is
// the hash of the same trace, so a change that fails this test also
// changes the training code. Regenerate with go test ./bench -run
// SyntheticGolden -update, and say why in the commit.
func TestSyntheticGolden(t *testing.T) {
	for x, golden := range map[model.Execution]string{
		model.EagerExecution:  "testdata/synthetic.golden",
		model.LazyExecution:   "testdata/lazy.golden",
		model.SparseExecution: "testdata/sparse.golden",
	} {
		got, err := Trace(x, 1)
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, golden, got)
	}
}

// TestParityStartGolden pins the first epochs of the parity runs on
// onebp-ml100k (paper preset, seed 2022). Both kernel builds must match the
// same file. Regenerate with go test ./bench -run ParityStart -update.
func TestParityStartGolden(t *testing.T) {
	d := datatest.LoadOrSkip(t, "onebp-ml100k")
	h, _ := PresetFor(data.Spec{Kind: data.KindRegistered, Name: "onebp-ml100k"}, PresetPaper)
	cfg := h.Config
	cfg.Epochs = 3
	var b strings.Builder
	for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
		cfg.Strategy = s
		if err := traceRun(&b, d, cfg); err != nil {
			t.Fatal(err)
		}
	}
	checkGolden(t, "testdata/parity_start.golden", b.String())
}
