package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onebp/data"
	"onebp/model"
	"onebp/results"
)

// TestSuitePeakMemoryIsPerRun: a small dataset's peak memory does not
// depend on a large one having run before it in the same suite.
func TestSuitePeakMemoryIsPerRun(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model with a 50 MB item table")
	}
	resetPeakRSS()
	if peakRSS() == 0 {
		t.Skip("peak resident memory is not measurable here")
	}
	spec := func(s string) data.Spec {
		sp, err := data.ParseSpec(s)
		if err != nil {
			t.Fatal(err)
		}
		return sp
	}
	small := spec("synthetic:users=200,items=300,interactions=4000,seed=1")
	large := spec("synthetic:users=200,items=400000,interactions=4000,seed=1")
	peak := func(datasets ...data.Spec) int64 {
		out := t.TempDir()
		err := Suite(context.Background(), SuiteOptions{Datasets: datasets, Preset: PresetQuick, Out: out,
			Set: epochsSet(1), Workers: 2, Log: io.Discard})
		if err != nil {
			t.Fatal(err)
		}
		runs, err := results.LoadRuns(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			if r.Dataset == small.String() && r.Strategy() == model.TwoBP {
				return r.Memory.PeakRSSBytes
			}
		}
		t.Fatalf("no TwoBP run of %s in %v", small, runs)
		return 0
	}
	alone, after := peak(small), peak(large, small)
	t.Logf("peak RSS of the small run: %.1f MB alone, %.1f MB after the large one", float64(alone)/1e6, float64(after)/1e6)
	// The large run's tables and Adam moments are about 150 MB: carried
	// over, they would more than double the small run's peak.
	if float64(after) > 1.5*float64(alone) {
		t.Errorf("the small run's peak memory is %d bytes after a large run, %d alone", after, alone)
	}
}

