package report

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"onebp/internal/texttable"
	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
	"onebp/results/stats"
)

// A sweep's report: per point, both strategies, the paired difference with
// its interval and p-values, and the costs; and a plot of the differences
// and costs against the first swept parameter.

// sweepOf is a dataset's sweep as its OneBP runs record it: the swept
// names in order and the points, sorted by their values.
func sweepOf(runs []*results.Run) (names []string, pts []results.Point) {
	for _, r := range runs {
		if r.Strategy() != model.OneBP || len(r.Point) == 0 || r.Tuning != nil {
			continue
		}
		if names == nil {
			for _, f := range r.Point {
				names = append(names, f.Name)
			}
		}
		if !slices.ContainsFunc(pts, func(p results.Point) bool { return p.String() == r.Point.String() }) {
			pts = append(pts, r.Point)
		}
	}
	slices.SortStableFunc(pts, results.ComparePoints)
	return names, pts
}

// writeSweeps writes a section per swept dataset: the table of points,
// its plot (written by Save) and where the answer turns. dir is where the
// set is seen from: "" in its own report, its directory in a README's
// summary, which then links to the report for the rest.
func writeSweeps(w io.Writer, runs []*results.Run, cs []stats.Comparison, dir string) error {
	datasets, byName := datasetsOf(runs)
	heading, curves := "##", "curves/"
	if dir != "" {
		heading, curves = "####", dir+"/curves/"
	}
	for _, d := range datasets {
		names, pts := sweepOf(byName[d])
		if len(pts) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s Sweep of %s on %s\n\n", heading, strings.Join(names, " x "), d)
		fmt.Fprintf(w, "Per point, validated test figures over the seeds both strategies ran (OneBP - TwoBP: mean per-user difference, 95%% bootstrap interval, per-user sign-flip p and seed-level t-test p, both Holm-corrected over every comparison of this report), then the costs, OneBP / TwoBP.\n\n")
		header := []string{"point", "ndcg_at_20 OneBP / TwoBP", "OneBP - TwoBP ndcg_at_20", "recall_at_20 OneBP / TwoBP", "OneBP - TwoBP recall_at_20",
			"median epoch", "epochs to the selected state", "training time of the run", "state memory"}
		var rows [][]string
		var labels, truncated []string
		var timed [][]*results.Run
		_, cells := results.Cells(runs)
		for _, p := range pts {
			one, two := byStrategy(cells[results.CellName(d, p)])
			if len(one) == 0 || len(two) == 0 {
				continue
			}
			labels, timed = append(labels, p.String()), append(timed, append(slices.Clone(one), two...))
			if note := TruncatedNote(timed[len(timed)-1]); note != "" {
				truncated = append(truncated, p.String()+": "+strings.TrimSuffix(note, "; "))
			}
			row := []string{p.String()}
			for _, m := range []eval.Metric{eval.NDCGAt20, eval.RecallAt20} {
				row = append(row, meanPair(one, two, func(r *results.Run) (float64, bool) { return validated.get(r, m) }, F4), comparisonCell(cs, results.CellName(d, p), m))
			}
			for _, c := range []measure{epochTime, selectedEpochs, runTime, stateSize} {
				row = append(row, meanPair(one, two, c.get, c.show))
			}
			rows = append(rows, row)
		}
		if err := texttable.Write(w, true, header, rows); err != nil {
			return err
		}
		for _, t := range truncated {
			fmt.Fprintf(w, "\n%s.\n", t)
		}
		if apart := timedApart(labels, timed); apart != "" {
			fmt.Fprintf(w, "\nThe time columns compare settings only between rows timed alike: %s.\n", apart)
		}
		fmt.Fprintf(w, "\n![sweep of %s on %s](%s%s.svg)\n", strings.Join(names, " x "), d, curves, sweepFile(d))
		for _, m := range []eval.Metric{eval.NDCGAt20, eval.RecallAt20} {
			if f := sweepFinding(d, pts, cs, m); f != "" {
				fmt.Fprintf(w, "\n%s\n", f)
			}
		}
		if dir != "" {
			fmt.Fprintf(w, "\nEach point's findings, tables and curves: [%[1]s](%[1]s).\n", dir+"/README.md")
		}
	}
	return nil
}

