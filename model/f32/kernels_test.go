package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

var lengths = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 31, 32, 33, 127, 128, 1024, 2048}

// forEachImpl runs f once with every implementation this build has.
func forEachImpl(t *testing.T, f func(t *testing.T)) {
	defer Use(active.name)
	for _, name := range Impls() {
		if err := Use(name); err != nil {
			t.Fatal(err)
		}
		t.Run(name, f)
	}
}

func randomSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

const guardValue = float32(-7777.25)

// guarded returns a slice of n values from src inside guard cells.
func guarded(src []float32) (inner, whole []float32) {
	const g = 5
	whole = make([]float32, len(src)+2*g)
	for i := range whole {
		whole[i] = guardValue
	}
	copy(whole[g:], src)
	return whole[g : g+len(src) : g+len(src)], whole
}

func checkGuards(t *testing.T, whole []float32, n int) {
	t.Helper()
	for i, x := range whole {
		if (i < 5 || i >= 5+n) && x != guardValue {
			t.Fatalf("n=%d: guard cell %d changed to %v", n, i, x)
		}
	}
}

// dotLanes is Dot's doc comment, literally.
func dotLanes(x, y []float32) float32 {
	var lane [8]float32
	n8 := len(x) - len(x)%8
	for i := 0; i < n8; i++ {
		lane[i%8] += float32(x[i] * y[i])
	}
	s := ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]))
	for i := n8; i < len(x); i++ {
		s += float32(x[i] * y[i])
	}
	return s
}

// dotBound is the float64 dot product and a bound on any float32 summation
// order's error: (n+2) unit roundoffs of the sum of |x_i*y_i|.
func dotBound(x, y []float32) (exact, bound float64) {
	abs := 0.0
	for i := range x {
		p := float64(x[i]) * float64(y[i])
		exact += p
		abs += math.Abs(p)
	}
	return exact, float64(len(x)+2) * 0x1p-24 * abs
}

func TestDot(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		for _, n := range lengths {
			x, y := randomSlice(r, n), randomSlice(r, n)
			got := Dot(x, y)
			if want := dotLanes(x, y); got != want {
				t.Errorf("n=%d: Dot = %v, the 8-lane loop gives %v", n, got, want)
			}
			if exact, bound := dotBound(x, y); math.Abs(float64(got)-exact) > bound {
				t.Errorf("n=%d: Dot = %v, float64 %v, beyond the bound %g", n, got, exact, bound)
			}
		}
	})
}

func TestDots(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 4))
		for _, dim := range []int{1, 7, 8, 9, 32, 33} {
			table := randomSlice(r, 20*dim)
			x := randomSlice(r, dim)
			for count := range 8 {
				rows := make([]int32, count)
				for j := range rows {
					rows[j] = int32(r.IntN(20))
				}
				out, whole := guarded(make([]float32, count))
				Dots(x, table, rows, out)
				checkGuards(t, whole, count)
				for j, row := range rows {
					if want := dotLanes(x, table[int(row)*dim:int(row+1)*dim]); out[j] != want {
						t.Errorf("dim=%d count=%d: out[%d] = %v, Dot gives %v", dim, count, j, out[j], want)
					}
				}
			}
		}
	})
}

// TestAxpyRowsAndScatter: both are their doc comments' loops of Axpy, run
// as the naive per-element loop, bit for bit, rows repeated included.
func TestAxpyRowsAndScatter(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(11, 12))
		for _, dim := range []int{1, 7, 8, 9, 16, 32, 33, 128} {
			const tableRows = 6
			for count := range 9 {
				a, x := randomSlice(r, count), randomSlice(r, dim)
				rows := make([]int32, count)
				for j := range rows {
					rows[j] = int32(r.IntN(tableRows))
				}
				table0 := randomSlice(r, tableRows*dim)

				y, whole := guarded(x)
				AxpyRows(a, table0, rows, y)
				checkGuards(t, whole, dim)
				want := append([]float32(nil), x...)
				for j, row := range rows {
					for i := range want {
						want[i] += float32(a[j] * table0[int(row)*dim+i])
					}
				}
				for i := range want {
					if y[i] != want[i] {
						t.Fatalf("AxpyRows dim=%d count=%d: y[%d] = %v, the naive loop gives %v", dim, count, i, y[i], want[i])
					}
				}

				table, whole := guarded(table0)
				ScatterAxpy(a, x, table, rows)
				checkGuards(t, whole, len(table0))
				want = append([]float32(nil), table0...)
				for j, row := range rows {
					for i := range dim {
						want[int(row)*dim+i] += float32(a[j] * x[i])
					}
				}
				for i := range want {
					if table[i] != want[i] {
						t.Fatalf("ScatterAxpy dim=%d count=%d: table[%d] = %v, the naive loop gives %v", dim, count, i, table[i], want[i])
					}
				}
			}
			// A row outside the table panics, as indexing does, before
			// any memory is touched.
			table, x := make([]float32, tableRows*dim), make([]float32, dim)
			for _, bad := range []int32{-1, tableRows} {
				rows, a := []int32{0, bad}, []float32{1, 1}
				for name, f := range map[string]func(){
					"AxpyRows": func() { AxpyRows(a, table, rows, x) },
					"Scatter":  func() { ScatterAxpy(a, x, table, rows) },
					"Dots":     func() { Dots(x, table, rows, a) },
				} {
					func() {
						defer func() {
							if recover() == nil {
								t.Errorf("%s dim=%d: row %d of %d did not panic", name, dim, bad, tableRows)
							}
						}()
						f()
					}()
				}
			}
		}
	})
}

