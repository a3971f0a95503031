package model

import (
	"context"
	"math"
	"path/filepath"
	"testing"
)

// maxRelDiff is max |a-b| over the tables, relative to max |a|.
func maxRelDiff(a, b *Trainer) float64 {
	diff, scale := 0.0, 0.0
	for _, p := range [][2]Table{{a.Users, b.Users}, {a.Items, b.Items}} {
		for i, x := range p[0].Data {
			diff = math.Max(diff, math.Abs(float64(x-p[1].Data[i])))
			scale = math.Max(scale, math.Abs(float64(x)))
		}
	}
	return diff / scale
}

func trained(t *testing.T, cfg Config, epochs int) *Trainer {
	t.Helper()
	tr := newTrainer(t, syntheticDataset(t), cfg)
	for range epochs {
		if _, err := tr.Epoch(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

// TestLazyAdamMatchesEager: without weight decay, dense Adam executed
// lazily ends each epoch with the tables and moments of eager execution to
// within float32 rounding (amplified a little by training), and a
// checkpoint written by either execution resumes in the other.
func TestLazyAdamMatchesEager(t *testing.T) {
	dir := t.TempDir()
	for _, s := range []Strategy{OneBP, TwoBP} {
		lazy := syntheticConfig(s)
		lazy.L2 = 0
		eager := lazy
		eager.Optimizer = EagerAdam
		a, b := trained(t, lazy, 3), trained(t, eager, 3)
		d := maxRelDiff(a, b)
		t.Logf("%v: lazy vs eager after 3 epochs: max difference %.3g of the tables' scale", s, d)
		if d > 1e-5 || d == 0 {
			t.Errorf("%v: lazy and eager tables differ by %.3g of their scale, want (0, 1e-5]", s, d)
		}
		for _, from := range []Config{lazy, eager} {
			to := lazy
			if from.Optimizer == DenseAdam {
				to = eager
			}
			ckpt := filepath.Join(dir, "ckpt")
			if err := trained(t, from, 2).SaveCheckpoint(ckpt, nil); err != nil {
				t.Fatal(err)
			}
			resumed := newTrainer(t, syntheticDataset(t), to)
			if _, err := resumed.LoadCheckpoint(ckpt); err != nil {
				t.Fatalf("%v: a %v checkpoint does not load into %v: %v", s, from.Optimizer, to.Optimizer, err)
			}
			if _, err := resumed.Epoch(context.Background()); err != nil {
				t.Fatal(err)
			}
			if d := maxRelDiff(resumed, a); d > 1e-5 {
				t.Errorf("%v: %v resumed in %v differs from lazy by %.3g", s, from.Optimizer, to.Optimizer, d)
			}
		}
	}
}
