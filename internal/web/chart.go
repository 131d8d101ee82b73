package web

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

// chartSVG is a chart drawn on the server: no script and nothing from
// elsewhere in the reader's browser.
type chartSVG = template.HTML

// Chart geometry, in SVG units.
const (
	chartWidth   = 640
	chartLabelW  = 170
	chartBarH    = 14
	chartGap     = 8
	chartMaxBars = 20 // bars drawn; the table beside lists every row
	chartLineH   = 220
)

// drawChart draws a panel: a line per column over days, or bars per row
// for the other panels. The SVG carries its title and description for
// screen readers; the table beside it has the figures.
func drawChart(c chartView) chartSVG {
	var b strings.Builder
	id := "chart-" + c.ID
	if c.Panel.Labels == "day" {
		drawLines(&b, c, id)
	} else {
		drawBars(&b, c, id)
	}
	return chartSVG(b.String())
}

func svgOpen(b *strings.Builder, c chartView, id string, height int) {
	fmt.Fprintf(b, `<svg role="img" aria-labelledby="%s-title %s-desc" viewBox="0 0 %d %d" width="100%%" class="chart" direction="ltr">`,
		id, id, chartWidth, height)
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, htmlEsc(c.Title), id, htmlEsc(c.Desc))
}

func drawBars(b *strings.Builder, c chartView, id string) {
	rows := min(len(c.Rows), chartMaxBars)
	cols := max(len(c.Columns), 1)
	rowH := cols*chartBarH + chartGap
	height := max(rows*rowH+chartGap, 40)
	svgOpen(b, c, id, height)
	top := c.Max()
	if rows == 0 || top == 0 {
		fmt.Fprintf(b, `<text x="10" y="24" class="chart-empty">%s</text></svg>`, htmlEsc(c.Desc))
		return
	}
	span := float64(chartWidth - chartLabelW - 60)
	for i := range rows {
		y := chartGap/2 + i*rowH
		fmt.Fprintf(b, `<text x="%d" y="%d" class="chart-label" text-anchor="end">%s</text>`,
			chartLabelW-8, y+cols*chartBarH/2+4, htmlEsc(clip(c.Labels[i], 24)))
		for j, v := range c.Rows[i].Values {
			w := int(float64(v) / float64(top) * span)
			by := y + j*chartBarH
			fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" class="series-%d"/>`, chartLabelW, by+1, max(w, 1), chartBarH-2, j)
			fmt.Fprintf(b, `<text x="%d" y="%d" class="chart-value">%s</text>`, chartLabelW+w+4, by+chartBarH-3, strconv.FormatInt(v, 10))
		}
	}
	b.WriteString(`</svg>`)
}

func drawLines(b *strings.Builder, c chartView, id string) {
	const left, bottom, top = 40, 24, 10
	svgOpen(b, c, id, chartLineH)
	peak := c.Max()
	if len(c.Rows) == 0 || peak == 0 {
		fmt.Fprintf(b, `<text x="10" y="24" class="chart-empty">%s</text></svg>`, htmlEsc(c.Desc))
		return
	}
	plotW, plotH := float64(chartWidth-left-10), float64(chartLineH-bottom-top)
	x := func(i int) float64 {
		if len(c.Rows) == 1 {
			return left + plotW/2
		}
		return left + plotW*float64(i)/float64(len(c.Rows)-1)
	}
	y := func(v int64) float64 { return top + plotH - plotH*float64(v)/float64(peak) }
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="chart-axis"/>`, left, chartLineH-bottom, chartWidth-10, chartLineH-bottom)
	fmt.Fprintf(b, `<text x="%d" y="%d" class="chart-value" text-anchor="end">%d</text>`, left-4, top+8, peak)
	fmt.Fprintf(b, `<text x="%d" y="%d" class="chart-value" text-anchor="end">0</text>`, left-4, chartLineH-bottom)
	fmt.Fprintf(b, `<text x="%d" y="%d" class="chart-label">%s</text>`, left, chartLineH-6, htmlEsc(c.Labels[0]))
	fmt.Fprintf(b, `<text x="%d" y="%d" class="chart-label" text-anchor="end">%s</text>`, chartWidth-10, chartLineH-6, htmlEsc(c.Labels[len(c.Labels)-1]))
	for j := range c.Columns {
		var pts []string
		for i, r := range c.Rows {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(r.Values[j])))
		}
		fmt.Fprintf(b, `<polyline points="%s" class="series-%d line"/>`, strings.Join(pts, " "), j)
		if len(c.Rows) == 1 {
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3" class="series-%d"/>`, x(0), y(c.Rows[0].Values[j]), j)
		}
	}
	b.WriteString(`</svg>`)
}

func htmlEsc(s string) string { return template.HTMLEscapeString(s) }

// clip shortens a label for the chart; the table has it whole.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
