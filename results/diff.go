package results

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

type cell struct{ name, unit string }

// cells indexes a record's values by benchmark name and unit, keeping the
// order of first appearance.
func (r *Record) cells() (map[cell]float64, []cell) {
	m := map[cell]float64{}
	var order []cell
	for _, res := range r.Results {
		for _, v := range res.Values {
			c := cell{res.Name, v.Unit}
			if _, dup := m[c]; !dup {
				order = append(order, c)
			}
			m[c] = v.Value
		}
	}
	return m, order
}

// environmentKeys are the configuration lines that say where a run ran,
// not what it computed: they may differ between comparable result sets.
var environmentKeys = map[string]bool{"commit": true, "go": true, "goos": true, "goarch": true, "cpu": true, "kernels": true, "workers": true}

// subject is what a benchmark name is about, the part before "/strategy=":
// "BenchmarkQuality/dataset=ml-100k".
func subject(name string) string {
	if i := strings.Index(name, "/strategy="); i >= 0 {
		return name[:i]
	}
	return name
}

// runOf is the run a benchmark name reports on, without the kind of
// benchmark and the protocol: "dataset=ml-100k/strategy=onebp".
func runOf(name string) string {
	_, rest, ok := strings.Cut(name, "/")
	if !ok {
		return name
	}
	rest, _, _ = strings.Cut(rest, "/protocol=")
	return rest
}

// configDifferences lists, one line per run and key, the configuration
// values (other than the environment's) that differ between the results of
// the same benchmark on both sides.
func configDifferences(oldRec, newRec *Record) []string {
	newConfig := map[string]map[string]string{}
	for _, r := range newRec.Results {
		newConfig[r.Name] = r.Config
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range oldRec.Results {
		cur, ok := newConfig[r.Name]
		if !ok {
			continue
		}
		keys := slices.Sorted(maps.Keys(r.Config))
		for k := range cur {
			if _, ok := r.Config[k]; !ok {
				keys = append(keys, k)
			}
		}
		for _, k := range keys {
			if environmentKeys[k] || r.Config[k] == cur[k] {
				continue
			}
			line := fmt.Sprintf("%s: %s %q -> %q", runOf(r.Name), k, r.Config[k], cur[k])
			if !seen[line] {
				seen[line] = true
				out = append(out, line)
			}
		}
	}
	return out
}

// Diff compares two records. First the configurations: a benchmark present
// on both sides with other data or hyper-parameters is listed, one line per
// difference, and counts as a change. Then quality metrics (units declared
// assume=exact on either side), compared exactly: every changed cell is
// listed, and a subject (a dataset's benchmark) found on one side only in
// one line. Timings are shown as new/old ratios, with a note that they are
// noisy. It reports whether the configurations or any quality metric
// differ.
func Diff(w io.Writer, oldRec, newRec *Record) (changed bool, err error) {
	configs := configDifferences(oldRec, newRec)
	if len(configs) > 0 {
		fmt.Fprintf(w, "configuration: %d differences; the metrics below compare different setups\n", len(configs))
		for _, line := range configs {
			fmt.Fprintln(w, "  "+line)
		}
	}
	exactUnit := func(u string) bool { return oldRec.Exact[u] || newRec.Exact[u] }
	oldCells, oldOrder := oldRec.cells()
	newCells, newOrder := newRec.cells()
	order := append([]cell(nil), newOrder...)
	for _, c := range oldOrder {
		if _, ok := newCells[c]; !ok {
			order = append(order, c)
		}
	}
	subjects := func(cells map[cell]float64) map[string]bool {
		m := map[string]bool{}
		for c := range cells {
			m[subject(c.name)] = true
		}
		return m
	}
	oldSubjects, newSubjects := subjects(oldCells), subjects(newCells)
	var quality, timing [][]string
	var oneSided []string
	for _, c := range order {
		o, inOld := oldCells[c]
		n, inNew := newCells[c]
		sub := subject(c.name)
		switch {
		case !oldSubjects[sub] || !newSubjects[sub]:
			if exactUnit(c.unit) && !slices.Contains(oneSided, sub) {
				oneSided = append(oneSided, sub)
			}
		case exactUnit(c.unit) && inOld && inNew && o != n:
			quality = append(quality, []string{c.name, c.unit, Exact(o), Exact(n), fmt.Sprintf("%+.6g", n-o)})
		case exactUnit(c.unit) && inOld != inNew:
			os, ns := "-", "-"
			if inOld {
				os = Exact(o)
			}
			if inNew {
				ns = Exact(n)
			}
			quality = append(quality, []string{c.name, c.unit, os, ns, "only on one side"})
		case !exactUnit(c.unit) && inOld && inNew:
			ratio := "-"
			if o != 0 {
				ratio = strconv.FormatFloat(n/o, 'f', 3, 64) + "x"
			}
			timing = append(timing, []string{c.name, c.unit, fmt.Sprintf("%.4g", o), fmt.Sprintf("%.4g", n), ratio})
		}
	}
	for _, sub := range oneSided {
		side := "old"
		if newSubjects[sub] {
			side = "new"
		}
		fmt.Fprintf(w, "only in %s: %s\n", side, strings.TrimPrefix(sub, "Benchmark"))
	}
	if len(quality) == 0 {
		fmt.Fprintln(w, "quality: no metric changed (compared exactly)")
	} else {
		fmt.Fprintf(w, "quality: %d metric values changed (compared exactly)\n", len(quality))
		if err := WriteTable(w, false, []string{"benchmark", "metric", "old", "new", "delta"}, quality); err != nil {
			return true, err
		}
	}
	if len(timing) > 0 {
		fmt.Fprintln(w, "\ntimings and memory (noisy: ratios new/old of single runs; use benchstat on repeated runs to judge)")
		if err := WriteTable(w, false, []string{"benchmark", "unit", "old", "new", "new/old"}, timing); err != nil {
			return true, err
		}
	}
	return len(configs) > 0 || len(quality) > 0 || len(oneSided) > 0, nil
}
