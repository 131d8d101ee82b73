package web

import "chorus/internal/i18n"

// renamedCountries are the country names CLDR changed after the data in
// golang.org/x/text/language/display (CLDR 32) was made: North Macedonia
// (2019), Eswatini (2018) and Türkiye (2022), as CLDR 45 names them, by
// country code then language. A language not listed keeps display's name.
var renamedCountries = map[string]map[string]string{
	"MK": {"en": "North Macedonia", "fr": "Macédoine du Nord", "ar": "مقدونيا الشمالية", "es": "Macedonia del Norte",
		"fa": "مقدونیهٔ شمالی", "uk": "Північна Македонія", "zh": "北马其顿", "so": "Makadooniya Waqooyi", "ti": "ሰሜን መቆዶንያ",
		"ps": "شمالي مقدونيه"},
	"SZ": {"en": "Eswatini", "fr": "Eswatini", "ar": "إسواتيني", "es": "Esuatini", "fa": "اسواتینی", "uk": "Есватіні",
		"zh": "斯威士兰", "so": "Eswatini", "ti": "ኢስዋቲኒ", "ps": "اسواټيني"},
	"TR": {"en": "Türkiye", "es": "Turquía", "fr": "Turquie", "ar": "تركيا"},
}

// renamedCountry is a country's current name in lang, if CLDR renamed it.
func renamedCountry(lang *i18n.Lang, code string) (string, bool) {
	names, ok := renamedCountries[code]
	if !ok {
		return "", false
	}
	base, _ := lang.Tag.Base()
	name, ok := names[base.String()]
	return name, ok
}
