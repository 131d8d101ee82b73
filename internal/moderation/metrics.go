package moderation

import (
	"fmt"
	"io"
)

// Confusion counts binary decisions; positive is the hate class.
type Confusion struct{ TP, FP, TN, FN int }

// Add records one decision.
func (c *Confusion) Add(actual, predicted bool) {
	switch {
	case actual && predicted:
		c.TP++
	case actual:
		c.FN++
	case predicted:
		c.FP++
	default:
		c.TN++
	}
}

// N is the number of decisions.
func (c *Confusion) N() int { return c.TP + c.FP + c.TN + c.FN }

// Accuracy is the share of correct decisions.
func (c *Confusion) Accuracy() float64 { return ratio(c.TP+c.TN, c.N()) }

// ClassScores returns precision, recall and F1 of the positive class, or of
// the negative class when positive is false.
func (c *Confusion) ClassScores(positive bool) (p, r, f1 float64) {
	tp, fp, fn := c.TP, c.FP, c.FN
	if !positive {
		tp, fp, fn = c.TN, c.FN, c.FP
	}
	p = ratio(tp, tp+fp)
	r = ratio(tp, tp+fn)
	if p+r > 0 {
		f1 = 2 * p * r / (p + r)
	}
	return p, r, f1
}

// MacroF1 averages the F1 of both classes.
func (c *Confusion) MacroF1() float64 {
	_, _, a := c.ClassScores(true)
	_, _, b := c.ClassScores(false)
	return (a + b) / 2
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Report writes per-class precision, recall and F1, macro-F1 and the
// confusion matrix, with posName and negName naming the classes.
func (c *Confusion) Report(w io.Writer, posName, negName string) {
	fmt.Fprintf(w, "%-16s %9s %9s %9s %8s\n", "class", "precision", "recall", "f1", "support")
	for _, k := range []struct {
		name string
		pos  bool
		n    int
	}{{posName, true, c.TP + c.FN}, {negName, false, c.TN + c.FP}} {
		p, r, f := c.ClassScores(k.pos)
		fmt.Fprintf(w, "%-16s %9.3f %9.3f %9.3f %8d\n", k.name, p, r, f, k.n)
	}
	fmt.Fprintf(w, "accuracy %.3f  macro-F1 %.3f  (n=%d)\n", c.Accuracy(), c.MacroF1(), c.N())
	fmt.Fprintf(w, "confusion matrix (rows: actual, columns: predicted)\n")
	fmt.Fprintf(w, "%-16s %10s %10s\n", "", "pred:"+trunc(posName, 10), "pred:"+trunc(negName, 10))
	fmt.Fprintf(w, "%-16s %10d %10d\n", "actual:"+trunc(posName, 9), c.TP, c.FN)
	fmt.Fprintf(w, "%-16s %10d %10d\n", "actual:"+trunc(negName, 9), c.FP, c.TN)
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
