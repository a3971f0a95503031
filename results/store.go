package results

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	"onebp/internal/atomicfile"
	"onebp/model"
)

// A results directory holds:
//
//	runs/KEY.json                one run each (WriteJSON, RunKey), the source of the rest
//	superseded/*.json            records a run of another setting replaced (Supersede)
//	quality.txt, timing.txt      the runs in the Go benchmark format
//	README.md                    the report: per dataset, quality and cost tables
//	curves/DATASET.svg           learning curves
//
// Everything but runs/ and superseded/ is derived, and written by
// report.Render.

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// FileName turns a dataset (or cell) name into a file name stem.
func FileName(dataset string) string { return unsafeName.ReplaceAllString(dataset, "_") }

func runFile(dir string, r *Run) string {
	return filepath.Join(dir, "runs", r.Key()+".json")
}

// RunKey names the run of a dataset, sweep point (none outside a sweep),
// tuning (none outside a tuning grid), strategy and seed in a results
// directory: a results directory holds one run per key. A tuning trial
// is named by its number, a run at tuned settings as such: their values
// are in the record.
func RunKey(dataset string, p Point, t *Tuning, s model.Strategy, seed uint64) string {
	switch {
	case t != nil && t.Trial > 0:
		dataset += fmt.Sprintf("-trial%d", t.Trial)
	case t != nil:
		dataset += "-tuned"
	case len(p) > 0:
		dataset += "-" + p.String()
	}
	return fmt.Sprintf("%s-%v-seed%d", FileName(dataset), s, seed)
}

// Save writes each run to dir/runs/RunKey.json, replacing an earlier run of
// the same dataset, point, strategy and seed, atomically, and returns
// every run in dir/runs in report order. It renders nothing: the reports
// derived from the records are written by package report, once a grid
// ends, is interrupted or is rewritten. A run kept under another name (an
// older onebp's) is rewritten under its key and the old file removed.
func Save(dir string, runs []*Run) ([]*Run, error) {
	all, paths, err := loadRunFiles(dir)
	if err != nil {
		return nil, err
	}
	var stale []string
	write := slices.Clone(runs)
	for i, r := range all {
		if paths[i] != runFile(dir, r) {
			stale = append(stale, paths[i])
			if !slices.ContainsFunc(runs, func(n *Run) bool { return runFile(dir, n) == runFile(dir, r) }) {
				write = append(write, r)
			}
		}
	}
	for _, r := range runs {
		all = slices.DeleteFunc(all, func(old *Run) bool { return runFile(dir, old) == runFile(dir, r) })
		all = append(all, r)
	}
	sortRuns(all)
	for _, r := range write {
		if err := atomicfile.Write(runFile(dir, r), func(w io.Writer) error { return WriteJSON(w, r) }); err != nil {
			return nil, err
		}
	}
	for _, p := range stale {
		if err := os.Remove(p); err != nil {
			return nil, err
		}
	}
	return all, nil
}

// Supersede moves the record of key out of dir/runs into dir/superseded,
// where reports do not read it, when a run of another setting is about to
// replace it: a report never mixes the two, and the old record is kept
// until then (and after, in dir/superseded). It is not an error when
// there is none (another process of the grid moved it).
func Supersede(dir, key string) error {
	from := filepath.Join(dir, "runs", key+".json")
	to := filepath.Join(dir, "superseded", key+".json")
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	if err := os.Rename(from, to); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// LoadRuns reads every run in dir/runs.
func LoadRuns(dir string) ([]*Run, error) {
	runs, _, err := loadRunFiles(dir)
	return runs, err
}

// loadRunFiles reads every run in dir/runs and the file each came from.
func loadRunFiles(dir string) ([]*Run, []string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "runs", "*.json"))
	if err != nil {
		return nil, nil, err
	}
	var runs []*Run
	for _, p := range paths {
		r, err := ReadRun(p)
		if err != nil {
			return nil, nil, err
		}
		runs = append(runs, r)
	}
	return runs, paths, nil
}
