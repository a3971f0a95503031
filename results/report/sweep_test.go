package report

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
	"onebp/results/stats"
)

// TestSweepFinding: the answer at each point is what its comparison
// settles; the finding names the points it turns between, or says it
// does not turn.
func TestSweepFinding(t *testing.T) {
	point := func(beta string) results.Point { return results.Point{{Name: "beta", Value: beta}} }
	pts := []results.Point{point("0.9"), point("0.97"), point("0.99")}
	comparison := func(p results.Point, mean, pHolm float64) stats.Comparison {
		return stats.Comparison{Dataset: results.CellName("d", p), Metric: eval.NDCGAt20, Seeds: []uint64{1, 2, 3},
			Mean: mean, Lo: mean - 0.001, Hi: mean + 0.001, P: pHolm, PHolm: pHolm, SeedT: mean * 1000, SeedP: pHolm, SeedPHolm: pHolm}
	}
	turning := []stats.Comparison{comparison(pts[0], -0.02, 0.001), comparison(pts[1], 0.001, 0.4), comparison(pts[2], 0.02, 0.001)}
	got := sweepFinding("d", pts, turning, eval.NDCGAt20)
	for _, want := range []string{"the answer changes between beta=0.9 (TwoBP better: -0.0200", "and beta=0.97 (no significant difference: +0.0010", "; then changes between beta=0.97", "and beta=0.99 (OneBP better: +0.0200"} {
		if !strings.Contains(got, want) {
			t.Errorf("finding %q lacks %q", got, want)
		}
	}
	// One strategy's win giving way to the other's is a reversal; a point
	// without a comparison is named, the turn spanning it.
	reversing := []stats.Comparison{comparison(pts[0], -0.02, 0.001), comparison(pts[2], 0.02, 0.001)}
	got = sweepFinding("d", pts, reversing, eval.NDCGAt20)
	want := "**d, ndcg_at_20**: the answer reverses between beta=0.9 (TwoBP better: -0.0200 [-0.0210, -0.0190], p = 0.0010; seeds t(2) = -20.00, p = 0.0010) and beta=0.99 (OneBP better: +0.0200 [+0.0190, +0.0210], p = 0.0010; seeds t(2) = 20.00, p = 0.0010) (no comparison yet at beta=0.97: no seed that both strategies ran)."
	if got != want {
		t.Errorf("reversal across a point without a comparison:\n got %q\nwant %q", got, want)
	}
	// A change the seed-level test alone makes shows the point's full
	// verdict, and a per-user lead that holds at every point is named.
	seedsOnly := []stats.Comparison{comparison(pts[0], -0.02, 0.001), comparison(pts[1], -0.01, 0.001), comparison(pts[2], -0.02, 0.001)}
	seedsOnly[1].SeedPHolm = 0.2
	got = sweepFinding("d", pts, seedsOnly, eval.NDCGAt20)
	want = "**d, ndcg_at_20**: the answer changes between beta=0.9 (TwoBP better: -0.0200 [-0.0210, -0.0190], p = 0.0010; seeds t(2) = -20.00, p = 0.0010) and beta=0.97 (TwoBP better per user, but not across seeds: not significant: -0.0100 [-0.0110, -0.0090], p = 0.0010; seeds t(2) = -10.00, p = 0.2000); then changes between beta=0.97 (TwoBP better per user, but not across seeds: not significant: -0.0100 [-0.0110, -0.0090], p = 0.0010; seeds t(2) = -10.00, p = 0.2000) and beta=0.99 (TwoBP better: -0.0200 [-0.0210, -0.0190], p = 0.0010; seeds t(2) = -20.00, p = 0.0010); per user, TwoBP is ahead at each of the 3 points."
	if got != want {
		t.Errorf("a change the seed-level test alone makes:\n got %q\nwant %q", got, want)
	}
	steady := []stats.Comparison{comparison(pts[0], 0.01, 0.001), comparison(pts[1], 0.02, 0.001), comparison(pts[2], 0.03, 0.001)}
	if got := sweepFinding("d", pts, steady, eval.NDCGAt20); !strings.Contains(got, "does not turn over the 3 points: OneBP better at each") {
		t.Errorf("steady sweep: %q", got)
	}
	for i := range steady {
		steady[i].SeedPHolm = 0.3
	}
	if got := sweepFinding("d", pts, steady, eval.NDCGAt20); !strings.HasSuffix(got, "does not turn over the 3 points: no significant difference at each; per user, OneBP is ahead at each of the 3 points.") {
		t.Errorf("steady sweep, significant per user only: %q", got)
	}
	if got := sweepFinding("d", pts, steady[:1], eval.NDCGAt20); strings.Contains(got, "per user,") {
		t.Errorf("one point has no lead across points: %q", got)
	}
	if got := sweepFinding("d", pts, steady, eval.RecallAt20); got != "" {
		t.Errorf("a metric without comparisons: %q", got)
	}
}

