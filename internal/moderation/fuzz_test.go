package moderation

import (
	"testing"
	"unicode/utf8"
)

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"h a t e", "r4p3f*gee", "rаpefugee", "Ḧëllo", "اللاجئين", "біженці", "\xff", "a.b.c.d", "ﬁ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var n normText
		n.reset(s)
		if len(n.b) != len(n.start) || len(n.b) != len(n.end) {
			t.Fatal("offset arrays out of step")
		}
		for i := range n.b {
			if n.start[i] < 0 || n.end[i] > int32(len(s)) || n.start[i] >= n.end[i] {
				t.Fatalf("bad offsets at %d: %d..%d of %d", i, n.start[i], n.end[i], len(s))
			}
			if i > 0 && n.start[i] < n.start[i-1] {
				t.Fatalf("offsets go backwards at %d", i)
			}
		}
		if utf8.ValidString(s) && !utf8.Valid(n.b) {
			t.Fatalf("invalid UTF-8 from valid input %q", s)
		}
		a := getAnalysis(s, defaultLexicon)
		for _, h := range a.hits {
			st, en := a.tokenSpan(h.first, h.last)
			if st < 0 || en > len(s) || st > en {
				t.Fatalf("hit span %d..%d of %d", st, en, len(s))
			}
		}
		putAnalysis(a)
	})
}

func FuzzPII(f *testing.F) {
	for _, s := range []string{"+1 613 555 0199", "06 12 34 56 78", "٠٦١٢٣٤٥٦٧٨", "a@b.co", "12 rue de la Paix", "شارع الحمرا ١٢", "AB1234567", "123-456-789", "@@.", "+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, sp := range findPII("body", s, "fr", nil) {
			if sp.Start < 0 || sp.End > len(s) || sp.Start >= sp.End {
				t.Fatalf("span %+v of %d bytes", sp, len(s))
			}
			if utf8.ValidString(s) && !utf8.ValidString(s[sp.Start:sp.End]) {
				t.Fatalf("span %+v cuts a character", sp)
			}
		}
	})
}
