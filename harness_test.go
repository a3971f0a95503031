package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const smallData = "synthetic:users=150,items=240,interactions=5000,seed=2"

func TestTrainCommand(t *testing.T) {
	dir := t.TempDir()
	args := []string{"train", "-dataset", smallData, "-strategy", "twobp", "-epochs", "3", "-lr", "0.01", "-batch", "256",
		"-eval-every", "2", "-json", filepath.Join(dir, "run.json"), "-out", filepath.Join(dir, "run.txt"),
		"-export", filepath.Join(dir, "tables"), "-checkpoint", filepath.Join(dir, "ckpt")}
	stdout, stderr, err := runCmd(t, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	for _, want := range []string{"final = after 3 epochs", "best-on-test", "recall_at_20"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if n := strings.Count(stderr, "\nepoch "); n != 3 {
		t.Errorf("%d progress lines, want 3:\n%s", n, stderr)
	}
	var run struct {
		Config struct{ Strategy string }
		Epochs []struct {
			Epoch   int
			Metrics map[string]float64
		}
		Final  map[string]float64
		Best   map[string]struct{ Value float64 }
		Memory struct {
			StateBytes int64 `json:"state_bytes"`
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil || json.Unmarshal(b, &run) != nil {
		t.Fatalf("run.json: %v", err)
	}
	if run.Config.Strategy != "twobp" || len(run.Epochs) != 3 || run.Epochs[0].Metrics != nil || run.Epochs[1].Metrics == nil ||
		run.Final["ndcg_at_10"] == 0 || run.Memory.StateBytes == 0 {
		t.Errorf("run.json: %s", b)
	}
	for _, f := range []string{"run.txt", "tables/users.npy", "tables/items.npy", "ckpt"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	// Resuming the 3-epoch checkpoint with -epochs 3 evaluates and exports
	// it without training: the same figures and tables.
	_, stderr, err = runCmd(t, "train", "-dataset", smallData, "-strategy", "twobp", "-epochs", "3", "-lr", "0.01", "-batch", "256",
		"-resume", filepath.Join(dir, "ckpt"), "-json", filepath.Join(dir, "again.json"), "-export", filepath.Join(dir, "again"))
	if err != nil || !strings.Contains(stderr, "evaluating the 3-epoch checkpoint") || strings.Contains(stderr, "\nepoch ") {
		t.Errorf("evaluate a checkpoint: %v\n%s", err, stderr)
	}
	var again struct{ Final map[string]float64 }
	b, _ = os.ReadFile(filepath.Join(dir, "again.json"))
	if json.Unmarshal(b, &again) != nil || !maps.Equal(again.Final, run.Final) {
		t.Errorf("the checkpoint evaluates to %v, the run ended at %v", again.Final, run.Final)
	}
	for _, f := range []string{"items.npy", "item_ids.npy", "user_ids.npy"} {
		x, _ := os.ReadFile(filepath.Join(dir, "tables", f))
		y, _ := os.ReadFile(filepath.Join(dir, "again", f))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s: exported from the checkpoint differs from the run's", f)
		}
	}
	_, _, err = runCmd(t, "train", "-dataset", smallData, "-strategy", "twobp", "-epochs", "2", "-lr", "0.01", "-batch", "256",
		"-resume", filepath.Join(dir, "ckpt"))
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "-epochs 2: want at least the 3 epochs checkpoint") {
		t.Errorf("resume with fewer epochs: %v", err)
	}
	_, _, err = runCmd(t, "train", "-dataset", smallData, "-strategy", "onebp", "-resume", filepath.Join(dir, "ckpt"))
	if err == nil || !strings.Contains(err.Error(), "strategy twobp, this run has onebp") {
		t.Errorf("resume with another strategy: %v", err)
	}
}

func TestTrainCommandErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "-strategy", "threebp"}, `invalid value "threebp" for flag -strategy: strategy "threebp": want twobp or onebp`},
		{[]string{"train", "-preset", "slow"}, `invalid value "slow" for flag -preset: preset "slow": want validated or paper or quick`},
		{[]string{"train", "-optimizer", "sgd"}, `invalid value "sgd" for flag -optimizer: optimizer "sgd": want adam or sparse-adam or adam-eager`},
		{[]string{"train", "-dim", "0"}, "-dim 0: want at least 1"},
		{[]string{"train", "-eval-every", "0"}, "-eval-every 0: want at least 1"},
		{[]string{"train", "-dataset", "nonesuch"}, `-dataset: unknown dataset "nonesuch"`},
	} {
		_, stderr, err := runCmd(t, c.args...)
		msg := stderr
		if err != nil && !errors.Is(err, errUsage) {
			msg = err.Error()
		}
		if err == nil || !strings.Contains(msg, c.want) || exitCode(err) != 2 {
			t.Errorf("%v: %v (exit %d) %s, want %q and exit 2", c.args, err, exitCode(err), stderr, c.want)
		}
	}
}