// TestTimedApart: groups timed at other commits, workers or machines are
// named together, so that a time is not read as the settings' or the
// strategies' effect alone; groups timed alike need no note.
func TestTimedApart(t *testing.T) {
	at := func(commit string, workers int, cpu string) *results.Run {
		return &results.Run{Env: results.Env{Commit: commit, Workers: workers, CPU: cpu}}
	}
	alike := [][]*results.Run{{at("aaaa", 1, "X"), at("aaaa", 1, "X")}, {at("aaaa", 1, "X")}}
	if got := timedApart([]string{"dim=32", "dim=64"}, alike); got != "" {
		t.Errorf("rows timed alike: %q, want none", got)
	}
	mixed := [][]*results.Run{
		{at("aaaa", 1, "X")},
		{at("bbbb", 1, "X"), at("aaaa", 1, "X")},
		{at("aaaa", 1, "X")},
		{at("aaaa", 2, "X")},
	}
	want := "p1, p3 at `aaaa`, 1 worker, on X; p2 at `bbbb`, `aaaa`, 1 worker, on X; p4 at `aaaa`, 2 workers, on X"
	if got := timedApart([]string{"p1", "p2", "p3", "p4"}, mixed); got != want {
		t.Errorf("mixed rows:\n got %q\nwant %q", got, want)
	}
	// A record that did not know its binary's commit reads so, not as an id.
	unknown := [][]*results.Run{{at("aaaa", 1, "X")}, {at("", 1, "X")}}
	want = "p1 at `aaaa`, 1 worker, on X; p2 at an unknown commit, 1 worker, on X"
	if got := timedApart([]string{"p1", "p2"}, unknown); got != want {
		t.Errorf("a commit unknown:\n got %q\nwant %q", got, want)
	}
}

// TestUpdateReadmeSummarySweep: a sweep set's README summary is its table
// of points, its plot and where the answer turns, linking to the set's
// report for each point's findings.
func TestUpdateReadmeSummarySweep(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	begin, end := SummaryMarkers("results/sweep-beta")
	os.WriteFile(path, []byte("### Beta\n\n"+begin+"\n"+end+"\n"), 0o644)
	runs := sweepRuns("0.9", "0.99")
	for _, r := range runs {
		r.StoppedEarly = r.Point.String() == "beta=0.9" || r.Config.Seed > 1
	}
	if ok, err := UpdateReadmeSummary(path, "./results/sweep-beta/", runs); !ok || err != nil {
		t.Fatalf("%v %v", ok, err)
	}
	b, _ := os.ReadFile(path)
	s := string(b)
	for _, want := range []string{
		"#### Sweep of beta on tiny", "| beta=0.9 ", "| beta=0.99 ",
		"![sweep of beta on tiny](results/sweep-beta/curves/sweep-tiny.svg)",
		"**tiny, ndcg_at_20**: the answer does not turn over the 2 points",
		"Each point's findings, tables and curves: [results/sweep-beta/README.md](results/sweep-beta/README.md).",
		"beta=0.99: **truncated: 2 of the 6 runs reached the cap of 4 epochs without stopping early, so this compares training that had not finished**.",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the summary lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "beta=0.9: **truncated") {
		t.Errorf("beta=0.9's runs all stopped early, yet it is called truncated:\n%s", s)
	}
	if strings.Contains(s, "#### Findings") || strings.Contains(s, "| dataset") {
		t.Errorf("a sweep's summary repeats the per-cell table or findings of its report:\n%s", s)
	}
	if !strings.HasPrefix(s, "### Beta\n\n"+begin+"\n") || !strings.HasSuffix(s, end+"\n") {
		t.Errorf("README after the update:\n%s", s)
	}
}

// sweepRuns are validated runs of a sweep of beta on "tiny" at the given
// values, three seeds of each strategy, OneBP the better.
func sweepRuns(betas ...string) []*results.Run {
	var runs []*results.Run
	for _, beta := range betas {
		for seed := uint64(1); seed <= 3; seed++ {
			for _, r := range []*results.Run{validatedRun(model.OneBP, seed, true, 0.5, 0.25, 0.75), validatedRun(model.TwoBP, seed, true, 0.25, 0.25, 0.5)} {
				r.Point = results.Point{{Name: "beta", Value: beta}}
				runs = append(runs, r)
			}
		}
	}
	return runs
}

