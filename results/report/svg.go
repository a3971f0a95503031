package report

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"
	"strings"

	"onebp/model"
	"onebp/model/eval"
	"onebp/results"
)

// A Series is one line of a plot.
type Series struct {
	Label  string
	Color  string
	X, Y   []float64
	Dashed bool
	// Points draws a dot at every point and no line: for a few published
	// values, which a line would pass off as a measured curve.
	Points bool
}

// A Plot is one panel: axes, title and lines.
type Plot struct {
	Title, XLabel, YLabel string
	Series                []Series
}

const (
	panelW, panelH         = 440, 320
	padL, padR, padT, padB = 58, 16, 30, 46
)

// StrategyLabel and StrategyColor are how tables and plots show a
// strategy.
func StrategyLabel(s model.Strategy) string {
	if s == model.OneBP {
		return "OneBP"
	}
	return "TwoBP"
}

func StrategyColor(s model.Strategy) string {
	if s == model.OneBP {
		return "#d62728"
	}
	return "#1f77b4"
}

// panelsPerRow is how many panels WriteSVG puts side by side.
const panelsPerRow = 2

// WriteSVG draws the plots as a standalone SVG document, two panels to a
// row, written with the standard library only.
func WriteSVG(w io.Writer, plots []Plot) error {
	bw := bufio.NewWriter(w)
	cols := min(len(plots), panelsPerRow)
	rows := (len(plots) + panelsPerRow - 1) / panelsPerRow
	width, height := panelW*cols, panelH*rows+24
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n",
		width, height, width, height)
	fmt.Fprintf(bw, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	for k, p := range plots {
		drawPanel(bw, p, float64(k%panelsPerRow*panelW), float64(k/panelsPerRow*panelH))
	}
	// One legend for all panels: the series of the first.
	x, y := 10.0, panelH*rows+12
	for _, s := range plots[0].Series {
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="5,3"`
		}
		if s.Points {
			fmt.Fprintf(bw, `<circle cx="%.0f" cy="%d" r="3" fill="%s"/>`+"\n", x+11, y, s.Color)
		} else {
			fmt.Fprintf(bw, `<line x1="%.0f" y1="%d" x2="%.0f" y2="%d" stroke="%s" stroke-width="2"%s/>`+"\n", x, y, x+22, y, s.Color, dash)
		}
		fmt.Fprintf(bw, `<text x="%.0f" y="%d">%s</text>`+"\n", x+27, y+4, html.EscapeString(s.Label))
		x += 40 + 6.5*float64(len(s.Label))
	}
	fmt.Fprintln(bw, "</svg>")
	return bw.Flush()
}

// drawPanel draws p with its top left corner at (ox, oy).
func drawPanel(w io.Writer, p Plot, ox, oy float64) {
	xmax, ymax := 0.0, 0.0
	for _, s := range p.Series {
		for i := range s.X {
			xmax, ymax = math.Max(xmax, s.X[i]), math.Max(ymax, s.Y[i])
		}
	}
	xt, yt := ticks(xmax), ticks(ymax*1.05)
	xmax, ymax = xt[len(xt)-1], yt[len(yt)-1]
	plotW, plotH := float64(panelW-padL-padR), float64(panelH-padT-padB)
	px := func(x float64) float64 { return ox + padL + x/xmax*plotW }
	py := func(y float64) float64 { return oy + padT + plotH - y/ymax*plotH }
	fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="13">%s</text>`+"\n", ox+padL+plotW/2, oy+18, html.EscapeString(p.Title))
	for _, t := range yt {
		fmt.Fprintf(w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e5e5"/>`+"\n", px(0), py(t), px(xmax), py(t))
		fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", px(0)-4, py(t)+4, tickLabel(t))
	}
	for _, t := range xt {
		fmt.Fprintf(w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e5e5"/>`+"\n", px(t), py(0), px(t), py(ymax))
		fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", px(t), py(0)+15, tickLabel(t))
	}
	fmt.Fprintf(w, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#555"/>`+"\n", px(0), oy+padT, plotW, plotH)
	fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", ox+padL+plotW/2, oy+panelH-8, html.EscapeString(p.XLabel))
	fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="middle" transform="rotate(-90 %.1f %.1f)">%s</text>`+"\n",
		ox+14, oy+padT+plotH/2, ox+14, oy+padT+plotH/2, html.EscapeString(p.YLabel))
	for _, s := range p.Series {
		var pts []string
		for i := range s.X {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(s.X[i]), py(s.Y[i])))
		}
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="5,3"`
		}
		if len(pts) > 1 && !s.Points {
			fmt.Fprintf(w, `<polyline fill="none" stroke="%s" stroke-width="1.6"%s points="%s"/>`+"\n", s.Color, dash, strings.Join(pts, " "))
		}
		if s.Points || len(pts) == 1 {
			for i := range s.X {
				fmt.Fprintf(w, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", px(s.X[i]), py(s.Y[i]), s.Color)
			}
		}
	}
}

// ticks returns 0 and round steps covering [0, max].
func ticks(max float64) []float64 {
	if !(max > 0) {
		return []float64{0, 1}
	}
	step := roundStep(max, 6)
	var t []float64
	for v := 0.0; ; v += step {
		t = append(t, v)
		if v >= max {
			return t
		}
	}
}

// ticksWithin returns the multiples of a round step (1, 2, 2.5 or 5
// times a power of ten) that lie in [lo, hi], two to six of them, so that
// an axis over any range is read at round values.
func ticksWithin(lo, hi float64) []float64 {
	span := hi - lo
	if !(span > 0) {
		return []float64{lo}
	}
	step := roundStep(span, 5)
	// A relative slack keeps ends such as -0.3 / 0.1 = -2.9999999999999996
	// inside.
	const slack = 1e-9
	var t []float64
	for k := math.Ceil(lo/step - slack); k <= math.Floor(hi/step+slack); k++ {
		t = append(t, k*step+0) // +0: no "-0"
	}
	return t
}

// roundStep is the least of 1, 2, 2.5, 5 and 10 times 10^floor(log10(span
// / 5)) that cuts span into at most most steps.
func roundStep(span, most float64) float64 {
	step := math.Pow(10, math.Floor(math.Log10(span/5)))
	for _, m := range []float64{1, 2, 2.5, 5} {
		if span/(step*m) <= most {
			return step * m
		}
	}
	return step * 10
}

func tickLabel(v float64) string { return strings.TrimSuffix(fmt.Sprintf("%.4g", v), ".0") }

// CurvePlots are a dataset's learning curves, one line per run: recall at
// 20 against the epoch and against cumulative training seconds, NDCG at 20
// and the training loss against the epoch.
func CurvePlots(dataset string, runs []*results.Run) []Plot {
	recall, ndcg := string(eval.RecallAt20), string(eval.NDCGAt20)
	plots := []Plot{
		{Title: dataset + ": " + recall + " by epoch", XLabel: "epochs trained", YLabel: recall},
		{Title: dataset + ": " + recall + " by training time", XLabel: "training seconds (excluding evaluation)", YLabel: recall},
		{Title: dataset + ": " + ndcg + " by epoch", XLabel: "epochs trained", YLabel: ndcg},
		{Title: dataset + ": training loss by epoch", XLabel: "epochs trained", YLabel: "mean sampled-softmax loss"},
	}
	for _, r := range runs {
		line := Series{Label: StrategyLabel(r.Strategy()), Color: StrategyColor(r.Strategy())}
		byEpoch, bySeconds, ndcgByEpoch, loss := line, line, line, line
		elapsed := 0.0
		for _, e := range r.Epochs {
			elapsed += e.TrainSeconds
			x := float64(e.Epoch + 1) // epochs trained
			loss.X, loss.Y = append(loss.X, x), append(loss.Y, e.Loss)
			if v, ok := e.Metrics[eval.RecallAt20]; ok {
				byEpoch.X, byEpoch.Y = append(byEpoch.X, x), append(byEpoch.Y, v)
				bySeconds.X, bySeconds.Y = append(bySeconds.X, elapsed), append(bySeconds.Y, v)
			}
			if v, ok := e.Metrics[eval.NDCGAt20]; ok {
				ndcgByEpoch.X, ndcgByEpoch.Y = append(ndcgByEpoch.X, x), append(ndcgByEpoch.Y, v)
			}
		}
		for i, s := range []Series{byEpoch, bySeconds, ndcgByEpoch, loss} {
			plots[i].Series = append(plots[i].Series, s)
		}
	}
	return plots
}