// TestMistakesRefusedBeforeWork: the usual mistakes of a new user exit 2,
// naming the flag or file, before any epoch runs.
func TestMistakesRefusedBeforeWork(t *testing.T) {
	dir := t.TempDir()
	train := func(extra ...string) []string {
		return append([]string{"train", "-dataset", smallData, "-epochs", "2", "-batch", "256"}, extra...)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{train("-strategy", "twobp", "-beta", "0.5"), "-beta: does not apply to -strategy twobp"},
		{train("-strategy", "twobp", "-aggregation", "sequential"), "-aggregation: does not apply to -strategy twobp"},
		{train("-epochs", "0"), "-epochs: 0: nothing to train"},
		{train("-json", "/proc/x.json"), "-json: cannot write in /proc"},
		{train("-json", dir), "-json: " + dir + " is a directory"},
		{train("-out", filepath.Join(dir, "f", "x.txt"), "-checkpoint", filepath.Join("/proc", "c")), "-checkpoint: cannot write in /proc"},
		{[]string{"diff", "README.md", "go.mod"}, "README.md holds no benchmark results"},
		{[]string{"diff", dir, dir}, dir + " holds no benchmark results (no quality.txt)"},
		{[]string{"diff", "nonesuch-e1", "nonesuch-e2"}, "nonesuch-e1 is not a file, a directory or a git revision"},
		{[]string{"bench", "-out", "/proc/results", "-datasets", "synthetic"}, "-out: cannot write in /proc"},
		// A batch larger than the training set would train nothing.
		{train("-batch", "100000"), "-batch 100000: want at most"},
		{train("-batch", "100000", "-preset", "validated"), "-batch 100000: want at most"},
		{[]string{"bench", "-out", dir, "-datasets", smallData, "-batch", "100000"}, "-batch 100000: want at most"},
		{[]string{"bench", "-out", dir, "-datasets", smallData, "-beta", "1.5"}, "-beta 1.5: want 0 <= beta < 1"},
		{[]string{"bench", "-out", dir, "-datasets", smallData, "-epochs", "-3"}, "-epochs: -3: want at least 1"},
		{[]string{"bench", "-out", dir, "-datasets", smallData, "-strategy", "onebp"}, "-strategy: bench runs both strategies"},
	} {
		_, stderr, err := runCmd(t, c.args...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v (exit %d), want %q and exit 2", c.args, err, exitCode(err), c.want)
		}
		if strings.Contains(stderr, "epoch ") || strings.Contains(stderr, "training ") {
			t.Errorf("%v: trained before refusing:\n%s", c.args, stderr)
		}
	}
	// Bad sweeps: refused by the flag parser (exit 2), naming what is
	// accepted.
	for _, c := range []struct{ sweep, want string }{
		{"dim=0", "sweep dim: dim 0: want at least 1"},
		{"beta=1.5", "sweep beta: beta 1.5: want 0 <= beta < 1"},
		{"depth=3", `sweep "depth": want one of dim, beta, negatives, lr, l2, temperature, batch`},
		{"lr=", `want NAME=V1,V2,...`},
	} {
		_, stderr, err := runCmd(t, "bench", "-out", dir, "-datasets", smallData, "-sweep", c.sweep)
		if exitCode(err) != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("-sweep %s: %v (exit %d), stderr %q; want %q", c.sweep, err, exitCode(err), stderr, c.want)
		}
	}
	if _, _, err := runCmd(t, "bench", "-out", dir, "-datasets", smallData, "-sweep", "dim=8", "-sweep", "dim=16"); exitCode(err) != 2 ||
		!strings.Contains(err.Error(), `-sweep "dim": want a hyper-parameter swept once and not also set`) {
		t.Errorf("dim swept twice: %v", err)
	}
	// Bad tuning grids: refused before anything runs, naming what is
	// accepted.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-space-twobp", "beta=0.9|0.99"}, `-space-twobp "beta": want a hyper-parameter twobp has (it has no beta)`},
		{[]string{"-space-onebp", "lr=1e-2:1e-4:log"}, "an empty range (want LO < HI)"},
		{[]string{"-space-onebp", "lr=1e-4:1e-2:log:2,lr=1e-3"}, "each hyper-parameter once"},
		{[]string{"-space-onebp", "depth=3"}, `-space-onebp "depth": want one of dim, beta`},
		{[]string{"-space-onebp", "lr=1e-4:1e-2:log:4", "-space-twobp", "lr=1e-4:1e-2:log:4", "-sampler", "grid", "-trials", "3"}, "the grid of onebp's space has 4 points"},
		{[]string{"-space-onebp", "lr=1e-4:1e-2:log", "-space-twobp", "lr=1e-4:1e-2:log", "-sampler", "grid", "-trials", "3"}, "a grid needs each range's number of points"},
		{[]string{"-space-onebp", "lr=1e-4:1e-2:log"}, "as many parameters as onebp's space searches (1: lr=1e-4:1e-2:log)"},
		{[]string{"-lr", "0.001"}, "no hyper-parameter that is also set for every job (lr is)"},
		{[]string{"-trials", "0"}, "-trials 0: want at least 1"},
		{[]string{"-sampler", "sobol"}, `"sobol": want halton, random, grid`},
		{[]string{"-sweep", "dim=8,16"}, "flag provided but not defined: -sweep"},
	} {
		args := append([]string{"tune", "-out", dir, "-datasets", smallData}, c.args...)
		_, stderr, err := runCmd(t, args...)
		if exitCode(err) != 2 || !strings.Contains(fmt.Sprint(err)+stderr, c.want) {
			t.Errorf("%v: %v (exit %d), stderr %q; want %q", c.args, err, exitCode(err), stderr, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the checks left %d entries behind", len(entries))
	}
	// Two runs as JSON cannot be compared as records: refused, not passed.
	for _, s := range []string{"onebp", "twobp"} {
		if _, _, err := runCmd(t, train("-strategy", s, "-json", filepath.Join(dir, s+".json"))...); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := runCmd(t, "diff", filepath.Join(dir, "onebp.json"), filepath.Join(dir, "twobp.json"))
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "is a run in JSON") {
		t.Errorf("diff of two JSON runs: %v", err)
	}
	// Records of different setups: one line per difference, exit 1.
	for _, s := range []string{"onebp", "twobp"} {
		if _, _, err := runCmd(t, train("-strategy", "onebp", "-dim", map[string]string{"onebp": "8", "twobp": "16"}[s], "-out", filepath.Join(dir, s+".txt"))...); err != nil {
			t.Fatal(err)
		}
	}
	stdout, _, err := runCmd(t, "diff", filepath.Join(dir, "onebp.txt"), filepath.Join(dir, "twobp.txt"))
	if !errors.Is(err, errQualityChanged) || exitCode(err) != 1 || !strings.Contains(stdout, `dim "8" -> "16"`) {
		t.Errorf("diff of different setups: %v\n%s", err, stdout)
	}
}

// TestBenchAndDiff runs the bench twice with the same seed on the authors'
// split, diffs the results (no quality change), then tampers with one.
func TestBenchAndDiff(t *testing.T) {
	data := os.Getenv("ONEBP_DATA")
	if data == "" {
		t.Skip("ONEBP_DATA is not set")
	}
	if _, err := os.Stat(filepath.Join(data, "onebp-ml100k")); err != nil {
		t.Skip("onebp-ml100k is not in ONEBP_DATA")
	}
	dir := t.TempDir()
	// A data directory of our own holding only onebp-ml100k, so the test
	// does not depend on which other datasets ONEBP_DATA happens to hold.
	onlyOne := filepath.Join(dir, "data")
	if err := os.MkdirAll(onlyOne, 0o755); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(filepath.Join(data, "onebp-ml100k"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(abs, filepath.Join(onlyOne, "onebp-ml100k")); err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	readmeBefore, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{a, b} {
		stdout, stderr, err := runCmd(t, "bench", "-datasets", "onebp-ml100k,yelp2018", "-epochs", "2", "-out", out,
			"-data-dir", onlyOne)
		if err != nil {
			t.Fatalf("bench: %v\n%s", err, stderr)
		}
		if !strings.Contains(stdout, "skipped (missing): yelp2018") {
			t.Errorf("the missing dataset is not listed:\n%s", stdout)
		}
	}
	if after, _ := os.ReadFile("README.md"); !bytes.Equal(after, readmeBefore) {
		t.Errorf("bench -out elsewhere rewrote the repository's README.md")
	}
	stdout, _, err := runCmd(t, "diff", a, b)
	if err != nil || !strings.Contains(stdout, "no metric changed") {
		t.Fatalf("same seed: %v\n%s", err, stdout)
	}
	q, _ := os.ReadFile(filepath.Join(b, "quality.txt"))
	lines := strings.Split(string(q), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "BenchmarkQuality/") {
			f := strings.Fields(l)
			f[2] = "0.999"
			lines[i] = strings.Join(f, " ")
			break
		}
	}
	os.WriteFile(filepath.Join(b, "quality.txt"), []byte(strings.Join(lines, "\n")), 0o644)
	stdout, _, err = runCmd(t, "diff", a, b)
	if !errors.Is(err, errQualityChanged) || exitCode(err) != 1 || !strings.Contains(stdout, "0.999") {
		t.Errorf("tampered: %v\n%s", err, stdout)
	}

	// Git revisions: results/ committed twice in a scratch repository.
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	repo := filepath.Join(dir, "repo")
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	os.MkdirAll(repo, 0o755)
	git("init", "-q")
	os.CopyFS(filepath.Join(repo, "results", "quick"), os.DirFS(a))
	git("add", "results")
	git("commit", "-qm", "one")
	os.RemoveAll(filepath.Join(repo, "results"))
	os.CopyFS(filepath.Join(repo, "results", "quick"), os.DirFS(b))
	git("add", "-A", "results")
	git("commit", "-qm", "two")
	t.Chdir(repo)
	if _, _, err := runCmd(t, "diff", "HEAD~1", "HEAD~1"); err != nil {
		t.Errorf("diff of a revision with itself: %v", err)
	}
	if _, _, err := runCmd(t, "diff", "HEAD~1", "HEAD"); !errors.Is(err, errQualityChanged) {
		t.Errorf("diff across the tampering commit: %v", err)
	}
	if _, _, err := runCmd(t, "diff", "nosuchrev", "HEAD"); err == nil || !strings.Contains(err.Error(), "not a file, a directory or a git revision") {
		t.Errorf("bad revision: %v", err)
	}
}

func TestBenchNothingPresent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "results")
	stdout, _, err := runCmd(t, "bench", "-data-dir", t.TempDir(), "-datasets", "ml-100k,gowalla", "-out", out)
	if err == nil || !strings.Contains(err.Error(), "nothing written") || !strings.Contains(stdout, "skipped (missing): ml-100k") {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("results directory created: %v", err)
	}
	if _, _, err := runCmd(t, "bench", "-datasets", "nonesuch"); err == nil || !strings.Contains(err.Error(), `-datasets: unknown dataset "nonesuch"`) || exitCode(err) != 2 {
		t.Errorf("unknown dataset: %v", err)
	}
}

func TestDefaultRun(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two models for about ten seconds")
	}
	stdout, _, err := runCmd(t)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"OneBP vs TwoBP", "ndcg_at_20 (validated)", "epochs to that state", "state memory", "onebp bench -preset quick", "onebp bench -preset validated -seeds 5"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	// The first look tells the validated results' story: both runs
	// finished (stopped early), OneBP the more accurate.
	if strings.Contains(stdout, "truncated") {
		t.Errorf("the main job compares unfinished training:\n%s", stdout)
	}
	for _, line := range strings.Split(stdout, "\n") {
		if strings.Contains(line, "ndcg_at_20 (validated)") && !strings.Contains(line, "+") {
			t.Errorf("the main job no longer shows OneBP ahead in NDCG@20: %s", line)
		}
	}
}
