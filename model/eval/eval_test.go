package eval

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"onebp/data"
	"onebp/internal/datatest"
	"onebp/model"
)

func csr(rows ...[]int32) data.CSR {
	c := data.CSR{Offsets: []int{0}}
	for _, r := range rows {
		c.Items = append(c.Items, r...)
		c.Offsets = append(c.Offsets, len(c.Items))
	}
	return c
}

func table(rows, dim int, values ...float32) model.Table {
	return model.Table{Rows: rows, Dim: dim, Data: values}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

// TestHandComputed: scores are the item values (dim 1, users all 1).
// User 0 has a tie at the top and a test item at rank 5; user 1's training
// items would fill the top, leaving only two candidates; user 2 has no test
// item; user 3 has more test items than K and hits everywhere.
func TestHandComputed(t *testing.T) {
	d := &data.Dataset{
		Users: 4, Items: 6,
		Train: csr([]int32{0}, []int32{1, 2, 3, 5}, nil, nil),
		Test:  csr([]int32{2, 4}, []int32{0}, nil, []int32{0, 1, 2, 3, 4, 5}),
	}
	e, err := New(d, []int{5, 1, 2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Evaluate(table(4, 1, 1, 1, 1, 1), table(6, 1, 0.9, 0.8, 0.8, 0.5, 0.1, 0.7))
	if err != nil {
		t.Fatal(err)
	}
	g := func(r int) float64 { return 1 / math.Log2(float64(r)+1) } // gain of rank r
	perUser := map[int32][]float64{
		// precision@1,2,5, recall@1,2,5, f1@1,2,5, ndcg@1,2,5
		0: {0, 0.5, 0.4, 0, 0.5, 1, 0, 0.5, 4.0 / 7, 0, g(2) / (g(1) + g(2)), (g(2) + g(5)) / (g(1) + g(2))},
		1: {1, 0.5, 0.2, 1, 1, 1, 1, 2.0 / 3, 2.0 / 6, 1, 1, 1},
		3: {1, 1, 1, 1.0 / 6, 2.0 / 6, 5.0 / 6, 2.0 / 7, 4.0 / 8, 10.0 / 11, 1, 1, 1},
	}
	if !slices.Equal(res.Users, []int32{0, 1, 3}) {
		t.Fatalf("evaluated users %v, want 0, 1, 3", res.Users)
	}
	names := res.Names()
	for k, u := range res.Users {
		for m, want := range perUser[u] {
			if got := res.PerUser[k*12+m]; !near(got, want) {
				t.Errorf("user %d %s = %v, want %v", u, names[m], got, want)
			}
		}
	}
	for m, name := range names {
		want := (perUser[0][m] + perUser[1][m] + perUser[3][m]) / 3
		if got, _ := res.Get(name); !near(got, want) {
			t.Errorf("mean %s = %v, want %v", name, got, want)
		}
	}
	if names[0] != "precision_at_1" || names[11] != "ndcg_at_5" {
		t.Errorf("names %v", names)
	}
}

// randomCase makes a dataset and tables; with ties, embeddings are small
// integers so that many scores are equal.
func randomCase(r *rand.Rand, users, items, dim int, ties bool) (*data.Dataset, model.Table, model.Table) {
	var train, test [][]int32
	for range users {
		var tr, te []int32
		for i := range items {
			switch x := r.Float64(); {
			case x < 0.15:
				tr = append(tr, int32(i))
			case x < 0.25:
				te = append(te, int32(i))
			}
		}
		train, test = append(train, tr), append(test, te)
	}
	fill := func(rows int) model.Table {
		t := model.NewTable(rows, dim)
		for i := range t.Data {
			if ties {
				t.Data[i] = float32(r.IntN(3) - 1)
			} else {
				t.Data[i] = float32(r.NormFloat64())
			}
		}
		return t
	}
	d := &data.Dataset{Users: users, Items: items, Train: csr(train...), Test: csr(test...)}
	return d, fill(users), fill(items)
}

// bruteForce ranks by a full sort of the plain-order float32 scores and
// computes the metrics with DESIGN.md's formulas; ok is false for users without
// test items.
func bruteForce(d *data.Dataset, U, V model.Table, u int, ks []int) (vals []float64, ok bool) {
	test := d.Test.Row(u)
	if len(test) == 0 {
		return nil, false
	}
	type cand struct {
		s float32
		i int
	}
	var list []cand
	for i := range d.Items {
		if slices.Contains(d.Train.Row(u), int32(i)) {
			continue
		}
		var s float32
		for k := range U.Dim {
			s += float32(U.Row(u)[k] * V.Row(i)[k])
		}
		list = append(list, cand{s, i})
	}
	slices.SortFunc(list, func(a, b cand) int {
		switch {
		case a.s > b.s:
			return -1
		case a.s < b.s:
			return 1
		}
		return a.i - b.i
	})
	T := float64(len(test))
	vals = make([]float64, 4*len(ks))
	for x, K := range ks {
		hits, dcg, idcg := 0.0, 0.0, 0.0
		for r := 0; r < K; r++ {
			if r < len(list) && slices.Contains(test, int32(list[r].i)) {
				hits++
				dcg += 1 / math.Log2(float64(r)+2)
			}
			if r < len(test) {
				idcg += 1 / math.Log2(float64(r)+2)
			}
		}
		n := len(ks)
		vals[x], vals[n+x], vals[2*n+x], vals[3*n+x] = hits/float64(K), hits/T, 2*hits/(T+float64(K)), dcg/idcg
	}
	return vals, true
}

func TestMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for c := range 12 {
		users, items, dim := 5+r.IntN(200), 3+r.IntN(60), 1+r.IntN(9)
		ties := c%2 == 0
		d, U, V := randomCase(r, users, items, dim, ties)
		ks := []int{1, 3, 5, 10, 20}
		e, err := New(d, ks, 3)
		if err != nil {
			t.Fatal(err)
		}
		e.chunk = 16 * (1 + c%3) // several chunks per user
		res, err := e.Evaluate(U, V)
		if err != nil {
			t.Fatal(err)
		}
		k := 0
		for u := range users {
			want, ok := bruteForce(d, U, V, u, ks)
			if !ok {
				continue
			}
			if res.Users[k] != int32(u) {
				t.Fatalf("case %d: user %d missing", c, u)
			}
			for m := range want {
				got := res.PerUser[k*len(want)+m]
				exact := m < len(ks) // precision is hits/K: exactly equal
				if exact && got != want[m] || !near(got, want[m]) {
					t.Fatalf("case %d (ties %v) user %d: %s = %v, brute force %v", c, ties, u, res.Names()[m], got, want[m])
				}
			}
			k++
		}
		if k != len(res.Users) {
			t.Fatalf("case %d: %d users evaluated, brute force has %d", c, len(res.Users), k)
		}
	}
}

func TestWorkersGiveSameMeans(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	d, U, V := randomCase(r, 1000, 300, 16, false)
	var first Result
	for _, w := range []int{1, 2, 8} {
		e, _ := New(d, nil, w)
		res, err := e.Evaluate(U, V)
		if err != nil {
			t.Fatal(err)
		}
		if w == 1 {
			first = res
			continue
		}
		if !slices.Equal(res.Values, first.Values) || !slices.Equal(res.PerUser, first.PerUser) {
			t.Errorf("%d workers give different metrics than 1", w)
		}
	}
	// A second evaluation with the same evaluator reuses its buffers.
	e, _ := New(d, nil, 2)
	a, _ := e.Evaluate(U, V)
	b, _ := e.Evaluate(U, V)
	if !slices.Equal(a.Values, b.Values) {
		t.Error("evaluating twice gave different metrics")
	}
}

// TestAuthorsProtocol re-implements the OneBP authors' evaluation
// (evaluation.py: score matrix, training entries lowered by 1000, top-k,
// their formulas with recall's +1e-8 and the mean over users with test
// items) and compares it with ours on onebp-ml100k with a random model.
func TestAuthorsProtocol(t *testing.T) {
	d := datatest.LoadOrSkip(t, "onebp-ml100k")
	U, V := model.NewTable(d.Users, 32), model.NewTable(d.Items, 32)
	U.XavierNormal(7, 0, 2)
	V.XavierNormal(7, 1, 2)
	e, _ := New(d, nil, 2)
	ours, err := e.Evaluate(U, V)
	if err != nil {
		t.Fatal(err)
	}
	type cand struct {
		s float32
		i int
	}
	sums := make([]float64, 12)
	counted := 0
	row := make([]cand, d.Items)
	for u := range d.Users {
		for i := range d.Items {
			var s float32
			for k := range 32 {
				s += float32(U.Row(u)[k] * V.Row(i)[k])
			}
			if slices.Contains(d.Train.Row(u), int32(i)) {
				s += -1000
			}
			row[i] = cand{s, i}
		}
		slices.SortStableFunc(row, func(a, b cand) int {
			if a.s > b.s {
				return -1
			} else if a.s < b.s {
				return 1
			}
			return 0
		})
		test := d.Test.Row(u)
		label := float64(len(test))
		if label > 0 {
			counted++
		}
		for x, k := range []int{5, 10, 20} {
			hits, dcg, idcg := 0.0, 0.0, 0.0
			for r := range k {
				disc := 1 / (math.Log(float64(r+2)) / math.Log(2))
				if slices.Contains(test, int32(row[r].i)) {
					hits++
					dcg += disc
				}
				if float64(r) < label {
					idcg += disc
				}
			}
			sums[x] += hits / float64(k)
			sums[3+x] += hits / (label + 1e-8)
			sums[6+x] += 2 * hits / (label + float64(k))
			if idcg > 0 {
				sums[9+x] += dcg / idcg
			}
		}
	}
	for m, name := range ours.Names() {
		want := sums[m] / float64(counted)
		if math.Abs(ours.Values[m]-want) > 1e-9 {
			t.Errorf("%s = %.12f, the authors' protocol gives %.12f", name, ours.Values[m], want)
		}
	}
}

func TestRejectsBadTables(t *testing.T) {
	d := &data.Dataset{Users: 1, Items: 2, Train: csr(nil), Test: csr([]int32{1})}
	e, _ := New(d, nil, 1)
	if _, err := e.Evaluate(table(1, 1, float32(math.NaN())), table(2, 1, 1, 2)); err == nil {
		t.Error("a NaN embedding was evaluated")
	}
	if _, err := e.Evaluate(table(1, 1, 1), table(3, 1, 1, 2, 3)); err == nil {
		t.Error("an item table of the wrong size was evaluated")
	}
	if _, err := New(d, []int{0}, 1); err == nil {
		t.Error("K = 0 accepted")
	}
}

// TestJointEqualsSeparate: one pass over a test split and its validation
// split (some users in only one of them) gives each split exactly what
// its own evaluator gives, for any number of workers.
func TestJointEqualsSeparate(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for c := range 6 {
		d, U, V := randomCase(r, 50+r.IntN(300), 20+r.IntN(80), 1+r.IntN(12), c%2 == 0)
		// User 0 has no training item, so no validation item; user 1 no
		// test item: each is evaluated in one split only.
		train, test := rowsOf(d.Train), rowsOf(d.Test)
		train[0], test[1] = nil, nil
		d.Train, d.Test = csr(train...), csr(test...)
		val, err := d.HoldOut(0.3, uint64(c))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []int{1, 3} {
			joint, err := NewJoint([]*data.Dataset{d, val}, nil, w)
			if err != nil {
				t.Fatal(err)
			}
			joint.chunk = 16 * (1 + c%3)
			both, err := joint.EvaluateAll(U, V)
			if err != nil {
				t.Fatal(err)
			}
			if n := joint.Users(); n == len(both[0].Users) || n == len(both[1].Users) {
				t.Fatalf("case %d: no user in one split only (%d users, %d and %d per split)", c, n, len(both[0].Users), len(both[1].Users))
			}
			for k, split := range []*data.Dataset{d, val} {
				alone, _ := New(split, nil, 1)
				alone.chunk = joint.chunk
				want, err := alone.Evaluate(U, V)
				if err != nil {
					t.Fatal(err)
				}
				got := both[k]
				if !slices.Equal(got.Users, want.Users) || !slices.Equal(got.Values, want.Values) || !slices.Equal(got.PerUser, want.PerUser) {
					t.Fatalf("case %d, %d workers, split %d: joint evaluation differs from its own", c, w, k)
				}
			}
		}
	}
	if _, err := NewJoint(nil, nil, 1); err == nil {
		t.Error("no split: no error")
	}
	a := &data.Dataset{Users: 1, Items: 2, Train: csr(nil), Test: csr([]int32{0})}
	b := &data.Dataset{Users: 1, Items: 3, Train: csr(nil), Test: csr([]int32{0})}
	if _, err := NewJoint([]*data.Dataset{a, b}, nil, 1); err == nil {
		t.Error("splits of different items: no error")
	}
}

func rowsOf(c data.CSR) [][]int32 {
	var rows [][]int32
	for u := range c.Rows() {
		rows = append(rows, c.Row(u))
	}
	return rows
}
