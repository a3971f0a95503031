package f32

import (
	"math"
	"testing"
)

func TestFirstNonFinite(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	for _, c := range []struct {
		x    []float32
		want int
	}{
		{nil, -1},
		{[]float32{0, float32(math.Copysign(0, -1)), 1, -1}, -1},
		{[]float32{math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32}, -1},
		{[]float32{1, nan, inf}, 1},
		{[]float32{1, 2, inf}, 2},
		{[]float32{-inf}, 0},
	} {
		if got := FirstNonFinite(c.x); got != c.want {
			t.Errorf("FirstNonFinite(%v) = %d, want %d", c.x, got, c.want)
		}
	}
}

// TestFirstNonFiniteEveryImpl: in every implementation, at every length,
// a NaN or an infinity at any position is found there, after finite
// extremes.
func TestFirstNonFiniteEveryImpl(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		for _, n := range lengths {
			x := make([]float32, n)
			for i := range x {
				x[i] = []float32{math.MaxFloat32, -math.MaxFloat32, float32(math.Copysign(0, -1)), 1e-45}[i%4]
			}
			if got := FirstNonFinite(x); got != -1 {
				t.Fatalf("n=%d, all finite: %d", n, got)
			}
			for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
				for _, p := range []int{0, n / 2, n - 1} {
					if p < 0 || p >= n {
						continue
					}
					y := append([]float32(nil), x...)
					y[p] = bad
					if p+1 < n {
						y[n-1] = bad // a later one does not hide the first
					}
					if got := FirstNonFinite(y); got != p {
						t.Fatalf("n=%d, %v at %d: %d", n, bad, p, got)
					}
				}
			}
		}
	})
}
