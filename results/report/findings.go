package report

import (
	"fmt"
	"io"
	"strings"

	"onebp/model/eval"
	"onebp/results"
	"onebp/results/stats"
)

// writeFindings answers, per dataset with validated runs of both
// strategies, whether OneBP beats TwoBP in accuracy (the paired tests), in
// epoch time and in memory, and how the accuracy answer changes between
// best-on-test, final and validated selection; and, for a tuning grid,
// how far tuning moved the answer. It is written from the
// numbers alone, so it is regenerated with them.
func writeFindings(w io.Writer, runs []*results.Run, cs []stats.Comparison) error {
	fmt.Fprintf(w, "Paired per-user differences on the validated test figures, averaged over seeds, with 95%% bootstrap intervals and two-sided sign-flip tests (%d resamples), Holm-corrected over the %d comparisons below; beside them, each seed's mean difference and a paired t-test across seeds, which takes the seed as the unit so that seed-to-seed variation counts, Holm-corrected alike. A difference is called significant when both tests say so at %g after the correction, over at least %d seeds.\n\n",
		stats.Resamples, len(cs), stats.Alpha, stats.MinSeeds)
	names, groups, _ := byCell(runs)
	for _, name := range names {
		var mine []stats.Comparison
		for _, c := range cs {
			if c.Dataset == name {
				mine = append(mine, c)
			}
		}
		if len(mine) == 0 {
			continue
		}
		one, two := byStrategy(groups[name])
		var acc []string
		for _, c := range mine {
			acc = append(acc, fmt.Sprintf("%s %s (%s)", c.Metric, c, verdict(c)))
		}
		fmt.Fprintf(w, "- **%s** (%d users, seeds %s): %s%s.", name, mine[0].Users, joinSeeds(mine[0].Seeds), TruncatedNote(groups[name]), strings.Join(acc, "; "))
		fmt.Fprintf(w, " Median epoch time: %s; training time of the run (epochs x median epoch): %s. State memory: %s; peak resident memory: %s.",
			costFinding(one, two, epochTime, "faster", "slower"),
			costFinding(one, two, runTime, "shorter", "longer"),
			costFinding(one, two, stateSize, "smaller", "larger"),
			costFinding(one, two, peakSize, "smaller", "larger"))
		if apart := timedApart([]string{"OneBP", "TwoBP"}, [][]*results.Run{one, two}); apart != "" {
			fmt.Fprintf(w, " The times compare code and machines as well as strategies: %s.", apart)
		}
		fmt.Fprintf(w, " %s", stoppingFinding(one, two))
		var byProto []string
		for _, p := range []protocol{best, final, validated} {
			get := func(r *results.Run) (float64, bool) { return p.get(r, eval.NDCGAt20) }
			so, okOne := spread(one, get)
			st, okTwo := spread(two, get)
			if okOne && okTwo {
				byProto = append(byProto, fmt.Sprintf("%s %s vs %s (%s)", p.name, F4(so.Mean), F4(st.Mean), relative(so.Mean, st.Mean)))
			}
		}
		fmt.Fprintf(w, " %s OneBP vs TwoBP by selection: %s.\n", eval.NDCGAt20, strings.Join(byProto, ", "))
	}
	writeTuningBullets(w, runs, cs)
	return nil
}

// writeTuningFindings is a tuning set's findings in a README summary: how
// tuning moved the answer on each dataset, the rest being in dir's
// report.
func writeTuningFindings(w io.Writer, runs []*results.Run, cs []stats.Comparison, dir string) {
	fmt.Fprintf(w, "How tuning both strategies on validation moved the answer: OneBP - TwoBP as paired per-user differences on the validated test figures, with 95%% bootstrap intervals and sign-flip p-values Holm-corrected over the %d comparisons of the set's report, a verdict needing the seed-level test too; the shift between the settings is tested per user and not corrected. Trials, tables and every other finding: [%[2]s](%[2]s).\n\n",
		len(cs), dir+"/README.md")
	writeTuningBullets(w, runs, cs)
}