// sweepFinding says where along a sweep's points (in their order) the
// answer to "does OneBP beat TwoBP in m" turns, between which points and
// with their differences, or that it does not: the answer at a point is
// what its comparison settles (OneBP better, TwoBP better, or no
// significant difference). It reverses where one strategy's significant
// win gives way to the other's, and changes where a significant
// difference comes or goes. Each side of a turn shows its full verdict
// and both tests, so that a change the seed-level test alone makes
// (per-user differences alike, seeds too few to carry one of them) reads
// as such; and where the per-user test favours the same strategy at every
// point, the finding says so. Points without a comparison (no seed that
// both strategies ran) are named, since a turn across them spans them.
func sweepFinding(dataset string, pts []results.Point, cs []stats.Comparison, m eval.Metric) string {
	type answer struct {
		p       results.Point
		c       stats.Comparison
		settles string
	}
	var as []answer
	var missing []string
	for _, p := range pts {
		i := slices.IndexFunc(cs, func(c stats.Comparison) bool { return c.Dataset == results.CellName(dataset, p) && c.Metric == m })
		if i < 0 {
			missing = append(missing, p.String())
			continue
		}
		as = append(as, answer{p, cs[i], settled(cs[i])})
	}
	if len(as) == 0 {
		return ""
	}
	shown := func(a answer) string {
		return fmt.Sprintf("%v (%s: %s)", a.p, strings.TrimSuffix(verdict(a.c), bothTests), effectAndSeeds(a.c))
	}
	var turns []string
	for i := 1; i < len(as); i++ {
		a, b := as[i-1], as[i]
		if a.settles == b.settles {
			continue
		}
		verb := "changes"
		if a.settles != noDifference && b.settles != noDifference {
			verb = "reverses"
		}
		if len(turns) > 0 {
			verb = "then " + verb
		}
		turns = append(turns, fmt.Sprintf("%s between %s and %s", verb, shown(a), shown(b)))
	}
	f := fmt.Sprintf("**%s, %s**: the answer %s", dataset, m, strings.Join(turns, "; "))
	if len(turns) == 0 {
		f = fmt.Sprintf("**%s, %s**: the answer does not turn over the %d points: %s at each", dataset, m, len(as), as[0].settles)
	}
	if len(missing) > 0 {
		f += fmt.Sprintf(" (no comparison yet at %s: no seed that both strategies ran)", strings.Join(missing, ", "))
	}
	// A per-user lead at every point is news unless every point settles on it.
	settledAlike := len(turns) == 0 && as[0].settles != noDifference
	if side := perUserSide(as[0].c); side != "" && len(as) > 1 && !settledAlike && !slices.ContainsFunc(as, func(a answer) bool { return perUserSide(a.c) != side }) {
		f += fmt.Sprintf("; per user, %s is ahead at each of the %d points", side, len(as))
	}
	return f + "."
}

// selectedEpochs is the epochs to a validated run's selected state.
var selectedEpochs = measure{"epochs to the selected state (validation)", func(r *results.Run) (float64, bool) {
	if r.Selected == nil {
		return 0, false
	}
	return float64(r.Selected.Epoch + 1), true
}, count}

// effectAndSeeds reads "+0.0123 [+0.0081, +0.0166], p = 0.0002; seeds
// t(2) = 9.81, p = 0.0204", the seed-level test left out below two seeds.
func effectAndSeeds(c stats.Comparison) string {
	if t := c.SeedTest(); t != "" {
		return c.Effect() + "; seeds " + t
	}
	return c.Effect()
}

func comparisonCell(cs []stats.Comparison, cell string, m eval.Metric) string {
	for _, c := range cs {
		if c.Dataset == cell && c.Metric == m {
			return effectAndSeeds(c)
		}
	}
	return "-"
}

