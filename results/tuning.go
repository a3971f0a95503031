package results

import (
	"fmt"
	"slices"

	"onebp/model"
)

// A tuning grid (`onebp tune`) searches each strategy's hyper-parameters
// on validation, then compares the strategies at the settings it chose.
// Its runs carry a Tuning and, as their Point, the searched parameters'
// values: a trial's are the ones it tried, a comparison run's the ones
// chosen for its strategy, which may differ between the strategies of one
// cell in exactly the searched parameters.

// Tuning marks a run of a tuning grid.
type Tuning struct {
	// Space is the strategy's search space and Sampler how its trials
	// were drawn from it, as the grid declared them.
	Space   string `json:"space"`
	Sampler string `json:"sampler"`
	// Trial numbers a trial from 1; 0 marks a run of the comparison at the
	// chosen setting.
	Trial int `json:"trial,omitempty"`
}

// IsTrial says whether r is a tuning trial: a run that takes part in a
// choice on validation, and in no report cell.
func (r *Run) IsTrial() bool { return r.Tuning != nil && r.Tuning.Trial > 0 }

// isTuned says whether r is a run of the comparison at tuned settings.
func (r *Run) isTuned() bool { return r.Tuning != nil && r.Tuning.Trial == 0 }

// TunedSuffix ends the name of the cell that compares the strategies at
// their tuned settings: "ml-1m tuned".
const TunedSuffix = " tuned"

// Cell names the report cell r belongs to: its dataset, then its sweep
// point if any ("gowalla dim=256"), or for a run at tuned settings the
// dataset and TunedSuffix; a trial's is its dataset and number
// ("ml-1m trial 3"), a cell of its own that no report shows as one.
func (r *Run) Cell() string {
	switch {
	case r.IsTrial():
		return fmt.Sprintf("%s trial %d", r.Dataset, r.Tuning.Trial)
	case r.isTuned():
		return r.Dataset + TunedSuffix
	}
	return CellName(r.Dataset, r.Point)
}

// Key names r in a results directory, which holds one run per key
// (RunKey).
func (r *Run) Key() string {
	return RunKey(r.Dataset, r.Point, r.Tuning, r.Strategy(), r.Config.Seed)
}

// tunedApart says whether runs a and b of one cell may differ in the
// hyper-parameter called name: they are runs at tuned settings of
// different strategies and name was searched for one of them, so that
// each strategy runs at its own choice.
func tunedApart(a, b *Run, name string) bool {
	if !a.isTuned() || !b.isTuned() || a.Strategy() == b.Strategy() {
		return false
	}
	_, inA := a.Point.Get(name)
	_, inB := b.Point.Get(name)
	return inA || inB
}

// Trials groups the trial runs by dataset, in first-seen order, each
// dataset's in trial order per strategy (OneBP's first).
func Trials(runs []*Run) (datasets []string, trials map[string][]*Run) {
	trials = map[string][]*Run{}
	for _, r := range runs {
		if !r.IsTrial() {
			continue
		}
		if _, ok := trials[r.Dataset]; !ok {
			datasets = append(datasets, r.Dataset)
		}
		trials[r.Dataset] = append(trials[r.Dataset], r)
	}
	for _, ts := range trials {
		slices.SortStableFunc(ts, func(a, b *Run) int {
			if c := StrategyOrder(a.Strategy()) - StrategyOrder(b.Strategy()); c != 0 {
				return c
			}
			return a.Tuning.Trial - b.Tuning.Trial
		})
	}
	return datasets, trials
}

// ValidationScore is the figure a tuning grid chooses trials by: the
// validation value, at the selected epoch, of the metric that selected
// it; false for a run without validation.
func (r *Run) ValidationScore() (float64, bool) {
	if r.Selected == nil {
		return 0, false
	}
	v, ok := r.Selected.Validation[r.Config.Select]
	return v, ok
}

// ChooseTrial returns the trial a tuning grid chooses among one
// strategy's trials: the best ValidationScore, the lowest trial number on
// ties; nil when none has a score. It reads validation figures only: the
// test set takes no part in the choice.
func ChooseTrial(trials []*Run) *Run {
	var best *Run
	bestScore := 0.0
	for _, r := range trials {
		v, ok := r.ValidationScore()
		if !ok {
			continue
		}
		if best == nil || v > bestScore || (v == bestScore && r.Tuning.Trial < best.Tuning.Trial) {
			best, bestScore = r, v
		}
	}
	return best
}

// CheckTuned refuses runs at tuned settings that are not at the setting
// the recorded trials of their dataset and strategy choose (ChooseTrial),
// or that have no trials to choose it: a directory holding one grid's
// runs beside another grid's trials, or trials added after the choice,
// would otherwise report a comparison at a setting its search does not
// pick.
func CheckTuned(runs []*Run) error {
	type group struct {
		dataset  string
		strategy model.Strategy
	}
	trials := map[group][]*Run{}
	for _, r := range runs {
		if r.IsTrial() {
			g := group{r.Dataset, r.Strategy()}
			trials[g] = append(trials[g], r)
		}
	}
	for _, r := range runs {
		if !r.isTuned() {
			continue
		}
		best := ChooseTrial(trials[group{r.Dataset, r.Strategy()}])
		switch {
		case best == nil:
			return fmt.Errorf("%s: %s is a run at tuned settings, but no %v trial on %s is recorded to choose them", r.Cell(), RunName(r), r.Strategy(), r.Dataset)
		case best.Point.String() != r.Point.String() || best.Tuning.Space != r.Tuning.Space || best.Tuning.Sampler != r.Tuning.Sampler:
			return fmt.Errorf("%s: %s is at %v (space %s, %s), but the best recorded %v trial on validation is trial %d at %v (space %s, %s)",
				r.Cell(), RunName(r), r.Point, r.Tuning.Space, r.Tuning.Sampler, r.Strategy(), best.Tuning.Trial, best.Point, best.Tuning.Space, best.Tuning.Sampler)
		}
	}
	return nil
}
