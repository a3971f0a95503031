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
// aggregation count between two OneBP runs only: TwoBP has neither; at
// tuned settings the parameters searched count between runs of one
// strategy only).
func SettingDifferences(a, b *Run) []string {
	var out []string
	if a.DatasetFingerprint != b.DatasetFingerprint {
		out = append(out, "data")
	}
	if a.Config.Preset != b.Config.Preset {
		out = append(out, fmt.Sprintf("preset %s -> %s", dash(a.Config.Preset), dash(b.Config.Preset)))
	}
	if a.Config.Protocol != b.Config.Protocol {
		out = append(out, fmt.Sprintf("protocol %s -> %s", protocolLine(a.Config.Protocol), protocolLine(b.Config.Protocol)))
	}
	if a.Env.TrainingCode != "" && b.Env.TrainingCode != "" && sameAdamPath(a, b) && !SameTrainingCode(a.Env.TrainingCode, b.Env.TrainingCode) {
		out = append(out, fmt.Sprintf("training code %s -> %s", a.Env.TrainingCode, b.Env.TrainingCode))
	}
	bothOneBP := a.Strategy() == model.OneBP && b.Strategy() == model.OneBP
	for _, d := range model.Differences(a.Config.Config, b.Config.Config) {
		switch {
		case d.Name == "seed" || d.Name == "strategy":
		case !bothOneBP && !(model.Config{Strategy: model.TwoBP}).Applies(d.Name):
		case tunedApart(a, b, d.Name):
		default:
			out = append(out, d.String())
		}
	}
	return out
}

// sameAdamPath says whether runs a and b take one execution path through
// Adam (model.Execution). Each path has its own training code
// (DESIGN.md, "Training code"), so codes compare along one path only.
// Runs on two paths differ in the optimizer or in whether L2 is zero,
// which their configurations' differences name, except between the
// strategies of a tuned cell whose search moved L2 off zero for one of
// them.
func sameAdamPath(a, b *Run) bool { return a.Config.Execution() == b.Config.Execution() }

func protocolLine(p Protocol) string {
	return fmt.Sprintf("{eval every %d, validation %g, select %s, patience %d}", p.EvalEvery, p.Validation, dash(string(p.Select)), p.Patience)
}

// CheckCells refuses runs that would mix settings in one cell, naming two
// runs and what differs between them.
func CheckCells(runs []*Run) error {
	names, groups := Cells(runs)
	for _, name := range names {
		group := groups[name]
		for _, r := range group[1:] {
			// The first run on r's Adam path too (unless it is group[0]),
			// whose training code r's must equal.
			onPath := group[slices.IndexFunc(group, func(q *Run) bool { return sameAdamPath(q, r) })]
			for _, first := range slices.Compact([]*Run{group[0], onPath}) {
				if d := SettingDifferences(first, r); len(d) > 0 {
					return &MixedError{Dataset: name, A: RunName(first), B: RunName(r), Differences: d}
				}
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

// RunName names a run within its cell: "onebp seed 2022".
func RunName(r *Run) string { return fmt.Sprintf("%v seed %d", r.Strategy(), r.Config.Seed) }

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

// dash is s, or "-" for an empty one.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
