package results

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"onebp/internal/atomicfile"
	"onebp/model"
	"onebp/model/eval"
)

// relative is OneBP's change against TwoBP, in percent.
func relative(one, two float64) string {
	if two == 0 {
		return "-"
	}
	return fmt.Sprintf("%+.1f%%", 100*(one-two)/two)
}

// F4 formats a metric as tables show it, with 4 decimals.
func F4(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }

func megabytes(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

func seconds(s float64) string {
	if s < 1 {
		return fmt.Sprintf("%.1f ms", s*1e3)
	}
	return fmt.Sprintf("%.2f s", s)
}

// QualityRows are a dataset's quality table: per metric, both strategies'
// final and best-on-test values and OneBP's change against TwoBP.
func QualityRows(one, two *Run) (header []string, rows [][]string) {
	header = []string{"metric", "OneBP final", "TwoBP final", "OneBP vs TwoBP", "OneBP best (epoch)", "TwoBP best (epoch)", "OneBP vs TwoBP (best)"}
	ref := one
	if ref == nil {
		ref = two
	}
	val := func(r *Run, name eval.Metric) (string, float64) {
		if r == nil {
			return "-", 0
		}
		return F4(r.Final[name]), r.Final[name]
	}
	best := func(r *Run, name eval.Metric) (string, float64) {
		if r == nil {
			return "-", 0
		}
		b := r.Best[name]
		return fmt.Sprintf("%s (%d)", F4(b.Value), b.Epoch), b.Value
	}
	for _, name := range ref.MetricNames() {
		of, ov := val(one, name)
		tf, tv := val(two, name)
		ob, obv := best(one, name)
		tb, tbv := best(two, name)
		change, changeBest := "-", "-"
		if one != nil && two != nil {
			change, changeBest = relative(ov, tv), relative(obv, tbv)
		}
		rows = append(rows, []string{string(name), of, tf, change, ob, tb, changeBest})
	}
	return header, rows
}

// HeadlineRows are the short comparison `onebp` prints: quality at 20,
// final and best-on-test recall, epoch time and state memory.
func HeadlineRows(one, two *Run) (header []string, rows [][]string) {
	header = []string{"", "OneBP", "TwoBP", "OneBP vs TwoBP"}
	for _, name := range []eval.Metric{eval.RecallAt20, eval.NDCGAt20, eval.PrecisionAt20} {
		rows = append(rows, []string{string(name) + " (final)", F4(one.Final[name]), F4(two.Final[name]), relative(one.Final[name], two.Final[name])})
	}
	ob, tb := one.Best[eval.RecallAt20], two.Best[eval.RecallAt20]
	rows = append(rows, []string{string(eval.RecallAt20) + " (best-on-test, epoch)", fmt.Sprintf("%s (%d)", F4(ob.Value), ob.Epoch),
		fmt.Sprintf("%s (%d)", F4(tb.Value), tb.Epoch), relative(ob.Value, tb.Value)})
	ot, _ := one.MeanEpochSeconds()
	tt, _ := two.MeanEpochSeconds()
	return header, append(rows,
		[]string{"training time per epoch", seconds(ot), seconds(tt), relative(ot, tt)},
		[]string{"state memory", megabytes(one.Memory.StateBytes), megabytes(two.Memory.StateBytes),
			relative(float64(one.Memory.StateBytes), float64(two.Memory.StateBytes))})
}

// CostRows are a dataset's time and memory table.
func CostRows(one, two *Run) (header []string, rows [][]string) {
	header = []string{"", "OneBP", "TwoBP", "OneBP vs TwoBP"}
	type q struct {
		name string
		get  func(r *Run) float64
		show func(float64) string
	}
	for _, c := range []q{
		{"training time per epoch", func(r *Run) float64 { t, _ := r.MeanEpochSeconds(); return t }, seconds},
		{"time per evaluation", func(r *Run) float64 { _, e := r.MeanEpochSeconds(); return e }, seconds},
		{"state memory (tables, Adam, gradients)", func(r *Run) float64 { return float64(r.Memory.StateBytes) }, func(x float64) string { return megabytes(int64(x)) }},
		{"peak resident memory of the run", func(r *Run) float64 { return float64(r.Memory.PeakRSSBytes) }, func(x float64) string { return megabytes(int64(x)) }},
		{"final training loss", func(r *Run) float64 {
			if len(r.Epochs) == 0 {
				return 0
			}
			return r.Epochs[len(r.Epochs)-1].Loss
		}, func(x float64) string { return strconv.FormatFloat(x, 'f', 5, 64) }},
	} {
		row := []string{c.name, "-", "-", "-"}
		if one != nil {
			row[1] = c.show(c.get(one))
		}
		if two != nil {
			row[2] = c.show(c.get(two))
		}
		if one != nil && two != nil {
			row[3] = relative(c.get(one), c.get(two))
		}
		rows = append(rows, row)
	}
	return header, rows
}

// WriteReport writes results/README.md: per dataset, OneBP against TwoBP
// in quality (final and best-on-test) and in cost, with the curves.
func WriteReport(w io.Writer, runs []*Run) error {
	fmt.Fprint(w, `# results

Written by `+"`onebp bench`"+` from the run records in `+"`runs/`"+`; never edited by hand.
`+"`quality.txt`"+` and `+"`timing.txt`"+` hold the same runs in the Go benchmark format
(compare commits with `+"`onebp diff HEAD~1 HEAD`"+` or benchstat).

Two protocols, never mixed: **final** is the model after the last epoch (no
selection, the honest number); **best-on-test** is each metric's maximum over
the evaluated epochs with its epoch, the authors' protocol, which selects on
the test set and is optimistic. "OneBP vs TwoBP" is OneBP's relative change.
`)
	names, groups := byDataset(runs)
	for _, name := range names {
		one, two := pair(groups[name])
		ref := one
		if ref == nil {
			ref = two
		}
		c := ref.Config
		fmt.Fprintf(w, "\n## %s\n\n", name)
		fmt.Fprintf(w, "%d users, %d items, split %s, dataset sha256 `%s`.  \n", ref.Users, ref.Items, ref.Split, ref.DatasetFingerprint[:16])
		fmt.Fprintf(w, "Preset %s: %s (beta is OneBP's); evaluated %s. Hyper-parameters: %s.  \n",
			orDash(c.Preset), Hyperparameters(c.Config), every(c.EvalEvery), c.Source)
		fmt.Fprintf(w, "Ran at commit `%s` with %s kernels, %d workers, on %s.\n\n", ShortCommit(ref.Env.Commit), ref.Env.Kernels, ref.Env.Workers, ref.Env.Machine())
		h, rows := QualityRows(one, two)
		if err := WriteTable(w, true, h, rows); err != nil {
			return err
		}
		fmt.Fprintln(w)
		h, rows = CostRows(one, two)
		if err := WriteTable(w, true, h, rows); err != nil {
			return err
		}
		fmt.Fprintf(w, "\n![%s learning curves](curves/%s.svg)\n", name, unsafeName.ReplaceAllString(name, "_"))
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ShortCommit abbreviates a commit id, keeping a "+dirty" mark.
func ShortCommit(commit string) string {
	rev, dirty := strings.CutSuffix(commit, "+dirty")
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "+dirty"
	}
	return rev
}

func every(n int) string {
	if n == 1 {
		return "after every epoch"
	}
	return fmt.Sprintf("every %d epochs and after the last", n)
}

// SummaryRows are one line per dataset: the headline numbers of OneBP and
// TwoBP side by side.
func SummaryRows(runs []*Run) (header []string, rows [][]string) {
	header = []string{"dataset", "setup", string(eval.RecallAt20) + " OneBP / TwoBP", string(eval.NDCGAt20) + " OneBP / TwoBP", "epoch time OneBP / TwoBP", "state memory OneBP / TwoBP"}
	names, groups := byDataset(runs)
	for _, name := range names {
		one, two := pair(groups[name])
		if one == nil || two == nil {
			continue
		}
		ot, _ := one.MeanEpochSeconds()
		tt, _ := two.MeanEpochSeconds()
		rows = append(rows, []string{
			name,
			fmt.Sprintf("%s, dim %d, %d epochs", one.Config.Preset, one.Config.Dim, one.Config.Epochs),
			finalPair(one, two, eval.RecallAt20),
			finalPair(one, two, eval.NDCGAt20),
			fmt.Sprintf("%s / %s (%s)", seconds(ot), seconds(tt), relative(ot, tt)),
			fmt.Sprintf("%s / %s (%s)", megabytes(one.Memory.StateBytes), megabytes(two.Memory.StateBytes),
				relative(float64(one.Memory.StateBytes), float64(two.Memory.StateBytes))),
		})
	}
	return header, rows
}

func finalPair(one, two *Run, m eval.Metric) string {
	return fmt.Sprintf("%s / %s (%s)", F4(one.Final[m]), F4(two.Final[m]), relative(one.Final[m], two.Final[m]))
}

// Hyperparameters is a configuration's hyper-parameters in one line,
// "name value" in model.Config.Hyperparameters' order.
func Hyperparameters(c model.Config) string {
	var parts []string
	for _, f := range c.Hyperparameters() {
		parts = append(parts, f.Name+" "+f.Value)
	}
	return strings.Join(parts, ", ")
}

// The top-level README carries the latest summary between these markers;
// `onebp bench` rewrites what lies between them.
const (
	summaryBegin = "<!-- results:begin (written by onebp bench) -->"
	summaryEnd   = "<!-- results:end -->"
)

// UpdateReadmeSummary replaces the summary between the markers of the
// README at path, if it has them; it reports whether it did.
func UpdateReadmeSummary(path string, runs []*Run) (bool, error) {
	old, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return false, nil
		}
		return false, err
	}
	before, rest, ok := strings.Cut(string(old), summaryBegin)
	if !ok {
		return false, nil
	}
	_, after, ok := strings.Cut(rest, summaryEnd)
	if !ok {
		return false, fmt.Errorf("%s: %q without %q", path, summaryBegin, summaryEnd)
	}
	var b strings.Builder
	b.WriteString(before + summaryBegin + "\n\n")
	h, rows := SummaryRows(runs)
	if err := WriteTable(&b, true, h, rows); err != nil {
		return false, err
	}
	b.WriteString("\n" + summaryEnd + after)
	return true, atomicfile.Write(path, func(w io.Writer) error { _, err := io.WriteString(w, b.String()); return err })
}
