package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// figure is one plot of a comparison, rendered as SVG.
type figure struct {
	// File is the SVG file name written beside report.md.
	File string
	// Title describes the plot (alt text and caption).
	Title string
	SVG   []byte
}

// Plot sizes: wide enough for a legend beside the curves, small enough
// for a printed page.
const (
	plotWidth  = 7 * vg.Inch
	plotHeight = 3.6 * vg.Inch
)

// colorOf is the colour of configuration i: dark grey for the first (the
// baseline), then the Okabe–Ito colours, which stay distinguishable with
// colour-vision deficiencies. Lines also differ by dash pattern and
// markers by shape, for print in grey.
func colorOf(i int) color.RGBA {
	palette := [...]color.RGBA{
		{0x33, 0x33, 0x33, 0xff},
		{0x00, 0x72, 0xb2, 0xff},
		{0xd5, 0x5e, 0x00, 0xff},
		{0x00, 0x9e, 0x73, 0xff},
		{0xcc, 0x79, 0xa7, 0xff},
		{0xe6, 0x9f, 0x00, 0xff},
		{0x56, 0xb4, 0xe9, 0xff},
		{0x99, 0x66, 0x00, 0xff},
	}
	return palette[i%len(palette)]
}

// dashesOf is the dash pattern of configuration i's line.
func dashesOf(i int) []vg.Length {
	switch i % 5 {
	case 1:
		return []vg.Length{vg.Points(6), vg.Points(2)}
	case 2:
		return []vg.Length{vg.Points(2), vg.Points(2)}
	case 3:
		return []vg.Length{vg.Points(6), vg.Points(2), vg.Points(2), vg.Points(2)}
	case 4:
		return []vg.Length{vg.Points(10), vg.Points(3)}
	}
	return nil
}

// glyphOf is the marker shape of configuration i.
func glyphOf(i int) draw.GlyphDrawer {
	glyphs := [...]draw.GlyphDrawer{
		draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PlusGlyph{},
		draw.CrossGlyph{}, draw.RingGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{},
	}
	return glyphs[i%len(glyphs)]
}

func fade(c color.RGBA, alpha uint8) color.NRGBA {
	return color.NRGBA{R: c.R, G: c.G, B: c.B, A: alpha}
}

// sans returns the Liberation Sans face at size points.
func sans(size vg.Length) font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
}

// newPlot returns a plot with sans-serif text, a light grid and labels.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = sans(13)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sans(11)
		a.Tick.Label.Font = sans(10)
		a.Label.Padding = vg.Points(4)
	}
	p.Legend.TextStyle.Font = sans(10)
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{0xdd}
	g.Horizontal.Color = color.Gray{0xdd}
	p.Add(g)
	return p
}

// label is a configuration's name in plots, with the baseline marked.
func label(s *Summary) string {
	if s.Baseline {
		return s.Config + " (baseline)"
	}
	return s.Config
}

// chart is a plot before rendering: its legend entries (drawn beside or
// below it) and its canvas height.
type chart struct {
	p      *plot.Plot
	legend []legendEntry
	height vg.Length
}

// figures renders the plots of a comparison; slug prefixes the file names.
func (c *Comparison) figures(slug string) ([]figure, error) {
	makers := []struct {
		suffix, title string
		draw          func() (chart, error)
	}{
		{"accuracy", "Test accuracy per epoch", c.curvePlot},
		{"final", "Final test accuracy per configuration", c.finalPlot},
		{"params", "Final test accuracy against parameter count", c.paramsPlot},
		{"time", "Wall time per epoch", c.timePlot},
	}
	var out []figure
	for _, m := range makers {
		ch, err := m.draw()
		if err != nil {
			return nil, fmt.Errorf("report: plotting %s of %s on %s: %w", m.suffix, c.Model, c.Dataset, err)
		}
		out = append(out, figure{
			File:  slug + "-" + m.suffix + ".svg",
			Title: fmt.Sprintf("%s: %s on %s", m.title, c.Model, c.Dataset),
			SVG:   renderSVG(ch),
		})
	}
	return out, nil
}

