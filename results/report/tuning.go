package report

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"onebp/internal/texttable"
	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
	"onebp/results/stats"
)

// A tuning grid's report, per dataset: each strategy's trials ranked by
// their validation figure and the one chosen, a plot of the validation
// figure against each searched parameter, and the comparison at the
// tuned settings beside the one at the preset's, with how far tuning
// moved the answer.

// tuningFile is the stem of a dataset's tuning plot.
func tuningFile(dataset string) string { return "tuning-" + results.FileName(dataset) }

// writeTuning writes a section per dataset with tuning trials.
func writeTuning(w io.Writer, runs []*results.Run, cs []stats.Comparison) error {
	datasets, trials := results.Trials(runs)
	_, cells := results.Cells(runs)
	for _, d := range datasets {
		fmt.Fprintf(w, "\n## Tuning on %s\n\n", d)
		one, two := byStrategy(trials[d])
		fmt.Fprintf(w, "Each trial is a validated run with seed %s at a point of its strategy's space; the chosen trial has the best validation %s (its selected epoch's), and the test set takes no part in the choice (the trials' test figures are recorded, not shown, not used). The comparison then runs the report's seeds at each strategy's chosen setting.\n",
			joinSeeds(seedsOf(trials[d])), trials[d][0].Config.Select)
		for _, group := range [][]*results.Run{one, two} {
			if len(group) == 0 {
				continue
			}
			if err := writeTrials(w, group, choiceLabel(cells[d+results.TunedSuffix], group[0].Strategy())); err != nil {
				return err
			}
		}
		fmt.Fprintf(w, "\n![validation against each searched parameter on %s](curves/%s.svg)\n", d, tuningFile(d))
		preset, tuned := cells[d], cells[d+results.TunedSuffix]
		if len(tuned) == 0 {
			fmt.Fprintf(w, "\nThe runs at the tuned settings are not recorded yet.\n")
			continue
		}
		fmt.Fprintf(w, "\nOneBP against TwoBP, validated test figures, at the preset's settings and at each strategy's tuned one (OneBP - TwoBP: mean per-user difference, 95%% bootstrap interval, Holm-corrected p; seed-level t-test beside it).\n\n")
		header := []string{"settings", "ndcg_at_20 OneBP / TwoBP", "OneBP - TwoBP ndcg_at_20", "recall_at_20 OneBP / TwoBP", "OneBP - TwoBP recall_at_20", "epochs to the selected state"}
		var rows [][]string
		for _, c := range []struct {
			name, cell string
			runs       []*results.Run
		}{{"preset's", d, preset}, {"tuned", d + results.TunedSuffix, tuned}} {
			o, t := byStrategy(c.runs)
			if len(o) == 0 || len(t) == 0 {
				continue
			}
			row := []string{c.name}
			for _, m := range []eval.Metric{eval.NDCGAt20, eval.RecallAt20} {
				row = append(row, meanPair(o, t, func(r *results.Run) (float64, bool) { return validated.get(r, m) }, F4), comparisonCell(cs, c.cell, m))
			}
			rows = append(rows, append(row, meanPair(o, t, selectedEpochs.get, selectedEpochs.show)))
		}
		if err := texttable.Write(w, true, header, rows); err != nil {
			return err
		}
		if f := tuningFinding(d, preset, tuned, cs); f != "" {
			fmt.Fprintf(w, "\n%s\n", f)
		}
	}
	return nil
}

// Labels of the best of a strategy's trials: chosen once a run at its
// tuned setting is recorded (results.CheckTuned holds that run to this
// trial), the best so far before, when more trials may yet be recorded.
const (
	chosenLabel    = "chosen"
	bestSoFarLabel = "best so far"
)

// choiceLabel is the label of the best of strategy s's trials, given the
// dataset's runs at tuned settings.
func choiceLabel(tuned []*results.Run, s model.Strategy) string {
	if slices.ContainsFunc(tuned, func(r *results.Run) bool { return r.Strategy() == s }) {
		return chosenLabel
	}
	return bestSoFarLabel
}

