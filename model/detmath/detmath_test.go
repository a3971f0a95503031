package detmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

func ulps(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / math.Abs(math.Nextafter(b, math.Inf(1))-b)
}

func TestExp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 200000; i++ {
		x := (r.Float64()*2 - 1) * 700
		if i%2 == 0 {
			x /= 300 // the softmax's range: small negative and positive arguments
		}
		if d := ulps(Exp(x), math.Exp(x)); d > 4 {
			t.Fatalf("exp(%v) = %v, math.Exp %v: %v ulps", x, Exp(x), math.Exp(x), d)
		}
	}
	for _, c := range []struct{ x, want float64 }{
		{0, 1}, {1, math.E}, {-800, 0}, {800, math.Inf(1)}, {math.Inf(-1), 0},
	} {
		if got := Exp(c.x); got != c.want && ulps(got, c.want) > 2 {
			t.Errorf("exp(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if !math.IsNaN(Exp(math.NaN())) {
		t.Error("exp(NaN) is not NaN")
	}
}

func TestLog(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for i := 0; i < 200000; i++ {
		x := math.Exp((r.Float64()*2 - 1) * 700)
		if d := ulps(Log(x), math.Log(x)); d > 2 {
			t.Fatalf("log(%v) = %v, math.Log %v: %v ulps", x, Log(x), math.Log(x), d)
		}
	}
	for _, c := range []struct{ x, want float64 }{{1, 0}, {math.E, 1}, {0, math.Inf(-1)}, {math.Inf(1), math.Inf(1)}} {
		if got := Log(c.x); got != c.want && ulps(got, c.want) > 1 {
			t.Errorf("log(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if !math.IsNaN(Log(-1)) || !math.IsNaN(Log(math.NaN())) {
		t.Error("log of a negative or NaN is not NaN")
	}
}