// legendEntry is one line of a legend: a name and the styles it shows.
type legendEntry struct {
	name   string
	thumbs []plot.Thumbnailer
}

// newLegend returns a legend with the given entries, anchored top left.
func newLegend(entries []legendEntry) plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Font = sans(10)
	l.Top, l.Left = true, true
	l.Padding = vg.Points(3)
	l.ThumbnailWidth = vg.Points(28)
	for _, e := range entries {
		l.Add(e.name, e.thumbs...)
	}
	return l
}

// renderSVG draws a chart with its legend entries in a column to the
// right, or, when the names are long, in up to three columns below (the
// canvas grows to make room). The margins leave room for viewers that substitute a wider font for
// Liberation Sans (e.g. DejaVu Sans, about 10% wider).
func renderSVG(ch chart) []byte {
	const slack = 1.2 // width allowance for a substituted font
	p, entries := ch.p, ch.legend
	gap := vg.Points(12)
	full := newLegend(entries)
	// Measuring text needs no canvas size: a zero canvas will do.
	entryW := slack * full.Rectangle(draw.Canvas{}).Size().X
	entryH := full.TextStyle.Height("Xg") + full.Padding
	height := ch.height
	if height == 0 {
		height = plotHeight
	}
	// A legend wider than 30% of the plot goes below it, in as many
	// columns (up to three) as fit, filled column by column.
	below := len(entries) > 0 && entryW+gap > 0.3*plotWidth
	cols, rows := 0, 0
	if below {
		cols = max(1, min(3, int((plotWidth-gap)/(entryW+gap)), len(entries)))
		rows = (len(entries) + cols - 1) / cols
		height += vg.Length(rows)*entryH + gap
	}

	cv := vgsvg.New(plotWidth, height)
	dc := draw.New(cv)
	// The title spans the whole canvas, so a wide legend cannot push it
	// off the plot area.
	top := vg.Points(6)
	if title := p.Title.Text; title != "" {
		p.Title.Text = ""
		dc.FillText(p.Title.TextStyle, vg.Point{X: plotWidth / 2, Y: height - top}, title)
		top += p.Title.TextStyle.Height(title) + p.Title.Padding
	}
	right, bottom := vg.Points(14), vg.Length(0)
	switch {
	case below:
		bottom = vg.Length(rows)*entryH + gap
		colW := (plotWidth - gap) / vg.Length(cols)
		for k := range cols {
			lo, hi := k*rows, min((k+1)*rows, len(entries))
			leg := newLegend(entries[lo:hi])
			x := gap + vg.Length(k)*colW
			leg.Draw(draw.Crop(dc, x, -(plotWidth - x - colW), vg.Points(4), -(height - bottom)))
		}
	case len(entries) > 0:
		right = entryW + gap
		leg := newLegend(entries)
		leg.Draw(draw.Crop(dc, plotWidth-right, -vg.Points(4), 0, -top))
	}
	p.Draw(draw.Crop(dc, 0, -right, bottom, -top))
	var b bytes.Buffer
	if _, err := cv.WriteTo(&b); err != nil {
		panic("report: writing SVG to memory: " + err.Error()) // bytes.Buffer does not fail
	}
	// The SVG names the Liberation fonts its text was measured with; list
	// metric-compatible fallbacks for viewers without them.
	s := strings.ReplaceAll(b.String(), "font-family:Liberation Sans;",
		"font-family:'Liberation Sans',Arimo,Arial,Helvetica,sans-serif;")
	return []byte(s)
}

