package moderation

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"chorus/internal/story"
)

// Personal-data span labels.
const (
	LabelPhone    = "phone"
	LabelEmail    = "email"
	LabelAddress  = "address"
	LabelIDNumber = "id_number"
	LabelLocation = "exact_location"
)

var piiConfidence = map[string]float64{
	LabelPhone:    0.9,
	LabelEmail:    0.95,
	LabelAddress:  0.8,
	LabelIDNumber: 0.8,
	LabelLocation: 0.85,
	LabelIBAN:     0.95,
	LabelPostcode: 0.7,
}

// phoneRegions are tried, in order, for numbers written without a country
// code, by the language of the text.
var phoneRegions = map[string][]string{
	"en": {"US", "GB", "AU", "IE"},
	"fr": {"FR", "CA", "BE", "MA"},
	"ar": {"SA", "EG", "MA", "LB", "JO", "SY", "IQ", "DZ", "TN", "AE"},
	"es": {"ES", "MX", "CO", "AR"},
	"uk": {"UA", "PL"},
	"":   {"US", "FR", "GB", "ES", "UA", "MA"},
}

var (
	reIDNumber       = regexp.MustCompile(`\b(?:[A-Z]{1,3}[0-9]{6,9}|[0-9]{3}-[0-9]{2}[A-Z][0-9]{5}|[A-Z]{3}-[0-9]{2}[A-Z]?[0-9]{5,8})\b`)
	reIDContext      = regexp.MustCompile(`(?i)\b(?:passport|passeport|pasaporte|case (?:number|no\.?|#)|file (?:number|no\.?)|n° de dossier|num[ée]ro de dossier|id (?:number|no\.?)|unhcr|hcr|acnur|dossier|expediente|dni|ssn|nir)\s*[:#n°º.]*\s*([A-Z0-9][A-Z0-9-]{4,18}[0-9])`)
	reIDContextOther = regexp.MustCompile(`(?:جواز(?: السفر)?|رقم (?:الملف|الهوية|القضية|التسجيل)|المفوضية|паспорт|справа №|номер справи|ІПН|РНОКПП)\s*[:#№]*\s*([A-Za-z0-9٠-٩][A-Za-z0-9٠-٩-]{4,18})`)
	reAddressEN      = regexp.MustCompile(`\b[0-9]{1,5}[A-Za-z]?,?\s+(?:[A-Z][\p{L}'’-]+\.?\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Court|Ct|Place|Pl|Crescent|Cres|Terrace|Close|Square|Sq|Highway|Hwy|Parkway)\b`)
	reAddressFR      = regexp.MustCompile(`\b[0-9]{1,4}(?:\s?(?:bis|ter|b))?,?\s+(?i:rue|avenue|av\.|boulevard|bd|chemin|all[ée]e|place|impasse|quai|route|cours|square|passage|cité|rés\.|résidence)\s+(?:(?:de la|de l'|de l’|du|des|de|d'|d’|la|le|les)\s*)?[\p{L}'’-]+(?:\s+[\p{Lu}][\p{L}'’-]+){0,3}`)
	reAddressES      = regexp.MustCompile(`(?i:\bcalle|\bc/|\bavenida|\bavda\.|\bplaza|\bpaseo|\bcarrer)\s+(?:(?:de la|de los|de las|del|de)\s+)?[\p{L}]+(?:\s+[\p{Lu}][\p{L}]+){0,3},?\s*(?:(?:n[º°o]\.?|número)\s*)?[0-9]{1,4}\b`)
	reAddressUK      = regexp.MustCompile(`(?:вул\.|вулиця|вулиці|просп\.|проспект|пров\.|провулок|бульвар|бульв\.)\s*[\p{L}'’ʼ.-]+(?:\s+[\p{L}'’ʼ-]+)?,?\s*(?:буд\.\s*|будинок\s*)?[0-9]{1,4}`)
	reAddressAR      = regexp.MustCompile(`(?:شارع|ش\.|طريق|جادة|زقاق)\s+\p{Arabic}+(?:\s+\p{Arabic}+){0,3}?(?:\s*[،,]?\s*(?:رقم|بناية|مبنى|عمارة)?\s*[0-9٠-٩]{1,4})|(?:رقم|بناية|مبنى|عمارة)?\s*[0-9٠-٩]{1,4}\s*[،,]?\s*(?:شارع|طريق|جادة)\s+\p{Arabic}+(?:\s+\p{Arabic}+){0,2}`)
	reCoordinates    = regexp.MustCompile(`-?[0-9]{1,2}\.[0-9]{3,},\s*-?[0-9]{1,3}\.[0-9]{3,}|///[a-z]+\.[a-z]+\.[a-z]+`)
)

