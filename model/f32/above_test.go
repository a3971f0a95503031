package f32

import (
	"math"
	"math/rand/v2"
	"testing"
)

func firstAboveNaive(x []float32, t float32) int {
	for i, y := range x {
		if y > t {
			return i
		}
	}
	return len(x)
}

func TestFirstAbove(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	for _, c := range []struct {
		x    []float32
		t    float32
		want int
	}{
		{nil, 0, 0},
		{[]float32{1, 2, 3}, 3, 3}, // equal is not above
		{[]float32{1, 2, 3}, 2, 2},
		{[]float32{0}, negZero, 1},     // +0 == -0
		{[]float32{nan, 1}, 0, 1},      // a NaN is never above
		{[]float32{1, inf}, nan, 2},    // nothing is above a NaN
		{[]float32{-inf, -1}, -inf, 1}, // masked scores are -Inf
		{[]float32{inf}, math.MaxFloat32, 0},
		{[]float32{-inf, -inf}, -inf, 2},
		{[]float32{5, 4, 3, 2, 1, 0}, -1, 0},
		{[]float32{1, 1, 1, 1, 1, 1, 1, 1, 2}, 1, 8},
	} {
		if got := FirstAbove(c.x, c.t); got != c.want {
			t.Errorf("FirstAbove(%v, %v) = %d, want %d", c.x, c.t, got, c.want)
		}
	}
}

// TestFirstAboveEveryImpl: in every implementation, at every length, the
// first element above the threshold is found at any position, behind NaNs,
// equal values and later ones, and random data agree with the loop.
func TestFirstAboveEveryImpl(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	nan := float32(math.NaN())
	forEachImpl(t, func(t *testing.T) {
		for _, n := range lengths {
			x := make([]float32, n)
			for i := range x {
				x[i] = []float32{0.5, nan, -1, float32(math.Inf(-1))}[i%4]
			}
			if got := FirstAbove(x, 0.5); got != n {
				t.Fatalf("n=%d, none above: %d", n, got)
			}
			for _, p := range []int{0, 1, 7, 8, 9, 15, 16, 17, n / 2, n - 1} {
				if p < 0 || p >= n {
					continue
				}
				y := append([]float32(nil), x...)
				y[p] = 0.50000006 // the next float32 above 0.5
				if p+1 < n {
					y[n-1] = 2 // a later one does not hide the first
				}
				if got := FirstAbove(y, 0.5); got != p {
					t.Fatalf("n=%d, above at %d: %d", n, p, got)
				}
			}
			z := randomSlice(r, n)
			for _, th := range []float32{-2, 0, 0.9, 2} {
				if got, want := FirstAbove(z, th), firstAboveNaive(z, th); got != want {
					t.Fatalf("n=%d, random, t=%v: %d, want %d", n, th, got, want)
				}
			}
		}
	})
}