// curvePlot: mean test accuracy per epoch per configuration, with a band
// from the lowest to the highest seed.
func (c *Comparison) curvePlot() (chart, error) {
	p := newPlot("Test accuracy per epoch (line: mean; band: min–max over seeds)", "epoch", "test accuracy (%)")
	var legend []legendEntry
	var lines []plot.Plotter
	maxEpoch := 1
	for i := range c.Configs {
		s := &c.Configs[i]
		var mean, lo, hi plotter.XYs
		spread := false
		for _, e := range s.Curve {
			a := e.TestAcc
			if math.IsNaN(a.Mean) {
				continue
			}
			x := float64(e.Epoch)
			mean = append(mean, plotter.XY{X: x, Y: 100 * a.Mean})
			lo = append(lo, plotter.XY{X: x, Y: 100 * a.Min})
			hi = append(hi, plotter.XY{X: x, Y: 100 * a.Max})
			spread = spread || a.N > 1
			maxEpoch = max(maxEpoch, e.Epoch)
		}
		if len(mean) == 0 {
			continue
		}
		// The band is one polygon: along the minima, back along the maxima.
		// A single epoch has no band; the final-accuracy plot shows it.
		if spread && len(mean) > 1 {
			band := append(plotter.XYs{}, lo...)
			for k := len(hi) - 1; k >= 0; k-- {
				band = append(band, hi[k])
			}
			poly, err := plotter.NewPolygon(band)
			if err != nil {
				return chart{}, err
			}
			poly.Color = fade(colorOf(i), 0x38)
			poly.LineStyle.Width = 0
			p.Add(poly)
		}
		l, sc, err := plotter.NewLinePoints(mean)
		if err != nil {
			return chart{}, err
		}
		l.Color = colorOf(i)
		l.Width = vg.Points(1.6)
		l.Dashes = dashesOf(i)
		entry := legendEntry{label(s), []plot.Thumbnailer{l}}
		lines = append(lines, l)
		if len(mean) <= maxMarkedEpochs {
			sc.Color = colorOf(i)
			sc.Shape = glyphOf(i)
			sc.Radius = vg.Points(2.5)
			lines = append(lines, sc)
			entry.thumbs = append(entry.thumbs, sc)
		}
		legend = append(legend, entry)
	}
	p.Add(lines...)
	p.X.Min, p.X.Max = 0.5, float64(maxEpoch)+0.5
	p.X.Tick.Marker = integerTicks{}
	padY(p)
	return chart{p: p, legend: legend}, nil
}

// padLabel appends spaces to a tick label at the right end of an axis.
// gonum/plot places such a label by its width in Liberation Sans; a viewer
// that substitutes a wider font would draw it across the axis. The spaces
// (not drawn: SVG drops trailing white space) move it left by about 15%
// of its width.
func padLabel(s string) string {
	return s + strings.Repeat(" ", (3*width(s)+9)/10)
}

// maxMarkedEpochs: longer curves are drawn without a marker per epoch,
// which would crowd them; dash patterns still tell them apart.
const maxMarkedEpochs = 15

// categoryHeight is the canvas height of a plot with one row per
// configuration.
func categoryHeight(n int) vg.Length {
	return max(2.4*vg.Inch, vg.Points(110)+vg.Length(n)*vg.Points(26))
}

// finalPlot: final test accuracy per configuration, one row each
// (baseline on top), mean ± std with every seed as a hollow ring, and the
// baseline's mean as a dashed line.
func (c *Comparison) finalPlot() (chart, error) {
	p := newPlot("Final test accuracy (dot: mean; bar: ± std; rings: seeds)", "final test accuracy (%)", "")
	n := len(c.Configs)
	names := make([]string, n)
	for i := range c.Configs {
		s := &c.Configs[i]
		y := float64(n - 1 - i)
		names[n-1-i] = padLabel(label(s))
		if c.Baseline >= 0 && i == c.Baseline && s.TestAcc.N > 0 && !math.IsNaN(s.TestAcc.Mean) {
			m := 100 * s.TestAcc.Mean
			base, err := plotter.NewLine(plotter.XYs{{X: m, Y: -0.5}, {X: m, Y: float64(n) - 0.5}})
			if err != nil {
				return chart{}, err
			}
			base.Color = colorOf(i)
			base.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			base.Width = vg.Points(0.8)
			p.Add(base)
		}
		var seeds plotter.XYs
		for _, r := range s.Runs {
			if r.Finished() && !math.IsNaN(r.Final.TestAcc) {
				seeds = append(seeds, plotter.XY{X: 100 * r.Final.TestAcc, Y: y})
			}
		}
		if len(seeds) > 1 {
			sc, err := plotter.NewScatter(seeds)
			if err != nil {
				return chart{}, err
			}
			sc.Shape = draw.RingGlyph{}
			sc.Color = fade(colorOf(i), 0x99)
			sc.Radius = vg.Points(3)
			p.Add(sc)
		}
		if s.TestAcc.N == 0 || math.IsNaN(s.TestAcc.Mean) {
			continue
		}
		pt := plotter.XYs{{X: 100 * s.TestAcc.Mean, Y: y}}
		if s.TestAcc.N > 1 {
			sd := 100 * s.TestAcc.Std
			eb, err := plotter.NewXErrorBars(xErrPoints{pt, plotter.XErrors{{Low: sd, High: sd}}})
			if err != nil {
				return chart{}, err
			}
			eb.Color = colorOf(i)
			eb.Width = vg.Points(1.4)
			eb.CapWidth = vg.Points(8)
			p.Add(eb)
		}
		sc, err := plotter.NewScatter(pt)
		if err != nil {
			return chart{}, err
		}
		sc.Color = colorOf(i)
		sc.Shape = draw.CircleGlyph{}
		sc.Radius = vg.Points(4)
		p.Add(sc)
	}
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.Y.Tick.Label.Font = sans(10)
	padX(p)
	return chart{p: p, height: categoryHeight(n)}, nil
}

