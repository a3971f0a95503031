//go:build goexperiment.simd && amd64

package f32

import (
	"math/bits"
	"simd/archsimd"
	"slices"
)

// The AVX2 implementations. They follow the summation orders of the
// portable code exactly (a separate multiply and add, never an FMA), so
// results are bit-identical to it; the speed comes from 8 lanes per
// instruction and, in Dots and Scores, several independent chains.
//
// Every function clears the upper halves of the vector registers before
// returning or running scalar code (VZEROUPPER): the Go compiler emits
// legacy-SSE scalar instructions, which on current CPUs run many times
// slower while the upper halves are dirty.
//
// AVX-512 is not used here: the assembly set scores with it on CPUs that
// have it (kernels_avx512_amd64.go), and archsimd's 512-bit types were not
// measured.

func init() {
	if !archsimd.X86.AVX2() {
		return
	}
	avx2 := &kernels{
		name:       "simd",
		dot:        dotAVX2,
		dots:       dotsAVX2,
		axpy:       axpyAVX2,
		axpyRows:   axpyRowsWith(axpyAVX2),
		scatter:    scatterWith(axpyAVX2),
		axpby:      axpbyAVX2,
		scal:       scalAVX2,
		adam:       adamAVX2,
		catchUp:    catchUpAVX2,
		catchUpSum: catchUpSumAVX2,
		sumSteps:   sumStepsPortable, // float64: the assembly set has the vector one
		packItems:  packItemsLanes,
		scores:     scoresAVX2,
		nonFinite:  nonFinitePortable, // the assembly set has the vector one
		firstAbove: firstAboveAVX2,
	}
	// The assembly kernels, when this CPU runs them, were as fast or
	// faster in every epoch and evaluation measured (docs/notes.md), so
	// they stay the preferred (last) and active ones, and this build is
	// never slower than the default; f32.Use("simd") selects these.
	if active != portable {
		available = slices.Insert(available, len(available)-1, avx2)
		return
	}
	available = append(available, avx2)
	active = avx2
}

// The lanes of an accumulator are added in Dot's tree,
// ((l0+l1) + (l2+l3)) + ((l4+l5) + (l6+l7)), which is what two rounds of
// VHADDPS and an add of the two 128-bit halves compute; fed with four
// accumulators, that sequence reduces all four at once.

func reduce8(a archsimd.Float32x8) float32 {
	h := a.AddPairsGrouped(a)
	h = h.AddPairsGrouped(h)
	return h.GetLo().Add(h.GetHi()).GetElem(0)
}

// reduce4x8 returns the four sums of a, b, c, d.
func reduce4x8(a, b, c, d archsimd.Float32x8) archsimd.Float32x4 {
	h := a.AddPairsGrouped(b).AddPairsGrouped(c.AddPairsGrouped(d))
	return h.GetLo().Add(h.GetHi())
}

func dotAVX2(x, y []float32) float32 {
	y = y[:len(x)]
	var acc archsimd.Float32x8
	i := 0
	for ; i <= len(x)-8; i += 8 {
		acc = acc.Add(archsimd.LoadFloat32x8Slice(x[i:]).Mul(archsimd.LoadFloat32x8Slice(y[i:])))
	}
	s := reduce8(acc)
	archsimd.ClearAVXUpperBits()
	for ; i < len(x); i++ {
		s += float32(x[i] * y[i])
	}
	return s
}

// dotsAVX2 runs four rows at once, so four addition chains overlap and one
// reduction serves them all.
func dotsAVX2(x, table []float32, rows []int32, out []float32) {
	dim := len(x)
	out = out[:len(rows)]
	row := func(j int) []float32 { r := int(rows[j]); return table[r*dim : r*dim+dim][:dim] }
	n8 := dim - dim%8
	j := 0
	for ; j+4 <= len(rows); j += 4 {
		a, b, c, d := row(j), row(j+1), row(j+2), row(j+3)
		var sa, sb, sc, sd archsimd.Float32x8
		for i := 0; i < n8; i += 8 {
			xv := archsimd.LoadFloat32x8Slice(x[i:])
			sa = sa.Add(xv.Mul(archsimd.LoadFloat32x8Slice(a[i:])))
			sb = sb.Add(xv.Mul(archsimd.LoadFloat32x8Slice(b[i:])))
			sc = sc.Add(xv.Mul(archsimd.LoadFloat32x8Slice(c[i:])))
			sd = sd.Add(xv.Mul(archsimd.LoadFloat32x8Slice(d[i:])))
		}
		reduce4x8(sa, sb, sc, sd).StoreSlice(out[j:])
	}
	archsimd.ClearAVXUpperBits()
	if n8 < dim {
		for k := range j {
			r := row(k)
			for i := n8; i < dim; i++ {
				out[k] += float32(x[i] * r[i])
			}
		}
	}
	for ; j < len(rows); j++ {
		out[j] = dotAVX2(x, row(j))
	}
}

