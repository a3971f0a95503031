// Package detmath holds exp and log computed the same way on every
// platform, so that losses, softmax weights and ranking discounts are
// bit-identical across machines.
//
// math.Exp on amd64 uses FMA when the CPU has it, and the Go compiler may
// fuse x*y+z elsewhere, so results would otherwise differ in the last bits
// between machines. Every product here is rounded explicitly
// (float64(x*y)), which forbids fusion. Both functions are accurate to a
// few ulp (checked against the math package in the tests), far more than
// the float32 gradients they feed need.
package detmath

import "math"

const (
	ln2Hi = 6.93147180369123816490e-01 // high bits of ln 2; k*ln2Hi is exact
	ln2Lo = 1.90821492927058770002e-10 // ln 2 - ln2Hi
)

// Exp returns e**x: x = (32m + j)*ln2/32 + r with |r| <= ln2/64,
// e**x = 2**m * 2**(j/32) * e**r, e**r by its Taylor series to degree 6
// (error below 2e-18 on that range).
func Exp(x float64) float64 {
	switch {
	case math.IsNaN(x) || x > 709.78:
		return x * math.Inf(1) // NaN stays NaN, large x overflows
	case x < -745.2:
		return 0
	}
	n := math.Round(float64(x * (32 / math.Ln2)))
	r := float64(x-float64(n*ln2Hi32)) - float64(n*ln2Lo32)
	q := 1.0 / 720 // q becomes e**r - 1
	for _, c := range [...]float64{1.0 / 120, 1.0 / 24, 1.0 / 6, 1.0 / 2, 1} {
		q = float64(q*r) + c
	}
	q = float64(q * r)
	ni := int(n)
	m, j := ni>>5, ni&31
	t := exp2Fraction[j]
	y := t + float64(t*q)
	if m >= -1022 {
		return y * math.Float64frombits(uint64(m+1023)<<52) // an exact power of two
	}
	return math.Ldexp(y, m)
}

const (
	ln2Hi32 = ln2Hi / 32 // exact: a power-of-two division
	ln2Lo32 = ln2Lo / 32
)

// exp2Fraction[j] is 2**(j/32), computed once from the Taylor series of
// e**x at x = j*ln2/32 (below 0.7, where the series to degree 20 is exact
// to the last bit or so).
var exp2Fraction = func() (t [32]float64) {
	for j := range t {
		x := float64(j) * math.Ln2 / 32
		term, sum := 1.0, 1.0
		for n := 1; n <= 20; n++ {
			term = float64(term*x) / float64(n)
			sum += term
		}
		t[j] = sum
	}
	return t
}()

// Log returns the natural logarithm of x > 0: x = f * 2**e with f in
// [sqrt(1/2), sqrt(2)), log f = 2 atanh(s) for s = (f-1)/(f+1), |s| < 0.172,
// by its series to s**23.
func Log(x float64) float64 {
	switch {
	case math.IsNaN(x) || x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}
	f, e := math.Frexp(x)
	if f < math.Sqrt2/2 {
		f *= 2
		e--
	}
	s := (f - 1) / (f + 1)
	s2 := float64(s * s)
	p := 1.0 / 23
	for _, c := range [...]float64{1.0 / 21, 1.0 / 19, 1.0 / 17, 1.0 / 15, 1.0 / 13, 1.0 / 11, 1.0 / 9, 1.0 / 7, 1.0 / 5, 1.0 / 3, 1} {
		p = float64(p*s2) + c
	}
	ke := float64(e)
	return float64(ke*ln2Hi) + (float64(ke*ln2Lo) + float64(2*float64(s*p)))
}
