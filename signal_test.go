package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test run this binary's main with arguments of its own
// (ONEBP_AS_MAIN=1, the arguments after "--"), as a separate process that
// a signal can stop.
func TestMain(m *testing.M) {
	if os.Getenv("ONEBP_AS_MAIN") == "1" {
		for i, a := range os.Args {
			if a == "--" {
				os.Args = append([]string{"onebp"}, os.Args[i+1:]...)
				break
			}
		}
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestSIGTERMSavesWork: SIGTERM, which Slurm and Kubernetes send before
// they kill a job, stops train as Ctrl-C does: the finished epochs are
// written, marked interrupted, the checkpoint is kept, and the last line
// names the signal rather than a bare "context canceled".
func TestSIGTERMSavesWork(t *testing.T) {
	dir := t.TempDir()
	jsonOut, ckpt := filepath.Join(dir, "run.json"), filepath.Join(dir, "run.ckpt")
	cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "train", "-dataset", "synthetic:users=600,items=900,interactions=60000,seed=4",
		"-epochs", "100000", "-batch", "64", "-json", jsonOut, "-checkpoint", ckpt)
	cmd.Env = append(os.Environ(), "ONEBP_AS_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.HasPrefix(sc.Text(), "epoch 2/") {
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
		}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatal("SIGTERM did not stop train")
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("exit: %v, want status 1", err)
	}
	if last := lines[len(lines)-1]; last != "onebp: interrupted by SIGTERM: finished work is saved" {
		t.Errorf("last line %q; stderr:\n%s", last, strings.Join(lines, "\n"))
	}
	b, err := os.ReadFile(jsonOut)
	if err != nil {
		t.Fatal(err)
	}
	var run struct {
		Interrupted bool              `json:"interrupted"`
		Epochs      []json.RawMessage `json:"epochs"`
	}
	if err := json.Unmarshal(b, &run); err != nil || !run.Interrupted || len(run.Epochs) < 2 {
		t.Errorf("JSON: interrupted %v, %d epochs, %v; want interrupted with at least 2", run.Interrupted, len(run.Epochs), err)
	}
	if _, err := os.Stat(ckpt); err != nil {
		t.Errorf("checkpoint: %v", err)
	}
}
