package bench

import (
	"context"
	"fmt"
	"io"
	"time"

	"onebp/data"
	"onebp/model"
	"onebp/model/eval"
)

// RunSpec is one training run: a dataset, a setup and what to do around
// the epochs.
type RunSpec struct {
	Data      *data.Dataset
	Config    model.Config // complete, Strategy included
	Preset    string       // "paper", "quick" or "" (set by flags)
	Source    string       // where the hyper-parameters come from
	EvalEvery int          // evaluate every EvalEvery epochs, and after the last
	Ks        []int        // nil: eval.DefaultKs

	Resume     string // checkpoint to start from, if any
	Checkpoint string // checkpoint to write after every epoch, if any

	// Progress, when not nil, gets one line per epoch.
	Progress io.Writer
}

// EpochRecord is one epoch of a run; Metrics is nil when it was not
// evaluated.
type EpochRecord struct {
	Epoch        int                `json:"epoch"`
	Loss         float64            `json:"loss"`
	TrainSeconds float64            `json:"train_seconds"`
	Samples      int                `json:"samples"`
	EvalSeconds  float64            `json:"eval_seconds,omitempty"`
	Metrics      map[string]float64 `json:"metrics,omitempty"`
}

// BestRecord is a metric's best value over the evaluated epochs.
type BestRecord struct {
	Value float64 `json:"value"`
	Epoch int     `json:"epoch"`
}

// RunConfig is a run's setup as recorded.
type RunConfig struct {
	Strategy    string  `json:"strategy"`
	Dim         int     `json:"dim"`
	LR          float64 `json:"lr"`
	L2          float64 `json:"l2"`
	Beta        float64 `json:"beta"`
	Negatives   int     `json:"negatives"`
	Batch       int     `json:"batch"`
	Temperature float64 `json:"temperature"`
	Epochs      int     `json:"epochs"`
	Seed        uint64  `json:"seed"`
	Optimizer   string  `json:"optimizer"`
	Aggregation string  `json:"aggregation"`
	EvalEvery   int     `json:"eval_every"`
	Preset      string  `json:"preset,omitempty"`
	Source      string  `json:"hyperparameters_from,omitempty"`
}

// Memory is what a run occupied.
type Memory struct {
	StateBytes   int64 `json:"state_bytes"`
	PeakRSSBytes int64 `json:"peak_rss_bytes"` // 0 where the OS does not say
}

// RunResult is a finished run, as `onebp train -json` writes it.
type RunResult struct {
	Dataset            string                `json:"dataset"`
	DatasetFingerprint string                `json:"dataset_sha256"`
	Split              string                `json:"split"`
	Users              int                   `json:"users"`
	Items              int                   `json:"items"`
	Config             RunConfig             `json:"config"`
	Env                Env                   `json:"environment"`
	Epochs             []EpochRecord         `json:"epochs"`
	FinalEpoch         int                   `json:"final_epoch"`
	Final              map[string]float64    `json:"final"`
	Best               map[string]BestRecord `json:"best"`
	Memory             Memory                `json:"memory"`
	metricNames        []string              // in report order
	users, items       model.Table           // the final tables, for -export
}

// MetricNames lists the run's metrics in report order (precision_at_5 ...
// ndcg_at_20).
func (r *RunResult) MetricNames() []string { return r.metricNames }

// Tables returns the final user and item tables.
func (r *RunResult) Tables() (users, items model.Table) { return r.users, r.items }

// MeanEpochSeconds returns the mean training time of an epoch and the mean
// time of an evaluation.
func (r *RunResult) MeanEpochSeconds() (train, evaluate float64) {
	for _, e := range r.Epochs {
		train += e.TrainSeconds
		evaluate += e.EvalSeconds // 0 when not evaluated
	}
	if len(r.Epochs) > 0 {
		train /= float64(len(r.Epochs))
	}
	if n := r.evaluations(); n > 0 {
		evaluate /= float64(n)
	}
	return train, evaluate
}

// evaluations counts the evaluated epochs.
func (r *RunResult) evaluations() int {
	n := 0
	for _, e := range r.Epochs {
		if e.Metrics != nil {
			n++
		}
	}
	return n
}

