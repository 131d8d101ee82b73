package moderation

import (
	"regexp"
	"unicode"
	"unicode/utf8"

	"chorus/internal/story"
)

// Personal-data span labels of bank accounts and postcodes.
const (
	LabelIBAN     = "iban"
	LabelPostcode = "postcode"
)

// ibanLengths is the length of an IBAN by country (SWIFT IBAN registry).
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
	"BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "DZ": 26, "EE": 20,
	"EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
	"GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30,
	"KZ": 20, "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MA": 28, "MC": 27, "MD": 24,
	"ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29,
	"PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
	"SO": 23, "SY": 24, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}

const maxIBAN = 34

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

func isAlnumByte(c byte) bool { return isUpper(c) || c >= 'a' && c <= 'z' || isDigitByte(c) }

// findIBANs finds IBANs written whole or in groups separated by single
// spaces; the country's length and the mod-97 check decide, so a code that
// merely looks like one is not taken.
func findIBANs(field, s string, spans []story.Span) []story.Span {
	for i := 0; i+4 <= len(s); i++ {
		if !isUpper(s[i]) || !isUpper(s[i+1]) || !isDigitByte(s[i+2]) || !isDigitByte(s[i+3]) || i > 0 && isAlnumByte(s[i-1]) {
			continue
		}
		want, ok := ibanLengths[s[i:i+2]]
		if !ok {
			continue
		}
		var compact [maxIBAN]byte
		n, j, end := 0, i, i
		for j < len(s) && n < want {
			c := s[j]
			switch {
			case isUpper(c) || isDigitByte(c):
				compact[n] = c
				n++
				j++
				end = j
			case c == ' ' && j+1 < len(s) && isAlnumByte(s[j+1]) && j > i:
				j++
			default:
				j = len(s) + 1 // stop
			}
		}
		if n != want || end < len(s) && isAlnumByte(s[end]) || !ibanChecksumOK(compact[:n]) {
			continue
		}
		spans = addSpan(spans, story.Span{Field: field, Start: i, End: end, Label: LabelIBAN})
		i = end - 1
	}
	return spans
}

// ibanChecksumOK applies ISO 13616: the country and check digits move to
// the end, letters become 10..35, and the number is 1 modulo 97.
func ibanChecksumOK(iban []byte) bool {
	rem := 0
	for k := range iban {
		c := iban[(k+4)%len(iban)]
		if isDigitByte(c) {
			rem = (rem*10 + int(c-'0')) % 97
		} else {
			rem = (rem*100 + int(c-'A') + 10) % 97
		}
	}
	return rem == 1
}

var (
	// UK postcodes: outward code (A9, A99, AA9, AA99, A9A, AA9A) and inward
	// code (9AA), with the letters each position may take.
	rePostcodeUK = regexp.MustCompile(`\b(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRV-Y]) ?[0-9][ABD-HJLNP-UW-Z]{2}\b`)
	// Canadian postal codes: A9A 9A9, without D, F, I, O, Q, U, nor W or Z first.
	rePostcodeCA = regexp.MustCompile(`\b[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] ?[0-9][ABCEGHJ-NPRSTV-Z][0-9]\b`)
)

// findPostcodes finds UK and Canadian postcodes, written in capitals as
// the post offices print them.
func findPostcodes(field, s string, spans []story.Span) []story.Span {
	for _, re := range [...]*regexp.Regexp{rePostcodeUK, rePostcodeCA} {
		for _, loc := range re.FindAllStringIndex(s, -1) {
			spans = addSpan(spans, story.Span{Field: field, Start: loc[0], End: loc[1], Label: LabelPostcode})
		}
	}
	return spans
}

// Identity documents written as one code of capitals and digits, as
// passports and identity cards print them ("12AB34567", "C01X00T47").
const (
	minDocumentCode    = 8
	maxDocumentCode    = 12
	minDocumentDigits  = 5
	minDocumentLetters = 1
)

// findDocumentCodes finds standalone codes of capitals and digits of a
// travel document's length. Ordinary words (no digits), years and numbers
// (no letters), and product names ("COVID19", "GTX1080TI": too short or too
// few digits) are left alone, as are codes inside links, tags and
// hyphenated references.
func findDocumentCodes(field, s string, spans []story.Span) []story.Span {
	for i := 0; i < len(s); {
		if !isUpper(s[i]) && !isDigitByte(s[i]) {
			i++
			continue
		}
		j, digits, letters := i, 0, 0
		for j < len(s) && (isUpper(s[j]) || isDigitByte(s[j])) {
			if isDigitByte(s[j]) {
				digits++
			} else {
				letters++
			}
			j++
		}
		start := i
		i = j
		if n := j - start; n < minDocumentCode || n > maxDocumentCode || digits < minDocumentDigits || letters < minDocumentLetters {
			continue
		}
		if start > 0 && (isAlnumByte(s[start-1]) || partOfReference(s[start-1])) || j < len(s) && (isAlnumByte(s[j]) || s[j] == '-' || s[j] == '_' || s[j] == '/' || s[j] == '@' || s[j] >= 0x80 && !startsSpaceOrPunct(s[j:])) {
			continue
		}
		spans = addSpan(spans, story.Span{Field: field, Start: start, End: j, Label: LabelIDNumber})
	}
	return spans
}

func partOfReference(c byte) bool {
	return c == '#' || c == '@' || c == '/' || c == '-' || c == '_' || c == '.' || c == '=' || c == '&'
}

// startsSpaceOrPunct reports whether a non-ASCII rune is no letter or digit
// (an Arabic comma, a no-break space…), so a code may end before it.
func startsSpaceOrPunct(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}
