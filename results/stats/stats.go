// Package stats compares OneBP with TwoBP on run records: spreads over
// seeds, the paired per-user bootstrap interval and sign-flip test, the
// seed-level t-test, and Holm's correction (DESIGN.md, "Seeds and
// statistics"). It reads records and writes nothing.
package stats

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"math/rand/v2"

	"golang.org/x/exp/stats"

	"onebp/internal/prng"
	"onebp/model/eval"
	"onebp/results"
)

// Spread is a quantity over runs (seeds): its mean, sample standard
// deviation (0 for one run), minimum and maximum.
type Spread struct {
	N                  int
	Mean, SD, Min, Max float64
}

// SpreadOf summarises xs, which must not be empty.
func SpreadOf(xs []float64) Spread {
	s := Spread{N: len(xs)}
	if len(xs) > 1 {
		s.Mean, s.SD = stats.MeanAndStdDev(xs)
	} else {
		s.Mean = stats.Mean(xs)
	}
	q := stats.Quantiles(xs, 0.0, 1.0)
	s.Min, s.Max = q[0], q[1]
	return s
}

// Format writes the spread with f for each number: "m", or
// "m ± sd [min, max]" over several runs.
func (s Spread) Format(f func(float64) string) string {
	if s.N < 2 {
		return f(s.Mean)
	}
	return fmt.Sprintf("%s ± %s [%s, %s]", f(s.Mean), f(s.SD), f(s.Min), f(s.Max))
}

// The resampling sizes of the paired comparison. 10,000 sign flips resolve
// p-values down to 1/10,001, so smaller ones print as "p < 0.0001"; 10,000
// bootstrap means put the 2.5% and 97.5% quantiles 250 draws from the
// ends, well inside the Monte Carlo error the interval can bear.
const (
	Resamples     = 10000
	statisticSeed = 2022
)

// A Comparison is OneBP against TwoBP on one dataset and one metric, paired
// per user on the validated test figures: each user's OneBP - TwoBP
// difference, averaged over the seeds both strategies ran.
type Comparison struct {
	Dataset string
	Metric  eval.Metric
	Seeds   []uint64 // the seeds paired
	Users   int
	// Mean is the mean per-user difference; Lo and Hi its 95% bootstrap
	// percentile interval (users resampled with replacement).
	Mean, Lo, Hi float64
	// P is the two-sided paired randomization test's p-value (random sign
	// flips of the per-user differences), PHolm the same after Holm's
	// correction over the comparisons reported together.
	P, PHolm float64
	// PerSeed is each paired seed's mean per-user difference, in Seeds'
	// order. The per-user test takes the seeds as given; the seed-level
	// test takes them as the unit, so that seed-to-seed variation counts:
	// SeedP is the two-sided paired t-test of mean(PerSeed) = 0 with
	// len(Seeds)-1 degrees of freedom (NaN for fewer than 2 seeds), SeedT
	// its statistic, SeedPHolm after Holm's correction over the same
	// comparisons.
	PerSeed                 []float64
	SeedT, SeedP, SeedPHolm float64
}

// MinSeeds is the fewest seeds a difference is called significant on.
const MinSeeds = 3

// String reads "OneBP - TwoBP: +0.0123 [+0.0081, +0.0166], p = 0.0002
// (Holm); per seed +0.0110, +0.0140, +0.0119: t(2) = 9.81, p = 0.0204
// (Holm)".
func (c Comparison) String() string {
	var seeds []string
	for _, d := range c.PerSeed {
		seeds = append(seeds, fmt.Sprintf("%+.4f", d))
	}
	s := "OneBP - TwoBP: " + c.Effect() + " (Holm); per seed " + strings.Join(seeds, ", ")
	if t := c.SeedTest(); t != "" {
		s += ": " + t + " (Holm)"
	}
	return s
}

// Effect reads "+0.0123 [+0.0081, +0.0166], p = 0.0002": the mean per-user
// difference, its interval and the Holm-corrected per-user p.
func (c Comparison) Effect() string {
	return fmt.Sprintf("%+.4f [%+.4f, %+.4f], %s", c.Mean, c.Lo, c.Hi, FormatP(c.PHolm))
}

// SeedTest reads "t(2) = 9.81, p = 0.0204": the seed-level test, its p
// Holm-corrected; "" for fewer than two seeds.
func (c Comparison) SeedTest() string {
	if math.IsNaN(c.SeedP) {
		return ""
	}
	p := fmt.Sprintf("p = %.4f", c.SeedPHolm)
	if c.SeedPHolm < 0.0001 {
		p = "p < 0.0001"
	}
	return fmt.Sprintf("t(%d) = %.2f, %s", len(c.Seeds)-1, c.SeedT, p)
}

// FormatP prints a p-value to the resolution Resamples sign flips give.
func FormatP(p float64) string {
	if p <= 1/float64(Resamples+1) {
		return "p < 0.0001"
	}
	return fmt.Sprintf("p = %.4f", p)
}

