package model

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"onebp/data"
	"onebp/internal/prng"
	"onebp/model/detmath"
	"onebp/model/f32"
)

// Trainer runs the epochs of one two-tower model. Everything it computes
// is a function of the dataset, the Config and the number of epochs done:
// the same inputs give bit-identical tables for any number of workers.
//
// A batch runs in three parallel phases: the forward pass over rows; the
// gradients and Adam step, each worker owning a contiguous range of table
// rows and scanning the batch in order, so every row's gradient is summed
// in the same order whoever computes it; and the moving aggregation (OneBP),
// again over ranges of users. For TwoBP the gradients of both tables are
// taken in one phase and Adam applied in the next, so that the user
// gradients see the items as they were before the step.
type Trainer struct {
	cfg         Config
	fingerprint string  // of the dataset, for checkpoints
	userIDs     []int32 // the dataset's own user ids (data.Dataset.UserIDs), for messages

	modelState // everything a checkpoint holds; the rest is rebuilt

	pairs   []uint64 // the training pairs user<<32|item, in CSR order
	sampler *sampler
	epochScratch
	pool    *pool
	workers []workerScratch
	phases  phases
}

// modelState is the training state: after any number of epochs it
// determines every later result, so a checkpoint holds exactly this.
type modelState struct {
	Users, Items Table
	itemAdam     *adamState
	userAdam     *adamState // TwoBP only: OneBP keeps no optimiser state for users
	steps        int        // Adam steps taken
	epochs       int        // epochs completed
}

// epochScratch is the current epoch's and batch's working memory. Rows are
// batch positions; entries are positions row*k+j over the k = 1+Negatives
// candidates of a row, candidate 0 being the positive item.
type epochScratch struct {
	order        []uint64 // the pairs in this epoch's order
	epoch, batch int
	rows         []uint64  // the pair of each row (see rowUser, rowItem)
	cand         []int32   // item of each entry
	coef         []float32 // dL/ds / temperature of each entry
	rowLoss      []float64
	userStamp    []uint32 // OneBP: the batch that last moved each user
	adam         f32.AdamStep
}

// workerScratch is one worker's own buffers.
type workerScratch struct {
	plans  *skipPlans // lazy dense Adam's catch-up plans
	src    *rand.PCG
	scores []float64 // k
	dots   []float32 // k
	// A row's candidates in this worker's item range, and their
	// coefficients (k each).
	picked     []int32
	pickedCoef []float32
	firstBad   string // the first non-finite value it found in this batch
}

// phases are the per-batch phases as method values made once, so that
// running them allocates nothing.
type phases struct {
	forward, items, gradients, steps, aggregate func(w, lo, hi int)
	sample, catchUp, score, catchUpAll          func(w, lo, hi int) // lazy dense Adam
}

// EpochStats describe one epoch of training.
type EpochStats struct {
	Epoch   int           // 0-based, as the reference prints it
	Loss    float64       // mean over batches of the batch's mean loss
	Train   time.Duration // wall time of the training (no evaluation)
	Samples int           // training rows used (the last partial batch is dropped)
	Batches int
}

