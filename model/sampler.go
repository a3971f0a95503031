package model

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"onebp/data"
	"onebp/data/prng"
)

// sampler draws negatives: for a training row of user u, n items drawn
// uniformly without replacement from the items u has no training
// interaction with (test items included, as in the reference).
//
// It draws the k-th item of the complement directly, by a binary search in
// the user's sorted training row, so it needs no per-user candidate lists
// and never loops on a dense user; only repeats within the row are redrawn.
type sampler struct {
	train data.CSR
	items int
	n     int
}

func newSampler(train data.CSR, items, n int) (*sampler, error) {
	for u := range train.Rows() {
		if row := train.Row(u); len(row) > 0 && items-len(row) < n {
			return nil, fmt.Errorf("user %d has %d training items of %d: fewer than %d negatives left to sample", u, len(row), items, n)
		}
	}
	return &sampler{train: train, items: items, n: n}, nil
}

// sample fills out (length n) with the negatives of user u, drawn from src.
func (s *sampler) sample(src *rand.PCG, u int32, out []int32) {
	row := s.train.Row(int(u))
	free := uint64(s.items - len(row))
	for j := range out {
		for {
			item := kthMissing(row, int32(prng.Uintn(src, free)))
			if !slices.Contains(out[:j], item) {
				out[j] = item
				break
			}
		}
	}
}

// kthMissing returns the k-th (from 0) non-negative integer that is not in
// the sorted, duplicate-free row. row[j]-j counts the integers missing
// below row[j], so the answer is k plus the number of row entries whose
// count is at most k.
func kthMissing(row []int32, k int32) int32 {
	// Branch-free binary search for the number of j with row[j]-j <= k
	// (they form a prefix): the random k would defeat branch prediction.
	base, n := 0, len(row)
	for n > 1 {
		half := n / 2
		if row[base+half-1]-int32(base+half-1) <= k {
			base += half
		}
		n -= half
	}
	if n == 1 && row[base]-int32(base) <= k {
		base++
	}
	return k + int32(base)
}
