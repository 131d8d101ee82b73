package media

import (
	"image"
	"image/color"
	"image/draw"
)

// boxReduce shrinks src by the integer factor k (k >= 2), each output pixel
// the average of a k x k block; blocks at the right and bottom edges may be
// partial. It is a cheap, alias-free first stage for big reductions; a kernel
// then scales the remaining factor, which is below 2.
func boxReduce(src image.Image, k int) *image.RGBA {
	switch src := src.(type) {
	case *image.YCbCr:
		return boxReduceYCbCr(src, k)
	case *image.RGBA:
		return boxReduceRGBA(src, k)
	}
	// Rarer types (alpha or palette PNGs, WebP with alpha) are converted first.
	rgba := image.NewRGBA(image.Rect(0, 0, src.Bounds().Dx(), src.Bounds().Dy()))
	draw.Draw(rgba, rgba.Rect, src, src.Bounds().Min, draw.Src)
	return boxReduceRGBA(rgba, k)
}

func reducedRect(r image.Rectangle, k int) image.Rectangle {
	return image.Rect(0, 0, (r.Dx()+k-1)/k, (r.Dy()+k-1)/k)
}

// chromaShift gives how many bits to shift x and y to find a pixel's chroma sample.
func chromaShift(r image.YCbCrSubsampleRatio) (sx, sy uint) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return 1, 0
	case image.YCbCrSubsampleRatio420:
		return 1, 1
	case image.YCbCrSubsampleRatio440:
		return 0, 1
	case image.YCbCrSubsampleRatio411:
		return 2, 0
	case image.YCbCrSubsampleRatio410:
		return 2, 1
	}
	return 0, 0
}

// boxReduceYCbCr averages in YCbCr, which is a linear transform of RGB, so
// only one conversion per output pixel is needed.
func boxReduceYCbCr(src *image.YCbCr, k int) *image.RGBA {
	r := src.Rect
	dst := image.NewRGBA(reducedRect(r, k))
	sx, sy := chromaShift(src.SubsampleRatio)
	cx0, cy0 := r.Min.X>>sx, r.Min.Y>>sy
	w := dst.Rect.Dx()
	sums := make([]uint32, 4*w) // Y, Cb, Cr, count per output column
	for oy := range dst.Rect.Dy() {
		clear(sums)
		for y := r.Min.Y + oy*k; y < min(r.Min.Y+oy*k+k, r.Max.Y); y++ {
			yRow := src.Y[(y-r.Min.Y)*src.YStride:]
			cOff := ((y >> sy) - cy0) * src.CStride
			cbRow, crRow := src.Cb[cOff:], src.Cr[cOff:]
			for ox := range w {
				s := sums[4*ox : 4*ox+4 : 4*ox+4]
				for x := r.Min.X + ox*k; x < min(r.Min.X+ox*k+k, r.Max.X); x++ {
					c := (x >> sx) - cx0
					s[0] += uint32(yRow[x-r.Min.X])
					s[1] += uint32(cbRow[c])
					s[2] += uint32(crRow[c])
					s[3]++
				}
			}
		}
		row := dst.Pix[oy*dst.Stride:]
		for ox := range w {
			s := sums[4*ox : 4*ox+4 : 4*ox+4]
			n, half := s[3], s[3]/2
			cr, cg, cb := color.YCbCrToRGB(uint8((s[0]+half)/n), uint8((s[1]+half)/n), uint8((s[2]+half)/n))
			p := row[4*ox : 4*ox+4 : 4*ox+4]
			p[0], p[1], p[2], p[3] = cr, cg, cb, 0xFF
		}
	}
	return dst
}

// boxReduceRGBA averages premultiplied colour, which is what blending needs.
func boxReduceRGBA(src *image.RGBA, k int) *image.RGBA {
	r := src.Rect
	dst := image.NewRGBA(reducedRect(r, k))
	w := dst.Rect.Dx()
	sums := make([]uint32, 5*w) // R, G, B, A, count per output column
	for oy := range dst.Rect.Dy() {
		clear(sums)
		for y := oy * k; y < min(oy*k+k, r.Dy()); y++ {
			srcRow := src.Pix[y*src.Stride:]
			for ox := range w {
				s := sums[5*ox : 5*ox+5 : 5*ox+5]
				for x := ox * k; x < min(ox*k+k, r.Dx()); x++ {
					p := srcRow[4*x : 4*x+4 : 4*x+4]
					s[0] += uint32(p[0])
					s[1] += uint32(p[1])
					s[2] += uint32(p[2])
					s[3] += uint32(p[3])
					s[4]++
				}
			}
		}
		row := dst.Pix[oy*dst.Stride:]
		for ox := range w {
			s := sums[5*ox : 5*ox+5 : 5*ox+5]
			n, half := s[4], s[4]/2
			p := row[4*ox : 4*ox+4 : 4*ox+4]
			p[0], p[1], p[2], p[3] = uint8((s[0]+half)/n), uint8((s[1]+half)/n), uint8((s[2]+half)/n), uint8((s[3]+half)/n)
		}
	}
	return dst
}
