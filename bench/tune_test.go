package bench

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"onebp/data"
	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
	"onebp/results/report"
)

// clearWinner is a tuning grid whose search has one clear winner on
// validation for both strategies: a learning rate of 1e-7 leaves the
// initial tables as they are (validation NDCG@20 about 0.10), 5e-2
// learns in a few epochs (0.34 and 0.47 on the test set).
func clearWinner(t *testing.T, out string) SuiteOptions {
	t.Helper()
	opts := smallSuiteOptions(t, out, PresetValidated, 10)
	spec, err := data.ParseSpec("synthetic:users=200,items=150,interactions=6000,seed=3")
	if err != nil {
		t.Fatal(err)
	}
	opts.Datasets, opts.Seeds = []data.Spec{spec}, 2
	opts.Tuning = &Tuning{Sampler: SamplerGrid, Trials: 2, Spaces: map[model.Strategy]Space{}}
	for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
		space, err := ParseSpace("lr=1e-7|5e-2", s)
		if err != nil {
			t.Fatal(err)
		}
		opts.Tuning.Spaces[s] = space
	}
	return opts
}

// TestTunePicksTheWinner: the runs at tuned settings take the trial that
// wins on validation, for each strategy, with the comparison's seeds, not
// the trials'; run as two shards (each run twice, as processes are when
// the other's trials were not yet recorded) a tuning grid records what
// one process records.
func TestTunePicksTheWinner(t *testing.T) {
	one := t.TempDir()
	opts := clearWinner(t, one)
	opts.Readme = filepath.Join(t.TempDir(), "README.md")
	begin, end := report.SummaryMarkers(one)
	if err := os.WriteFile(opts.Readme, []byte(begin+"\n"+end+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Suite(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if readme, _ := os.ReadFile(opts.Readme); !strings.Contains(string(readme), "after tuning**: ") || !strings.Contains(string(readme), " tuned ") {
		t.Errorf("the README summary of a tuning set lacks the tuned row or the finding:\n%s", readme)
	}
	runs, err := results.LoadRuns(one)
	if err != nil {
		t.Fatal(err)
	}
	var trials, tuned, plain int
	for _, r := range runs {
		switch {
		case r.IsTrial():
			trials++
			if r.Config.Seed != 2021 {
				t.Errorf("trial %d of %v has seed %d, want 2021", r.Tuning.Trial, r.Strategy(), r.Config.Seed)
			}
		case r.Tuning != nil:
			tuned++
			if lr, _ := r.Point.Get("lr"); lr != "0.05" || r.Config.LR != 5e-2 {
				t.Errorf("%s: tuned at lr %s (config %g), want 0.05", r.Key(), lr, r.Config.LR)
			}
		default:
			plain++
		}
	}
	if trials != 4 || tuned != 4 || plain != 4 {
		t.Errorf("%d trials, %d tuned runs, %d at the preset's setting; want 4 of each", trials, tuned, plain)
	}

	sharded := t.TempDir()
	var logs []string
	for i, k := range []int{1, 2, 1} {
		opts := clearWinner(t, sharded)
		opts.Shard = Shard{K: k, N: 2}
		var log strings.Builder
		opts.Log = &log
		if err := Suite(context.Background(), opts); err != nil {
			t.Fatal(err)
		}
		logs = append(logs, log.String())
		if i == 0 {
			// One trial of each strategy is recorded: a best so far,
			// not yet a choice, in the report and in the plot.
			report, _ := os.ReadFile(filepath.Join(sharded, "README.md"))
			var plot []byte
			if svgs, _ := filepath.Glob(filepath.Join(sharded, "curves", "tuning-*.svg")); len(svgs) == 1 {
				plot, _ = os.ReadFile(svgs[0])
			}
			if strings.Contains(string(report), "| chosen |") || strings.Count(string(report), "| best so far |") != 2 || !strings.Contains(string(plot), "best so far") {
				t.Errorf("with half the trials recorded, the report and plot do not mark the best so far:\n%s", report)
			}
		}
	}
	if !strings.Contains(logs[0], "wait for trials other processes run") {
		t.Errorf("the first shard's log does not say its tuned runs wait:\n%s", logs[0])
	}
	if a, b := readQuality(t, one), readQuality(t, sharded); a != b {
		t.Errorf("two shards record other quality than one process:\n%s\n%s", b, a)
	}
	report, err := os.ReadFile(filepath.Join(one, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Tuning on ", "| lr=0.05 ", "| chosen |", "after tuning**: "} {
		if !strings.Contains(string(report), want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	if svgs, _ := filepath.Glob(filepath.Join(one, "curves", "tuning-*.svg")); len(svgs) != 1 {
		t.Errorf("tuning plots: %v", svgs)
	}
}

// TestTuneChoiceIgnoresTheTestSet: turning the trials' test figures
// upside down (the winner's to 0, the loser's to 1) moves no choice: the
// same grid finds every run recorded and runs nothing again.
func TestTuneChoiceIgnoresTheTestSet(t *testing.T) {
	out := t.TempDir()
	if err := Suite(context.Background(), clearWinner(t, out)); err != nil {
		t.Fatal(err)
	}
	runs, err := results.LoadRuns(out)
	if err != nil {
		t.Fatal(err)
	}
	var edited []*results.Run
	for _, r := range runs {
		if !r.IsTrial() {
			continue
		}
		v := 1.0
		if r.Config.LR == 5e-2 {
			v = 0
		}
		setTestFigures(r, v)
		edited = append(edited, r)
	}
	if _, err := results.Save(out, edited); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	opts := clearWinner(t, out)
	opts.Log = &log
	if err := Suite(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "== (") || strings.Contains(log.String(), "record moves") {
		t.Errorf("after the test figures changed, the grid ran again:\n%s", log.String())
	}
	runs, err = results.LoadRuns(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.Tuning != nil && !r.IsTrial() && r.Config.LR != 5e-2 {
			t.Errorf("%s: tuned at lr %g after the test figures changed", r.Key(), r.Config.LR)
		}
	}
}

// setTestFigures sets every test figure of r to v: per epoch, final,
// best, selected and per user.
func setTestFigures(r *results.Run, v float64) {
	set := func(m map[eval.Metric]float64) {
		for k := range m {
			m[k] = v
		}
	}
	for _, e := range r.Epochs {
		set(e.Metrics)
	}
	set(r.Final)
	for k, b := range r.Best {
		b.Value = v
		r.Best[k] = b
	}
	set(r.Selected.Test)
	if pu := r.Selected.PerUser; pu != nil {
		for _, vals := range pu.Values {
			for i := range vals {
				vals[i] = float32(v)
			}
		}
	}
}

func readQuality(t *testing.T, out string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "quality.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSpaces: what a space draws, and the spaces and budgets refused
// before anything runs, naming what is accepted.
func TestSpaces(t *testing.T) {
	space, err := ParseSpace("lr=1e-4:1e-2:log:3,l2=0|1e-6:1e-4:log:2", model.TwoBP)
	if err != nil {
		t.Fatal(err)
	}
	grid, err := space.Trials(9, SamplerGrid, 1, model.TwoBP)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range grid {
		got = append(got, p.String())
	}
	if want := []string{"lr=0.0001,l2=0", "lr=0.0001,l2=1e-06", "lr=0.0001,l2=0.0001", "lr=0.001,l2=0"}; !slices.Equal(got[:4], want) || len(got) != 9 {
		t.Errorf("grid %v, want %v first of 9", got, want)
	}
	for _, sampler := range []Sampler{SamplerRandom, SamplerHalton} {
		a, err := space.Trials(16, sampler, 7, model.TwoBP)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := space.Trials(16, sampler, 7, model.TwoBP)
		c, _ := space.Trials(16, sampler, 8, model.TwoBP)
		if !slices.EqualFunc(a, b, func(x, y results.Point) bool { return x.String() == y.String() }) {
			t.Errorf("%s: the same seed drew other points", sampler)
		}
		if slices.EqualFunc(a, c, func(x, y results.Point) bool { return x.String() == y.String() }) {
			t.Errorf("%s: another seed drew the same points", sampler)
		}
		for _, p := range a {
			lrText, _ := p.Get("lr")
			l2Text, _ := p.Get("l2")
			lr, errLR := strconv.ParseFloat(lrText, 64)
			l2, errL2 := strconv.ParseFloat(l2Text, 64)
			if errLR != nil || errL2 != nil || lr < 1e-4 || lr > 1e-2 || (l2 != 0 && (l2 < 1e-6 || l2 > 1e-4)) {
				t.Errorf("%s drew %v, outside the space", sampler, p)
			}
		}
	}
	// The default spaces' Halton draws at the preset seed are the
	// committed trials' settings (results/tuned): a change here would
	// make every committed trial another setting's.
	for s, want := range map[model.Strategy][2]string{
		model.OneBP: {"lr=0.00479,beta=0.9", "lr=0.000553,beta=0.97"},
		model.TwoBP: {"lr=0.000757,l2=2.82e-05", "lr=0.00875,l2=0.000307"},
	} {
		space, err := ParseSpace(DefaultSpaces[s], s)
		if err != nil {
			t.Fatal(err)
		}
		pts, err := space.Trials(16, SamplerHalton, 2022, s)
		if err != nil || pts[0].String() != want[0] || pts[15].String() != want[1] {
			t.Errorf("%v: trials 1 and 16 are %v and %v (%v), want %v", s, pts[0], pts[15], err, want)
		}
	}
	beta, _ := ParseSpace("beta=0.99:0.9999", model.OneBP)
	if pts, err := beta.Trials(10, SamplerRandom, 1, model.OneBP); err != nil || slices.ContainsFunc(pts, func(p results.Point) bool { return p[0].Value == "1" }) {
		t.Errorf("beta draws rounded out of range: %v, %v", pts, err)
	}

	for _, c := range []struct {
		space string
		s     model.Strategy
		want  string
	}{
		{"lr=1e-2:1e-4", model.TwoBP, "an empty range"},
		{"depth=3", model.TwoBP, "one of dim, beta"},
		{"beta=0.9|0.99", model.TwoBP, "a hyper-parameter twobp has (it has no beta)"},
		{"lr=1e-3,lr=1e-4", model.TwoBP, "each hyper-parameter once"},
		{"l2=0:1e-2:log", model.TwoBP, "a log range needs LO > 0"},
		{"beta=0.9:1.5", model.OneBP, "beta 1.5: want 0 <= beta < 1"},
		{"dim=0|8", model.OneBP, "dim 0: want at least 1"},
		{"lr=", model.OneBP, "NAME=ALTERNATIVES"},
		{"lr=1e-4:1e-2:lin", model.OneBP, "optionally log"},
		{"negatives=1.2:1.7", model.OneBP, "want an integer"},
		{"negatives=5:1", model.OneBP, "an empty range"},
	} {
		_, err := ParseSpace(c.space, c.s)
		var oe *OptionError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("space %q for %v: %v; want an option error saying %q", c.space, c.s, err, c.want)
		}
	}

	opts := clearWinner(t, t.TempDir())
	for _, c := range []struct {
		change func(*SuiteOptions)
		want   string
	}{
		{func(o *SuiteOptions) { o.Tuning.Trials = 3 }, "the grid of onebp's space has 2 points"},
		{func(o *SuiteOptions) { o.Tuning.Trials = 0 }, "trials 0: want at least 1"},
		{func(o *SuiteOptions) {
			o.Tuning.Spaces[model.TwoBP], _ = ParseSpace("lr=1e-7|5e-2,l2=0|1e-5", model.TwoBP)
		}, "as many parameters as onebp's space searches"},
		{func(o *SuiteOptions) { o.Set = append(o.Set, model.Field{Name: "lr", Value: "0.001"}) }, "no hyper-parameter that is also set for every job (lr is)"},
		{func(o *SuiteOptions) { o.Preset = PresetQuick }, "trials are chosen on a validation split"},
		{func(o *SuiteOptions) { o.Tuning.Sampler = SamplerRandom; o.Tuning.Trials = 3 }, "distinct points"},
	} {
		o := opts
		o.Tuning = &Tuning{Sampler: opts.Tuning.Sampler, Trials: opts.Tuning.Trials, Spaces: map[model.Strategy]Space{
			model.OneBP: opts.Tuning.Spaces[model.OneBP], model.TwoBP: opts.Tuning.Spaces[model.TwoBP]}}
		o.Set = slices.Clone(opts.Set)
		c.change(&o)
		err := Suite(context.Background(), o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error saying %q", err, c.want)
		}
		if entries, _ := os.ReadDir(o.Out); len(entries) > 0 {
			t.Errorf("refused, yet %s holds %d entries", o.Out, len(entries))
		}
	}
}