// paramsPlot: final test accuracy against total parameter count, one
// labelled point per configuration with ± std bars.
func (c *Comparison) paramsPlot() (chart, error) {
	p := newPlot("Final test accuracy against parameter count (mean ± std)", "trainable parameters (total)", "final test accuracy (%)")
	lo, hi := math.Inf(1), math.Inf(-1)
	n := 0
	for i := range c.Configs {
		s := &c.Configs[i]
		if s.TestAcc.N > 0 && !math.IsNaN(s.TestAcc.Mean) {
			lo = math.Min(lo, float64(s.Params.Total))
			hi = math.Max(hi, float64(s.Params.Total))
			n++
		}
	}
	// Parameter counts spanning more than a factor of 20 read better on a
	// logarithmic axis.
	logX := n > 0 && lo > 0 && hi/lo >= 20
	var labels []*plotter.Labels
	for i := range c.Configs {
		s := &c.Configs[i]
		if s.TestAcc.N == 0 || math.IsNaN(s.TestAcc.Mean) {
			continue
		}
		pt := plotter.XYs{{X: float64(s.Params.Total), Y: 100 * s.TestAcc.Mean}}
		if s.TestAcc.N > 1 {
			eb, err := plotter.NewYErrorBars(errPoints{pt, plotter.YErrors{{Low: 100 * s.TestAcc.Std, High: 100 * s.TestAcc.Std}}})
			if err != nil {
				return chart{}, err
			}
			eb.Color = colorOf(i)
			eb.Width = vg.Points(1.2)
			p.Add(eb)
		}
		sc, err := plotter.NewScatter(pt)
		if err != nil {
			return chart{}, err
		}
		sc.Color = colorOf(i)
		sc.Shape = glyphOf(i)
		sc.Radius = vg.Points(4)
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: pt, Labels: []string{label(s)}})
		if err != nil {
			return chart{}, err
		}
		lb.TextStyle[0].Font = sans(9)
		lb.TextStyle[0].Color = colorOf(i)
		labels = append(labels, lb)
		p.Add(sc)
	}
	if n == 0 {
		lo, hi = 0, 1
	}
	if logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		p.X.Min, p.X.Max = lo/1.6, hi*1.6
	} else {
		pad := 0.1 * (hi - lo)
		if pad == 0 {
			pad = math.Max(1, 0.1*hi)
		}
		p.X.Min, p.X.Max = math.Max(0, lo-pad), hi+pad
		p.X.Tick.Marker = thousandsTicks{}
	}
	// Labels go right of their point, or left of it in the right part of
	// the plot, so that they stay inside the frame.
	for _, lb := range labels {
		lb.Offset = vg.Point{X: vg.Points(7), Y: vg.Points(3)}
		if p.X.Norm(lb.XYs[0].X) > 0.6 {
			lb.Offset.X = -vg.Points(7)
			lb.TextStyle[0].XAlign = draw.XRight
		}
		p.Add(lb)
	}
	padY(p)
	return chart{p: p}, nil
}

