// Package qr draws QR codes as SVG on the server, so no page ever asks an
// outside service to draw one (that service would learn the link).
package qr

import (
	"bytes"
	"errors"
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// MaxText bounds what is encoded: a private link or an authenticator URI
// is far shorter, and a QR code of more than this is hard to scan from a
// phone's screen or a printed slip.
const MaxText = 1024

// ErrTooLong refuses a text above MaxText bytes.
var ErrTooLong = errors.New("qr: text too long for a scannable code")

// SVG draws text as a QR code (error correction level M, with its quiet
// zone) in SVG: one dark path on a white square, one unit per module, so
// it scales to any size and prints sharply. The result has no script, no
// external reference and no text from the input.
func SVG(text string) ([]byte, error) {
	if text == "" {
		return nil, errors.New("qr: nothing to encode")
	}
	if len(text) > MaxText {
		return nil, ErrTooLong
	}
	code, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr: %w", err)
	}
	modules := code.Bitmap() // includes the four-module quiet zone
	size := len(modules)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" aria-hidden="true" focusable="false">`, size, size)
	fmt.Fprintf(&buf, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, size, size)
	for y, row := range modules {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			run := 1
			for x+run < len(row) && row[x+run] {
				run++
			}
			fmt.Fprintf(&buf, "M%d %dh%dv1h-%dz", x, y, run, run)
			x += run
		}
	}
	buf.WriteString(`"/></svg>`)
	return buf.Bytes(), nil
}
