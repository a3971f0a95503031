package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"

	"onebp/internal/prng"
	"onebp/internal/runtest"
	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
)

func TestSpreadOf(t *testing.T) {
	s := SpreadOf([]float64{4, 1, 3, 2})
	if s.N != 4 || s.Mean != 2.5 || math.Abs(s.SD-math.Sqrt(5.0/3)) > 1e-15 || s.Min != 1 || s.Max != 4 {
		t.Errorf("spread %+v", s)
	}
	if got := s.Format(f4); got != "2.5000 ± 1.2910 [1.0000, 4.0000]" {
		t.Errorf("format %q", got)
	}
	if got := SpreadOf([]float64{0.25}).Format(f4); got != "0.2500" {
		t.Errorf("one run: %q", got)
	}
}

func TestHolm(t *testing.T) {
	cs := []Comparison{{P: 0.01}, {P: 0.04}, {P: 0.03}, {P: 0.005}}
	Holm(cs)
	// Sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04,
	// made monotone: 0.06.
	for i, want := range []float64{0.03, 0.06, 0.06, 0.02} {
		if math.Abs(cs[i].PHolm-want) > 1e-15 {
			t.Errorf("comparison %d: Holm p %v, want %v", i, cs[i].PHolm, want)
		}
	}
}

func TestSignFlipAndBootstrap(t *testing.T) {
	src := prng.New(1, prng.ForBootstrap)
	if p := signFlipP(make([]float64, 50), src); p != 1 {
		t.Errorf("all-zero differences: p = %v, want 1", p)
	}
	shifted := make([]float64, 200)
	for i := range shifted {
		shifted[i] = 1 + 0.1*float64(i%3)
	}
	if p := signFlipP(shifted, src); p != 1/float64(Resamples+1) || FormatP(p) != "p < 0.0001" {
		t.Errorf("all-positive differences: p = %v", p)
	}
	// Under the null (symmetric differences) about 5% of tests reject at
	// 0.05; with 200 tests a rate outside 1%-10% would be a broken test.
	rejected := 0
	noise := make([]float64, 40)
	for trial := range 200 {
		gen := prng.New(uint64(trial), prng.ForSignFlip)
		for i := range noise {
			noise[i] = prng.Float64(gen) - 0.5
		}
		if signFlipP(noise, src) < 0.05 {
			rejected++
		}
	}
	if rejected < 2 || rejected > 20 {
		t.Errorf("null rejected in %d of 200 tests at 0.05", rejected)
	}
	// The bootstrap interval of a mean of 400 uniform(-0.5, 0.5)+0.2 draws:
	// sd of the mean 0.0144, so the interval is about 0.2 +- 0.028.
	gen := prng.New(7, prng.ForSignFlip)
	d := make([]float64, 400)
	for i := range d {
		d[i] = prng.Float64(gen) - 0.3
	}
	lo, hi := bootstrapInterval(d, src)
	mean := sum(d) / 400
	if !(lo < mean && mean < hi) || math.Abs((hi-lo)-2*1.96*0.2887/20) > 0.01 {
		t.Errorf("bootstrap interval [%v, %v] around %v", lo, hi, mean)
	}
}

// run is a validated run of strategy s and seed whose users' test
// NDCG@20 are ndcg.
func run(s model.Strategy, seed uint64, ndcg ...float32) *results.Run {
	r := runtest.Fake("tiny", s, 1)
	r.Config.Seed = seed
	r.Selected = &results.Selected{PerUser: &results.PerUser{Users: len(ndcg), Values: map[eval.Metric]results.Float32s{eval.NDCGAt20: ndcg}}}
	return r
}

// TestCompare pairs runs by seed: per-user differences averaged over the
// seeds both strategies ran.
func TestCompare(t *testing.T) {
	runs := []*results.Run{
		run(model.OneBP, 1, 0.5, 0.25, 0.75), run(model.TwoBP, 1, 0.25, 0.25, 0.5),
		run(model.OneBP, 2, 0.5, 0.5, 0.5), run(model.TwoBP, 2, 0.5, 0.25, 0.5),
		run(model.OneBP, 3, 1, 1, 1), // no TwoBP partner: left out
	}
	c, err := Compare("tiny", runs, eval.NDCGAt20)
	if err != nil {
		t.Fatal(err)
	}
	// Differences: seed 1 (0.25, 0, 0.25), seed 2 (0, 0.25, 0); averaged
	// (0.125, 0.125, 0.125).
	if len(c.Seeds) != 2 || c.Users != 3 || c.Mean != 0.125 || c.Lo != 0.125 || c.Hi != 0.125 {
		t.Errorf("comparison %+v", c)
	}
	if _, err := Compare("tiny", runs[:1], eval.NDCGAt20); err == nil {
		t.Error("no pair compared")
	}
	runs[1].Selected.PerUser.Values[eval.NDCGAt20] = results.Float32s{0.5}
	if _, err := Compare("tiny", runs, eval.NDCGAt20); err == nil {
		t.Error("different users compared")
	}
}

