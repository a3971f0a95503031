package results

import (
	"fmt"
	"io"
	"strconv"
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

// Diff compares two records. Quality metrics (units declared assume=exact
// on either side) are compared exactly and every changed, added or removed
// cell is listed; timings are shown as new/old ratios, with a note that
// they are noisy. It reports whether any quality metric changed.
func Diff(w io.Writer, oldRec, newRec *Record) (qualityChanged bool, err error) {
	exactUnit := func(u string) bool { return oldRec.Exact[u] || newRec.Exact[u] }
	oldCells, oldOrder := oldRec.cells()
	newCells, newOrder := newRec.cells()
	order := append([]cell(nil), newOrder...)
	for _, c := range oldOrder {
		if _, ok := newCells[c]; !ok {
			order = append(order, c)
		}
	}
	var quality, timing [][]string
	for _, c := range order {
		o, inOld := oldCells[c]
		n, inNew := newCells[c]
		switch {
		case exactUnit(c.unit) && inOld && inNew && o != n:
			quality = append(quality, []string{c.name, c.unit, exact(o), exact(n), fmt.Sprintf("%+.6g", n-o)})
		case exactUnit(c.unit) && inOld != inNew:
			os, ns := "-", "-"
			if inOld {
				os = exact(o)
			}
			if inNew {
				ns = exact(n)
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
			return len(quality) > 0, err
		}
	}
	return len(quality) > 0, nil
}
