package data

import (
	"math/bits"
	"slices"
)

// CSR holds one sorted, duplicate-free list of item ids per user (row) in a
// single flat slice: row u is Items[Offsets[u]:Offsets[u+1]].
type CSR struct {
	Offsets []int // len(Offsets) == rows+1, Offsets[0] == 0
	Items   []int32
}

// Rows returns the number of users.
func (c CSR) Rows() int { return len(c.Offsets) - 1 }

// NNZ returns the number of (user, item) pairs.
func (c CSR) NNZ() int { return len(c.Items) }

// Row returns the sorted items of user u; the caller must not modify it.
func (c CSR) Row(u int) []int32 { return c.Items[c.Offsets[u]:c.Offsets[u+1]] }

// Has reports whether user u has item i; users beyond the table have none.
func (c CSR) Has(u, i int32) bool {
	if int(u) >= c.Rows() {
		return false
	}
	_, found := slices.BinarySearch(c.Row(int(u)), i)
	return found
}

// pack and unpack keep a (user, item) pair of non-negative int32 ids in one
// uint64 whose order is user-major, item-minor, so sorting pairs sorts CSR
// rows.
func pack(u, i int32) uint64       { return uint64(u)<<32 | uint64(uint32(i)) }
func unpack(p uint64) (u, i int32) { return int32(p >> 32), int32(uint32(p)) }

// buildCSR makes a CSR with rows users from packed pairs, collapsing
// duplicates. It sorts pairs in place; every user id must be below rows.
func buildCSR(rows int, pairs []uint64) CSR {
	pairs = sortedUnique(pairs)
	c := CSR{Offsets: make([]int, rows+1), Items: make([]int32, len(pairs))}
	for k, p := range pairs {
		u, i := unpack(p)
		c.Offsets[u+1]++
		c.Items[k] = i
	}
	for u := 0; u < rows; u++ {
		c.Offsets[u+1] += c.Offsets[u]
	}
	return c
}

// withRows returns c extended with empty rows up to rows users.
func (c CSR) withRows(rows int) CSR {
	for c.Rows() < rows {
		c.Offsets = append(c.Offsets, len(c.Items))
	}
	return c
}

// sortedUnique sorts a and drops duplicates, returning the shortened
// slice. Input that is already sorted costs one pass; otherwise a
// least-significant-digit radix sort runs over the bits the keys use, in
// digits of at most 12 bits so the counts stay in cache.
func sortedUnique(a []uint64) []uint64 {
	if !slices.IsSorted(a) {
		radixSort(a)
	}
	return slices.Compact(a)
}

func radixSort(a []uint64) {
	var used uint64
	for _, x := range a {
		used |= x
	}
	width := bits.Len64(used)
	passes := (width + 11) / 12
	digit := (width + passes - 1) / passes
	mask := uint64(1)<<digit - 1
	counts := make([]int, 1<<digit)
	scratch := make([]uint64, len(a))
	for shift := 0; shift < width; shift += digit {
		clear(counts)
		for _, x := range a {
			counts[x>>shift&mask]++
		}
		pos := 0
		for v, n := range counts {
			counts[v] = pos
			pos += n
		}
		for _, x := range a {
			v := x >> shift & mask
			scratch[counts[v]] = x
			counts[v]++
		}
		a, scratch = scratch, a
	}
	if passes%2 == 1 {
		copy(scratch, a) // the sorted keys are in the scratch buffer
	}
}
