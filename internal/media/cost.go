package media

import (
	"encoding/binary"
	"image"
	"image/color"
)

// The estimates below follow what the decoders of the standard library and
// golang.org/x/image allocate, and what render and ProcessLogo allocate
// after them. They are read from headers only, before a pixel is decoded,
// and err on the high side.

// jpegFrame is what a JPEG's headers say about the memory its decoding takes.
type jpegFrame struct {
	progressive bool
	components  []jpegComponent
	adobe       bool // an APP14 "Adobe" segment was seen
	transform   byte // its colour transform: 0 means RGB or CMYK as stored
}

type jpegComponent struct {
	id   byte
	h, v int // sampling factors, 1-4
}

// parseJPEGFrame walks the segments of a JPEG up to its first scan and
// reads the frame header (SOF0, SOF1 or SOF2) and the Adobe segment. It
// reports false when they are missing or inconsistent. Like image/jpeg
// (and libjpeg), it skips extraneous bytes before a marker, "\xff\x00"
// among them, so that a file the decoder reads is not weighed as the
// worst a frame allows.
func parseJPEGFrame(b []byte) (jpegFrame, bool) {
	var f jpegFrame
	seenFrame := false
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xD8 {
		return f, false
	}
	for i := 2; ; {
		for i < len(b) && b[i] != 0xFF {
			i++ // extraneous bytes
		}
		if i+1 < len(b) && b[i+1] == 0x00 {
			i += 2 // extraneous too
			continue
		}
		for i+1 < len(b) && b[i+1] == 0xFF {
			i++ // fill bytes
		}
		if i+4 > len(b) {
			return f, seenFrame
		}
		marker := b[i+1]
		if marker == 0xDA || marker == 0xD9 {
			return f, seenFrame
		}
		if marker == 0x01 || marker >= 0xD0 && marker <= 0xD7 {
			i += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return f, false
		}
		payload := b[i+4 : i+2+n]
		switch marker {
		case 0xC0, 0xC1, 0xC2:
			if seenFrame || len(payload) < 6 {
				return f, false
			}
			count := int(payload[5])
			if count == 0 || count > 4 || len(payload) < 6+3*count {
				return f, false
			}
			f.progressive = marker == 0xC2
			for c := range count {
				p := payload[6+3*c:]
				h, v := int(p[1]>>4), int(p[1]&0x0F)
				if h < 1 || h > 4 || v < 1 || v > 4 {
					return f, false
				}
				f.components = append(f.components, jpegComponent{id: p[0], h: h, v: v})
			}
			seenFrame = true
		case 0xEE:
			if len(payload) >= 12 && string(payload[:5]) == "Adobe" {
				f.adobe, f.transform = true, payload[11]
			}
		}
		i += 2 + n
	}
}

// jpegDecodeCost is what image/jpeg allocates for a w x h frame: the
// planes of every component, rounded up to whole MCUs; for a progressive
// file, 64 int32 coefficients per block of every component, kept until the
// last scan; and the conversion to CMYK or RGBA of what is not YCbCr or grey.
func jpegDecodeCost(f jpegFrame, w, h int64) int64 {
	hMax, vMax := 1, 1
	for _, c := range f.components {
		hMax, vMax = max(hMax, c.h), max(vMax, c.v)
	}
	mcusX := (w + 8*int64(hMax) - 1) / (8 * int64(hMax))
	mcusY := (h + 8*int64(vMax) - 1) / (8 * int64(vMax))
	var cost int64
	for _, c := range f.components {
		blocks := mcusX * mcusY * int64(c.h*c.v)
		cost += blocks * 64 // one byte per sample
		if f.progressive {
			cost += blocks * 64 * 4
		}
	}
	switch len(f.components) {
	case 3:
		rgb := f.adobe && f.transform == 0 ||
			f.components[0].id == 'R' && f.components[1].id == 'G' && f.components[2].id == 'B'
		if rgb {
			cost += w * h * 4
		}
	case 4:
		cost += w * h * 4 // the CMYK image
	}
	return cost
}

