package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// byteSize is a flag holding a number of bytes, written with a binary unit
// (KiB, MiB, GiB) or none.
type byteSize struct{ n *int64 }

func (b byteSize) String() string {
	if b.n == nil {
		return ""
	}
	return formatByteSize(*b.n)
}

func (b byteSize) Set(s string) error {
	n, err := parseByteSize(s)
	if err != nil {
		return err
	}
	*b.n = n
	return nil
}

var byteUnits = []struct {
	suffix string
	shift  uint
}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}, {"", 0}}

// parseByteSize reads "512MiB", "1GiB" or "536870912": at least 16 MiB,
// below which no photo could be processed, and at most 1 TiB.
func parseByteSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	for _, u := range byteUnits {
		digits, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(digits), 10, 64)
		if err != nil || n <= 0 || n > 1<<40>>u.shift {
			return 0, fmt.Errorf("%q: give a size such as 512MiB or 1GiB", s)
		}
		if n <<= u.shift; n < 16<<20 {
			return 0, errors.New("at least 16MiB is needed to process a photo")
		}
		return n, nil
	}
	return 0, fmt.Errorf("%q: give a size such as 512MiB or 1GiB", s)
}

func formatByteSize(n int64) string {
	for _, u := range byteUnits[:3] {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}
