// Package eval ranks all items for every test user and computes the
// metrics of DESIGN.md ("Evaluation") exactly: Precision, Recall, F1 and
// NDCG at several K, with training items excluded and ties broken by the
// lower item id.
package eval

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// DefaultKs are the cut-offs DESIGN.md reports.
var DefaultKs = []int{5, 10, 20}

// The four metrics, in the order they are stored and reported.
var metricKinds = [...]string{"precision", "recall", "f1", "ndcg"}

// A Metric names one metric at one cut-off, as records and reports spell
// it: "recall_at_20".
type Metric string

// At names metric kind ("precision", "recall", "f1" or "ndcg") at cut-off k.
func At(kind string, k int) Metric { return Metric(fmt.Sprintf("%s_at_%d", kind, k)) }

// The metrics at 20 that headlines, plots and progress lines show.
var (
	PrecisionAt20 = At("precision", 20)
	RecallAt20    = At("recall", 20)
	NDCGAt20      = At("ndcg", 20)
)

// Metrics are mean metrics over the test users: Values[m*len(Ks)+k] is
// metric m (precision, recall, f1, ndcg) at Ks[k].
type Metrics struct {
	Ks     []int
	Values []float64
}

// Names lists the metrics in Values' order: precision_at_5, ...,
// precision_at_20, recall_at_5, ..., ndcg_at_20.
func (m Metrics) Names() []Metric {
	var names []Metric
	for _, kind := range metricKinds {
		for _, k := range m.Ks {
			names = append(names, At(kind, k))
		}
	}
	return names
}

// Get returns the metric called name, and whether there is one.
func (m Metrics) Get(name Metric) (float64, bool) {
	i := slices.Index(m.Names(), name)
	if i < 0 {
		return 0, false
	}
	return m.Values[i], true
}

// SortNames puts metric names in Names' order: by kind (precision,
// recall, f1, ndcg), then by K.
func SortNames(names []Metric) {
	key := func(name Metric) (int, int) {
		kind, k, _ := strings.Cut(string(name), "_at_")
		kk, _ := strconv.Atoi(k)
		return slices.Index(metricKinds[:], kind), kk
	}
	slices.SortFunc(names, func(a, b Metric) int {
		am, ak := key(a)
		bm, bk := key(b)
		if am != bm {
			return am - bm
		}
		return ak - bk
	})
}
