package f32

import "math"

// AdamStep holds the constants of one Adam step t with PyTorch's
// torch.optim.Adam(lr, betas, eps, weight_decay) semantics: L2 weight decay
// added to the gradient (not AdamW) and bias correction.
type AdamStep struct {
	Beta1, Beta2                 float32
	OneMinusBeta1, OneMinusBeta2 float32
	Eps, WeightDecay             float32
	StepSize                     float32 // lr / (1 - beta1^t)
	BiasCorrection2Sqrt          float32 // sqrt(1 - beta2^t)
}

// NewAdamStep computes the constants of step t >= 1 in float64, as PyTorch
// does with Python floats, and rounds them to float32 once. The powers are
// taken by repeated squaring rather than math.Pow, whose last bit may
// differ between platforms.
func NewAdamStep(lr, beta1, beta2, eps, weightDecay float64, t int) AdamStep {
	return AdamStep{
		Beta1:               float32(beta1),
		Beta2:               float32(beta2),
		OneMinusBeta1:       float32(1 - beta1),
		OneMinusBeta2:       float32(1 - beta2),
		Eps:                 float32(eps),
		WeightDecay:         float32(weightDecay),
		StepSize:            float32(lr / (1 - Pow(beta1, t))),
		BiasCorrection2Sqrt: float32(math.Sqrt(1 - Pow(beta2, t))),
	}
}

// Pow returns x**n for n >= 0 by repeated squaring: only multiplications,
// each rounded, so the result is the same everywhere.
func Pow(x float64, n int) float64 {
	r := 1.0
	for ; n > 0; n >>= 1 {
		if n&1 == 1 {
			r *= x
		}
		x *= x
	}
	return r
}

// Adam applies one step to parameters p with gradient g and moments m, v,
// and reports whether every updated parameter is finite (neither NaN nor
// infinite):
//
//	for i := range p {
//		gi := g[i] + float32(s.WeightDecay*p[i])
//		m[i] = float32(s.Beta1*m[i]) + float32(s.OneMinusBeta1*gi)
//		v[i] = float32(s.Beta2*v[i]) + float32(float32(s.OneMinusBeta2*gi)*gi)
//		denom := float32(math.Sqrt(float64(v[i])))/s.BiasCorrection2Sqrt + s.Eps
//		p[i] -= float32(s.StepSize*m[i]) / denom
//	}
//
// which is PyTorch's single-tensor Adam (grad.add(param, alpha=wd);
// exp_avg.mul_(b1).add_(grad, alpha=1-b1); exp_avg_sq.mul_(b2).addcmul_(grad,
// grad, value=1-b2); denom = exp_avg_sq.sqrt() / sqrt(bc2) + eps;
// param.addcdiv_(exp_avg, denom, value=-lr/bc1)). A row absent from a batch
// takes it with g = 0: its moments decay and weight decay still applies.
// The finiteness check rides along for free: the loop waits on its
// divisions, not on the integer unit.
func Adam(p, g, m, v []float32, s *AdamStep) bool {
	if len(g) != len(p) || len(m) != len(p) || len(v) != len(p) {
		panic(errLength)
	}
	return active.adam(p, g, m, v, s)
}

// sqrt32 is the correctly rounded float32 square root (one SQRTSS).
func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// nonFinite is bit 31 of (bits&0x7f800000)+0x00800000, set exactly when the
// exponent bits are all ones (an infinity or a NaN); OR-ing it over many
// values needs no branch.
func nonFinite(x float32) uint32 { return (math.Float32bits(x) & 0x7f800000) + 0x00800000 }

func adamPortable(p, g, m, v []float32, s *AdamStep) bool {
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	b1, b2, c1, c2 := s.Beta1, s.Beta2, s.OneMinusBeta1, s.OneMinusBeta2
	eps, wd, step, bc2 := s.Eps, s.WeightDecay, s.StepSize, s.BiasCorrection2Sqrt
	var bad uint32
	for i := range p {
		gi := g[i] + float32(wd*p[i])
		mi := float32(b1*m[i]) + float32(c1*gi)
		vi := float32(b2*v[i]) + float32(float32(c2*gi)*gi)
		m[i], v[i] = mi, vi
		pi := p[i] - float32(step*mi)/(sqrt32(vi)/bc2+eps)
		p[i] = pi
		bad |= nonFinite(pi)
	}
	return bad&0x80000000 == 0
}
