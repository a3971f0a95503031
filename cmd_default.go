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
	h, err := bench.PresetFor(d.Name, bench.PresetQuick)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "OneBP vs TwoBP on the embedded synthetic dataset (%d users, %d items, %d train, %d test): "+
		"dim %d, lr %g, l2 %g, beta %g, %d negatives, batch %d, %d epochs.\n",
		d.Users, d.Items, d.Train.NNZ(), d.Test.NNZ(), h.Config.Dim, h.Config.LR, h.Config.L2, h.Config.Beta,
		h.Config.Negatives, h.Config.Batch, h.Config.Epochs)
	var runs []*bench.RunResult
	for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
		cfg := h.Config
		cfg.Strategy = s
		fmt.Fprintf(stderr, "training %v...\n", s)
		r, err := bench.Run(ctx, bench.RunSpec{Data: d, Config: cfg, Preset: bench.PresetQuick, Source: h.Source, EvalEvery: 5})
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}
	one, two := runs[0], runs[1]
	rows := [][]string{}
	for _, name := range []string{"recall_at_20", "ndcg_at_20", "precision_at_20"} {
		rows = append(rows, []string{name + " (final)", fmt.Sprintf("%.4f", one.Final[name]), fmt.Sprintf("%.4f", two.Final[name]),
			pct(one.Final[name], two.Final[name])})
	}
	ob, tb := one.Best["recall_at_20"], two.Best["recall_at_20"]
	rows = append(rows, []string{"recall_at_20 (best-on-test, epoch)", fmt.Sprintf("%.4f (%d)", ob.Value, ob.Epoch),
		fmt.Sprintf("%.4f (%d)", tb.Value, tb.Epoch), pct(ob.Value, tb.Value)})
	ot, _ := one.MeanEpochSeconds()
	tt, _ := two.MeanEpochSeconds()
	rows = append(rows,
		[]string{"training time per epoch", fmt.Sprintf("%.1f ms", ot*1e3), fmt.Sprintf("%.1f ms", tt*1e3), pct(ot, tt)},
		[]string{"state memory", mb(one.Memory.StateBytes), mb(two.Memory.StateBytes),
			pct(float64(one.Memory.StateBytes), float64(two.Memory.StateBytes))})
	if err := bench.WriteTable(stdout, false, []string{"", "OneBP", "TwoBP", "OneBP vs TwoBP"}, rows); err != nil {
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

func pct(one, two float64) string {
	if two == 0 {
		return "-"
	}
	return fmt.Sprintf("%+.1f%%", 100*(one-two)/two)
}

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }
