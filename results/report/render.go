// Package report presents run records: the Markdown report of a results
// directory (findings, per-cell tables, sweeps), its SVG curves, the
// summary a README carries, and the tables the commands print. It reads
// records (package results) and statistics (package stats), and renders
// only when asked: a grid renders once when it ends, is interrupted or is
// rewritten.
package report

import (
	"fmt"
	"io"
	"path/filepath"

	"onebp/internal/atomicfile"
	"onebp/results"
	"onebp/results/stats"
)

// Render regenerates everything in dir that derives from the run records
// in dir/runs: quality.txt and timing.txt (the records in the Go benchmark
// format), README.md (the report) and curves/*.svg, each written
// atomically, and returns the runs in report order. Runs that would mix
// settings in one cell (results.CheckCells), or runs at tuned settings
// that their trials do not choose (results.CheckTuned), are refused, and
// nothing is written then.
func Render(dir string) ([]*results.Run, error) {
	all, err := results.LoadRuns(dir)
	if err != nil {
		return nil, err
	}
	results.SortRuns(all)
	for _, check := range []func([]*results.Run) error{results.CheckCells, results.CheckTuned} {
		if err := check(all); err != nil {
			return nil, fmt.Errorf("%s: the run records are kept, the reports not rewritten: %w", dir, err)
		}
	}
	comparisons := stats.Comparisons(all)
	files := map[string]func(io.Writer) error{
		"quality.txt": func(w io.Writer) error { return results.WriteQuality(w, all) },
		"timing.txt":  func(w io.Writer) error { return results.WriteTiming(w, all) },
		"README.md":   func(w io.Writer) error { return writeReport(w, all, comparisons) },
	}
	names, groups := results.Cells(all)
	for _, name := range names {
		group := groups[name]
		files[filepath.Join("curves", results.FileName(name)+".svg")] = func(w io.Writer) error {
			return WriteSVG(w, CurvePlots(name, group))
		}
	}
	datasets, byName := datasetsOf(all)
	for _, d := range datasets {
		if _, pts := sweepOf(byName[d]); len(pts) > 0 {
			group := byName[d]
			files[filepath.Join("curves", sweepFile(d)+".svg")] = func(w io.Writer) error {
				return writeSweepSVG(w, d, group, comparisons)
			}
		}
	}
	tuned, trials := results.Trials(all)
	for _, d := range tuned {
		group := trials[d]
		files[filepath.Join("curves", tuningFile(d)+".svg")] = func(w io.Writer) error {
			return writeTuningSVG(w, d, group, groups[d+results.TunedSuffix])
		}
	}
	for rel, write := range files {
		if err := atomicfile.Write(filepath.Join(dir, rel), write); err != nil {
			return nil, err
		}
	}
	return all, nil
}
