package bench

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"onebp/data"
	"onebp/model"
	"onebp/results"
)

// A Preset is a named set of hyper-parameters per dataset.
type Preset string

// The presets: "paper" is the authors' hyper-parameters (DESIGN.md,
// "Reference hyper-parameters") with their epoch counts; "quick" keeps the
// hyper-parameters, cuts the epochs and caps the dim at 64 on the three
// large LightGCN datasets (the dim their published baselines use), so that
// `onebp bench -preset quick` over the datasets we have finishes in minutes
// on a 2-core machine. Quick is a smoke test, never a result to quote.
//
// "validated" is the protocol a reviewer accepts: the authors'
// hyper-parameters and dimensions, 10% of each user's training items held
// out, the epoch selected on validation NDCG@20, early stopping, and the
// authors' epoch counts as caps (presetRows).
const (
	PresetPaper     Preset = "paper"
	PresetQuick     Preset = "quick"
	PresetValidated Preset = "validated"
)

// presets says in a few words what each preset is for, the one to quote
// first.
var presets = []struct {
	Preset
	purpose string
}{
	{PresetValidated, "the authors' hyper-parameters, the epoch selected on a validation split, early stopping: the results to quote"},
	{PresetPaper, "the authors' hyper-parameters and epochs, as their code runs them: hours"},
	{PresetQuick, "a smoke test: fewer epochs, dim capped at 64 on the LightGCN sets, minutes"},
}

// Presets lists the presets, the one to quote first.
var Presets = func() (ps []Preset) {
	for _, p := range presets {
		ps = append(ps, p.Preset)
	}
	return ps
}()

// DescribePresets lists every preset with its purpose, for a command's
// help: "validated (...), paper (...) or quick (...)".
func DescribePresets() string {
	var b strings.Builder
	for i, p := range presets {
		switch {
		case i == len(presets)-1:
			b.WriteString(" or ")
		case i > 0:
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%s)", p.Preset, p.purpose)
	}
	return b.String()
}

// validatedProtocol is a dataset's schedule under the validated preset,
// for runs at dim or above (up to the next row's dim).
type validatedProtocol struct {
	dim                      int
	cap, evalEvery, patience int
	why                      string
}

// validatedAt is the validated schedule at dim: the last whose dim is at
// most dim (the first below every one's dim).
func (row presetRow) validatedAt(dim int) validatedProtocol {
	v := row.validated[0]
	for _, r := range row.validated[1:] {
		if r.dim <= dim {
			v = r
		}
	}
	return v
}

// ValidationShare is the share of each user's training items the
// validated preset holds out.
const ValidationShare = 0.1

// UnmarshalText reads a preset's name.
func (p *Preset) UnmarshalText(b []byte) error {
	q := Preset(b)
	if !slices.Contains(Presets, q) {
		return unknownPreset(q)
	}
	*p = q
	return nil
}

func unknownPreset(p Preset) error {
	var names []string
	for _, q := range Presets {
		names = append(names, string(q))
	}
	return &OptionError{Option: "preset", Value: strconv.Quote(string(p)), Want: strings.Join(names, " or ")}
}

// MarshalText writes a preset's name.
func (p Preset) MarshalText() ([]byte, error) { return []byte(p), nil }

// Hyper is one dataset's training setup under a preset.
type Hyper struct {
	Config   model.Config // Strategy is left for the caller
	Protocol results.Protocol
	Source   string // where the values come from

	spec   data.Spec
	preset Preset
}

// SetEpochs overrides the preset's epoch count, saying so in Source.
func (h *Hyper) SetEpochs(n int) {
	if n != h.Config.Epochs {
		h.Config.Epochs = n
		h.Source += fmt.Sprintf("; epochs set to %d for this run", n)
	}
}

// SetDim overrides the preset's embedding dimension, saying so in Source.
// Under the validated preset the schedule (cap, evaluations, patience)
// follows the dimension, so call it before SetEpochs.
func (h *Hyper) SetDim(n int) {
	if n == h.Config.Dim {
		return
	}
	was := h.Config.Dim
	if h.preset == PresetValidated {
		if at, err := presetAt(h.spec, h.preset, n); err == nil {
			*h = at
		}
	}
	h.Source += fmt.Sprintf("; dim set to %d instead of %d for this run", n, was)
	h.Config.Dim = n
}

// Set overrides one hyper-parameter, named as in records, saying so in
// Source: dim through SetDim (so that the validated schedule follows it)
// and epochs through SetEpochs. Give dim first.
func (h *Hyper) Set(f model.Field) error {
	probe := h.Config
	if err := probe.Set(f.Name, f.Value); err != nil {
		return err
	}
	switch f.Name {
	case "dim":
		h.SetDim(probe.Dim)
	case "epochs":
		h.SetEpochs(probe.Epochs)
	default:
		if was := h.Config; !reflect.DeepEqual(was, probe) {
			h.Config = probe
			h.Source += fmt.Sprintf("; %s set to %s for this run", f.Name, f.Value)
		}
	}
	return nil
}

// A presetRow is everything the presets set for one dataset, with where
// it comes from: the authors' hyper-parameters, their epoch count (when
// they give one), the quick preset's cut, and the validated preset's
// schedules by dimension.
type presetRow struct {
	dim          int
	lr, l2, beta float64
	paperEpochs  int
	authorsGive  bool // paperEpochs is the authors' own, not onebp's choice
	quickEpochs  int
	quickDim     int // 0: the paper's dim
	validated    []validatedProtocol
	source       string
}

