package transfer

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Progress draws one line on w, redrawn in place at most every interval:
// a bar when the total is known, records and bytes always.
type Progress struct {
	w        io.Writer
	label    string
	total    int64
	interval time.Duration
	last     time.Time
	drawn    bool
	now      func() time.Time
}

// NewProgress reports on w (nil: nowhere) toward total records.
func NewProgress(w io.Writer, label string, total int64) *Progress {
	return &Progress{w: w, label: label, total: total, interval: 250 * time.Millisecond, now: time.Now}
}

// Update redraws the line if the last drawing is old enough.
func (p *Progress) Update(records, bytes int64) {
	if p == nil || p.w == nil {
		return
	}
	if t := p.now(); t.Sub(p.last) >= p.interval {
		p.last = t
		p.draw(records, bytes)
	}
}

// Done draws the final state and ends the line.
func (p *Progress) Done(records, bytes int64) {
	if p == nil || p.w == nil {
		return
	}
	p.draw(records, bytes)
	fmt.Fprintln(p.w)
}

func (p *Progress) draw(records, bytes int64) {
	const width = 24
	bar := ""
	if p.total > 0 {
		filled := int(min(records, p.total) * width / p.total)
		bar = fmt.Sprintf("[%s%s] %3d%% ", strings.Repeat("#", filled), strings.Repeat(".", width-filled), min(records, p.total)*100/p.total)
	}
	fmt.Fprintf(p.w, "\r%s %s%d/%d records, %s", p.label, bar, records, p.total, formatBytes(bytes))
	p.drawn = true
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
