package sqlstore

import (
	"strings"
	"testing"
)

func TestSearchText(t *testing.T) {
	for in, want := range map[string]string{
		"مَدْرَسَةٌ":     "مدرسه",
		"أحمد وإخوته":    "احمد واخوته",
		"مـــدرسة":       "مدرسه",
		"کتاب یک":        "كتاب يك",
		"٢٠٢٦ ۱۴۰۵":      "2026 1405",
		"我们的社区":          "我们 们的 的社 社区",
		"社":              "社",
		"Hello 社区 World": "hello 社区 world",
		"École":          "école",
	} {
		if got := strings.Join(strings.Fields(SearchText(in)), " "); got != want {
			t.Errorf("SearchText(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSearchText: whatever a reader types, the text searched holds no
// Arabic mark or letter form the index folds, and no run of two CJK
// characters outside a pair.
func FuzzSearchText(f *testing.F) {
	for _, s := range []string{"مَدْرَسَةٌ", "我们的社区", "École", "\xff\xfe", "", "a社b区c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := SearchText(s)
		for _, word := range strings.Fields(out) {
			cjk := 0
			for _, r := range word {
				if foldArabic(r) != r {
					t.Fatalf("%q → %q keeps %q", s, out, r)
				}
				if isCJK(r) {
					cjk++
				}
			}
			if cjk > 2 {
				t.Fatalf("%q → %q holds a run of %d CJK characters", s, out, cjk)
			}
		}
	})
}

// BenchmarkSearchText measures what preparing a story for the index adds
// to a write, and a query to a search: a story of about 2,000 characters
// in Arabic, Chinese and Latin script, and a two-word query.
func BenchmarkSearchText(b *testing.B) {
	story := strings.Repeat("Our neighbours brought soup on the first cold night. ", 12) +
		strings.Repeat("كانت جارتي تطرق بابي كل يوم أربعاء ومعها كتاب صغير. ", 8) +
		strings.Repeat("邻居们每天都来帮忙，孩子们一起上学。", 12)
	b.Run("story", func(b *testing.B) {
		b.SetBytes(int64(len(story)))
		for b.Loop() {
			SearchText(story)
		}
	})
	// What the PostgreSQL adapter did before, for comparison on the same machine.
	b.Run("story-lowercase-only", func(b *testing.B) {
		b.SetBytes(int64(len(story)))
		for b.Loop() {
			strings.ToLower(story)
		}
	})
	b.Run("query", func(b *testing.B) {
		for b.Loop() {
			SearchText("community مدرسة")
		}
	})
}
