package i18n

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// longDate is how a language writes a date in full, from CLDR's
// Gregorian "long" date format: the month names in the form the long
// date uses (Ukrainian's genitive), the pattern, and the digits of the
// language's default numbering system.
type longDate struct {
	months [12]string
	// pattern holds {d} for the day, {M} for the month's name and {y}
	// for the year.
	pattern string
	// zero is the digit zero of the numbering system: '0' (latn),
	// '٠' (arab) or '۰' (arabext).
	zero rune
}

// longDates holds the live languages' long dates, transcribed from CLDR.
// A language not here shows dates as ISO 8601.
var longDates = map[string]longDate{
	"en": {[12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		"{M} {d}, {y}", '0'},
	"fr": {[12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		"{d} {M} {y}", '0'},
	"ar": {[12]string{"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"},
		"{d} {M} {y}", '٠'},
	"es": {[12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
		"{d} de {M} de {y}", '0'},
	"uk": {[12]string{"січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня", "листопада", "грудня"},
		"{d} {M} {y} р.", '0'},
	"zh": {[12]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"},
		"{y}年{M}月{d}日", '0'},
	"fa-AF": {[12]string{"جنوری", "فبروری", "مارچ", "اپریل", "می", "جون", "جولای", "اگست", "سپتمبر", "اکتوبر", "نومبر", "دسمبر"},
		"{d} {M} {y}", '۰'},
	"ps": {[12]string{"جنوري", "فبروري", "مارچ", "اپریل", "مۍ", "جون", "جولای", "اګست", "سېپتمبر", "اکتوبر", "نومبر", "دسمبر"},
		"د {y} د {M} {d}", '۰'},
	"so": {[12]string{"Bisha Koobaad", "Bisha Labaad", "Bisha Saddexaad", "Bisha Afraad", "Bisha Shanaad", "Bisha Lixaad", "Bisha Todobaad", "Bisha Sideedaad", "Bisha Sagaalaad", "Bisha Tobnaad", "Bisha Kow iyo Tobnaad", "Bisha Laba iyo Tobnaad"},
		"{dd} {M} {y}", '0'},
	"ti": {[12]string{"ጥሪ", "ለካቲት", "መጋቢት", "ሚያዝያ", "ግንቦት", "ሰነ", "ሓምለ", "ነሓሰ", "መስከረም", "ጥቅምቲ", "ሕዳር", "ታሕሳስ"},
		"{dd} {M} {y}", '0'},
}

// numberTags names the numbering system where the tag alone does not
// give CLDR's default for the language.
var numberTags = map[string]string{"fa-AF": "fa-AF-u-nu-arabext"}

// Date writes t's calendar day (in UTC) as the language writes a date in
// full, e.g. "December 6, 2026" or "6 décembre 2026"; ISO 8601 for a
// language without a long date.
func (l *Lang) Date(t time.Time) string {
	return formatLongDate(l.Code, t)
}

func formatLongDate(code string, t time.Time) string {
	t = t.UTC()
	style, ok := longDates[code]
	if !ok {
		return t.Format("2006-01-02")
	}
	day := strconv.Itoa(t.Day())
	padded := day
	if len(padded) < 2 {
		padded = "0" + padded
	}
	text := strings.NewReplacer(
		"{dd}", nativeDigits(padded, style.zero),
		"{d}", nativeDigits(day, style.zero),
		"{M}", nativeDigits(style.months[t.Month()-1], style.zero),
		"{y}", nativeDigits(strconv.Itoa(t.Year()), style.zero),
	).Replace(style.pattern)
	return text
}

// nativeDigits writes the ASCII digits of s in the numbering system
// whose zero is given.
func nativeDigits(s string, zero rune) string {
	if zero == '0' {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			r = zero + (r - '0')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Number writes n with the language's CLDR digits and grouping, e.g.
// "1,234,567", "1 234 567" or "١٬٢٣٤٬٥٦٧".
func (l *Lang) Number(n int) string { return l.numbers().Sprintf("%d", n) }

// Decimal writes v with the language's CLDR digits, grouping and decimal
// sign, with the given number of decimal places: "12.5", "12,5", "١٢٫٥".
func (l *Lang) Decimal(v float64, places int) string { return l.numbers().Sprintf("%.*f", places, v) }

// numbers is the language's CLDR number printer.
func (l *Lang) numbers() *message.Printer {
	if l.printer == nil {
		return numberPrinter(l.Code)
	}
	return l.printer
}

func numberPrinter(code string) *message.Printer {
	if tag, ok := numberTags[code]; ok {
		code = tag
	}
	return message.NewPrinter(language.Make(code))
}
