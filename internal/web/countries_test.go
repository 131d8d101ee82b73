package web_test

import (
	"net/http"
	"strings"
	"testing"

	"chorus/internal/testrig"
)

// TestShareFormUsesCurrentCountryNames: countries renamed since the CLDR
// data of x/text carry their current names, in every official language.
func TestShareFormUsesCurrentCountryNames(t *testing.T) {
	rig := testrig.New(t)
	for lang, want := range map[string][]string{
		"en": {`value="MK">North Macedonia<`, `value="SZ">Eswatini<`, `value="TR">Türkiye<`, `value="CA">Canada<`},
		"fr": {`value="MK">Macédoine du Nord<`, `value="SZ">Eswatini<`},
		"ar": {`value="MK">مقدونيا الشمالية<`, `value="SZ">إسواتيني<`},
	} {
		res := rig.Do("GET", "/"+lang+"/share", nil, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("%s share form: %d", lang, res.Status)
		}
		body := string(res.Body)
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s share form lacks %s", lang, w)
			}
		}
		for _, old := range []string{">Macedonia<", ">Swaziland<", ">Macédoine<", ">سوازيلاند<"} {
			if strings.Contains(body, old) {
				t.Errorf("%s share form still says %s", lang, old)
			}
		}
	}
}