// datasetsOf groups runs by dataset alone, in first-seen order.
func datasetsOf(runs []*results.Run) ([]string, map[string][]*results.Run) {
	var names []string
	by := map[string][]*results.Run{}
	for _, r := range runs {
		if _, ok := by[r.Dataset]; !ok {
			names = append(names, r.Dataset)
		}
		by[r.Dataset] = append(by[r.Dataset], r)
	}
	return names, by
}

func sweepFile(dataset string) string { return "sweep-" + results.FileName(dataset) }

// A sweepPlot is one panel of a sweep's plot: y against the first swept
// parameter, one series per strategy or per combination of the other
// swept parameters, with optional 95% intervals.
type sweepPlot struct {
	title, xlabel string
	logX          bool
	fitY          bool // the y axis spans the values only, not 0 too
	series        []sweepSeries
	hollowNote    string // the legend of hollow points, when some are
}

type sweepSeries struct {
	label, color string
	dash         int       // 0: solid, then ever longer dashes
	scatter      bool      // points only, no line
	x, y, lo, hi []float64 // lo, hi empty: no intervals
	hollow       []bool    // by point, drawn hollow (empty: none)
}

// writeSweepSVG draws a swept dataset's plot: OneBP - TwoBP in NDCG@20
// and Recall@20 with their 95% intervals, then for both strategies the
// median epoch, the epochs to the selected state, the run's training time
// and the state memory, each against the first swept parameter (placed
// by plotAxis; a log axis when its values are positive and span a factor
// of 8 or more). In the time panels a strategy's point timed at other
// commits, worker counts or machines than most of its points is hollow:
// its time is not the setting's alone.
func writeSweepSVG(w io.Writer, dataset string, runs []*results.Run, cs []stats.Comparison) error {
	names, pts := sweepOf(runs)
	_, cells := results.Cells(runs)
	first := names[0]
	axis, at := plotAxis(first)
	var xs []float64
	for _, p := range pts {
		v, _ := p.Get(first)
		x, _ := strconv.ParseFloat(v, 64)
		xs = append(xs, at(x))
	}
	// apart[s][i]: strategy s's runs at point i were timed elsewhere than
	// at most of its points, or its points have no such majority.
	apart := map[model.Strategy][]bool{}
	for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
		var groups [][]*results.Run
		for _, p := range pts {
			groups = append(groups, ofStrategy(cells[results.CellName(dataset, p)], s))
		}
		apart[s] = timedElsewhere(groups)
	}
	logX := slices.Min(xs) > 0 && slices.Max(xs)/slices.Min(xs) >= 8
	// restOf names a point's other swept values: the series it belongs to.
	restOf := func(p results.Point) string {
		var rest results.Point
		for _, f := range p {
			if f.Name != first {
				rest = append(rest, f)
			}
		}
		return rest.String()
	}
	palette := []string{"#9467bd", "#2ca02c", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"}
	var plots []sweepPlot
	for _, m := range []eval.Metric{eval.NDCGAt20, eval.RecallAt20} {
		sp := sweepPlot{title: "OneBP - TwoBP " + string(m) + ", 95% intervals", xlabel: axis, logX: logX}
		bySeries := map[string]int{}
		for i, p := range pts {
			for _, c := range cs {
				if c.Dataset != results.CellName(dataset, p) || c.Metric != m {
					continue
				}
				key := restOf(p)
				k, ok := bySeries[key]
				if !ok {
					k = len(sp.series)
					bySeries[key] = k
					label := "OneBP - TwoBP"
					if key != "" {
						label += " at " + key
					}
					sp.series = append(sp.series, sweepSeries{label: label, color: palette[k%len(palette)]})
				}
				s := &sp.series[k]
				s.x, s.y, s.lo, s.hi = append(s.x, xs[i]), append(s.y, c.Mean), append(s.lo, c.Lo), append(s.hi, c.Hi)
			}
		}
		plots = append(plots, sp)
	}
	for _, panel := range []struct {
		c     measure
		title string
		scale float64
		timed bool
	}{{epochTime, "median epoch (s)", 1, true}, {selectedEpochs, "epochs to the selected state", 1, false}, {runTime, "training time of the run (s)", 1, true}, {stateSize, "state memory (MB)", 1e-6, false}} {
		c := panel.c
		sp := sweepPlot{title: panel.title, xlabel: axis, logX: logX}
		for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
			bySeries, base := map[string]int{}, len(sp.series)
			for i, p := range pts {
				sp2, ok := spread(ofStrategy(cells[results.CellName(dataset, p)], s), c.get)
				if !ok {
					continue
				}
				key := restOf(p)
				if s == model.TwoBP {
					key = restOf(p.Without(model.TwoBP))
				}
				k, seen := bySeries[key]
				if !seen {
					k = len(sp.series)
					bySeries[key] = k
					label := StrategyLabel(s)
					if key != "" {
						label += " at " + key
					}
					sp.series = append(sp.series, sweepSeries{label: label, color: StrategyColor(s), dash: k - base})
				}
				ser := &sp.series[k]
				if slices.Contains(ser.x, xs[i]) {
					continue // TwoBP's one run beside several OneBP points
				}
				elsewhere := panel.timed && apart[s][i]
				ser.x, ser.y, ser.hollow = append(ser.x, xs[i]), append(ser.y, sp2.Mean*panel.scale), append(ser.hollow, elsewhere)
				if elsewhere {
					sp.hollowNote = hollowNote
				}
			}
		}
		plots = append(plots, sp)
	}
	return drawSweep(w, "Sweep of "+strings.Join(names, " x ")+" on "+dataset, plots)
}

