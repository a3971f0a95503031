package f32

// FirstNonFinite returns the index of the first NaN or infinity in x, or
// -1. y - y is 0 for every finite y and NaN otherwise: one subtraction and
// one comparison per element, where math.IsNaN and math.IsInf cost two of
// each in float64. The trainer checks every aggregated user row with it,
// the evaluator whole tables.
func FirstNonFinite(x []float32) int {
	for i, y := range x {
		if y-y != 0 {
			return i
		}
	}
	return -1
}
