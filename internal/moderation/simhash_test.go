package moderation

import "testing"

func TestFingerprintFindsLightlyEditedCopies(t *testing.T) {
	original := "They are invading our towns and taking everything, send every one of them back before it is too late for our children and our schools"
	edited := "They are invading our towns and taking everything!! Send every single one of them back before it is too late for our children and our schools"
	other := "My neighbour came from Syria and now runs the bakery on our street; the children love her bread and her stories of Aleppo"
	if !NearDuplicate(Fingerprint(original), Fingerprint(edited)) {
		t.Error("a lightly edited copy is not a near-duplicate")
	}
	if NearDuplicate(Fingerprint(original), Fingerprint(other)) {
		t.Error("two different stories are near-duplicates")
	}
	if NearDuplicate(Fingerprint(""), Fingerprint("")) {
		t.Error("empty texts count as duplicates")
	}
}

func BenchmarkFingerprint(b *testing.B) {
	text := "We arrived in January and the neighbours brought soup and warm boots. The library became our second home, and my daughter learned to skate on the river. At work a colleague taught me the words I was missing."
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Fingerprint(text)
	}
}