func axpyAVX2(a float32, x, y []float32) {
	y = y[:len(x)]
	av := archsimd.BroadcastFloat32x8(a)
	i := 0
	for ; i <= len(x)-8; i += 8 {
		yv := archsimd.LoadFloat32x8Slice(y[i:])
		yv.Add(archsimd.LoadFloat32x8Slice(x[i:]).Mul(av)).StoreSlice(y[i:])
	}
	archsimd.ClearAVXUpperBits()
	for ; i < len(x); i++ {
		y[i] += float32(a * x[i])
	}
}

func firstAboveAVX2(x []float32, t float32) int {
	tv := archsimd.BroadcastFloat32x8(t)
	i := 0
	for ; i <= len(x)-8; i += 8 {
		if m := archsimd.LoadFloat32x8Slice(x[i:]).Greater(tv).ToBits(); m != 0 {
			archsimd.ClearAVXUpperBits()
			return i + bits.TrailingZeros8(m)
		}
	}
	archsimd.ClearAVXUpperBits()
	return i + firstAbovePortable(x[i:], t)
}

func axpbyAVX2(a float32, x []float32, b float32, y []float32) {
	y = y[:len(x)]
	av, bv := archsimd.BroadcastFloat32x8(a), archsimd.BroadcastFloat32x8(b)
	i := 0
	for ; i <= len(x)-8; i += 8 {
		ax := archsimd.LoadFloat32x8Slice(x[i:]).Mul(av)
		ax.Add(archsimd.LoadFloat32x8Slice(y[i:]).Mul(bv)).StoreSlice(y[i:])
	}
	archsimd.ClearAVXUpperBits()
	for ; i < len(x); i++ {
		y[i] = float32(a*x[i]) + float32(b*y[i])
	}
}

func scalAVX2(a float32, x []float32) {
	av := archsimd.BroadcastFloat32x8(a)
	i := 0
	for ; i <= len(x)-8; i += 8 {
		archsimd.LoadFloat32x8Slice(x[i:]).Mul(av).StoreSlice(x[i:])
	}
	archsimd.ClearAVXUpperBits()
	for ; i < len(x); i++ {
		x[i] = float32(a * x[i])
	}
}

func adamAVX2(p, g, m, v []float32, s *AdamStep) bool {
	ok := adamVectorized(p, g[:len(p)], m, v, s)
	if i := len(p) - len(p)%8; i < len(p) {
		ok = adamPortable(p[i:], g[i:len(p)], m[i:], v[i:], s) && ok
	}
	return ok
}

