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
