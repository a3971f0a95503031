package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"onebp/data"
	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
)

// RunSpec is one training run: a dataset, a setup and what to do around
// the epochs.
type RunSpec struct {
	Data      *data.Dataset
	Config    model.Config // complete, Strategy included
	Preset    Preset       // "" when set by flags
	Source    string       // where the hyper-parameters come from
	EvalEvery int          // evaluate every EvalEvery epochs, and after the last
	Ks        []int        // nil: eval.DefaultKs

	Resume     string // checkpoint to start from, if any
	Checkpoint string // checkpoint to write after every epoch, if any

	// Progress, when not nil, gets one line per epoch.
	Progress io.Writer
}

// Run trains and evaluates as spec says. When ctx is done it stops between
// batches and returns ctx's error with the run as far as it got: every
// completed epoch, marked Interrupted, without tables.
func Run(ctx context.Context, spec RunSpec) (*results.Run, error) {
	cfg := spec.Config
	if spec.EvalEvery < 1 {
		return nil, &model.FieldError{Field: "eval-every", Value: fmt.Sprint(spec.EvalEvery), Want: "at least 1"}
	}
	resetPeakRSS()
	tr, err := model.NewTrainer(spec.Data, cfg)
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	var earlier []results.Epoch
	var note epochNote
	if spec.Resume != "" {
		raw, err := tr.LoadCheckpoint(spec.Resume)
		if err != nil {
			return nil, err
		}
		note = epochNote(raw)
		if err := resumedEpochs(note, tr.EpochsDone(), &earlier); err != nil {
			return nil, fmt.Errorf("checkpoint %s: %w", spec.Resume, err)
		}
		if done := tr.EpochsDone(); done > cfg.Epochs {
			return nil, &model.FieldError{Field: "epochs", Value: fmt.Sprint(cfg.Epochs),
				Want: fmt.Sprintf("at least the %d epochs checkpoint %s already holds", done, spec.Resume)}
		}
	}
	ev, err := eval.New(spec.Data, spec.Ks, cfg.WorkerCount())
	if err != nil {
		return nil, err
	}
	res := &results.Run{
		Dataset: spec.Data.Name, DatasetFingerprint: spec.Data.Fingerprint, Split: spec.Data.Split,
		Users: spec.Data.Users, Items: spec.Data.Items,
		Config: results.Config{Config: cfg, EvalEvery: spec.EvalEvery, Preset: string(spec.Preset), Source: spec.Source},
		Env:    CurrentEnv(cfg.WorkerCount()),
		Epochs: earlier,
	}
	if spec.Resume != "" {
		res.ResumedAfter = append(res.ResumedAfter, tr.EpochsDone())
	}
	evaluate := func(rec *results.Epoch) error {
		evalStart := time.Now()
		m, err := ev.Evaluate(tr.Users, tr.Items)
		if err != nil {
			return err
		}
		rec.EvalSeconds = time.Since(evalStart).Seconds()
		rec.Metrics = map[eval.Metric]float64{}
		for i, name := range m.Names() {
			rec.Metrics[name] = m.Values[i]
		}
		return nil
	}
	start := time.Now()
	first := tr.EpochsDone()
	if last := len(res.Epochs) - 1; first == cfg.Epochs && last >= 0 && res.Epochs[last].Metrics == nil {
		// A checkpoint resumed with nothing left to train: evaluate it, as a
		// run that never stopped evaluates after its last epoch.
		if err := evaluate(&res.Epochs[last]); err != nil {
			return nil, err
		}
	}
	var stopped error
	for tr.EpochsDone() < cfg.Epochs {
		st, err := tr.Epoch(ctx)
		if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			stopped = err
			break
		}
		if err != nil {
			return nil, err
		}
		rec := results.Epoch{Epoch: st.Epoch, Loss: st.Loss, TrainSeconds: st.Train.Seconds(), Samples: st.Samples}
		if (st.Epoch+1)%spec.EvalEvery == 0 || st.Epoch+1 == cfg.Epochs {
			if err := evaluate(&rec); err != nil {
				return nil, err
			}
		}
		res.Epochs = append(res.Epochs, rec)
		if spec.Checkpoint != "" {
			if err := note.add(rec); err != nil {
				return nil, err
			}
			if err := tr.SaveCheckpoint(spec.Checkpoint, json.RawMessage(note)); err != nil {
				return nil, err
			}
		}
		if spec.Progress != nil {
			done := tr.EpochsDone() - first
			eta := time.Duration(float64(time.Since(start)) / float64(done) * float64(cfg.Epochs-tr.EpochsDone()))
			fmt.Fprintln(spec.Progress, progressLine(rec, cfg.Epochs, eta))
		}
	}
	res.Summarize()
	res.Memory = results.Memory{StateBytes: tr.StateBytes().Total(), PeakRSSBytes: peakRSS()}
	if stopped != nil {
		// The tables are part-way through an epoch: not a state to export.
		res.Interrupted = true
		return res, stopped
	}
	res.UserTable, res.ItemTable = tr.Users, tr.Items
	return res, nil
}

// epochNote is the epochs of a run as the JSON array json.Marshal writes
// for a []results.Epoch, grown one element at a time so that checkpointing
// after every epoch does not marshal the whole history again.
type epochNote []byte

func (n *epochNote) add(e results.Epoch) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if len(*n) <= len("[]") {
		*n = append((*n)[:0], '[')
	} else {
		(*n)[len(*n)-1] = ','
	}
	*n = append(append(*n, b...), ']')
	return nil
}

// resumedEpochs reads the epochs a checkpoint's note records, which must be
// the done epochs 0..done-1.
func resumedEpochs(note []byte, done int, into *[]results.Epoch) error {
	if len(note) == 0 {
		return fmt.Errorf("holds no epoch history (written by an older onebp?)")
	}
	if err := json.Unmarshal(note, into); err != nil {
		return fmt.Errorf("epoch history: %v", err)
	}
	if len(*into) != done {
		return fmt.Errorf("records %d epochs of history for %d epochs done", len(*into), done)
	}
	for i, e := range *into {
		if e.Epoch != i {
			return fmt.Errorf("epoch history: entry %d is epoch %d", i, e.Epoch)
		}
	}
	return nil
}

// progressLine is the per-epoch line on stderr.
func progressLine(r results.Epoch, epochs int, eta time.Duration) string {
	line := fmt.Sprintf("epoch %d (%d/%d)  loss %.5f  train %.2fs", r.Epoch, r.Epoch+1, epochs, r.Loss, r.TrainSeconds)
	if r.Metrics != nil {
		line += fmt.Sprintf("  eval %.2fs  %s %.4f  %s %.4f",
			r.EvalSeconds, eval.RecallAt20, r.Metrics[eval.RecallAt20], eval.NDCGAt20, r.Metrics[eval.NDCGAt20])
	}
	return line + fmt.Sprintf("  eta %s", eta.Round(time.Second))
}