// timedElsewhere says, for groups of runs, which were timed (timedAt)
// elsewhere than most of them were. Where no place holds more of the
// groups than any other, or none holds two, no time is comparable with
// another and every group is apart; a single group stands alone.
func timedElsewhere(groups [][]*results.Run) []bool {
	where, count := make([]string, len(groups)), map[string]int{}
	for i, g := range groups {
		where[i] = timedAt(g)
		count[where[i]]++
	}
	usual, most, tie := "", 0, false
	for _, w := range where {
		switch c := count[w]; {
		case c > most:
			usual, most, tie = w, c, false
		case c == most && w != usual:
			tie = true
		}
	}
	apart := make([]bool, len(groups))
	for i, w := range where {
		apart[i] = len(groups) > 1 && (w != usual || most < 2 || tie)
	}
	return apart
}

// hollowNote is the time panels' legend for points drawn hollow.
const hollowNote = "hollow: timed apart from most points"

// drawSweep writes the panels two to a row, each with its own legend.
func drawSweep(w io.Writer, title string, plots []sweepPlot) error {
	const pw, ph, head = 460, 340, 24
	bw := bufio.NewWriter(w)
	rows := (len(plots) + 1) / 2
	width, height := 2*pw, ph*rows+head
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n",
		width, height, width, height)
	fmt.Fprintf(bw, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	fmt.Fprintf(bw, `<text x="%d" y="17" text-anchor="middle" font-size="14">%s</text>`+"\n", width/2, html.EscapeString(title))
	for k, p := range plots {
		drawSweepPanel(bw, p, float64(k%2*pw), float64(head+k/2*ph), pw, ph)
	}
	fmt.Fprintln(bw, "</svg>")
	return bw.Flush()
}