// findPII appends personal-data spans of one field to spans.
func findPII(field, s, lang string, spans []story.Span) []story.Span {
	spans = findEmails(field, s, spans)
	hasDigit := false
	hasArabic := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			hasDigit = true
		}
		if c == 0xD9 || c == 0xDB || c == 0xD8 {
			hasArabic = true
			if c == 0xD9 && i+1 < len(s) && s[i+1] >= 0xA0 && s[i+1] <= 0xA9 {
				hasDigit = true
			}
			if c == 0xDB && i+1 < len(s) && s[i+1] >= 0xB0 && s[i+1] <= 0xB9 {
				hasDigit = true
			}
		}
	}
	if !hasDigit {
		return spans
	}
	spans = findNumbers(field, s, lang, spans)
	add := func(label string, loc []int) {
		spans = addSpan(spans, story.Span{Field: field, Start: loc[0], End: loc[1], Label: label})
	}
	if upperNextTo(s) {
		for _, loc := range reIDNumber.FindAllStringIndex(s, -1) {
			add(LabelIDNumber, loc)
		}
		spans = findIBANs(field, s, spans)
		spans = findPostcodes(field, s, spans)
		spans = findDocumentCodes(field, s, spans)
	}
	if hasAnyFold(s, idKeywords) {
		for _, loc := range reIDContext.FindAllStringSubmatchIndex(s, -1) {
			add(LabelIDNumber, loc[2:4])
		}
	}
	if hasArabic || strings.ContainsAny(s, "жпсвЖПСВ") {
		for _, loc := range reIDContextOther.FindAllStringSubmatchIndex(s, -1) {
			add(LabelIDNumber, loc[2:4])
		}
	}
	if digitSpaceUpper(s) {
		for _, loc := range findAllFromNumber(reAddressEN, s) {
			add(LabelAddress, loc)
		}
	}
	if hasAnyFold(s, frStreetWords) {
		for _, loc := range findAllFromNumber(reAddressFR, s) {
			add(LabelAddress, loc)
		}
	}
	if hasAnyFold(s, esStreetWords) {
		for _, loc := range reAddressES.FindAllStringIndex(s, -1) {
			add(LabelAddress, loc)
		}
	}
	if hasArabic {
		for _, loc := range reAddressAR.FindAllStringIndex(s, -1) {
			add(LabelAddress, loc)
		}
	}
	if strings.Contains(s, "\xd0") { // Cyrillic
		for _, loc := range reAddressUK.FindAllStringIndex(s, -1) {
			add(LabelAddress, loc)
		}
	}
	if strings.Contains(s, "///") || decimalDegrees(s) {
		for _, loc := range reCoordinates.FindAllStringIndex(s, -1) {
			add(LabelLocation, loc)
		}
	}
	return spans
}

// findAllFromNumber is re.FindAllStringIndex(s, -1) for a pattern whose
// matches open with \b[0-9]: the search starts at the first digit that
// opens a word, where the word boundary holds as it does in s, rather than
// trying every position before it.
func findAllFromNumber(re *regexp.Regexp, s string) [][]int {
	k := 0
	for k < len(s) && !(isDigitByte(s[k]) && (k == 0 || !isWordByte(s[k-1]))) {
		k++
	}
	if k == len(s) {
		return nil
	}
	locs := re.FindAllStringIndex(s[k:], -1)
	for _, loc := range locs {
		loc[0] += k
		loc[1] += k
	}
	return locs
}

// isWordByte reports whether c is a byte of \b's word characters, ASCII
// letters, digits and '_'. A byte of a multi-byte rune is not.
func isWordByte(c byte) bool { return isAlnumByte(c) || c == '_' }

// maxPIISpans bounds the spans kept for one text: addSpan compares each new
// span with those found, and a moderator needs no more to see the problem.
const maxPIISpans = 256

// addSpan adds sp unless it overlaps a span already found, keeping the
// longer one.
func addSpan(spans []story.Span, sp story.Span) []story.Span {
	if len(spans) >= maxPIISpans {
		return spans
	}
	for i, o := range spans {
		if o.Field == sp.Field && sp.Start < o.End && o.Start < sp.End {
			if sp.End-sp.Start > o.End-o.Start && (o.Label == sp.Label || sp.Label == LabelAddress || sp.Label == LabelIBAN) {
				spans[i] = sp
			}
			return spans
		}
	}
	return append(spans, sp)
}