// Compare pairs a dataset's validated OneBP and TwoBP runs seed by seed
// and tests the per-user difference of metric m. It fails when no seed
// has both strategies with per-user values, or when they were evaluated
// on different users.
func Compare(dataset string, runs []*results.Run, m eval.Metric) (Comparison, error) {
	c := Comparison{Dataset: dataset, Metric: m}
	diff, err := perUser(&c, runs)
	if err != nil {
		return c, err
	}
	c.summarize(diff)
	return c, nil
}

// Shift tests how far the OneBP - TwoBP difference of metric m moves
// from the runs before to the runs after (a tuned cell against the
// preset's, on the same data and seeds): per user, after's difference
// minus before's, each averaged over the seeds both cells paired. Its
// PHolm is its P: it stands outside the report's family.
func Shift(dataset string, before, after []*results.Run, m eval.Metric) (Comparison, error) {
	c := Comparison{Dataset: dataset + " shift", Metric: m}
	b := Comparison{Dataset: dataset, Metric: m}
	db, err := perUser(&b, before)
	if err != nil {
		return c, err
	}
	da, err := perUser(&c, after)
	if err != nil {
		return c, err
	}
	if !slices.Equal(b.Seeds, c.Seeds) || len(db) != len(da) {
		return c, fmt.Errorf("%s: the cells paired seeds %v and %v over %d and %d users; a shift needs the same", dataset, b.Seeds, c.Seeds, len(db), len(da))
	}
	for u := range da {
		da[u] -= db[u]
	}
	for i := range c.PerSeed {
		c.PerSeed[i] -= b.PerSeed[i]
	}
	c.summarize(da)
	return c, nil
}

// perUser pairs runs' validated OneBP and TwoBP runs seed by seed,
// setting c's Seeds and PerSeed, and returns each user's OneBP - TwoBP
// difference of c.Metric averaged over the seeds.
func perUser(c *Comparison, runs []*results.Run) ([]float64, error) {
	dataset, m := c.Dataset, c.Metric
	bySeed := map[uint64][2]*results.Run{}
	for _, r := range runs {
		if r.Selected == nil || r.Selected.PerUser == nil {
			continue
		}
		p := bySeed[r.Config.Seed]
		p[results.StrategyOrder(r.Strategy())] = r
		bySeed[r.Config.Seed] = p
	}
	var diff []float64
	for _, seed := range slices.Sorted(maps.Keys(bySeed)) {
		one, two := bySeed[seed][0], bySeed[seed][1]
		if one == nil || two == nil {
			continue
		}
		a, b := one.Selected.PerUser.Values[m], two.Selected.PerUser.Values[m]
		if len(a) != len(b) || len(a) == 0 || one.DatasetFingerprint != two.DatasetFingerprint || one.Split != two.Split {
			return nil, fmt.Errorf("%s seed %d: OneBP and TwoBP were evaluated on different users (%d vs %d) or data", dataset, seed, len(a), len(b))
		}
		if diff == nil {
			diff = make([]float64, len(a))
		} else if len(diff) != len(a) {
			return nil, fmt.Errorf("%s seed %d: %d users evaluated, other seeds %d", dataset, seed, len(a), len(diff))
		}
		seedSum := 0.0
		for u := range a {
			d := float64(a[u]) - float64(b[u])
			diff[u] += d
			seedSum += d
		}
		c.PerSeed = append(c.PerSeed, seedSum/float64(len(a)))
		c.Seeds = append(c.Seeds, seed)
	}
	if len(c.Seeds) == 0 {
		return nil, fmt.Errorf("%s: no seed with validated OneBP and TwoBP runs holding per-user %s", dataset, m)
	}
	for u := range diff {
		diff[u] /= float64(len(c.Seeds))
	}
	return diff, nil
}

// summarize sets c's per-user figures from the per-user differences, its
// resampling streams named by its dataset and metric, and its seed-level
// test from PerSeed.
func (c *Comparison) summarize(diff []float64) {
	c.Users = len(diff)
	c.Mean = stats.Mean(diff)
	h := fnv.New64a()
	h.Write([]byte(c.Dataset + "\x00" + string(c.Metric)))
	c.Lo, c.Hi = bootstrapInterval(diff, prng.New(statisticSeed, prng.ForBootstrap, h.Sum64()))
	c.P = signFlipP(diff, prng.New(statisticSeed, prng.ForSignFlip, h.Sum64()))
	c.PHolm = c.P
	c.SeedT, c.SeedP = pairedT(c.PerSeed)
	c.SeedPHolm = c.SeedP
}

// pairedT is the one-sample t-test of mean(d) = 0: its statistic and
// two-sided p-value with len(d)-1 degrees of freedom; NaN for fewer than
// two values. Identical differences give t = ±Inf and p = 0 (or t = 0 and
// p = 1 when they are all 0).
func pairedT(d []float64) (t, p float64) {
	n := float64(len(d))
	if len(d) < 2 {
		return math.NaN(), math.NaN()
	}
	mean, sd := stats.MeanAndStdDev(d)
	switch {
	case sd == 0 && mean == 0:
		return 0, 1
	case sd == 0:
		return math.Copysign(math.Inf(1), mean), 0
	}
	t = mean / (sd / math.Sqrt(n))
	df := n - 1
	return t, regIncBeta(df/2, 0.5, df/(df+t*t))
}

