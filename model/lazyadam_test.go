package model

import (
	"math"
	"math/rand/v2"
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
