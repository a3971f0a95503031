package bench

import (
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"onebp/results"
)

// status writes to opts.Log where each of the shard's jobs stands, as the
// same suite would find it: recorded (and how it ended), started (its
// checkpoint's epoch and age, which tells a running job from an abandoned
// one), or still to run. It trains and writes nothing.
func status(opts SuiteOptions, plan []job, now time.Time) error {
	byKey, err := recordsByKey(opts.Out)
	if err != nil {
		return err
	}
	plan = resolveTuned(plan, byKey, opts.Preset)
	tw := tabwriter.NewWriter(opts.Log, 0, 0, 2, ' ', 0)
	var recorded, started, toRun, waiting, jobs int
	var loaded datasetCache
	var took time.Duration
	for i, j := range plan {
		if !opts.Shard.has(i) {
			continue
		}
		jobs++
		if j.waiting {
			waiting++
			fmt.Fprintf(tw, "waiting\t%v\tfor its trials: its setting is the best of them on validation\n", j)
			continue
		}
		state, why := "to run", ""
		r := byKey[j.key]
		if _, plain := adoptable(j, byKey, opts.Preset); plain != nil {
			r = plain // the grid will adopt it
		}
		if r != nil {
			if why = whyNotJob(r, j, opts.Preset); why == "" {
				recorded++
				d := time.Duration(r.ComputeSeconds() * float64(time.Second)).Round(time.Second)
				took += d
				fmt.Fprintf(tw, "recorded\t%v\t%s; took %s\n", j, ending(r, j.config.Epochs), d)
				continue
			}
			state = "to run again"
		}
		ckpt := j.checkpoint(opts.Out)
		info, statErr := os.Stat(ckpt)
		if statErr != nil {
			toRun++
			fmt.Fprintf(tw, "%s\t%v\t%s\n", state, j, why)
			continue
		}
		_, trainData, err := loaded.get(opts, j)
		if err != nil {
			return err
		}
		done, err := resumable(ckpt, trainData, j)
		if err != nil {
			toRun++
			fmt.Fprintf(tw, "%s\t%v\t%s\n", state, j, startingOver(err))
			continue
		}
		started++
		fmt.Fprintf(tw, "started\t%v\tcheckpoint after %d of up to %d epochs, saved %s ago\n",
			j, done, j.config.Epochs, now.Sub(info.ModTime()).Round(time.Second))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	part := ""
	if opts.Shard.N > 1 {
		part = fmt.Sprintf(" (shard %d/%d)", opts.Shard.K, opts.Shard.N)
	}
	spent := ""
	if recorded > 0 {
		spent = fmt.Sprintf(" (%s of training and evaluation)", took)
	}
	waits := ""
	if waiting > 0 {
		waits = fmt.Sprintf(", %d waiting for trials", waiting)
	}
	_, err = fmt.Fprintf(opts.Log, "%s%s: %d jobs, %d recorded%s, %d started, %d to run%s\n", opts.Out, part, jobs, recorded, spent, started, toRun, waits)
	return err
}

// ending says how recorded run r ended under a cap of capEpochs.
func ending(r *results.Run, capEpochs int) string {
	s := fmt.Sprintf("%d epochs", r.EpochsTrained())
	switch {
	case r.StoppedEarly:
		s = fmt.Sprintf("stopped early after %d of up to %d epochs", r.EpochsTrained(), capEpochs)
	case r.Config.Protocol.Validation > 0:
		s = fmt.Sprintf("reached its cap of %d epochs without stopping early", capEpochs)
	}
	if r.Selected != nil {
		s += fmt.Sprintf(", selected after %d", r.Selected.Epoch+1)
	}
	return s
}