// adamVectorized runs Adam over the whole 8-element groups of p. The
// constants are broadcast into locals, not a struct: copying a struct of
// vectors uses legacy-SSE moves, which stall while the upper halves of the
// registers are in use.
func adamVectorized(p, g, m, v []float32, s *AdamStep) bool {
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	b1, b2 := archsimd.BroadcastFloat32x8(s.Beta1), archsimd.BroadcastFloat32x8(s.Beta2)
	c1, c2 := archsimd.BroadcastFloat32x8(s.OneMinusBeta1), archsimd.BroadcastFloat32x8(s.OneMinusBeta2)
	eps, wd := archsimd.BroadcastFloat32x8(s.Eps), archsimd.BroadcastFloat32x8(s.WeightDecay)
	step, bc2 := archsimd.BroadcastFloat32x8(s.StepSize), archsimd.BroadcastFloat32x8(s.BiasCorrection2Sqrt)
	var check archsimd.Float32x8 // sums x - x: 0 while every x is finite, NaN after
	for i := 0; i <= len(p)-8; i += 8 {
		pv := archsimd.LoadFloat32x8Slice(p[i:])
		gv := archsimd.LoadFloat32x8Slice(g[i:]).Add(wd.Mul(pv))
		mv := b1.Mul(archsimd.LoadFloat32x8Slice(m[i:])).Add(c1.Mul(gv))
		vv := b2.Mul(archsimd.LoadFloat32x8Slice(v[i:])).Add(c2.Mul(gv).Mul(gv))
		mv.StoreSlice(m[i:])
		vv.StoreSlice(v[i:])
		denom := vv.Sqrt().Div(bc2).Add(eps)
		pv = pv.Sub(step.Mul(mv).Div(denom))
		pv.StoreSlice(p[i:])
		check = check.Add(pv.Sub(pv))
	}
	ok := check.IsNaN().ToBits() == 0
	archsimd.ClearAVXUpperBits()
	return ok
}

func catchUpAVX2(w, m, v []float32, s *SkipSteps) {
	n8 := len(w) - len(w)%8
	catchUpVectorized(w[:n8], m[:n8], v[:n8], s)
	if n8 < len(w) {
		catchUpPortable(w[n8:], m[n8:len(w)], v[n8:len(w)], s)
	}
}

// catchUpVectorized runs CatchUp over whole 8-element groups; the weight's
// move is computed in every lane and zeroed where v < VMin, which leaves w
// as the scalar branch does (w - 0 = w, -0 included).
func catchUpVectorized(w, m, v []float32, s *SkipSteps) {
	m, v = m[:len(w)], v[:len(w)]
	c0, c1 := archsimd.BroadcastFloat32x8(s.Coef[0]), archsimd.BroadcastFloat32x8(s.Coef[1])
	c2, c3 := archsimd.BroadcastFloat32x8(s.Coef[2]), archsimd.BroadcastFloat32x8(s.Coef[3])
	c4, negEps := archsimd.BroadcastFloat32x8(s.Coef[4]), archsimd.BroadcastFloat32x8(s.NegEps)
	d1, d2, vMin := archsimd.BroadcastFloat32x8(s.Decay1), archsimd.BroadcastFloat32x8(s.Decay2), archsimd.BroadcastFloat32x8(s.VMin)
	one := archsimd.BroadcastFloat32x8(1)
	for i := 0; i < len(w); i += 8 {
		vv, mv, wv := archsimd.LoadFloat32x8Slice(v[i:]), archsimd.LoadFloat32x8Slice(m[i:]), archsimd.LoadFloat32x8Slice(w[i:])
		u := one.Div(vv.Sqrt())
		x := negEps.Mul(u)
		acc := c3.Add(x.Mul(c4))
		acc = c2.Add(x.Mul(acc))
		acc = c1.Add(x.Mul(acc))
		acc = c0.Add(x.Mul(acc))
		move := mv.Mul(acc.Mul(u)).Masked(vv.GreaterEqual(vMin))
		wv.Sub(move).StoreSlice(w[i:])
		mv.Mul(d1).StoreSlice(m[i:])
		vv.Mul(d2).StoreSlice(v[i:])
	}
	archsimd.ClearAVXUpperBits()
}

func catchUpSumAVX2(w, m, v, c, e []float32, eps, decay1, decay2 float32) {
	n8 := len(w) - len(w)%8
	catchUpSumVectorized(w[:n8], m[:n8], v[:n8], c, e, eps, decay1, decay2)
	if n8 < len(w) {
		catchUpSumPortable(w[n8:], m[n8:len(w)], v[n8:len(w)], c, e, eps, decay1, decay2)
	}
}

