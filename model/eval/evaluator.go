package eval

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"onebp/data"
	"onebp/model"
	"onebp/model/detmath"
	"onebp/model/f32"
)

// Users are evaluated in blocks of blockUsers, and each block is scored
// against chunkItems items at a time, so that the tile of scores stays in
// the L2 cache while its top K are selected. Memory is workers x block x
// chunk scores, never users x items.
const (
	blockUsers = 96
	chunkItems = 512 // a multiple of f32.ScoresAlign
)

// An Evaluator ranks items for the evaluated users of one or more splits
// of the same items (a test split and its validation split), scoring each
// user against every item once for all of them. It keeps its buffers
// between evaluations; it is not safe for concurrent use.
type Evaluator struct {
	sets     []heldOut
	items    int
	users    []int32 // users with a held-out item in some split, ascending
	ks       []int
	kmax     int
	workers  int
	discount []float64 // discount[r] = 1/log2(r+2), the gain of rank r+1
	chunk    int       // items scored at a time (tests make it small)
	panel    f32.Panel
	scratch  []*workerScratch
}

// heldOut is one split: its training items are masked, its test items are
// the relevant ones.
type heldOut struct {
	train, test data.CSR
	users       []int32 // users with at least one test item, ascending
	index       []int32 // index[k]: Evaluator.users[k]'s position in users, or -1
}

// evaluates says whether the split evaluates user u: u has a test item.
func (h *heldOut) evaluates(u int) bool { return u < h.test.Rows() && len(h.test.Row(u)) > 0 }

type workerScratch struct {
	block  []float32 // blockUsers user rows
	tile   []float32 // blockUsers x chunk scores
	row    []float32 // one user's chunk of scores, masked for one split
	top    []topK    // top[s*blockUsers+j]: split s, the block's user j
	next   []int     // next[s*blockUsers+j]: the next training item to mask
	isTest []bool    // by item, set for the current user's test items
}

// Result is one evaluation: the mean metrics and every test user's own.
type Result struct {
	Metrics
	// Users are the evaluated users (at least one test item), ascending;
	// PerUser[u*len(Values)+m] is user Users[u]'s value of metric m.
	Users   []int32
	PerUser []float64
}

// New prepares an evaluator for d with cut-offs ks (DefaultKs when nil)
// and the given number of worker goroutines (at least 1).
func New(d *data.Dataset, ks []int, workers int) (*Evaluator, error) {
	return NewJoint([]*data.Dataset{d}, ks, workers)
}

// NewJoint prepares one evaluator for several splits of the same users
// and items (a dataset and the validation split it trains on), whose
// results EvaluateAll returns in the same order. Each split's results are
// those New would give for it alone, at the cost of scoring once.
func NewJoint(splits []*data.Dataset, ks []int, workers int) (*Evaluator, error) {
	if ks == nil {
		ks = DefaultKs
	}
	ks = slices.Clone(ks)
	slices.Sort(ks)
	if len(ks) == 0 || ks[0] < 1 {
		return nil, fmt.Errorf("eval: cut-offs %v: want positive integers", ks)
	}
	if len(splits) == 0 {
		return nil, fmt.Errorf("eval: no split to evaluate")
	}
	e := &Evaluator{items: splits[0].Items, ks: slices.Compact(ks), workers: max(1, workers), chunk: chunkItems}
	e.kmax = e.ks[len(e.ks)-1]
	rows := 0
	for _, d := range splits {
		if d.Items != e.items {
			return nil, fmt.Errorf("eval: split %q has %d items, want %d as the first", d.Split, d.Items, e.items)
		}
		e.sets = append(e.sets, heldOut{train: d.Train, test: d.Test})
		rows = max(rows, d.Test.Rows())
	}
	for u := range rows {
		if !slices.ContainsFunc(e.sets, func(set heldOut) bool { return set.evaluates(u) }) {
			continue
		}
		e.users = append(e.users, int32(u))
		for s := range e.sets {
			set := &e.sets[s]
			i := int32(-1)
			if set.evaluates(u) {
				i = int32(len(set.users))
				set.users = append(set.users, int32(u))
			}
			set.index = append(set.index, i)
		}
	}
	e.discount = make([]float64, e.kmax)
	for r := range e.discount {
		e.discount[r] = math.Ln2 / detmath.Log(float64(r+2))
	}
	return e, nil
}

