package bench

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"onebp/data"
	"onebp/internal/datatest"
	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
)

// benchData loads each dataset once per test binary: the real one from
// ONEBP_DATA, or its synthetic twin when absent, whose benchmark names end
// in "-synthetic".
var benchData = struct {
	sync.Mutex
	m map[string]*data.Dataset
}{m: map[string]*data.Dataset{}}

// In -short mode (CI's smoke run of every benchmark), a twin with more
// interactions than gowalla is skipped: it runs the same code as gowalla
// at several times the cost.
func loadBench(b *testing.B, name string) *data.Dataset {
	twin := datatest.BenchName(datatest.Dir(), name) != name
	if testing.Short() {
		if spec, _ := datatest.TwinOf(name); twin && spec.Interactions > 1100000 {
			b.Skipf("-short: %s is absent and its synthetic twin (%d interactions) is skipped", name, spec.Interactions)
		}
	}
	benchData.Lock()
	defer benchData.Unlock()
	if d, ok := benchData.m[name]; ok {
		return d
	}
	d, loadedTwin, err := datatest.LoadOrTwin(datatest.Dir(), name)
	if err != nil {
		b.Fatal(err)
	}
	if loadedTwin != twin {
		b.Fatalf("%s: the benchmark is named for the %s dataset, but the other loaded", name, map[bool]string{true: "synthetic", false: "real"}[twin])
	}
	benchData.m[name] = d
	return d
}

// epochDims are the dims BenchmarkEpoch runs: the paper's for the
// MovieLens sets; 64 for the LightGCN sets, whose paper dims (1024, 2048)
// take minutes per epoch here and run only with ONEBP_LONG=1.
func epochDims(name string) []int {
	h, _ := PresetFor(data.Spec{Kind: data.KindRegistered, Name: name}, PresetPaper)
	switch name {
	case "gowalla", "yelp2018", "amazon-book":
		if os.Getenv("ONEBP_LONG") == "1" {
			return []int{64, h.Config.Dim}
		}
		return []int{64}
	}
	return []int{h.Config.Dim}
}

// epochOptimizers are the optimizers BenchmarkEpoch times: where lazy
// and eager execution of dense Adam differ (no weight decay), both, and
// sparse Adam beside them as their floor; else dense Adam alone.
func epochOptimizers(cfg model.Config) []model.Optimizer {
	if cfg.L2 == 0 {
		return []model.Optimizer{model.DenseAdam, model.EagerAdam, model.SparseAdam}
	}
	return []model.Optimizer{model.DenseAdam}
}

// BenchmarkEpoch times one training epoch at the paper preset's
// hyper-parameters, with dense Adam executed lazily (optimizer=adam) and,
// where that differs, eagerly as PyTorch does (optimizer=adam-eager).
// Sparse Adam (optimizer=sparse-adam) steps only the rows a batch touches,
// with no catch-up: what it costs is the least any lazy execution of dense
// Adam can cost, so the eager/sparse ratio bounds what lazy execution can
// gain.
func BenchmarkEpoch(b *testing.B) {
	for _, name := range []string{"ml-100k", "onebp-ml100k", "ml-1m", "gowalla", "yelp2018", "amazon-book"} {
		paper, _ := PresetFor(data.Spec{Kind: data.KindRegistered, Name: name}, PresetPaper)
		for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
			for _, dim := range epochDims(name) {
				for _, opt := range epochOptimizers(paper.Config) {
					b.Run(fmt.Sprintf("dataset=%s/strategy=%v/dim=%d/optimizer=%v", datatest.BenchName(datatest.Dir(), name), s, dim, opt), func(b *testing.B) {
						d := loadBench(b, name)
						h, _ := PresetFor(data.Spec{Kind: data.KindRegistered, Name: name}, PresetPaper)
						cfg := h.Config
						cfg.Strategy, cfg.Dim, cfg.Optimizer = s, dim, opt
						tr, err := model.NewTrainer(d, cfg)
						if err != nil {
							b.Fatal(err)
						}
						defer tr.Close()
						b.ReportAllocs()
						samples := 0
						for b.Loop() {
							st, err := tr.Epoch(context.Background())
							if err != nil {
								b.Fatal(err)
							}
							samples += st.Samples
						}
						b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(samples), "ns/sample")
						b.ReportMetric(float64(tr.StateBytes().Total()), "state_bytes")
					})
				}
			}
		}
	}
}

// BenchmarkTrain is the end-to-end benchmark: one epoch and one evaluation
// at the quick preset, reporting the quality reached, so that
// `go test -bench Train ./bench | tee new.txt` and benchstat compare
// commits in speed and in quality.
func BenchmarkTrain(b *testing.B) {
	for _, reg := range data.Registry() {
		for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
			b.Run(fmt.Sprintf("dataset=%s/strategy=%v", datatest.BenchName(datatest.Dir(), reg.Name), s), func(b *testing.B) {
				d := loadBench(b, reg.Name)
				h, _ := PresetFor(data.Spec{Kind: data.KindRegistered, Name: reg.Name}, PresetQuick)
				cfg := h.Config
				cfg.Strategy, cfg.Epochs = s, 1
				b.ReportAllocs()
				var r *results.Run
				for b.Loop() {
					var err error
					if r, err = Run(context.Background(), RunSpec{Data: d, Config: cfg, Protocol: results.Protocol{EvalEvery: 1}}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(r.Final[eval.RecallAt20], string(eval.RecallAt20))
				b.ReportMetric(r.Final[eval.NDCGAt20], string(eval.NDCGAt20))
			})
		}
	}
}
