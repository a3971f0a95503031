package results

import (
	"fmt"
	"strconv"
	"strings"

	"onebp/model"
)

// A Point is one point of a sweep: the swept hyper-parameters and their
// values, in the sweep's order, spelled as records spell them.
type Point []model.Field

// String reads "dim=256,beta=0.9" ("" for no point).
func (p Point) String() string {
	var parts []string
	for _, f := range p {
		parts = append(parts, f.Name+"="+f.Value)
	}
	return strings.Join(parts, ",")
}

// Without is the point as a run of strategy s has it: without the fields
// s does not read (TwoBP has no beta), so that TwoBP runs once per point
// of the other swept parameters.
func (p Point) Without(s model.Strategy) Point {
	var out Point
	for _, f := range p {
		if (model.Config{Strategy: s}).Applies(f.Name) {
			out = append(out, f)
		}
	}
	return out
}

// Get returns the value of the field called name, if the point has it.
func (p Point) Get(name string) (string, bool) {
	for _, f := range p {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// CellName names a report cell: the dataset, then the point if any.
func CellName(dataset string, p Point) string {
	if len(p) == 0 {
		return dataset
	}
	return dataset + " " + p.String()
}

// benchKeys are the point as benchmark name keys: "/dim=256/beta=0.9", so
// that benchstat's -col /dim projects them.
func (p Point) benchKeys() string {
	var b strings.Builder
	for _, f := range p {
		fmt.Fprintf(&b, "/%s=%s", f.Name, f.Value)
	}
	return b.String()
}

// ComparePoints orders points field by field, numerically where both
// values are numbers.
func ComparePoints(a, b Point) int {
	for i := range min(len(a), len(b)) {
		x, errX := strconv.ParseFloat(a[i].Value, 64)
		y, errY := strconv.ParseFloat(b[i].Value, 64)
		switch {
		case errX == nil && errY == nil && x != y:
			if x < y {
				return -1
			}
			return 1
		case errX != nil || errY != nil:
			if c := strings.Compare(a[i].Value, b[i].Value); c != 0 {
				return c
			}
		}
	}
	return len(a) - len(b)
}
