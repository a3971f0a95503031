package bench

import (
	"fmt"
	"slices"
	"strconv"

	"onebp/data"
	"onebp/model"
	"onebp/results"
)

// A Tuning makes a suite a tuning grid (`onebp tune`): for each dataset,
// the same number of trials per strategy, each a validated run with the
// preset's seed minus one at a point drawn from the strategy's space;
// then, once a dataset's trials are all recorded, the suite's seeds at
// each strategy's chosen trial (results.ChooseTrial, which reads
// validation figures only), beside the same seeds at the preset's
// setting. The comparison runs never took part in the choice: their seeds
// are not the trials'.
type Tuning struct {
	Spaces  map[model.Strategy]Space
	Sampler Sampler
	Trials  int // per dataset and strategy
}

// DefaultSpaces are the spaces `onebp tune` searches unless told
// otherwise, the same number of parameters for each strategy: the
// learning rate, and the one parameter that most shapes each strategy's
// fit (OneBP's moving-aggregation beta; TwoBP's L2 penalty, too little of
// which lets it overfit at the authors' setting). The reasons are in
// DESIGN.md, "Tuning".
var DefaultSpaces = map[model.Strategy]string{
	model.OneBP: "lr=1e-4:1e-2:log,beta=0.9|0.97|0.99|0.997|0.999",
	model.TwoBP: "lr=1e-4:1e-2:log,l2=1e-7:1e-3:log",
}

// trialSeedBack is how far below the preset's seed the trials' seed is,
// so that no seed of the comparison was a trial's.
const trialSeedBack = 1

// check refuses a tuning grid that would not be fair or could not run:
// a strategy without a space, spaces of different sizes, a budget below
// one, a preset without validation, a parameter both searched and set,
// or sweeps.
func (t *Tuning) check(opts SuiteOptions) error {
	if t.Trials < 1 {
		return &OptionError{Option: "trials", Value: strconv.Itoa(t.Trials), Want: "at least 1"}
	}
	if opts.Preset != PresetValidated {
		return &OptionError{Option: "preset", Value: strconv.Quote(string(opts.Preset)), Want: fmt.Sprintf("%s: trials are chosen on a validation split", PresetValidated)}
	}
	if len(opts.Sweeps) > 0 {
		return &OptionError{Option: "sweep", Value: opts.Sweeps[0].Name, Want: "no sweep in a tuning grid: search it instead"}
	}
	one, two := t.Spaces[model.OneBP], t.Spaces[model.TwoBP]
	for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
		if len(t.Spaces[s]) == 0 {
			return &OptionError{Option: "space-" + s.String(), Value: `""`, Want: "a space to search"}
		}
	}
	if len(one) != len(two) {
		return &OptionError{Option: "space-" + model.TwoBP.String(), Value: strconv.Quote(two.String()),
			Want: fmt.Sprintf("as many parameters as %v's space searches (%d: %s), so that both strategies get the same search", model.OneBP, len(one), one)}
	}
	for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
		for _, p := range t.Spaces[s] {
			if slices.ContainsFunc(opts.Set, func(f model.Field) bool { return f.Name == p.Name }) {
				return &OptionError{Option: "space-" + s.String(), Value: strconv.Quote(t.Spaces[s].String()),
					Want: fmt.Sprintf("no hyper-parameter that is also set for every job (%s is)", p.Name)}
			}
		}
		if _, err := t.Spaces[s].Trials(t.Trials, t.Sampler, 0, s); err != nil {
			return &OptionError{Option: "trials", Value: strconv.Itoa(t.Trials), Want: err.Error()}
		}
	}
	return nil
}

// planTuning is a dataset's tuning jobs: the trials of both strategies,
// and the runs at tuned settings, waiting (their setting unknown until
// resolveTuned finds their trials recorded).
func planTuning(opts SuiteOptions, spec data.Spec, d, trainData *data.Dataset, base map[model.Strategy]Hyper) (trials, tuned []job, err error) {
	t := opts.Tuning
	for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
		h0 := base[s]
		if h0.Protocol.Validation == 0 {
			return nil, nil, fmt.Errorf("%s: the %s preset holds out no validation split to choose trials on", spec, opts.Preset)
		}
		space := t.Spaces[s]
		points, err := space.Trials(t.Trials, t.Sampler, h0.Config.Seed, s)
		if err != nil {
			return nil, nil, err
		}
		for i, p := range points {
			h := h0
			for _, f := range dimFirst(p) {
				if err := h.Set(f); err != nil {
					return nil, nil, err
				}
			}
			if h.Protocol != h0.Protocol {
				return nil, nil, fmt.Errorf("%s: trial %d (%v) of %v would change the validated schedule; search dim in a sweep instead", spec, i+1, p, s)
			}
			tr := &results.Tuning{Space: space.String(), Sampler: string(t.Sampler), Trial: i + 1}
			j, err := newJob(opts, spec, d, trainData, h, s, h0.Config.Seed-trialSeedBack, p, tr)
			if err != nil {
				return nil, nil, fmt.Errorf("%s trial %d of %v: %w", spec, i+1, s, err)
			}
			trials = append(trials, j)
		}
	}
	for k := range max(opts.Seeds, 1) {
		for _, s := range seedOrder(k) {
			h := base[s]
			tr := &results.Tuning{Space: t.Spaces[s].String(), Sampler: string(t.Sampler)}
			j, err := newJob(opts, spec, d, trainData, h, s, h.Config.Seed+uint64(k), nil, tr)
			if err != nil {
				return nil, nil, err
			}
			j.waiting = true
			tuned = append(tuned, j)
		}
	}
	return trials, tuned, nil
}

// resolveTuned returns plan with each waiting run at tuned settings made
// runnable when all its dataset's trials of its strategy are recorded in
// byKey (as whyNotJob accepts them): it takes the chosen trial's setting
// and its own seed. The others stay waiting.
func resolveTuned(plan []job, byKey map[string]*results.Run, preset Preset) []job {
	type group struct {
		name     string
		strategy model.Strategy
	}
	trials := map[group][]job{}
	for _, j := range plan {
		if j.tuning != nil && j.tuning.Trial > 0 {
			g := group{j.name, j.strategy}
			trials[g] = append(trials[g], j)
		}
	}
	chosen := map[group]*job{}
	for g, js := range trials {
		var recorded []*results.Run
		for _, j := range js {
			if r := byKey[j.key]; r != nil && whyNotJob(r, j, preset) == "" {
				recorded = append(recorded, r)
			}
		}
		if len(recorded) < len(js) {
			continue
		}
		if best := results.ChooseTrial(recorded); best != nil {
			chosen[g] = &js[best.Tuning.Trial-1]
		}
	}
	out := slices.Clone(plan)
	for i, j := range out {
		c := chosen[group{j.name, j.strategy}]
		if !j.waiting || c == nil {
			continue
		}
		r := *c
		r.config.Seed, r.tuning, r.waiting = j.config.Seed, j.tuning, false
		r.key = results.RunKey(r.name, r.point, r.tuning, r.strategy, r.config.Seed)
		out[i] = r
	}
	return out
}
