package model

import (
	"testing"
	"time"
)

// TestPoolRunsEveryShareOnce: every index of every phase is run exactly
// once, by the worker whose span holds it, whether the workers are still
// spinning when the phase starts or have gone to sleep (a pause longer
// than spinFor), and with more workers than processors (no spinning).
func TestPoolRunsEveryShareOnce(t *testing.T) {
	for _, workers := range []int{1, 2, 3, 8} {
		p := newPool(workers)
		for phase := range 60 {
			n := 1 + phase*7%50
			counts := make([]int, n)
			p.run(n, func(w, lo, hi int) {
				if wlo, whi := span(n, workers, w); n >= 2 && (lo != wlo || hi != whi) {
					t.Errorf("worker %d ran [%d, %d), its span is [%d, %d)", w, lo, hi, wlo, whi)
				}
				for i := lo; i < hi; i++ {
					counts[i]++
				}
			})
			for i, c := range counts {
				if c != 1 {
					t.Fatalf("%d workers, phase %d: index %d of %d ran %d times", workers, phase, i, n, c)
				}
			}
			if phase%10 == 9 {
				time.Sleep(2 * spinFor) // the workers and the caller sleep
			}
		}
		p.close()
	}
}
