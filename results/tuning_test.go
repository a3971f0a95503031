package results_test

import (
	"strings"
	"testing"

	"onebp/internal/runtest"
	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
)

// TestCheckTuned: runs at tuned settings pass only at the setting their
// recorded trials choose on validation, of the same space and sampler.
func TestCheckTuned(t *testing.T) {
	const space = "lr=1e-4:1e-2:log"
	run := func(s model.Strategy, seed uint64, trial int, lr string, validation float64) *results.Run {
		r := runtest.Fake("d", s, seed)
		r.Tuning = &results.Tuning{Space: space, Sampler: "halton", Trial: trial}
		r.Point = results.Point{{Name: "lr", Value: lr}}
		r.Config.Select = eval.NDCGAt20
		r.Selected = &results.Selected{Validation: map[eval.Metric]float64{eval.NDCGAt20: validation}}
		return r
	}
	base := func() []*results.Run {
		return []*results.Run{
			run(model.OneBP, 2021, 1, "0.001", 0.20), run(model.OneBP, 2021, 2, "0.003", 0.25),
			run(model.TwoBP, 2021, 1, "0.001", 0.22), run(model.TwoBP, 2021, 2, "0.003", 0.21),
			run(model.OneBP, 2022, 0, "0.003", 0), run(model.TwoBP, 2022, 0, "0.001", 0),
		}
	}
	if err := results.CheckTuned(base()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		change func([]*results.Run) []*results.Run
		want   string
	}{
		{"another setting", func(rs []*results.Run) []*results.Run {
			rs[4].Point = results.Point{{Name: "lr", Value: "0.001"}}
			return rs
		}, "d tuned: onebp seed 2022 is at lr=0.001 (space lr=1e-4:1e-2:log, halton), but the best recorded onebp trial on validation is trial 2 at lr=0.003"},
		{"a trial added after the choice", func(rs []*results.Run) []*results.Run {
			return append(rs, run(model.TwoBP, 2021, 3, "0.0003", 0.23))
		}, "twobp seed 2022 is at lr=0.001 (space lr=1e-4:1e-2:log, halton), but the best recorded twobp trial on validation is trial 3 at lr=0.0003"},
		{"another space", func(rs []*results.Run) []*results.Run {
			rs[5].Tuning.Space = "lr=1e-5:1e-1:log"
			return rs
		}, "twobp seed 2022 is at lr=0.001 (space lr=1e-5:1e-1:log, halton)"},
		{"no trials", func(rs []*results.Run) []*results.Run {
			return rs[2:]
		}, "d tuned: onebp seed 2022 is a run at tuned settings, but no onebp trial on d is recorded to choose them"},
	} {
		err := results.CheckTuned(c.change(base()))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
