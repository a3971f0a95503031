package model

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestConfigCheck(t *testing.T) {
	good := syntheticConfig(OneBP)
	if err := good.Check(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Dim = 0 }, "dim 0: want at least 1"},
		{func(c *Config) { c.LR = -1 }, "lr -1: want a positive learning rate"},
		{func(c *Config) { c.Beta = 1 }, "beta 1: want 0 <= beta < 1"},
		{func(c *Config) { c.Negatives = 0 }, "negatives 0: want at least 1"},
		{func(c *Config) { c.Temperature = 0 }, "temperature 0: want a positive temperature"},
		{func(c *Config) { c.Batch = 0 }, "batch 0: want at least 1"},
		{func(c *Config) { c.Strategy = 7 }, "strategy 7: want twobp or onebp"},
	} {
		cfg := good
		c.edit(&cfg)
		err := cfg.Check()
		var fe *FieldError
		if err == nil || err.Error() != c.want || !errors.As(err, &fe) || !strings.HasPrefix(c.want, fe.Field+" ") {
			t.Errorf("%v, want %s", err, c.want)
		}
	}
}

func TestOptionText(t *testing.T) {
	var s Strategy
	if err := s.UnmarshalText([]byte("threebp")); err == nil || err.Error() != `strategy "threebp": want twobp or onebp` {
		t.Errorf("threebp: %v", err)
	}
	var o Optimizer
	if err := o.UnmarshalText([]byte("sparse-adam")); err != nil || o != SparseAdam {
		t.Errorf("sparse-adam: %v, %v", o, err)
	}
	for _, a := range []Aggregation{Reference, Sequential} {
		b, _ := a.MarshalText()
		var back Aggregation
		if err := back.UnmarshalText(b); err != nil || back != a {
			t.Errorf("%v does not read back: %v %v", a, back, err)
		}
	}
}

// TestConfigFields: every JSON field of Config is listed, in order, with
// exact values; Workers is not (it never changes a result); JSON round
// trips.
func TestConfigFields(t *testing.T) {
	lr := 0.1
	lr += 0.2 // 0.30000000000000004
	c := Config{Strategy: OneBP, Seed: 7, Dim: 16, LR: lr, L2: 1e-5, Beta: 0.99, Negatives: 5, Batch: 256,
		Temperature: 1, Epochs: 3, Optimizer: SparseAdam, Aggregation: Sequential, Workers: 4}
	var names []string
	for _, f := range c.Fields() {
		names = append(names, f.Name)
	}
	want := []string{"strategy", "seed", "dim", "lr", "l2", "beta", "negatives", "batch", "temperature", "epochs", "optimizer", "aggregation"}
	if !slices.Equal(names, want) {
		t.Errorf("fields %v, want %v", names, want)
	}
	if h := c.Hyperparameters(); len(h) != len(want)-1 || h[0].Name != "seed" {
		t.Errorf("hyper-parameters %v: want Fields without the strategy", h)
	}
	if f := c.Fields()[3]; f.Value != "0.30000000000000004" {
		t.Errorf("lr written as %q: not exact", f.Value)
	}
	if f := c.Fields()[10]; f.Value != "sparse-adam" {
		t.Errorf("optimizer written as %q", f.Value)
	}
	b, err := json.Marshal(c)
	if err != nil || strings.Contains(string(b), "orkers") || !strings.Contains(string(b), `"strategy":"onebp"`) {
		t.Fatalf("JSON %s, %v", b, err)
	}
	var back Config
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	c.Workers = 0
	if !reflect.DeepEqual(back, c) {
		t.Errorf("JSON round trip: %+v, want %+v", back, c)
	}
	other := c
	other.Dim, other.Epochs, other.Workers = 32, 9, 1
	if d := Differences(c, other); !slices.Equal(d, []Difference{{"dim", "16", "32"}, {"epochs", "3", "9"}}) {
		t.Errorf("differences %v", d)
	}
	if d := Differences(c.Model(), other.Model()); len(d) != 1 || d[0].String() != "dim 16 -> 32" {
		t.Errorf("Model() must clear epochs and workers only: %v", d)
	}
}

// TestConfigSet: a field is set by its record name from its record
// spelling, and checked; unknown names list the known ones.
func TestConfigSet(t *testing.T) {
	c := Config{Strategy: OneBP, Dim: 8, LR: 1e-3, Beta: 0.9, Negatives: 1, Batch: 4, Temperature: 1}
	for _, kv := range [][2]string{{"dim", "16"}, {"lr", "0.002"}, {"seed", "7"}, {"optimizer", "sparse-adam"}, {"beta", "0.97"}} {
		if err := c.Set(kv[0], kv[1]); err != nil {
			t.Fatalf("Set(%s, %s): %v", kv[0], kv[1], err)
		}
	}
	if c.Dim != 16 || c.LR != 0.002 || c.Seed != 7 || c.Optimizer != SparseAdam || c.Beta != 0.97 {
		t.Errorf("after Set: %+v", c)
	}
	for _, c2 := range []struct{ name, value, want string }{
		{"dim", "0", "dim 0: want at least 1"},
		{"beta", "1.5", "beta 1.5: want 0 <= beta < 1"},
		{"lr", "fast", `lr "fast": want a number`},
		{"depth", "3", `name "depth": want one of strategy, seed, dim, lr, l2, beta, negatives, batch, temperature, epochs, optimizer, aggregation`},
	} {
		cc := c
		if err := cc.Set(c2.name, c2.value); err == nil || err.Error() != c2.want {
			t.Errorf("Set(%s, %s): %v, want %q", c2.name, c2.value, err, c2.want)
		}
	}
	if (Config{Strategy: TwoBP}).Applies("beta") || !(Config{Strategy: TwoBP}).Applies("lr") || !(Config{Strategy: OneBP}).Applies("beta") {
		t.Error("Applies: beta is OneBP's only")
	}
}
