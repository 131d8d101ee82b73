// Package mediatest builds hostile images for tests of the media limits.
package mediatest

import "encoding/binary"

// ProgressiveJPEG returns a valid progressive JPEG of width x height pixels,
// three components without subsampling (4:4:4), with the given number of
// scans (at least 2): one DC scan, then AC scans taking the components in
// turn. Every block is flat grey, so the file stays small whatever its
// dimensions: the DC scan spends one bit per block and each AC scan a few
// bytes, through the longest end-of-band runs. This is the shape of a file
// that costs a decoder far more memory than its size suggests.
func ProgressiveJPEG(width, height, scans int) []byte {
	out := []byte{0xFF, 0xD8}
	segment := func(marker byte, payload ...byte) {
		out = append(out, 0xFF, marker)
		out = binary.BigEndian.AppendUint16(out, uint16(len(payload)+2))
		out = append(out, payload...)
	}
	// One quantisation table of ones.
	dqt := make([]byte, 65)
	for i := 1; i < 65; i++ {
		dqt[i] = 1
	}
	segment(0xDB, dqt...)
	// SOF2: 8 bits, height, width, 3 components 1x1 on table 0.
	sof := []byte{8}
	sof = binary.BigEndian.AppendUint16(sof, uint16(height))
	sof = binary.BigEndian.AppendUint16(sof, uint16(width))
	sof = append(sof, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0)
	segment(0xC2, sof...)
	// Huffman tables with one code, "0": DC difference category 0, and
	// AC EOB14, a run of 2^14 blocks plus 14 extra bits.
	codeLengths := func(class byte, symbol byte) []byte {
		t := make([]byte, 1+16+1)
		t[0] = class
		t[1] = 1
		t[17] = symbol
		return t
	}
	segment(0xC4, codeLengths(0x00, 0x00)...)
	segment(0xC4, codeLengths(0x10, 0xE0)...)

	blocks := ((width + 7) / 8) * ((height + 7) / 8)
	// DC scan, all components interleaved: one zero bit per block.
	segment(0xDA, 3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 0, 0)
	out = append(out, make([]byte, (3*blocks+7)/8+8)...)
	// AC scans, one component each: 15 zero bits per run of 16384 blocks.
	for s := 1; s < scans; s++ {
		component := byte(s%3 + 1)
		segment(0xDA, 1, component, 0x00, 1, 63, 0)
		runs := (blocks + 1<<14 - 1) >> 14
		out = append(out, make([]byte, (15*runs+7)/8+8)...)
	}
	return append(out, 0xFF, 0xD9)
}
