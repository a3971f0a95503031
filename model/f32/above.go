package f32

// FirstAbove returns the index of the first element of x greater than t,
// or len(x) when there is none:
//
//	for i, y := range x {
//		if y > t {
//			return i
//		}
//	}
//	return len(x)
//
// A NaN is never greater, nor is anything greater than a NaN. The
// evaluator's top-K selection skips with it the scores that cannot enter
// its list, nearly all of them once the list is full; only comparisons
// are made, so every implementation gives the same index.
func FirstAbove(x []float32, t float32) int { return active.firstAbove(x, t) }

func firstAbovePortable(x []float32, t float32) int {
	for i, y := range x {
		if y > t {
			return i
		}
	}
	return len(x)
}
