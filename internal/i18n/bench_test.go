package i18n

import (
	"io"
	"log/slog"
	"testing"
)

// BenchmarkTranslate is the cost of one message on a page, with
// translations saved in the browser applied: they are read from memory,
// never from the database.
func BenchmarkTranslate(b *testing.B) {
	c, err := Load(Known, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	var overrides []Override
	for _, key := range SourceKeys()[:100] {
		overrides = append(overrides, Override{Lang: "fr", Message: Message{Key: key, Forms: map[string]string{"other": "texte enregistré"}}})
	}
	if err := c.Apply(overrides); err != nil {
		b.Fatal(err)
	}
	fr := c.Lang("fr")
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			fr.T("nav.home")
		}
	})
	b.Run("plural", func(b *testing.B) {
		for b.Loop() {
			fr.N("queue.count", 3)
		}
	})
	b.Run("apply", func(b *testing.B) {
		for b.Loop() {
			c.Apply(overrides)
		}
	})
}