func TestElementwise(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(5, 6))
		a, b := float32(0.3), float32(-1.7)
		for _, n := range lengths {
			x, y0 := randomSlice(r, n), randomSlice(r, n)
			for _, c := range []struct {
				name  string
				run   func(y []float32)
				naive func(i int) float32
				exact func(i int) float64
			}{
				{"Axpy", func(y []float32) { Axpy(a, x, y) },
					func(i int) float32 { return y0[i] + float32(a*x[i]) },
					func(i int) float64 { return float64(y0[i]) + float64(a)*float64(x[i]) }},
				{"Axpby", func(y []float32) { Axpby(a, x, b, y) },
					func(i int) float32 { return float32(a*x[i]) + float32(b*y0[i]) },
					func(i int) float64 { return float64(a)*float64(x[i]) + float64(b)*float64(y0[i]) }},
				{"Scal", func(y []float32) { Scal(b, y) },
					func(i int) float32 { return float32(b * y0[i]) },
					func(i int) float64 { return float64(b) * float64(y0[i]) }},
			} {
				y, whole := guarded(y0)
				c.run(y)
				checkGuards(t, whole, n)
				for i := range y {
					if y[i] != c.naive(i) {
						t.Fatalf("%s n=%d: y[%d] = %v, the naive loop gives %v", c.name, n, i, y[i], c.naive(i))
					}
					e := c.exact(i)
					if math.Abs(float64(y[i])-e) > 3*0x1p-24*(math.Abs(e)+math.Abs(float64(y0[i]))+math.Abs(float64(x[i]))) {
						t.Fatalf("%s n=%d: y[%d] = %v, float64 %v", c.name, n, i, y[i], e)
					}
				}
			}
		}
	})
}

// adamNaive is Adam's doc comment, literally.
func adamNaive(p, g, m, v []float32, s *AdamStep) {
	for i := range p {
		gi := g[i] + float32(s.WeightDecay*p[i])
		m[i] = float32(s.Beta1*m[i]) + float32(s.OneMinusBeta1*gi)
		v[i] = float32(s.Beta2*v[i]) + float32(float32(s.OneMinusBeta2*gi)*gi)
		denom := float32(math.Sqrt(float64(v[i])))/s.BiasCorrection2Sqrt + s.Eps
		p[i] -= float32(s.StepSize*m[i]) / denom
	}
}

func TestAdamMatchesNaiveLoop(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(7, 8))
		for _, n := range lengths {
			for _, wd := range []float64{0, 1e-5} {
				p0, g := randomSlice(r, n), randomSlice(r, n)
				m0, v0 := randomSlice(r, n), randomSlice(r, n)
				for i := range v0 {
					v0[i] *= v0[i]
				}
				for t1 := 1; t1 <= 3; t1++ {
					s := NewAdamStep(5e-4, 0.9, 0.999, 1e-8, wd, t1)
					for _, zero := range []bool{false, true} {
						grad := g
						if zero { // a row absent from the batch
							grad = make([]float32, n)
						}
						p, pw := guarded(p0)
						m, mw := guarded(m0)
						v, vw := guarded(v0)
						wp, wm, wv := append([]float32(nil), p0...), append([]float32(nil), m0...), append([]float32(nil), v0...)
						if !Adam(p, grad, m, v, &s) {
							t.Fatalf("n=%d: finite inputs reported non-finite", n)
						}
						adamNaive(wp, grad, wm, wv, &s)
						checkGuards(t, pw, n)
						checkGuards(t, mw, n)
						checkGuards(t, vw, n)
						for i := range p {
							if p[i] != wp[i] || m[i] != wm[i] || v[i] != wv[i] {
								t.Fatalf("n=%d wd=%g t=%d zero=%v: element %d differs from the naive loop", n, wd, t1, zero, i)
							}
						}
					}
				}
			}
		}
	})
}

