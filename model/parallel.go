package model

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"onebp/internal/prng"
)

// cacheLine is the cache line size of the processors we build for. A
// worker's scratch that it writes for every training row (its random
// source, its dot and score buffers) takes whole lines of its own: small
// allocations of two workers otherwise share a line, and every write of
// one evicts it from the other.
const cacheLine = 64

// lineMultiple is n rounded up to a whole number of cache lines of T's.
func lineMultiple[T int32 | float32 | float64](n int) int {
	per := cacheLine / int(unsafe.Sizeof(T(0)))
	return (n + per - 1) / per * per
}

// ownLinePCG is prng.New(seed, p) in a cache line of its own (an
// allocation of exactly one line is aligned to one).
func ownLinePCG(seed uint64, p prng.Purpose) *rand.PCG {
	line := new(struct {
		rand.PCG
		_ [cacheLine - unsafe.Sizeof(rand.PCG{})]byte
	})
	prng.Reseed(&line.PCG, seed, p)
	return &line.PCG
}

// span returns worker w's share [lo, hi) of n items split among workers
// contiguously.
func span(n, workers, w int) (lo, hi int) {
	return n * w / workers, n * (w + 1) / workers
}

// parallelFor runs fn over [0, n) split into one contiguous range per
// worker, each range on its own goroutine. It is for one-off work; the
// trainer's per-batch phases use a pool, which does not allocate.
func parallelFor(n, workers int, fn func(worker, lo, hi int)) {
	workers = max(1, min(workers, n))
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lo, hi := span(n, workers, w)
			fn(w, lo, hi)
		}()
	}
	lo, hi := span(n, workers, 0)
	fn(0, lo, hi)
	wg.Wait()
}

// A pool runs a function over contiguous ranges on a fixed set of
// goroutines. Results never depend on how many workers there are: every
// phase run on it writes disjoint outputs, each computed in a fixed order.
//
// A batch is a handful of phases, each a fraction of a millisecond, so
// between phases the workers and the caller spin for a while before they
// sleep: waking a sleeping thread took 8-35 us here, which made ML epochs
// with two workers a fifth to a quarter longer. They sleep after spinFor,
// so an idle pool (between epochs, during an evaluation) costs nothing;
// and they spin only when every worker can have a processor of its own.
type pool struct {
	workers int
	spin    bool
	job     job           // the current phase, written before seq moves
	seq     atomic.Uint64 // phases started; the workers wait for it to move
	left    atomic.Int32  // workers still running the current phase
	closed  atomic.Bool
	// A sleeper records the phase it waits for, then checks once more;
	// whoever swaps that phase for 0 sends it one wake-up (the channels
	// hold one). The phase in the record keeps a late wake-up for one
	// phase from waking a sleeper waiting for the next.
	asleep     []atomic.Uint64 // per worker (0 unused)
	wake       []chan struct{}
	callerNaps atomic.Uint64
	callerWake chan struct{}
}

type job struct {
	fn func(worker, lo, hi int)
	n  int
}

// spinFor is how long an idle worker, or the caller waiting for the
// workers, spins before it sleeps.
const spinFor = 100 * time.Microsecond

func newPool(workers int) *pool {
	workers = max(1, workers)
	p := &pool{
		workers:    workers,
		spin:       workers <= runtime.GOMAXPROCS(0),
		asleep:     make([]atomic.Uint64, workers),
		wake:       make([]chan struct{}, workers),
		callerWake: make(chan struct{}, 1),
	}
	for w := 1; w < workers; w++ {
		p.wake[w] = make(chan struct{}, 1)
		go p.work(w)
	}
	return p
}

// work is worker w's loop: wait for the next phase, run its share, report.
func (p *pool) work(w int) {
	for phase := uint64(1); ; phase++ {
		p.await(func() bool { return p.seq.Load() >= phase }, &p.asleep[w], phase, p.wake[w])
		if p.closed.Load() {
			return
		}
		lo, hi := span(p.job.n, p.workers, w)
		p.job.fn(w, lo, hi)
		if p.left.Add(-1) == 0 {
			rouse(&p.callerNaps, phase, p.callerWake)
		}
	}
}

// await returns once ready() holds: it spins, yielding the processor now
// and then, for up to spinFor, then sleeps on wake with asleep holding
// phase.
func (p *pool) await(ready func() bool, asleep *atomic.Uint64, phase uint64, wake chan struct{}) {
	if p.spin {
		start := time.Now()
		for time.Since(start) < spinFor {
			for range 256 {
				if ready() {
					return
				}
			}
			runtime.Gosched()
		}
	}
	asleep.Store(phase)
	if ready() && asleep.CompareAndSwap(phase, 0) {
		return // ready before anyone saw the record
	}
	<-wake
}

// rouse wakes a sleeper that waits for phase.
func rouse(asleep *atomic.Uint64, phase uint64, wake chan struct{}) {
	if asleep.CompareAndSwap(phase, 0) {
		wake <- struct{}{}
	}
}

// run calls fn(worker, lo, hi) for every worker's share of [0, n) and
// returns when all are done. fn should be created once, not per call, so
// that run does not allocate.
func (p *pool) run(n int, fn func(worker, lo, hi int)) {
	if p.workers == 1 || n < 2 {
		fn(0, 0, n)
		return
	}
	p.job = job{fn, n}
	p.left.Store(int32(p.workers - 1))
	phase := p.seq.Add(1)
	for w := 1; w < p.workers; w++ {
		rouse(&p.asleep[w], phase, p.wake[w])
	}
	lo, hi := span(n, p.workers, 0)
	fn(0, lo, hi)
	p.await(func() bool { return p.left.Load() == 0 }, &p.callerNaps, phase, p.callerWake)
}

// close stops the pool's goroutines.
func (p *pool) close() {
	p.closed.Store(true)
	phase := p.seq.Add(1)
	for w := 1; w < p.workers; w++ {
		rouse(&p.asleep[w], phase, p.wake[w])
	}
}
