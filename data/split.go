package data

import (
	"fmt"

	"onebp/internal/prng"
)

// DefaultSplitSeed is the seed of the per-user split when none is given
// (the OneBP authors' seed).
const DefaultSplitSeed = 2022

func splitName(seed uint64) string { return fmt.Sprintf("per-user 80/20, seed %d", seed) }

// testCount is round(0.2 * n), at least 1 when n >= 2, in integer
// arithmetic (0.2 * n is never exactly halfway for an integer n).
func testCount(n int) int {
	t := (2*n + 5) / 10
	if t == 0 && n >= 2 {
		t = 1
	}
	return t
}

// splitPerUser is the seeded split of DESIGN.md ("The seeded split"), independent of file order:
// for each user u, its sorted items are shuffled with the stream (seed, u)
// and the first testCount(n_u) of them go to test, the rest to train.
//
// It shuffles positions rather than items, which moves the same elements,
// and then walks the sorted row once so both halves come out sorted.
func splitPerUser(all CSR, seed uint64) (train, test CSR) {
	rows := all.Rows()
	train = CSR{Offsets: make([]int, 1, rows+1), Items: make([]int32, 0, all.NNZ())}
	test = CSR{Offsets: make([]int, 1, rows+1), Items: make([]int32, 0, all.NNZ()/4+rows)}
	src := prng.New(seed, prng.ForSplit)
	var pos []int
	var inTest []bool
	for u := range rows {
		row := all.Row(u)
		pos, inTest = pos[:0], inTest[:0]
		for k := range row {
			pos = append(pos, k)
			inTest = append(inTest, false)
		}
		prng.Reseed(src, seed, prng.ForSplit, uint64(u))
		prng.Shuffle(src, len(pos), func(i, j int) { pos[i], pos[j] = pos[j], pos[i] })
		for _, k := range pos[:testCount(len(row))] {
			inTest[k] = true
		}
		for k, i := range row {
			if inTest[k] {
				test.Items = append(test.Items, i)
			} else {
				train.Items = append(train.Items, i)
			}
		}
		test.Offsets = append(test.Offsets, len(test.Items))
		train.Offsets = append(train.Offsets, len(train.Items))
	}
	return train, test
}
