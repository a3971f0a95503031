package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
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
	Config    model.Config    // complete, Strategy included
	Point     results.Point   // the sweep's values, recorded with the run
	Tuning    *results.Tuning // a tuning grid's, recorded with the run
	Protocol  results.Protocol
	SplitSeed uint64 // seeds the validation hold-out (Protocol.Validation)
	Preset    Preset // "" when set by flags
	Source    string // where the hyper-parameters come from
	Ks        []int  // nil: eval.DefaultKs

	Resume     string // checkpoint to start from, if any
	Checkpoint string // checkpoint to write, if any: after every epoch, or
	// at most every CheckpointEvery when that is set
	CheckpointEvery time.Duration

	// Progress, when not nil, gets one line per epoch.
	Progress io.Writer

	// KeepSelected keeps a copy of the tables at the epoch a validated
	// run selects, and returns those (not the final ones) as the run's
	// tables: the model the protocol chose, for exports. It costs a
	// second copy of both tables.
	KeepSelected bool
}

// Run trains and evaluates as spec says. With a validation share, it
// trains on the rest of the training items, evaluates validation and test
// at every evaluation, selects the epoch on validation and stops when the
// patience runs out. When ctx is done it stops between batches and returns
// ctx's error with the run as far as it got: every completed epoch, marked
// Interrupted, without tables.
func Run(ctx context.Context, spec RunSpec) (*results.Run, error) {
	p, err := Prepare(spec, nil)
	if err != nil {
		return nil, err
	}
	return p.Run(ctx)
}

// A Prepared run is a RunSpec checked once against its data, before
// anything runs: the protocol, the configuration against the data it
// trains on (its validation hold-out computed once), and the checkpoint
// to resume, if any, against both.
type Prepared struct {
	spec      RunSpec
	trainData *data.Dataset
	// ResumeEpochs is how many epochs the Resume checkpoint holds (0
	// without one).
	ResumeEpochs int
}

// Prepare checks spec. trainData, when not nil, is TrainingData of
// spec's data and protocol, computed by the caller for several runs of one
// dataset.
func Prepare(spec RunSpec, trainData *data.Dataset) (*Prepared, error) {
	if err := spec.Protocol.Check(); err != nil {
		return nil, err
	}
	if trainData == nil {
		var err error
		if trainData, err = TrainingData(spec.Data, spec.Protocol, spec.SplitSeed); err != nil {
			return nil, err
		}
	}
	if err := spec.Config.CheckFor(trainData); err != nil {
		return nil, err
	}
	p := &Prepared{spec: spec, trainData: trainData}
	if spec.Resume != "" {
		done, err := checkResume(spec.Resume, trainData, spec.Config)
		if err != nil {
			return nil, err
		}
		if done > spec.Config.Epochs {
			return nil, &model.FieldError{Field: "epochs", Value: fmt.Sprint(spec.Config.Epochs),
				Want: fmt.Sprintf("at least the %d epochs checkpoint %s holds (that many evaluates it without training)", done, spec.Resume)}
		}
		p.ResumeEpochs = done
	}
	return p, nil
}

// TrainData is the data the run trains on: its dataset, or the rest of it
// after the validation hold-out.
func (p *Prepared) TrainData() *data.Dataset { return p.trainData }

