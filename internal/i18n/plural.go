package i18n

import (
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// PluralForm is a CLDR plural category a language uses for whole numbers.
type PluralForm struct {
	Name     string // "zero", "one", "two", "few", "many" or "other"
	Examples []int  // the first whole numbers that take it
	// Single is true when one number alone takes the form (Arabic "two"
	// is 2 only), so its text may spell the number out instead of
	// {{.Count}}.
	Single bool
}

// probedCounts are the whole numbers tried: enough for every CLDR rule on
// integers (they look at the last two digits, and at millions for "many").
var probedCounts = func() []int {
	var n []int
	for i := 0; i <= 1000; i++ {
		n = append(n, i)
	}
	return append(n, 1000000, 2000000)
}()

var pluralForms sync.Map // language code → []PluralForm

// PluralForms lists the plural forms of a language, in CLDR's order, as
// the catalogs apply them: it asks go-i18n's own rules which form each
// whole number takes.
func PluralForms(code string) []PluralForm {
	if cached, ok := pluralForms.Load(code); ok {
		return cached.([]PluralForm)
	}
	forms := probePluralForms(code)
	pluralForms.Store(code, forms)
	return forms
}

func probePluralForms(code string) []PluralForm {
	other := []PluralForm{{Name: "other"}}
	tag, err := language.Parse(code)
	if err != nil {
		return other
	}
	// A message whose every form reads as the form's name tells which
	// form a count takes.
	bundle := goi18n.NewBundle(tag)
	probe := &goi18n.Message{ID: "probe", Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other"}
	if err := bundle.AddMessages(tag, probe); err != nil {
		return other
	}
	localizer := goi18n.NewLocalizer(bundle, code)
	numbers := map[string][]int{}
	for _, n := range probedCounts {
		form, err := localizer.Localize(&goi18n.LocalizeConfig{MessageID: "probe", PluralCount: n})
		if err != nil {
			return other
		}
		numbers[form] = append(numbers[form], n)
	}
	var out []PluralForm
	for _, name := range PluralCategories {
		if n := numbers[name]; len(n) > 0 || name == "other" {
			out = append(out, PluralForm{Name: name, Examples: n[:min(len(n), 4)], Single: len(n) == 1})
		}
	}
	return out
}

// PluralFormNames lists the names of a language's plural forms.
func PluralFormNames(code string) []string {
	var names []string
	for _, f := range PluralForms(code) {
		names = append(names, f.Name)
	}
	return names
}