// TestAdamReportsNonFinite: one infinite or NaN input anywhere makes Adam
// report it.
func TestAdamReportsNonFinite(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		s := NewAdamStep(1e-3, 0.9, 0.999, 1e-8, 0, 1)
		for _, n := range []int{1, 7, 8, 9, 33} {
			for _, bad := range []float32{float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())} {
				for at := range n {
					p, g := make([]float32, n), make([]float32, n)
					g[at] = bad
					if Adam(p, g, make([]float32, n), make([]float32, n), &s) {
						t.Fatalf("n=%d: gradient %v at %d not reported", n, bad, at)
					}
				}
			}
		}
	})
}

func TestPow(t *testing.T) {
	for _, c := range []struct {
		x float64
		n int
	}{{0.9, 0}, {0.9, 1}, {0.9, 2}, {0.999, 7}, {0.999, 1000}, {0.9, 123457}} {
		if got, want := Pow(c.x, c.n), math.Pow(c.x, float64(c.n)); math.Abs(got-want) > 1e-13*want && got != want {
			t.Errorf("Pow(%v, %d) = %v, math.Pow %v", c.x, c.n, got, want)
		}
	}
}

// TestAdamHandComputed checks Adam against values computed here from the
// textbook formulas in float64, over several steps with and without weight
// decay, including step 1 where the update is lr*g/(|g|+eps).
func TestAdamHandComputed(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		const lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
		grads := []float64{0.5, -0.25, 2, 0, 0.125}
		for _, wd := range []float64{0, 0.1} {
			p, m, v := []float32{1}, []float32{0}, []float32{0}
			wantP, wantM, wantV := 1.0, 0.0, 0.0
			for step, gr := range grads {
				t1 := step + 1
				s := NewAdamStep(lr, b1, b2, eps, wd, t1)
				Adam(p, []float32{float32(gr)}, m, v, &s)
				g := gr + wd*wantP
				wantM = b1*wantM + (1-b1)*g
				wantV = b2*wantV + (1-b2)*g*g
				mHat := wantM / (1 - math.Pow(b1, float64(t1)))
				vHat := wantV / (1 - math.Pow(b2, float64(t1)))
				wantP -= lr * mHat / (math.Sqrt(vHat) + eps)
				if t1 == 1 {
					g1 := 0.5 + wd*1
					if first := 1 - lr*g1/(math.Abs(g1)+eps); math.Abs(first-wantP) > 1e-12 {
						t.Fatalf("the test's own step 1 is wrong: %v vs %v", first, wantP)
					}
				}
				for _, c := range []struct {
					name      string
					got, want float64
				}{{"p", float64(p[0]), wantP}, {"m", float64(m[0]), wantM}, {"v", float64(v[0]), wantV}} {
					if math.Abs(c.got-c.want) > 1e-6*math.Max(1, math.Abs(c.want)) {
						t.Errorf("wd=%g t=%d: %s = %.9g, want %.9g", wd, t1, c.name, c.got, c.want)
					}
				}
			}
		}
	})
}

// scoresNaive is Scores' doc comment, literally.
func scoresNaive(users, items []float32, i0, i1, dim int, out []float32) {
	w := i1 - i0
	for u := range len(users) / dim {
		for i := i0; i < i1; i++ {
			var s float32
			for k := range dim {
				s += float32(users[u*dim+k] * items[i*dim+k])
			}
			out[u*w+i-i0] = s
		}
	}
}

func TestScores(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 10))
		var panel Panel
		for _, dim := range []int{1, 3, 8, 32, 33} {
			for _, nu := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 17} {
				for _, n := range []int{0, 1, 2, 7, 8, 9, 15, 16, 17, 33, 100} {
					users, items := randomSlice(r, nu*dim), randomSlice(r, n*dim)
					PackItems(&panel, items, n, dim)
					for _, span := range [][2]int{{0, n}, {16, n}, {0, n / 2}, {32, 32 + n%7}} {
						i0, i1 := span[0], span[1]
						if i1 > n || i0 > i1 {
							continue
						}
						out, whole := guarded(make([]float32, nu*(i1-i0)))
						Scores(users, &panel, i0, i1, out)
						checkGuards(t, whole, nu*(i1-i0))
						want := make([]float32, nu*(i1-i0))
						scoresNaive(users, items, i0, i1, dim, want)
						for k := range want {
							if out[k] != want[k] {
								t.Fatalf("dim=%d users=%d items=[%d,%d) of %d: out[%d] = %v, the naive loop gives %v", dim, nu, i0, i1, n, k, out[k], want[k])
							}
						}
					}
				}
			}
		}
	})
}

