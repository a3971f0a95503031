package bench

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"onebp/data"
	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
)

func TestSelection(t *testing.T) {
	m := eval.NDCGAt20
	s := selection{metric: m}
	var best []bool
	for _, v := range []float64{0.1, 0.3, 0.2, 0.3, 0.25} {
		best = append(best, s.observe(results.Epoch{Validation: map[eval.Metric]float64{m: v}}))
	}
	// The first epoch reaching the maximum is selected; a tie is not an
	// improvement, so three evaluations have passed since.
	if want := []bool{true, true, false, false, false}; !slices.Equal(best, want) || s.since != 3 || s.best != 0.3 {
		t.Errorf("best %v, since %d, value %v", best, s.since, s.best)
	}
	if s.observe(results.Epoch{}) || s.since != 3 {
		t.Error("an epoch without validation counted")
	}
	if !s.exhausted(3) || s.exhausted(4) || s.exhausted(0) {
		t.Error("patience")
	}
}

// validatedRun trains a small synthetic model under the validated protocol.
func validatedRun(t *testing.T, s model.Strategy, epochs int, resume, checkpoint string) *results.Run {
	t.Helper()
	r, err := Run(context.Background(), validatedSpec(t, s, epochs, resume, checkpoint))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func validatedSpec(t *testing.T, s model.Strategy, epochs int, resume, checkpoint string) RunSpec {
	t.Helper()
	d, err := data.SyntheticSpec{Users: 150, Items: 240, Interactions: 6000, Seed: 5}.Generate()
	if err != nil {
		t.Fatal(err)
	}
	h, _ := PresetFor(data.Spec{Kind: data.KindSynthetic}, PresetQuick)
	cfg := h.Config
	cfg.Strategy, cfg.Epochs, cfg.Batch, cfg.LR = s, epochs, 128, 3e-2
	return RunSpec{Data: d, Config: cfg, SplitSeed: 9,
		Protocol: results.Protocol{EvalEvery: 1, Validation: 0.1, Select: eval.NDCGAt20, Patience: 4},
		Resume:   resume, Checkpoint: checkpoint}
}

// TestValidatedRun: the selected epoch is the first best of the recorded
// validation curve, its test figures are that epoch's, its per-user values
// average to them, and the patience stopped the run where it should.
func TestValidatedRun(t *testing.T) {
	for _, s := range []model.Strategy{model.TwoBP, model.OneBP} {
		r := validatedRun(t, s, 60, "", "")
		sel := r.Selected
		if sel == nil {
			t.Fatalf("%v: no selection", s)
		}
		bestEpoch, best := -1, math.Inf(-1)
		for _, e := range r.Epochs {
			if v := e.Validation[eval.NDCGAt20]; v > best {
				bestEpoch, best = e.Epoch, v
			}
		}
		if sel.Epoch != bestEpoch || sel.Test[eval.RecallAt20] != r.Epochs[bestEpoch].Metrics[eval.RecallAt20] {
			t.Errorf("%v: selected epoch %d, the validation curve peaks at %d", s, sel.Epoch, bestEpoch)
		}
		last := r.Epochs[len(r.Epochs)-1].Epoch
		if r.StoppedEarly != (last < 59) || (r.StoppedEarly && last-sel.Epoch != 4) {
			t.Errorf("%v: stopped early %v at epoch %d, selected %d, patience 4", s, r.StoppedEarly, last, sel.Epoch)
		}
		pu := sel.PerUser
		if pu == nil || len(pu.Values[eval.NDCGAt20]) != pu.Users {
			t.Fatalf("%v: per-user values %+v", s, pu)
		}
		mean := 0.0
		for _, v := range pu.Values[eval.NDCGAt20] {
			mean += float64(v)
		}
		if mean /= float64(pu.Users); math.Abs(mean-sel.Test[eval.NDCGAt20]) > 1e-6 {
			t.Errorf("%v: per-user mean %v, test %v", s, mean, sel.Test[eval.NDCGAt20])
		}
		if r.Epochs[0].Samples >= 6000*8/10 {
			t.Errorf("%v: trained on %d samples: the validation items were not held out", s, r.Epochs[0].Samples)
		}
	}
}

// TestValidatedResume: a validated run stopped after its selected epoch
// (OneBP here peaks at epoch 6 and stops at 10) and resumed from its
// checkpoint records what the straight run records, per-user values of the
// selected epoch included.
func TestValidatedResume(t *testing.T) {
	dir := t.TempDir()
	straight := validatedRun(t, model.OneBP, 12, "", "")
	ckpt := filepath.Join(dir, "ckpt")
	validatedRun(t, model.OneBP, 8, "", ckpt)
	resumed := validatedRun(t, model.OneBP, 12, ckpt, ckpt)
	if straight.Selected.Epoch >= 8 || !straight.StoppedEarly {
		t.Fatalf("the test needs a selection before the checkpoint and an early stop after: selected %d", straight.Selected.Epoch)
	}
	a, b := record(t, straight), record(t, resumed)
	if a != b {
		t.Errorf("resumed record differs:\n%s\nstraight:\n%s", b, a)
	}
	if !slices.Equal(straight.Selected.PerUser.Values[eval.NDCGAt20], resumed.Selected.PerUser.Values[eval.NDCGAt20]) {
		t.Error("resumed per-user values differ")
	}
}

// TestResumeKeepsWhoTrained: a resumed run records the commits of the
// processes before each resume, and a checkpoint trained by other training
// code is not resumed: the run's record would name one code for epochs
// that two trained.
func TestResumeKeepsWhoTrained(t *testing.T) {
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "ckpt")
	validatedRun(t, model.TwoBP, 2, "", ckpt)
	validatedRun(t, model.TwoBP, 3, ckpt, ckpt)
	r := validatedRun(t, model.TwoBP, 4, ckpt, ckpt)
	now := processCommit()
	if !slices.Equal(r.ResumedAfter, []int{2, 3}) || !slices.Equal(r.EarlierCommits, []string{now, now}) || !slices.Equal(r.Commits(), []string{now}) {
		t.Errorf("resumed after %v, earlier commits %v, commits %v; want [2 3], [%[4]s %[4]s], [%[4]s]", r.ResumedAfter, r.EarlierCommits, r.Commits(), now)
	}

	spec := validatedSpec(t, model.TwoBP, 6, "", "")
	other := filepath.Join(dir, "other")
	saveAsOtherCode(t, ckpt, other, spec.Data, spec.Config, spec.Protocol, spec.SplitSeed)
	want := "was trained by other training code (000000000000, now " + string(mustCode(t, spec.Config)) + ")"
	spec.Resume = other
	if _, err := Prepare(spec, nil); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Prepare: %v, want %q", err, want)
	}
	if _, err := Run(context.Background(), spec); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Run: %v, want %q", err, want)
	}
}

