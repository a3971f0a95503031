package f32

// SkipSteps holds the float32 constants of catching up k skipped
// zero-gradient Adam steps (lazy dense Adam, DESIGN.md "Adam, executed
// lazily"): the series coefficients A_0..A_4 of the weight's move, -eps,
// the moments' decays b1^k and b2^k, and VMin, below which the series
// converges too slowly and the caller replays the element's steps itself.
type SkipSteps struct {
	Coef           [5]float32
	NegEps         float32
	Decay1, Decay2 float32
	VMin           float32
}

// CatchUp applies skipped steps to weights w and moments m, v:
//
//	for i := range w {
//		if v[i] >= s.VMin {
//			u := 1 / float32(math.Sqrt(float64(v[i])))
//			x := float32(s.NegEps * u)
//			acc := s.Coef[4]
//			for n := 3; n >= 0; n-- {
//				acc = s.Coef[n] + float32(x*acc)
//			}
//			w[i] -= float32(m[i] * float32(acc*u))
//		}
//		m[i] = float32(m[i] * s.Decay1)
//		v[i] = float32(v[i] * s.Decay2)
//	}
//
// Every operation is one IEEE float32 operation, rounded, in this order, so
// every implementation gives the same bits.
func CatchUp(w, m, v []float32, s *SkipSteps) {
	if len(m) != len(w) || len(v) != len(w) {
		panic(errLength)
	}
	active.catchUp(w, m, v, s)
}

func catchUpPortable(w, m, v []float32, s *SkipSteps) {
	m, v = m[:len(w)], v[:len(w)]
	c0, c1, c2, c3, c4 := s.Coef[0], s.Coef[1], s.Coef[2], s.Coef[3], s.Coef[4]
	negEps, d1, d2, vMin := s.NegEps, s.Decay1, s.Decay2, s.VMin
	for i := range w {
		vi, mi := v[i], m[i]
		if vi >= vMin {
			u := 1 / sqrt32(vi)
			x := float32(negEps * u)
			acc := c3 + float32(x*c4)
			acc = c2 + float32(x*acc)
			acc = c1 + float32(x*acc)
			acc = c0 + float32(x*acc)
			w[i] -= float32(mi * float32(acc*u))
		}
		m[i] = float32(mi * d1)
		v[i] = float32(vi * d2)
	}
}

// CatchUpSum applies skipped steps to weights w and moments m, v by
// summing the steps' moves, with c[j] and e[j] the step size and the
// denominator's factor of the j-th skipped step:
//
//	for i := range w {
//		s := float32(math.Sqrt(float64(v[i])))
//		var sum float32
//		for j := range c {
//			sum += c[j] / (float32(e[j]*s) + eps)
//		}
//		w[i] -= float32(m[i] * sum)
//		m[i] = float32(m[i] * decay1)
//		v[i] = float32(v[i] * decay2)
//	}
//
// It is exact in form (no series) and costs len(c) divisions per element,
// so it serves a few skipped steps.
func CatchUpSum(w, m, v, c, e []float32, eps, decay1, decay2 float32) {
	if len(m) != len(w) || len(v) != len(w) || len(e) != len(c) {
		panic(errLength)
	}
	active.catchUpSum(w, m, v, c, e, eps, decay1, decay2)
}

func catchUpSumPortable(w, m, v, c, e []float32, eps, decay1, decay2 float32) {
	m, v, e = m[:len(w)], v[:len(w)], e[:len(c)]
	for i := range w {
		mi, vi := m[i], v[i]
		s := sqrt32(vi)
		var sum float32
		for j, cj := range c {
			sum += cj / (float32(e[j]*s) + eps)
		}
		w[i] -= float32(mi * sum)
		m[i] = float32(mi * decay1)
		v[i] = float32(vi * decay2)
	}
}

// SumSteps sets out[i] to the float64 sum of the moves of skipped steps
// for an element with sqrt(v) = s[i], step sizes c[j] and denominator
// factors e[j]:
//
//	for i := range s {
//		var sum float64
//		for j := range c {
//			sum += c[j] / (float64(e[j]*s[i]) + eps)
//		}
//		out[i] = sum
//	}
//
// the float64 replay of lazy Adam's catch-up where v is so small that its
// series does not converge (DESIGN.md, "Adam, executed lazily"). Each
// operation is one IEEE float64 operation, rounded, in this order, never
// fused, so every implementation gives the same bits.
func SumSteps(s, c, e []float64, eps float64, out []float64) {
	if len(out) != len(s) || len(e) != len(c) {
		panic(errLength)
	}
	active.sumSteps(s, c, e, eps, out)
}

func sumStepsPortable(s, c, e []float64, eps float64, out []float64) {
	e, out = e[:len(c)], out[:len(s)]
	for i, si := range s {
		var sum float64
		for j, cj := range c {
			sum += cj / (float64(e[j]*si) + eps)
		}
		out[i] = sum
	}
}
