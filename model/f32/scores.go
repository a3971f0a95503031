package f32

// A Panel is an item table prepared for Scores by PackItems: the portable
// code reads the rows as they are, the SIMD code reads them repacked so that
// one vector holds the same column of several items.
type Panel struct {
	N, Dim int
	rows   []float32     // portable: the item table as given
	lanes  [][8]float32  // AVX2: panels of 8 items, see packPanels
	wide   [][16]float32 // AVX-512: panels of 16 items
	packer *kernels
}

// PackItems prepares the row-major table items (n rows of dim columns) for
// Scores, reusing p's memory. items must not change while p is in use.
func PackItems(p *Panel, items []float32, n, dim int) {
	if len(items) != n*dim || dim <= 0 {
		panic(errLength)
	}
	p.N, p.Dim, p.packer = n, dim, active
	active.packItems(p, items)
}

// ScoresAlign is what the first item of a Scores call must be a multiple
// of.
const ScoresAlign = 16

// Scores sets out to the scores of users (row-major, Dim columns) against
// the items [i0, i1) of the panel, out[u*w+i-i0] (w = i1-i0) being user u's
// score for item i, summed in plain index order:
//
//	for u := range len(users) / dim {
//		for i := i0; i < i1; i++ {
//			var s float32
//			for k := range dim {
//				s += float32(users[u*dim+k] * items[i*dim+k])
//			}
//			out[u*w+i-i0] = s
//		}
//	}
//
// Each output is one chain of additions; the kernels gain their speed by
// computing a block of users times a block of items at once. i0 must be a
// multiple of ScoresAlign.
func Scores(users []float32, p *Panel, i0, i1 int, out []float32) {
	if p.packer != active {
		panic("model: f32: panel packed by another implementation")
	}
	if i0 < 0 || i0%ScoresAlign != 0 || i1 < i0 || i1 > p.N || len(users)%p.Dim != 0 || len(out) != len(users)/p.Dim*(i1-i0) {
		panic(errLength)
	}
	active.scores(users, p, i0, i1, out)
}

func packItemsPortable(p *Panel, items []float32) { p.rows = items }

// scoresPortable works through the items in chunks that stay in the L2
// cache; within a chunk, 3 users times 2 items accumulate in 6 registers
// over the columns, then the edges take the same plain loop.
func scoresPortable(users []float32, p *Panel, i0, i1 int, out []float32) {
	dim, w := p.Dim, i1-i0
	nu := len(users) / dim
	user := func(u int) []float32 { return users[u*dim : u*dim+dim] }
	item := func(i int) []float32 { return p.rows[i*dim : i*dim+dim] }
	chunk := max(2, (128<<10)/(dim*4)&^1) // items per chunk, even
	for c0 := i0; c0 < i1; c0 += chunk {
		c1 := min(c0+chunk, i1)
		u := 0
		for ; u+3 <= nu; u += 3 {
			// Output rows, indexed by item minus i0.
			o0 := out[u*w : (u+1)*w]
			o1 := out[(u+1)*w : (u+2)*w]
			o2 := out[(u+2)*w : (u+3)*w]
			i := c0
			for ; i+2 <= c1; i += 2 {
				s := scores3x2(user(u), user(u+1), user(u+2), item(i), item(i+1))
				j := i - i0
				o0[j], o0[j+1] = s[0], s[1]
				o1[j], o1[j+1] = s[2], s[3]
				o2[j], o2[j+1] = s[4], s[5]
			}
			for ; i < c1; i++ {
				o0[i-i0] = dotSequential(user(u), item(i))
				o1[i-i0] = dotSequential(user(u+1), item(i))
				o2[i-i0] = dotSequential(user(u+2), item(i))
			}
		}
		for ; u < nu; u++ {
			for i := c0; i < c1; i++ {
				out[u*w+i-i0] = dotSequential(user(u), item(i))
			}
		}
	}
}

// scores3x2 is the inner kernel: users x0..x2 against items y0, y1, the six
// sums in the order u0i0, u0i1, u1i0, ... It is a function of its own so
// that the register allocator sees only it, and no larger because the Go
// compiler spills the running sums of a 4x2 block.
func scores3x2(x0, x1, x2, y0, y1 []float32) [6]float32 {
	x1, x2 = x1[:len(x0)], x2[:len(x0)]
	y0, y1 = y0[:len(x0)], y1[:len(x0)]
	var s00, s01, s10, s11, s20, s21 float32
	for k, a := range x0 {
		b0, b1 := y0[k], y1[k]
		s00 += float32(a * b0)
		s01 += float32(a * b1)
		a = x1[k]
		s10 += float32(a * b0)
		s11 += float32(a * b1)
		a = x2[k]
		s20 += float32(a * b0)
		s21 += float32(a * b1)
	}
	return [6]float32{s00, s01, s10, s11, s20, s21}
}

// dotSequential is Scores' order for one output: one chain over k.
func dotSequential(x, y []float32) float32 {
	y = y[:len(x)]
	var s float32
	for k, xk := range x {
		s += float32(xk * y[k])
	}
	return s
}