// TestSweepSVGHollowsPointsTimedElsewhere: in the time panels, a point
// timed at another commit than most is hollow and the panel says what
// hollow means; where all were timed alike, no point is hollow.
func TestSweepSVGHollowsPointsTimedElsewhere(t *testing.T) {
	const hollow, note = `fill="white" stroke=`, hollowNote
	draw := func(runs []*results.Run) string {
		var b bytes.Buffer
		if err := writeSweepSVG(&b, "tiny", runs, stats.Comparisons(runs)); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	runs := sweepRuns("0.9", "0.97", "0.99")
	if svg := draw(runs); strings.Contains(svg, hollow) || strings.Contains(svg, note) {
		t.Errorf("all points timed alike, yet some are hollow:\n%s", svg)
	}
	for _, r := range runs {
		if r.Point.String() == "beta=0.97" && r.Strategy() == model.OneBP {
			r.Env.Commit = "fedcba9876543210"
		}
	}
	// OneBP's point in each time panel, and the two legends.
	if got := strings.Count(draw(runs), hollow); got != 4 {
		t.Errorf("OneBP's runs at one point timed elsewhere: %d hollow circles, want 4", got)
	}
	for _, r := range runs {
		if r.Point.String() == "beta=0.97" {
			r.Env.Commit = "fedcba9876543210"
		}
	}
	svg := draw(runs)
	// Two time panels, two strategies, one point each; and two legends.
	if got := strings.Count(svg, hollow); got != 6 {
		t.Errorf("%d hollow circles, want 6 (4 points, 2 legends)", got)
	}
	if got := strings.Count(svg, note); got != 2 {
		t.Errorf("%d notes of what hollow means, want 2 (the two time panels)", got)
	}
	// Every point timed somewhere else: no majority, so none is solid.
	for _, r := range runs {
		r.Env.Commit = r.Point.String()
	}
	if got := strings.Count(draw(runs), hollow); got != 14 {
		t.Errorf("no two points timed alike: %d hollow circles, want 14 (2 panels x 2 strategies x 3 points, 2 legends)", got)
	}
}

// TestTimedElsewhere: a group is apart when it was timed elsewhere than
// the strict majority place, and every group is apart when no place holds
// two groups or more than any other.
func TestTimedElsewhere(t *testing.T) {
	at := func(places ...string) [][]*results.Run {
		var groups [][]*results.Run
		for _, p := range places {
			groups = append(groups, []*results.Run{{Env: results.Env{Commit: p, Workers: 1, CPU: "X"}}})
		}
		return groups
	}
	for _, c := range []struct {
		places []string
		want   []bool
	}{
		{[]string{"a"}, []bool{false}},
		{[]string{"a", "a", "b"}, []bool{false, false, true}},
		{[]string{"b", "a", "a"}, []bool{true, false, false}},
		{[]string{"a", "b", "c"}, []bool{true, true, true}},
		{[]string{"a", "a", "b", "b"}, []bool{true, true, true, true}},
		{[]string{"a", "b"}, []bool{true, true}},
	} {
		if got := timedElsewhere(at(c.places...)); !slices.Equal(got, c.want) {
			t.Errorf("timed at %v: apart %v, want %v", c.places, got, c.want)
		}
	}
}

// TestTicksWithin: round steps, inside the range, two to six of them.
func TestTicksWithin(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   []float64
	}{
		{-0.0090, -0.0040, []float64{-0.009, -0.008, -0.007, -0.006, -0.005, -0.004}},
		{-0.0010, 0.0250, []float64{0, 0.01, 0.02}},
		{0, 41.51, []float64{0, 10, 20, 30, 40}},
		{3.2, 3.9, []float64{3.2, 3.4, 3.6, 3.8}},
		{-0.3, 0.2, []float64{-0.3, -0.2, -0.1, 0, 0.1, 0.2}},
		{5, 5, []float64{5}},
	} {
		got := ticksWithin(c.lo, c.hi)
		ok := len(got) == len(c.want)
		for i := range got {
			ok = ok && math.Abs(got[i]-c.want[i]) < 1e-12 && !math.Signbit(got[i]) == (c.want[i] >= 0)
		}
		if !ok {
			t.Errorf("ticksWithin(%v, %v) = %v, want %v", c.lo, c.hi, got, c.want)
		}
	}
}

// TestTickValues: a sweep's few points are labelled as they are; a
// tuning panel's many trials at round values inside their range.
func TestTickValues(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		logX bool
		want []float64
	}{
		{[]float64{32, 64, 128, 256, 512}, true, []float64{32, 64, 128, 256, 512}},
		{[]float64{1.69e-7, 3e-6, 1.2e-5, 4e-5, 7.9e-5, 2e-4, 4.7e-4, 8.54e-4}, true, []float64{1e-6, 1e-5, 1e-4}},
		{[]float64{1.13e-4, 2e-4, 4e-4, 8e-4, 9.8e-4, 2e-3, 4e-3, 8.51e-3}, true, []float64{2e-4, 5e-4, 1e-3, 2e-3, 5e-3}},
		{[]float64{0.91, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995}, true, []float64{0.91, math.Sqrt(0.91 * 0.995), 0.995}},
		{[]float64{1, 3, 7, 12, 18, 25, 33}, false, []float64{10, 20, 30}},
	} {
		if got := tickValues(c.xs, c.logX); !slices.Equal(got, c.want) {
			t.Errorf("tickValues(%v, log %v) = %v, want %v", c.xs, c.logX, got, c.want)
		}
	}
}
