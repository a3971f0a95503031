package f32

// FirstNonFinite returns the index of the first NaN or infinity in x, or
// -1:
//
//	for i, y := range x {
//		if y-y != 0 {
//			return i
//		}
//	}
//	return -1
//
// y - y is 0 for every finite y and NaN otherwise: one subtraction and one
// comparison per element, where math.IsNaN and math.IsInf cost two of
// each in float64. The trainer checks every aggregated user row with it,
// the evaluator whole tables; the active kernels say whether there is
// one, and the loop above finds it.
func FirstNonFinite(x []float32) int {
	if !active.nonFinite(x) {
		return -1
	}
	return firstNonFinitePortable(x)
}

func firstNonFinitePortable(x []float32) int {
	for i, y := range x {
		if y-y != 0 {
			return i
		}
	}
	return -1
}

func nonFinitePortable(x []float32) bool { return firstNonFinitePortable(x) >= 0 }