// Users returns the number of users scored (those with a held-out item).
func (e *Evaluator) Users() int { return len(e.users) }

// Evaluate ranks every item for every test user with the given tables and
// returns the metrics of the first split. The means are summed in user
// order, so they are bit-identical for any number of workers.
func (e *Evaluator) Evaluate(users, items model.Table) (Result, error) {
	rs, err := e.EvaluateAll(users, items)
	if err != nil {
		return Result{}, err
	}
	return rs[0], nil
}

// EvaluateAll is Evaluate for every split, in NewJoint's order.
func (e *Evaluator) EvaluateAll(users, items model.Table) ([]Result, error) {
	rows := 0
	for _, set := range e.sets {
		rows = max(rows, set.test.Rows())
	}
	if users.Dim != items.Dim || items.Rows != e.items || users.Rows < rows {
		return nil, fmt.Errorf("eval: tables %dx%d and %dx%d do not fit the dataset (%d users, %d items)",
			users.Rows, users.Dim, items.Rows, items.Dim, rows, e.items)
	}
	for name, t := range map[string]model.Table{"user": users, "item": items} {
		if i := f32.FirstNonFinite(t.Data); i >= 0 {
			return nil, fmt.Errorf("eval: %s %d's embedding holds %v", name, i/t.Dim, t.Data[i])
		}
	}
	f32.PackItems(&e.panel, items.Data, items.Rows, items.Dim)
	nm := len(metricKinds) * len(e.ks)
	res := make([]Result, len(e.sets))
	perUser := make([][]float64, len(e.sets))
	for s, set := range e.sets {
		res[s] = Result{
			Metrics: Metrics{Ks: e.ks, Values: make([]float64, nm)},
			Users:   set.users,
			PerUser: make([]float64, len(set.users)*nm),
		}
		perUser[s] = res[s].PerUser
	}
	blocks := (len(e.users) + blockUsers - 1) / blockUsers
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range min(e.workers, blocks) {
		if w >= len(e.scratch) {
			e.scratch = append(e.scratch, &workerScratch{})
		}
		s := e.scratch[w]
		s.prepare(e, users.Dim)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := int(next.Add(1) - 1); b < blocks; b = int(next.Add(1) - 1) {
				e.evaluateBlock(s, users, b*blockUsers, min((b+1)*blockUsers, len(e.users)), perUser)
			}
		}()
	}
	wg.Wait()
	for s := range res {
		r := &res[s]
		for u := range r.Users {
			for m, v := range r.PerUser[u*nm : (u+1)*nm] {
				r.Values[m] += v
			}
		}
		for m := range r.Values {
			r.Values[m] /= float64(len(r.Users))
		}
	}
	return res, nil
}

func (s *workerScratch) prepare(e *Evaluator, dim int) {
	if len(s.block) != blockUsers*dim {
		s.block = make([]float32, blockUsers*dim)
	}
	if len(s.tile) != blockUsers*e.chunk {
		s.tile = make([]float32, blockUsers*e.chunk)
		s.row = make([]float32, e.chunk)
	}
	if len(s.isTest) != e.items {
		s.isTest = make([]bool, e.items)
	}
	if len(s.top) != len(e.sets)*blockUsers {
		s.top = make([]topK, len(e.sets)*blockUsers)
		s.next = make([]int, len(e.sets)*blockUsers)
	}
	for t := range s.top {
		s.top[t].reset(e.kmax)
	}
}

