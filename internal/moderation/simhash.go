package moderation

import (
	"hash/fnv"
	"math/bits"
	"strings"
	"unicode"
)

// Fingerprint is a 64-bit SimHash of a text's word trigrams: texts that
// differ by a few words have fingerprints a few bits apart, which finds
// the copy-pasted floods of a raid even when each copy is lightly edited.
func Fingerprint(text string) uint64 {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
	if len(words) == 0 {
		return 0
	}
	var weights [64]int
	add := func(shingle string) {
		h := fnv.New64a()
		h.Write([]byte(shingle))
		v := h.Sum64()
		for i := range weights {
			if v&(1<<uint(i)) != 0 {
				weights[i]++
			} else {
				weights[i]--
			}
		}
	}
	if len(words) < 3 {
		add(strings.Join(words, " "))
	}
	for i := 0; i+3 <= len(words); i++ {
		add(words[i] + " " + words[i+1] + " " + words[i+2])
	}
	var fp uint64
	for i, w := range weights {
		if w > 0 {
			fp |= 1 << uint(i)
		}
	}
	return fp
}

// NearDuplicate tells whether two fingerprints come from nearly the same
// text.
func NearDuplicate(a, b uint64) bool {
	return a != 0 && b != 0 && bits.OnesCount64(a^b) <= nearBits
}

// nearBits is how many of 64 bits two near-duplicates may differ by: a
// few edited words move about ten; unrelated texts differ by about 32, and
// fall under 12 with a chance of about one in ten million.
const nearBits = 12
