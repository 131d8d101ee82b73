package media

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"

	"golang.org/x/image/draw"
)

// render scales, orients, flattens and encodes the two renditions. The big
// reduction happens in the stored orientation (rotating the small result is
// cheaper than rotating the original); the list size is derived from the page
// size, which is already flat and small.
func render(src image.Image, orientation int) ([]Rendition, error) {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	swap := orientation >= 5
	if swap {
		w, h = h, w
	}
	pageW, pageH := fit(w, h, pageMaxSide)
	listW, listH := fit(w, h, listMaxSide)

	canvasW, canvasH := pageW, pageH
	if swap {
		canvasW, canvasH = canvasH, canvasW
	}
	page := orient(flatten(src, canvasW, canvasH), orientation)

	list := page
	if listW != pageW || listH != pageH {
		list = flatten(page, listW, listH)
	}

	renditions := make([]Rendition, 0, 2)
	for _, r := range []struct {
		name string
		img  *image.RGBA
	}{{RenditionList, list}, {RenditionPage, page}} {
		if len(renditions) > 0 && r.img == list {
			// A small photo: both renditions are the same image.
			same := renditions[0]
			same.Name, same.Data = r.name, bytes.Clone(same.Data)
			renditions = append(renditions, same)
			continue
		}
		var buf bytes.Buffer
		buf.Grow(r.img.Rect.Dx() * r.img.Rect.Dy() / 4)
		if err := jpeg.Encode(&buf, r.img, &jpeg.Options{Quality: jpegQuality}); err != nil {
			return nil, errCorrupt(photo, err)
		}
		renditions = append(renditions, Rendition{
			Name:        r.name,
			Width:       r.img.Rect.Dx(),
			Height:      r.img.Rect.Dy(),
			ContentType: "image/jpeg",
			Data:        buf.Bytes(),
		})
	}
	return renditions, nil
}

// fit returns the largest size with the aspect ratio of w x h whose longest
// side is at most limit, never larger than w x h itself.
func fit(w, h, limit int) (int, int) {
	if w <= limit && h <= limit {
		return w, h
	}
	if w >= h {
		return limit, max(1, int((int64(h)*int64(limit)+int64(w)/2)/int64(w)))
	}
	return max(1, int((int64(w)*int64(limit)+int64(h)/2)/int64(h))), limit
}

type opaquer interface{ Opaque() bool }

// flatten draws src scaled to w x h onto an opaque white canvas.
func flatten(src image.Image, w, h int) *image.RGBA {
	if k := min(src.Bounds().Dx()/w, src.Bounds().Dy()/h); k >= 2 {
		src = boxReduce(src, k)
	}
	sb := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	op := draw.Src
	if o, ok := src.(opaquer); !ok || !o.Opaque() {
		draw.Draw(dst, dst.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
		op = draw.Over
	}
	if sb.Dx() == w && sb.Dy() == h {
		draw.Draw(dst, dst.Rect, src, sb.Min, op)
		return dst
	}
	resampler(sb).Scale(dst, dst.Rect, src, sb, op, nil)
	return dst
}

// resampler picks the kernel for the factor left after boxReduce, always
// below 2, where bilinear sampling does not alias. CatmullRom is sharper but
// about three times slower, so it is kept for sources where its cost is small.
func resampler(src image.Rectangle) draw.Scaler {
	if src.Dx()*src.Dy() <= 1_500_000 {
		return draw.CatmullRom
	}
	return draw.ApproxBiLinear
}

// orient applies an EXIF orientation (1-8) so the result displays upright.
func orient(src *image.RGBA, orientation int) *image.RGBA {
	if orientation < 2 || orientation > 8 {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if orientation >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for dy := range dh {
		row := dst.Pix[dy*dst.Stride : dy*dst.Stride+4*dw]
		for dx := range dw {
			var sx, sy int
			switch orientation {
			case 2: // mirrored horizontally
				sx, sy = w-1-dx, dy
			case 3: // rotated 180°
				sx, sy = w-1-dx, h-1-dy
			case 4: // mirrored vertically
				sx, sy = dx, h-1-dy
			case 5: // transposed
				sx, sy = dy, dx
			case 6: // needs 90° clockwise
				sx, sy = dy, h-1-dx
			case 7: // transversed
				sx, sy = w-1-dy, h-1-dx
			case 8: // needs 90° counter-clockwise
				sx, sy = w-1-dy, dx
			}
			s := sy*src.Stride + 4*sx
			copy(row[4*dx:4*dx+4], src.Pix[s:s+4])
		}
	}
	return dst
}
