package data

import (
	"slices"
	"testing"

	"onebp/internal/prng"
)

func TestSortedUniqueMatchesSort(t *testing.T) {
	src := prng.New(1, prng.ForSynthetic)
	for _, n := range []int{0, 1, 2, 3, 17, 1000, 70000} {
		for _, bitsSpan := range []uint64{4, 20, 40, 63} {
			a := make([]uint64, n)
			for k := range a {
				a[k] = src.Uint64() >> (64 - bitsSpan)
			}
			want := slices.Clone(a)
			slices.Sort(want)
			want = slices.Compact(want)
			if got := sortedUnique(a); !slices.Equal(got, want) {
				t.Fatalf("n=%d bits=%d: radix sort differs from slices.Sort", n, bitsSpan)
			}
		}
	}
}

func TestBuildCSR(t *testing.T) {
	pairs := []uint64{pack(2, 5), pack(0, 3), pack(2, 1), pack(0, 3), pack(0, 1)}
	c := buildCSR(4, pairs)
	if want := []int{0, 2, 2, 4, 4}; !slices.Equal(c.Offsets, want) {
		t.Fatalf("offsets %v, want %v", c.Offsets, want)
	}
	if want := []int32{1, 3, 1, 5}; !slices.Equal(c.Items, want) {
		t.Fatalf("items %v, want %v", c.Items, want)
	}
	if !c.Has(2, 5) || c.Has(2, 3) || c.Has(1, 1) || c.Has(9, 1) {
		t.Fatal("Has answers wrongly")
	}
	if c = c.withRows(6); c.Rows() != 6 || len(c.Row(5)) != 0 {
		t.Fatalf("withRows: %d rows", c.Rows())
	}
}

func TestRemapper(t *testing.T) {
	for _, raw := range [][]int32{{3, 9, 200}, {5, 1 << 22, 2000000000}} {
		remap := remapper(raw)
		for k, id := range raw {
			if got := remap(id); got != int32(k) {
				t.Errorf("remap(%d) = %d, want %d", id, got, k)
			}
		}
	}
}