// NewTrainer builds a model for d's training data, initialised from
// cfg.Seed with Xavier-normal tables.
func NewTrainer(d *data.Dataset, cfg Config) (*Trainer, error) {
	if err := cfg.CheckFor(d); err != nil {
		return nil, err
	}
	k := 1 + cfg.Negatives
	s, err := newSampler(d.Train, d.Items, cfg.Negatives)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.Name, err)
	}
	t := &Trainer{
		cfg:         cfg,
		fingerprint: d.Fingerprint,
		userIDs:     d.UserIDs(),
		modelState: modelState{
			Users: NewTable(d.Users, cfg.Dim),
			Items: NewTable(d.Items, cfg.Dim),
		},
		sampler: s,
		pairs:   make([]uint64, 0, d.Train.NNZ()),
		epochScratch: epochScratch{
			order:   make([]uint64, d.Train.NNZ()),
			cand:    make([]int32, cfg.Batch*k),
			coef:    make([]float32, cfg.Batch*k),
			rowLoss: make([]float64, cfg.Batch),
		},
		pool: newPool(cfg.WorkerCount()),
	}
	for u := range d.Train.Rows() {
		for _, i := range d.Train.Row(u) {
			t.pairs = append(t.pairs, uint64(u)<<32|uint64(i))
		}
	}
	t.Users.XavierNormal(cfg.Seed, 0, cfg.WorkerCount())
	t.Items.XavierNormal(cfg.Seed, 1, cfg.WorkerCount())
	t.itemAdam = newAdamState(t.Items)
	if cfg.Strategy == TwoBP {
		t.userAdam = newAdamState(t.Users)
	} else {
		t.userStamp = make([]uint32, d.Users)
	}
	for _, a := range []*adamState{t.itemAdam, t.userAdam} {
		if a != nil && cfg.LazyAdam() {
			a.last = make([]uint32, len(a.stamp))
		}
	}
	for range t.pool.workers {
		ws := workerScratch{
			src:    ownLinePCG(cfg.Seed, prng.ForNegatives),
			scores: make([]float64, k, lineMultiple[float64](k)),
			dots:   make([]float32, k, lineMultiple[float32](k)),
			picked: make([]int32, 0, lineMultiple[int32](k)), pickedCoef: make([]float32, 0, lineMultiple[float32](k)),
		}
		if cfg.LazyAdam() {
			ws.plans = &skipPlans{lr: cfg.LR}
		}
		t.workers = append(t.workers, ws)
	}
	t.phases = phases{
		forward: t.forwardRows, items: t.itemGradientsAndStep, aggregate: t.aggregateUsers,
		gradients: t.bothGradients, steps: t.bothSteps,
		sample: t.sampleRows, catchUp: t.catchUpBatch, score: t.scoreRows, catchUpAll: t.catchUpAll,
	}
	return t, nil
}

// Close stops the trainer's worker goroutines.
func (t *Trainer) Close() { t.pool.close() }

// Config returns the trainer's hyper-parameters.
func (t *Trainer) Config() Config { return t.cfg }

// EpochsDone returns the number of epochs trained so far.
func (t *Trainer) EpochsDone() int { return t.epochs }

// StateMemory is what a model's training state occupies, by part.
type StateMemory struct {
	Tables, Moments, Gradients, Batch int64
}

// Total is the sum of the parts.
func (m StateMemory) Total() int64 { return m.Tables + m.Moments + m.Gradients + m.Batch }

// StateBytes reports the model state's memory. OneBP's is smaller than
// TwoBP's by the user table's gradient and its two Adam moments.
func (t *Trainer) StateBytes() StateMemory {
	m := StateMemory{Tables: t.Users.Bytes() + t.Items.Bytes()}
	for _, a := range []*adamState{t.itemAdam, t.userAdam} {
		if a != nil {
			mom, grad := a.bytes()
			m.Moments += mom
			m.Gradients += grad
		}
	}
	m.Batch = int64(len(t.cand))*(4+4) + int64(len(t.rowLoss))*8 +
		int64(len(t.order)+len(t.pairs))*8 + int64(len(t.userStamp))*4
	return m
}

// stamp identifies the current batch in the adamState stamps; it is never
// 0, the stamps' initial value.
func (t *Trainer) stamp() uint32 { return uint32(t.steps) + 1 }

// Epoch trains one epoch: the training pairs in the order of the stream
// (seed, epoch), cut into batches with the last partial one dropped; per
// batch, negatives, forward, gradients, the Adam step and (OneBP) the
// moving aggregation. It stops between batches when ctx is done.
func (t *Trainer) Epoch(ctx context.Context) (EpochStats, error) {
	start := time.Now()
	t.epoch = t.epochs
	copy(t.order, t.pairs)
	prng.Shuffle(prng.New(t.cfg.Seed, prng.ForShuffle, uint64(t.epoch)), len(t.order),
		func(i, j int) { t.order[i], t.order[j] = t.order[j], t.order[i] })
	batches := len(t.order) / t.cfg.Batch
	loss := 0.0
	for b := range batches {
		if err := ctx.Err(); err != nil {
			return EpochStats{}, err
		}
		t.batch = b
		t.rows = t.order[b*t.cfg.Batch : (b+1)*t.cfg.Batch]
		l, err := t.trainBatch()
		if err != nil {
			return EpochStats{}, err
		}
		loss += l
	}
	if t.cfg.LazyAdam() {
		// Whatever reads the tables next (evaluation, a checkpoint, an
		// export) sees them as eager execution would leave them.
		t.pool.run(t.pool.workers, t.phases.catchUpAll)
	}
	t.epochs++
	return EpochStats{
		Epoch:   t.epoch,
		Loss:    loss / float64(max(batches, 1)),
		Train:   time.Since(start),
		Samples: batches * t.cfg.Batch,
		Batches: batches,
	}, nil
}