// saveAsOtherCode copies the checkpoint at from, a run of cfg under
// protocol p on d, to to with its note naming training code 000000000000.
func saveAsOtherCode(t *testing.T, from, to string, d *data.Dataset, cfg model.Config, p results.Protocol, splitSeed uint64) {
	t.Helper()
	trainData, err := TrainingData(d, p, splitSeed)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := model.NewTrainer(trainData, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	note, err := tr.LoadCheckpoint(from)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(note, &fields); err != nil || string(fields["training_code"]) != `"`+string(mustCode(t, cfg))+`"` {
		t.Fatalf("the checkpoint's note does not name its training code: %s (%v)", fields["training_code"], err)
	}
	fields["training_code"] = json.RawMessage(`"000000000000"`)
	if b, err := json.Marshal(fields); err != nil {
		t.Fatal(err)
	} else if err := tr.SaveCheckpoint(to, b); err != nil {
		t.Fatal(err)
	}
}

// record is a run's quality record.
func record(t *testing.T, r *results.Run) string {
	t.Helper()
	var b strings.Builder
	if err := results.WriteQuality(&b, []*results.Run{r}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestKeepSelectedTables: with KeepSelected a validated run returns the
// tables of the state it selected, bit for bit those of a run stopped
// there, not the final ones; a run resumed after its selected state says
// that it cannot.
func TestKeepSelectedTables(t *testing.T) {
	spec := validatedSpec(t, model.TwoBP, 60, "", "")
	spec.KeepSelected = true
	r, err := Run(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if r.Selected == nil || r.Selected.Epoch == r.FinalEpoch {
		t.Fatalf("selected %v, final %d: want a selection before the last epoch", r.Selected, r.FinalEpoch)
	}
	stopped := validatedSpec(t, model.TwoBP, r.Selected.Epoch+1, "", "")
	s, err := Run(context.Background(), stopped)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.UserTable.Data, s.UserTable.Data) || !slices.Equal(r.ItemTable.Data, s.ItemTable.Data) {
		t.Errorf("kept tables are not those after %d epochs", r.Selected.Epoch+1)
	}

	ckpt := filepath.Join(t.TempDir(), "ckpt")
	validatedRun(t, model.TwoBP, r.Selected.Epoch+2, "", ckpt)
	resumed := validatedSpec(t, model.TwoBP, 60, ckpt, ckpt)
	resumed.KeepSelected = true
	var notKept *NotKeptError
	if _, err := Run(context.Background(), resumed); !errors.As(err, &notKept) {
		t.Errorf("resumed after the selected state: %v, want a NotKeptError", err)
	}
}