// writeTrials writes one strategy's trials, best first on validation,
// the best marked with label (choiceLabel).
func writeTrials(w io.Writer, trials []*results.Run, label string) error {
	chosen := results.ChooseTrial(trials)
	ranked := slices.Clone(trials)
	slices.SortStableFunc(ranked, func(a, b *results.Run) int {
		va, _ := a.ValidationScore()
		vb, _ := b.ValidationScore()
		if c := cmpFloat(vb, va); c != 0 {
			return c
		}
		return a.Tuning.Trial - b.Tuning.Trial
	})
	t := trials[0]
	fmt.Fprintf(w, "\n%s: %d trials of the space `%s`, drawn by %s.", StrategyLabel(t.Strategy()), len(trials), t.Tuning.Space, t.Tuning.Sampler)
	if label == bestSoFarLabel {
		fmt.Fprintf(w, " No run at its tuned setting is recorded yet, so more trials may follow: the best so far is marked, not chosen.")
	}
	fmt.Fprintf(w, "\n\n")
	header := []string{"rank", "setting", "trial", "validation " + string(t.Config.Select), "epochs to the selected state", "epochs run", ""}
	var rows [][]string
	for i, r := range ranked {
		v, _ := r.ValidationScore()
		mark := ""
		if r == chosen {
			mark = label
		}
		ran := fmt.Sprint(r.EpochsTrained())
		if !r.StoppedEarly {
			ran += " (the cap)"
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), r.Point.String(), strconv.Itoa(r.Tuning.Trial), F4(v), fmt.Sprint(r.Selected.Epoch + 1), ran, mark})
	}
	return texttable.Write(w, true, header, rows)
}

// tuningFinding says how tuning moved the answer on a dataset: the
// difference at the preset's and at the tuned settings, the shift with
// its interval, and what tuning did to each strategy; "" without both
// cells' comparisons.
func tuningFinding(dataset string, preset, tuned []*results.Run, cs []stats.Comparison) string {
	m := eval.NDCGAt20
	var before, after *stats.Comparison
	for i, c := range cs {
		switch {
		case c.Metric != m:
		case c.Dataset == dataset:
			before = &cs[i]
		case c.Dataset == dataset+results.TunedSuffix:
			after = &cs[i]
		}
	}
	if before == nil || after == nil {
		return ""
	}
	shift, err := stats.Shift(dataset, paired2(preset), paired2(tuned), m)
	if err != nil {
		return ""
	}
	answer := "the answer holds: " + settled(*after)
	if b, a := settled(*before), settled(*after); a != b {
		answer = fmt.Sprintf("the answer changes from %s to %s", b, a)
	}
	gain := func(s model.Strategy) string {
		o1, t1 := byStrategy(preset)
		o2, t2 := byStrategy(tuned)
		a, b := o1, o2
		if s == model.TwoBP {
			a, b = t1, t2
		}
		get := func(r *results.Run) (float64, bool) { return validated.get(r, m) }
		sa, okA := spread(a, get)
		sb, okB := spread(b, get)
		if !okA || !okB {
			return "-"
		}
		return fmt.Sprintf("%s %s -> %s (%s)", StrategyLabel(s), F4(sa.Mean), F4(sb.Mean), relative(sb.Mean, sa.Mean))
	}
	f := fmt.Sprintf("**%s after tuning**: OneBP - TwoBP %s %s at the preset's settings (%s), %s at the tuned ones (%s): a shift of %s (per user, over seeds %s, not corrected); %s. Tuning moved %s and %s.",
		dataset, m, before.Effect(), verdict(*before), after.Effect(), verdict(*after), shiftText(shift), joinSeeds(shift.Seeds), answer, gain(model.TwoBP), gain(model.OneBP))
	if apart := timedApart([]string{"the preset's settings", "the tuned ones"}, [][]*results.Run{preset, tuned}); apart != "" {
		f += " Their times compare code and machines as well as settings: " + apart + "."
	}
	return f
}

// settled is what a comparison settles: "OneBP better", "TwoBP better"
// (per user and across seeds, verdict's sense) or "no significant
// difference".
func settled(c stats.Comparison) string {
	if s, ok := strings.CutSuffix(verdict(c), bothTests); ok {
		return s
	}
	return noDifference
}

// shiftText reads "+0.0012 [-0.0008, +0.0031], p = 0.2310".
func shiftText(c stats.Comparison) string {
	return fmt.Sprintf("%+.4f [%+.4f, %+.4f], %s", c.Mean, c.Lo, c.Hi, stats.FormatP(c.P))
}

// paired2 keeps the runs of seeds both strategies ran.
func paired2(runs []*results.Run) []*results.Run {
	both, _ := paired(runs)
	return both
}

