package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"chorus/internal/storage"
)

func TestStoryPageShowsItsDateInThePageLanguage(t *testing.T) {
	rig := seeded(t)
	ctx := context.Background()
	s, err := rig.Store.Story(ctx, "demo01")
	if err != nil {
		t.Fatal(err)
	}
	s.PublishedAt = time.Date(2026, time.December, 6, 9, 30, 0, 0, time.UTC)
	if err := rig.Store.WithTx(ctx, func(tx storage.Tx) error { return tx.UpdateStory(ctx, s) }); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{
		"en": `<time datetime="2026-12-06">December 6, 2026</time>`,
		"fr": `<time datetime="2026-12-06">6 décembre 2026</time>`,
		"ar": `<time datetime="2026-12-06">٦ ديسمبر ٢٠٢٦</time>`,
	} {
		page := rig.Do("GET", "/"+lang+"/stories/demo01", nil, nil)
		if body := string(page.Body); page.Status != 200 || !strings.Contains(body, want) {
			i := strings.Index(body, "<time")
			t.Errorf("%s: %d, want %s, the page has %.80s", lang, page.Status, want, body[max(i, 0):])
		}
	}
}

func TestImpactFiguresAreWrittenInThePageLanguage(t *testing.T) {
	rig := seeded(t)
	page := rig.Do("GET", "/ar/impact", nil, nil)
	body := string(page.Body)
	if page.Status != 200 {
		t.Fatalf("impact: %d", page.Status)
	}
	start := strings.Index(body, `<dl class="figures">`)
	if start < 0 {
		t.Fatal("no figures on the impact page")
	}
	figures := body[start:]
	figures = figures[:strings.Index(figures, "</dl>")]
	if strings.ContainsAny(figures, "0123456789") || !strings.ContainsAny(figures, "٠١٢٣٤٥٦٧٨٩") {
		t.Errorf("the Arabic impact figures are not in Arabic-Indic digits: %s", figures)
	}
}
