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
func splitPerUser(all CSR, seed uint64) (train, test CSR) {
	return holdOutPerUser(all, seed, prng.ForSplit, testCount)
}

// holdOutPerUser moves, for each user u, count(n_u) of its n_u sorted items
// to held, drawn by shuffling them with the stream (seed, purpose, u); the
// rest stay in kept. Both come out sorted.
//
// It shuffles positions rather than items, which moves the same elements,
// and then walks the sorted row once so both halves come out sorted.
func holdOutPerUser(all CSR, seed uint64, purpose prng.Purpose, count func(n int) int) (kept, held CSR) {
	rows := all.Rows()
	kept = CSR{Offsets: make([]int, 1, rows+1), Items: make([]int32, 0, all.NNZ())}
	held = CSR{Offsets: make([]int, 1, rows+1), Items: make([]int32, 0, all.NNZ()/4+rows)}
	src := prng.New(seed, purpose)
	var pos []int
	var isHeld []bool
	for u := range rows {
		row := all.Row(u)
		pos, isHeld = pos[:0], isHeld[:0]
		for k := range row {
			pos = append(pos, k)
			isHeld = append(isHeld, false)
		}
		prng.Reseed(src, seed, purpose, uint64(u))
		prng.Shuffle(src, len(pos), func(i, j int) { pos[i], pos[j] = pos[j], pos[i] })
		for _, k := range pos[:count(len(row))] {
			isHeld[k] = true
		}
		for k, i := range row {
			if isHeld[k] {
				held.Items = append(held.Items, i)
			} else {
				kept.Items = append(kept.Items, i)
			}
		}
		held.Offsets = append(held.Offsets, len(held.Items))
		kept.Offsets = append(kept.Offsets, len(kept.Items))
	}
	return kept, held
}