// evaluateBlock scores users[lo:hi] (indices into e.users) against all
// items, chunk by chunk, and writes each split's metrics of them into
// perUser[split]. A split's training items are masked to -Inf before
// selection, which skips them (tables are finite; a product overflowing to
// -Inf would rank last anyway); with several splits, each masks a copy of
// the scores.
func (e *Evaluator) evaluateBlock(s *workerScratch, users model.Table, lo, hi int, perUser [][]float64) {
	dim, nb := users.Dim, hi-lo
	block := e.users[lo:hi]
	for j, u := range block {
		copy(s.block[j*dim:(j+1)*dim], users.Row(int(u)))
	}
	for t := range s.top {
		s.top[t].heap = s.top[t].heap[:0]
		s.next[t] = 0
	}
	for i0 := 0; i0 < e.items; i0 += e.chunk {
		i1 := min(i0+e.chunk, e.items)
		w := i1 - i0
		tile := s.tile[:nb*w]
		f32.Scores(s.block[:nb*dim], &e.panel, i0, i1, tile)
		for j, u := range block {
			for k := range e.sets {
				set := &e.sets[k]
				if set.index[lo+j] < 0 {
					continue
				}
				scores := tile[j*w : (j+1)*w]
				if len(e.sets) > 1 {
					scores = s.row[:w]
					copy(scores, tile[j*w:(j+1)*w])
				}
				t := k*blockUsers + j
				train := set.train.Row(int(u))
				for s.next[t] < len(train) && int(train[s.next[t]]) < i1 {
					scores[int(train[s.next[t]])-i0] = float32(math.Inf(-1))
					s.next[t]++
				}
				s.top[t].add(scores, i0)
			}
		}
	}
	nm := len(metricKinds) * len(e.ks)
	for k := range e.sets {
		set := &e.sets[k]
		for j, u := range block {
			if i := int(set.index[lo+j]); i >= 0 {
				top := &s.top[k*blockUsers+j]
				top.finish()
				e.userMetrics(s, top, set.test.Row(int(u)), perUser[k][i*nm:(i+1)*nm])
			}
		}
	}
}

// userMetrics computes one user's metrics from its ranked list.
func (e *Evaluator) userMetrics(s *workerScratch, top *topK, test []int32, out []float64) {
	for _, i := range test {
		s.isTest[i] = true
	}
	T := float64(len(test))
	nk := len(e.ks)
	hits, dcg, idcg, k := 0, 0.0, 0.0, 0
	for r := 0; r < e.kmax; r++ {
		if r < len(top.ranked) && s.isTest[top.ranked[r].item] {
			hits++
			dcg += e.discount[r]
		}
		if r < len(test) {
			idcg += e.discount[r]
		}
		if r+1 == e.ks[k] {
			K := float64(e.ks[k])
			out[0*nk+k] = float64(hits) / K
			out[1*nk+k] = float64(hits) / T
			out[2*nk+k] = 2 * float64(hits) / (T + K)
			out[3*nk+k] = dcg / idcg
			k++
		}
	}
	for _, i := range test {
		s.isTest[i] = false
	}
}

// A candidate is an item and its score.
type candidate struct {
	score float32
	item  int32
}

// better reports whether a ranks above b: higher score, then lower item id.
func better(a, b candidate) bool {
	return a.score > b.score || a.score == b.score && a.item < b.item
}

// topK selects the k best candidates with a bounded heap whose root is the
// worst one kept, then sorts them best first into ranked.
type topK struct {
	k      int
	heap   []candidate
	ranked []candidate
}

func (t *topK) reset(k int) {
	t.k = k
	t.heap = make([]candidate, 0, k)
	t.ranked = make([]candidate, 0, k)
}

// add offers the scores of items i0, i0+1, ... (masked ones -Inf), in
// increasing item order across calls: once the heap is full, an item only
// enters with a score above the worst kept, as an equal score comes with a
// higher id and ranks below it.
func (t *topK) add(scores []float32, i0 int) {
	h := t.heap
	negInf := float32(math.Inf(-1))
	i := 0
	for ; len(h) < t.k && i < len(scores); i++ {
		if s := scores[i]; s != negInf {
			h = append(h, candidate{s, int32(i0 + i)})
			siftUp(h, len(h)-1)
		}
	}
	if len(h) == t.k {
		for {
			i += f32.FirstAbove(scores[i:], h[0].score)
			if i == len(scores) {
				break
			}
			h[0] = candidate{scores[i], int32(i0 + i)}
			siftDown(h, 0)
			i++
		}
	}
	t.heap = h
}

// finish sorts the kept candidates best first into ranked.
func (t *topK) finish() {
	t.ranked = append(t.ranked[:0], t.heap...)
	slices.SortFunc(t.ranked, func(a, b candidate) int {
		if better(a, b) {
			return -1
		}
		return 1 // candidates are distinct items: never equal
	})
}

// The heap is ordered so that h[0] is the worst: a parent is never better
// than its children.
func siftUp(h []candidate, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !better(h[p], h[i]) {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func siftDown(h []candidate, i int) {
	for {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && better(h[worst], h[l]) {
			worst = l
		}
		if r < len(h) && better(h[worst], h[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}
