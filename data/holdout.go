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
	train, val := holdOutPerUser(d.Train, seed, prng.ForValidation, func(n int) int { return heldOutCount(n, share) })
	v := &Dataset{
		Name: d.Name, Users: d.Users, Items: d.Items, Train: train, Test: val,
		RawUsers: d.RawUsers, RawItems: d.RawItems,
		Split: fmt.Sprintf("%s; validation %g of each user's training items, seed %d", d.Split, share, seed),
	}
	v.Fingerprint = v.fingerprint()
	return v, nil
}
