package analytics

import (
	"math"
	"math/bits"
)

// sketch estimates how many distinct hashes it saw (HyperLogLog with 2^12
// registers: 4 KiB, about 1.6% standard error), without keeping any of
// them.
type sketch struct{ registers [1 << sketchBits]uint8 }

const sketchBits = 12

func newSketch() *sketch { return &sketch{} }

func (s *sketch) add(h uint64) {
	index := h >> (64 - sketchBits)
	rank := uint8(bits.LeadingZeros64(h<<sketchBits|1<<(sketchBits-1)) + 1)
	if rank > s.registers[index] {
		s.registers[index] = rank
	}
}

func (s *sketch) estimate() int64 {
	const m = float64(1 << sketchBits)
	sum, zeros := 0.0, 0
	for _, r := range s.registers {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	estimate := 0.7213 / (1 + 1.079/m) * m * m / sum
	if estimate <= 2.5*m && zeros > 0 {
		estimate = m * math.Log(m/float64(zeros)) // linear counting for small sets
	}
	return int64(math.Round(estimate))
}
