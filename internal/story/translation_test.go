package story

import (
	"errors"
	"strings"
	"testing"
)

func TestTranslationTextValidation(t *testing.T) {
	ok := TranslationText{Title: " Notre  premier hiver ", Body: "Nous sommes arrivés en janvier.\r\n\r\n\r\nLes voisins ont aidé.", Credit: " Léa\tB. "}
	ok.Normalize()
	if err := ok.Validate(OriginHuman); err != nil {
		t.Fatal(err)
	}
	if ok.Title != "Notre premier hiver" || ok.Body != "Nous sommes arrivés en janvier.\n\nLes voisins ont aidé." || ok.Credit != "Léa B." {
		t.Errorf("normalised: %+v", ok)
	}

	noCredit := TranslationText{Title: "T", Body: "B"}
	if err := noCredit.Validate(OriginMachine); err != nil {
		t.Errorf("a machine draft needs no credit: %v", err)
	}
	bad := TranslationText{Title: strings.Repeat("t", MaxTranslationTitle+1), Credit: strings.Repeat("c", MaxCredit+1)}
	var verrs ValidationErrors
	if !errors.As(bad.Validate(OriginHuman), &verrs) {
		t.Fatal("want validation errors")
	}
	fields := map[string]string{}
	for _, e := range verrs {
		fields[e.Field] = e.Key
	}
	want := map[string]string{"title": "error.translation_title_too_long", "body": "error.translation_body_required", "credit": "error.credit_too_long"}
	for f, k := range want {
		if fields[f] != k {
			t.Errorf("%s: %q, want %q", f, fields[f], k)
		}
	}
	if err := (TranslationText{Title: "T", Body: "B"}).Validate(OriginHuman); err == nil {
		t.Error("a human translation without a credit passed")
	}
}

func TestMachineTranslationNeedsACheck(t *testing.T) {
	tr := &Translation{Origin: OriginMachine}
	if tr.ReadyForReview() {
		t.Error("unchecked machine output is ready for review")
	}
	tr.CheckedBy = 4
	if !tr.ReadyForReview() || !(&Translation{Origin: OriginHuman}).ReadyForReview() {
		t.Error("checked or human translations are ready")
	}
}
