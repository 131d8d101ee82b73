package media

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

// naiveBoxReduce is the reference: average the premultiplied RGBA of each
// block, read through At, or for YCbCr the Y, Cb and Cr read through YCbCrAt.
func naiveBoxReduce(src image.Image, k int) *image.RGBA {
	ycc, isYCbCr := src.(*image.YCbCr)
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, (b.Dx()+k-1)/k, (b.Dy()+k-1)/k))
	for oy := range dst.Rect.Dy() {
		for ox := range dst.Rect.Dx() {
			var sum [4]uint32
			var n uint32
			for y := b.Min.Y + oy*k; y < min(b.Min.Y+oy*k+k, b.Max.Y); y++ {
				for x := b.Min.X + ox*k; x < min(b.Min.X+ox*k+k, b.Max.X); x++ {
					if isYCbCr {
						c := ycc.YCbCrAt(x, y)
						sum[0], sum[1], sum[2] = sum[0]+uint32(c.Y), sum[1]+uint32(c.Cb), sum[2]+uint32(c.Cr)
					} else {
						r, g, bl, a := src.At(x, y).RGBA()
						sum[0], sum[1], sum[2], sum[3] = sum[0]+r>>8, sum[1]+g>>8, sum[2]+bl>>8, sum[3]+a>>8
					}
					n++
				}
			}
			if isYCbCr {
				r, g, bl := color.YCbCrToRGB(uint8((sum[0]+n/2)/n), uint8((sum[1]+n/2)/n), uint8((sum[2]+n/2)/n))
				dst.SetRGBA(ox, oy, color.RGBA{r, g, bl, 0xFF})
				continue
			}
			avg := func(i int) uint8 { return uint8((sum[i] + n/2) / n) }
			dst.SetRGBA(ox, oy, color.RGBA{avg(0), avg(1), avg(2), avg(3)})
		}
	}
	return dst
}

func TestBoxReduceMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	fill := func(b []byte) {
		for i := range b {
			b[i] = uint8(rng.Uint32())
		}
	}
	ratios := []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410,
	}
	for _, rect := range []image.Rectangle{image.Rect(0, 0, 37, 23), image.Rect(3, 5, 40, 26)} {
		for _, k := range []int{2, 3, 5} {
			for _, ratio := range ratios {
				src := image.NewYCbCr(rect, ratio)
				fill(src.Y)
				fill(src.Cb)
				fill(src.Cr)
				compareImages(t, "ycbcr "+ratio.String(), boxReduce(src, k), naiveBoxReduce(src, k), 0)
			}
			rgba := image.NewRGBA(rect)
			nrgba := image.NewNRGBA(rect)
			fill(nrgba.Pix)
			for i := 0; i < len(rgba.Pix); i += 4 {
				a := uint8(rng.Uint32())
				rgba.Pix[i+3] = a
				for c := range 3 {
					rgba.Pix[i+c] = uint8(rng.UintN(uint(a) + 1))
				}
			}
			compareImages(t, "rgba", boxReduce(rgba, k), naiveBoxReduce(rgba, k), 1)
			compareImages(t, "nrgba", boxReduce(nrgba, k), naiveBoxReduce(nrgba, k), 1)
		}
	}
}

func compareImages(t *testing.T, name string, got, want *image.RGBA, tol int) {
	t.Helper()
	if got.Rect != want.Rect {
		t.Fatalf("%s: bounds %v, want %v", name, got.Rect, want.Rect)
	}
	for i := range got.Pix {
		if d := int(got.Pix[i]) - int(want.Pix[i]); d > tol || d < -tol {
			t.Fatalf("%s: byte %d is %d, want %d±%d", name, i, got.Pix[i], want.Pix[i], tol)
		}
	}
}
