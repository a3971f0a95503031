package main

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"onebp/internal/golden"
)

// TestHelpGolden pins what `onebp -h` and every command's -h print, so
// that a change to the interface is a reviewed change to
// testdata/cli/*.golden: go test -run HelpGolden -update rewrites them,
// and a mismatch leaves the output beside the golden as NAME.got.
func TestHelpGolden(t *testing.T) {
	names := []string{"help"}
	for name := range commands {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		args := []string{name, "-h"}
		if name == "help" {
			args = []string{"-h"}
		}
		stdout, _, err := runCmd(t, args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		checkCLIGolden(t, filepath.Join("testdata", "cli", name+".golden"), stdout)
	}
}

// checkCLIGolden compares got with the golden file, or rewrites it under
// -update.
func checkCLIGolden(t *testing.T, path, got string) { golden.Check(t, path, got, *updateGoldens) }

var updateGoldens = flag.Bool("update", false, "rewrite the golden files")

// TestBenchReportGolden pins the quality part of a short bench's report
// (per cell, the quality table under each protocol and the paired
// comparisons): what a change to the training, the statistics or the
// report's wording moves. Times and memory, which vary from run to run,
// are left out, as is the line naming the commit and machine.
func TestBenchReportGolden(t *testing.T) {
	out := t.TempDir()
	if _, _, err := runCmd(t, "bench", "-datasets", smallData, "-preset", "validated", "-epochs", "6", "-seeds", "3",
		"-batch", "256", "-lr", "0.01", "-out", out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	inCost := false
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "- **"), strings.HasPrefix(line, "Ran at "):
			continue // findings and provenance: times, memory, commits
		case strings.HasPrefix(line, "|                    ") || strings.Contains(line, "training time per epoch"):
			inCost = true
		case line == "":
			inCost = false
		}
		if !inCost {
			kept = append(kept, line)
		}
	}
	checkCLIGolden(t, filepath.Join("testdata", "cli", "bench-report.golden"), strings.Join(kept, "\n"))
}
