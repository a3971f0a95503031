package model

import "onebp/model/f32"

// adamState is Adam's memory for one table: the two moments and a dense
// gradient table, as torch.optim.Adam keeps for an nn.Embedding. Between
// batches the gradient table is all zeros; stamp[r] marks the rows that the
// current batch gave a gradient, which are zeroed again after the step.
type adamState struct {
	m, v, grad Table
	stamp      []uint32
	// last[r] is the step through which row r is current when dense Adam
	// runs lazily (nil otherwise): rows a batch skips fall behind and catch
	// up (skipPlan) when next read.
	last []uint32
}

func newAdamState(t Table) *adamState {
	return &adamState{
		m:     NewTable(t.Rows, t.Dim),
		v:     NewTable(t.Rows, t.Dim),
		grad:  NewTable(t.Rows, t.Dim),
		stamp: make([]uint32, t.Rows),
	}
}

func (a *adamState) bytes() (moments, gradients int64) {
	return a.m.Bytes() + a.v.Bytes(), a.grad.Bytes() + int64(len(a.stamp)+len(a.last))*4
}

// catchUp brings row r, current through step a.last[r], to step now.
func (a *adamState) catchUp(t Table, r int, now uint32, plans *skipPlans) {
	if last := a.last[r]; last < now {
		plans.get(last, now-last).catchUp(t.Row(r), a.m.Row(r), a.v.Row(r))
		a.last[r] = now
	}
}

// accumulateRows adds coef[j] times row rows[j] of t to the gradient of
// row r, for each j in order.
func (a *adamState) accumulateRows(r int32, coef []float32, t Table, rows []int32, stamp uint32) {
	a.stamp[r] = stamp
	f32.AxpyRows(coef, t.Data, rows, a.grad.Row(int(r)))
}

// scatter adds coef[j]*x to the gradient of row rows[j], for each j in
// order.
func (a *adamState) scatter(rows []int32, coef, x []float32, stamp uint32) {
	for _, r := range rows {
		a.stamp[r] = stamp
	}
	f32.ScatterAxpy(coef, x, a.grad.Data, rows)
}

// step applies one Adam step to rows [lo, hi) of t, then zeroes the
// gradient rows it used. Dense: every row, in one call over contiguous
// memory, rows without a gradient having gradient zero (their moments decay
// and weight decay applies), exactly as PyTorch's dense Adam. Sparse: only
// the rows with a gradient. It returns the index in t.Data of the first
// updated value that is not finite, or -1.
func (a *adamState) step(t Table, s *f32.AdamStep, dense bool, stamp uint32, lo, hi int) int {
	dim := t.Dim
	ok := true
	if dense {
		span := func(x Table) []float32 { return x.Data[lo*dim : hi*dim] }
		ok = f32.Adam(span(t), span(a.grad), span(a.m), span(a.v), s)
	}
	for r := lo; r < hi; r++ {
		if a.stamp[r] == stamp {
			g := a.grad.Row(r)
			if !dense {
				ok = f32.Adam(t.Row(r), g, a.m.Row(r), a.v.Row(r), s) && ok
				if a.last != nil {
					a.last[r] = stamp // the step just taken
				}
			}
			clear(g)
		}
	}
	if ok {
		return -1
	}
	return lo*dim + f32.FirstNonFinite(t.Data[lo*dim:hi*dim])
}