const authors = "the authors' README (studentcej/OneBP)"

// presetRows: one row per registered dataset; datasets without one take
// ml-100k's. The hyper-parameters are the authors' (DESIGN.md,
// "Reference hyper-parameters"). The validated caps are the authors'
// epochs where they give them (ML-100k 2000, ML-1M 200); evaluating every
// 5 of 2000 epochs on ML-100k places the selected epoch to within 5 at a
// tenth of the cost of every epoch, and a patience of 20 evaluations
// outlasts validation NDCG@20's noise while stopping TwoBP, which peaks
// early and then overfits at the authors' l2. The LightGCN sets' caps,
// cadences and patiences come from measured validation curves and depend
// on the dimension; their history and the rule are in DESIGN.md, "Epoch
// caps of the LightGCN sets". A run that reaches its cap keeps its
// checkpoint, so a higher cap resumes it.
var presetRows = map[string]presetRow{
	"ml-100k": {32, 5e-4, 1e-5, 0.99, 2000, true, 100, 0,
		[]validatedProtocol{{0, 2000, 5, 20, "the authors' 2000 epochs as the cap"}}, authors},
	"onebp-ml100k": {32, 5e-4, 1e-5, 0.99, 2000, true, 100, 0,
		[]validatedProtocol{{0, 2000, 5, 20, "the authors' 2000 epochs as the cap"}}, authors + " (the authors' own ml-100k split)"},
	"ml-1m": {128, 1e-3, 1e-6, 0.99, 200, true, 20, 0,
		[]validatedProtocol{{0, 200, 1, 20, "the authors' 200 epochs as the cap"}}, authors},
	"gowalla": {1024, 5e-4, 0, 0.999, 100, false, 5, 64, []validatedProtocol{
		{0, 300, 5, 6, "a cap of 300 epochs from measured validation curves at dim 64 (the authors give none)"},
		{1024, 200, 1, 10, "at dim 1024, a cap of 200 epochs from the first epochs' curves (the authors give none)"},
	}, authors},
	"yelp2018": {2048, 5e-5, 0, 0.999, 100, false, 5, 64, []validatedProtocol{
		{0, 2000, 10, 6, "a cap of 2000 epochs, Gowalla's scaled by the learning rate and steps per epoch (the authors give none)"},
		{2048, 600, 2, 10, "at dim 2048, a cap of 600 epochs, Gowalla's at dim 1024 scaled by the learning rate, dimension and steps per epoch (the authors give none)"},
	}, authors},
	"amazon-book": {2048, 5e-5, 0, 0.999, 100, false, 5, 64,
		[]validatedProtocol{{0, 2000, 10, 6, "yelp2018's cap of 2000 epochs (the authors give none)"}},
		"onebp's choice: yelp2018's values (the authors give none for amazon-book)"},
}

// PresetFor returns the setup of a dataset under a preset. Datasets
// without a row of their own (synthetic, your own files) take ml-100k's
// values.
func PresetFor(spec data.Spec, preset Preset) (Hyper, error) { return presetAt(spec, preset, 0) }

// presetAt is PresetFor for a run at dim (0: the preset's).
func presetAt(spec data.Spec, preset Preset, dim int) (Hyper, error) {
	row, ok := presetRows[spec.Name]
	if spec.Kind != data.KindRegistered || !ok {
		row = presetRows["ml-100k"]
		row.source = "onebp's choice: ml-100k's values from " + authors
		if spec.Kind == data.KindSynthetic {
			row.quickEpochs = 40
		}
	}
	cfg := model.Config{
		Dim: row.dim, LR: row.lr, L2: row.l2, Beta: row.beta,
		Negatives: 5, Batch: 1024, Temperature: 1, Seed: 2022,
	}
	source := row.source
	switch preset {
	case PresetPaper:
		cfg.Epochs = row.paperEpochs
		if row.authorsGive {
			source += fmt.Sprintf("; %d epochs as in the authors' example", cfg.Epochs)
		} else {
			source += fmt.Sprintf("; the authors give no epoch count, %d is onebp's choice", cfg.Epochs)
		}
	case PresetQuick:
		cfg.Epochs = row.quickEpochs
		source += fmt.Sprintf("; quick preset: %d epochs", cfg.Epochs)
		if row.quickDim != 0 {
			cfg.Dim = row.quickDim
			source += fmt.Sprintf(", dim %d instead of %d", row.quickDim, row.dim)
		}
	case PresetValidated:
		if dim == 0 {
			dim = cfg.Dim
		}
		v := row.validatedAt(dim)
		cfg.Epochs = v.cap
		source += fmt.Sprintf("; validated preset: %s, %g of each user's training items for validation, epoch selected on %s, evaluated every %d, patience %d evaluations",
			v.why, ValidationShare, results.DefaultSelect, v.evalEvery, v.patience)
		return Hyper{Config: cfg, Source: source, spec: spec, preset: preset, Protocol: results.Protocol{
			EvalEvery: v.evalEvery, Validation: ValidationShare, Select: results.DefaultSelect, Patience: v.patience}}, nil
	default:
		return Hyper{}, unknownPreset(preset)
	}
	return Hyper{Config: cfg, Protocol: results.Protocol{EvalEvery: 1}, Source: source, spec: spec, preset: preset}, nil
}
