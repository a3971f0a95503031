package bench

import (
	"context"
	"io"
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
			Epochs: 1, Workers: 2, Log: io.Discard})
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
