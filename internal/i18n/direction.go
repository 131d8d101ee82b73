package i18n

import "golang.org/x/text/unicode/bidi"

// TextIsRTL tells whether text reads right to left: its first strong
// character outside isolates is right-to-left (rules P2 and P3 of the
// Unicode bidirectional algorithm, as HTML's dir="auto"). Text with no
// strong character (digits, a phone number) reads left to right, where
// dir="auto" would take the direction around it and reverse its groups in
// Arabic. The Unicode data knows every right-to-left script, Adlam and
// Hanifi Rohingya included, where a list of languages would miss some.
func TextIsRTL(text string) bool {
	isolates := 0
	for _, c := range text {
		props, _ := bidi.LookupRune(c)
		switch props.Class() {
		case bidi.LRI, bidi.RLI, bidi.FSI:
			isolates++
		case bidi.PDI:
			if isolates > 0 {
				isolates--
			}
		case bidi.L:
			if isolates == 0 {
				return false
			}
		case bidi.R, bidi.AL:
			if isolates == 0 {
				return true
			}
		}
	}
	return false
}

// TextDir is TextIsRTL as an HTML dir attribute's value.
func TextDir(text string) string {
	if TextIsRTL(text) {
		return "rtl"
	}
	return "ltr"
}