// TestScoresLarge covers item counts beyond one cache chunk and
// dimensions beyond one block of columns, at the paper's 2048 and
// beyond.
func TestScoresLarge(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(11, 12))
		for _, c := range []struct{ nu, n, dim, i0 int }{
			{6, 3001, 64, 0},
			{13, 57, 2048, 16},
			{7, 40, 2309, 0},
		} {
			users, items := randomSlice(r, c.nu*c.dim), randomSlice(r, c.n*c.dim)
			var panel Panel
			PackItems(&panel, items, c.n, c.dim)
			w := c.n - c.i0
			out, whole := guarded(make([]float32, c.nu*w))
			Scores(users, &panel, c.i0, c.n, out)
			checkGuards(t, whole, c.nu*w)
			want := make([]float32, c.nu*w)
			scoresNaive(users, items, c.i0, c.n, c.dim, want)
			for k := range want {
				if out[k] != want[k] {
					t.Fatalf("%+v: out[%d] = %v, want %v", c, k, out[k], want[k])
				}
			}
		}
	})
}

func TestLengthMismatchPanics(t *testing.T) {
	s := NewAdamStep(1e-3, 0.9, 0.999, 1e-8, 0, 1)
	three, two := make([]float32, 3), make([]float32, 2)
	var panel Panel
	PackItems(&panel, make([]float32, 6), 2, 3)
	for name, f := range map[string]func(){
		"Dot":       func() { Dot(three, two) },
		"Dots":      func() { Dots(three, make([]float32, 7), []int32{0}, two) },
		"Axpy":      func() { Axpy(1, three, two) },
		"Axpby":     func() { Axpby(1, three, 1, two) },
		"AxpyRows":  func() { AxpyRows(two, make([]float32, 6), []int32{0}, three) },
		"Scatter":   func() { ScatterAxpy(two[:1], three, make([]float32, 7), []int32{0}) },
		"Adam":      func() { Adam(three, two, three, three, &s) },
		"PackItems": func() { PackItems(&panel, three, 2, 3) },
		"Scores":    func() { Scores(make([]float32, 6), &panel, 0, 2, three) },
		"Scores i0": func() { Scores(make([]float32, 6), &panel, 1, 2, two) },
	} {
		func() {
			defer func() {
				if got := recover(); got != errLength {
					t.Errorf("%s: recovered %v, want %q", name, got, errLength)
				}
			}()
			f()
		}()
	}
}

func TestUse(t *testing.T) {
	if err := Use("nonesuch"); err == nil {
		t.Fatal("Use accepted an unknown implementation")
	}
	if Impl() != Impls()[len(Impls())-1] {
		t.Errorf("active %s, want the preferred %v", Impl(), Impls())
	}
}

func ExampleDot() {
	fmt.Println(Dot([]float32{1, 2, 3}, []float32{4, 5, 6}))
	// Output: 32
}

// catchUpNaive is CatchUp's doc comment, literally.
func catchUpNaive(w, m, v []float32, s *SkipSteps) {
	for i := range w {
		if v[i] >= s.VMin {
			u := 1 / float32(math.Sqrt(float64(v[i])))
			x := float32(s.NegEps * u)
			acc := s.Coef[4]
			for n := 3; n >= 0; n-- {
				acc = s.Coef[n] + float32(x*acc)
			}
			w[i] -= float32(m[i] * float32(acc*u))
		}
		m[i] = float32(m[i] * s.Decay1)
		v[i] = float32(v[i] * s.Decay2)
	}
}

