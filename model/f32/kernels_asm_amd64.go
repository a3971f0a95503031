//go:build amd64 && !purego

package f32

import "golang.org/x/sys/cpu"

// The AVX2 kernels in assembly (kernels_amd64.s): the default build's fast
// path on amd64, where Go compiles the portable loops to scalar code. They
// follow the portable summation orders exactly, as the SIMD build's and the
// AVX-512 scoring do, so every set gives the same bits; each assembly
// routine takes the whole groups of 8 elements and the Go code here the
// rest, in the portable code's order. The SIMD build keeps these active
// (its archsimd kernels are selectable with Use); on CPUs with AVX-512F,
// evaluation scores with the kernels of kernels_avx512_amd64.go.

func init() {
	if !cpu.X86.HasAVX2 {
		return
	}
	asm := &kernels{
		name:       "asm",
		dot:        dotAsm,
		dots:       dotsAsm,
		axpy:       axpyAsm,
		axpyRows:   axpyRowsAsm,
		scatter:    scatterAsm,
		axpby:      axpbyAsm,
		scal:       scalAsm,
		adam:       adamAsm,
		catchUp:    catchUpAsm,
		catchUpSum: catchUpSumAsm,
		sumSteps:   sumStepsAsm,
		packItems:  packItemsLanes,
		scores:     scoresAsm,
		nonFinite:  nonFiniteAsm,
		firstAbove: firstAboveAsm,
	}
	available = append(available, asm)
	active = asm
	if cpu.X86.HasAVX512F {
		wide := withAVX512Scores(asm)
		available = append(available, wide)
		active = wide
	}
}

//go:noescape
func dot8(x, y *float32, n int) float32

//go:noescape
func axpy8(a float32, x, y *float32, n int)

//go:noescape
func nonFinite8(x *float32, n int) bool

//go:noescape
func firstAbove8(x *float32, n int, t float32) int

//go:noescape
func dots8(x *float32, table *float32, rows *int32, k int, dim int, out *float32, n int)

//go:noescape
func axpyRows8(a *float32, table *float32, rows *int32, k int, dim int, y *float32, n int)

//go:noescape
func scatter8(a *float32, x *float32, table *float32, rows *int32, k int, dim int, n int)

//go:noescape
func axpby8(a float32, x *float32, b float32, y *float32, n int)

//go:noescape
func scal8(a float32, x *float32, n int)

//go:noescape
func adam8(p, grad, m, v *float32, n int, s *AdamStep) bool

//go:noescape
func catchUp8(w, m, v *float32, n int, s *SkipSteps)

//go:noescape
func catchUpSum8(w, m, v, c, e *float32, n, nc int, eps, decay1, decay2 float32)

//go:noescape
func sumSteps4(s, c, e *float64, n int, eps float64, out *float64)

//go:noescape
func scores3x16asm(x0, x1, x2 *float32, pa, pb *[8]float32, dim int, out *[6][8]float32)

//go:noescape
func scores1x8asm(x *float32, pa *[8]float32, dim int, out *[8]float32)

func dotAsm(x, y []float32) float32 {
	y = y[:len(x)]
	n8 := len(x) &^ 7
	var s float32
	if n8 > 0 {
		s = dot8(&x[0], &y[0], n8)
	}
	for i := n8; i < len(x); i++ {
		s += float32(x[i] * y[i])
	}
	return s
}

func nonFiniteAsm(x []float32) bool {
	n8 := len(x) &^ 7
	if n8 > 0 && nonFinite8(&x[0], n8) {
		return true
	}
	return nonFinitePortable(x[n8:])
}

func firstAboveAsm(x []float32, t float32) int {
	i := 0
	if n8 := len(x) &^ 7; n8 > 0 {
		i = firstAbove8(&x[0], n8, t)
	}
	return i + firstAbovePortable(x[i:], t)
}

// dotsAsm: the assembly reduces each row's whole groups of 8 as dot8
// does; the tail, added after the reduction as in Dot, is Go's.
func dotsAsm(x, table []float32, rows []int32, out []float32) {
	dim := len(x)
	out = out[:len(rows)]
	if len(rows) == 0 {
		return
	}
	checkRows(table, rows, dim)
	n8 := dim &^ 7
	if n8 == 0 {
		clear(out)
	} else {
		dots8(&x[0], &table[0], &rows[0], len(rows), dim, &out[0], n8)
	}
	if n8 == dim {
		return
	}
	for j, r := range rows {
		y := table[int(r)*dim : int(r)*dim+dim]
		for i := n8; i < dim; i++ {
			out[j] += float32(x[i] * y[i])
		}
	}
}

// checkRows panics, as indexing would, unless every row of rows lies in
// table (dim columns): the assembly reads them unchecked.
func checkRows(table []float32, rows []int32, dim int) {
	lo, hi := rows[0], rows[0]
	for _, r := range rows[1:] {
		lo, hi = min(lo, r), max(hi, r)
	}
	_ = table[int(lo)*dim]
	_ = table[int(hi)*dim+dim-1]
}

func axpyAsm(a float32, x, y []float32) {
	y = y[:len(x)]
	n8 := len(x) &^ 7
	if n8 > 0 {
		axpy8(a, &x[0], &y[0], n8)
	}
	for i := n8; i < len(x); i++ {
		y[i] += float32(a * x[i])
	}
}

