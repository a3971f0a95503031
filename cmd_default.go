package main

import (
	"context"
	"fmt"
	"io"

	"onebp/bench"
	"onebp/data"
	"onebp/model"
	"onebp/results"
)

// runDefault is `onebp` with no arguments: OneBP against TwoBP on the
// embedded synthetic dataset, which needs no files and no network.
func runDefault(ctx context.Context, stdout, stderr io.Writer) error {
	spec := data.Spec{Kind: data.KindSynthetic, Synthetic: data.DefaultSynthetic}
	d, err := spec.Load("", 0)
	if err != nil {
		return err
	}
	preset, err := bench.PresetFor(spec, bench.PresetQuick)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "OneBP vs TwoBP on the embedded synthetic dataset (%d users, %d items, %d train, %d test): %s.\n",
		d.Users, d.Items, d.Train.NNZ(), d.Test.NNZ(), results.Hyperparameters(preset.Config))
	var runs []*results.Run
	for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
		cfg := preset.Config
		cfg.Strategy = s
		fmt.Fprintf(stderr, "training %v...\n", s)
		r, err := bench.Run(ctx, bench.RunSpec{Data: d, Config: cfg, Preset: bench.PresetQuick, Source: preset.Source, Protocol: results.Protocol{EvalEvery: 5}})
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}
	h, rows := results.HeadlineRows(runs[0], runs[1])
	if err := results.WriteTable(stdout, false, h, rows); err != nil {
		return err
	}
	fmt.Fprint(stdout, `
This is synthetic data, for a first look. The real benchmark runs on public datasets:
  onebp datasets                            what is present (set -data-dir or ONEBP_DATA)
  onebp fetch onebp-ml100k ml-100k ml-1m gowalla yelp2018
                                            download and verify the paper's datasets
  onebp bench -preset quick                 a smoke test of OneBP and TwoBP on every dataset present
  onebp bench -preset validated -seeds 5    the results to quote: validation-selected, five seeds,
                                            paired tests (hours to days; see README.md)
`)
	return nil
}
