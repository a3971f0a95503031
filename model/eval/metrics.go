// Package eval ranks all items for every test user and computes SPEC
// section 3's metrics exactly: Precision, Recall, F1 and NDCG at several K,
// with training items excluded and ties broken by the lower item id.
package eval

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// DefaultKs are the cut-offs SPEC section 3 reports.
var DefaultKs = []int{5, 10, 20}

// The four metrics, in the order they are stored and reported.
var metricNames = [...]string{"precision", "recall", "f1", "ndcg"}

// MetricName is a metric's machine name, e.g. "recall_at_20".
func MetricName(metric string, k int) string { return fmt.Sprintf("%s_at_%d", metric, k) }

// Metrics are mean metrics over the test users: Values[m*len(Ks)+k] is
// metric m (precision, recall, f1, ndcg) at Ks[k].
type Metrics struct {
	Ks     []int
	Values []float64
}

// Names lists the metric names in Values' order: precision_at_5, ...,
// precision_at_20, recall_at_5, ..., ndcg_at_20.
func (m Metrics) Names() []string {
	var names []string
	for _, metric := range metricNames {
		for _, k := range m.Ks {
			names = append(names, MetricName(metric, k))
		}
	}
	return names
}

// Get returns the metric called name, and whether there is one.
func (m Metrics) Get(name string) (float64, bool) {
	i := slices.Index(m.Names(), name)
	if i < 0 {
		return 0, false
	}
	return m.Values[i], true
}

// SortNames puts metric names in Names' order: by metric (precision,
// recall, f1, ndcg), then by K.
func SortNames(names []string) {
	key := func(name string) (int, int) {
		metric, k, _ := strings.Cut(name, "_at_")
		kk, _ := strconv.Atoi(k)
		return slices.Index(metricNames[:], metric), kk
	}
	slices.SortFunc(names, func(a, b string) int {
		am, ak := key(a)
		bm, bk := key(b)
		if am != bm {
			return am - bm
		}
		return ak - bk
	})
}
