package storagetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/story"
)

func testTranslations(t *testing.T, st storage.Store) {
	ctx := context.Background()
	if list, err := st.Translations(ctx); err != nil || len(list) != 0 {
		t.Fatalf("a new store holds translations: %v %v", list, err)
	}
	if _, err := st.Translation(ctx, staff.CatalogInterface, "fr", "home.cta"); !errors.Is(err, story.ErrNotFound) {
		t.Fatalf("missing translation: %v", err)
	}
	put := func(list ...staff.Translation) error {
		return st.WithTx(ctx, func(tx storage.Tx) error {
			for _, tr := range list {
				if err := tx.PutTranslation(ctx, tr); err != nil {
					return err
				}
			}
			return nil
		})
	}
	cta := staff.Translation{Catalog: staff.CatalogInterface, Lang: "fr", Key: "home.cta",
		Forms: map[string]string{"other": "Racontez <b>votre</b> histoire & « la nôtre »"}, SourceHash: "sha1-aaa", UpdatedBy: 3, UpdatedAt: epoch}
	count := staff.Translation{Catalog: staff.CatalogInterface, Lang: "ar", Key: "queue.count",
		Forms:      map[string]string{"zero": "لا توجد قصص", "one": "قصة واحدة", "two": "قصتان", "few": "{{.Count}} قصص", "many": "{{.Count}} قصة", "other": "{{.Count}} قصة"},
		SourceHash: "sha1-bbb", UpdatedBy: 4, UpdatedAt: epoch.Add(time.Minute)}
	dari := staff.Translation{Catalog: staff.CatalogInterface, Lang: "fa-AF", Key: "nav.home", Forms: map[string]string{"other": "خانه"}, SourceHash: "sha1-ccc", UpdatedBy: 3, UpdatedAt: epoch}
	toolkitItem := "posts.x" // a toolkit item, not a message key
	kit := staff.Translation{Catalog: staff.CatalogToolkit, Lang: "en", Key: toolkitItem, Forms: map[string]string{"other": "Read and share. #ItTakesaCommunity {url}"}, UpdatedBy: 1, UpdatedAt: epoch.Add(time.Microsecond)}
	if err := put(kit, cta, count, dari); err != nil {
		t.Fatal(err)
	}
	list, err := st.Translations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []staff.Translation{count, dari, cta, kit}; !reflect.DeepEqual(list, want) {
		t.Fatalf("translations by catalog, language and key:\n got %+v\nwant %+v", list, want)
	}

	// Saving again replaces the text, its source hash, who and when.
	cta.Forms, cta.SourceHash, cta.UpdatedBy, cta.UpdatedAt = map[string]string{"other": "Partagez votre histoire"}, "sha1-ddd", 5, epoch.Add(time.Hour)
	if err := put(cta); err != nil {
		t.Fatal(err)
	}
	got, err := st.Translation(ctx, staff.CatalogInterface, "fr", "home.cta")
	if err != nil || !reflect.DeepEqual(*got, cta) {
		t.Fatalf("replaced translation: %+v %v", got, err)
	}
	if list, _ := st.Translations(ctx); len(list) != 4 {
		t.Errorf("replacing added a row: %d", len(list))
	}
	if _, err := st.Translation(ctx, staff.CatalogToolkit, "fr", "home.cta"); !errors.Is(err, story.ErrNotFound) {
		t.Errorf("a translation answered for another catalog: %v", err)
	}

	// A review records who checked the text and when; a new text clears it.
	cta.ReviewedBy, cta.ReviewedAt = 6, epoch.Add(2*time.Hour)
	if err := put(cta); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Translation(ctx, staff.CatalogInterface, "fr", "home.cta"); err != nil || !reflect.DeepEqual(*got, cta) {
		t.Fatalf("reviewed translation: %+v %v", got, err)
	}
	cta.Forms, cta.UpdatedBy, cta.ReviewedBy, cta.ReviewedAt = map[string]string{"other": "Partagez votre récit"}, 5, 0, time.Time{}
	if err := put(cta); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Translation(ctx, staff.CatalogInterface, "fr", "home.cta"); err != nil || got.ReviewedBy != 0 || !got.ReviewedAt.IsZero() {
		t.Fatalf("a new text kept its former review: %+v %v", got, err)
	}

	// A failed transaction keeps nothing.
	boom := errors.New("boom")
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.PutTranslation(ctx, staff.Translation{Catalog: staff.CatalogInterface, Lang: "es", Key: "nav.home", Forms: map[string]string{"other": "Inicio"}, UpdatedAt: epoch}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if _, err := st.Translation(ctx, staff.CatalogInterface, "es", "nav.home"); !errors.Is(err, story.ErrNotFound) {
		t.Errorf("a rolled-back translation was kept: %v", err)
	}

	// Removing one leaves the others; removing it again finds nothing.
	del := func() error {
		return st.WithTx(ctx, func(tx storage.Tx) error {
			return tx.DeleteTranslation(ctx, staff.CatalogInterface, "fa-AF", "nav.home")
		})
	}
	if err := del(); err != nil {
		t.Fatal(err)
	}
	if err := del(); !errors.Is(err, story.ErrNotFound) {
		t.Errorf("removing a removed translation: %v", err)
	}
	if list, _ := st.Translations(ctx); len(list) != 3 {
		t.Errorf("%d translations left, want 3", len(list))
	}

	// Read in a transaction, as the use-case does before saving.
	err = st.WithTx(ctx, func(tx storage.Tx) error {
		got, err := tx.Translation(ctx, staff.CatalogToolkit, "en", "posts.x")
		if err == nil && got.Forms["other"] != kit.Forms["other"] {
			t.Errorf("read in a transaction: %+v", got)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
