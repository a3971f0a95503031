package model

import (
	"slices"
	"testing"

	"onebp/data"
	"onebp/internal/prng"
)

func TestKthMissing(t *testing.T) {
	for _, row := range [][]int32{{}, {0}, {5}, {1, 2, 5}, {0, 1, 2, 3}, {2, 4, 6, 8, 9, 10, 30}} {
		var missing []int32
		for x := int32(0); len(missing) < 40; x++ {
			if !slices.Contains(row, x) {
				missing = append(missing, x)
			}
		}
		for k, want := range missing {
			if got := kthMissing(row, int32(k)); got != want {
				t.Errorf("row %v: kthMissing(%d) = %d, want %d", row, k, got, want)
			}
		}
	}
	// Random rows of every length up to 70, against a walk over the
	// integers.
	src := prng.New(7, prng.ForNegatives)
	for n := 1; n <= 70; n++ {
		row := make([]int32, 0, n)
		for x := int32(0); len(row) < n; x++ {
			if prng.Uintn(src, 3) == 0 {
				row = append(row, x)
			}
		}
		k, x := int32(0), int32(0)
		for ; k < 3*int32(n); x++ {
			if _, in := slices.BinarySearch(row, x); in {
				continue
			}
			if got := kthMissing(row, k); got != x {
				t.Fatalf("row %v: kthMissing(%d) = %d, want %d", row, k, got, x)
			}
			k++
		}
	}
}

// TestSamplerDistribution: negatives are never training items, never
// repeat within a row, and every allowed item is about equally likely.
func TestSamplerDistribution(t *testing.T) {
	train := data.CSR{Offsets: []int{0, 3, 3}, Items: []int32{1, 4, 7}}
	const items, n = 10, 5
	s, err := newSampler(train, items, n)
	if err != nil {
		t.Fatal(err)
	}
	src := prng.New(1, prng.ForNegatives)
	counts := make([]int, items)
	out := make([]int32, n)
	const draws = 20000
	for range draws {
		s.sample(src, 0, out)
		for j, i := range out {
			if slices.Contains(train.Row(0), i) || slices.Contains(out[:j], i) {
				t.Fatalf("sample %v holds a training item or a repeat", out)
			}
			counts[i]++
		}
	}
	// 7 allowed items, each in 5/7 of the samples.
	want := float64(draws) * n / 7
	for i, c := range counts {
		if slices.Contains(train.Row(0), int32(i)) {
			continue
		}
		if d := float64(c) - want; d*d > 9*want {
			t.Errorf("item %d drawn %d times, want about %.0f", i, c, want)
		}
	}
	if _, err := newSampler(train, 7, 5); err == nil || err.Error() != "user 0 has 3 training items of 7: fewer than 5 negatives left to sample" {
		t.Errorf("too few negatives: %v", err)
	}
}

// TestSamplerDenseUser: a user with exactly as many free items as
// negatives always gets all of them.
func TestSamplerDenseUser(t *testing.T) {
	train := data.CSR{Offsets: []int{0, 7}, Items: []int32{0, 1, 2, 4, 5, 7, 9}}
	s, err := newSampler(train, 10, 3)
	if err != nil {
		t.Fatal(err)
	}
	src := prng.New(2, prng.ForNegatives)
	out := make([]int32, 3)
	for range 300 {
		s.sample(src, 0, out)
		slices.Sort(out)
		if !slices.Equal(out, []int32{3, 6, 8}) {
			t.Fatalf("user with 3 free items drew %v", out)
		}
	}
}
