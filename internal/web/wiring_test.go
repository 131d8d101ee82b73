package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/storage"
	"chorus/internal/testrig"
)

// TestAnotherPackageMountsItsRoutes adds a handler set the way a feature
// package would: it is served with the site's headers, and a pattern that
// clashes with one of the site's routes is refused instead of panicking.
func TestAnotherPackageMountsItsRoutes(t *testing.T) {
	rig := testrig.New(t)
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello from " + r.PathValue("who"))) })
	if err := rig.Site.Mount("GET /.well-known/chorus-test/{who}", hello); err != nil {
		t.Fatal(err)
	}
	res := rig.Do("GET", "/.well-known/chorus-test/federation", nil, nil)
	if res.Status != http.StatusOK || string(res.Body) != "hello from federation" {
		t.Fatalf("mounted route: %d %s", res.Status, res.Body)
	}
	if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("a mounted route misses the site's headers: %v", res.Header)
	}
	for _, pattern := range []string{"GET /healthz", "GET /.well-known/chorus-test/{other}", "no pattern"} {
		if err := rig.Site.Mount(pattern, hello); err == nil {
			t.Errorf("mounting %q was accepted", pattern)
		}
	}
	if res := rig.Do("GET", "/healthz", nil, nil); res.Status != http.StatusOK || strings.Contains(string(res.Body), "hello") {
		t.Errorf("a refused mount changed /healthz: %d %s", res.Status, res.Body)
	}
}

// TestAChangeFromAnotherNodeReachesThisOne plays the other node: a
// translation saved straight to the shared database shows once its event
// arrives, and not before, since the page is cached.
func TestAChangeFromAnotherNodeReachesThisOne(t *testing.T) {
	rig := testrig.New(t)
	ctx := context.Background()
	before := rig.Do("GET", "/fr/", nil, nil)
	if before.Status != http.StatusOK || strings.Contains(string(before.Body), "Racontez votre parcours") {
		t.Fatalf("French home page: %d", before.Status)
	}
	admin, _ := rig.Staff("editor@example.org", staff.RoleAdmin)
	err := rig.Store.WithTx(ctx, func(tx storage.Tx) error {
		return tx.PutTranslation(ctx, staff.Translation{Catalog: staff.CatalogInterface, Lang: "fr", Key: "home.cta",
			Forms: map[string]string{"other": "Racontez votre parcours"}, UpdatedBy: admin.ID, UpdatedAt: time.Now().UTC()})
	})
	if err != nil {
		t.Fatal(err)
	}
	if page := rig.Do("GET", "/fr/", nil, nil); strings.Contains(string(page.Body), "Racontez votre parcours") {
		t.Fatal("the page was not cached: this test proves nothing")
	}
	rig.App.Events.PublishRemote(app.TranslationsChanged{Lang: "fr"})
	if page := rig.Do("GET", "/fr/", nil, nil); !strings.Contains(string(page.Body), "Racontez votre parcours") {
		t.Error("the translation saved on another node does not show after its event")
	}
}
