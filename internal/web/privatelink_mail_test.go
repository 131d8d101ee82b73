package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"chorus/internal/mail"
	"chorus/internal/mail/mailtest"
	"chorus/internal/testrig"
)

// TestPrivateLinkSentToTheGivenAddress: a storyteller who gave a contact
// address can have their link e-mailed there; the page never shows the
// address, the message holds the link in their language, a second request
// within minutes is refused, and without an address or without a relay the
// offer is not there.
func TestPrivateLinkSentToTheGivenAddress(t *testing.T) {
	relay := mailtest.Start(t)
	sender, err := mail.Parse("smtp://"+relay.Addr, "It Takes a Community <stories@campaign.example>")
	if err != nil {
		t.Fatal(err)
	}
	rig := testrig.New(t, testrig.WithMailer(sender))
	sub := testrig.Submission("Mailme")
	sub.Language = "fr"
	id, token := rig.Submit(sub)
	private := "/fr/my/" + id + "/" + token
	b := rig.Browser()
	page := b.Get(private)
	if !strings.Contains(string(page.Body), `action="`+private+`/send-link"`) {
		t.Fatal("no offer to send the link")
	}
	if strings.Contains(string(page.Body), sub.ContactEmail) {
		t.Fatal("the private page shows the contact address")
	}
	res := b.PostForm(private+"/send-link", url.Values{"csrf": {testrig.CSRF(t, page)}})
	if res.Status != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "?done=link_sent") {
		t.Fatalf("send: %d %s", res.Status, res.Header.Get("Location"))
	}
	got := relay.Messages()
	if len(got) != 1 || got[0].To != sub.ContactEmail || !strings.Contains(got[0].Body, rig.URL+private) || !strings.Contains(got[0].Body, "Conservez-le") {
		t.Fatalf("messages: %+v", got)
	}
	if done := b.Get(private + "?done=link_sent"); !strings.Contains(string(done.Body), "Nous avons envoyé le lien") {
		t.Error("no notice after sending")
	}
	again := b.PostForm(private+"/send-link", url.Values{"csrf": {testrig.CSRF(t, page)}})
	if again.Status != http.StatusTooManyRequests || len(relay.Messages()) != 1 {
		t.Errorf("a second message within minutes: %d, %d sent", again.Status, len(relay.Messages()))
	}

	bare := testrig.Submission("Nomail")
	bare.ContactEmail = ""
	id2, token2 := rig.Submit(bare)
	if p := b.Get("/en/my/" + id2 + "/" + token2); strings.Contains(string(p.Body), "/send-link") {
		t.Error("an offer to send the link without an address")
	}

	off := testrig.New(t)
	id3, token3 := off.Submit(testrig.Submission("Offmail"))
	ob := off.Browser()
	p3 := ob.Get("/en/my/" + id3 + "/" + token3)
	if strings.Contains(string(p3.Body), "/send-link") {
		t.Error("an offer to send the link with no relay set up")
	}
	if res := ob.PostForm("/en/my/"+id3+"/"+token3+"/send-link", url.Values{"csrf": {testrig.CSRF(t, p3)}}); res.Status != http.StatusNotFound {
		t.Errorf("sending with no relay: %d", res.Status)
	}
}
