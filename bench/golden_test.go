package bench

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"onebp/data"
	"onebp/internal/datatest"
	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// trainingTrace trains both strategies for the given epochs and writes what
// must never change unnoticed: the dataset fingerprint, every epoch's loss,
// recall and NDCG at 20 in full precision, and a hash of the final tables.
func trainingTrace(t *testing.T, d *data.Dataset, cfg model.Config) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "dataset %s sha256 %s\n", d.Name, d.Fingerprint)
	for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
		cfg.Strategy = s
		r, err := Run(context.Background(), RunSpec{Data: d, Config: cfg, Protocol: results.Protocol{EvalEvery: 1}})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range r.Epochs {
			fmt.Fprintf(&b, "%v epoch %d loss %s %s %s %s %s\n", s, e.Epoch, results.Exact(e.Loss),
				eval.RecallAt20, results.Exact(e.Metrics[eval.RecallAt20]), eval.NDCGAt20, results.Exact(e.Metrics[eval.NDCGAt20]))
		}
		hash := sha256.New()
		binary.Write(hash, binary.LittleEndian, r.UserTable.Data)
		binary.Write(hash, binary.LittleEndian, r.ItemTable.Data)
		fmt.Fprintf(&b, "%v tables sha256 %x\n", s, hash.Sum(nil))
	}
	return b.String()
}

// checkGolden compares got with the golden file, or rewrites it under
// -update.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s changed:\n got:\n%s\nwant:\n%s", golden, got, want)
	}
}

// TestSyntheticGolden pins two epochs of both strategies on a generated
// dataset, so that every `go test ./...`, in both kernel builds and on any
// machine, checks that training and evaluation give the bits they always
// gave, with no data files at all (in the spirit of math/rand/v2's regress
// test). Regenerate with go test ./bench -run SyntheticGolden -update, and
// say why in the commit.
func TestSyntheticGolden(t *testing.T) {
	d, err := data.SyntheticSpec{Users: 200, Items: 300, Interactions: 8000, Seed: 11}.Generate()
	if err != nil {
		t.Fatal(err)
	}
	h, _ := PresetFor(data.Spec{Kind: data.KindSynthetic}, PresetQuick)
	cfg := h.Config
	cfg.Epochs, cfg.Batch, cfg.LR = 2, 256, 1e-2
	checkGolden(t, "testdata/synthetic.golden", trainingTrace(t, d, cfg))
	// Without weight decay dense Adam runs lazily: another code path, and
	// another golden.
	cfg.L2 = 0
	checkGolden(t, "testdata/lazy.golden", trainingTrace(t, d, cfg))
}

// TestParityStartGolden pins the first epochs of the parity runs on
// onebp-ml100k (paper preset, seed 2022). Both kernel builds must match the
// same file. Regenerate with go test ./bench -run ParityStart -update.
func TestParityStartGolden(t *testing.T) {
	d := datatest.LoadOrSkip(t, "onebp-ml100k")
	h, _ := PresetFor(data.Spec{Kind: data.KindRegistered, Name: "onebp-ml100k"}, PresetPaper)
	cfg := h.Config
	cfg.Epochs = 3
	got := trainingTrace(t, d, cfg)
	// The file predates the dataset line; it pins the same fingerprint as
	// data/testdata/fingerprints.golden.
	_, got, _ = strings.Cut(got, "\n")
	checkGolden(t, "testdata/parity_start.golden", got)
}
