package bench

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"onebp/data"
	"onebp/internal/atomicfile"
	"onebp/model"
	"onebp/results"
	"onebp/results/report"
)

// ParityOptions say how `onebp parity` runs.
type ParityOptions struct {
	DataDir  string
	Out      string
	Seeds    int // runs per strategy, seeds 2022, 2023, ...
	Epochs   int
	Workers  int
	Progress io.Writer
	Log      io.Writer
}

// Parity runs OneBP and TwoBP on onebp-ml100k with the paper preset for
// several seeds and writes results/parity.md (our figures beside the
// reference's, the differences, the spread over seeds, the curves) and
// results/parity.txt (the quality records, Go benchmark format).
func Parity(ctx context.Context, opts ParityOptions) error {
	spec := data.Spec{Kind: data.KindRegistered, Name: "onebp-ml100k"}
	d, err := spec.Load(opts.DataDir, data.DefaultSplitSeed)
	if err != nil {
		return err
	}
	h, err := PresetFor(spec, PresetPaper)
	if err != nil {
		return err
	}
	h.SetEpochs(opts.Epochs)
	runs := map[model.Strategy][]*results.Run{}
	for seed := 0; seed < opts.Seeds; seed++ {
		for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
			cfg := h.Config
			cfg.Strategy, cfg.Seed, cfg.Workers = s, h.Config.Seed+uint64(seed), opts.Workers
			fmt.Fprintf(opts.Log, "== onebp-ml100k %v seed %d: %d epochs\n", s, cfg.Seed, cfg.Epochs)
			r, err := Run(ctx, RunSpec{Data: d, Config: cfg, Preset: PresetPaper, Source: h.Source, Protocol: results.Protocol{EvalEvery: 1}, Progress: opts.Progress})
			if err != nil {
				return err
			}
			runs[s] = append(runs[s], r)
		}
	}
	all := append(append([]*results.Run(nil), runs[model.OneBP]...), runs[model.TwoBP]...)
	files := map[string]func(io.Writer) error{
		"parity.md":         func(w io.Writer) error { return report.WriteParity(w, runs) },
		"parity.txt":        func(w io.Writer) error { return results.WriteQuality(w, all) },
		"curves/parity.svg": func(w io.Writer) error { return report.WriteSVG(w, report.ParityPlots(runs)) },
	}
	for rel, write := range files {
		if err := atomicfile.Write(filepath.Join(opts.Out, rel), write); err != nil {
			return err
		}
	}
	return nil
}
