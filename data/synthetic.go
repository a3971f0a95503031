package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"onebp/internal/prng"
)

// SyntheticSpec fully determines a synthetic dataset: the same spec gives
// the same bytes on every machine.
//
// Items get Zipf popularity (weight 1/rank, ranks a seeded permutation) and
// one of several latent clusters; each user gets a cluster and an activity
// level (also Zipf-like, at least 2 interactions). A user's interactions are
// drawn without repetition, three in four from its own cluster and the rest
// from all items, both by popularity. A model can therefore learn the
// clusters and popularity, and recall lands well above random. The split is
// the per-user 80/20 split (DESIGN.md, "The seeded split") with the same seed.
type SyntheticSpec struct {
	Users, Items, Interactions int
	Seed                       uint64
}

// DefaultSynthetic is the embedded default dataset: about MovieLens-100K's
// size, generated in milliseconds.
var DefaultSynthetic = SyntheticSpec{Users: 1000, Items: 1700, Interactions: 100000, Seed: 1}

// String returns the spec in the form Load and ParseSynthetic accept;
// the default spec is just "synthetic".
func (s SyntheticSpec) String() string {
	if s == DefaultSynthetic {
		return "synthetic"
	}
	return fmt.Sprintf("synthetic:users=%d,items=%d,interactions=%d,seed=%d", s.Users, s.Items, s.Interactions, s.Seed)
}

// ParseSynthetic reads "synthetic" or "synthetic:key=value,..." with keys
// users, items, interactions and seed; missing keys keep the defaults.
func ParseSynthetic(name string) (SyntheticSpec, error) {
	s := DefaultSynthetic
	params, ok := strings.CutPrefix(name, "synthetic:")
	if !ok {
		if name != "synthetic" {
			return s, fmt.Errorf("dataset %q: want synthetic or synthetic:key=value,key=value", name)
		}
		return s, nil
	}
	for _, kv := range strings.Split(params, ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 63)
		if err != nil {
			return s, fmt.Errorf("dataset %q: %s=%q is not a non-negative integer", name, k, v)
		}
		switch k {
		case "users":
			s.Users = int(n)
		case "items":
			s.Items = int(n)
		case "interactions":
			s.Interactions = int(n)
		case "seed":
			s.Seed = n
		default:
			return s, fmt.Errorf("dataset %q: unknown key %q (want users, items, interactions, seed)", name, k)
		}
	}
	return s, nil
}

func (s SyntheticSpec) check() error {
	switch {
	case s.Users < 1 || s.Users > math.MaxInt32:
		return fmt.Errorf("%v: users must be in [1, 2^31)", s)
	case s.Items < 10 || s.Items > math.MaxInt32:
		return fmt.Errorf("%v: items must be in [10, 2^31)", s)
	case s.Interactions < 2*s.Users:
		return fmt.Errorf("%v: interactions must be at least 2 per user (%d)", s, 2*s.Users)
	case s.Interactions > s.Users*(s.Items/4):
		return fmt.Errorf("%v: interactions must be at most users*items/4 (%d)", s, s.Users*(s.Items/4))
	}
	return nil
}

// Generate builds the dataset the spec describes.
func (s SyntheticSpec) Generate() (*Dataset, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	src := prng.New(s.Seed, prng.ForSynthetic)
	clusters := min(max(s.Items/50, 2), 32)

	// Items: a cluster each and popularity 1/rank.
	rank := permutation(src, s.Items)
	itemCluster := make([]int, s.Items)
	clusterStart := make([]int, clusters+1)
	for i := range itemCluster {
		itemCluster[i] = int(prng.Uintn(src, uint64(clusters)))
		clusterStart[itemCluster[i]+1]++
	}
	for c := range clusters {
		clusterStart[c+1] += clusterStart[c]
	}
	clusterItems := make([]int32, s.Items)
	clusterCum := make([]float64, s.Items) // running popularity within each cluster
	globalCum := make([]float64, s.Items)
	fill := append([]int(nil), clusterStart[:clusters]...)
	total := 0.0
	for i := range s.Items {
		w := 1 / float64(rank[i]+1)
		total += w
		globalCum[i] = total
		c := itemCluster[i]
		k := fill[c]
		fill[c]++
		clusterItems[k] = int32(i)
		clusterCum[k] = w
		if k > clusterStart[c] {
			clusterCum[k] += clusterCum[k-1]
		}
	}

	// Users: a cluster each and an activity share of the interactions.
	userCluster := make([]int, s.Users)
	for u := range userCluster {
		userCluster[u] = int(prng.Uintn(src, uint64(clusters)))
	}
	counts := s.activity(permutation(src, s.Users))

	pairs := make([]uint64, 0, s.Interactions)
	drawn := make([]int32, s.Items) // drawn[i] == u+1 when user u has item i
	for u := range s.Users {
		prng.Reseed(src, s.Seed, prng.ForSynthetic, uint64(u)+1)
		c := userCluster[u]
		lo, hi := clusterStart[c], clusterStart[c+1]
		for n := 0; n < counts[u]; {
			var i int32
			if hi > lo && prng.Float64(src) < 0.75 {
				i = clusterItems[lo+pick(clusterCum[lo:hi], prng.Float64(src))]
			} else {
				i = int32(pick(globalCum, prng.Float64(src)))
			}
			if drawn[i] != int32(u)+1 {
				drawn[i] = int32(u) + 1
				pairs = append(pairs, pack(int32(u), i))
				n++
			}
		}
	}
	all := buildCSR(s.Users, pairs)
	d := &Dataset{Name: s.String(), Users: s.Users, Items: s.Items, Split: splitName(s.Seed)}
	d.Train, d.Test = splitPerUser(all, s.Seed)
	d.Fingerprint = d.fingerprint()
	return d, nil
}

// activity gives every user at least 2 interactions and shares the rest in
// proportion to 1/(rank + users/20 + 1), capped at half the items, so that
// the counts add up to s.Interactions exactly.
func (s SyntheticSpec) activity(rank []int) []int {
	counts := make([]int, s.Users)
	weights := make([]float64, s.Users)
	sum := 0.0
	for u := range weights {
		weights[u] = 1 / float64(rank[u]+s.Users/20+1)
		sum += weights[u]
	}
	capacity := s.Items / 2
	extra := s.Interactions - 2*s.Users
	left := s.Interactions
	for u := range counts {
		counts[u] = min(2+int(float64(extra)*weights[u]/sum), capacity)
		left -= counts[u]
	}
	for u := 0; left > 0; u = (u + 1) % s.Users {
		if counts[u] < capacity {
			counts[u]++
			left--
		}
	}
	return counts
}

// permutation returns a seeded random permutation of 0..n-1.
func permutation(src *rand.PCG, n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	prng.Shuffle(src, n, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

// pick returns the index whose cumulative weight first exceeds u times the
// total, i.e. an index drawn with probability proportional to its weight.
func pick(cum []float64, u float64) int {
	x := u * cum[len(cum)-1]
	return sort.Search(len(cum)-1, func(k int) bool { return cum[k] > x })
}
