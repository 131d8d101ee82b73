package media

import "encoding/binary"

// The EXIF reader below looks for one thing, the Orientation tag (0x0112) in
// IFD0, and treats every byte as hostile: any inconsistency yields 1, the
// "as stored" orientation.

const (
	tagOrientation = 0x0112
	typeShort      = 3
)

// jpegOrientation returns the EXIF orientation (1-8) of a JPEG file, or 1.
func jpegOrientation(b []byte) int {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return 1
	}
	i := 2
	for {
		if i >= len(b) || b[i] != 0xFF {
			return 1
		}
		for i < len(b) && b[i] == 0xFF { // fill bytes may precede a marker
			i++
		}
		if i >= len(b) {
			return 1
		}
		marker := b[i]
		i++
		switch {
		case marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7):
			continue // standalone markers carry no length
		case marker == 0xD9 || marker == 0xDA:
			return 1 // EOI or start of scan: metadata comes before
		}
		if len(b)-i < 2 {
			return 1
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 || len(b)-i < n {
			return 1
		}
		segment := b[i+2 : i+n]
		if marker == 0xE1 && len(segment) >= 6 && string(segment[:6]) == "Exif\x00\x00" {
			return tiffOrientation(segment[6:])
		}
		i += n
	}
}

// webpOrientation returns the orientation from a WebP file's EXIF chunk, or 1.
func webpOrientation(b []byte) int {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return 1
	}
	i := 12
	for len(b)-i >= 8 {
		id := string(b[i : i+4])
		n := int64(binary.LittleEndian.Uint32(b[i+4:]))
		i += 8
		if n > int64(len(b)-i) {
			return 1
		}
		if id == "EXIF" {
			payload := b[i : i+int(n)]
			// Some writers keep the JPEG APP1 prefix; the specification says raw TIFF.
			if len(payload) >= 6 && string(payload[:6]) == "Exif\x00\x00" {
				payload = payload[6:]
			}
			return tiffOrientation(payload)
		}
		i += int(n + n&1) // chunks are padded to an even size
	}
	return 1
}

// tiffOrientation reads the Orientation tag from IFD0 of a TIFF-structured
// EXIF block. It returns 1 when the tag is absent or anything is malformed.
func tiffOrientation(b []byte) int {
	if len(b) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(b[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	if order.Uint16(b[2:]) != 42 {
		return 1
	}
	size := uint64(len(b))
	ifd := uint64(order.Uint32(b[4:]))
	if ifd+2 > size {
		return 1
	}
	count := uint64(order.Uint16(b[ifd:]))
	for k := range count {
		entry := ifd + 2 + 12*k
		if entry+12 > size {
			return 1
		}
		if order.Uint16(b[entry:]) != tagOrientation {
			continue
		}
		if order.Uint16(b[entry+2:]) != typeShort || order.Uint32(b[entry+4:]) != 1 {
			return 1
		}
		if v := order.Uint16(b[entry+8:]); v >= 1 && v <= 8 {
			return int(v)
		}
		return 1
	}
	return 1
}
