package results

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"onebp/internal/texttable"
)

// A result's identity in a diff: its name and, for a name that occurs
// several times in a record (several seeds of one benchmark), which
// occurrence. The k-th occurrences on both sides are compared.
type resultKey struct {
	name string
	rep  int
}

func (k resultKey) String() string {
	if k.rep == 0 {
		return k.name
	}
	return fmt.Sprintf("%s #%d", k.name, k.rep+1)
}

// keys returns each result's key, in order.
func (r *Record) keys() []resultKey {
	seen := map[string]int{}
	keys := make([]resultKey, len(r.Results))
	for i, res := range r.Results {
		keys[i] = resultKey{res.Name, seen[res.Name]}
		seen[res.Name]++
	}
	return keys
}

type cell struct {
	resultKey
	unit string
}

// cells indexes a record's values by result and unit, keeping the order
// of first appearance.
func (r *Record) cells() (map[cell]float64, []cell) {
	m := map[cell]float64{}
	var order []cell
	for i, k := range r.keys() {
		for _, v := range r.Results[i].Values {
			c := cell{k, v.Unit}
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
var environmentKeys = func() map[string]bool {
	keys := map[string]bool{}
	for _, kv := range envLines(Env{}) {
		keys[kv[0]] = true
	}
	return keys
}()

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
	newConfig := map[resultKey]map[string]string{}
	for i, k := range newRec.keys() {
		newConfig[k] = newRec.Results[i].Config
	}
	seen := map[string]bool{}
	var out []string
	for i, k := range oldRec.keys() {
		old := oldRec.Results[i].Config
		cur, ok := newConfig[k]
		if !ok {
			continue
		}
		keys := slices.Sorted(maps.Keys(old))
		for key := range cur {
			if _, ok := old[key]; !ok {
				keys = append(keys, key)
			}
		}
		run := resultKey{runOf(k.name), k.rep}
		for _, key := range keys {
			if environmentKeys[key] || old[key] == cur[key] {
				continue
			}
			line := fmt.Sprintf("%v: %s %q -> %q", run, key, old[key], cur[key])
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
			quality = append(quality, []string{c.resultKey.String(), c.unit, Exact(o), Exact(n), fmt.Sprintf("%+.6g", n-o)})
		case exactUnit(c.unit) && inOld != inNew:
			os, ns := "-", "-"
			if inOld {
				os = Exact(o)
			}
			if inNew {
				ns = Exact(n)
			}
			quality = append(quality, []string{c.resultKey.String(), c.unit, os, ns, "only on one side"})
		case !exactUnit(c.unit) && inOld && inNew:
			ratio := "-"
			if o != 0 {
				ratio = strconv.FormatFloat(n/o, 'f', 3, 64) + "x"
			}
			timing = append(timing, []string{c.resultKey.String(), c.unit, fmt.Sprintf("%.4g", o), fmt.Sprintf("%.4g", n), ratio})
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
		if err := texttable.Write(w, false, []string{"benchmark", "metric", "old", "new", "delta"}, quality); err != nil {
			return true, err
		}
	}
	if len(timing) > 0 {
		fmt.Fprintln(w, "\ntimings and memory (noisy: ratios new/old of single runs; use benchstat on repeated runs to judge)")
		if err := texttable.Write(w, false, []string{"benchmark", "unit", "old", "new", "new/old"}, timing); err != nil {
			return true, err
		}
	}
	return len(configs) > 0 || len(quality) > 0 || len(oneSided) > 0, nil
}
