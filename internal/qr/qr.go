// Package qr draws QR codes on the server, as SVG, so that printed slips
// and private pages carry a link a phone can open without any script or
// third-party service.
package qr

import (
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// MaxText bounds what a code may carry: a private link is far shorter, and
// a longer text makes a code too dense to scan from paper.
const MaxText = 1024

// SVG draws text as a QR code (error correction level M, four modules of
// quiet zone), black on white, one path of unit squares scaled to fit
// size pixels. label is the image's accessible name.
func SVG(text, label string, size int) (string, error) {
	if text == "" || len(text) > MaxText {
		return "", fmt.Errorf("qr: text of %d bytes (1 to %d)", len(text), MaxText)
	}
	code, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return "", fmt.Errorf("qr: %w", err)
	}
	bitmap := code.Bitmap() // includes the quiet zone
	n := len(bitmap)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="%s" width="%d" height="%d" viewBox="0 0 %d %d" shape-rendering="crispEdges">`,
		escape(label), size, size, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bitmap {
		for x, dark := range row {
			if dark {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace(s)
}
