package main

import (
	"context"
	"fmt"
	"io"

	"onebp/bench"
	"onebp/data"
	"onebp/model"
)

// runDefault is `onebp` with no arguments: OneBP against TwoBP on the
// embedded synthetic dataset, which needs no files and no network.
func runDefault(ctx context.Context, stdout, stderr io.Writer) error {
	d, err := data.DefaultSynthetic.Generate()
	if err != nil {
		return err
	}
	preset, err := bench.PresetFor(d.Name, bench.PresetQuick)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "OneBP vs TwoBP on the embedded synthetic dataset (%d users, %d items, %d train, %d test): "+
		"dim %d, lr %g, l2 %g, beta %g, %d negatives, batch %d, %d epochs.\n",
		d.Users, d.Items, d.Train.NNZ(), d.Test.NNZ(), preset.Config.Dim, preset.Config.LR, preset.Config.L2,
		preset.Config.Beta, preset.Config.Negatives, preset.Config.Batch, preset.Config.Epochs)
	var runs []*bench.RunResult
	for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
		cfg := preset.Config
		cfg.Strategy = s
		fmt.Fprintf(stderr, "training %v...\n", s)
		r, err := bench.Run(ctx, bench.RunSpec{Data: d, Config: cfg, Preset: bench.PresetQuick, Source: preset.Source, EvalEvery: 5})
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}
	h, rows := bench.HeadlineRows(runs[0], runs[1])
	if err := bench.WriteTable(stdout, false, h, rows); err != nil {
		return err
	}
	fmt.Fprint(stdout, `
This is synthetic data, for a first look. The real benchmark runs on public datasets:
  onebp datasets                    what is present (set -data-dir or ONEBP_DATA)
  onebp fetch ml-100k ml-1m gowalla download and verify them
  onebp bench -preset quick         OneBP and TwoBP on every dataset present, into results/
`)
	return nil
}
