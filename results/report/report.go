package report

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"onebp/internal/atomicfile"
	"onebp/internal/texttable"
	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
	"onebp/results/stats"
)

// relative is OneBP's change against TwoBP, in percent.
func relative(one, two float64) string {
	if two == 0 {
		return "-"
	}
	return fmt.Sprintf("%+.1f%%", 100*(one-two)/two)
}

// F4 formats a metric as tables show it, with 4 decimals.
func F4(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }

func megabytes(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

func seconds(s float64) string {
	switch {
	case s < 1:
		return fmt.Sprintf("%.1f ms", s*1e3)
	case s >= 600:
		return fmt.Sprintf("%.1f min", s/60)
	}
	return fmt.Sprintf("%.2f s", s)
}

// A protocol is one way of reading a run's test figures.
type protocol struct {
	name string
	get  func(r *results.Run, m eval.Metric) (float64, bool)
}

var (
	validated = protocol{"validated", func(r *results.Run, m eval.Metric) (float64, bool) {
		if r.Selected == nil {
			return 0, false
		}
		v, ok := r.Selected.Test[m]
		return v, ok
	}}
	final = protocol{"final", func(r *results.Run, m eval.Metric) (float64, bool) { v, ok := r.Final[m]; return v, ok }}
	best  = protocol{"best-on-test", func(r *results.Run, m eval.Metric) (float64, bool) { b, ok := r.Best[m]; return b.Value, ok }}
)

// protocolsOf are the protocols a dataset's runs support, validated first.
func protocolsOf(runs []*results.Run) []protocol {
	for _, r := range runs {
		if r.Selected != nil {
			return []protocol{validated, final, best}
		}
	}
	return []protocol{final, best}
}

// byStrategy splits runs into OneBP's and TwoBP's.
func byStrategy(runs []*results.Run) (one, two []*results.Run) {
	return ofStrategy(runs, model.OneBP), ofStrategy(runs, model.TwoBP)
}

// ofStrategy is the runs of strategy s.
func ofStrategy(runs []*results.Run, s model.Strategy) []*results.Run {
	var mine []*results.Run
	for _, r := range runs {
		if r.Strategy() == s {
			mine = append(mine, r)
		}
	}
	return mine
}

// spread summarises get over runs, skipping runs without a value; ok is
// false when none has one.
func spread(runs []*results.Run, get func(*results.Run) (float64, bool)) (stats.Spread, bool) {
	var xs []float64
	for _, r := range runs {
		if v, ok := get(r); ok {
			xs = append(xs, v)
		}
	}
	if len(xs) == 0 {
		return stats.Spread{}, false
	}
	return stats.SpreadOf(xs), true
}

// QualityRows are a dataset's quality table: per metric and protocol,
// both strategies over their seeds (mean ± sd [min, max] when there are
// several) and OneBP's relative change of the mean.
func QualityRows(runs []*results.Run) (header []string, rows [][]string) {
	one, two := byStrategy(runs)
	protos := protocolsOf(runs)
	header = []string{"metric"}
	for _, p := range protos {
		label := p.name
		if p.name == best.name {
			label += " (optimistic)"
		}
		header = append(header, "OneBP "+label, "TwoBP "+label, "OneBP vs TwoBP ("+p.name+")")
	}
	for _, name := range runs[0].MetricNames() {
		row := []string{string(name)}
		for _, p := range protos {
			get := func(r *results.Run) (float64, bool) { return p.get(r, name) }
			so, okOne := spread(one, get)
			st, okTwo := spread(two, get)
			row = append(row, spreadCell(so, okOne, F4), spreadCell(st, okTwo, F4), "-")
			if okOne && okTwo {
				row[len(row)-1] = relative(so.Mean, st.Mean)
			}
		}
		rows = append(rows, row)
	}
	return header, rows
}

func spreadCell(s stats.Spread, ok bool, f func(float64) string) string {
	if !ok {
		return "-"
	}
	return s.Format(f)
}

// HeadlineRows are the short comparison `onebp` prints of one run of
// each strategy: NDCG and recall at 20 under the best protocol the runs
// support (validated, else final), the epochs to that state, the epoch's
// median time, the run's training time and state memory.
func HeadlineRows(one, two *results.Run) (header []string, rows [][]string) {
	p := protocolsOf([]*results.Run{one, two})[0]
	header = []string{"", "OneBP", "TwoBP", "OneBP vs TwoBP"}
	for _, m := range []eval.Metric{eval.NDCGAt20, eval.RecallAt20} {
		o, _ := p.get(one, m)
		t, _ := p.get(two, m)
		rows = append(rows, []string{fmt.Sprintf("%s (%s)", m, p.name), F4(o), F4(t), relative(o, t)})
	}
	state := func(r *results.Run) float64 {
		if p.name == validated.name && r.Selected != nil {
			return float64(r.Selected.Epoch + 1)
		}
		return float64(r.FinalEpoch + 1)
	}
	rows = append(rows, []string{"epochs to that state", count(state(one)), count(state(two)), relative(state(one), state(two))})
	for _, c := range []measure{epochTime, runTime, stateSize} {
		o, _ := c.get(one)
		t, _ := c.get(two)
		rows = append(rows, []string{c.name, c.show(o), c.show(t), relative(o, t)})
	}
	return header, rows
}

// A measure is one figure of a run's cost, shown one way; get's ok is
// false for a run without it.
type measure struct {
	name string
	get  func(*results.Run) (float64, bool)
	show func(float64) string
}

func always(f func(*results.Run) float64) func(*results.Run) (float64, bool) {
	return func(r *results.Run) (float64, bool) { return f(r), true }
}

func showMegabytes(x float64) string { return megabytes(int64(x)) }

// The costs the reports, the summary and the findings compare.
var (
	epochTime = measure{"training time per epoch (median)", always(func(r *results.Run) float64 { t, _ := r.EpochSeconds(); return t }), seconds}
	evalTime  = measure{"time per evaluation (median)", always(func(r *results.Run) float64 { _, e := r.EpochSeconds(); return e }), seconds}
	runTime   = measure{"training time of the run (epochs x median)", always((*results.Run).TrainingSeconds), seconds}
	stateSize = measure{"state memory (tables, Adam, gradients)", always(func(r *results.Run) float64 { return float64(r.Memory.StateBytes) }), showMegabytes}
	peakSize  = measure{"peak resident memory of the run", always(func(r *results.Run) float64 { return float64(r.Memory.PeakRSSBytes) }), showMegabytes}
)

// CostRows are a dataset's time and memory table, over the seeds.
func CostRows(runs []*results.Run) (header []string, rows [][]string) {
	one, two := byStrategy(runs)
	header = []string{"", "OneBP", "TwoBP", "OneBP vs TwoBP"}
	for _, c := range []measure{
		epochTime, evalTime, runTime, stateSize, peakSize,
		{"epochs trained", always(func(r *results.Run) float64 { return float64(r.EpochsTrained()) }), count},
		{"epochs to the selected state (validation)", func(r *results.Run) (float64, bool) {
			if r.Selected == nil {
				return 0, false
			}
			return float64(r.Selected.Epoch + 1), true
		}, count},
		{"final training loss", func(r *results.Run) (float64, bool) {
			if len(r.Epochs) == 0 {
				return 0, false
			}
			return r.Epochs[len(r.Epochs)-1].Loss, true
		}, func(x float64) string { return strconv.FormatFloat(x, 'f', 5, 64) }},
	} {
		so, okOne := spread(one, c.get)
		st, okTwo := spread(two, c.get)
		if !okOne && !okTwo {
			continue
		}
		row := []string{c.name, spreadCell(so, okOne, c.show), spreadCell(st, okTwo, c.show), "-"}
		if okOne && okTwo {
			row[3] = relative(so.Mean, st.Mean)
		}
		rows = append(rows, row)
	}
	return header, rows
}

// count formats a mean of counts: whole, or to one decimal.
func count(x float64) string {
	if x == math.Trunc(x) {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'f', 1, 64)
}

// WriteReport writes results/README.md: the findings, then per dataset
// OneBP against TwoBP in quality under each protocol, the paired tests,
// cost, and the curves.
func WriteReport(w io.Writer, runs []*results.Run) error {
	return writeReport(w, runs, stats.Comparisons(runs))
}

// writeReport is WriteReport with the comparisons computed.
func writeReport(w io.Writer, runs []*results.Run, comparisons []stats.Comparison) error {
	fmt.Fprint(w, `# results

Written by `+"`onebp bench`"+` from the run records in `+"`runs/`"+`; never edited by hand.
`+"`quality.txt`"+` and `+"`timing.txt`"+` hold the same runs in the Go benchmark format
(compare a set committed in results/NAME at two commits with
`+"`onebp diff -set NAME HEAD~1 HEAD`"+`, two directories with `+"`onebp diff OLD NEW`"+`,
or either with benchstat).

Three protocols, never mixed: **validated** is the test figures of the epoch
selected on a validation split held out of the training items (the number to
quote); **final** is the model after the last epoch (no selection);
**best-on-test** is each metric's maximum over the evaluated epochs, the
authors' protocol, which selects on the test set and is optimistic. Over
several seeds a cell reads mean ± sample sd [min, max]; "OneBP vs TwoBP" is
OneBP's relative change of the mean.
`)
	if note := incompleteNote(runs); note != "" {
		fmt.Fprint(w, "\n"+note)
	}
	if len(comparisons) > 0 {
		fmt.Fprint(w, "\n## Findings\n\n")
		if err := writeFindings(w, runs, comparisons); err != nil {
			return err
		}
	}
	if err := writeSweeps(w, runs, comparisons, ""); err != nil {
		return err
	}
	if err := writeTuning(w, runs, comparisons); err != nil {
		return err
	}
	names, groups, unpaired := byCell(runs)
	for _, name := range names {
		group := groups[name]
		if len(group) == 0 {
			// Both strategies ran, but no seed of both yet (a shard's part).
			fmt.Fprintf(w, "\n## %s\n\n%s", name, unpairedNote(unpaired[name]))
			continue
		}
		ref := group[0]
		c := ref.Config
		fmt.Fprintf(w, "\n## %s\n\n", name)
		fmt.Fprintf(w, "%d users, %d items, split %s, dataset sha256 `%s`.  \n", ref.Users, ref.Items, ref.Split, ref.DatasetFingerprint[:16])
		fmt.Fprintf(w, "Preset %s: %s (beta is OneBP's); evaluated %s%s. Hyper-parameters: %s.  \n",
			orDash(c.Preset), Hyperparameters(c.Config), every(c.EvalEvery), protocolNote(c.Protocol), c.Source)
		if ref.Tuning != nil {
			fmt.Fprintf(w, "Each strategy at its own tuned setting, which the line above gives for %s: %s.  \n", StrategyLabel(ref.Strategy()), tunedSettings(group))
		}
		fmt.Fprintf(w, "Seeds: %s.  \n", seedList(group))
		fmt.Fprint(w, unpairedNote(unpaired[name]))
		commits, word := commitsOf(group), "commit"
		if len(commits) > 1 {
			word = "commits"
		}
		each := func(f func(*results.Run) string) string { return strings.Join(distinct(group, f), ", ") }
		code := each(func(r *results.Run) string { return string(r.Env.TrainingCode) })
		if code != "" {
			code = " (training code " + code + ")"
		}
		fmt.Fprintf(w, "Ran at %s %s%s with %s kernels, %s, on %s.\n\n", word, strings.Join(commits, ", "), code,
			each(func(r *results.Run) string { return r.Env.Kernels }), each(func(r *results.Run) string { return Workers(r.Env.Workers) }),
			each(func(r *results.Run) string { return r.Env.Machine() }))
		h, rows := QualityRows(group)
		if err := texttable.Write(w, true, h, rows); err != nil {
			return err
		}
		for _, cmp := range comparisons {
			if cmp.Dataset == name {
				fmt.Fprintf(w, "\n%s, validated, paired over %d users and seeds %s: %s", cmp.Metric, cmp.Users, joinSeeds(cmp.Seeds), cmp)
			}
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w)
		h, rows = CostRows(group)
		if err := texttable.Write(w, true, h, rows); err != nil {
			return err
		}
		fmt.Fprintf(w, "\n![%s learning curves](curves/%s.svg)\n", name, results.FileName(name))
	}
	return nil
}

// protocolNote describes a validated protocol after "evaluated ...".
func protocolNote(p results.Protocol) string {
	if p.Validation == 0 {
		return ""
	}
	stop := "no early stopping"
	if p.Patience > 0 {
		stop = fmt.Sprintf("stopping after %d evaluations without improvement", p.Patience)
	}
	return fmt.Sprintf(", on validation (%g of each user's training items held out) and test; epoch selected on validation %s, %s", p.Validation, p.Select, stop)
}

// seedList lists the seeds each strategy ran.
func seedList(runs []*results.Run) string {
	one, two := byStrategy(runs)
	list := func(rs []*results.Run) string {
		var seeds []uint64
		for _, r := range rs {
			seeds = append(seeds, r.Config.Seed)
		}
		return joinSeeds(seeds)
	}
	return fmt.Sprintf("OneBP %s; TwoBP %s", list(one), list(two))
}

func joinSeeds(seeds []uint64) string {
	if len(seeds) == 0 {
		return "none"
	}
	var parts []string
	for _, s := range seeds {
		parts = append(parts, strconv.FormatUint(s, 10))
	}
	return strings.Join(parts, ", ")
}

// Workers says how many worker goroutines ran: "1 worker", "2 workers".
func Workers(n int) string {
	if n == 1 {
		return "1 worker"
	}
	return fmt.Sprintf("%d workers", n)
}

// distinct lists the values f takes over runs, each once, in the order
// they first appear: the runs of a resumed or sharded suite may come from
// several commits (of the same training code) and machines.
func distinct(runs []*results.Run, f func(*results.Run) string) []string {
	return distinctEach(runs, func(r *results.Run) []string { return []string{f(r)} })
}

// distinctEach is distinct for a function with several values per run.
func distinctEach(runs []*results.Run, f func(*results.Run) []string) []string {
	var seen []string
	for _, r := range runs {
		for _, v := range f(r) {
			if !slices.Contains(seen, v) {
				seen = append(seen, v)
			}
		}
	}
	return seen
}

// commitsOf lists the commits that trained runs, each once, as "`id`",
// or "an unknown commit" where a record did not know its binary's.
func commitsOf(runs []*results.Run) []string {
	return distinctEach(runs, func(r *results.Run) []string {
		var c []string
		for _, id := range r.Commits() {
			if id == "unknown" {
				c = append(c, "an unknown commit")
				continue
			}
			c = append(c, "`"+ShortCommit(id)+"`")
		}
		return c
	})
}

// timedApart says, when groups of runs (labels[i] over runs[i]) were not
// all timed alike (the same commits, workers and machines), which were
// timed where: "a, c at `id`, 1 worker, on M; b at ..."; "" when they
// were. Their times then compare code and machines too.
func timedApart(labels []string, runs [][]*results.Run) string {
	var where []string
	at := map[string][]string{}
	for i, group := range runs {
		w := timedAt(group)
		if _, ok := at[w]; !ok {
			where = append(where, w)
		}
		at[w] = append(at[w], labels[i])
	}
	if len(where) < 2 {
		return ""
	}
	var parts []string
	for _, w := range where {
		parts = append(parts, strings.Join(at[w], ", ")+" at "+w)
	}
	return strings.Join(parts, "; ")
}

// timedAt says where runs were timed: "`id`, 1 worker, on M", each
// commit, worker count and machine once.
func timedAt(runs []*results.Run) string {
	return fmt.Sprintf("%s, %s, on %s", strings.Join(commitsOf(runs), ", "),
		strings.Join(distinct(runs, func(r *results.Run) string { return Workers(r.Env.Workers) }), ", "),
		strings.Join(distinct(runs, func(r *results.Run) string { return r.Env.Machine() }), ", "))
}

// seedCount says how many seeds OneBP's and TwoBP's runs have: "1 seed",
// "5 seeds", or while a grid is under way "OneBP 3 seeds, TwoBP 2".
func seedCount(one, two int) string {
	n := fmt.Sprintf("%d seeds", one)
	if one == 1 {
		n = "1 seed"
	}
	if one != two {
		n = fmt.Sprintf("OneBP %s, TwoBP %d", n, two)
	}
	return n
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ShortCommit abbreviates a commit id, keeping a "+dirty" mark.
func ShortCommit(commit string) string {
	rev, dirty := strings.CutSuffix(commit, "+dirty")
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "+dirty"
	}
	return rev
}

func every(n int) string {
	if n == 1 {
		return "after every epoch"
	}
	return fmt.Sprintf("every %d epochs and after the last", n)
}

// SummaryRows are one line per dataset: the headline numbers of OneBP and
// TwoBP side by side, over the seeds: NDCG@20 and recall@20 under the best
// protocol the runs support (validated, else final), epoch time and memory.
func SummaryRows(runs []*results.Run) (header []string, rows [][]string) {
	header = []string{"dataset", "setup", "protocol", string(eval.NDCGAt20) + " OneBP / TwoBP", string(eval.RecallAt20) + " OneBP / TwoBP",
		"median epoch time OneBP / TwoBP", "state memory OneBP / TwoBP", "peak RSS OneBP / TwoBP"}
	names, groups, _ := byCell(runs)
	for _, name := range names {
		group := groups[name]
		one, two := byStrategy(group)
		if len(one) == 0 || len(two) == 0 {
			continue
		}
		p := protocolsOf(group)[0]
		quality := func(m eval.Metric) string {
			return meanPair(one, two, func(r *results.Run) (float64, bool) { return p.get(r, m) }, F4)
		}
		cost := func(c measure) string { return meanPair(one, two, c.get, c.show) }
		c := one[0].Config
		rows = append(rows, []string{
			name,
			fmt.Sprintf("%s, dim %d, up to %d epochs, %s", orDash(c.Preset), c.Dim, c.Epochs, seedCount(len(one), len(two))),
			p.name,
			quality(eval.NDCGAt20),
			quality(eval.RecallAt20),
			cost(epochTime),
			cost(stateSize),
			cost(peakSize),
		})
	}
	return header, rows
}

// meanPair reads "OneBP's mean / TwoBP's mean (OneBP's change)".
func meanPair(one, two []*results.Run, get func(*results.Run) (float64, bool), show func(float64) string) string {
	so, _ := spread(one, get)
	st, _ := spread(two, get)
	return fmt.Sprintf("%s / %s (%s)", show(so.Mean), show(st.Mean), relative(so.Mean, st.Mean))
}

// Hyperparameters is a configuration's hyper-parameters in one line,
// "name value" in model.Config.Hyperparameters' order.
func Hyperparameters(c model.Config) string {
	var parts []string
	for _, f := range c.Hyperparameters() {
		parts = append(parts, f.Name+" "+f.Value)
	}
	return strings.Join(parts, ", ")
}

// SummaryMarkers are the lines between which a README carries the summary
// of the results in dir, which `onebp bench` rewrites; a README may carry
// the summaries of several results directories.
func SummaryMarkers(dir string) (begin, end string) {
	dir = slashDir(dir)
	return "<!-- results:begin " + dir + " (written by onebp bench) -->", "<!-- results:end " + dir + " -->"
}

// UpdateReadmeSummary replaces the summary of the results in dir between
// its markers in the README at path, if it has them; it reports whether
// it did.
func UpdateReadmeSummary(path, dir string, runs []*results.Run) (bool, error) {
	summaryBegin, summaryEnd := SummaryMarkers(dir)
	old, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return false, nil
		}
		return false, err
	}
	before, rest, ok := strings.Cut(string(old), summaryBegin)
	if !ok {
		return false, nil
	}
	_, after, ok := strings.Cut(rest, summaryEnd)
	if !ok {
		return false, fmt.Errorf("%s: %q without %q", path, summaryBegin, summaryEnd)
	}
	var b strings.Builder
	b.WriteString(before + summaryBegin + "\n")
	if err := writeSummary(&b, runs, slashDir(dir)); err != nil {
		return false, err
	}
	b.WriteString("\n" + summaryEnd + after)
	return true, atomicfile.Write(path, func(w io.Writer) error { _, err := io.WriteString(w, b.String()); return err })
}