// seedsOf lists runs' distinct seeds, ascending.
func seedsOf(runs []*results.Run) []uint64 {
	var seeds []uint64
	for _, r := range runs {
		if !slices.Contains(seeds, r.Config.Seed) {
			seeds = append(seeds, r.Config.Seed)
		}
	}
	slices.Sort(seeds)
	return seeds
}

// writeTuningSVG plots a dataset's trials: per strategy and searched
// parameter, the validation figure of every trial against the
// parameter's value (beta as 1 - beta, the moving aggregation's step; a
// log axis when the values span a factor of 8 or more), the best trial
// marked as choiceLabel says, given the dataset's runs at tuned settings.
func writeTuningSVG(w io.Writer, dataset string, trials, tuned []*results.Run) error {
	var plots []sweepPlot
	one, two := byStrategy(trials)
	for _, group := range [][]*results.Run{one, two} {
		if len(group) == 0 {
			continue
		}
		s := group[0].Strategy()
		chosen := results.ChooseTrial(group)
		for _, f := range group[0].Point {
			axis, at := plotAxis(f.Name)
			all := sweepSeries{label: StrategyLabel(s) + " trials", color: StrategyColor(s), scatter: true}
			pick := sweepSeries{label: choiceLabel(tuned, s), color: "#000000", scatter: true}
			for _, r := range group {
				v, ok := r.ValidationScore()
				text, _ := r.Point.Get(f.Name)
				x, err := strconv.ParseFloat(text, 64)
				if !ok || err != nil {
					continue
				}
				all.x, all.y = append(all.x, at(x)), append(all.y, v)
				if r == chosen {
					pick.x, pick.y = append(pick.x, at(x)), append(pick.y, v)
				}
			}
			logX := len(all.x) > 0 && slices.Min(all.x) > 0 && slices.Max(all.x)/slices.Min(all.x) >= 8
			plots = append(plots, sweepPlot{title: fmt.Sprintf("%s: validation %s against %s", StrategyLabel(s), group[0].Config.Select, axis),
				xlabel: axis, logX: logX, fitY: true, series: []sweepSeries{all, pick}})
		}
	}
	return drawSweep(w, "Tuning on "+dataset, plots)
}

// plotAxis is how plots place a parameter's values: as they are, except
// beta, a decay rate, whose values crowd below 1 (0.9 to 0.999) and
// spread as 1 - beta, on a log axis.
func plotAxis(name string) (label string, at func(float64) float64) {
	if name == "beta" {
		return "1 - beta", func(v float64) float64 { return 1 - v }
	}
	return name, func(v float64) float64 { return v }
}

// tickValues is the x values to label on a panel: all of them when few
// (a sweep's points), else round values inside their range: on a log axis
// the powers of ten when three or more fall inside, else 1, 2 and 5 times
// them; on a linear one ticksWithin's steps. Where too few round values
// fall inside, the least, the greatest and one between (the geometric
// mean on a log axis).
func tickValues(xs []float64, logX bool) []float64 {
	if len(xs) <= 6 {
		return xs
	}
	lo, hi := slices.Min(xs), slices.Max(xs)
	if !logX {
		if t := ticksWithin(lo, hi); len(t) >= 2 {
			return t
		}
		return []float64{lo, (lo + hi) / 2, hi}
	}
	within := func(mantissas ...float64) []float64 {
		var t []float64
		for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
			for _, m := range mantissas {
				// Parsed from text, so that 2e-05 is the float64 nearest it.
				v, _ := strconv.ParseFloat(fmt.Sprintf("%ge%d", m, int(e)), 64)
				if v >= lo && v <= hi {
					t = append(t, v)
				}
			}
		}
		return t
	}
	if t := within(1); len(t) >= 3 {
		return t
	}
	if t := within(1, 2, 5); len(t) >= 2 && len(t) <= 7 {
		return t
	}
	return []float64{lo, math.Sqrt(lo * hi), hi}
}

// tunedSettings lists each strategy's tuned setting in a cell at tuned
// settings: "OneBP lr=0.005,beta=0.9; TwoBP lr=0.002,l2=1e-05".
func tunedSettings(cell []*results.Run) string {
	var parts []string
	for _, group := range func() [][]*results.Run { o, t := byStrategy(cell); return [][]*results.Run{o, t} }() {
		if len(group) > 0 {
			parts = append(parts, StrategyLabel(group[0].Strategy())+" "+group[0].Point.String())
		}
	}
	return strings.Join(parts, "; ")
}
