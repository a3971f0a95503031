package f32

// packPanels lays the n items (row-major, dim columns) out in panels of
// len(P) items, reusing dst's memory: column k of items q*len(P) onwards is
// dst[q*dim+k], the missing items of the last panel zero. One vector load
// then gives a panel's column k.
func packPanels[P [8]float32 | [16]float32](dst []P, items []float32, n, dim int) []P {
	var first P
	width := len(first)
	panels := (n + width - 1) / width
	if cap(dst) < panels*dim {
		dst = make([]P, panels*dim)
	}
	dst = dst[:panels*dim]
	if panels > 0 {
		clear(dst[(panels-1)*dim:]) // the padding lanes of the last panel
	}
	for i := range n {
		q, lane := i/width, i%width
		panel := dst[q*dim : q*dim+dim]
		for k, x := range items[i*dim : i*dim+dim] {
			panel[k][lane] = x
		}
	}
	return dst
}

// packItemsLanes packs panels of 8 items for the AVX2 kernels.
func packItemsLanes(p *Panel, items []float32) {
	p.lanes = packPanels(p.lanes, items, p.N, p.Dim)
}
