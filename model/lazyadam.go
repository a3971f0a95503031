package model

import (
	"math"

	"onebp/model/f32"
)

// Lazy execution of dense Adam (DESIGN.md, "Adam, executed lazily").
//
// With no weight decay, a row absent from a batch has gradient exactly 0,
// and dense Adam still moves it: m <- b1 m, v <- b2 v and
// w <- w - c(t) m / (sqrt(v)/sqrt(bc2(t)) + eps). Instead of applying
// those steps to every row at every step, a row is left behind and caught
// up when it is next needed: the k skipped steps after step L decay the
// moments by b1^k and b2^k, and move the weight by
//
//	m_L * sum_{j=1..k} c_j / (e_j s + eps),   s = sqrt(v_L),
//	c_j = lr b1^j / (1 - b1^(L+j)),           e_j = b2^(j/2) / sqrt(1 - b2^(L+j)).
//
// Expanding 1/(e_j s + eps) in powers of x_j = eps/(e_j s) gives
//
//	sum_n (-eps)^n s^-(n+1) A_n,   A_n = sum_j c_j e_j^-(n+1),
//
// per-row scalars (they depend on L and k only) times per-element powers of
// 1/s, evaluated by f32.CatchUp in float32 operations. skipTerms terms leave
// a relative error below x^skipTerms, at most 2^-30 when every
// x_j <= skipRatio; an element with a larger x_j (a tiny v) replays its
// steps one by one in float64 instead. Steps beyond skipHorizon add less
// than 2^-30 of the first one and are left out of the weight (never out of
// the moments).
//
// Up to directSteps skipped steps are instead summed one by one
// (f32.CatchUpSum): a few divisions per element, and no regime where the
// series fails, which at the paper's dimensions, where v is often near
// eps^2, is most elements.
const (
	directSteps = 32
	skipTerms   = len(f32.SkipSteps{}.Coef) // the series terms f32.CatchUp evaluates
	skipRatio   = 1.0 / 64                  // (1/64)^5 = 2^-30
	skipHorizon = 256                       // 31.7 * r^256 / (1-r) < 2^-30 for r = b1/sqrt(b2)
)

// A skipPlan holds the per-row scalars of catching up the steps L+1..L+k.
type skipPlan struct {
	last, k uint32 // L and k: the plan's key
	f32     f32.SkipSteps
	steps   int // min(k, skipHorizon)
	c, e    [skipHorizon]float64
	c32     [directSteps]float32 // c and e rounded, for f32.CatchUpSum
	e32     [directSteps]float32
	// The float64 replay's scratch: the gathered elements, their sqrt(v)
	// and their sums.
	idx     [64]int
	sq, sum [64]float64
}

// plan fills p for k >= 1 steps skipped after step last, with learning
// rate lr. The powers are taken by repeated squaring and products, so the
// plan is the same everywhere.
func (p *skipPlan) plan(lr float64, last, k uint32) {
	p.last, p.k = last, k
	p.steps = int(min(k, skipHorizon))
	var coef [skipTerms]float64
	b1L, b2L := f32.Pow(AdamBeta1, int(last)), f32.Pow(AdamBeta2, int(last))
	b1j, b2j := 1.0, 1.0
	for j := range p.steps {
		b1j *= AdamBeta1
		b2j *= AdamBeta2
		// Explicit conversions round every product, so that no build fuses
		// a multiply and an add (the Go spec allows it otherwise).
		c := lr * b1j / (1 - float64(b1L*b1j))
		e := math.Sqrt(b2j) / math.Sqrt(1-float64(b2L*b2j))
		p.c[j], p.e[j] = c, e
		if j < directSteps {
			p.c32[j], p.e32[j] = float32(c), float32(e)
		}
		inv := 1 / e
		pw := inv
		for n := range skipTerms {
			coef[n] += float64(c * pw)
			pw *= inv
		}
	}
	// The series applies where eps/(minE s) <= skipRatio, e_j decreasing.
	sMin := AdamEps / (p.e[p.steps-1] * skipRatio)
	p.f32 = f32.SkipSteps{
		NegEps: -AdamEps,
		Decay1: float32(f32.Pow(AdamBeta1, int(k))), Decay2: float32(f32.Pow(AdamBeta2, int(k))),
		VMin: math.Nextafter32(float32(sMin*sMin), float32(math.Inf(1))),
	}
	for n, c := range coef {
		p.f32.Coef[n] = float32(c)
	}
}

// catchUp applies plan p's skipped steps to one row's weights w and
// moments m, v: up to directSteps of them summed one by one in float32
// (f32.CatchUpSum); more, elements whose v is below the series' reach
// replay their steps in float64,
//
//	s := sqrt(float64(v[i]))
//	w[i] = float32(float64(w[i]) - float64(m[i]) * sum_j p.c[j] / (p.e[j]*s + eps))
//
// then f32.CatchUp moves the others by the series and decays every
// element's moments.
func (p *skipPlan) catchUp(w, m, v []float32) {
	if p.steps <= directSteps {
		f32.CatchUpSum(w, m, v, p.c32[:p.steps], p.e32[:p.steps], AdamEps, p.f32.Decay1, p.f32.Decay2)
		return
	}
	m, v = m[:len(w)], v[:len(w)]
	// The elements to replay, gathered a chunk at a time so that their
	// sums run side by side (f32.SumSteps); late in training they are
	// many. The scratch is the plan's: each worker has its own plans.
	n := 0
	for i, vi := range v {
		if vi < p.f32.VMin && m[i] != 0 {
			p.idx[n], p.sq[n] = i, math.Sqrt(float64(vi))
			if n++; n == len(p.idx) {
				p.replay(w, m, n)
				n = 0
			}
		}
	}
	p.replay(w, m, n)
	f32.CatchUp(w, m, v, &p.f32)
}

// replay moves the n gathered elements of w by their float64 sums.
func (p *skipPlan) replay(w, m []float32, n int) {
	if n == 0 {
		return
	}
	f32.SumSteps(p.sq[:n], p.c[:p.steps], p.e[:p.steps], AdamEps, p.sum[:n])
	for k, i := range p.idx[:n] {
		w[i] = float32(float64(w[i]) - float64(float64(m[i])*p.sum[k]))
	}
}

// skipPlans is a small cache of plans keyed by (last, k): the rows of a
// batch were last touched at a few recent steps.
type skipPlans struct {
	lr    float64
	plans [16]skipPlan
}

// get returns the plan of k steps skipped after step last.
func (c *skipPlans) get(last, k uint32) *skipPlan {
	p := &c.plans[last%uint32(len(c.plans))]
	if p.k != k || p.last != last {
		p.plan(c.lr, last, k)
	}
	return p
}
