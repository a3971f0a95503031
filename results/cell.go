package results

import (
	"fmt"
	"slices"
	"strings"

	"onebp/model"
)

// A cell of a report is one dataset's runs of one setting: every figure
// over seeds, and every comparison of OneBP with TwoBP, aggregates runs
// that differ in their seed and strategy only. SettingDifferences says
// what else differs between two runs; CheckCells refuses a set of runs
// that would mix settings in a cell.

// SettingDifferences lists what makes runs a and b of one dataset
// belong to different cells: their data, preset, protocol, training code
// or a hyper-parameter other than the seed and the strategy (beta and
// aggregation count between two OneBP runs only: TwoBP has neither).
func SettingDifferences(a, b *Run) []string {
	var out []string
	if a.DatasetFingerprint != b.DatasetFingerprint {
		out = append(out, "data")
	}
	if a.Config.Preset != b.Config.Preset {
		out = append(out, fmt.Sprintf("preset %s -> %s", orDash(a.Config.Preset), orDash(b.Config.Preset)))
	}
	if a.Config.Protocol != b.Config.Protocol {
		out = append(out, fmt.Sprintf("protocol %s -> %s", protocolLine(a.Config.Protocol), protocolLine(b.Config.Protocol)))
	}
	if a.Env.TrainingCode != "" && b.Env.TrainingCode != "" && !SameTrainingCode(a.Env.TrainingCode, b.Env.TrainingCode) {
		out = append(out, fmt.Sprintf("training code %s -> %s", a.Env.TrainingCode, b.Env.TrainingCode))
	}
	bothOneBP := a.Strategy() == model.OneBP && b.Strategy() == model.OneBP
	for _, d := range model.Differences(a.Config.Config, b.Config.Config) {
		switch {
		case d.Name == "seed" || d.Name == "strategy":
		case !bothOneBP && !(model.Config{Strategy: model.TwoBP}).Applies(d.Name):
		default:
			out = append(out, d.String())
		}
	}
	return out
}

func protocolLine(p Protocol) string {
	return fmt.Sprintf("{eval every %d, validation %g, select %s, patience %d}", p.EvalEvery, p.Validation, orDash(string(p.Select)), p.Patience)
}

// CheckCells refuses runs that would mix settings in one cell, naming two
// runs and what differs between them.
func CheckCells(runs []*Run) error {
	names, groups := byDataset(runs)
	for _, name := range names {
		group := groups[name]
		for _, r := range group[1:] {
			if d := SettingDifferences(group[0], r); len(d) > 0 {
				return &MixedError{Dataset: name, A: runName(group[0]), B: runName(r), Differences: d}
			}
		}
	}
	return nil
}

// A MixedError is two runs of one dataset whose settings differ, so that a
// report would average or compare them as one.
type MixedError struct {
	Dataset     string
	A, B        string // the runs, as "onebp seed 2022"
	Differences []string
}

func (e *MixedError) Error() string {
	return fmt.Sprintf("%s: %s and %s differ in %s, so one report cannot aggregate them",
		e.Dataset, e.A, e.B, strings.Join(e.Differences, ", "))
}

func runName(r *Run) string { return fmt.Sprintf("%v seed %d", r.Strategy(), r.Config.Seed) }

// pairedSeeds are the seeds of group that both strategies ran, ascending.
func pairedSeeds(group []*Run) []uint64 {
	seeds := map[model.Strategy][]uint64{}
	for _, r := range group {
		seeds[r.Strategy()] = append(seeds[r.Strategy()], r.Config.Seed)
	}
	var both []uint64
	for _, s := range seeds[model.OneBP] {
		if slices.Contains(seeds[model.TwoBP], s) && !slices.Contains(both, s) {
			both = append(both, s)
		}
	}
	slices.Sort(both)
	return both
}

// paired splits group into the runs whose seed both strategies ran and
// the others. While a grid is under way, figures and comparisons take
// the paired runs only, so that OneBP's seeds are never set against
// other seeds of TwoBP. A group of one strategy only is all "paired":
// there is nothing to compare, and its figures stand alone.
func paired(group []*Run) (both, unpaired []*Run) {
	one, two := byStrategy(group)
	if len(one) == 0 || len(two) == 0 {
		return group, nil
	}
	seeds := pairedSeeds(group)
	for _, r := range group {
		if slices.Contains(seeds, r.Config.Seed) {
			both = append(both, r)
		} else {
			unpaired = append(unpaired, r)
		}
	}
	return both, unpaired
}

// legacyCodes maps the training codes records carried before codes were
// measured (hashes of the golden files) to the measured codes of the
// commits that wrote them: the trace of bench/identity.go, built into
// every commit that trained or resumed a committed record (b13e5dd,
// 5ae1a7b, 8d5551a, e2a1924, d9912d4), gave these codes there, with one
// worker and two (DESIGN.md, "Training code").
var legacyCodes = map[CodeID]CodeID{
	"326f2cb871f9": "9ea2adaf2a3c", // eager dense Adam: the MovieLens records
	"ef16146ff6bc": "81824dda569e", // lazy dense Adam: the Gowalla and Yelp2018 records
}

// SameTrainingCode says whether runs of training codes a and b were
// computed by code that computes alike.
func SameTrainingCode(a, b CodeID) bool {
	canon := func(c CodeID) CodeID {
		if m, ok := legacyCodes[c]; ok {
			return m
		}
		return c
	}
	return canon(a) == canon(b)
}

// byCell groups runs by dataset as byDataset does, keeping in each group
// the runs of seeds both strategies ran (paired) and setting the others
// apart.
func byCell(runs []*Run) (names []string, groups, unpaired map[string][]*Run) {
	names, all := byDataset(runs)
	groups, unpaired = map[string][]*Run{}, map[string][]*Run{}
	for _, name := range names {
		groups[name], unpaired[name] = paired(all[name])
	}
	return names, groups, unpaired
}

// incompleteNote says, when some runs await their partner, how many of the
// runs of the recorded seeds are there, else "".
func incompleteNote(runs []*Run) string {
	names, all := byDataset(runs)
	have, want := 0, 0
	for _, name := range names {
		seeds := map[uint64]bool{}
		for _, r := range all[name] {
			seeds[r.Config.Seed] = true
		}
		have, want = have+len(all[name]), want+2*len(seeds)
	}
	if have == want {
		return ""
	}
	return fmt.Sprintf("**Incomplete: %d of the %d runs of the recorded seeds are here** (a grid under way, or a part of it); every figure and comparison below takes only the seeds both strategies ran.\n", have, want)
}

// unpairedNote lists a dataset's runs left out for want of a partner.
func unpairedNote(runs []*Run) string {
	if len(runs) == 0 {
		return ""
	}
	var names []string
	for _, r := range runs {
		names = append(names, runName(r))
	}
	return fmt.Sprintf("Not yet paired, so left out of every figure: %s.  \n", strings.Join(names, ", "))
}
