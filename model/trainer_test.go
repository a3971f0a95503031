package model

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"onebp/data"
	"onebp/internal/prng"
)

// tinyDataset has 3 users and 9 items; user 0 has most of the 7 training
// pairs, so batches repeat users, and items repeat across rows.
func tinyDataset() *data.Dataset {
	d := &data.Dataset{
		Name: "tiny", Users: 3, Items: 9,
		Train:       data.CSR{Offsets: []int{0, 4, 6, 7}, Items: []int32{0, 1, 2, 5, 2, 3, 4}},
		Test:        data.CSR{Offsets: []int{0, 1, 2, 3}, Items: []int32{3, 8, 0}},
		Fingerprint: "tiny",
	}
	return d
}

func tinyConfig(s Strategy) Config {
	return Config{Strategy: s, Dim: 4, LR: 0.01, L2: 0.05, Beta: 0.7, Negatives: 3, Batch: 3,
		Temperature: 0.7, Epochs: 1, Seed: 11, Workers: 2}
}

func syntheticDataset(t testing.TB) *data.Dataset {
	d, err := data.SyntheticSpec{Users: 300, Items: 400, Interactions: 12000, Seed: 5}.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newTrainer(t testing.TB, d *data.Dataset, cfg Config) *Trainer {
	tr, err := NewTrainer(d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tr.Close)
	return tr
}

func toFloat64(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// batchLoss is the InfoNCE loss (DESIGN.md, "Loss and gradients") of one batch in float64, for the given
// candidates (row r's are cand[r*k:(r+1)*k], the positive first).
func batchLoss(users, items []float64, dim int, rowUser, cand []int32, k int, tau float64) float64 {
	total := 0.0
	for r, u := range rowUser {
		eu := users[int(u)*dim : int(u+1)*dim]
		s := make([]float64, k)
		for j := range k {
			v := items[int(cand[r*k+j])*dim : int(cand[r*k+j]+1)*dim]
			for d := range dim {
				s[j] += eu[d] * v[d]
			}
			s[j] /= tau
		}
		sum := 0.0
		for j := range k {
			sum += math.Exp(s[j])
		}
		total += -math.Log(math.Exp(s[0]) / sum)
	}
	return total / float64(len(rowUser))
}

// TestGradientsMatchFiniteDifferences checks the analytic item and user
// gradients against central differences of the float64 loss.
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	d := tinyDataset()
	for _, s := range []Strategy{TwoBP, OneBP} {
		tr := newTrainer(t, d, tinyConfig(s))
		tr.rows = tr.pairs[1:4] // user 0 twice and user 1; item 2 is positive twice
		tr.pool.run(tr.cfg.Batch, tr.phases.forward)
		rowUser := []int32{tr.rowUser(0), tr.rowUser(1), tr.rowUser(2)}
		tr.itemGradientsFor(0, 0, d.Items)
		if s == TwoBP {
			tr.userGradientsFor(0, d.Users)
		}
		k, dim, tau := 1+tr.cfg.Negatives, tr.cfg.Dim, tr.cfg.Temperature
		users, items := toFloat64(tr.Users.Data), toFloat64(tr.Items.Data)
		loss := batchLoss(users, items, dim, rowUser, tr.cand, k, tau)
		got := 0.0
		for _, l := range tr.rowLoss {
			got += l
		}
		if math.Abs(got/3-loss) > 1e-6 {
			t.Errorf("%v: loss %v, float64 %v", s, got/3, loss)
		}
		check := func(what string, tab []float64, grad []float32) {
			const h = 1e-5
			for i := range tab {
				orig := tab[i]
				tab[i] = orig + h
				up := batchLoss(users, items, dim, rowUser, tr.cand, k, tau)
				tab[i] = orig - h
				down := batchLoss(users, items, dim, rowUser, tr.cand, k, tau)
				tab[i] = orig
				want := (up - down) / (2 * h)
				if math.Abs(float64(grad[i])-want) > 1e-6+1e-4*math.Abs(want) {
					t.Errorf("%v: %s gradient [%d] = %v, finite difference %v", s, what, i, grad[i], want)
				}
			}
		}
		check("item", items, tr.itemAdam.grad.Data)
		if s == TwoBP {
			check("user", users, tr.userAdam.grad.Data)
		}
	}
}

// adamRef is one textbook Adam step in float64 with L2 weight decay added
// to the gradient.
func adamRef(p, g, m, v []float64, lr, wd float64, step int) {
	for i := range p {
		gi := g[i] + wd*p[i]
		m[i] = AdamBeta1*m[i] + (1-AdamBeta1)*gi
		v[i] = AdamBeta2*v[i] + (1-AdamBeta2)*gi*gi
		mHat := m[i] / (1 - math.Pow(AdamBeta1, float64(step)))
		vHat := v[i] / (1 - math.Pow(AdamBeta2, float64(step)))
		p[i] -= lr * mHat / (math.Sqrt(vHat) + AdamEps)
	}
}

// TestEpochFollowsSpec replays one epoch step by step from DESIGN.md's formulas
// in float64 (shuffle, drop-last, InfoNCE gradients, dense or sparse Adam,
// OneBP's aggregation with a repeated user) and compares the tables.
func TestEpochFollowsSpec(t *testing.T) {
	d := tinyDataset()
	for _, c := range []struct {
		s   Strategy
		opt Optimizer
		agg Aggregation
	}{{TwoBP, DenseAdam, Reference}, {TwoBP, SparseAdam, Reference}, {OneBP, DenseAdam, Reference},
		{OneBP, DenseAdam, Sequential}, {OneBP, SparseAdam, Reference}} {
		cfg := tinyConfig(c.s)
		cfg.Optimizer, cfg.Aggregation = c.opt, c.agg
		tr := newTrainer(t, d, cfg)
		dim, k, B := cfg.Dim, 1+cfg.Negatives, cfg.Batch
		users, items := toFloat64(tr.Users.Data), toFloat64(tr.Items.Data)
		um, uv := make([]float64, len(users)), make([]float64, len(users))
		im, iv := make([]float64, len(items)), make([]float64, len(items))

		stats, err := tr.Epoch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if stats.Batches != 2 || stats.Samples != 6 {
			t.Fatalf("%+v: 7 pairs in batches of 3 must give 2 batches, the 7th pair dropped", stats)
		}

		order := slices.Clone(tr.pairs)
		prng.Shuffle(prng.New(cfg.Seed, prng.ForShuffle, 0), len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		sawRepeat := false
		for b := range 2 {
			rowUser := make([]int32, B)
			cand := make([]int32, B*k)
			for r := range B {
				pair := order[b*B+r]
				rowUser[r], cand[r*k] = int32(pair>>32), int32(uint32(pair))
				tr.sampler.sample(prng.New(cfg.Seed, prng.ForNegatives, 0, uint64(b*B+r)), rowUser[r], cand[r*k+1:(r+1)*k])
				if slices.Contains(rowUser[:r], rowUser[r]) {
					sawRepeat = true
				}
			}
			// Gradients by central differences of the float64 loss would
			// do, but the closed form is DESIGN.md's: dL/dv_j = dL/ds_j e_u/tau.
			gu, gi := make([]float64, len(users)), make([]float64, len(items))
			touchedU, touchedI := map[int]bool{}, map[int]bool{}
			for r, u := range rowUser {
				eu := users[int(u)*dim : int(u+1)*dim]
				s := make([]float64, k)
				sum := 0.0
				for j := range k {
					v := items[int(cand[r*k+j])*dim : int(cand[r*k+j]+1)*dim]
					for x := range dim {
						s[j] += eu[x] * v[x]
					}
					s[j] = math.Exp(s[j] / cfg.Temperature)
					sum += s[j]
				}
				for j := range k {
					ds := s[j] / sum / float64(B)
					if j == 0 {
						ds -= 1 / float64(B)
					}
					i := int(cand[r*k+j])
					touchedI[i], touchedU[int(u)] = true, true
					for x := range dim {
						gi[i*dim+x] += ds * eu[x] / cfg.Temperature
						gu[int(u)*dim+x] += ds * items[i*dim+x] / cfg.Temperature
					}
				}
			}
			step := func(p, g, m, v []float64, touched map[int]bool) {
				for row := range len(p) / dim {
					if c.opt == SparseAdam && !touched[row] {
						continue
					}
					sl := func(x []float64) []float64 { return x[row*dim : (row+1)*dim] }
					adamRef(sl(p), sl(g), sl(m), sl(v), cfg.LR, cfg.L2, b+1)
				}
			}
			step(items, gi, im, iv, touchedI)
			if c.s == TwoBP {
				step(users, gu, um, uv, touchedU)
				continue
			}
			// OneBP: gather, compute from the pre-batch rows, scatter (the
			// last row wins); or apply the rows in order.
			before := slices.Clone(users)
			for r, u := range rowUser {
				pos := int(cand[r*k])
				for x := range dim {
					from := before[int(u)*dim+x]
					if c.agg == Sequential {
						from = users[int(u)*dim+x]
					}
					users[int(u)*dim+x] = cfg.Beta*from + (1-cfg.Beta)*items[pos*dim+x]
				}
			}
		}
		if !sawRepeat {
			t.Fatalf("%v: the test data gave no batch with a repeated user", c)
		}
		compare := func(what string, got []float32, want []float64) {
			for i := range want {
				if math.Abs(float64(got[i])-want[i]) > 2e-6+1e-5*math.Abs(want[i]) {
					t.Errorf("%v %v %v: %s[%d] = %v, DESIGN.md step by step gives %v", c.s, c.opt, c.agg, what, i, got[i], want[i])
					return
				}
			}
		}
		compare("users", tr.Users.Data, users)
		compare("items", tr.Items.Data, items)
	}
}

func tableBytes(tabs ...Table) []byte {
	var b bytes.Buffer
	for _, tab := range tabs {
		binary.Write(&b, binary.LittleEndian, tab.Data)
	}
	return b.Bytes()
}

// trainBytes trains for the given epochs and returns the tables' bytes and
// the losses.
func trainBytes(t *testing.T, d *data.Dataset, cfg Config, epochs int) ([]byte, []float64) {
	tr := newTrainer(t, d, cfg)
	var losses []float64
	for range epochs {
		st, err := tr.Epoch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		losses = append(losses, st.Loss)
	}
	return tableBytes(tr.Users, tr.Items), losses
}

func syntheticConfig(s Strategy) Config {
	return Config{Strategy: s, Dim: 16, LR: 1e-2, L2: 1e-5, Beta: 0.9, Negatives: 5, Batch: 256,
		Temperature: 1, Epochs: 3, Seed: 3}
}

func TestDeterministicAcrossWorkers(t *testing.T) {
	d := syntheticDataset(t)
	for _, s := range []Strategy{OneBP, TwoBP} {
		for _, opt := range []Optimizer{DenseAdam, SparseAdam, lazyDenseAdam} {
			cfg := syntheticConfig(s)
			cfg.Optimizer = opt
			if opt == lazyDenseAdam {
				cfg.Optimizer, cfg.L2 = DenseAdam, 0
			}
			var first []byte
			var firstLoss []float64
			for _, w := range []int{1, 2, 8} {
				cfg.Workers = w
				b, losses := trainBytes(t, d, cfg, 3)
				if first == nil {
					first, firstLoss = b, losses
					continue
				}
				if !bytes.Equal(b, first) || !slices.Equal(losses, firstLoss) {
					t.Errorf("%v %v: %d workers give different tables or losses than 1", s, opt, w)
				}
			}
			again, _ := trainBytes(t, d, cfg, 3)
			if !bytes.Equal(again, first) {
				t.Errorf("%v %v: the same run twice gave different bytes", s, opt)
			}
			cfg.Seed++
			if other, _ := trainBytes(t, d, cfg, 3); bytes.Equal(other, first) {
				t.Errorf("%v %v: seeds %d and %d gave the same tables", s, opt, cfg.Seed-1, cfg.Seed)
			}
		}
	}
}

// lazyDenseAdam stands, in test tables, for DenseAdam without weight
// decay, which runs lazily.
const lazyDenseAdam Optimizer = -1

func TestCheckpointResume(t *testing.T) {
	d := syntheticDataset(t)
	dir := t.TempDir()
	for _, s := range []Strategy{OneBP, TwoBP} {
		cfg := syntheticConfig(s)
		straight, _ := trainBytes(t, d, cfg, 4)

		first := newTrainer(t, d, cfg)
		for range 2 {
			if _, err := first.Epoch(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(dir, s.String()+".ckpt")
		if err := first.SaveCheckpoint(path, json.RawMessage(`{"epochs":[1,2]}`)); err != nil {
			t.Fatal(err)
		}
		cfg.Workers = 3 // resuming with other workers changes nothing
		resumed := newTrainer(t, d, cfg)
		if note, err := resumed.LoadCheckpoint(path); err != nil || string(note) != `{"epochs":[1,2]}` {
			t.Fatalf("note %s, %v", note, err)
		}
		if resumed.EpochsDone() != 2 {
			t.Fatalf("resumed at epoch %d, want 2", resumed.EpochsDone())
		}
		for range 2 {
			if _, err := resumed.Epoch(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(tableBytes(resumed.Users, resumed.Items), straight) {
			t.Errorf("%v: 2 epochs, checkpoint, 2 epochs differs from 4 epochs", s)
		}
	}

	cfg := syntheticConfig(OneBP)
	tr := newTrainer(t, d, cfg)
	path := filepath.Join(dir, "ref.ckpt")
	if err := tr.SaveCheckpoint(path, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		edit func(*Config, **data.Dataset)
		want string
	}{
		{"dim", func(c *Config, _ **data.Dataset) { c.Dim = 8 }, "it was saved with dim 16, this run has 8"},
		{"strategy", func(c *Config, _ **data.Dataset) { c.Strategy = TwoBP }, "it was saved with strategy onebp, this run has twobp"},
		{"dataset", func(_ *Config, d **data.Dataset) {
			other, _ := data.SyntheticSpec{Users: 300, Items: 400, Interactions: 12000, Seed: 6}.Generate()
			*d = other
		}, "it was saved with dataset fingerprint"},
	} {
		c2, d2 := cfg, d
		c.edit(&c2, &d2)
		other := newTrainer(t, d2, c2)
		if _, err := other.LoadCheckpoint(path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		}
	}
	info, err := ReadCheckpointInfo(path)
	if err != nil || info.EpochsDone != tr.EpochsDone() || info.Check(d, cfg) != nil {
		t.Errorf("checkpoint info %+v, %v; check: %v", info, err, info.Check(d, cfg))
	}
	if c2 := cfg; true {
		c2.Dim = 8
		if err := info.Check(d, c2); err == nil || !strings.Contains(err.Error(), "dim 16") {
			t.Errorf("info check with another dim: %v", err)
		}
	}
	raw, _ := os.ReadFile(path)
	flip := func(at int) []byte {
		b := slices.Clone(raw)
		b[at] ^= 1
		return b
	}
	fresh := newTrainer(t, d, cfg)
	before := slices.Clone(fresh.Items.Data)
	for name, damaged := range map[string][]byte{
		"flipped header byte": flip(100),
		"flipped table byte":  flip(len(raw) - 40),
		"flipped checksum":    flip(len(raw) - 1),
		"truncated":           raw[:len(raw)/2],
		"one byte short":      raw[:len(raw)-1],
		"not ours":            []byte("hello, world, this is not a checkpoint at all......"),
	} {
		bad := filepath.Join(dir, "bad.ckpt")
		os.WriteFile(bad, damaged, 0o644)
		if _, err := fresh.LoadCheckpoint(bad); err == nil || !strings.HasPrefix(err.Error(), "checkpoint "+bad+": ") {
			t.Errorf("%s: %v", name, err)
		}
		if !slices.Equal(fresh.Items.Data, before) || fresh.EpochsDone() != 0 {
			t.Errorf("%s: a failed load changed the trainer", name)
		}
	}
}

func TestDivergenceStops(t *testing.T) {
	d := syntheticDataset(t)
	tr := newTrainer(t, d, syntheticConfig(OneBP))
	tr.Items.Row(7)[0] = float32(math.Inf(1))
	_, err := tr.Epoch(context.Background())
	if err == nil || !strings.HasPrefix(err.Error(), "epoch 1, batch ") || !strings.Contains(err.Error(), "diverged") {
		t.Fatalf("an infinite embedding: %v", err)
	}
	tr2 := newTrainer(t, d, syntheticConfig(TwoBP))
	tr2.cfg.LR = 1e30 // Adam's steps overflow the table
	tr2.Users.Row(0)[0] = 1e38
	if _, err := tr2.Epoch(context.Background()); err == nil || !strings.Contains(err.Error(), "diverged") {
		t.Fatalf("overflow: %v", err)
	}
}

func TestNoAllocationsPerBatch(t *testing.T) {
	d := syntheticDataset(t)
	for _, c := range []struct {
		s  Strategy
		l2 float64 // 0: lazy dense Adam
	}{{OneBP, 1e-5}, {TwoBP, 1e-5}, {OneBP, 0}, {TwoBP, 0}} {
		s := c.s
		cfg := syntheticConfig(s)
		cfg.Workers, cfg.L2 = 2, c.l2
		tr := newTrainer(t, d, cfg)
		copy(tr.order, tr.pairs)
		tr.rows = tr.order[:cfg.Batch]
		allocs := testing.AllocsPerRun(20, func() {
			if _, err := tr.trainBatch(); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%v: %v allocations per batch", s, allocs)
		}
	}
}

// TestWorkerScratchOwnsItsLines: what a worker writes for every training
// row starts at a cache line and fills whole lines, so two workers never
// write to one line.
func TestWorkerScratchOwnsItsLines(t *testing.T) {
	cfg := syntheticConfig(OneBP)
	cfg.Workers = 3
	tr := newTrainer(t, syntheticDataset(t), cfg)
	for w, ws := range tr.workers {
		for _, b := range []struct {
			what  string
			start unsafe.Pointer
			bytes uintptr
		}{
			{"random source", unsafe.Pointer(ws.src), cacheLine},
			{"scores", unsafe.Pointer(unsafe.SliceData(ws.scores)), uintptr(cap(ws.scores)) * 8},
			{"dots", unsafe.Pointer(unsafe.SliceData(ws.dots)), uintptr(cap(ws.dots)) * 4},
		} {
			if uintptr(b.start)%cacheLine != 0 || b.bytes%cacheLine != 0 {
				t.Errorf("worker %d's %s: %d bytes at %#x, not whole %d-byte lines", w, b.what, b.bytes, b.start, cacheLine)
			}
		}
	}
}

func TestOneBPStateIsSmaller(t *testing.T) {
	d := syntheticDataset(t)
	one := newTrainer(t, d, syntheticConfig(OneBP)).StateBytes()
	two := newTrainer(t, d, syntheticConfig(TwoBP)).StateBytes()
	userTable := int64(d.Users * 16 * 4)
	// TwoBP keeps the user gradient (and its stamps) and two user moments;
	// OneBP keeps one stamp per user instead.
	if diff := two.Total() - one.Total(); diff != 3*userTable {
		t.Errorf("TwoBP - OneBP state = %d bytes, want 3 user tables = %d", diff, 3*userTable)
	}
	if one.Tables != two.Tables {
		t.Errorf("tables differ: %d vs %d", one.Tables, two.Tables)
	}
}
