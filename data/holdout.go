package data

import (
	"fmt"
	"math"

	"onebp/internal/prng"
)

// heldOutCount is how many of a user's n training items a validation share
// holds out: round(share x n), at least 1 when n >= 2, never all.
func heldOutCount(n int, share float64) int {
	k := int(math.Round(share * float64(n)))
	if k == 0 && n >= 2 {
		k = 1
	}
	return min(k, max(n-1, 0))
}

// HoldOut returns the dataset a validated run trains on: for each user,
// heldOutCount(n, share) of its n training items, drawn with the stream
// (seed, validation, user), become the test set of the result, and the
// rest its training set. Evaluating the result's Test is the validation;
// d itself, whose Train is the union of the two, stays the dataset whose
// Test is evaluated with training and validation items masked. The
// result's Split says how it was made and its Fingerprint covers the new
// split.
func (d *Dataset) HoldOut(share float64, seed uint64) (*Dataset, error) {
	if !(share > 0 && share < 1) {
		return nil, fmt.Errorf("validation share %v: want more than 0 and less than 1", share)
	}
	rows := d.Train.Rows()
	train := CSR{Offsets: make([]int, 1, rows+1), Items: make([]int32, 0, d.Train.NNZ())}
	val := CSR{Offsets: make([]int, 1, rows+1)}
	src := prng.New(seed, prng.ForValidation)
	var pos []int
	var held []bool
	for u := range rows {
		row := d.Train.Row(u)
		pos, held = pos[:0], held[:0]
		for k := range row {
			pos = append(pos, k)
			held = append(held, false)
		}
		prng.Reseed(src, seed, prng.ForValidation, uint64(u))
		prng.Shuffle(src, len(pos), func(i, j int) { pos[i], pos[j] = pos[j], pos[i] })
		for _, k := range pos[:heldOutCount(len(row), share)] {
			held[k] = true
		}
		for k, i := range row {
			if held[k] {
				val.Items = append(val.Items, i)
			} else {
				train.Items = append(train.Items, i)
			}
		}
		train.Offsets = append(train.Offsets, len(train.Items))
		val.Offsets = append(val.Offsets, len(val.Items))
	}
	v := &Dataset{
		Name: d.Name, Users: d.Users, Items: d.Items, Train: train, Test: val,
		RawUsers: d.RawUsers, RawItems: d.RawItems,
		Split: fmt.Sprintf("%s; validation %g of each user's training items, seed %d", d.Split, share, seed),
	}
	v.Fingerprint = v.fingerprint()
	return v, nil
}
