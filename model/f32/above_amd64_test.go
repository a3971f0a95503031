//go:build amd64 && !purego

package f32

import (
	"math"
	"testing"

	"golang.org/x/sys/cpu"
)

// TestFirstAbove8Group: the assembly returns exactly the group of 8 that
// holds the first element above t, not an earlier one (which FirstAbove's
// tail loop would mend, slowly), among elements equal to t and NaNs.
func TestFirstAbove8Group(t *testing.T) {
	if !cpu.X86.HasAVX2 {
		t.Skip("no AVX2")
	}
	for n := 8; n <= 64; n += 8 {
		x := make([]float32, n)
		for i := range x {
			x[i] = []float32{1, float32(math.NaN())}[i%2]
		}
		if got := firstAbove8(&x[0], n, 1); got != n {
			t.Fatalf("n=%d, none above: %d", n, got)
		}
		for p := range n {
			y := append([]float32(nil), x...)
			y[p] = 1.5
			if got := firstAbove8(&y[0], n, 1); got != p&^7 {
				t.Fatalf("n=%d, above at %d: group at %d, want %d", n, p, got, p&^7)
			}
		}
	}
}