func isEmailLocal(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._%+-", c) >= 0
}

func isEmailDomain(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
}

func findEmails(field, s string, spans []story.Span) []story.Span {
	for off := 0; off < len(s); {
		at := strings.IndexByte(s[off:], '@')
		if at < 0 {
			break
		}
		at += off
		off = at + 1
		i := at
		for i > 0 && isEmailLocal(s[i-1]) {
			i--
		}
		for i < at && s[i] == '.' {
			i++
		}
		j := at + 1
		for j < len(s) && isEmailDomain(s[j]) {
			j++
		}
		for j > at+1 && (s[j-1] == '.' || s[j-1] == '-') {
			j--
		}
		if i == at {
			continue
		}
		dom := s[at+1 : j]
		dot := strings.LastIndexByte(dom, '.')
		if dot <= 0 || len(dom)-dot-1 < 2 {
			continue
		}
		tld := dom[dot+1:]
		letters := true
		for k := 0; k < len(tld); k++ {
			if !(tld[k] >= 'a' && tld[k] <= 'z' || tld[k] >= 'A' && tld[k] <= 'Z') {
				letters = false
			}
		}
		if !letters {
			continue
		}
		spans = addSpan(spans, story.Span{Field: field, Start: i, End: j, Label: LabelEmail})
		off = j
	}
	return spans
}

func digitValue(r rune) (byte, bool) {
	switch {
	case r >= '0' && r <= '9':
		return byte(r), true
	case r >= 0x0660 && r <= 0x0669:
		return byte('0' + r - 0x0660), true
	case r >= 0x06F0 && r <= 0x06F9:
		return byte('0' + r - 0x06F0), true
	}
	return 0, false
}

func isNumberSep(r rune) bool {
	return r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '/' || r == 0xA0 || r == 0x202F
}

// findNumbers finds runs of digits and separators, then decides whether each
// is a phone number (validated with the phone-number metadata of the
// language's regions), an identity number, or neither.
func findNumbers(field, s, lang string, spans []story.Span) []story.Span {
	var digits [32]byte
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		_, isDigit := digitValue(r)
		plus := r == '+' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9'
		if !isDigit && !plus {
			i += size
			continue
		}
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			if unicode.IsLetter(prev) || prev == '-' || prev == '_' {
				// Part of a word or a longer code; skip the whole run.
				j := i + size
				for j < len(s) {
					r2, sz := utf8.DecodeRuneInString(s[j:])
					if _, d := digitValue(r2); !d && !unicode.IsLetter(r2) && r2 != '-' {
						break
					}
					j += sz
				}
				i = j
				continue
			}
		}
		start := i
		nd := 0
		seps := 0
		lastDigitEnd := i
		sepRun := 0
		groups := [8]int{}
		ng := 0
		j := i
		if plus {
			j++
		}
		for j < len(s) {
			r2, sz := utf8.DecodeRuneInString(s[j:])
			if d, ok := digitValue(r2); ok {
				if nd < len(digits) {
					digits[nd] = d
				}
				nd++
				if ng < len(groups) {
					groups[ng]++
				}
				j += sz
				lastDigitEnd = j
				sepRun = 0
				continue
			}
			if isNumberSep(r2) && sepRun < 2 {
				if sepRun == 0 && ng < len(groups) && nd > 0 {
					ng++
				}
				sepRun++
				seps++
				j += sz
				continue
			}
			break
		}
		end := lastDigitEnd
		// A letter glued to the end makes it a code, not a phone number.
		if end < len(s) {
			if r2, _ := utf8.DecodeRuneInString(s[end:]); unicode.IsLetter(r2) {
				i = end
				continue
			}
		}
		if ng < len(groups) && groups[ng] > 0 {
			ng++
		}
		i = end
		if nd < 8 || nd > 19 {
			continue
		}
		raw := s[start:end]
		if looksLikeDate(raw) {
			continue
		}
		if !plus && nd == 9 && ng == 3 && groups[0] == 3 && groups[1] == 3 && groups[2] == 3 {
			spans = addSpan(spans, story.Span{Field: field, Start: start, End: end, Label: LabelIDNumber})
			continue
		}
		if nd <= 17 && isPhone(digits[:min(nd, len(digits))], plus, lang) {
			spans = addSpan(spans, story.Span{Field: field, Start: start, End: end, Label: LabelPhone})
			continue
		}
		if nd >= 9 && (ng <= 1 || nd >= 12) {
			spans = addSpan(spans, story.Span{Field: field, Start: start, End: end, Label: LabelIDNumber})
		}
	}
	return spans
}