// writeTuningBullets writes tuningFinding for each tuned dataset.
func writeTuningBullets(w io.Writer, runs []*results.Run, cs []stats.Comparison) {
	_, groups, _ := byCell(runs)
	datasets, _ := results.Trials(runs)
	for _, d := range datasets {
		if f := tuningFinding(d, groups[d], groups[d+results.TunedSuffix], cs); f != "" {
			fmt.Fprintf(w, "- %s\n", f)
		}
	}
}

// noDifference is the verdict when the per-user test finds none, and what
// a comparison settles whenever neither strategy wins by the rule.
const noDifference = "no significant difference"

// bothTests ends a verdict whose difference both tests call significant.
const bothTests = ", per user and across seeds"

// perUserSide names the strategy the per-user test favours at
// stats.Alpha after the correction, or "" when it favours neither.
func perUserSide(c stats.Comparison) string {
	switch {
	case c.PHolm >= stats.Alpha:
		return ""
	case c.Mean < 0:
		return "TwoBP"
	}
	return "OneBP"
}

// verdict says what a comparison shows at stats.Alpha after stats.Holm: a difference
// is significant when both the per-user test and the seed-level test say
// so, over at least stats.MinSeeds seeds.
func verdict(c stats.Comparison) string {
	side := perUserSide(c)
	if side == "" {
		return noDifference
	}
	better := side + " better"
	switch {
	case len(c.Seeds) < stats.MinSeeds:
		return fmt.Sprintf("%s per user, but over %d of the %d seeds a difference needs, not called", better, len(c.Seeds), stats.MinSeeds)
	case c.SeedPHolm >= stats.Alpha:
		return fmt.Sprintf("%s per user, but not across seeds: not significant", better)
	}
	return better + bothTests
}

// costFinding compares a cost over seeds: OneBP's and TwoBP's means, the
// relative change, and a word only when the seeds' ranges do not overlap.
func costFinding(one, two []*results.Run, c measure, less, more string) string {
	so, _ := spread(one, c.get)
	st, _ := spread(two, c.get)
	word := "ranges overlap"
	switch {
	case so.Max < st.Min:
		word = "OneBP " + less
	case so.Min > st.Max:
		word = "OneBP " + more
	}
	return fmt.Sprintf("OneBP %s vs TwoBP %s (%s, %s)", c.show(so.Mean), c.show(st.Mean), relative(so.Mean, st.Mean), word)
}

// stoppingFinding states the validated runs' selected epochs and whether
// each stopped early or reached its cap, for a cap is only justified when
// runs stop before it.
func stoppingFinding(one, two []*results.Run) string {
	var parts []string
	capped := false
	for _, g := range []struct {
		name string
		runs []*results.Run
	}{{"OneBP", one}, {"TwoBP", two}} {
		var epochs []string
		early := 0
		for _, r := range g.runs {
			if r.Selected != nil {
				epochs = append(epochs, fmt.Sprint(r.Selected.Epoch+1))
			}
			if r.StoppedEarly {
				early++
			}
		}
		capped = capped || early < len(g.runs)
		parts = append(parts, fmt.Sprintf("%s %s (%d of %d stopped early)", g.name, strings.Join(epochs, ", "), early, len(g.runs)))
	}
	s := fmt.Sprintf("Epochs to the selected state: %s, of a cap of %d.", strings.Join(parts, "; "), one[0].Config.Epochs)
	if capped {
		s += " A run that reached the cap had improved on validation within its patience, so its figures may be a lower bound of what the strategy reaches."
	}
	return s
}

// TruncatedNote says first, when validated runs reached their cap without
// stopping early, that what follows compares unfinished training; else "".
func TruncatedNote(runs []*results.Run) string {
	capped := 0
	for _, r := range runs {
		if r.Selected != nil && !r.StoppedEarly {
			capped++
		}
	}
	if capped == 0 {
		return ""
	}
	return fmt.Sprintf("**truncated: %d of the %d runs reached the cap of %d epochs without stopping early, so this compares training that had not finished**; ",
		capped, len(runs), runs[0].Config.Epochs)
}