// axpyRowsAsm: the assembly takes every row's whole groups of 8, in row
// order; each element sees the same adds in the same order as in the
// portable loop, so the tail done after, row by row, gives the same bits.
func axpyRowsAsm(a, table []float32, rows []int32, y []float32) {
	dim := len(y)
	if len(rows) == 0 {
		return
	}
	a = a[:len(rows)]
	checkRows(table, rows, dim)
	n8 := dim &^ 7
	if n8 > 0 {
		axpyRows8(&a[0], &table[0], &rows[0], len(rows), dim, &y[0], n8)
	}
	if n8 < dim {
		for j, r := range rows {
			x := table[int(r)*dim : int(r)*dim+dim]
			for i := n8; i < dim; i++ {
				y[i] += float32(a[j] * x[i])
			}
		}
	}
}

// scatterAsm: as axpyRowsAsm, row by row into the table.
func scatterAsm(a, x, table []float32, rows []int32) {
	dim := len(x)
	if len(rows) == 0 {
		return
	}
	a = a[:len(rows)]
	checkRows(table, rows, dim)
	n8 := dim &^ 7
	if n8 > 0 {
		scatter8(&a[0], &x[0], &table[0], &rows[0], len(rows), dim, n8)
	}
	if n8 < dim {
		for j, r := range rows {
			y := table[int(r)*dim : int(r)*dim+dim]
			for i := n8; i < dim; i++ {
				y[i] += float32(a[j] * x[i])
			}
		}
	}
}

func axpbyAsm(a float32, x []float32, b float32, y []float32) {
	y = y[:len(x)]
	n8 := len(x) &^ 7
	if n8 > 0 {
		axpby8(a, &x[0], b, &y[0], n8)
	}
	for i := n8; i < len(x); i++ {
		y[i] = float32(a*x[i]) + float32(b*y[i])
	}
}

func scalAsm(a float32, x []float32) {
	n8 := len(x) &^ 7
	if n8 > 0 {
		scal8(a, &x[0], n8)
	}
	for i := n8; i < len(x); i++ {
		x[i] = float32(a * x[i])
	}
}

func adamAsm(p, g, m, v []float32, s *AdamStep) bool {
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	n8 := len(p) &^ 7
	ok := true
	if n8 > 0 {
		ok = adam8(&p[0], &g[0], &m[0], &v[0], n8, s)
	}
	if n8 < len(p) {
		ok = adamPortable(p[n8:], g[n8:], m[n8:], v[n8:], s) && ok
	}
	return ok
}

func catchUpAsm(w, m, v []float32, s *SkipSteps) {
	m, v = m[:len(w)], v[:len(w)]
	n8 := len(w) &^ 7
	if n8 > 0 {
		catchUp8(&w[0], &m[0], &v[0], n8, s)
	}
	if n8 < len(w) {
		catchUpPortable(w[n8:], m[n8:], v[n8:], s)
	}
}

func catchUpSumAsm(w, m, v, c, e []float32, eps, decay1, decay2 float32) {
	m, v, e = m[:len(w)], v[:len(w)], e[:len(c)]
	n8 := len(w) &^ 7
	if n8 > 0 {
		var c0, e0 *float32
		if len(c) > 0 {
			c0, e0 = &c[0], &e[0]
		}
		catchUpSum8(&w[0], &m[0], &v[0], c0, e0, n8, len(c), eps, decay1, decay2)
	}
	if n8 < len(w) {
		catchUpSumPortable(w[n8:], m[n8:], v[n8:], c, e, eps, decay1, decay2)
	}
}

// scoresAsm is scoresAVX2's blocking (chunks of panels that stay in the
// L2 cache; 3 users times 2 panels of 8 items in six accumulators) with
// the assembly inner kernels.
func scoresAsm(users []float32, p *Panel, i0, i1 int, out []float32) {
	dim, w := p.Dim, i1-i0
	nu := len(users) / dim
	user := func(u int) *float32 { return &users[u*dim] }
	panel := func(q int) *[8]float32 { return &p.lanes[q*dim] }
	// store writes panel q's scores for user u that exist (the last panel
	// may be partial); i0 is a multiple of 16, so panels start at it.
	store := func(u, q int, a *[8]float32) {
		if j := q*8 - i0; j < w {
			copy(out[u*w+j:(u+1)*w], a[:])
		}
	}
	var six [6][8]float32
	var one [8]float32
	q0, q1 := i0/8, (i1+7)/8
	chunk := max(2, (256<<10)/(dim*32)&^1) // panels per chunk, even
	for c0 := q0; c0 < q1; c0 += chunk {
		c1 := min(c0+chunk, q1)
		u := 0
		for ; u+3 <= nu; u += 3 {
			q := c0
			for ; q+2 <= c1; q += 2 {
				scores3x16asm(user(u), user(u+1), user(u+2), panel(q), panel(q+1), dim, &six)
				store(u, q, &six[0])
				store(u+1, q, &six[1])
				store(u+2, q, &six[2])
				store(u, q+1, &six[3])
				store(u+1, q+1, &six[4])
				store(u+2, q+1, &six[5])
			}
			if q < c1 {
				for du := range 3 {
					scores1x8asm(user(u+du), panel(q), dim, &one)
					store(u+du, q, &one)
				}
			}
		}
		for ; u < nu; u++ {
			for q := c0; q < c1; q++ {
				scores1x8asm(user(u), panel(q), dim, &one)
				store(u, q, &one)
			}
		}
	}
}

func sumStepsAsm(s, c, e []float64, eps float64, out []float64) {
	e, out = e[:len(c)], out[:len(s)]
	n4 := len(s) &^ 3
	if n4 > 0 && len(c) > 0 {
		for i := 0; i < n4; i += 4 {
			sumSteps4(&s[i], &c[0], &e[0], len(c), eps, &out[i])
		}
	} else {
		n4 = 0
	}
	if n4 < len(s) {
		sumStepsPortable(s[n4:], c, e, eps, out[n4:])
	}
}
