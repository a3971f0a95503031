// Package prng derives reproducible random streams from a seed and a
// position, so that every random number onebp draws depends on what the code
// names (seed, purpose, epoch, row, user) and never on scheduling.
//
// The generator is math/rand/v2's PCG-DXSM, whose output is fixed by its
// specification. Bounded integers, floats and shuffles are implemented here
// rather than taken from rand.Rand so that the mapping from generator output
// to draws is also pinned by this package and its golden test.
package prng

import (
	"math/bits"
	"math/rand/v2"
)

// Purpose separates the streams used for different things, so that a split
// and an initialisation with the same seed and position never share numbers.
type Purpose uint64

const (
	ForSplit      Purpose = iota + 1 // per-user train/test split (data)
	ForSynthetic                     // synthetic dataset generator (data)
	ForInit                          // embedding initialisation (model)
	ForShuffle                       // per-epoch order of training rows (model)
	ForNegatives                     // negative sampling per training row (model)
	ForValidation                    // per-user validation hold-out (data)
	ForBootstrap                     // bootstrap resampling of users (results)
	ForSignFlip                      // sign-flip randomization test (results)
	ForTuning                        // a tuning grid's trials (bench)
)

// New returns the stream for seed at the position (purpose, parts...).
func New(seed uint64, p Purpose, parts ...uint64) *rand.PCG {
	s1, s2 := seeds(seed, p, parts)
	return rand.NewPCG(s1, s2)
}

// Reseed moves src to the stream that New(seed, p, parts...) returns,
// without allocating; hot loops keep one source per worker and reseed it.
func Reseed(src *rand.PCG, seed uint64, p Purpose, parts ...uint64) {
	s1, s2 := seeds(seed, p, parts)
	src.Seed(s1, s2)
}

func seeds(seed uint64, p Purpose, parts []uint64) (uint64, uint64) {
	h := mix(uint64(p))
	for _, x := range parts {
		h = mix(h ^ x)
	}
	return mix(seed + h), mix(h ^ mix(seed))
}

// mix is the SplitMix64 finaliser: a bijection whose outputs for nearby
// inputs look unrelated.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// Uintn returns a uniform integer in [0, n) using Lemire's multiply-shift
// method with rejection, so there is no modulo bias. It panics if n == 0.
func Uintn(src *rand.PCG, n uint64) uint64 {
	if n == 0 {
		panic("prng: Uintn(0)")
	}
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		threshold := -n % n
		for lo < threshold {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}

// Float64 returns a uniform float64 in [0, 1) with 53 random bits.
func Float64(src *rand.PCG) float64 {
	return float64(src.Uint64()>>11) * 0x1p-53
}

// Shuffle permutes n elements with the Fisher-Yates algorithm, drawing
// positions from the top down: for i = n-1..1, swap(i, Uintn(i+1)).
func Shuffle(src *rand.PCG, n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, int(Uintn(src, uint64(i+1))))
	}
}