// TestShift: the shift of OneBP - TwoBP between two cells is, per user,
// the after cell's seed-averaged difference minus the before cell's;
// cells of other seeds are refused.
func TestShift(t *testing.T) {
	before := []*results.Run{run(model.OneBP, 1, 0.5, 0.25), run(model.TwoBP, 1, 0.25, 0.25), run(model.OneBP, 2, 0.5, 0.5), run(model.TwoBP, 2, 0.5, 0.25)}
	after := []*results.Run{run(model.OneBP, 1, 0.5, 0.5), run(model.TwoBP, 1, 0.5, 0.5), run(model.OneBP, 2, 0.25, 0.5), run(model.TwoBP, 2, 0.5, 0.5)}
	// Before: differences (0.25, 0) and (0, 0.25), averaged (0.125, 0.125);
	// after: (0, 0) and (-0.25, 0), averaged (-0.125, 0). Shift (-0.25,
	// -0.125), mean -0.1875; per seed 0 - 0.125 and -0.125 - 0.125.
	c, err := Shift("tiny", before, after, eval.NDCGAt20)
	if err != nil {
		t.Fatal(err)
	}
	if c.Users != 2 || c.Mean != -0.1875 || c.Lo != -0.25 || c.Hi != -0.125 || c.PHolm != c.P || len(c.PerSeed) != 2 || c.PerSeed[0] != -0.125 || c.PerSeed[1] != -0.25 {
		t.Errorf("shift %+v", c)
	}
	if c, _ := Shift("tiny", before, before, eval.NDCGAt20); c.Mean != 0 || c.P != 1 {
		t.Errorf("a cell against itself: %+v", c)
	}
	if _, err := Shift("tiny", before, after[:2], eval.NDCGAt20); err == nil {
		t.Error("cells of other seeds compared")
	}
}

// TestPairedT: the seed-level test against Student's t quantiles.
func TestPairedT(t *testing.T) {
	for _, c := range []struct {
		t, df, p float64
	}{
		{4.302653, 2, 0.05}, {2.228139, 10, 0.05}, {2.0, 2, 0.183503}, {1, 1, 0.5}, {12.7062, 1, 0.05},
	} {
		if p := regIncBeta(c.df/2, 0.5, c.df/(c.df+c.t*c.t)); math.Abs(p-c.p) > 1e-5 {
			t.Errorf("t(%g) = %g: p = %.6f, want %.6f", c.df, c.t, p, c.p)
		}
	}
	if tt, p := pairedT([]float64{1, 2, 3}); math.Abs(tt-3.4641016) > 1e-6 || math.Abs(p-0.0741799) > 1e-6 {
		t.Errorf("pairedT(1, 2, 3) = %g, %g", tt, p)
	}
	if _, p := pairedT([]float64{0.5}); !math.IsNaN(p) {
		t.Errorf("one seed: p = %g, want NaN", p)
	}
	if tt, p := pairedT([]float64{0.25, 0.25, 0.25}); !math.IsInf(tt, 1) || p != 0 {
		t.Errorf("equal differences: t %g, p %g", tt, p)
	}
}

func f4(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }

// TestSignFlipMatchesNaive: the sign-flip test negates with the sign bit;
// it gives exactly what the plain branch on each random bit gives.
func TestSignFlipMatchesNaive(t *testing.T) {
	naive := func(d []float64, src *rand.PCG) float64 {
		observed := math.Abs(sum(d))
		tol := 1e-12 * (1 + observed)
		extreme := 0
		for range Resamples {
			total := 0.0
			var bits uint64
			for i, x := range d {
				if i%64 == 0 {
					bits = src.Uint64()
				}
				if bits&1 == 1 {
					x = -x
				}
				bits >>= 1
				total += x
			}
			if math.Abs(total) >= observed-tol {
				extreme++
			}
		}
		return float64(1+extreme) / float64(1+Resamples)
	}
	gen := prng.New(3, prng.ForSignFlip)
	for _, n := range []int{1, 63, 64, 65, 300} {
		d := make([]float64, n)
		for i := range d {
			d[i] = prng.Float64(gen) - 0.45
		}
		if got, want := signFlipP(d, prng.New(5, prng.ForSignFlip, uint64(n))), naive(d, prng.New(5, prng.ForSignFlip, uint64(n))); got != want {
			t.Errorf("%d differences: p = %v, the plain loop's %v", n, got, want)
		}
	}
}

// TestComparisonsAnyProcs: the comparisons are computed at once, each
// from its own streams, so the number of threads changes no figure.
func TestComparisonsAnyProcs(t *testing.T) {
	gen := prng.New(9, prng.ForSignFlip)
	var runs []*results.Run
	for _, dataset := range []string{"a", "b", "c", "d", "e"} {
		for seed := uint64(1); seed <= 3; seed++ {
			for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
				ndcg := make([]float32, 50)
				for i := range ndcg {
					ndcg[i] = float32(prng.Float64(gen))
				}
				r := run(s, seed, ndcg...)
				r.Dataset = dataset
				runs = append(runs, r)
			}
		}
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var got []string
	for _, procs := range []int{1, 2, 5} {
		runtime.GOMAXPROCS(procs)
		cs := Comparisons(runs)
		if len(cs) != 5 {
			t.Fatalf("%d comparisons, want one per dataset", len(cs))
		}
		got = append(got, fmt.Sprintf("%+v", cs))
	}
	if got[0] != got[1] || got[0] != got[2] {
		t.Errorf("comparisons differ with the number of threads:\n%s\n%s\n%s", got[0], got[1], got[2])
	}
}