// trainBatch runs one batch and returns its mean loss.
func (t *Trainer) trainBatch() (float64, error) {
	if t.cfg.LazyAdam() {
		// The rows the batch reads catch up between sampling and scoring.
		t.pool.run(t.cfg.Batch, t.phases.sample)
		// A phase over both tables runs once per worker, which takes its
		// span of each table: one range over the larger table would leave
		// a worker most of the smaller.
		t.pool.run(t.pool.workers, t.phases.catchUp)
		t.pool.run(t.cfg.Batch, t.phases.score)
	} else {
		t.pool.run(t.cfg.Batch, t.phases.forward)
	}
	loss := 0.0
	for _, l := range t.rowLoss {
		loss += l
	}
	loss /= float64(t.cfg.Batch)
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return 0, fmt.Errorf("epoch %d, batch %d: the loss is %v; training diverged", t.epoch+1, t.batch+1, loss)
	}
	t.adam = f32.NewAdamStep(t.cfg.LR, AdamBeta1, AdamBeta2, AdamEps, t.cfg.L2, t.steps+1)
	if t.userAdam != nil {
		t.pool.run(t.pool.workers, t.phases.gradients)
		t.pool.run(t.pool.workers, t.phases.steps)
	} else {
		t.pool.run(t.Items.Rows, t.phases.items)
		t.pool.run(t.Users.Rows, t.phases.aggregate)
	}
	t.steps++
	for w := range t.workers {
		if bad := t.workers[w].firstBad; bad != "" {
			t.workers[w].firstBad = ""
			return 0, fmt.Errorf("epoch %d, batch %d: %s; training diverged", t.epoch+1, t.batch+1, bad)
		}
	}
	return loss, nil
}

// forwardRows samples the negatives of rows [lo, hi), scores the
// candidates and computes the loss and the gradient coefficients: with p
// the softmax of s_j = e_u.v_j/tau, dL/ds_0 = (p_0-1)/B and dL/ds_j = p_j/B;
// coef holds dL/ds_j/tau, the factor of e_u in dL/dv_j and of v_j in dL/de_u.
// The softmax runs in float64 with the portable exp and log; dividing by
// tau, B and the softmax's sum is done as multiplying by their float64
// reciprocals.
func (t *Trainer) forwardRows(w, lo, hi int) {
	// Sample every row first, so that the scoring has only independent
	// memory loads to wait for.
	t.sampleRows(w, lo, hi)
	t.scoreRows(w, lo, hi)
}

// sampleRows draws the candidates of rows [lo, hi): the positive item,
// then the negatives from the stream (seed, negatives, epoch, row).
func (t *Trainer) sampleRows(w, lo, hi int) {
	k := 1 + t.cfg.Negatives
	src := t.workers[w].src
	for r := lo; r < hi; r++ {
		cand := t.cand[r*k : (r+1)*k]
		cand[0] = t.rowItem(r)
		prng.Reseed(src, t.cfg.Seed, prng.ForNegatives, uint64(t.epoch), uint64(t.batch*t.cfg.Batch+r))
		t.sampler.sample(src, t.rowUser(r), cand[1:])
	}
}

