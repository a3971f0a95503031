package f32

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchImpls runs f under "naive" (the doc comment's loop, when given) and
// every implementation of this build.
func benchImpls(b *testing.B, sub string, naive, f func(b *testing.B)) {
	defer Use(active.name)
	if naive != nil {
		b.Run("impl=naive/"+sub, naive)
	}
	for _, name := range Impls() {
		Use(name)
		b.Run("impl="+name+"/"+sub, f)
	}
}

func dotNaive(x, y []float32) float32 {
	var s float32
	for i := range x {
		s += float32(x[i] * y[i])
	}
	return s
}

var sink float32

// benchVectors runs a two-vector kernel, naive and as implemented, on
// lengths 32, 128 and 1024, x scaled by xScale, reporting GFLOP/s at 2
// flops per element.
func benchVectors(b *testing.B, seed uint64, xScale float32, naive, kernel func(x, y []float32)) {
	r := rand.New(rand.NewPCG(1, seed))
	for _, n := range []int{32, 128, 1024} {
		x, y := randomSlice(r, n), randomSlice(r, n)
		for i := range x {
			x[i] *= xScale
		}
		run := func(f func(x, y []float32)) func(*testing.B) {
			return func(b *testing.B) {
				for b.Loop() {
					f(x, y)
				}
				b.ReportMetric(2*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			}
		}
		benchImpls(b, fmt.Sprintf("n=%d", n), run(naive), run(kernel))
	}
}

func BenchmarkDot(b *testing.B) {
	benchVectors(b, 1, 1,
		func(x, y []float32) { sink += dotNaive(x, y) },
		func(x, y []float32) { sink += Dot(x, y) })
}

// BenchmarkDotSubnormal is BenchmarkDot with x, its products and its sums
// in float32's subnormal range (below 1.18e-38), as in a table an L2
// penalty has decayed toward zero: what the hardware's slow path for
// such values costs (docs/notes.md, "Tuning"). The bits stay the
// portable ones, so no kernel flushes them to zero.
func BenchmarkDotSubnormal(b *testing.B) {
	benchVectors(b, 1, 1e-39,
		func(x, y []float32) { sink += dotNaive(x, y) },
		func(x, y []float32) { sink += Dot(x, y) })
}

func BenchmarkAxpy(b *testing.B) {
	benchVectors(b, 2, 1,
		func(x, y []float32) {
			for i := range x {
				y[i] += float32(0.5 * x[i])
			}
		},
		func(x, y []float32) { Axpy(0.5, x, y) })
}

// BenchmarkFirstAbove scans a chunk of the evaluator's scores in which
// nothing is above the threshold, its usual case, reporting scores per
// nanosecond.
func BenchmarkFirstAbove(b *testing.B) {
	x := randomSlice(rand.New(rand.NewPCG(1, 3)), 512)
	run := func(f func([]float32, float32) int) func(*testing.B) {
		return func(b *testing.B) {
			for b.Loop() {
				sink += float32(f(x, 100))
			}
			b.ReportMetric(float64(len(x))*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "scores/ns")
		}
	}
	benchImpls(b, "n=512", run(firstAboveNaive), run(FirstAbove))
}

// BenchmarkAdam reports GB/s of memory touched: p, g, m, v read and p, m, v
// written, 28 bytes per element.
func BenchmarkAdam(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 3))
	for _, n := range []int{32, 128, 1024, 1 << 20} {
		p, g, m, v := randomSlice(r, n), randomSlice(r, n), randomSlice(r, n), randomSlice(r, n)
		for i := range v {
			v[i] *= v[i]
		}
		s := NewAdamStep(1e-3, 0.9, 0.999, 1e-8, 1e-6, 10)
		rate := func(b *testing.B) {
			b.ReportMetric(28*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
		}
		benchImpls(b, fmt.Sprintf("n=%d", n),
			func(b *testing.B) {
				for b.Loop() {
					adamNaive(p, g, m, v, &s)
				}
				rate(b)
			},
			func(b *testing.B) {
				for b.Loop() {
					Adam(p, g, m, v, &s)
				}
				rate(b)
			})
	}
}

// BenchmarkScores scores a 1024-user by 4096-item tile.
func BenchmarkScores(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 4))
	const nu, n = 1024, 4096
	for _, dim := range []int{32, 128, 1024} {
		users, items := randomSlice(r, nu*dim), randomSlice(r, n*dim)
		out := make([]float32, nu*n)
		benchImpls(b, fmt.Sprintf("dim=%d", dim), nil, func(b *testing.B) {
			var panel Panel
			PackItems(&panel, items, n, dim)
			for b.Loop() {
				Scores(users, &panel, 0, n, out)
			}
			b.ReportMetric(float64(nu*n*dim)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
		})
	}
}
