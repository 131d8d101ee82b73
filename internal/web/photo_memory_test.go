package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"chorus/internal/media/mediatest"
	"chorus/internal/testrig"
)

// A 39 MP progressive 4:4:4 JPEG of a few hundred kilobytes needs more
// memory to decode than the whole image budget: both surfaces refuse it
// with 413 and say why, in the visitor's language, and keep nothing.
func TestPhotoThatCanNeverFitIsRefusedWith413(t *testing.T) {
	rig := testrig.New(t)
	costly := mediatest.ProgressiveJPEG(7300, 5400, 10)

	id, token := rig.Submit(testrig.Submission("Costly"))
	res := rig.UploadPhoto(id, token, "photo.jpg", costly, "alt text")
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(res.Body, &body); err != nil || res.Status != http.StatusRequestEntityTooLarge ||
		body.Error.Code != "too_large" || !strings.Contains(body.Error.Message, "memory") {
		t.Errorf("API: %d %s, want 413 too_large about memory", res.Status, res.Body)
	}

	b := rig.Browser()
	csrf := testrig.CSRF(t, b.Get("/fr/share"))
	form := b.PostMultipart("/fr/share", shareForm(csrf, "Coûteux"), "photo", "photo.jpg", costly)
	if form.Status != http.StatusRequestEntityTooLarge || !bytes.Contains(form.Body, []byte("trop de mémoire")) ||
		!bytes.Contains(form.Body, []byte("Ma première rentrée Coûteux")) {
		t.Errorf("share form: %d, want 413 with the French message and the text kept", form.Status)
	}
	if n, _ := rig.Store.CountByStatus(context.Background(), "pending"); n != 1 {
		t.Errorf("%d pending stories, want only the API's", n)
	}
	if files := testrig.FilesContaining(t, rig.MediaDir, nil); len(files) != 0 {
		t.Errorf("refused uploads left files: %v", files)
	}
}