// catchUpBatch brings the worker's share of the rows that the batch reads
// (its candidate items; for TwoBP its users) to the current step.
func (t *Trainer) catchUpBatch(w, _, _ int) {
	now, plans := uint32(t.steps), t.workers[w].plans
	iLo, iHi := span(t.Items.Rows, t.pool.workers, w)
	for _, i := range t.cand {
		if int(i) >= iLo && int(i) < iHi {
			t.itemAdam.catchUp(t.Items, int(i), now, plans)
		}
	}
	if t.userAdam != nil {
		uLo, uHi := span(t.Users.Rows, t.pool.workers, w)
		for r := range t.rows {
			if u := int(t.rowUser(r)); u >= uLo && u < uHi {
				t.userAdam.catchUp(t.Users, u, now, plans)
			}
		}
	}
}

// catchUpAll brings the worker's share of the rows of the Adam-trained
// tables to the current step.
func (t *Trainer) catchUpAll(w, _, _ int) {
	now, plans := uint32(t.steps), t.workers[w].plans
	for _, p := range []struct {
		a   *adamState
		tab Table
	}{{t.itemAdam, t.Items}, {t.userAdam, t.Users}} {
		if p.a == nil {
			continue
		}
		rLo, rHi := span(p.tab.Rows, t.pool.workers, w)
		for r := rLo; r < rHi; r++ {
			p.a.catchUp(p.tab, r, now, plans)
		}
	}
}

// scoreRows scores the candidates of rows [lo, hi) and computes the loss
// and the gradient coefficients.
func (t *Trainer) scoreRows(w, lo, hi int) {
	k := 1 + t.cfg.Negatives
	invTau := 1 / t.cfg.Temperature
	scale := invTau / float64(t.cfg.Batch) // of dL/ds, into coef
	s, dots := t.workers[w].scores, t.workers[w].dots
	for r := lo; r < hi; r++ {
		f32.Dots(t.Users.Row(int(t.rowUser(r))), t.Items.Data, t.cand[r*k:(r+1)*k], dots)
		top := math.Inf(-1)
		for j, d := range dots {
			s[j] = float64(d) * invTau
			top = max(top, s[j])
		}
		z := 0.0
		for j := range s {
			s[j] = detmath.Exp(s[j] - top)
			z += s[j]
		}
		t.rowLoss[r] = top + detmath.Log(z) - float64(dots[0])*invTau
		invZ := 1 / z
		for j := range s {
			g := s[j] * invZ
			if j == 0 {
				g -= 1
			}
			t.coef[r*k+j] = float32(g * scale)
		}
	}
}

// itemGradientsFor sums dL/dv_i = sum over the entries of item i of
// coef * e_u, in batch order, for the items in [lo, hi): row by row, the
// row's candidates in the range at once (a row's candidates are distinct
// items, so each item's sum keeps its order).
func (t *Trainer) itemGradientsFor(w, lo, hi int) {
	k, stamp := 1+t.cfg.Negatives, t.stamp()
	whole := lo == 0 && hi >= t.Items.Rows
	ws := &t.workers[w]
	for r := range t.rows {
		cand, coef := t.cand[r*k:(r+1)*k], t.coef[r*k:(r+1)*k]
		if !whole {
			cand, coef = pickInRange(cand, coef, lo, hi, ws.picked[:k], ws.pickedCoef[:k])
		}
		t.itemAdam.scatter(cand, coef, t.Users.Row(int(t.rowUser(r))), stamp)
	}
}

// pickInRange copies the candidates in [lo, hi) and their coefficients,
// in order, into picked and pickedCoef (at least len(cand) long) and
// returns the copies. Every candidate is written and the count moves only
// for those in range: the items are random, so a branch on the range
// would mispredict about once in every two candidates.
func pickInRange(cand []int32, coef []float32, lo, hi int, picked []int32, pickedCoef []float32) ([]int32, []float32) {
	picked, pickedCoef = picked[:len(cand)], pickedCoef[:len(cand)]
	coef = coef[:len(cand)]
	width, n := uint(hi-lo), 0
	for j, i := range cand {
		picked[n], pickedCoef[n] = i, coef[j]
		if uint(int(i)-lo) < width {
			n++
		}
	}
	return picked[:n], pickedCoef[:n]
}

