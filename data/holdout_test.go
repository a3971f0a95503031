package data

import (
	"slices"
	"testing"
)

func TestHeldOutCount(t *testing.T) {
	for _, c := range []struct {
		n     int
		share float64
		want  int
	}{
		{0, 0.1, 0}, {1, 0.1, 0}, {1, 0.9, 0}, {2, 0.1, 1}, {2, 0.9, 1}, {5, 0.1, 1},
		{10, 0.1, 1}, {14, 0.1, 1}, {15, 0.1, 2}, {100, 0.1, 10}, {10, 0.99, 9},
	} {
		if got := heldOutCount(c.n, c.share); got != c.want {
			t.Errorf("heldOutCount(%d, %v) = %d, want %d", c.n, c.share, got, c.want)
		}
	}
}

// TestHoldOut: the two halves partition each user's training row, sorted,
// with the stated counts; the same seed gives the same split, another seed
// another; the test set is untouched.
func TestHoldOut(t *testing.T) {
	d, err := SyntheticSpec{Users: 300, Items: 500, Interactions: 12000, Seed: 4}.Generate()
	if err != nil {
		t.Fatal(err)
	}
	v, err := d.HoldOut(0.1, 7)
	if err != nil {
		t.Fatal(err)
	}
	for u := range d.Users {
		all, tr, va := d.Train.Row(u), v.Train.Row(u), v.Test.Row(u)
		if len(va) != heldOutCount(len(all), 0.1) || !slices.IsSorted(tr) || !slices.IsSorted(va) {
			t.Fatalf("user %d: %d training items -> %d + %d", u, len(all), len(tr), len(va))
		}
		merged := slices.Sorted(slices.Values(append(slices.Clone(tr), va...)))
		if !slices.Equal(merged, all) {
			t.Fatalf("user %d: %v + %v is not %v", u, tr, va, all)
		}
	}
	again, _ := d.HoldOut(0.1, 7)
	other, _ := d.HoldOut(0.1, 8)
	if again.Fingerprint != v.Fingerprint || other.Fingerprint == v.Fingerprint || v.Fingerprint == d.Fingerprint {
		t.Errorf("fingerprints: same seed %v, other seed %v, source %v", again.Fingerprint == v.Fingerprint,
			other.Fingerprint != v.Fingerprint, v.Fingerprint != d.Fingerprint)
	}
	if v.Split == d.Split || v.Users != d.Users || v.Items != d.Items {
		t.Errorf("view %q of %q", v.Split, d.Split)
	}
	for _, bad := range []float64{0, 1, -0.1} {
		if _, err := d.HoldOut(bad, 7); err == nil {
			t.Errorf("share %v accepted", bad)
		}
	}
}
