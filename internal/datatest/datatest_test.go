package datatest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadOrTwin(t *testing.T) {
	d, twin, err := LoadOrTwin(t.TempDir(), "onebp-ml100k")
	if err != nil || !twin || d.Users != 943 || d.Items != 1682 || d.Stats().Interactions != 100000 {
		t.Fatalf("twin of onebp-ml100k: %v, %v, %v", d, twin, err)
	}
	if _, _, err := LoadOrTwin(t.TempDir(), "nonesuch"); err == nil {
		t.Error("a twin of an unknown dataset")
	}
}

// TestBenchName: a benchmark of a dataset absent from the data directory
// is named apart from the real one.
func TestBenchName(t *testing.T) {
	dir := t.TempDir()
	if got := BenchName(dir, "ml-100k"); got != "ml-100k-synthetic" {
		t.Errorf("absent: %s", got)
	}
	if got := BenchName("", "ml-100k"); got != "ml-100k-synthetic" {
		t.Errorf("no data directory: %s", got)
	}
	if err := os.Mkdir(filepath.Join(dir, "ml-100k"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := BenchName(dir, "ml-100k"); got != "ml-100k" {
		t.Errorf("present: %s", got)
	}
}
