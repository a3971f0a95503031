package f32

// The portable implementations: unrolled, with the multiply of every
// multiply-add rounded on its own (float32(x*y)), and free of bounds checks
// in their loops (the loop conditions name both slices so the compiler can
// prove every index; check with -gcflags=-d=ssa/check_bce/debug=1).

func dotPortable(x, y []float32) float32 {
	var l0, l1, l2, l3, l4, l5, l6, l7 float32
	i := 0
	for ; i <= len(x)-8 && i <= len(y)-8; i += 8 {
		xs := x[i : i+8 : i+8]
		ys := y[i : i+8 : i+8]
		l0 += float32(xs[0] * ys[0])
		l1 += float32(xs[1] * ys[1])
		l2 += float32(xs[2] * ys[2])
		l3 += float32(xs[3] * ys[3])
		l4 += float32(xs[4] * ys[4])
		l5 += float32(xs[5] * ys[5])
		l6 += float32(xs[6] * ys[6])
		l7 += float32(xs[7] * ys[7])
	}
	s := ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7))
	y = y[i:len(x)]
	for k, xk := range x[i:] {
		s += float32(xk * y[k])
	}
	return s
}

func dotsPortable(x, table []float32, rows []int32, out []float32) {
	dim := len(x)
	out = out[:len(rows)]
	for j, r := range rows {
		out[j] = dotPortable(x, table[int(r)*dim:int(r)*dim+dim])
	}
}

func axpyPortable(a float32, x, y []float32) {
	i := 0
	for ; i <= len(x)-4 && i <= len(y)-4; i += 4 {
		xs := x[i : i+4 : i+4]
		ys := y[i : i+4 : i+4]
		ys[0] += float32(a * xs[0])
		ys[1] += float32(a * xs[1])
		ys[2] += float32(a * xs[2])
		ys[3] += float32(a * xs[3])
	}
	y = y[i:len(x)]
	for k, xk := range x[i:] {
		y[k] += float32(a * xk)
	}
}

func axpbyPortable(a float32, x []float32, b float32, y []float32) {
	i := 0
	for ; i <= len(x)-4 && i <= len(y)-4; i += 4 {
		xs := x[i : i+4 : i+4]
		ys := y[i : i+4 : i+4]
		ys[0] = float32(a*xs[0]) + float32(b*ys[0])
		ys[1] = float32(a*xs[1]) + float32(b*ys[1])
		ys[2] = float32(a*xs[2]) + float32(b*ys[2])
		ys[3] = float32(a*xs[3]) + float32(b*ys[3])
	}
	y = y[i:len(x)]
	for k, xk := range x[i:] {
		y[k] = float32(a*xk) + float32(b*y[k])
	}
}

func scalPortable(a float32, x []float32) {
	for i := range x {
		x[i] = float32(a * x[i])
	}
}
