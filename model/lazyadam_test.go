package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"onebp/model/f32"
)

// skippedExactly applies k zero-gradient Adam steps after step last in
// float64, step by step: the oracle of catchUp.
func skippedExactly(lr float64, last, k int, w, m, v float64) (float64, float64, float64) {
	for t := last + 1; t <= last+k; t++ {
		m *= AdamBeta1
		v *= AdamBeta2
		bc1, bc2 := 1-math.Pow(AdamBeta1, float64(t)), 1-math.Pow(AdamBeta2, float64(t))
		w -= lr / bc1 * m / (math.Sqrt(v)/math.Sqrt(bc2) + AdamEps)
	}
	return w, m, v
}

// TestCatchUpAgainstOracleAndEager: per element, from random states (m, v,
// w) and last steps, after 1..10,000 skipped steps, catchUp's weight is
// within 2^-21 of the skipped move (up to 32 steps, summed one by one:
// (k+8) float32 roundings of it) plus one float32 rounding of the exact
// (float64, step by step) result (the series' 2^-29 and a few float32
// operations, each rounded), and its moments within two roundings (the
// decay's and the product's); dense Adam executed eagerly in float32 lands
// within its own rounding error (k roundings) of the same result.
func TestCatchUpAgainstOracleAndEager(t *testing.T) {
	src := rand.New(rand.NewPCG(1, 2))
	const lr = 5e-4
	var plans skipPlans
	plans.lr = lr
	ks := []int{1, 2, 3, 7, 50, 255, 256, 257, 1000, 10000}
	for trial := range 400 {
		k := ks[trial%len(ks)]
		last := []int{0, 1, 5, 100, 791, 50000}[trial%6]
		// Magnitudes as training produces them, and tiny v (replay path)
		// and exact zeros.
		g := math.Pow(10, -1-6*src.Float64())
		m := float32(g * (src.Float64() - 0.5))
		v := float32(g * g * (0.001 + src.Float64()))
		switch trial % 10 {
		case 7:
			v = float32(1e-22 * src.Float64()) // eps/s is not small
		case 8:
			m, v = 0, 0
		}
		w := float32(src.NormFloat64() * 0.05)
		ew, em, ev := skippedExactly(lr, last, k, float64(w), float64(m), float64(v))

		lw, lm, lv := []float32{w}, []float32{m}, []float32{v}
		plans.get(uint32(last), uint32(k)).catchUp(lw, lm, lv)
		update := math.Abs(ew - float64(w))
		// Summed steps round each of their terms and partial sums.
		rel := math.Max(0x1p-21, float64(min(k, directSteps)+8)*0x1p-24)
		if d := math.Abs(float64(lw[0]) - ew); d > update*rel+ulp32(float32(ew)) {
			t.Errorf("trial %d (k %d, last %d, m %g, v %g): lazy w %v, exact %v: off by %g, update %g", trial, k, last, m, v, lw[0], ew, d, update)
		}
		if !within(lm[0], em, 2) || !within(lv[0], ev, 2) {
			t.Errorf("trial %d: lazy moments %v %v, exact %v %v", trial, lm[0], lv[0], em, ev)
		}

		pw, pm, pv, zero := []float32{w}, []float32{m}, []float32{v}, []float32{0}
		for step := last + 1; step <= last+k; step++ {
			s := f32.NewAdamStep(lr, AdamBeta1, AdamBeta2, AdamEps, 0, step)
			f32.Adam(pw, zero, pm, pv, &s)
		}
		if d := math.Abs(float64(pw[0]) - ew); d > update*float64(k)*0x1p-22+float64(k)*ulp32(float32(ew)) {
			t.Errorf("trial %d (k %d): eager w %v, exact %v", trial, k, pw[0], ew)
		}
	}
}

func ulp32(x float32) float64 {
	return float64(math.Nextafter32(float32(math.Abs(float64(x))), float32(math.Inf(1))) - float32(math.Abs(float64(x))))
}

// within says whether got is within n float32 roundings of want.
func within(got float32, want float64, n int) bool {
	return math.Abs(float64(got)-want) <= float64(n)*ulp32(float32(want))+1e-45
}

// TestCatchUpReplayIsTheScalarLoop: the float64 replay, gathered and
// summed side by side (f32.SumSteps), gives the bits of the element-by-
// element loop it replaced, on rows where many elements need it.
func TestCatchUpReplayIsTheScalarLoop(t *testing.T) {
	src := rand.New(rand.NewPCG(3, 4))
	var plans skipPlans
	plans.lr = 5e-4
	for _, n := range []int{1, 5, 64, 65, 200, 1024} {
		for _, k := range []uint32{33, 100, 300} {
			w, m, v := make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range w {
				w[i] = float32(src.NormFloat64() * 0.05)
				m[i] = float32(1e-6 * src.NormFloat64())
				v[i] = float32(1e-22 * src.Float64()) // below the series' reach
				if i%7 == 3 {
					v[i] = float32(1e-8 * src.Float64()) // within it
				}
				if i%11 == 5 {
					m[i] = 0
				}
			}
			p := plans.get(791, k)
			ow, om, ov := slices.Clone(w), slices.Clone(m), slices.Clone(v)
			for i, vi := range ov {
				if vi < p.f32.VMin && om[i] != 0 {
					s, sum := math.Sqrt(float64(vi)), 0.0
					for j := range p.steps {
						sum += p.c[j] / (float64(p.e[j]*s) + AdamEps)
					}
					ow[i] = float32(float64(ow[i]) - float64(float64(om[i])*sum))
				}
			}
			f32.CatchUp(ow, om, ov, &p.f32)
			p.catchUp(w, m, v)
			for i := range w {
				if math.Float32bits(w[i]) != math.Float32bits(ow[i]) || m[i] != om[i] || v[i] != ov[i] {
					t.Fatalf("n %d, k %d, element %d: w %v m %v v %v, the loop gives %v %v %v", n, k, i, w[i], m[i], v[i], ow[i], om[i], ov[i])
				}
			}
		}
	}
}

// BenchmarkCatchUpReplay times catching up a row of 1024 elements whose v
// is below the series' reach (the float64 replay late in TwoBP training)
// after k skipped steps.
func BenchmarkCatchUpReplay(b *testing.B) {
	var plans skipPlans
	plans.lr = 5e-4
	for _, k := range []uint32{64, 256} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			src := rand.New(rand.NewPCG(5, 6))
			w, m, v := make([]float32, 1024), make([]float32, 1024), make([]float32, 1024)
			for i := range w {
				w[i], m[i], v[i] = float32(src.NormFloat64()*0.05), float32(1e-6*src.NormFloat64()), float32(1e-22*src.Float64())
			}
			p := plans.get(791, k)
			for b.Loop() {
				p.catchUp(w, m, v)
				for i := range v { // as before the catch-up, which decayed them
					m[i], v[i] = float32(1e-6*src.NormFloat64()), float32(1e-22*src.Float64())
				}
			}
		})
	}
}
