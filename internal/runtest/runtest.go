// Package runtest makes run records for tests: made-up numbers, every
// field a real record has.
package runtest

import (
	"math/rand/v2"
	"strings"

	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
)

// Fake is a run as bench.Run records it, with made-up numbers: 4
// epochs, evaluated after epochs 1 and 3, metric values drawn from a
// stream so that none is round.
func Fake(dataset string, s model.Strategy, seed uint64) *results.Run {
	src := rand.New(rand.NewPCG(seed, uint64(s)))
	r := &results.Run{
		Dataset: dataset, DatasetFingerprint: strings.Repeat("ab", 32), Split: "given", Users: 10, Items: 20,
		Config: results.Config{
			Config: model.Config{Strategy: s, Seed: seed, Dim: 8, LR: 0.01, L2: 1e-5, Beta: 0.99, Negatives: 5,
				Batch: 256, Temperature: 1, Epochs: 4},
			Protocol: results.Protocol{EvalEvery: 2}, Preset: "quick", Source: "a test",
		},
		Env: results.Env{Commit: "0123456789abcdef", Go: "go1.26", GOOS: "linux", GOARCH: "amd64", CPU: "test", Kernels: "unrolled", Workers: 2},
	}
	names := eval.Metrics{Ks: eval.DefaultKs}.Names()
	for e := range 4 {
		ep := results.Epoch{Epoch: e, Loss: 1.7 - 0.1*src.Float64(), TrainSeconds: 0.5 + src.Float64(), Samples: 1024}
		if e%2 == 1 {
			ep.EvalSeconds = 0.1 + src.Float64()
			ep.Metrics = map[eval.Metric]float64{}
			for _, m := range names {
				ep.Metrics[m] = src.Float64() / 3
			}
		}
		r.Epochs = append(r.Epochs, ep)
	}
	r.Summarize()
	r.Memory = results.Memory{StateBytes: 12345, PeakRSSBytes: 678910}
	return r
}
