package bench

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"onebp/data"
	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
)

// smallRun trains a tiny synthetic model for a few epochs.
func smallRun(t *testing.T, s model.Strategy, seed uint64) *results.Run {
	t.Helper()
	d, err := data.SyntheticSpec{Users: 120, Items: 200, Interactions: 4000, Seed: 3}.Generate()
	if err != nil {
		t.Fatal(err)
	}
	h, _ := PresetFor(data.Spec{Kind: data.KindSynthetic}, PresetQuick)
	cfg := h.Config
	cfg.Strategy, cfg.Epochs, cfg.Seed, cfg.Batch, cfg.LR = s, 4, seed, 256, 1e-2
	r, err := Run(context.Background(), RunSpec{Data: d, Config: cfg, Preset: PresetQuick, Source: h.Source, Protocol: results.Protocol{EvalEvery: 2}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRunRecordsEvaluations(t *testing.T) {
	r := smallRun(t, model.OneBP, 1)
	if len(r.Epochs) != 4 || r.Epochs[0].Metrics != nil || r.Epochs[1].Metrics == nil || r.FinalEpoch != 3 {
		t.Fatalf("epochs %+v, final epoch %d: want evaluations after epochs 1 and 3", r.Epochs, r.FinalEpoch)
	}
	if r.Final[eval.RecallAt20] != r.Epochs[3].Metrics[eval.RecallAt20] || len(r.MetricNames()) != 12 {
		t.Errorf("final %v is not the last evaluation %v", r.Final, r.Epochs[3].Metrics)
	}
	if r.Config.Strategy != model.OneBP || r.Config.Preset != "quick" || r.Config.EvalEvery != 2 || r.UserTable.Rows != 120 {
		t.Errorf("run config %+v", r.Config)
	}
	_, err := Run(context.Background(), RunSpec{Data: nil, Config: r.Config.Config, Protocol: results.Protocol{EvalEvery: 0}})
	var fe *model.FieldError
	if !errors.As(err, &fe) || fe.Field != "eval-every" {
		t.Errorf("eval-every 0: %v", err)
	}
}

// TestSameSeedSameRecord: two runs with the same seed record the same
// quality, bit for bit; another seed does not.
func TestSameSeedSameRecord(t *testing.T) {
	a, b, c := smallRun(t, model.TwoBP, 1), smallRun(t, model.TwoBP, 1), smallRun(t, model.TwoBP, 2)
	for _, m := range a.MetricNames() {
		if a.Final[m] != b.Final[m] {
			t.Errorf("same seed: %s %v vs %v", m, a.Final[m], b.Final[m])
		}
	}
	if a.Final[eval.RecallAt20] == c.Final[eval.RecallAt20] && a.Final[eval.NDCGAt20] == c.Final[eval.NDCGAt20] {
		t.Errorf("seeds 1 and 2 gave the same metrics")
	}
}

func TestPresets(t *testing.T) {
	reg := func(name string) data.Spec { return data.Spec{Kind: data.KindRegistered, Name: name} }
	for _, c := range []struct {
		name         string
		preset       Preset
		dim          int
		lr, l2, beta float64
	}{
		{"ml-100k", PresetPaper, 32, 5e-4, 1e-5, 0.99},
		{"ml-1m", PresetPaper, 128, 1e-3, 1e-6, 0.99},
		{"gowalla", PresetPaper, 1024, 5e-4, 0, 0.999},
		{"gowalla", PresetQuick, 64, 5e-4, 0, 0.999},
		{"yelp2018", PresetPaper, 2048, 5e-5, 0, 0.999},
	} {
		h, err := PresetFor(reg(c.name), c.preset)
		cfg := h.Config
		if err != nil || cfg.Dim != c.dim || cfg.LR != c.lr || cfg.L2 != c.l2 || cfg.Beta != c.beta ||
			cfg.Batch != 1024 || cfg.Negatives != 5 || cfg.Temperature != 1 {
			t.Errorf("%s %s: %+v, %v", c.name, c.preset, cfg, err)
		}
	}
	if h, _ := PresetFor(reg("ml-100k"), PresetPaper); h.Config.Epochs != 2000 {
		t.Errorf("ml-100k paper epochs %d, want the authors' 2000", h.Config.Epochs)
	}
	if h, _ := PresetFor(reg("gowalla"), PresetQuick); h.Source != "the authors' README (studentcej/OneBP); quick preset: 5 epochs, dim 64 instead of 1024" {
		t.Errorf("gowalla quick source %q", h.Source)
	}
	h, _ := PresetFor(reg("ml-100k"), PresetPaper)
	if h.SetEpochs(300); h.Config.Epochs != 300 || !strings.HasSuffix(h.Source, "2000 epochs as in the authors' example; epochs set to 300 for this run") {
		t.Errorf("epochs overridden: %d, %q", h.Config.Epochs, h.Source)
	}
	if _, err := PresetFor(reg("ml-100k"), "slow"); err == nil || err.Error() != `preset "slow": want validated or paper or quick` {
		t.Errorf("unknown preset: %v", err)
	}
}

// TestEpochNote: the note grown one epoch at a time is what json.Marshal
// writes for the whole slice.
func TestEpochNote(t *testing.T) {
	r := smallRun(t, model.OneBP, 1)
	var n epochNote
	for _, e := range r.Epochs {
		if err := n.add(e); err != nil {
			t.Fatal(err)
		}
	}
	want, _ := json.Marshal(r.Epochs)
	if string(n) != string(want) {
		t.Errorf("note\n%s\nwant\n%s", n, want)
	}
	empty := epochNote("[]")
	empty.add(r.Epochs[0])
	if want, _ := json.Marshal(r.Epochs[:1]); string(empty) != string(want) {
		t.Errorf("from an empty array: %s", empty)
	}
}

// TestRunNoteRoundTrip: a note reads back as written, and one written
// before the commits were kept (resumed twice, no training code) reads
// with those commits unknown, one per resume, and may be resumed by any
// training code.
func TestRunNoteRoundTrip(t *testing.T) {
	r := smallRun(t, model.OneBP, 1)
	done := len(r.Epochs)
	written := runNote{ResumedAfter: []int{1}, trainedBy: trainedBy{TrainingCode: "c0de", Commit: "b", EarlierCommits: []string{"a"}}}
	for _, e := range r.Epochs {
		if err := written.history.add(e); err != nil {
			t.Fatal(err)
		}
	}
	var read runNote
	epochs, err := read.read(written.bytes(), done)
	if err != nil || !reflect.DeepEqual(read, written) || !reflect.DeepEqual(epochs, r.Epochs) {
		t.Errorf("read %s (%v), want %s", read.bytes(), err, written.bytes())
	}

	history, _ := json.Marshal(r.Epochs)
	older := `{"per_user":null,"resumed_after":[1,2],"epochs":` + string(history) + `}`
	if _, err := read.read([]byte(older), done); err != nil {
		t.Fatal(err)
	}
	if err := read.resumedBy(results.Env{TrainingCode: "c0de", Commit: "c"}, 3); err != nil {
		t.Fatal(err)
	}
	want := trainedBy{TrainingCode: "c0de", Commit: "c", EarlierCommits: []string{"", "", ""}}
	if !reflect.DeepEqual(read.trainedBy, want) || !slices.Equal(read.ResumedAfter, []int{1, 2, 3}) {
		t.Errorf("older note resumed: %+v, resumed after %v; want %+v, [1 2 3]", read.trainedBy, read.ResumedAfter, want)
	}
	if err := read.resumedBy(results.Env{TrainingCode: "other", Commit: "d"}, 4); err == nil {
		t.Error("resumed under other training code")
	}
}

// mustCode is TrainingCode(cfg), failing t on error.
func mustCode(t testing.TB, cfg model.Config) results.CodeID {
	t.Helper()
	code, err := TrainingCode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// TestTrainingCode: runs of one execution path share a code, whatever
// their hyper-parameters and worker counts; each path has its own; a code
// is the hash of its path's trace, which follows what the code computes:
// a trace shape trained differently (here, another learning rate, as a
// changed constant would) gives another code.
func TestTrainingCode(t *testing.T) {
	eager, lazy, sparse := model.Config{L2: 1e-5}, model.Config{}, model.Config{Optimizer: model.SparseAdam}
	if mustCode(t, eager) != mustCode(t, model.Config{Optimizer: model.EagerAdam, Dim: 7, Workers: 3}) ||
		mustCode(t, eager) == mustCode(t, lazy) || mustCode(t, sparse) == mustCode(t, eager) || mustCode(t, sparse) == mustCode(t, lazy) ||
		len(mustCode(t, lazy)) != 12 {
		t.Errorf("training codes: eager %s, lazy %s, sparse %s", mustCode(t, eager), mustCode(t, lazy), mustCode(t, sparse))
	}
	trace, err := Trace(model.LazyExecution, 1)
	if err != nil {
		t.Fatal(err)
	}
	if codeOfTrace(trace) != mustCode(t, lazy) {
		t.Errorf("lazy code %s, not the hash of its trace (%s)", mustCode(t, lazy), codeOfTrace(trace))
	}
	// What a change to the training code does to the trace.
	saved := traceShapes[0].set
	defer func() { traceShapes[0].set = saved }()
	traceShapes[0].set = func(c *model.Config) { c.LR *= 1 + 1e-6 }
	changed, err := Trace(model.LazyExecution, 1)
	if err != nil {
		t.Fatal(err)
	}
	if codeOfTrace(changed) == codeOfTrace(trace) {
		t.Error("a trace trained differently has the same code")
	}
}

// TestLegacyCodes: the golden-file hashes the committed records carry
// stand for the codes measured now, and for nothing else.
func TestLegacyCodes(t *testing.T) {
	eager, lazy := mustCode(t, model.Config{L2: 1e-5}), mustCode(t, model.Config{})
	for old, want := range map[results.CodeID]results.CodeID{"326f2cb871f9": eager, "ef16146ff6bc": lazy} {
		if !results.SameTrainingCode(old, want) {
			t.Errorf("records of %s are not valid under %s", old, want)
		}
	}
	if results.SameTrainingCode("326f2cb871f9", lazy) || results.SameTrainingCode("000000000000", eager) {
		t.Error("a legacy code stands for another path")
	}
}

// TestValidatedScheduleFollowsDim: under the validated preset the
// LightGCN sets' schedule depends on the dimension, so the paper's dims
// get the pilot's and dim 64 keeps the one its committed records ran.
func TestValidatedScheduleFollowsDim(t *testing.T) {
	for _, c := range []struct {
		name                     string
		dim                      int // 0: the preset's
		cap, evalEvery, patience int
	}{
		{"gowalla", 0, 200, 1, 10},
		{"gowalla", 64, 300, 5, 6},
		{"gowalla", 512, 300, 5, 6},
		{"gowalla", 1024, 200, 1, 10},
		{"yelp2018", 0, 600, 2, 10},
		{"yelp2018", 64, 2000, 10, 6},
		{"ml-1m", 512, 200, 1, 20},
	} {
		h, err := PresetFor(data.Spec{Kind: data.KindRegistered, Name: c.name}, PresetValidated)
		if err != nil {
			t.Fatal(err)
		}
		if c.dim > 0 {
			h.SetDim(c.dim)
		}
		if h.Config.Epochs != c.cap || h.Protocol.EvalEvery != c.evalEvery || h.Protocol.Patience != c.patience || (c.dim > 0 && h.Config.Dim != c.dim) {
			t.Errorf("%s at dim %d: dim %d, cap %d, every %d, patience %d; want cap %d, every %d, patience %d",
				c.name, c.dim, h.Config.Dim, h.Config.Epochs, h.Protocol.EvalEvery, h.Protocol.Patience, c.cap, c.evalEvery, c.patience)
		}
	}
}
