package results

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"
	"onebp/model"
	"onebp/model/eval"
	"strings"
)

// A Series is one line of a plot.
type Series struct {
	Label   string
	Color   string
	X, Y    []float64
	Dashed  bool
	Markers bool // draw a dot at every point
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

// WriteSVG draws the plots side by side as a standalone SVG document,
// written with the standard library only.
func WriteSVG(w io.Writer, plots []Plot) error {
	bw := bufio.NewWriter(w)
	width := panelW * len(plots)
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n",
		width, panelH+24, width, panelH+24)
	fmt.Fprintf(bw, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, panelH+24)
	for k, p := range plots {
		drawPanel(bw, p, float64(k*panelW))
	}
	// One legend for all panels: the series of the first.
	x := 10.0
	for _, s := range plots[0].Series {
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="5,3"`
		}
		fmt.Fprintf(bw, `<line x1="%.0f" y1="%d" x2="%.0f" y2="%d" stroke="%s" stroke-width="2"%s/>`+"\n", x, panelH+12, x+22, panelH+12, s.Color, dash)
		fmt.Fprintf(bw, `<text x="%.0f" y="%d">%s</text>`+"\n", x+27, panelH+16, html.EscapeString(s.Label))
		x += 40 + 6.5*float64(len(s.Label))
	}
	fmt.Fprintln(bw, "</svg>")
	return bw.Flush()
}

func drawPanel(w io.Writer, p Plot, ox float64) {
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
	py := func(y float64) float64 { return padT + plotH - y/ymax*plotH }
	fmt.Fprintf(w, `<text x="%.1f" y="18" text-anchor="middle" font-size="13">%s</text>`+"\n", ox+padL+plotW/2, html.EscapeString(p.Title))
	for _, t := range yt {
		fmt.Fprintf(w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e5e5"/>`+"\n", px(0), py(t), px(xmax), py(t))
		fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", px(0)-4, py(t)+4, tickLabel(t))
	}
	for _, t := range xt {
		fmt.Fprintf(w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e5e5"/>`+"\n", px(t), py(0), px(t), py(ymax))
		fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", px(t), py(0)+15, tickLabel(t))
	}
	fmt.Fprintf(w, `<rect x="%.1f" y="%d" width="%.1f" height="%.1f" fill="none" stroke="#555"/>`+"\n", px(0), padT, plotW, plotH)
	fmt.Fprintf(w, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", ox+padL+plotW/2, panelH-8, html.EscapeString(p.XLabel))
	fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="middle" transform="rotate(-90 %.1f %.1f)">%s</text>`+"\n",
		ox+14, padT+plotH/2, ox+14, padT+plotH/2, html.EscapeString(p.YLabel))
	for _, s := range p.Series {
		var pts []string
		for i := range s.X {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(s.X[i]), py(s.Y[i])))
		}
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="5,3"`
		}
		if len(pts) > 1 {
			fmt.Fprintf(w, `<polyline fill="none" stroke="%s" stroke-width="1.6"%s points="%s"/>`+"\n", s.Color, dash, strings.Join(pts, " "))
		}
		if s.Markers || len(pts) == 1 {
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
	step := math.Pow(10, math.Floor(math.Log10(max/5)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if max/(step*m) <= 6 {
			step *= m
			break
		}
	}
	var t []float64
	for v := 0.0; ; v += step {
		t = append(t, v)
		if v >= max {
			return t
		}
	}
}

func tickLabel(v float64) string { return strings.TrimSuffix(fmt.Sprintf("%.4g", v), ".0") }

// CurvePlots are a dataset's learning curves: recall at 20 against the
// epoch and against cumulative training seconds, one line per run.
func CurvePlots(dataset string, runs []*Run) []Plot {
	m := string(eval.RecallAt20)
	byEpoch := Plot{Title: dataset + ": " + m + " by epoch", XLabel: "epoch", YLabel: m}
	bySeconds := Plot{Title: dataset + ": " + m + " by training time", XLabel: "training seconds (excluding evaluation)", YLabel: m}
	for _, r := range runs {
		se := Series{Label: StrategyLabel(r.Strategy()), Color: StrategyColor(r.Strategy())}
		ss := se
		elapsed := 0.0
		for _, e := range r.Epochs {
			elapsed += e.TrainSeconds
			if v, ok := e.Metrics[eval.RecallAt20]; ok {
				se.X, se.Y = append(se.X, float64(e.Epoch)), append(se.Y, v)
				ss.X, ss.Y = append(ss.X, elapsed), append(ss.Y, v)
			}
		}
		byEpoch.Series = append(byEpoch.Series, se)
		bySeconds.Series = append(bySeconds.Series, ss)
	}
	return []Plot{byEpoch, bySeconds}
}
