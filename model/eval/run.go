package eval

// Best is a metric's best value over a run and the first epoch reaching it.
type Best struct {
	Value float64
	Epoch int
}

// Run collects a training run's evaluations for the two reporting
// modes of DESIGN.md: final (the last evaluation, no selection) and
// best-on-test (each metric's maximum over the evaluated epochs, with its
// epoch; it selects on the test set and exists to compare with the
// authors, whose code reports it).
type Run struct {
	Ks      []int
	Epochs  []int       // the evaluated epochs, in order
	History [][]float64 // History[e] is the Values of evaluation e
	Best    []Best      // by metric, in Metrics.Names order
}

// Add records the evaluation after epoch.
func (r *Run) Add(epoch int, m Metrics) {
	if r.Best == nil {
		r.Ks = m.Ks
		r.Best = make([]Best, len(m.Values))
		for i := range r.Best {
			r.Best[i] = Best{Value: -1, Epoch: -1}
		}
	}
	r.Epochs = append(r.Epochs, epoch)
	r.History = append(r.History, append([]float64(nil), m.Values...))
	for i, v := range m.Values {
		if v > r.Best[i].Value {
			r.Best[i] = Best{Value: v, Epoch: epoch}
		}
	}
}

// Final returns the last evaluation and its epoch; ok is false before any.
func (r *Run) Final() (m Metrics, epoch int, ok bool) {
	if len(r.History) == 0 {
		return Metrics{}, 0, false
	}
	last := len(r.History) - 1
	return Metrics{Ks: r.Ks, Values: r.History[last]}, r.Epochs[last], true
}

// Names lists the metric names, in Values' order.
func (r *Run) Names() []Metric { return Metrics{Ks: r.Ks}.Names() }
