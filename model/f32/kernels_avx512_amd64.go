//go:build amd64 && !purego

package f32

// The AVX-512 scoring kernels (kernels_avx512_amd64.s): on CPUs that have
// AVX-512F, the assembly set runs with these in place of its AVX2 scores.
// A 512-bit register holds 16 items' column, twice the AVX2 kernels'
// width, for the same count of multiplies and adds, which is what bounds
// them. Only Scores, most of an evaluation's time at the paper's
// dimensions; the training kernels stay at AVX2.

// withAVX512Scores returns a copy of k that scores with the AVX-512
// kernels.
func withAVX512Scores(k *kernels) *kernels {
	wide := *k
	wide.name = "avx512"
	wide.packItems = packItemsWide
	wide.scores = scoresWide
	return &wide
}

//go:noescape
func scores6x32z(x *float32, dim int, pa, pb *[16]float32, n int, out *float32, w int)

//go:noescape
func scores1x16z(x *float32, pa *[16]float32, n int, out *[16]float32)

// packItemsWide packs panels of 16 items for the AVX-512 kernels.
func packItemsWide(p *Panel, items []float32) {
	p.wide = packPanels(p.wide, items, p.N, p.Dim)
}

// wideColumns is how many columns a kernel call takes; each output's sum
// goes on in out from one block of columns to the next, so it remains one
// chain in column order. Blocks bound the panel data a group of users
// reads (2 panels x 16 items x 4 bytes a column, 128 KiB) to what stays in
// the L2 cache at the paper's dimensions, 1024 and 2048.
const wideColumns = 1024

// scoresWide computes Scores in blocks of wideColumns columns: per block,
// 6 users times 2 panels of 16 items in twelve accumulators, then the
// users and panels left over one by one, a partial last panel in a
// scratch of 16 outputs.
func scoresWide(users []float32, p *Panel, i0, i1 int, out []float32) {
	dim, w := p.Dim, i1-i0
	nu := len(users) / dim
	clear(out)
	q0, full, q1 := i0/16, (i0+w/16*16)/16, (i1+15)/16
	panel := func(q, k0 int) *[16]float32 { return &p.wide[q*dim+k0] }
	var edge [16]float32
	for k0 := 0; k0 < dim; k0 += wideColumns {
		n := min(wideColumns, dim-k0)
		q := q0
		for ; q+2 <= full; q += 2 {
			j := q*16 - i0
			u := 0
			for ; u+6 <= nu; u += 6 {
				scores6x32z(&users[u*dim+k0], dim, panel(q, k0), panel(q+1, k0), n, &out[u*w+j], w)
			}
			for ; u < nu; u++ {
				scores1x16z(&users[u*dim+k0], panel(q, k0), n, (*[16]float32)(out[u*w+j:]))
				scores1x16z(&users[u*dim+k0], panel(q+1, k0), n, (*[16]float32)(out[u*w+j+16:]))
			}
		}
		for ; q < q1; q++ {
			j := q*16 - i0
			for u := range nu {
				o := out[u*w+j : u*w+min(j+16, w)]
				copy(edge[:], o)
				scores1x16z(&users[u*dim+k0], panel(q, k0), n, &edge)
				copy(o, edge[:])
			}
		}
	}
}
