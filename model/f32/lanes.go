package f32

// packItemsLanes lays the items out in panels of 8: column k of items
// 8q..8q+7 is p.lanes[q*dim+k], the missing items of the last panel zero.
// One vector load then gives 8 items' column k.
func packItemsLanes(p *Panel, items []float32) {
	n, dim := p.N, p.Dim
	panels := (n + 7) / 8
	if cap(p.lanes) < panels*dim {
		p.lanes = make([][8]float32, panels*dim)
	}
	p.lanes = p.lanes[:panels*dim]
	if panels > 0 {
		clear(p.lanes[(panels-1)*dim:]) // the padding lanes of the last panel
	}
	for i := range n {
		q, lane := i/8, i%8
		panel := p.lanes[q*dim : q*dim+dim]
		for k, x := range items[i*dim : i*dim+dim] {
			panel[k][lane] = x
		}
	}
}