// Run runs the prepared run (see the package-level Run).
func (p *Prepared) Run(ctx context.Context) (*results.Run, error) {
	spec, trainData := p.spec, p.trainData
	cfg, proto := spec.Config, spec.Protocol
	resetPeakRSS()
	tr, err := model.NewTrainer(trainData, cfg)
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	env, err := CurrentEnv(cfg)
	if err != nil {
		return nil, err
	}
	note := runNote{trainedBy: trainedBy{TrainingCode: env.TrainingCode, Commit: env.Commit}}
	var earlier []results.Epoch
	if spec.Resume != "" {
		raw, err := tr.LoadCheckpoint(spec.Resume)
		if err != nil {
			return nil, err
		}
		if earlier, err = note.read(raw, tr.EpochsDone()); err == nil {
			err = note.resumedBy(env, tr.EpochsDone())
		}
		if err != nil {
			return nil, fmt.Errorf("checkpoint %s: %w", spec.Resume, err)
		}
	}
	// Test first, then validation: both are ranked from one scoring pass.
	splits := []*data.Dataset{spec.Data}
	if trainData != spec.Data {
		splits = append(splits, trainData)
	}
	ev, err := eval.NewJoint(splits, spec.Ks, cfg.WorkerCount())
	if err != nil {
		return nil, err
	}
	res := &results.Run{
		Dataset: spec.Data.Name, DatasetFingerprint: spec.Data.Fingerprint, Split: trainData.Split,
		Users: spec.Data.Users, Items: spec.Data.Items,
		Config: results.Config{Config: cfg, Protocol: proto, Preset: string(spec.Preset), Source: spec.Source},
		Point:  spec.Point,
		Tuning: spec.Tuning,
		Env:    env,
		Epochs: earlier,
	}
	if spec.Resume != "" {
		res.ResumedAfter, res.EarlierCommits = note.ResumedAfter, note.EarlierCommits
	}
	sel := selection{metric: proto.Select, perUser: note.PerUser}
	kept := keptTables{epoch: -1}
	for _, e := range res.Epochs {
		sel.observe(e)
	}
	evaluate := func(rec *results.Epoch) error {
		evalStart := time.Now()
		all, err := ev.EvaluateAll(tr.Users, tr.Items)
		if err != nil {
			return err
		}
		m := all[0]
		rec.Metrics = metricMap(m.Metrics)
		if len(all) > 1 {
			rec.Validation = metricMap(all[1].Metrics)
		}
		rec.EvalSeconds = time.Since(evalStart).Seconds()
		if sel.observe(*rec) {
			sel.perUser = perUserValues(m)
			if spec.KeepSelected {
				kept = keptTables{epoch: rec.Epoch, users: tr.Users.CloneInto(kept.users), items: tr.Items.CloneInto(kept.items)}
			}
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
	lastSave := time.Now()
	for tr.EpochsDone() < cfg.Epochs && !sel.exhausted(proto.Patience) {
		st, err := tr.Epoch(ctx)
		if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			stopped = err
			break
		}
		if err != nil {
			return nil, err
		}
		rec := results.Epoch{Epoch: st.Epoch, Loss: st.Loss, TrainSeconds: st.Train.Seconds(), Samples: st.Samples}
		if (st.Epoch+1)%proto.EvalEvery == 0 || st.Epoch+1 == cfg.Epochs {
			if err := evaluate(&rec); err != nil {
				return nil, err
			}
		}
		res.Epochs = append(res.Epochs, rec)
		if spec.Checkpoint != "" {
			if err := note.history.add(rec); err != nil {
				return nil, err
			}
			note.PerUser = sel.perUser
			if time.Since(lastSave) >= spec.CheckpointEvery || tr.EpochsDone() == cfg.Epochs || sel.exhausted(proto.Patience) {
				if err := tr.SaveCheckpoint(spec.Checkpoint, note.bytes()); err != nil {
					return nil, err
				}
				lastSave = time.Now()
			}
		}
		if spec.Progress != nil {
			done := tr.EpochsDone() - first
			eta := time.Duration(float64(time.Since(start)) / float64(done) * float64(cfg.Epochs-tr.EpochsDone()))
			fmt.Fprintln(spec.Progress, progressLine(rec, cfg.Epochs, proto.Select, eta))
		}
	}
	res.StoppedEarly = tr.EpochsDone() < cfg.Epochs && stopped == nil
	res.Summarize()
	if res.Selected != nil {
		res.Selected.PerUser = sel.perUser
	}
	res.Memory = results.Memory{StateBytes: tr.StateBytes().Total(), PeakRSSBytes: peakRSS()}
	if stopped != nil {
		// The tables are part-way through an epoch: not a state to export.
		res.Interrupted = true
		return res, stopped
	}
	res.UserTable, res.ItemTable = tr.Users, tr.Items
	if spec.KeepSelected && res.Selected != nil {
		if kept.epoch != res.Selected.Epoch {
			return res, &NotKeptError{Selected: res.Selected.Epoch, ResumedAfter: first}
		}
		res.UserTable, res.ItemTable = kept.users, kept.items
	}
	return res, nil
}

// keptTables are a copy of the tables after epoch (-1: none yet).
type keptTables struct {
	epoch        int
	users, items model.Table
}

// A NotKeptError says that the epoch a run selected was trained before
// it was resumed, so its tables are not at hand: the run holds the final
// ones.
type NotKeptError struct{ Selected, ResumedAfter int }

func (e *NotKeptError) Error() string {
	return fmt.Sprintf("the selected state (after %d epochs) was trained before this process resumed the run after %d, so its tables are not at hand; train from the start to export them",
		e.Selected+1, e.ResumedAfter)
}

// TrainingData is the dataset a run under protocol p trains on: d, or
// with a validation share, d with that share of each user's training items
// held out as its test set (the validation set). Its fingerprint is what
// the run's checkpoints carry.
func TrainingData(d *data.Dataset, p results.Protocol, splitSeed uint64) (*data.Dataset, error) {
	if p.Validation == 0 {
		return d, nil
	}
	return d.HoldOut(p.Validation, splitSeed)
}

// checkResume says whether the checkpoint at path fits a run of cfg on
// trainData (the data it trains on, configuration, sizes, size of the
// file, training code), reading only its header, and returns the epochs
// it holds. When there is no file at path, the error satisfies
// errors.Is(err, fs.ErrNotExist).
func checkResume(path string, trainData *data.Dataset, cfg model.Config) (int, error) {
	info, err := model.ReadCheckpointInfo(path)
	if err != nil {
		return 0, err
	}
	if err := info.Check(trainData, cfg); err != nil {
		return 0, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	var by trainedBy
	if len(info.Note) > 0 {
		if err := json.Unmarshal(info.Note, &by); err != nil {
			return 0, fmt.Errorf("checkpoint %s: run history: %v", path, err)
		}
	}
	code, err := TrainingCode(cfg)
	if err != nil {
		return 0, err
	}
	if err := by.canResume(code); err != nil {
		return 0, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return info.EpochsDone, nil
}

func metricMap(m eval.Metrics) map[eval.Metric]float64 {
	out := map[eval.Metric]float64{}
	for i, name := range m.Names() {
		out[name] = m.Values[i]
	}
	return out
}

// selection follows a validated run's best epoch as Summarize selects it
// (the first with the highest validation value of metric) and counts the
// evaluations since.
type selection struct {
	metric  eval.Metric
	best    float64
	found   bool
	since   int // evaluations since the best
	perUser *results.PerUser
}

// observe takes an epoch in order and says whether it is the new best.
func (s *selection) observe(e results.Epoch) bool {
	v, ok := e.Validation[s.metric]
	if !ok {
		return false
	}
	if !s.found || v > s.best {
		s.best, s.found, s.since = v, true, 0
		return true
	}
	s.since++
	return false
}

// exhausted says whether patience evaluations have passed without
// improvement (never, for patience 0).
func (s *selection) exhausted(patience int) bool { return patience > 0 && s.since >= patience }

// perUserValues keeps a test evaluation's per-user values of the paired
// metrics.
func perUserValues(r eval.Result) *results.PerUser {
	names := r.Names()
	p := &results.PerUser{Users: len(r.Users), Values: map[eval.Metric]results.Float32s{}}
	for _, m := range results.PairedMetrics {
		k := slices.Index(names, m)
		if k < 0 {
			continue
		}
		v := make(results.Float32s, len(r.Users))
		for u := range v {
			v[u] = float32(r.PerUser[u*len(names)+k])
		}
		p.Values[m] = v
	}
	return p
}

// runNote is what bench keeps in a checkpoint beside the training state:
// the epochs so far, the selected epoch's per-user values, the epoch
// counts at which the run was resumed before, and who trained it.
type runNote struct {
	history      epochNote
	PerUser      *results.PerUser `json:"per_user"`
	ResumedAfter []int            `json:"resumed_after"`
	trainedBy
}

// trainedBy is who trained the epochs of a checkpoint: one training code
// for all of them (a run is never resumed under another), the commit of
// the process that wrote the checkpoint, and the commits of the processes
// before each resume (EarlierCommits[i] trained up to ResumedAfter[i]). A
// checkpoint written before these were kept has them empty.
type trainedBy struct {
	TrainingCode   results.CodeID `json:"training_code"`
	Commit         string         `json:"commit"`
	EarlierCommits []string       `json:"earlier_commits"`
}

// bytes is the note as JSON: the fields above, then "epochs": [...].
func (n *runNote) bytes() json.RawMessage {
	head, _ := json.Marshal(n) // plain data: cannot fail
	b := append(head[:len(head)-1], `,"epochs":`...)
	return append(append(b, orEmpty(n.history)...), '}')
}

// resumedBy notes that the process with env resumes the run after done
// epochs, and refuses when its training code differs from the one that
// trained them: the run's record names one training code for all its
// epochs.
func (n *runNote) resumedBy(env results.Env, done int) error {
	if err := n.canResume(env.TrainingCode); err != nil {
		return err
	}
	n.ResumedAfter = append(n.ResumedAfter, done)
	n.EarlierCommits = append(n.EarlierCommits, n.Commit)
	n.TrainingCode, n.Commit = env.TrainingCode, env.Commit
	return nil
}

// canResume refuses to go on under training code now with epochs another
// code trained.
func (b trainedBy) canResume(now results.CodeID) error {
	if b.TrainingCode != "" && !results.SameTrainingCode(b.TrainingCode, now) {
		return fmt.Errorf("was trained by other training code (%s, now %s)", b.TrainingCode, now)
	}
	return nil
}

func orEmpty(h epochNote) []byte {
	if len(h) == 0 {
		return []byte("[]")
	}
	return h
}

// read restores a note whose epochs must be the done epochs 0..done-1,
// and returns them.
func (n *runNote) read(raw []byte, done int) ([]results.Epoch, error) {
	if len(raw) == 0 {
		return nil, fmt.Errorf("holds no epoch history (written by an older onebp?)")
	}
	var v struct {
		runNote
		Epochs json.RawMessage `json:"epochs"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("run history: %v", err)
	}
	var epochs []results.Epoch
	if err := resumedEpochs(v.Epochs, done, &epochs); err != nil {
		return nil, err
	}
	*n = v.runNote
	n.history = epochNote(slices.Clone(v.Epochs))
	n.EarlierCommits = results.AlignCommits(n.ResumedAfter, n.EarlierCommits)
	return epochs, nil
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
func progressLine(r results.Epoch, epochs int, selectMetric eval.Metric, eta time.Duration) string {
	line := fmt.Sprintf("epoch %d/%d  loss %.5f  train %.2fs", r.Epoch+1, epochs, r.Loss, r.TrainSeconds)
	if r.Metrics != nil {
		line += fmt.Sprintf("  eval %.2fs  %s %.4f  %s %.4f",
			r.EvalSeconds, eval.RecallAt20, r.Metrics[eval.RecallAt20], eval.NDCGAt20, r.Metrics[eval.NDCGAt20])
	}
	if v, ok := r.Validation[selectMetric]; ok {
		line += fmt.Sprintf("  validation %s %.4f", selectMetric, v)
	}
	return line + fmt.Sprintf("  eta %s", eta.Round(time.Second))
}
