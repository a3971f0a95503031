package bench

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"onebp/model"
	"onebp/results"
)

// A Sweep is one hyper-parameter and the values a grid runs it at. Several
// sweeps make their product; each point is a job of the grid for each
// dataset, strategy and seed (TwoBP, which has no beta, once per point of
// the others).
type Sweep struct {
	Name   string   // a record name, one of SweepNames
	Values []string // as records spell them
}

// SweepNames are the hyper-parameters a sweep may vary: the numeric ones.
var SweepNames = []string{"dim", "beta", "negatives", "lr", "l2", "temperature", "batch"}

// ParseSweep reads "NAME=V1,V2,...", checking the name and every value
// (a value a run would refuse, such as dim=0 or beta=1.5, is refused
// here, before anything runs). Values are kept as given, in order.
func ParseSweep(s string) (Sweep, error) {
	name, list, ok := strings.Cut(s, "=")
	if !ok || list == "" {
		return Sweep{}, &OptionError{Option: "sweep", Value: strconv.Quote(s), Want: "NAME=V1,V2,... with NAME one of " + strings.Join(SweepNames, ", ")}
	}
	if !slices.Contains(SweepNames, name) {
		return Sweep{}, &OptionError{Option: "sweep", Value: strconv.Quote(name), Want: "one of " + strings.Join(SweepNames, ", ")}
	}
	sw := Sweep{Name: name}
	for _, v := range strings.Split(list, ",") {
		if err := model.CheckField(name, v); err != nil {
			return Sweep{}, fmt.Errorf("sweep %s: %w", name, err)
		}
		if slices.Contains(sw.Values, v) {
			return Sweep{}, &OptionError{Option: "sweep", Value: strconv.Quote(s), Want: fmt.Sprintf("each value once (%s=%s twice)", name, v)}
		}
		sw.Values = append(sw.Values, v)
	}
	return sw, nil
}

// checkSweeps refuses a name swept twice, or swept and also set.
func checkSweeps(sweeps []Sweep, set []model.Field) error {
	seen := map[string]bool{}
	for _, f := range set {
		seen[f.Name] = true
	}
	for _, sw := range sweeps {
		if seen[sw.Name] {
			return &OptionError{Option: "sweep", Value: strconv.Quote(sw.Name), Want: "a hyper-parameter swept once and not also set"}
		}
		seen[sw.Name] = true
	}
	return nil
}

// points is the product of sweeps, the first varying slowest; one empty
// point without sweeps.
func points(sweeps []Sweep) []results.Point {
	out := []results.Point{nil}
	for _, sw := range sweeps {
		var next []results.Point
		for _, p := range out {
			for _, v := range sw.Values {
				next = append(next, append(slices.Clone(p), model.Field{Name: sw.Name, Value: v}))
			}
		}
		out = next
	}
	return out
}

// dimFirst orders fields so that dim comes first: setting it restarts
// from the preset's values at that dim (Hyper.SetDim).
func dimFirst(fields []model.Field) []model.Field {
	out := slices.Clone(fields)
	slices.SortStableFunc(out, func(a, b model.Field) int {
		switch {
		case a.Name == "dim" && b.Name != "dim":
			return -1
		case b.Name == "dim" && a.Name != "dim":
			return 1
		}
		return 0
	})
	return out
}
