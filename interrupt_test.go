package main

import (
	"context"
	"encoding/json"
	"errors"
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
	c.Memory, c.Env, c.ResumedAfter, c.Interrupted = results.Memory{}, results.Env{}, nil, false
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
	if !strings.Contains(stderr.String(), "resume with the same command and -resume "+ckpt) {
		t.Errorf("no resume hint:\n%s", stderr.String())
	}
	partial := readRun(t, part)
	if !partial.Interrupted || len(partial.Epochs) != 2 || partial.Final == nil {
		t.Fatalf("interrupted JSON: interrupted=%v, %d epochs", partial.Interrupted, len(partial.Epochs))
	}
	if _, err := os.Stat(filepath.Join(dir, "tables")); !os.IsNotExist(err) {
		t.Errorf("tables of a half-done epoch exported: %v", err)
	}
	if _, _, err := runCmd(t, args("-json", filepath.Join(dir, "resumed.json"), "-resume", ckpt)...); err != nil {
		t.Fatal(err)
	}
	straight, resumed := readRun(t, filepath.Join(dir, "straight.json")), readRun(t, filepath.Join(dir, "resumed.json"))
	if !reflect.DeepEqual(resumed.ResumedAfter, []int{2}) {
		t.Errorf("resumed_after_epochs %v, want [2]", resumed.ResumedAfter)
	}
	a, b := withoutTimings(straight), withoutTimings(resumed)
	if !reflect.DeepEqual(a, b) {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		t.Errorf("resumed run differs from the straight one:\n%s\n%s", ja, jb)
	}
}

// TestBenchInterruptKeepsFinishedRuns: a bench stopped during its second
// run saves the first.
func TestBenchInterruptKeepsFinishedRuns(t *testing.T) {
	out := filepath.Join(t.TempDir(), "results")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &cancelAfter{n: 3, cancel: cancel} // OneBP's 2 epochs, then 1 of TwoBP's
	var stdout strings.Builder
	err := run(ctx, []string{"bench", "-datasets", smallData, "-epochs", "2", "-out", out}, &stdout, stderr)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	runs, err := results.LoadRuns(out)
	if err != nil || len(runs) != 1 || runs[0].Strategy().String() != "onebp" || len(runs[0].Epochs) != 2 {
		t.Fatalf("%d runs saved, %v; want the finished OneBP run", len(runs), err)
	}
	if !strings.Contains(stdout.String(), "the 1 finished runs are saved") {
		t.Errorf("log:\n%s", stdout.String())
	}
}