// Run trains and evaluates as spec says. It returns ctx's error, without a
// result, when interrupted.
func Run(ctx context.Context, spec RunSpec) (*RunResult, error) {
	cfg := spec.Config
	if spec.EvalEvery < 1 {
		return nil, fmt.Errorf("-eval-every %d: want at least 1", spec.EvalEvery)
	}
	resetPeakRSS()
	tr, err := model.NewTrainer(spec.Data, cfg)
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	if spec.Resume != "" {
		if err := tr.LoadCheckpoint(spec.Resume); err != nil {
			return nil, err
		}
	}
	ev, err := eval.New(spec.Data, spec.Ks, cfg.WorkerCount())
	if err != nil {
		return nil, err
	}
	res := &RunResult{
		Dataset: spec.Data.Name, DatasetFingerprint: spec.Data.Fingerprint, Split: spec.Data.Split,
		Users: spec.Data.Users, Items: spec.Data.Items,
		Config: RunConfig{
			Strategy: cfg.Strategy.String(), Dim: cfg.Dim, LR: cfg.LR, L2: cfg.L2, Beta: cfg.Beta,
			Negatives: cfg.Negatives, Batch: cfg.Batch, Temperature: cfg.Temperature, Epochs: cfg.Epochs,
			Seed: cfg.Seed, Optimizer: cfg.Optimizer.String(), Aggregation: cfg.Aggregation.String(),
			EvalEvery: spec.EvalEvery, Preset: spec.Preset, Source: spec.Source,
		},
		Env:   currentEnv(cfg.WorkerCount()),
		Final: map[string]float64{}, Best: map[string]BestRecord{},
	}
	var history eval.Run
	start := time.Now()
	first := tr.EpochsDone()
	for tr.EpochsDone() < cfg.Epochs {
		st, err := tr.Epoch(ctx)
		if err != nil {
			return nil, err
		}
		rec := EpochRecord{Epoch: st.Epoch, Loss: st.Loss, TrainSeconds: st.Train.Seconds(), Samples: st.Samples}
		if (st.Epoch+1)%spec.EvalEvery == 0 || st.Epoch+1 == cfg.Epochs {
			evalStart := time.Now()
			m, err := ev.Evaluate(tr.Users, tr.Items)
			if err != nil {
				return nil, err
			}
			rec.EvalSeconds = time.Since(evalStart).Seconds()
			history.Add(st.Epoch, m.Metrics)
			rec.Metrics = map[string]float64{}
			for i, name := range m.Names() {
				rec.Metrics[name] = m.Values[i]
			}
		}
		res.Epochs = append(res.Epochs, rec)
		if spec.Checkpoint != "" {
			if err := tr.SaveCheckpoint(spec.Checkpoint); err != nil {
				return nil, err
			}
		}
		if spec.Progress != nil {
			done := tr.EpochsDone() - first
			eta := time.Duration(float64(time.Since(start)) / float64(done) * float64(cfg.Epochs-tr.EpochsDone()))
			fmt.Fprintln(spec.Progress, progressLine(rec, cfg.Epochs, eta))
		}
	}
	if final, epoch, ok := history.Final(); ok {
		res.FinalEpoch = epoch
		res.metricNames = final.Names()
		for i, name := range res.metricNames {
			res.Final[name] = final.Values[i]
			res.Best[name] = BestRecord{Value: history.Best[i].Value, Epoch: history.Best[i].Epoch}
		}
	}
	res.Memory = Memory{StateBytes: tr.StateBytes().Total(), PeakRSSBytes: peakRSS()}
	res.users, res.items = tr.Users, tr.Items
	return res, nil
}

// progressLine is the per-epoch line on stderr.
func progressLine(r EpochRecord, epochs int, eta time.Duration) string {
	line := fmt.Sprintf("epoch %d (%d/%d)  loss %.5f  train %.2fs", r.Epoch, r.Epoch+1, epochs, r.Loss, r.TrainSeconds)
	if r.Metrics != nil {
		line += fmt.Sprintf("  eval %.2fs  recall_at_20 %.4f  ndcg_at_20 %.4f",
			r.EvalSeconds, r.Metrics["recall_at_20"], r.Metrics["ndcg_at_20"])
	}
	return line + fmt.Sprintf("  eta %s", eta.Round(time.Second))
}
