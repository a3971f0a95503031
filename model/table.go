// Package model trains two-tower ID-embedding recommenders with InfoNCE and
// Adam, updating the user tower either by backpropagation (TwoBP) or by the
// moving aggregation of OneBP (Chen & Wang, arXiv:2403.18227), exactly as
// DESIGN.md ("The method") describes. It takes the training CSR it needs
// and knows nothing about files.
package model

import (
	"math"
	"math/rand/v2"

	"onebp/internal/prng"
	"onebp/model/detmath"
)

// Table is an embedding table: Rows rows of Dim float32s, row-major in one
// flat slice.
type Table struct {
	Rows, Dim int
	Data      []float32
}

// NewTable returns a zeroed table.
func NewTable(rows, dim int) Table {
	return Table{Rows: rows, Dim: dim, Data: make([]float32, rows*dim)}
}

// Row returns row i, aliasing the table.
func (t Table) Row(i int) []float32 { return t.Data[i*t.Dim : (i+1)*t.Dim : (i+1)*t.Dim] }

// CloneInto copies t into dst's storage when it has t's shape, else into
// a new table, and returns the copy.
func (t Table) CloneInto(dst Table) Table {
	if dst.Rows != t.Rows || dst.Dim != t.Dim {
		dst = NewTable(t.Rows, t.Dim)
	}
	copy(dst.Data, t.Data)
	return dst
}

// Bytes is the table's memory.
func (t Table) Bytes() int64 { return int64(len(t.Data)) * 4 }

// initBlock is the number of rows initialised from one random stream, so
// that initialisation can run in parallel and still not depend on how the
// rows are shared out.
const initBlock = 1024

// XavierNormal fills the table with draws from N(0, std^2), std =
// sqrt(2 / (rows + dim)) (PyTorch's xavier_normal_ for a rows x dim weight).
// Rows [b*1024, (b+1)*1024) come from the stream (seed, ForInit, which, b);
// which tells the tables of one model apart.
func (t Table) XavierNormal(seed, which uint64, workers int) {
	std := math.Sqrt(2 / float64(t.Rows+t.Dim))
	blocks := (t.Rows + initBlock - 1) / initBlock
	parallelFor(blocks, workers, func(_, lo, hi int) {
		src := prng.New(seed, prng.ForInit, which)
		for b := lo; b < hi; b++ {
			prng.Reseed(src, seed, prng.ForInit, which, uint64(b))
			block := t.Data[b*initBlock*t.Dim : min((b+1)*initBlock, t.Rows)*t.Dim]
			for k := 0; k < len(block); k += 2 {
				z0, z1 := normalPair(src)
				block[k] = float32(std * z0)
				if k+1 < len(block) {
					block[k+1] = float32(std * z1)
				}
			}
		}
	})
}

// normalPair draws two independent standard normals with Marsaglia's polar
// method, using this package's portable log so that the draws are the same
// on every platform.
func normalPair(src *rand.PCG) (float64, float64) {
	for {
		u := 2*prng.Float64(src) - 1
		v := 2*prng.Float64(src) - 1
		s := float64(u*u) + float64(v*v)
		if s >= 1 || s == 0 {
			continue
		}
		f := math.Sqrt(float64(-2*detmath.Log(s)) / s)
		return u * f, v * f
	}
}