// userGradientsFor sums dL/de_u = sum over the entries of user u of
// coef * v_j, in batch order, for the users in [lo, hi) (TwoBP).
func (t *Trainer) userGradientsFor(lo, hi int) {
	k, stamp := 1+t.cfg.Negatives, t.stamp()
	for r := range t.rows {
		if u := t.rowUser(r); int(u) >= lo && int(u) < hi {
			t.userAdam.accumulateRows(u, t.coef[r*k:(r+1)*k], t.Items, t.cand[r*k:(r+1)*k], stamp)
		}
	}
}

// stepFor applies Adam to rows [lo, hi) of a table and notes a row that
// is no longer finite.
func (t *Trainer) stepFor(w int, a *adamState, tab Table, what string, lo, hi int) {
	dense := t.cfg.Optimizer != SparseAdam && !t.cfg.LazyAdam()
	if bad := a.step(tab, &t.adam, dense, t.stamp(), lo, hi); bad >= 0 && t.workers[w].firstBad == "" {
		t.workers[w].firstBad = fmt.Sprintf("%s %d's embedding holds %v after the Adam step", what, bad/tab.Dim, tab.Data[bad])
	}
}

// itemGradientsAndStep is OneBP's second phase: items [lo, hi) get their
// gradients and their Adam step in one go, since OneBP reads no item
// gradient elsewhere.
func (t *Trainer) itemGradientsAndStep(w, lo, hi int) {
	t.itemGradientsFor(w, lo, hi)
	t.stepFor(w, t.itemAdam, t.Items, "item", lo, hi)
}

// bothGradients is TwoBP's second phase, over the worker's share of
// both tables.
func (t *Trainer) bothGradients(w, _, _ int) {
	iLo, iHi := span(t.Items.Rows, t.pool.workers, w)
	uLo, uHi := span(t.Users.Rows, t.pool.workers, w)
	t.itemGradientsFor(w, iLo, iHi)
	t.userGradientsFor(uLo, uHi)
}

// bothSteps is TwoBP's third phase.
func (t *Trainer) bothSteps(w, _, _ int) {
	iLo, iHi := span(t.Items.Rows, t.pool.workers, w)
	uLo, uHi := span(t.Users.Rows, t.pool.workers, w)
	t.stepFor(w, t.itemAdam, t.Items, "item", iLo, iHi)
	t.stepFor(w, t.userAdam, t.Users, "user", uLo, uHi)
}

// aggregateUsers moves the batch users in [lo, hi) toward the updated
// embedding of their rows' positive items (OneBP):
// e_u <- beta*e_u + (1-beta)*v_i. Reference aggregation keeps only a user's
// last row, computed from the pre-batch e_u, which is what the reference's
// gather-compute-scatter leaves; Sequential applies every row in order.
func (t *Trainer) aggregateUsers(w, lo, hi int) {
	beta, rest := float32(t.cfg.Beta), float32(1-t.cfg.Beta)
	stamp := t.stamp()
	apply := func(r int) {
		u := t.rowUser(r)
		if int(u) < lo || int(u) >= hi {
			return
		}
		if t.cfg.Aggregation == Reference {
			if t.userStamp[u] == stamp {
				return // a later row of this user came first
			}
			t.userStamp[u] = stamp
		}
		e := t.Users.Row(int(u))
		f32.Axpby(rest, t.Items.Row(int(t.rowItem(r))), beta, e)
		if bad := f32.FirstNonFinite(e); bad >= 0 && t.workers[w].firstBad == "" {
			t.workers[w].firstBad = fmt.Sprintf("user %d's embedding holds %v after the moving aggregation", t.userIDs[u], e[bad])
		}
	}
	if t.cfg.Aggregation == Reference {
		for r := len(t.rows) - 1; r >= 0; r-- {
			apply(r)
		}
	} else {
		for r := range t.rows {
			apply(r)
		}
	}
}

// rowUser and rowItem unpack the training pair of batch row r.
func (t *Trainer) rowUser(r int) int32 { return int32(t.rows[r] >> 32) }
func (t *Trainer) rowItem(r int) int32 { return int32(uint32(t.rows[r])) }