func catchUpSumVectorized(w, m, v, c, e []float32, eps, decay1, decay2 float32) {
	m, v, e = m[:len(w)], v[:len(w)], e[:len(c)]
	epsv, d1, d2 := archsimd.BroadcastFloat32x8(eps), archsimd.BroadcastFloat32x8(decay1), archsimd.BroadcastFloat32x8(decay2)
	for i := 0; i < len(w); i += 8 {
		vv, mv := archsimd.LoadFloat32x8Slice(v[i:]), archsimd.LoadFloat32x8Slice(m[i:])
		s := vv.Sqrt()
		var sum archsimd.Float32x8
		for j, cj := range c {
			denom := archsimd.BroadcastFloat32x8(e[j]).Mul(s).Add(epsv)
			sum = sum.Add(archsimd.BroadcastFloat32x8(cj).Div(denom))
		}
		archsimd.LoadFloat32x8Slice(w[i:]).Sub(mv.Mul(sum)).StoreSlice(w[i:])
		mv.Mul(d1).StoreSlice(m[i:])
		vv.Mul(d2).StoreSlice(v[i:])
	}
	archsimd.ClearAVXUpperBits()
}

// scoresAVX2 works through the items in chunks that stay in the L2 cache;
// within a chunk, 3 users times 16 items (two panels) accumulate in six
// vectors over the columns, a broadcast user value times a panel column per
// step, so that every output is one chain in plain index order.
func scoresAVX2(users []float32, p *Panel, i0, i1 int, out []float32) {
	dim, w := p.Dim, i1-i0
	nu := len(users) / dim
	user := func(u int) []float32 { return users[u*dim : u*dim+dim] }
	panel := func(q int) [][8]float32 { return p.lanes[q*dim : q*dim+dim] }
	// store writes panel q's scores for user u that exist (the last
	// panel may be partial); i0 is a multiple of 16, so panels start at it.
	store := func(u, q int, a archsimd.Float32x8) {
		if j := q*8 - i0; j < w {
			a.StoreSlicePart(out[u*w+j : (u+1)*w])
		}
	}
	q0, q1 := i0/8, (i1+7)/8
	chunk := max(2, (256<<10)/(dim*32)&^1) // panels per chunk, even
	for c0 := q0; c0 < q1; c0 += chunk {
		c1 := min(c0+chunk, q1)
		u := 0
		for ; u+3 <= nu; u += 3 {
			q := c0
			for ; q+2 <= c1; q += 2 {
				a0, a1, a2, b0, b1, b2 := scores3x16(user(u), user(u+1), user(u+2), panel(q), panel(q+1))
				store(u, q, a0)
				store(u, q+1, b0)
				store(u+1, q, a1)
				store(u+1, q+1, b1)
				store(u+2, q, a2)
				store(u+2, q+1, b2)
			}
			if q < c1 {
				for du := range 3 {
					store(u+du, q, scores1x8(user(u+du), panel(q)))
				}
			}
		}
		for ; u < nu; u++ {
			for q := c0; q < c1; q++ {
				store(u, q, scores1x8(user(u), panel(q)))
			}
		}
	}
	archsimd.ClearAVXUpperBits()
}

// scores3x16 is the inner kernel: users x0..x2 against panels pa and pb.
// It is a function of its own so that the register allocator sees only it.
func scores3x16(x0, x1, x2 []float32, pa, pb [][8]float32) (a0, a1, a2, b0, b1, b2 archsimd.Float32x8) {
	x1, x2 = x1[:len(x0)], x2[:len(x0)]
	pa, pb = pa[:len(x0)], pb[:len(x0)]
	for k := range x0 {
		ya := archsimd.LoadFloat32x8(&pa[k])
		yb := archsimd.LoadFloat32x8(&pb[k])
		x := archsimd.BroadcastFloat32x8(x0[k])
		a0 = a0.Add(x.Mul(ya))
		b0 = b0.Add(x.Mul(yb))
		x = archsimd.BroadcastFloat32x8(x1[k])
		a1 = a1.Add(x.Mul(ya))
		b1 = b1.Add(x.Mul(yb))
		x = archsimd.BroadcastFloat32x8(x2[k])
		a2 = a2.Add(x.Mul(ya))
		b2 = b2.Add(x.Mul(yb))
	}
	return
}

func scores1x8(x []float32, pa [][8]float32) (a archsimd.Float32x8) {
	pa = pa[:len(x)]
	for k, xk := range x {
		a = a.Add(archsimd.BroadcastFloat32x8(xk).Mul(archsimd.LoadFloat32x8(&pa[k])))
	}
	return a
}