func drawSweepPanel(w io.Writer, p sweepPlot, ox, oy float64, pw, ph int) {
	const l, r, t, b = 64, 16, 30, 70
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), 0.0, 0.0 // y shows 0 unless fitY
	if p.fitY {
		ymin, ymax = math.Inf(1), math.Inf(-1)
	}
	for _, s := range p.series {
		for i := range s.x {
			xmin, xmax = math.Min(xmin, s.x[i]), math.Max(xmax, s.x[i])
			ymin, ymax = math.Min(ymin, s.y[i]), math.Max(ymax, s.y[i])
			if len(s.lo) > 0 {
				ymin, ymax = math.Min(ymin, s.lo[i]), math.Max(ymax, s.hi[i])
			}
		}
	}
	if math.IsInf(xmin, 0) {
		return
	}
	fx := func(x float64) float64 { return x }
	if p.logX {
		fx = math.Log
	}
	if xmin == xmax {
		xmin, xmax = xmin-1, xmax+1
		if p.logX {
			xmin, xmax = xmin/2+0.5, xmax*2
		}
	}
	pad := 0.05 * (ymax - ymin)
	if pad == 0 {
		pad = 1
	}
	ymin, ymax = ymin-pad, ymax+pad
	plotW, plotH := float64(pw-l-r), float64(ph-t-b)
	px := func(x float64) float64 { return ox + l + (fx(x)-fx(xmin))/(fx(xmax)-fx(xmin))*plotW*0.9 + plotW*0.05 }
	py := func(y float64) float64 { return oy + t + plotH - (y-ymin)/(ymax-ymin)*plotH }
	fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="12">%s</text>`+"\n", ox+l+plotW/2, oy+18, html.EscapeString(p.title))
	fmt.Fprintf(w, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#555"/>`+"\n", ox+l, oy+t, plotW, plotH)
	if ymin <= 0 && ymax >= 0 {
		fmt.Fprintf(w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#999" stroke-dasharray="3,3"/>`+"\n", ox+l, py(0), ox+l+plotW, py(0))
	}
	for _, v := range ticksWithin(ymin, ymax) {
		fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", ox+l-4, py(v)+4, tickLabel(v))
	}
	var ticks []float64
	for _, s := range p.series {
		for _, x := range s.x {
			if !slices.Contains(ticks, x) {
				ticks = append(ticks, x)
			}
		}
	}
	for _, x := range tickValues(ticks, p.logX) {
		fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", px(x), oy+t+plotH+15, tickLabel(x))
	}
	axis := p.xlabel
	if p.logX {
		axis += " (log scale)"
	}
	// legendAt is where legend entry k goes: two to a column below the axis.
	legendAt := func(k int) (x, y float64) {
		return ox + l + float64(k/2)*180, oy + t + plotH + 46 + float64(k%2)*14
	}
	fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", ox+l+plotW/2, oy+t+plotH+30, html.EscapeString(axis))
	for k, s := range p.series {
		order := make([]int, len(s.x))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return cmpFloat(s.x[a], s.x[b]) })
		var pts []string
		for _, i := range order {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(s.x[i]), py(s.y[i])))
			if len(s.lo) > 0 {
				fmt.Fprintf(w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`+"\n", px(s.x[i]), py(s.lo[i]), px(s.x[i]), py(s.hi[i]), s.color)
			}
			if len(s.hollow) > 0 && s.hollow[i] {
				fmt.Fprintf(w, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="white" stroke="%s" stroke-width="1.5"/>`+"\n", px(s.x[i]), py(s.y[i]), s.color)
				continue
			}
			fmt.Fprintf(w, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", px(s.x[i]), py(s.y[i]), s.color)
		}
		dash := ""
		if s.dash > 0 {
			dash = fmt.Sprintf(` stroke-dasharray="%d,3"`, 2+3*s.dash)
		}
		if len(pts) > 1 && !s.scatter {
			fmt.Fprintf(w, `<polyline fill="none" stroke="%s" stroke-width="1.5"%s points="%s"/>`+"\n", s.color, dash, strings.Join(pts, " "))
		}
		lx, ly := legendAt(k)
		fmt.Fprintf(w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"%s/>`+"\n", lx, ly-4, lx+18, ly-4, s.color, dash)
		fmt.Fprintf(w, `<text x="%.1f" y="%.1f">%s</text>`+"\n", lx+22, ly, html.EscapeString(s.label))
	}
	if p.hollowNote != "" {
		lx, ly := legendAt(len(p.series))
		fmt.Fprintf(w, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="white" stroke="#555" stroke-width="1.5"/>`+"\n", lx+9, ly-4)
		fmt.Fprintf(w, `<text x="%.1f" y="%.1f">%s</text>`+"\n", lx+22, ly, html.EscapeString(p.hollowNote))
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
