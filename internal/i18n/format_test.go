package i18n

import (
	"testing"
	"time"
)

// The expected strings are CLDR's Gregorian long date and decimal format
// for each live language, written out by hand.
func TestDatesAndNumbersFollowCLDR(t *testing.T) {
	day := time.Date(2026, time.December, 6, 15, 4, 5, 0, time.UTC)
	for _, c := range []struct{ code, date, number, decimal string }{
		{"en", "December 6, 2026", "1,234,567", "12.5"},
		{"fr", "6 décembre 2026", "1\u00a0234\u00a0567", "12,5"},
		{"ar", "٦ ديسمبر ٢٠٢٦", "١٬٢٣٤٬٥٦٧", "١٢٫٥"},
		{"es", "6 de diciembre de 2026", "1.234.567", "12,5"},
		{"uk", "6 грудня 2026 р.", "1\u00a0234\u00a0567", "12,5"},
		{"zh", "2026年12月6日", "1,234,567", "12.5"},
		{"fa-AF", "۶ دسمبر ۲۰۲۶", "۱٬۲۳۴٬۵۶۷", "۱۲٫۵"},
		{"ps", "د ۲۰۲۶ د دسمبر ۶", "۱٬۲۳۴٬۵۶۷", "۱۲٫۵"},
		{"so", "06 Bisha Laba iyo Tobnaad 2026", "1,234,567", "12.5"},
		{"ti", "06 ታሕሳስ 2026", "1,234,567", "12.5"},
	} {
		l := &Lang{Language: Language{Code: c.code}, printer: numberPrinter(c.code)}
		if got := l.Date(day); got != c.date {
			t.Errorf("%s: date %q, want %q", c.code, got, c.date)
		}
		if got := l.Number(1234567); got != c.number {
			t.Errorf("%s: number %q, want %q", c.code, got, c.number)
		}
		if got := l.Decimal(12.5, 1); got != c.decimal {
			t.Errorf("%s: decimal %q, want %q", c.code, got, c.decimal)
		}
	}
}

func TestDateOfALanguageWithoutALongDateIsISO(t *testing.T) {
	l := &Lang{Language: Language{Code: "hi"}}
	if got := l.Date(time.Date(2026, time.March, 9, 23, 0, 0, 0, time.FixedZone("x", -3*3600))); got != "2026-03-10" {
		t.Errorf("date %q, want the ISO day in UTC", got)
	}
	if got := l.Number(-1500); got != "-1,500" {
		t.Errorf("number %q", got)
	}
}

func TestDateDaysAndMonthsAcrossTheYear(t *testing.T) {
	l := &Lang{Language: Language{Code: "ps"}}
	if got := l.Date(time.Date(2027, time.May, 31, 0, 0, 0, 0, time.UTC)); got != "د ۲۰۲۷ د مۍ ۳۱" {
		t.Errorf("ps: %q", got)
	}
	so := &Lang{Language: Language{Code: "so"}}
	if got := so.Date(time.Date(2027, time.January, 15, 0, 0, 0, 0, time.UTC)); got != "15 Bisha Koobaad 2027" {
		t.Errorf("so: %q", got)
	}
}
