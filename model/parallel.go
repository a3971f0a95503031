package model

import (
	"math/rand/v2"
	"sync"
	"unsafe"

	"onebp/internal/prng"
)

// cacheLine is the cache line size of the processors we build for. A
// worker's scratch that it writes for every training row (its random
// source, its dot and score buffers) takes whole lines of its own: small
// allocations of two workers otherwise share a line, every write of one
// evicts it from the other, and the row phases ran no faster on two cores
// than on one.
const cacheLine = 64

// lineMultiple is n rounded up to a whole number of cache lines of T's.
func lineMultiple[T float32 | float64](n int) int {
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
	line.PCG = *prng.New(seed, p)
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
type pool struct {
	workers int
	jobs    []chan job
	wg      sync.WaitGroup
}

type job struct {
	fn     func(worker, lo, hi int)
	lo, hi int
}

func newPool(workers int) *pool {
	p := &pool{workers: max(1, workers)}
	for w := 1; w < p.workers; w++ {
		ch := make(chan job)
		p.jobs = append(p.jobs, ch)
		go func() {
			for j := range ch {
				j.fn(w, j.lo, j.hi)
				p.wg.Done()
			}
		}()
	}
	return p
}

// run calls fn(worker, lo, hi) for every worker's share of [0, n) and
// returns when all are done. fn should be created once, not per call, so
// that run does not allocate.
func (p *pool) run(n int, fn func(worker, lo, hi int)) {
	if p.workers == 1 || n < 2 {
		fn(0, 0, n)
		return
	}
	p.wg.Add(p.workers - 1)
	for w := 1; w < p.workers; w++ {
		lo, hi := span(n, p.workers, w)
		p.jobs[w-1] <- job{fn, lo, hi}
	}
	lo, hi := span(n, p.workers, 0)
	fn(0, lo, hi)
	p.wg.Wait()
}

// close stops the pool's goroutines.
func (p *pool) close() {
	for _, ch := range p.jobs {
		close(ch)
	}
}
