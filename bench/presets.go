package bench

import (
	"fmt"
	"strings"

	"onebp/model"
)

// The presets: "paper" is SPEC's hyper-parameters with the authors' epoch
// counts; "quick" keeps the hyper-parameters, cuts the epochs and caps the
// dim at 64 on the three large LightGCN datasets (the dim their published
// baselines use), so that `onebp bench -preset quick` over the datasets we
// have finishes in about ten minutes on a 2-core machine.
const (
	PresetPaper = "paper"
	PresetQuick = "quick"
)

// Hyper is one dataset's training setup under a preset.
type Hyper struct {
	Config    model.Config // Strategy is left for the caller
	EvalEvery int
	Source    string // where the values come from
}

type hyperRow struct {
	dim          int
	lr, l2, beta float64
	paperEpochs  int
	quickEpochs  int
	quickDim     int // 0: the paper's dim
	source       string
}

const (
	authors      = "authors' README (studentcej/OneBP), SPEC section 1"
	authorsNoEp  = authors + "; epochs not given, 100 is onebp's choice"
	ml100kValues = "onebp's choice: ml-100k's values from the " + authors
)

var hyperTable = map[string]hyperRow{
	"ml-100k":      {32, 5e-4, 1e-5, 0.99, 2000, 100, 0, authors},
	"onebp-ml100k": {32, 5e-4, 1e-5, 0.99, 2000, 100, 0, authors + " (the authors' own ml-100k split)"},
	"ml-1m":        {128, 1e-3, 1e-6, 0.99, 200, 20, 0, authors},
	"gowalla":      {1024, 5e-4, 0, 0.999, 100, 5, 64, authorsNoEp},
	"yelp2018":     {2048, 5e-5, 0, 0.999, 100, 5, 64, authorsNoEp},
	"amazon-book":  {2048, 5e-5, 0, 0.999, 100, 5, 64, "onebp's choice: yelp2018's values (the authors give none for amazon-book); epochs 100"},
}

// PresetFor returns the setup of dataset under preset. Datasets SPEC has no
// row for (synthetic, your own files) take ml-100k's values.
func PresetFor(dataset, preset string) (Hyper, error) {
	row, ok := hyperTable[dataset]
	if !ok {
		row = hyperTable["ml-100k"]
		row.source = ml100kValues
		if strings.HasPrefix(dataset, "synthetic") {
			row.quickEpochs = 40
		}
	}
	cfg := model.Config{
		Dim: row.dim, LR: row.lr, L2: row.l2, Beta: row.beta,
		Negatives: 5, Batch: 1024, Temperature: 1, Seed: 2022,
	}
	switch preset {
	case PresetPaper:
		cfg.Epochs = row.paperEpochs
	case PresetQuick:
		cfg.Epochs = row.quickEpochs
		if row.quickDim != 0 {
			cfg.Dim = row.quickDim
		}
	default:
		return Hyper{}, fmt.Errorf("-preset %q: want %s or %s", preset, PresetPaper, PresetQuick)
	}
	return Hyper{Config: cfg, EvalEvery: 1, Source: row.source}, nil
}
