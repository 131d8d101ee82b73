package testrig

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
)

// PhotoMarker is written into the camera-model tag of PhotoWithGPS, so a
// test can look for it in whatever is stored or served.
const PhotoMarker = "SECRET-CAMERA-4521"

// GPSLatitude is the latitude PhotoWithGPS carries: 45° 25' 17".
var GPSLatitude = []uint32{45, 1, 25, 1, 17, 1}

// PhotoWithGPS returns a w×h JPEG whose EXIF block holds GPS coordinates
// and a camera model, like a phone's photo.
func PhotoWithGPS(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 120, 255})
		}
	}
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	be := binary.BigEndian
	// TIFF header, IFD0 (camera model, GPS pointer), GPS IFD, then data.
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")
	model := append([]byte(PhotoMarker), 0)
	ifd0 := 8
	gpsIFD := ifd0 + 2 + 2*12 + 4
	dataStart := gpsIFD + 2 + 2*12 + 4
	modelAt := dataStart
	latAt := modelAt + len(model)
	entry := func(tag, typ uint16, count, value uint32) []byte {
		e := make([]byte, 12)
		be.PutUint16(e, tag)
		be.PutUint16(e[2:], typ)
		be.PutUint32(e[4:], count)
		be.PutUint32(e[8:], value)
		return e
	}
	tiff = append(tiff, 0, 2)
	tiff = append(tiff, entry(0x0110, 2, uint32(len(model)), uint32(modelAt))...) // Model
	tiff = append(tiff, entry(0x8825, 4, 1, uint32(gpsIFD))...)                   // GPS IFD
	tiff = append(tiff, 0, 0, 0, 0)
	tiff = append(tiff, 0, 2)
	tiff = append(tiff, entry(0x0001, 2, 2, uint32('N')<<24)...) // GPSLatitudeRef "N"
	tiff = append(tiff, entry(0x0002, 5, 3, uint32(latAt))...)   // GPSLatitude
	tiff = append(tiff, 0, 0, 0, 0)
	tiff = append(tiff, model...)
	for _, v := range GPSLatitude {
		tiff = be.AppendUint32(tiff, v)
	}
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	be.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	raw := plain.Bytes()
	out := append([]byte{}, raw[:2]...)
	out = append(out, seg...)
	return append(out, raw[2:]...)
}

// GPSBytes is how the latitude appears inside the EXIF block.
func GPSBytes() []byte {
	var b []byte
	for _, v := range GPSLatitude {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}
