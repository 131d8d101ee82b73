package i18n

import "testing"

func TestTextDir(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"+33 6 12 34 56 78", "ltr"}, // no strong character: dir="auto" would follow the Arabic page and reverse the groups
		{"GB82 WEST 1234 5698 7654 32", "ltr"},
		{"١٢ شارع النيل", "rtl"},
		{"12 rue des Lilas", "ltr"},
		{"\u2067abc\u2069 مرحبا", "rtl"}, // an isolate's content does not count
		{"𞤀𞤣𞤤𞤢𞤥", "rtl"},                 // Adlam
		{"", "ltr"},
	} {
		if got := TextDir(c.text); got != c.want {
			t.Errorf("TextDir(%q) = %s, want %s", c.text, got, c.want)
		}
	}
}
