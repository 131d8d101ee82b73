package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/internal/app"
	"chorus/internal/media"
	"chorus/internal/staff"
	"chorus/internal/story"
)

func TestReadLogo(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	encode := func(w, h int, enc func(io.Writer, image.Image) error) []byte {
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		img.Set(0, 0, color.NRGBA{0x12, 0x6E, 0xB4, 0x80})
		var buf bytes.Buffer
		if err := enc(&buf, img); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	jpegEncode := func(w io.Writer, img image.Image) error { return jpeg.Encode(w, img, nil) }
	goodPNG := encode(300, 100, png.Encode)
	for _, c := range []struct {
		name, path, err string // err: "" for a logo that loads
	}{
		{"png", write("logo.png", goodPNG), ""},
		{"jpeg", write("logo.jpg", encode(120, 80, jpegEncode)), ""},
		{"missing", filepath.Join(dir, "none.png"), "no such file"},
		{"text", write("logo.txt", []byte("not an image")), "not a logo we can use"},
		{"gif", write("logo.gif", []byte("GIF89a\x01\x00\x01\x00")), "not a logo we can use"},
		{"truncated", write("cut.png", goodPNG[:len(goodPNG)/2]), "could not be read"},
		{"too many pixels", write("wide.png", encode(5000, 4000, png.Encode)), "too many pixels"},
		{"too large", write("big.png", append(append([]byte{}, goodPNG...), make([]byte, media.MaxLogoBytes)...)), "smaller than 5 MB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			img, err := readLogo(t.Context(), c.path)
			if c.err == "" {
				if err != nil || img == nil {
					t.Fatalf("readLogo: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("error %v, want one saying %q", err, c.err)
			}
		})
	}
}

// TestToolkitBuildWithLogo: the kit's cards carry the logo (true-colour
// PNGs, where cards without one are paletted), and a bad logo stops the
// build before anything is written.
func TestToolkitBuildWithLogo(t *testing.T) {
	logo := filepath.Join(t.TempDir(), "partner.png")
	var buf bytes.Buffer
	img := image.NewNRGBA(image.Rect(0, 0, 200, 80))
	for i := range img.Pix {
		img.Pix[i] = 0xC0
	}
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(logo, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	getenv := onlyDataEnv(t.TempDir())
	out := t.TempDir()
	err := toolkitCommand(context.Background(), []string{"build", "--lang", "en", "--out", out, "--logo", logo}, getenv, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(out, "cards", "message-1-square.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	card, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, paletted := card.(*image.Paletted); paletted {
		t.Error("card without the logo")
	}

	bad := filepath.Join(t.TempDir(), "bad.png")
	os.WriteFile(bad, []byte("<svg/>"), 0o644)
	empty := filepath.Join(t.TempDir(), "kit")
	err = toolkitCommand(context.Background(), []string{"build", "--lang", "en", "--out", empty, "--logo", bad}, getenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--logo "+bad+": ") || !strings.Contains(err.Error(), "not a logo we can use") {
		t.Errorf("bad logo: %v", err)
	}
	if _, err := os.Stat(empty); !os.IsNotExist(err) {
		t.Error("the build wrote files despite a bad logo")
	}
}

// TestToolkitBuildHasTheVoicesThatAgreed: chorus toolkit build quotes the
// published stories whose authors agreed to the toolkit, signed as they
// chose (an anonymous author by no name), with their cards, and leaves out
// the others.
func TestToolkitBuildHasTheVoicesThatAgreed(t *testing.T) {
	ctx := context.Background()
	getenv := onlyDataEnv(t.TempDir())
	cfg := testConfig(t, getenv)
	publish := func(a site, title, body, name, city string, anonymous, toolkit bool) error {
		sub := story.Submission{Title: title, Body: body, Language: "en", Country: "CA", City: city,
			Identity: story.IdentityRefugee, DisplayName: name, Anonymous: anonymous, ContactEmail: "amal@example.org",
			Consent: story.Consent{Publish: true, Toolkit: toolkit}}
		receipt, err := a.Submit(ctx, sub)
		if err != nil {
			return err
		}
		if _, err := a.AddUser(ctx, "mod@example.org", staff.RoleModerator); err != nil && story.ErrorCode(err) != story.CodeConflict {
			return err
		}
		mod, err := a.Store.UserByEmail(ctx, "mod@example.org")
		if err != nil {
			return err
		}
		_, err = a.Decide(ctx, mod, receipt.ID, app.Decision{Approve: true})
		return err
	}
	err := runWithApp(ctx, cfg, os.Stderr, func(a site, _ *config) error {
		if err := publish(a, "Skating", "Our neighbour Mrs Kowalski taught my daughter to skate on the backyard rink.", "", "Winnipeg", true, true); err != nil {
			return err
		}
		if err := publish(a, "Private", "A story whose author keeps it out of the campaign toolkit entirely.", "Bilal", "Montréal", false, false); err != nil {
			return err
		}
		return publish(a, "Bakery", "The bakery on our street hired me the week we arrived, before I spoke any French.", "Chadia", "", false, true)
	})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := run(ctx, []string{"toolkit", "build", "--lang", "en", "--out", out}, getenv, nil, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	md, err := os.ReadFile(filepath.Join(out, "toolkit.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(md)
	for _, want := range []string{"## Voices", "taught my daughter to skate", "— Anonymous, Winnipeg, Canada", "hired me the week", "— Chadia, Canada", "cards/voice-2-square.png"} {
		if !strings.Contains(text, want) {
			t.Errorf("toolkit.md lacks %q", want)
		}
	}
	for _, leak := range []string{"amal@example.org", "out of the campaign toolkit", "Bilal", "Montréal"} {
		if strings.Contains(text, leak) {
			t.Errorf("toolkit.md shows %q", leak)
		}
	}
	for _, size := range []string{"square", "story", "og", "wide"} {
		if _, err := os.Stat(filepath.Join(out, "cards", "voice-1-"+size+".png")); err != nil {
			t.Errorf("voice card: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "cards", "voice-3-square.png")); err == nil {
		t.Error("a card for a story whose author did not agree")
	}
}