func looksLikeDate(raw string) bool {
	return strings.Count(raw, "/") == 2 || strings.Count(raw, ".") == 2 && len(raw) <= 10
}

func isPhone(digits []byte, plus bool, lang string) bool {
	var buf [40]byte
	n := 0
	if plus {
		buf[0] = '+'
		n = 1
	}
	n += copy(buf[n:], digits)
	num := string(buf[:n])
	if plus {
		p, err := phonenumbers.Parse(num, "ZZ")
		return err == nil && phonenumbers.IsValidNumber(p)
	}
	regions, ok := phoneRegions[baseLang(lang)]
	if !ok {
		regions = phoneRegions[""]
	}
	for _, region := range regions {
		p, err := phonenumbers.Parse(num, region)
		if err == nil && phonenumbers.IsValidNumberForRegion(p, region) {
			return true
		}
	}
	// Written with the international prefix 00 instead of '+'.
	if len(digits) > 10 && digits[0] == '0' && digits[1] == '0' {
		p, err := phonenumbers.Parse("+"+string(digits[2:]), "ZZ")
		return err == nil && phonenumbers.IsValidNumber(p)
	}
	return false
}

func baseLang(lang string) string {
	lang = strings.ToLower(lang)
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	return lang
}

// Cheap gates keep the regular expressions off texts that cannot match.
var (
	idKeywords    = newFoldIndex([]string{"passport", "passeport", "pasaporte", "case", "file", "dossier", "id ", "id:", "unhcr", "hcr", "acnur", "expediente", "dni", "ssn", "nir"})
	frStreetWords = newFoldIndex([]string{"rue ", "avenue", "av.", "boulevard", "bd ", "chemin", "allée", "allee", "place ", "impasse", "quai ", "route ", "cours ", "square", "passage", "cité", "rés"})
	esStreetWords = newFoldIndex([]string{"calle", "c/", "avenida", "avda", "plaza", "paseo", "carrer"})
)

// foldIndex buckets ASCII-initial keywords by their lower-case first byte.
type foldIndex [256][]string

func newFoldIndex(words []string) *foldIndex {
	var idx foldIndex
	for _, w := range words {
		if len(w) < 2 || w[0] >= utf8.RuneSelf || strings.ToLower(w) != w {
			panic("moderation: fold index keyword " + w + " is not lower case of two bytes or more opening with ASCII")
		}
		idx[w[0]] = append(idx[w[0]], w)
	}
	return &idx
}

func hasAnyFold(s string, idx *foldIndex) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		for _, w := range idx[c] {
			// A text that folds to an ASCII byte of a keyword has that byte
			// there: a multi-byte rune folding to ASCII ("K", "ſ") would
			// make it longer than the keyword.
			if i+len(w) <= len(s) && (w[1] >= utf8.RuneSelf || lowerASCII(s[i+1]) == w[1]) && strings.EqualFold(s[i:i+len(w)], w) {
				return true
			}
		}
	}
	return false
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

func upperNextTo(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' && (isDigitByte(s[i+1]) || s[i+1] == '-') {
			return true
		}
		if isDigitByte(s[i]) && s[i+1] >= 'A' && s[i+1] <= 'Z' {
			return true
		}
	}
	return false
}

func digitSpaceUpper(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		if isDigitByte(s[i]) {
			j := i + 1
			if j < len(s) && (s[j] >= 'A' && s[j] <= 'Z' || s[j] >= 'a' && s[j] <= 'z') {
				j++
			}
			if j < len(s) && s[j] == ',' {
				j++
			}
			if j < len(s) && s[j] == ' ' {
				for j < len(s) && s[j] == ' ' {
					j++
				}
				if j < len(s) && s[j] >= 'A' && s[j] <= 'Z' {
					return true
				}
			}
		}
	}
	return false
}

func decimalDegrees(s string) bool {
	for i := 1; i+3 < len(s); i++ {
		if s[i] == '.' && isDigitByte(s[i-1]) && isDigitByte(s[i+1]) && isDigitByte(s[i+2]) && isDigitByte(s[i+3]) {
			return true
		}
	}
	return false
}
