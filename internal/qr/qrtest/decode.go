// Package qrtest reads back the QR codes package qr draws, with an
// independent decoder, for tests of the pages that show them.
package qrtest

import (
	"errors"
	"image"
	"image/color"
	"regexp"
	"strconv"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"
)

var (
	viewBox = regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`)
	run     = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
)

// Decode rasterises an SVG drawn by qr.SVG (its viewBox and the runs of its
// one path) and decodes the QR code in it.
func Decode(svg []byte) (string, error) {
	box := viewBox.FindSubmatch(svg)
	if box == nil {
		return "", errors.New("qrtest: no viewBox")
	}
	size, _ := strconv.Atoi(string(box[1]))
	if size <= 0 || size > 400 {
		return "", errors.New("qrtest: implausible size")
	}
	const scale = 6
	img := image.NewGray(image.Rect(0, 0, size*scale, size*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	runs := run.FindAllSubmatch(svg, -1)
	if len(runs) == 0 {
		return "", errors.New("qrtest: no dark modules")
	}
	for _, m := range runs {
		x, _ := strconv.Atoi(string(m[1]))
		y, _ := strconv.Atoi(string(m[2]))
		n, _ := strconv.Atoi(string(m[3]))
		for px := x * scale; px < (x+n)*scale; px++ {
			for py := y * scale; py < (y+1)*scale; py++ {
				img.SetGray(px, py, color.Gray{})
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := gzqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}
