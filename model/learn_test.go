package model_test

import (
	"context"
	"testing"

	"onebp/data"
	"onebp/model"
	"onebp/model/eval"
)

// TestBothStrategiesLearn trains on the synthetic dataset for a few epochs
// and demands a recall at 20 far above what a random ranking gets.
func TestBothStrategiesLearn(t *testing.T) {
	d, err := data.SyntheticSpec{Users: 500, Items: 800, Interactions: 40000, Seed: 2}.Generate()
	if err != nil {
		t.Fatal(err)
	}
	e, err := eval.New(d, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	// A random ranking finds about 20 of the (items - training items) a
	// user has not trained on: recall at 20 of about 20/736.
	random := 20.0 / float64(d.Items-d.Train.NNZ()/d.Users)
	for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
		cfg := model.Config{Strategy: s, Dim: 32, LR: 1e-2, L2: 1e-6, Beta: 0.9, Negatives: 5, Batch: 256,
			Temperature: 1, Seed: 1}
		tr, err := model.NewTrainer(d, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer tr.Close()
		before, _ := e.Evaluate(tr.Users, tr.Items)
		for range 5 {
			if _, err := tr.Epoch(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		after, err := e.Evaluate(tr.Users, tr.Items)
		if err != nil {
			t.Fatal(err)
		}
		r0, _ := before.Get("recall_at_20")
		r, _ := after.Get("recall_at_20")
		t.Logf("%v: recall_at_20 %.4f before training, %.4f after 5 epochs (random ranking: %.4f)", s, r0, r, random)
		if r < 5*random {
			t.Errorf("%v: recall_at_20 %.4f after 5 epochs, not far above random (%.4f)", s, r, random)
		}
	}
}
