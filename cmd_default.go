package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"onebp/bench"
	"onebp/data"
	"onebp/internal/texttable"
	"onebp/model"
	"onebp/results"
	"onebp/results/report"
)

// The main job's setting: the validated protocol on the embedded
// synthetic set. OneBP learns more slowly than TwoBP (a user moves a
// 1-beta share of the way per occurrence), so a fixed short budget would
// show TwoBP ahead for want of epochs; trained to their best on
// validation, the two compare as in the validated results. At the
// preset's learning rate (5e-4) OneBP is still improving after 400 epochs
// (about 35 s); at 2e-3 both stop early, after about 115 and 45 epochs.
const (
	firstLookLR        = "0.002"
	firstLookCap       = "400"
	firstLookEvalEvery = 5
	firstLookPatience  = 5
)

// runDefault is `onebp` with no arguments: OneBP against TwoBP on the
// embedded synthetic dataset, which needs no files and no network, each
// trained to its best on a validation split.
func runDefault(ctx context.Context, stdout, stderr io.Writer) error {
	spec := data.Spec{Kind: data.KindSynthetic, Synthetic: data.DefaultSynthetic}
	d, err := spec.Load("", 0)
	if err != nil {
		return err
	}
	h, err := bench.PresetFor(spec, bench.PresetValidated)
	if err != nil {
		return err
	}
	for _, f := range []model.Field{{Name: "lr", Value: firstLookLR}, {Name: "epochs", Value: firstLookCap}} {
		if err := h.Set(f); err != nil {
			return err
		}
	}
	h.Protocol.EvalEvery, h.Protocol.Patience = firstLookEvalEvery, firstLookPatience
	fmt.Fprintf(stdout, "OneBP vs TwoBP on the embedded synthetic dataset (%d users, %d items, %d train, %d test): %s\n"+
		"(lr raised from the preset's 0.0005 so that both finish in seconds), each trained until %d evaluations (every %d epochs) bring no better validation %s on %g of each user's training items, at most %d epochs.\n",
		d.Users, d.Items, d.Train.NNZ(), d.Test.NNZ(), report.Hyperparameters(h.Config),
		h.Protocol.Patience, h.Protocol.EvalEvery, h.Protocol.Select, h.Protocol.Validation, h.Config.Epochs)
	var runs []*results.Run
	for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
		cfg := h.Config
		cfg.Strategy = s
		fmt.Fprintf(stderr, "training %v...\n", s)
		r, err := bench.Run(ctx, bench.RunSpec{Data: d, Config: cfg, Preset: bench.PresetValidated, Source: h.Source, Protocol: h.Protocol, SplitSeed: data.DefaultSplitSeed})
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}
	if note := report.TruncatedNote(runs); note != "" {
		fmt.Fprintln(stdout, strings.ReplaceAll(note, "**", ""))
	}
	hdr, rows := report.HeadlineRows(runs[0], runs[1])
	if err := texttable.Write(stdout, false, hdr, rows); err != nil {
		return err
	}
	fmt.Fprint(stdout, `
This is synthetic data, for a first look; it tells the story of the validated results
on MovieLens (README.md): OneBP more accurate with shorter epochs, but several times
the epochs to its best. The real benchmark runs on public datasets:
  onebp datasets                            what is present (set -data-dir or ONEBP_DATA)
  onebp fetch onebp-ml100k ml-100k ml-1m gowalla yelp2018
                                            download and verify the paper's datasets
  onebp bench -preset quick                 a smoke test of OneBP and TwoBP on every dataset present
  onebp bench -preset validated -seeds 5    the results to quote: validation-selected, five seeds,
                                            paired tests (hours to days; see README.md)
`)
	return nil
}