// timePlot: mean wall seconds per epoch per configuration, one bar per
// row (baseline on top), ± std over epochs.
func (c *Comparison) timePlot() (chart, error) {
	p := newPlot("Wall time per epoch (bar: mean; whisker: ± std over epochs)", "seconds per epoch (s)", "")
	n := len(c.Configs)
	names := make([]string, n)
	for i := range c.Configs {
		s := &c.Configs[i]
		y := float64(n - 1 - i)
		names[n-1-i] = padLabel(label(s))
		m := s.EpochSeconds.Mean
		if s.EpochSeconds.N == 0 || math.IsNaN(m) {
			continue
		}
		bar, err := plotter.NewBarChart(plotter.Values{m}, vg.Points(16))
		if err != nil {
			return chart{}, err
		}
		bar.Horizontal = true
		bar.XMin = y
		bar.Color = fade(colorOf(i), 0xcc)
		bar.LineStyle.Width = 0
		p.Add(bar)
		if s.EpochSeconds.N > 1 {
			sd := s.EpochSeconds.Std
			eb, err := plotter.NewXErrorBars(xErrPoints{plotter.XYs{{X: m, Y: y}}, plotter.XErrors{{Low: sd, High: sd}}})
			if err != nil {
				return chart{}, err
			}
			eb.Width = vg.Points(1)
			p.Add(eb)
		}
	}
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.Y.Tick.Label.Font = sans(10)
	p.X.Min = 0
	if !math.IsInf(p.X.Max, 0) {
		p.X.Max *= 1.08
	}
	return chart{p: p, height: categoryHeight(n)}, nil
}

// errPoints pairs points with vertical error bars for plotter.YErrorBars.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

// xErrPoints pairs points with horizontal error bars for
// plotter.XErrorBars.
type xErrPoints struct {
	plotter.XYs
	plotter.XErrors
}

// padX widens the x range by 8% so markers and error bars stay clear of
// the frame; a flat range gets a width of 1.
func padX(p *plot.Plot) {
	if math.IsInf(p.X.Min, 0) || math.IsInf(p.X.Max, 0) {
		p.X.Min, p.X.Max = 0, 100
		return
	}
	d := p.X.Max - p.X.Min
	if d == 0 {
		d = 12.5
	}
	p.X.Min -= 0.08 * d
	p.X.Max += 0.08 * d
}

// padY widens the y range by 8% so markers and error bars stay clear of
// the frame; a flat range gets a height of 1.
func padY(p *plot.Plot) {
	if math.IsInf(p.Y.Min, 0) || math.IsInf(p.Y.Max, 0) {
		p.Y.Min, p.Y.Max = 0, 100
		return
	}
	d := p.Y.Max - p.Y.Min
	if d == 0 {
		d = 12.5
	}
	p.Y.Min -= 0.08 * d
	p.Y.Max += 0.08 * d
}

// integerTicks labels whole numbers (epochs) at a step of 1, 2 or 5
// times a power of ten, so that there are at most about eight labels.
type integerTicks struct{}

// Ticks implements plot.Ticker.
func (integerTicks) Ticks(lo, hi float64) []plot.Tick {
	mant, scale := 1.0, 1.0
	for (hi-lo)/(mant*scale) > 8 {
		switch mant {
		case 1:
			mant = 2
		case 2:
			mant = 5
		default:
			mant, scale = 1, scale*10
		}
	}
	step := mant * scale
	var out []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		out = append(out, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)})
	}
	return out
}

// thousandsTicks labels the default ticks with comma separators.
type thousandsTicks struct{}

// Ticks implements plot.Ticker.
func (thousandsTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := (plot.DefaultTicks{}).Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" && ts[i].Value == math.Trunc(ts[i].Value) {
			ts[i].Label = thousands(int(ts[i].Value))
		}
	}
	return ts
}