// slashDir is a results directory as a README names it, in its markers
// and its links: cleaned, with forward slashes.
func slashDir(dir string) string { return filepath.ToSlash(filepath.Clean(dir)) }

// writeSummary writes what a README carries of the runs in dir: a sweep's
// table of points and where the answer turns, each point's findings
// staying in dir's report; otherwise the headline table and then, for a
// tuning set, what tuning changed (its preset cells are the validated
// set's, summarised there), else the findings. A set with runs still
// awaiting their partner says so first, as its report does.
func writeSummary(w io.Writer, runs []*results.Run, dir string) error {
	if note := incompleteNote(runs); note != "" {
		fmt.Fprint(w, "\n"+note)
	}
	cs := stats.Comparisons(runs)
	if _, pts := sweepOf(runs); len(pts) > 0 {
		return writeSweeps(w, runs, cs, dir)
	}
	h, rows := SummaryRows(runs)
	fmt.Fprint(w, "\n")
	if err := texttable.Write(w, true, h, rows); err != nil {
		return err
	}
	switch tuned, _ := results.Trials(runs); {
	case len(tuned) > 0:
		fmt.Fprint(w, "\n#### Findings\n\n")
		writeTuningFindings(w, runs, cs, dir)
	case len(cs) > 0:
		fmt.Fprint(w, "\n#### Findings\n\n")
		return writeFindings(w, runs, cs)
	}
	return nil
}