func TestCatchUpMatchesNaiveLoop(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 10))
		s := SkipSteps{Coef: [5]float32{3e-3, 2e-3, 5e-3, 1e-2, 4e-2}, NegEps: -1e-8, Decay1: 0.729, Decay2: 0.997, VMin: 1e-10}
		for _, n := range lengths {
			w0, m0, v0 := randomSlice(r, n), randomSlice(r, n), randomSlice(r, n)
			for i := range v0 {
				v0[i] *= v0[i] * 1e-6
				switch i % 5 {
				case 1:
					v0[i] = s.VMin * float32(r.Float64()) // left to the caller
				case 3:
					v0[i], m0[i] = 0, 0
				}
			}
			w, ww := guarded(w0)
			m, mw := guarded(m0)
			v, vw := guarded(v0)
			nw, nm, nv := append([]float32(nil), w0...), append([]float32(nil), m0...), append([]float32(nil), v0...)
			CatchUp(w, m, v, &s)
			catchUpNaive(nw, nm, nv, &s)
			checkGuards(t, ww, n)
			checkGuards(t, mw, n)
			checkGuards(t, vw, n)
			for i := range w {
				if math.Float32bits(w[i]) != math.Float32bits(nw[i]) || m[i] != nm[i] || v[i] != nv[i] {
					t.Fatalf("n=%d: element %d differs from the naive loop: w %v vs %v", n, i, w[i], nw[i])
				}
				if v0[i] < s.VMin && w[i] != w0[i] {
					t.Fatalf("n=%d: element %d below VMin moved", n, i)
				}
			}
		}
	})
}

// catchUpSumNaive is CatchUpSum's doc comment, literally.
func catchUpSumNaive(w, m, v, c, e []float32, eps, decay1, decay2 float32) {
	for i := range w {
		s := float32(math.Sqrt(float64(v[i])))
		var sum float32
		for j := range c {
			sum += c[j] / (float32(e[j]*s) + eps)
		}
		w[i] -= float32(m[i] * sum)
		m[i] = float32(m[i] * decay1)
		v[i] = float32(v[i] * decay2)
	}
}

func TestCatchUpSumMatchesNaiveLoop(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(11, 12))
		for _, steps := range []int{1, 3, 17} {
			c, e := make([]float32, steps), make([]float32, steps)
			for j := range c {
				c[j], e[j] = float32(5e-3*r.Float64()), float32(0.5+r.Float64())
			}
			for _, n := range lengths {
				w0, m0, v0 := randomSlice(r, n), randomSlice(r, n), randomSlice(r, n)
				for i := range v0 {
					v0[i] *= v0[i] * 1e-14 // s around eps, where the series would not do
				}
				w, ww := guarded(w0)
				m, mw := guarded(m0)
				v, vw := guarded(v0)
				nw, nm, nv := append([]float32(nil), w0...), append([]float32(nil), m0...), append([]float32(nil), v0...)
				CatchUpSum(w, m, v, c, e, 1e-8, 0.729, 0.997)
				catchUpSumNaive(nw, nm, nv, c, e, 1e-8, 0.729, 0.997)
				checkGuards(t, ww, n)
				checkGuards(t, mw, n)
				checkGuards(t, vw, n)
				for i := range w {
					if math.Float32bits(w[i]) != math.Float32bits(nw[i]) || m[i] != nm[i] || v[i] != nv[i] {
						t.Fatalf("steps=%d n=%d: element %d differs from the naive loop", steps, n, i)
					}
				}
			}
		}
	})
}

// sumStepsNaive is SumSteps' doc comment, literally.
func sumStepsNaive(s, c, e []float64, eps float64, out []float64) {
	for i := range s {
		var sum float64
		for j := range c {
			sum += c[j] / (float64(e[j]*s[i]) + eps)
		}
		out[i] = sum
	}
}

func TestSumStepsMatchesNaiveLoop(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(7, 8))
		for _, n := range []int{0, 1, 3, 4, 5, 8, 13} {
			for _, steps := range []int{0, 1, 7, 33, 256} {
				s, c, e := make([]float64, n), make([]float64, steps), make([]float64, steps)
				for i := range s {
					s[i] = math.Ldexp(r.Float64(), -r.IntN(40)) // down to tiny sqrt(v)
				}
				for j := range c {
					c[j], e[j] = 1e-3*r.Float64(), 0.5+r.Float64()
				}
				want := make([]float64, n)
				sumStepsNaive(s, c, e, 1e-8, want)
				got := make([]float64, n+2)
				got[n], got[n+1] = 42, 42 // guards
				SumSteps(s, c, e, 1e-8, got[:n])
				for i := range want {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Fatalf("n %d, %d steps, element %d: %v, want %v", n, steps, i, got[i], want[i])
					}
				}
				if got[n] != 42 || got[n+1] != 42 {
					t.Fatalf("n %d: wrote past the output", n)
				}
			}
		}
	})
}
