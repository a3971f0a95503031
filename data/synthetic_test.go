package data

import (
	"slices"
	"strings"
	"testing"
)

func TestSyntheticDeterministic(t *testing.T) {
	spec := SyntheticSpec{Users: 500, Items: 800, Interactions: 30000, Seed: 3}
	a, err := spec.Generate()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := spec.Generate()
	if a.Fingerprint != b.Fingerprint {
		t.Fatal("the same spec generated different data")
	}
	spec.Seed = 4
	if c, _ := spec.Generate(); c.Fingerprint == a.Fingerprint {
		t.Fatal("seeds 3 and 4 generated the same data")
	}
}

func TestSyntheticShape(t *testing.T) {
	spec := SyntheticSpec{Users: 1000, Items: 2000, Interactions: 60000, Seed: 1}
	d, err := spec.Generate()
	if err != nil {
		t.Fatal(err)
	}
	s := d.Stats()
	if s.Users != 1000 || s.Items != 2000 || s.Interactions != 60000 {
		t.Fatalf("stats %+v", s)
	}
	checkSplit(t, d)
	popularity := make([]int, d.Items)
	for _, c := range []CSR{d.Train, d.Test} {
		for u := range d.Users {
			for _, i := range c.Row(u) {
				popularity[i]++
			}
		}
	}
	for u := range d.Users {
		if n := len(d.Train.Row(u)) + len(d.Test.Row(u)); n < 2 || n > d.Items/2 {
			t.Fatalf("user %d has %d interactions", u, n)
		}
	}
	slices.Sort(popularity)
	slices.Reverse(popularity)
	top := 0
	for _, p := range popularity[:d.Items/10] {
		top += p
	}
	if share := float64(top) / 60000; share < 0.3 {
		t.Errorf("the 10%% most popular items hold %.2f of the interactions; want a skewed, power-law popularity", share)
	}
}

func TestParseSynthetic(t *testing.T) {
	for _, c := range []struct {
		in   string
		want SyntheticSpec
		err  string
	}{
		{"synthetic", DefaultSynthetic, ""},
		{"synthetic:users=10,items=20,interactions=50,seed=9", SyntheticSpec{10, 20, 50, 9}, ""},
		{"synthetic:seed=5", SyntheticSpec{1000, 1700, 100000, 5}, ""},
		{"synthetic:users=x", SyntheticSpec{}, `dataset "synthetic:users=x": users="x" is not a non-negative integer`},
		{"synthetic:colour=3", SyntheticSpec{}, `dataset "synthetic:colour=3": unknown key "colour" (want users, items, interactions, seed)`},
		{"synthetics", SyntheticSpec{}, `dataset "synthetics": want synthetic or synthetic:key=value,key=value`},
	} {
		got, err := ParseSynthetic(c.in)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: error %v, want %s", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: %+v, %v", c.in, got, err)
		}
		if back, _ := ParseSynthetic(got.String()); back != got {
			t.Errorf("%s: String() %q does not parse back", c.in, got.String())
		}
	}
	for _, bad := range []SyntheticSpec{{0, 100, 10, 1}, {10, 5, 40, 1}, {10, 100, 19, 1}, {10, 100, 251, 1}} {
		if _, err := bad.Generate(); err == nil || !strings.HasPrefix(err.Error(), "synthetic:") {
			t.Errorf("%+v: error %v", bad, err)
		}
	}
}
