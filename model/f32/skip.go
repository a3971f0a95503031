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
