package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"chorus/internal/staff"
	"chorus/internal/testrig"
)

// logoWithComment is a logo whose file carries a text chunk, as editors
// leave an author's name or a place in a file.
func logoWithComment(t *testing.T, comment string) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 400, 160))
	for y := 0; y < 160; y++ {
		for x := 0; x < 400; x++ {
			img.Set(x, y, color.NRGBA{R: 200, G: uint8(x / 2), B: 40, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	body := append([]byte("tEXt"), "Comment\x00"+comment...)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(body)-4))
	chunk = append(chunk, body...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(body))
	return append(append(append([]byte{}, b[:33]...), chunk...), b[33:]...)
}

func zipCards(t *testing.T, data []byte) map[string]image.Image {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	cards := map[string]image.Image{}
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".png") {
			continue
		}
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		cards[f.Name] = img
	}
	return cards
}

func TestPartnerGetsACoBrandedToolkit(t *testing.T) {
	rig := testrig.New(t)
	partner := rig.SignedIn("partner@example.org", staff.RolePartner)
	page := partner.Get("/fr/staff/partner")
	if page.Status != http.StatusOK || !strings.Contains(string(page.Body), "Téléversez votre logo") {
		t.Fatalf("partner page: %d", page.Status)
	}
	csrf := testrig.CSRF(t, page)

	bad := partner.PostMultipart("/fr/staff/partner", url.Values{"csrf": {csrf}, "organisation": {"Voisins du Nord"}}, "logo", "logo.svg", []byte("<svg/>"))
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.Body), "pas un logo utilisable") || !strings.Contains(string(bad.Body), "Voisins du Nord") {
		t.Fatalf("an SVG logo: %d", bad.Status)
	}
	noName := partner.PostMultipart("/fr/staff/partner", url.Values{"csrf": {csrf}}, "logo", "logo.png", logoWithComment(t, "x"))
	if noName.Status != http.StatusUnprocessableEntity || !strings.Contains(string(noName.Body), "nom de votre organisation") {
		t.Fatalf("no organisation: %d", noName.Status)
	}

	saved := partner.PostMultipart("/fr/staff/partner", url.Values{"csrf": {csrf}, "organisation": {"Voisins du Nord"}}, "logo", "logo.png", logoWithComment(t, "GPS 45.5017,-73.5673 made by Jane Doe"))
	if saved.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", saved.Status, saved.Body)
	}
	logo := partner.Get("/fr/staff/partner/logo.png")
	if logo.Status != http.StatusOK || bytes.Contains(logo.Body, []byte("Jane Doe")) || bytes.Contains(logo.Body, []byte("GPS")) {
		t.Fatalf("the saved logo: %d, or it kept the file's text", logo.Status)
	}

	kit := partner.Get("/fr/staff/partner/toolkit.zip")
	if kit.Status != http.StatusOK || kit.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("co-branded kit: %d %s", kit.Status, kit.Header.Get("Content-Type"))
	}
	plain := rig.Do("GET", "/fr/toolkit.zip", nil, nil)
	branded, public := zipCards(t, kit.Body), zipCards(t, plain.Body)
	if len(branded) == 0 || len(branded) != len(public) {
		t.Fatalf("%d co-branded cards, %d public ones", len(branded), len(public))
	}
	for name, img := range branded {
		if _, paletted := img.(*image.Paletted); paletted {
			t.Errorf("%s has no logo", name)
		}
		if _, paletted := public[name].(*image.Paletted); !paletted {
			t.Errorf("public %s carries a logo", name)
		}
	}

	u, err := rig.Store.UserByEmail(t.Context(), "partner@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if entries, _ := rig.Store.Audit(t.Context(), "partner."+strconv.FormatInt(u.ID, 10)); len(entries) != 1 || entries[0].Action != "partner_profile" {
		t.Fatalf("profile change audited: %+v", entries)
	}

	removed := partner.PostMultipart("/fr/staff/partner", url.Values{"csrf": {csrf}, "organisation": {"Voisins du Nord"}, "remove_logo": {"yes"}}, "logo", "", nil)
	if removed.Status != http.StatusSeeOther {
		t.Fatalf("removing the logo: %d", removed.Status)
	}
	if res := partner.Get("/fr/staff/partner/toolkit.zip"); res.Status != http.StatusNotFound {
		t.Fatalf("co-branded kit without a logo: %d", res.Status)
	}
}