// regIncBeta is the regularized incomplete beta function I_x(a, b), by
// its continued fraction (modified Lentz), on the side where it
// converges fast.
func regIncBeta(a, b, x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	case x > (a+1)/(a+b+2):
		return 1 - regIncBeta(b, a, 1-x)
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(lab-la-lb+a*math.Log(x)+b*math.Log(1-x)) / a
	const tiny, eps = 1e-300, 1e-15
	f, c, d := 1.0, 1.0, 0.0
	for i := 0; i <= 400; i++ {
		m := float64(i / 2)
		var num float64
		switch {
		case i == 0:
			num = 1
		case i%2 == 0:
			num = m * (b - m) * x / ((a + 2*m - 1) * (a + 2*m))
		default:
			num = -(a + m) * (a + b + m) * x / ((a + 2*m) * (a + 2*m + 1))
		}
		d = 1 + num*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		d = 1 / d
		c = 1 + num/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		f *= c * d
		if math.Abs(1-c*d) < eps {
			break
		}
	}
	return front * (f - 1)
}

// bootstrapInterval is the 95% percentile interval of the mean of d over
// Resamples resamples of its elements with replacement.
func bootstrapInterval(d []float64, src *rand.PCG) (lo, hi float64) {
	means := make([]float64, Resamples)
	for b := range means {
		sum := 0.0
		for range d {
			sum += d[prng.Uintn(src, uint64(len(d)))]
		}
		means[b] = sum / float64(len(d))
	}
	q := stats.Quantiles(means, 0.025, 0.975)
	return q[0], q[1]
}

// signFlipP is the two-sided p-value of the paired randomization test of
// mean(d) = 0: under the null each difference is as likely negated, so the
// observed |mean| is ranked among Resamples means with random signs,
// counting the observed one: p = (1 + #{|mean*| >= |mean|}) / (1 + R).
func signFlipP(d []float64, src *rand.PCG) float64 {
	observed := math.Abs(sum(d))
	// A tolerance keeps sign patterns equal to the observed one (the
	// identity among them) counted despite summation order.
	tol := 1e-12 * (1 + observed)
	extreme := 0
	for range Resamples {
		total := 0.0
		var bits uint64
		for i, x := range d {
			if i%64 == 0 {
				bits = src.Uint64()
			}
			// -x where the bit is set, without a branch the random bit
			// would mispredict half the time.
			total += math.Float64frombits(math.Float64bits(x) ^ bits<<63)
			bits >>= 1
		}
		if math.Abs(total) >= observed-tol {
			extreme++
		}
	}
	return float64(1+extreme) / float64(1+Resamples)
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// Holm sets each comparison's PHolm by Holm's step-down correction of
// their P over the family: the i-th smallest p (from 0) is multiplied by
// m - i, made monotone, capped at 1.
func Holm(cs []Comparison) {
	order := make([]int, len(cs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(cs[a].P, cs[b].P) })
	running := 0.0
	for rank, i := range order {
		running = math.Max(running, math.Min(1, float64(len(cs)-rank)*cs[i].P))
		cs[i].PHolm = running
	}
}

// Comparisons tests OneBP against TwoBP on every dataset with validated
// runs of both, for each of results.PairedMetrics, Holm-corrected over all of
// them; datasets without such runs are left out.
func Comparisons(runs []*results.Run) []Comparison {
	type job struct {
		name string
		m    eval.Metric
	}
	var jobs []job
	names, groups := results.Cells(runs)
	for _, name := range names {
		for _, m := range results.PairedMetrics {
			jobs = append(jobs, job{name, m})
		}
	}
	// Each comparison draws from its own streams, so computing them at
	// once changes no figure.
	found := make([]*Comparison, len(jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			for k := int(next.Add(1)) - 1; k < len(jobs); k = int(next.Add(1)) - 1 {
				if c, err := Compare(jobs[k].name, groups[jobs[k].name], jobs[k].m); err == nil {
					found[k] = &c
				}
			}
		})
	}
	wg.Wait()
	var cs []Comparison
	for _, c := range found {
		if c != nil {
			cs = append(cs, *c)
		}
	}
	Holm(cs)
	holmSeeds(cs)
	return cs
}

// holmSeeds sets SeedPHolm by Holm's correction of the seed-level
// p-values over the comparisons that have one.
func holmSeeds(cs []Comparison) {
	var idx []int
	var family []Comparison
	for i, c := range cs {
		if !math.IsNaN(c.SeedP) {
			idx = append(idx, i)
			family = append(family, Comparison{P: c.SeedP})
		}
	}
	Holm(family)
	for k, i := range idx {
		cs[i].SeedPHolm = family[k].PHolm
	}
}

// Alpha is the family-wise significance level a difference is called
// significant at, after Holm's correction.
const Alpha = 0.05
