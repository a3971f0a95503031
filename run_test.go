package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// runCmd runs the program with args and returns its outputs.
func runCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut strings.Builder
	err = run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestUnknownCommand(t *testing.T) {
	_, stderr, err := runCmd(t, "frobnicate")
	if !errors.Is(err, errUsage) || exitCode(err) != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Fatalf("err %v, stderr %q", err, stderr)
	}
}

func TestHelp(t *testing.T) {
	stdout, _, err := runCmd(t, "help")
	if err != nil || !strings.Contains(stdout, "datasets") {
		t.Fatalf("help: %v, %q", err, stdout)
	}
	if stdout, _, err := runCmd(t, "datasets", "-h"); err != nil || !strings.Contains(stdout, "-data-dir") {
		t.Fatalf("datasets -h: %v, %q", err, stdout)
	}
	if _, _, err := runCmd(t, "datasets", "-bogus"); exitCode(err) != 2 {
		t.Fatalf("bad flag: %v", err)
	}
}

func TestDatasetsCommand(t *testing.T) {
	dir := t.TempDir()
	stdout, _, err := runCmd(t, "datasets", "-data-dir", dir)
	if err != nil {
		t.Fatalf("datasets with nothing present must still succeed: %v", err)
	}
	for _, want := range []string{"ml-100k", "missing", "synthetic", "generated", "onebp fetch -data-dir " + dir + " gowalla"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	os.WriteFile(filepath.Join(dir, "train.txt"), []byte("0 1\n1 0 2\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "test.txt"), []byte("0 2\n1 x\n"), 0o644)
	stdout, _, err = runCmd(t, "datasets", "-data-dir", dir, "synthetic:users=50,items=80,interactions=500", "lightgcn:"+dir)
	want := filepath.Join(dir, "test.txt") + `:2: item id "x" is not a non-negative integer`
	if err == nil || err.Error() != want || exitCode(err) != 1 {
		t.Fatalf("bad input: %v\n\twant %s", err, want)
	}
	if !strings.Contains(stdout, "loaded") || !strings.Contains(stdout, "failed") {
		t.Errorf("table:\n%s", stdout)
	}
}

func TestRealDatasetsPresent(t *testing.T) {
	dir := os.Getenv("ONEBP_DATA")
	if dir == "" {
		t.Skip("ONEBP_DATA is not set")
	}
	stdout, _, err := runCmd(t, "datasets")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ml-100k", "ml-1m", "gowalla", "onebp-ml100k"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			continue
		}
		for _, line := range strings.Split(stdout, "\n") {
			if strings.Contains(line, " "+name+" ") && !strings.Contains(line, "present") {
				t.Errorf("%s is in ONEBP_DATA but not present: %s", name, line)
			}
		}
	}
}

func TestSplitDatasets(t *testing.T) {
	got := splitDatasets("ml-100k,synthetic:users=10,items=20,lightgcn:/x,y=1,synthetic")
	want := []string{"ml-100k", "synthetic:users=10,items=20", "lightgcn:/x", "y=1", "synthetic"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFetchUnknownName(t *testing.T) {
	_, _, err := runCmd(t, "fetch", "-data-dir", t.TempDir(), "foo")
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "gowalla") {
		t.Errorf("fetch foo: %v, want the registered names listed", err)
	}
}

func TestHelpAndVersionOnStdout(t *testing.T) {
	stdout, stderr, err := runCmd(t, "train", "-h")
	if err != nil || !strings.HasPrefix(stdout, "usage: onebp train") || stderr != "" {
		t.Errorf("train -h: %v, stdout %q, stderr %q", err, stdout, stderr)
	}
	stdout, stderr, err = runCmd(t, "train", "-bogus")
	if exitCode(err) != 2 || stdout != "" || !strings.Contains(stderr, "usage: onebp train") {
		t.Errorf("train -bogus: %v, stdout %q, stderr %q", err, stdout, stderr)
	}
	stdout, _, err = runCmd(t, "version")
	if err != nil || !strings.HasPrefix(stdout, "onebp ") || !strings.Contains(stdout, "commit ") || !strings.Contains(stdout, "kernels") {
		t.Errorf("version: %v, %q", err, stdout)
	}
}
