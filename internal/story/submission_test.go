package story

import (
	"errors"
	"strings"
	"testing"
)

var rules = Rules{Languages: []string{"en", "fr", "ar"}, Themes: []string{"work", "family"}}

func valid() Submission {
	return Submission{Title: " My  first\tday ", Body: "We arrived in winter.\r\n\r\n\r\n\r\nNeighbours helped.", Language: "EN", Country: "ca",
		Themes: []string{"Work", "work", " family "}, Identity: "Refugee", DisplayName: "Amal", Consent: Consent{Publish: true}}
}

func TestNormalizeAndValidate(t *testing.T) {
	s := valid()
	s.Normalize()
	if err := s.Validate(rules); err != nil {
		t.Fatal(err)
	}
	if s.Title != "My first day" || s.Body != "We arrived in winter.\n\nNeighbours helped." || s.Language != "en" || s.Country != "CA" ||
		strings.Join(s.Themes, ",") != "work,family" || s.Identity != IdentityRefugee {
		t.Errorf("normalised: %+v", s)
	}
}

func TestValidateReportsEveryField(t *testing.T) {
	s := Submission{Title: strings.Repeat("x", 151), Body: "short", Language: "xx", Country: "ZZ", Themes: []string{"nope"},
		Identity: "alien", ContactEmail: "not an address", City: strings.Repeat("c", 81)}
	s.Normalize()
	err := s.Validate(rules)
	var verrs ValidationErrors
	if !errors.As(err, &verrs) {
		t.Fatalf("want ValidationErrors, got %v", err)
	}
	fields := map[string]bool{}
	for _, e := range verrs {
		fields[e.Field] = true
		if e.Key == "" || e.Message == "" || e.Code != CodeInvalid {
			t.Errorf("incomplete error %+v", e)
		}
	}
	for _, f := range []string{"title", "body", "language", "country", "themes", "identity", "display_name", "contact_email", "consent", "city"} {
		if !fields[f] {
			t.Errorf("no error for %s", f)
		}
	}
}

func TestAnonymousDropsTheName(t *testing.T) {
	s := valid()
	s.Anonymous = true
	s.Normalize()
	if s.DisplayName != "" || s.Validate(rules) != nil {
		t.Errorf("anonymous: %+v", s)
	}
}

func TestCleanTextKeepsScriptsAndDropsControls(t *testing.T) {
	in := "سلام\u200c دوست\u0000\u202e evil\u2066 e\u0301t\u00e9\xff"
	got := CleanText(in)
	if strings.ContainsAny(got, "\u0000\u202e\u2066") {
		t.Errorf("control or override characters kept: %q", got)
	}
	if !strings.Contains(got, "\u200c") {
		t.Error("zero-width non-joiner (needed by Persian) removed")
	}
	if !strings.Contains(got, "\u00e9t\u00e9") {
		t.Errorf("not NFC: %q", got)
	}
	if !strings.Contains(got, "\uFFFD") {
		t.Errorf("invalid UTF-8 not replaced: %q", got)
	}
}

func TestValidCountry(t *testing.T) {
	for code, want := range map[string]bool{"CA": true, "FR": true, "JO": true, "ZZ": false, "EU": false, "ca": false, "CAN": false, "": false} {
		if ValidCountry(code) != want {
			t.Errorf("%q: want %v", code, want)
		}
	}
}
