package f32

const errLength = "model: f32: length mismatch"

// kernels is one implementation of every kernel. The exported functions
// check lengths and call the active set.
type kernels struct {
	name       string
	dot        func(x, y []float32) float32
	dots       func(x, table []float32, rows []int32, out []float32)
	axpy       func(a float32, x, y []float32)
	axpyRows   func(a, table []float32, rows []int32, y []float32)
	scatter    func(a, x, table []float32, rows []int32)
	axpby      func(a float32, x []float32, b float32, y []float32)
	scal       func(a float32, x []float32)
	adam       func(p, g, m, v []float32, s *AdamStep) bool
	catchUp    func(w, m, v []float32, s *SkipSteps)
	catchUpSum func(w, m, v, c, e []float32, eps, decay1, decay2 float32)
	sumSteps   func(s, c, e []float64, eps float64, out []float64)
	packItems  func(p *Panel, items []float32)
	scores     func(users []float32, panel *Panel, i0, i1 int, out []float32)
	nonFinite  func(x []float32) bool
	firstAbove func(x []float32, t float32) int
}

var portable = &kernels{
	name:       "unrolled",
	dot:        dotPortable,
	dots:       dotsPortable,
	axpy:       axpyPortable,
	axpyRows:   axpyRowsWith(axpyPortable),
	scatter:    scatterWith(axpyPortable),
	axpby:      axpbyPortable,
	scal:       scalPortable,
	adam:       adamPortable,
	catchUp:    catchUpPortable,
	catchUpSum: catchUpSumPortable,
	sumSteps:   sumStepsPortable,
	packItems:  packItemsPortable,
	scores:     scoresPortable,
	nonFinite:  nonFinitePortable,
	firstAbove: firstAbovePortable,
}

// available lists the implementations this build and CPU can run, the
// preferred one last; init code in SIMD builds appends to it.
var available = []*kernels{portable}

// active is the implementation the exported functions call.
var active = portable

// Impl names the active implementation: "asm" (AVX2 assembly, amd64 CPUs
// with AVX2, in every build but -tags purego), "avx512" (the same, scoring
// with AVX-512 assembly on CPUs with AVX-512F), "unrolled" (portable Go,
// elsewhere) or "simd" (AVX2 through simd/archsimd, GOEXPERIMENT=simd,
// when selected with Use); results record it.
func Impl() string { return active.name }

// Dot returns the dot product of x and y, summed in 8 lanes:
//
//	var lane [8]float32
//	n8 := len(x) - len(x)%8
//	for i := 0; i < n8; i++ {
//		lane[i%8] += float32(x[i] * y[i])
//	}
//	s := ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]))
//	for i := n8; i < len(x); i++ {
//		s += float32(x[i] * y[i])
//	}
//	return s
func Dot(x, y []float32) float32 {
	if len(x) != len(y) {
		panic(errLength)
	}
	return active.dot(x, y)
}

// Dots sets out[j] = Dot(x, row rows[j] of table), where table is row-major
// with len(x) columns.
func Dots(x, table []float32, rows []int32, out []float32) {
	if len(rows) != len(out) || len(x) == 0 || len(table)%len(x) != 0 {
		panic(errLength)
	}
	active.dots(x, table, rows, out)
}

// Axpy adds a*x to y:
//
//	for i := range x {
//		y[i] += float32(a * x[i])
//	}
func Axpy(a float32, x, y []float32) {
	if len(x) != len(y) {
		panic(errLength)
	}
	active.axpy(a, x, y)
}

// AxpyRows adds a[j] times row rows[j] of table (row-major, len(y)
// columns) to y, for each j in order, as many Axpy calls would:
//
//	for j, r := range rows {
//		Axpy(a[j], table[int(r)*len(y):int(r+1)*len(y)], y)
//	}
func AxpyRows(a, table []float32, rows []int32, y []float32) {
	if len(a) != len(rows) || len(y) == 0 || len(table)%len(y) != 0 {
		panic(errLength)
	}
	active.axpyRows(a, table, rows, y)
}

// ScatterAxpy adds a[j]*x to row rows[j] of table (row-major, len(x)
// columns), for each j in order, as many Axpy calls would:
//
//	for j, r := range rows {
//		Axpy(a[j], x, table[int(r)*len(x):int(r+1)*len(x)])
//	}
func ScatterAxpy(a, x, table []float32, rows []int32) {
	if len(a) != len(rows) || len(x) == 0 || len(table)%len(x) != 0 {
		panic(errLength)
	}
	active.scatter(a, x, table, rows)
}

// axpyRowsWith is AxpyRows's loop over an implementation's axpy.
func axpyRowsWith(axpy func(a float32, x, y []float32)) func(a, table []float32, rows []int32, y []float32) {
	return func(a, table []float32, rows []int32, y []float32) {
		dim := len(y)
		for j, r := range rows {
			axpy(a[j], table[int(r)*dim:int(r)*dim+dim], y)
		}
	}
}

// scatterWith is ScatterAxpy's loop over an implementation's axpy.
func scatterWith(axpy func(a float32, x, y []float32)) func(a, x, table []float32, rows []int32) {
	return func(a, x, table []float32, rows []int32) {
		dim := len(x)
		for j, r := range rows {
			axpy(a[j], x, table[int(r)*dim:int(r)*dim+dim])
		}
	}
}

// Axpby sets y to a*x + b*y, the moving aggregation's e = (1-beta)*v + beta*e:
//
//	for i := range x {
//		y[i] = float32(a*x[i]) + float32(b*y[i])
//	}
func Axpby(a float32, x []float32, b float32, y []float32) {
	if len(x) != len(y) {
		panic(errLength)
	}
	active.axpby(a, x, b, y)
}

// Scal multiplies x by a:
//
//	for i := range x {
//		x[i] = float32(a * x[i])
//	}
func Scal(a float32, x []float32) { active.scal(a, x) }
