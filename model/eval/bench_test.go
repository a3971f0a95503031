package eval

import (
	"fmt"
	"os"
	"testing"

	"onebp/data"
	"onebp/internal/datatest"
	"onebp/model"
)

// BenchmarkEvaluate times one full evaluation with random tables on each
// dataset (its synthetic twin when it is not in ONEBP_DATA, named so).
// Gowalla at the paper's dim 1024, about a minute an evaluation, runs
// only with ONEBP_LONG=1.
func BenchmarkEvaluate(b *testing.B) {
	type shape struct {
		name string
		dim  int
	}
	cases := []shape{{"ml-100k", 32}, {"ml-1m", 128}, {"gowalla", 64}}
	if os.Getenv("ONEBP_LONG") == "1" {
		cases = append(cases, shape{"gowalla", 1024})
	}
	for _, c := range cases {
		d, twin, err := datatest.LoadOrTwin(datatest.Dir(), c.name)
		if err != nil {
			b.Fatal(err)
		}
		label := datatest.BenchName(datatest.Dir(), c.name)
		if twin != (label != c.name) {
			b.Fatalf("%s: loaded twin %v, named %s", c.name, twin, label)
		}
		val, err := d.HoldOut(0.1, 1)
		if err != nil {
			b.Fatal(err)
		}
		// splits=test is the reference protocol's evaluation; a validated
		// run ranks test and validation from one scoring pass.
		for _, sp := range []struct {
			name   string
			splits []*data.Dataset
		}{{"test", []*data.Dataset{d}}, {"test+validation", []*data.Dataset{d, val}}} {
			b.Run(fmt.Sprintf("dataset=%s/dim=%d/splits=%s", label, c.dim, sp.name), func(b *testing.B) {
				U, V := model.NewTable(d.Users, c.dim), model.NewTable(d.Items, c.dim)
				U.XavierNormal(1, 0, 2)
				V.XavierNormal(1, 1, 2)
				e, err := NewJoint(sp.splits, nil, 0)
				if err != nil {
					b.Fatal(err)
				}
				e.workers = 2
				for b.Loop() {
					if _, err := e.EvaluateAll(U, V); err != nil {
						b.Fatal(err)
					}
				}
				sec := b.Elapsed().Seconds() / float64(b.N)
				b.ReportMetric(float64(e.Users())*float64(d.Items)*float64(c.dim)/sec/1e9, "GMAC/s")
				b.ReportMetric(float64(e.Users())/sec, "users/s")
			})
		}
	}
}
