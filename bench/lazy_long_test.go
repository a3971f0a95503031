package bench

import (
	"context"
	"math"
	"os"
	"testing"

	"onebp/data"
	"onebp/internal/datatest"
	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
)

// TestLazyAdamAtPaperScale: one epoch of Gowalla at the paper's dim 1024,
// both strategies, with dense Adam executed lazily and eagerly: every
// metric within 2e-3, and the tables within 1e-4 of their scale. It takes
// minutes, so it runs only with ONEBP_LONG=1 and the real data.
func TestLazyAdamAtPaperScale(t *testing.T) {
	if os.Getenv("ONEBP_LONG") != "1" {
		t.Skip("set ONEBP_LONG=1: minutes of training at dim 1024")
	}
	d := datatest.LoadOrSkip(t, "gowalla")
	h, _ := PresetFor(data.Spec{Kind: data.KindRegistered, Name: "gowalla"}, PresetPaper)
	for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
		run := func(opt model.Optimizer) *results.Run {
			cfg := h.Config
			cfg.Strategy, cfg.Epochs, cfg.Optimizer = s, 1, opt
			r, err := Run(context.Background(), RunSpec{Data: d, Config: cfg, Protocol: results.Protocol{EvalEvery: 1}})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		lazy, eager := run(model.DenseAdam), run(model.EagerAdam)
		worst := 0.0
		for _, m := range lazy.MetricNames() {
			worst = math.Max(worst, math.Abs(lazy.Final[m]-eager.Final[m]))
		}
		diff, scale := 0.0, 0.0
		for _, p := range [][2][]float32{{lazy.UserTable.Data, eager.UserTable.Data}, {lazy.ItemTable.Data, eager.ItemTable.Data}} {
			for i, x := range p[0] {
				diff = math.Max(diff, math.Abs(float64(x-p[1][i])))
				scale = math.Max(scale, math.Abs(float64(x)))
			}
		}
		t.Logf("%v: %s lazy %.5f eager %.5f; largest metric difference %.2g; tables differ by %.2g of their scale; epoch lazy %.1fs eager %.1fs",
			s, eval.RecallAt20, lazy.Final[eval.RecallAt20], eager.Final[eval.RecallAt20], worst, diff/scale,
			lazy.Epochs[0].TrainSeconds, eager.Epochs[0].TrainSeconds)
		if worst > 2e-3 || diff/scale > 1e-4 {
			t.Errorf("%v: lazy and eager differ: metrics by %g, tables by %g of their scale", s, worst, diff/scale)
		}
	}
}
