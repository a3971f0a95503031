package report

import (
	"fmt"
	"slices"
	"strings"

	"onebp/model"
	"onebp/results"
)

// pairedSeeds are the seeds of group that both strategies ran, ascending.
func pairedSeeds(group []*results.Run) []uint64 {
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
func paired(group []*results.Run) (both, unpaired []*results.Run) {
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

// byCell groups runs by dataset as byDataset does, keeping in each group
// the runs of seeds both strategies ran (paired) and setting the others
// apart.
func byCell(runs []*results.Run) (names []string, groups, unpaired map[string][]*results.Run) {
	names, all := results.Cells(runs)
	groups, unpaired = map[string][]*results.Run{}, map[string][]*results.Run{}
	for _, name := range names {
		groups[name], unpaired[name] = paired(all[name])
	}
	return names, groups, unpaired
}

// incompleteNote says, when some runs await their partner, how many of the
// runs of the recorded seeds are there, else "".
func incompleteNote(runs []*results.Run) string {
	names, all := results.Cells(runs)
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
func unpairedNote(runs []*results.Run) string {
	if len(runs) == 0 {
		return ""
	}
	var names []string
	for _, r := range runs {
		names = append(names, results.RunName(r))
	}
	return fmt.Sprintf("Not yet paired, so left out of every figure: %s.  \n", strings.Join(names, ", "))
}
