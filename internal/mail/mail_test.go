package mail

import (
	"context"
	"mime"
	"strings"
	"testing"

	"chorus/internal/mail/mailtest"
)

func TestSendsOneMessageInAnyLanguage(t *testing.T) {
	relay := mailtest.Start(t)
	s, err := Parse("smtp://"+relay.Addr, "It Takes a Community <stories@campaign.example>")
	if err != nil {
		t.Fatal(err)
	}
	body := "احتفظ بهذا الرابط:\nhttps://campaign.example/ar/my/abc/def"
	if err := s.Send(context.Background(), "amal@example.org", "رابطك الخاص", body); err != nil {
		t.Fatal(err)
	}
	got := relay.Messages()
	if len(got) != 1 || got[0].To != "amal@example.org" || got[0].From != "stories@campaign.example" {
		t.Fatalf("messages: %+v", got)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(got[0].Header.Get("Subject"))
	if err != nil || subject != "رابطك الخاص" {
		t.Errorf("subject %q (%v)", subject, err)
	}
	if strings.TrimSpace(got[0].Body) != body {
		t.Errorf("body %q", got[0].Body)
	}
}

func TestRefusedRecipientIsAnError(t *testing.T) {
	relay := mailtest.Start(t)
	relay.Refuse = true
	s, _ := Parse("smtp://"+relay.Addr, "stories@campaign.example")
	if err := s.Send(context.Background(), "amal@example.org", "x", "y"); err == nil {
		t.Fatal("a refused recipient was reported as sent")
	}
}

func TestParseRefusesWhatIsNotARelay(t *testing.T) {
	for _, bad := range []string{"", "http://relay.example", "smtp://", "smtp://relay.example/path", "mailto:a@b"} {
		if _, err := Parse(bad, "stories@campaign.example"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := Parse("smtp://relay.example", "not an address"); err == nil {
		t.Error("a bad From accepted")
	}
	s, err := Parse("smtps://user:p%40ss@relay.example", "stories@campaign.example")
	if err != nil || s.addr != "relay.example:465" || s.password != "p@ss" || !s.implicitTLS {
		t.Errorf("smtps: %+v %v", s, err)
	}
}
