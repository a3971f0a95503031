package results_test

import (
	"fmt"
	"strings"
	"testing"

	"onebp/internal/runtest"
	"onebp/model"
	"onebp/results"
)

// TestCheckCells: runs that differ in seed and strategy share a cell; any
// other difference (epochs, protocol, OneBP's beta between OneBP runs,
// training code) is refused, naming the runs; TwoBP's beta does not
// count, and an old golden-hash code is its measured code.
func TestCheckCells(t *testing.T) {
	base := func() []*results.Run {
		return []*results.Run{runtest.Fake("d", model.OneBP, 1), runtest.Fake("d", model.TwoBP, 1), runtest.Fake("d", model.OneBP, 2), runtest.Fake("d", model.TwoBP, 2)}
	}
	if err := results.CheckCells(base()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		change func(r *results.Run)
		want   string // "" when still one cell
	}{
		{"epochs", func(r *results.Run) { r.Config.Epochs = 5 }, "d: onebp seed 1 and twobp seed 2 differ in epochs 4 -> 5"},
		{"protocol", func(r *results.Run) { r.Config.Patience = 3 }, "protocol {eval every 2, validation 0, select -, patience 0} -> {eval every 2, validation 0, select -, patience 3}"},
		{"twobp beta", func(r *results.Run) { r.Config.Beta = 0.5 }, ""},
		{"code", func(r *results.Run) { r.Env.TrainingCode = "aaaaaaaaaaaa" }, "training code 326f2cb871f9 -> aaaaaaaaaaaa"},
	} {
		runs := base()
		for _, r := range runs {
			if c.name == "code" {
				r.Env.TrainingCode = "326f2cb871f9" // the legacy name of 9ea2adaf2a3c
			}
		}
		if c.name == "code" {
			runs[1].Env.TrainingCode = "9ea2adaf2a3c"
			if err := results.CheckCells(runs); err != nil {
				t.Errorf("legacy and measured code of one training code: %v", err)
			}
			runs[1].Env.TrainingCode = "326f2cb871f9"
		}
		c.change(runs[3])
		err := results.CheckCells(runs)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v, want one cell", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	runs := base()
	runs[2].Config.Beta = 0.9
	if err := results.CheckCells(runs); err == nil || !strings.Contains(err.Error(), "beta 0.99 -> 0.9") {
		t.Errorf("OneBP runs of two betas: %v", err)
	}
}

// TestProvenanceAsComments: the commit and training code are comments,
// which benchstat does not split tables by, and read back as
// configuration.
func TestProvenanceAsComments(t *testing.T) {
	r := runtest.Fake("d", model.OneBP, 1)
	r.Env.TrainingCode = "9ea2adaf2a3c"
	var b strings.Builder
	if err := results.WriteQuality(&b, []*results.Run{r}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n# commit: 0123456789abcdef\n", "\n# training-code: 9ea2adaf2a3c\n", "\ngo: go1.26\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("record lacks %q:\n%s", want, b.String())
		}
	}
	rec, err := results.ParseRecord(strings.NewReader(b.String()), "q")
	if err != nil {
		t.Fatal(err)
	}
	if c := rec.Results[0].Config; c["commit"] != "0123456789abcdef" || c["training-code"] != "9ea2adaf2a3c" {
		t.Errorf("read back: commit %q, training code %q", c["commit"], c["training-code"])
	}
}

// TestCheckCellsAdamPaths: a tuned cell's strategies may train on two
// Adam paths when the search moved L2 off zero for one of them, and then
// carry two training codes; runs on one path still must share theirs.
func TestCheckCellsAdamPaths(t *testing.T) {
	tuned := func(s model.Strategy, seed uint64, l2 float64, code results.CodeID) *results.Run {
		r := runtest.Fake("d", s, seed)
		r.Tuning = &results.Tuning{Space: "lr=1e-4:1e-2:log", Sampler: "halton"}
		r.Config.L2, r.Env.TrainingCode = l2, code
		if l2 != 0 {
			r.Point = results.Point{{Name: "l2", Value: fmt.Sprint(l2)}}
		}
		return r
	}
	const lazy, eager = "81824dda569e", "9ea2adaf2a3c"
	runs := []*results.Run{tuned(model.OneBP, 1, 0, lazy), tuned(model.TwoBP, 1, 1.7e-7, eager), tuned(model.OneBP, 2, 0, lazy), tuned(model.TwoBP, 2, 1.7e-7, eager)}
	if err := results.CheckCells(runs); err != nil {
		t.Errorf("lazy OneBP beside eager TwoBP in a tuned cell: %v", err)
	}
	runs[3].Env.TrainingCode = "aaaaaaaaaaaa"
	if err := results.CheckCells(runs); err == nil || !strings.Contains(err.Error(), "training code "+eager+" -> aaaaaaaaaaaa") {
		t.Errorf("two codes on one path: %v", err)
	}
}