// TestSuiteExtendsACappedRun: a validated run that reaches its cap keeps
// its checkpoint, and the same suite with a higher cap resumes it and
// records what a straight run to that cap records. A run of the reference
// protocol leaves no checkpoint behind.
func TestSuiteExtendsACappedRun(t *testing.T) {
	suite := func(out string, preset Preset, epochs int) string { return smallSuite(t, out, preset, epochs) }
	checkpoints := func(out string) []string {
		names, _ := filepath.Glob(filepath.Join(out, "checkpoints", "*.ckpt"))
		return names
	}
	quality := func(out string) string {
		b, err := os.ReadFile(filepath.Join(out, "quality.txt"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	extended, straight := t.TempDir(), t.TempDir()
	suite(extended, PresetValidated, 10)
	if n := len(checkpoints(extended)); n != 2 {
		t.Fatalf("%d checkpoints after two capped runs, want 2", n)
	}
	log := suite(extended, PresetValidated, 20)
	if strings.Count(log, "resuming from") != 2 {
		t.Errorf("a higher cap did not resume both capped runs:\n%s", log)
	}
	suite(straight, PresetValidated, 20)
	if a, b := quality(extended), quality(straight); a != b {
		t.Errorf("extended runs record\n%s\nstraight runs\n%s", a, b)
	}
	quick := t.TempDir()
	suite(quick, PresetQuick, 2)
	if names := checkpoints(quick); len(names) != 0 {
		t.Errorf("reference-protocol runs left checkpoints %v", names)
	}
}

// TestSuiteKeepsAnEarlyStopUnderAHigherCap: a validated run that stopped
// early is not run again under a higher cap, since it would stop at the
// same epoch; its record takes the new cap. Under a cap it did not stop
// before, it is run again. (The records are marked as stopped early by
// hand: a run that stops early takes longer than a test should.)
func TestSuiteKeepsAnEarlyStopUnderAHigherCap(t *testing.T) {
	out := t.TempDir()
	suite := func(epochs int) string { return smallSuite(t, out, PresetValidated, epochs) }
	stopEarly := func() {
		runs, err := results.LoadRuns(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			r.StoppedEarly = true
		}
		if _, err := results.Save(out, runs); err != nil {
			t.Fatal(err)
		}
		os.RemoveAll(filepath.Join(out, "checkpoints"))
	}
	suite(3)
	stopEarly()
	if log := suite(6); strings.Contains(log, "==") || strings.Count(log, "it stopped early after 3 epochs under a cap of 3") != 2 {
		t.Errorf("runs that stopped early were run again under a higher cap:\n%s", log)
	}
	runs, _ := results.LoadRuns(out)
	for _, r := range runs {
		if r.Config.Epochs != 6 || r.EpochsTrained() != 3 {
			t.Errorf("%v: record says a cap of %d after %d epochs, want 6 after 3", r.Strategy(), r.Config.Epochs, r.EpochsTrained())
		}
	}
	if log := suite(3); strings.Count(log, "==") != 2 {
		t.Errorf("runs that did not stop before the cap were not run again:\n%s", log)
	}
}

// TestSuiteStartsOverOnOtherTrainingCode: a job whose checkpoint other
// training code wrote is run from the start, and the suite's log and its
// status say why; the other job resumes.
func TestSuiteStartsOverOnOtherTrainingCode(t *testing.T) {
	out := t.TempDir()
	smallSuite(t, out, PresetValidated, 3)
	opts := smallSuiteOptions(t, out, PresetValidated, 6)
	plan, _, err := planSuite(opts)
	if err != nil || len(plan) != 2 {
		t.Fatalf("plan %v, %v; want two jobs", plan, err)
	}
	other := plan[0]
	d, err := other.spec.Load(opts.DataDir, opts.SplitSeed)
	if err != nil {
		t.Fatal(err)
	}
	ckpt := other.checkpoint(out)
	saveAsOtherCode(t, ckpt, ckpt, d, other.config, other.hyper.Protocol, opts.SplitSeed)
	why := fmt.Sprintf("from the start (not resuming: checkpoint %s: was trained by other training code (000000000000, now %s))", ckpt, mustCode(t, other.config))

	var status strings.Builder
	opts.Status, opts.Log = true, &status
	if err := Suite(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(status.String(), why) || strings.Count(status.String(), "started ") != 1 {
		t.Errorf("status does not say that one job starts over, and why (%q):\n%s", why, status.String())
	}
	log := smallSuite(t, out, PresetValidated, 6)
	if !strings.Contains(log, other.String()+": validated preset, dim ") || !strings.Contains(log, why) || strings.Count(log, "resuming from") != 1 {
		t.Errorf("the suite does not start one job over and resume the other, or does not say why (%q):\n%s", why, log)
	}
	runs, err := results.LoadRuns(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		wantResumed := 1
		if r.Strategy() == other.strategy {
			wantResumed = 0
		}
		if len(r.ResumedAfter) != wantResumed {
			t.Errorf("%v: resumed after %v, want %d resume", r.Strategy(), r.ResumedAfter, wantResumed)
		}
	}
}

// smallSuite runs a suite of a small synthetic set into out and returns
// its log.
func smallSuite(t *testing.T, out string, preset Preset, epochs int) string {
	t.Helper()
	var log strings.Builder
	opts := smallSuiteOptions(t, out, preset, epochs)
	opts.Log = &log
	if err := Suite(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	return log.String()
}

// smallSuiteOptions are smallSuite's options, without a log.
func smallSuiteOptions(t *testing.T, out string, preset Preset, epochs int) SuiteOptions {
	t.Helper()
	spec, err := data.ParseSpec("synthetic:users=120,items=200,interactions=3000,seed=3")
	if err != nil {
		t.Fatal(err)
	}
	return SuiteOptions{Datasets: []data.Spec{spec}, Preset: preset, Out: out, Set: epochsSet(epochs), Workers: 1, Log: io.Discard}
}

// epochsSet sets the epochs to n (none for n = 0: the preset's).
func epochsSet(n int) []model.Field {
	if n == 0 {
		return nil
	}
	return []model.Field{{Name: "epochs", Value: fmt.Sprint(n)}}
}

// TestSuiteRerunsOtherTrainingCode: a record another training code wrote
// (here, one that differs only in its code, as after a change to Adam's
// constants) is not reused: the suite says why and runs the job again,
// while a record of this code is kept.
func TestSuiteRerunsOtherTrainingCode(t *testing.T) {
	out := t.TempDir()
	smallSuite(t, out, PresetQuick, 2)
	runs, err := results.LoadRuns(out)
	if err != nil || len(runs) != 2 {
		t.Fatalf("%d runs, %v", len(runs), err)
	}
	stale := runs[0]
	stale.Env.TrainingCode = "000000000000"
	var b bytes.Buffer
	if err := results.WriteJSON(&b, stale); err != nil {
		t.Fatal(err)
	}
	key := results.RunKey(stale.Dataset, nil, nil, stale.Strategy(), stale.Config.Seed)
	if err := os.WriteFile(filepath.Join(out, "runs", key+".json"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	log := smallSuite(t, out, PresetQuick, 2)
	want := fmt.Sprintf("recorded: %s %v seed %d, but its record is of other training code (000000000000, now %s): run again; its record moves to %s until then",
		stale.Dataset, stale.Strategy(), stale.Config.Seed, mustCode(t, stale.Config.Config), filepath.Join(out, "superseded"))
	if !strings.Contains(log, want) || strings.Count(log, "not run again") != 1 {
		t.Errorf("log:\n%s\nwant %q and one record kept", log, want)
	}
	if _, err := os.Stat(filepath.Join(out, "superseded", key+".json")); err != nil {
		t.Errorf("the superseded record is not kept: %v", err)
	}
	again, err := results.LoadRuns(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range again {
		if r.Env.TrainingCode != mustCode(t, r.Config.Config) {
			t.Errorf("%s %v: training code %s after the suite", r.Dataset, r.Strategy(), r.Env.TrainingCode)
		}
	}
}

// TestSuiteSetsHyperparameters: fields set over the preset reach every
// job, beta OneBP's only (TwoBP keeps the preset's, so its record stays
// comparable), and the source says so.
func TestSuiteSetsHyperparameters(t *testing.T) {
	out := t.TempDir()
	opts := smallSuiteOptions(t, out, PresetQuick, 1)
	opts.Set = append(opts.Set, model.Field{Name: "lr", Value: "0.002"}, model.Field{Name: "beta", Value: "0.9"})
	if err := Suite(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	runs, err := results.LoadRuns(out)
	if err != nil || len(runs) != 2 {
		t.Fatalf("%d runs, %v", len(runs), err)
	}
	for _, r := range runs {
		wantBeta := map[model.Strategy]float64{model.OneBP: 0.9, model.TwoBP: 0.99}[r.Strategy()]
		if r.Config.LR != 0.002 || r.Config.Beta != wantBeta || !strings.Contains(r.Config.Source, "lr set to 0.002 for this run") {
			t.Errorf("%v: lr %g, beta %g (want 0.002, %g), source %q", r.Strategy(), r.Config.LR, r.Config.Beta, wantBeta, r.Config.Source)
		}
	}
}

// TestSuiteRefusesMixedCells: a grid whose runs would share a report with
// records of another setting it does not replace (two seeds of 10
// epochs, then one of 12) is refused before anything runs.
func TestSuiteRefusesMixedCells(t *testing.T) {
	out := t.TempDir()
	opts := smallSuiteOptions(t, out, PresetQuick, 2)
	opts.Seeds = 2
	if err := Suite(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	opts = smallSuiteOptions(t, out, PresetQuick, 3)
	var log strings.Builder
	opts.Log = &log
	err := Suite(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "differ in epochs 3 -> 2") {
		t.Errorf("%v, want a refusal naming the epochs", err)
	}
	if strings.Contains(log.String(), "==") {
		t.Errorf("ran before refusing:\n%s", log.String())
	}
}

// TestSuiteStartsOverOnDamagedCheckpoint: a damaged checkpoint does not
// stop the grid: a truncated one is reported as such by -status and its
// job runs from the start, as does one whose body is corrupted (which
// only reading it tells), saying why.
func TestSuiteStartsOverOnDamagedCheckpoint(t *testing.T) {
	for _, damage := range []string{"truncated", "corrupted"} {
		out := t.TempDir()
		smallSuite(t, out, PresetValidated, 3) // capped: the checkpoints stay
		opts := smallSuiteOptions(t, out, PresetValidated, 6)
		plan, _, err := planSuite(opts)
		if err != nil {
			t.Fatal(err)
		}
		ckpt := plan[0].checkpoint(out)
		b, err := os.ReadFile(ckpt)
		if err != nil {
			t.Fatal(err)
		}
		if damage == "truncated" {
			b = b[:len(b)-100]
		} else {
			b[len(b)/2] ^= 0xff
		}
		if err := os.WriteFile(ckpt, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if damage == "truncated" {
			var status strings.Builder
			st := opts
			st.Status, st.Log = true, &status
			if err := Suite(context.Background(), st); err != nil || !strings.Contains(status.String(), "damaged or truncated") {
				t.Errorf("status of a truncated checkpoint: %v\n%s", err, status.String())
			}
		}
		var log strings.Builder
		opts.Log = &log
		if err := Suite(context.Background(), opts); err != nil {
			t.Fatalf("%s: %v", damage, err)
		}
		if !strings.Contains(log.String(), "from the start (not resuming: checkpoint "+ckpt) || !strings.Contains(log.String(), "damaged or truncated") {
			t.Errorf("%s: log:\n%s", damage, log.String())
		}
		runs, err := results.LoadRuns(out)
		if err != nil || len(runs) != 2 {
			t.Fatalf("%d runs, %v", len(runs), err)
		}
		for _, r := range runs {
			if r.Strategy() == plan[0].strategy && len(r.ResumedAfter) != 0 {
				t.Errorf("%s: the damaged job resumed after %v", damage, r.ResumedAfter)
			}
		}
	}
}

// TestSweep: a two-point sweep of dim run as two shards into one
// directory records what one process records; records and benchmark names
// carry the swept values; the report has the sweep's table and plot; and
// TwoBP runs once per point of the other parameters under a beta sweep.
func TestSweep(t *testing.T) {
	quality := func(out string) string {
		b, err := os.ReadFile(filepath.Join(out, "quality.txt"))
		if err != nil {
			t.Fatal(err)
		}
		// Commits and training codes are the same; only the runs' records
		// could differ.
		return string(b)
	}
	sweep := []Sweep{{Name: "dim", Values: []string{"8", "16"}}}
	one := t.TempDir()
	opts := smallSuiteOptions(t, one, PresetQuick, 2)
	opts.Sweeps = sweep
	if err := Suite(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	sharded := t.TempDir()
	for k := 1; k <= 2; k++ {
		opts := smallSuiteOptions(t, sharded, PresetQuick, 2)
		opts.Sweeps, opts.Shard = sweep, Shard{K: k, N: 2}
		if err := Suite(context.Background(), opts); err != nil {
			t.Fatal(err)
		}
	}
	if quality(one) != quality(sharded) {
		t.Errorf("two shards record other quality than one process:\n%s\n%s", quality(sharded), quality(one))
	}
	runs, err := results.LoadRuns(one)
	if err != nil || len(runs) != 4 {
		t.Fatalf("%d runs, %v", len(runs), err)
	}
	for _, r := range runs {
		if v, ok := r.Point.Get("dim"); !ok || v != fmt.Sprint(r.Config.Dim) {
			t.Errorf("%v seed %d: point %v, dim %d", r.Strategy(), r.Config.Seed, r.Point, r.Config.Dim)
		}
	}
	q := quality(one)
	for _, want := range []string{"/dim=8/strategy=onebp/protocol=final", "/dim=16/strategy=twobp/protocol=final"} {
		if !strings.Contains(q, want) {
			t.Errorf("quality.txt lacks a benchmark name with %q", want)
		}
	}
	report, err := os.ReadFile(filepath.Join(one, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(report), "## Sweep of dim on ") || !strings.Contains(string(report), "| dim=16 ") {
		t.Errorf("report lacks the sweep's table:\n%s", report)
	}
	svgs, _ := filepath.Glob(filepath.Join(one, "curves", "sweep-*.svg"))
	if len(svgs) != 1 {
		t.Errorf("sweep plots: %v", svgs)
	}

	beta := t.TempDir()
	opts = smallSuiteOptions(t, beta, PresetQuick, 1)
	opts.Sweeps = []Sweep{{Name: "beta", Values: []string{"0.9", "0.99"}}}
	plan, _, err := planSuite(opts)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, j := range plan {
		names = append(names, j.String())
	}
	if len(plan) != 3 || strings.Count(strings.Join(names, "\n"), "twobp") != 1 {
		t.Errorf("a beta sweep plans %v; want OneBP at each beta and TwoBP once", names)
	}
}

// TestSweepReusesPlainRecords: the runs of a grid without a sweep count as
// the matching point's jobs of a sweep in the same directory, and are
// not run again.
func TestSweepReusesPlainRecords(t *testing.T) {
	out := t.TempDir()
	smallSuite(t, out, PresetQuick, 2) // dim 32, the preset's
	opts := smallSuiteOptions(t, out, PresetQuick, 2)
	opts.Sweeps = []Sweep{{Name: "dim", Values: []string{"16", "32"}}}
	var status strings.Builder
	opts.Log, opts.Status = &status, true
	if err := Suite(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(status.String(), "4 jobs, 2 recorded") {
		t.Errorf("-status before the sweep runs:\n%s\nwant the two dim-32 runs recorded", status.String())
	}
	var log strings.Builder
	opts.Log, opts.Status = &log, false
	if err := Suite(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(log.String(), "reused as the point's run"); got != 2 || strings.Count(log.String(), "== (") != 2 {
		t.Errorf("log:\n%s\nwant the two dim-32 runs reused and the two dim-16 ones run", log.String())
	}
	runs, err := results.LoadRuns(out)
	if err != nil || len(runs) != 4 {
		t.Fatalf("%d runs, %v", len(runs), err)
	}
	for _, r := range runs {
		if len(r.Point) != 1 {
			t.Errorf("%v dim %d: point %v", r.Strategy(), r.Config.Dim, r.Point)
		}
	}
}