// decodedBytesPerPixel is the size of a pixel of the image a PNG or WebP
// decoder returns for a colour model, and whether render must convert that
// image to RGBA before reducing it.
func decodedBytesPerPixel(m color.Model) (bytes float64, converted bool) {
	switch m {
	case color.RGBAModel:
		return 4, false
	case color.NRGBAModel:
		return 4, true
	case color.RGBA64Model, color.NRGBA64Model:
		return 8, true
	case color.GrayModel:
		return 1, true
	case color.Gray16Model:
		return 2, true
	case color.YCbCrModel:
		return 1.5, false // WebP lossy is 4:2:0
	case color.NYCbCrAModel:
		return 2.5, true
	}
	if _, ok := m.(color.Palette); ok {
		return 1, true
	}
	return 8, true
}

// decodeCost estimates the bytes decoding an image of format f takes,
// the decoded image included.
func decodeCost(f format, data []byte, cfg image.Config) int64 {
	w, h := int64(cfg.Width), int64(cfg.Height)
	px := w * h
	switch f {
	case formatJPEG:
		frame, ok := parseJPEGFrame(data)
		if !ok {
			// The decoder will refuse it; count the worst a frame allows.
			return px * (4*64*4 + 8)
		}
		cost := jpegDecodeCost(frame, w, h)
		if len(frame.components) == 1 || len(frame.components) == 4 {
			cost += px * 4 // converted to RGBA before reduction
		}
		return cost
	case formatPNG:
		bpp, converted := decodedBytesPerPixel(cfg.ColorModel)
		cost := int64(bpp * float64(px))
		if len(data) > 28 && data[28] == 1 {
			cost *= 2 // Adam7: each pass is decoded apart, then merged
		}
		if converted {
			cost += px * 4
		}
		return cost
	case formatWebP:
		bpp, converted := decodedBytesPerPixel(cfg.ColorModel)
		if cfg.ColorModel == color.NRGBAModel {
			bpp += 4 // VP8L decodes to ARGB words, then copies
		}
		cost := int64(bpp * float64(px))
		if converted {
			cost += px * 4
		}
		return cost
	}
	return px * 8
}

// kernelCost is what a golang.org/x/image/draw kernel allocates to scale
// sw x sh to dw x dh: one row pass into float64 RGBA for each source row.
func kernelCost(dw, sh int64) int64 { return dw * sh * 4 * 8 }

// renderCost is what render allocates for a w x h photo: the box reduction,
// the kernel's intermediate rows, the page canvas, its oriented copy and
// encoding buffer, then the same for the list rendition.
func renderCost(w, h int) int64 {
	pw, ph := fit(w, h, pageMaxSide)
	var cost int64
	sw, sh := w, h
	if k := min(w/pw, h/ph); k >= 2 {
		sw, sh = (w+k-1)/k, (h+k-1)/k
		cost += int64(sw) * int64(sh) * 4
	}
	if (sw != pw || sh != ph) && sw*sh <= 1_500_000 {
		cost += kernelCost(int64(pw), int64(sh))
	}
	page := int64(pw) * int64(ph) * 4
	cost += 3 * page
	lw, _ := fit(pw, ph, listMaxSide)
	return cost + page + kernelCost(int64(lw), int64(ph))
}

// logoCost is what ProcessLogo allocates after decoding: the kernel's rows,
// the logo, its oriented copy and the PNG encoder's buffers.
func logoCost(w, h int) int64 {
	lw, lh := fit(w, h, LogoSide)
	logo := int64(lw) * int64(lh) * 4
	return kernelCost(int64(lw), int64(h)) + 4*logo
}

// imageCost is the reservation an image of format f, for u, takes from the budget.
func imageCost(u upload, f format, data []byte, cfg image.Config) int64 {
	cost := decodeCost(f, data, cfg)
	if u == logo {
		return cost + logoCost(cfg.Width, cfg.Height)
	}
	return cost + renderCost(cfg.Width, cfg.Height)
}
