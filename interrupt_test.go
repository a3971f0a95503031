package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"onebp/results"
)

// cancelAfter is a progress stream that cancels the run once it has seen n
// epoch lines, as a Ctrl-C would.
type cancelAfter struct {
	mu     sync.Mutex
	n      int
	cancel context.CancelFunc
	strings.Builder
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if strings.HasPrefix(string(p), "epoch ") {
		if c.n--; c.n == 0 {
			c.cancel()
		}
	}
	return c.Builder.Write(p)
}

func readRun(t *testing.T, path string) *results.Run {
	t.Helper()
	r, err := results.ReadRun(path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// withoutTimings is a run's record with the wall-clock parts cleared.
func withoutTimings(r *results.Run) *results.Run {
	c := *r
	c.Epochs = append([]results.Epoch(nil), r.Epochs...)
	for i := range c.Epochs {
		c.Epochs[i].TrainSeconds, c.Epochs[i].EvalSeconds = 0, 0
	}
	c.Memory, c.Env, c.ResumedAfter, c.EarlierCommits, c.Interrupted = results.Memory{}, results.Env{}, nil, nil, false
	return &c
}

// TestInterruptAndResume: Ctrl-C after two epochs writes those epochs,
// marked interrupted, and says how to resume; resuming to the end gives the
// straight run's record (timings apart), history included, and says it
// was resumed.
func TestInterruptAndResume(t *testing.T) {
	dir := t.TempDir()
	args := func(extra ...string) []string {
		return append([]string{"train", "-dataset", smallData, "-strategy", "twobp", "-epochs", "4", "-lr", "0.01", "-batch", "256"}, extra...)
	}
	if _, _, err := runCmd(t, args("-json", filepath.Join(dir, "straight.json"))...); err != nil {
		t.Fatal(err)
	}
	ckpt, part := filepath.Join(dir, "ckpt"), filepath.Join(dir, "part.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &cancelAfter{n: 2, cancel: cancel}
	var stdout strings.Builder
	err := run(ctx, args("-json", part, "-checkpoint", ckpt, "-export", filepath.Join(dir, "tables")), &stdout, stderr)
	if !errors.Is(err, context.Canceled) || exitCode(err) != 1 {
		t.Fatalf("interrupted run: %v", err)
	}
	if !strings.Contains(stderr.String(), "resume with the same command: it goes on from "+ckpt) {
		t.Errorf("no resume hint:\n%s", stderr.String())
	}
	partial := readRun(t, part)
	if !partial.Interrupted || len(partial.Epochs) != 2 || partial.Final == nil {
		t.Fatalf("interrupted JSON: interrupted=%v, %d epochs", partial.Interrupted, len(partial.Epochs))
	}
	if _, err := os.Stat(filepath.Join(dir, "tables")); !os.IsNotExist(err) {
		t.Errorf("tables of a half-done epoch exported: %v", err)
	}
	// Interrupted again after one more epoch, then resumed to the end: the
	// record lists both resumptions.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	// The same command again goes on from its checkpoint, and says so.
	again := &cancelAfter{n: 1, cancel: cancel}
	if err := run(ctx, args("-checkpoint", ckpt), io.Discard, again); !errors.Is(err, context.Canceled) {
		t.Fatalf("second interrupted run: %v", err)
	}
	if !strings.Contains(again.String(), "resuming after 2 epochs from "+ckpt) {
		t.Errorf("the same command again did not resume:\n%s", again.String())
	}
	// A checkpoint of another run, or a truncated one, is refused before
	// anything says it resumes, and left as it is.
	if _, stderr, err := runCmd(t, args("-checkpoint", ckpt, "-dim", "16")...); exitCode(err) != 2 ||
		!strings.Contains(err.Error(), "-checkpoint: "+ckpt+" exists and is not this run's to resume") || strings.Contains(stderr, "resuming") {
		t.Errorf("a checkpoint of another dim: %v\n%s", err, stderr)
	}
	whole, err := os.ReadFile(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(dir, "short.ckpt")
	if err := os.WriteFile(short, whole[:len(whole)-100], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runCmd(t, args("-resume", short)...); exitCode(err) != 2 || !strings.Contains(err.Error(), "damaged or truncated") || strings.Contains(stderr, "resuming") {
		t.Errorf("a truncated checkpoint: %v\n%s", err, stderr)
	}
	if _, _, err := runCmd(t, args("-json", filepath.Join(dir, "resumed.json"), "-resume", ckpt)...); err != nil {
		t.Fatal(err)
	}
	straight, resumed := readRun(t, filepath.Join(dir, "straight.json")), readRun(t, filepath.Join(dir, "resumed.json"))
	if !reflect.DeepEqual(resumed.ResumedAfter, []int{2, 3}) || len(resumed.EarlierCommits) != 2 || resumed.EarlierCommits[0] == "" {
		t.Errorf("resumed_after_epochs %v, earlier_commits %q; want [2 3] and two commits", resumed.ResumedAfter, resumed.EarlierCommits)
	}
	a, b := withoutTimings(straight), withoutTimings(resumed)
	if !reflect.DeepEqual(a, b) {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		t.Errorf("resumed run differs from the straight one:\n%s\n%s", ja, jb)
	}
}

// TestBenchInterruptKeepsFinishedRuns: a bench stopped during its second
// run has saved the first; the same command again skips the recorded run,
// resumes the interrupted one from its checkpoint, and ends with the
// records of a bench that never stopped.
func TestBenchInterruptKeepsFinishedRuns(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "results")
	args := func(out string) []string {
		return []string{"bench", "-datasets", smallData, "-epochs", "3", "-checkpoint-every", "0", "-out", out}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &cancelAfter{n: 5, cancel: cancel} // OneBP's 3 epochs, then 2 of TwoBP's
	var stdout strings.Builder
	err := run(ctx, args(out), &stdout, stderr)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	runs, err := results.LoadRuns(out)
	if err != nil || len(runs) != 1 || runs[0].Strategy().String() != "onebp" || len(runs[0].Epochs) != 3 {
		t.Fatalf("%d runs saved, %v; want the finished OneBP run", len(runs), err)
	}
	if !strings.Contains(stdout.String(), "interrupted: 1 run finished before it and saved in ") {
		t.Errorf("log:\n%s", stdout.String())
	}
	before := files(t, out, sizeAndTime)
	status, _, err := runCmd(t, append(args(out), "-status")...)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"recorded  " + smallData + " onebp seed 2022  3 epochs; took ", "started   " + smallData + " twobp seed 2022  checkpoint after 2 of up to 3 epochs, saved ",
		out + ": 2 jobs, 1 recorded (", " of training and evaluation), 1 started, 0 to run\n"} {
		if !strings.Contains(status, want) {
			t.Errorf("-status lacks %q:\n%s", want, status)
		}
	}
	status, _, err = runCmd(t, "bench", "-datasets", smallData, "-epochs", "4", "-out", out, "-status")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"to run again  " + smallData + " onebp seed 2022  its record differs: [epochs 3 -> 4]", "0 recorded, 1 started, 1 to run"} {
		if !strings.Contains(status, want) {
			t.Errorf("-status -epochs 4 lacks %q:\n%s", want, status)
		}
	}
	if after := files(t, out, sizeAndTime); !reflect.DeepEqual(before, after) {
		t.Errorf("-status changed the results directory:\n%v\n%v", before, after)
	}
	again, _, err := runCmd(t, args(out)...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(again, "recorded: "+smallData+" onebp seed 2022") || !strings.Contains(again, "resuming from") {
		t.Errorf("second bench did not skip the recorded run and resume the other:\n%s", again)
	}
	if !strings.Contains(again, "bench: 1/1 runs done in ") || strings.Contains(again, " left") {
		t.Errorf("the resumed bench's progress line:\n%s", again)
	}
	straight, _, err := runCmd(t, args(filepath.Join(dir, "straight"))...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(straight, "bench: 1/2 runs done in ") || !strings.Contains(straight, " left, less if runs stop early\n") {
		t.Errorf("the straight bench's progress line:\n%s", straight)
	}
	if a, b := qualityLines(t, out), qualityLines(t, filepath.Join(dir, "straight")); a != b {
		t.Errorf("interrupted and resumed bench records\n%s\nthe straight one\n%s", a, b)
	}
	if entries, _ := os.ReadDir(filepath.Join(out, "checkpoints")); len(entries) != 0 {
		t.Errorf("checkpoints left after the runs finished: %v", entries)
	}
}

// TestBenchShards: the shards of a suite, run into one directory and then
// merged by -rewrite, record what one process running the whole suite
// records.
func TestBenchShards(t *testing.T) {
	dir := t.TempDir()
	args := func(out string, extra ...string) []string {
		return append([]string{"bench", "-datasets", smallData, "-epochs", "2", "-seeds", "2", "-preset", "validated", "-out", out}, extra...)
	}
	whole, shared := filepath.Join(dir, "whole"), filepath.Join(dir, "shared")
	if _, _, err := runCmd(t, args(whole)...); err != nil {
		t.Fatal(err)
	}
	for _, shard := range []string{"2/3", "1/3", "3/3"} {
		if _, _, err := runCmd(t, args(shared, "-shard", shard)...); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := runCmd(t, "bench", "-rewrite", "-out", shared); err != nil {
		t.Fatal(err)
	}
	a, b := qualityLines(t, whole), qualityLines(t, shared)
	if a != b || strings.Count(a, "protocol=validated") != 4 {
		t.Errorf("merged shards record\n%s\none process\n%s", b, a)
	}
	readme, _ := os.ReadFile(filepath.Join(shared, "README.md"))
	for _, want := range []string{"## Findings", "OneBP validated", "OneBP - TwoBP: ", "(Holm)", "Seeds: OneBP 2022, 2023; TwoBP 2022, 2023"} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if _, _, err := runCmd(t, args(shared, "-shard", "4/3")...); exitCode(err) != 2 {
		t.Errorf("-shard 4/3: %v", err)
	}
}

// sizeAndTime describes a file by its size and modification time, which
// any write changes.
func sizeAndTime(_ string, info fs.FileInfo) (string, error) {
	return fmt.Sprint(info.Size(), info.ModTime()), nil
}

// qualityLines is a results directory's quality record.
func qualityLines(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "quality.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestValidatedTrainResumes: train -validation checkpoints the held-out
// split's trainer, and resuming it checks the checkpoint against that
// split, not the full training set, and ends where a straight run ends.
func TestValidatedTrainResumes(t *testing.T) {
	dir := t.TempDir()
	args := func(epochs string, extra ...string) []string {
		return append([]string{"train", "-dataset", smallData, "-strategy", "onebp", "-epochs", epochs, "-lr", "0.01", "-batch", "256",
			"-validation", "0.2", "-patience", "50"}, extra...)
	}
	ckpt := filepath.Join(dir, "ckpt")
	for _, a := range [][]string{
		args("4", "-json", filepath.Join(dir, "straight.json")),
		args("2", "-checkpoint", ckpt),
		args("4", "-resume", ckpt, "-json", filepath.Join(dir, "resumed.json")),
	} {
		if _, stderr, err := runCmd(t, a...); err != nil {
			t.Fatalf("%v: %v\n%s", a, err, stderr)
		}
	}
	straight, resumed := readRun(t, filepath.Join(dir, "straight.json")), readRun(t, filepath.Join(dir, "resumed.json"))
	if straight.Selected == nil || resumed.Selected == nil || !reflect.DeepEqual(straight.Selected, resumed.Selected) {
		t.Errorf("selected: straight %+v, resumed %+v", straight.Selected, resumed.Selected)
	}
}
