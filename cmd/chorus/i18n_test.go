package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/internal/app"
	"chorus/internal/i18n"
	"chorus/internal/staff"
)

// TestTranslationCommands saves translations as the browser does, then
// reads them back through chorus i18n coverage and export and chorus
// toolkit export, which count and write them beside the shipped texts.
func TestTranslationCommands(t *testing.T) {
	ctx := context.Background()
	getenv := onlyDataEnv(t.TempDir())
	cfg := testConfig(t, getenv)
	err := runWithApp(ctx, cfg, os.Stderr, func(a site, _ *config) error {
		if _, err := a.AddUser(ctx, "tr@example.org", staff.RoleTranslator); err != nil {
			return err
		}
		u, err := a.Store.UserByEmail(ctx, "tr@example.org")
		if err != nil {
			return err
		}
		for _, e := range []app.TranslationEdit{
			{Catalog: staff.CatalogInterface, Lang: "es", Key: "home.lead", Forms: map[string]string{"other": "Personas migrantes, refugiadas y sus vecinos construyen juntos nuestras comunidades."}},
			{Catalog: staff.CatalogToolkit, Lang: "fr", Key: "title", Forms: map[string]string{"other": "Trousse de la communauté"}},
		} {
			if err := a.SaveTranslation(ctx, u, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	chorus := func(args ...string) (string, error) {
		var out, errs bytes.Buffer
		err := run(ctx, args, getenv, nil, &out, &errs)
		return out.String(), err
	}

	total := len(i18n.SourceKeys())
	shipped, err := i18n.MeasureCoverage(i18n.Locales(), []i18n.Language{{Code: "en"}, {Code: "es"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := shipped[0].Translated
	out, err := chorus("i18n", "coverage", "--lang", "es")
	if err != nil || !strings.Contains(out, fmt.Sprintf(" %d/%d", done+1, total)) || !strings.Contains(out, "es      yes   100.0%") {
		t.Errorf("coverage with the saved translation: %v\n%s", err, out)
	}
	out, err = chorus("i18n", "coverage", "--lang", "es", "--shipped")
	if err != nil || !strings.Contains(out, fmt.Sprintf(" %d/%d", done, total)) {
		t.Errorf("coverage of the shipped catalog: %v\n%s", err, out)
	}
	out, err = chorus("i18n", "coverage", "--lang", "ti", "--shipped", "--hold-languages", "ti")
	if err != nil || !strings.Contains(out, "ti      held  100.0%") {
		t.Errorf("coverage of a language held back: %v\n%s", err, out)
	}

	file := filepath.Join(t.TempDir(), "es.json")
	if _, err := chorus("i18n", "export", "--lang", "es", "--out", file); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(file)
	var catalog map[string]map[string]string
	if err := json.Unmarshal(raw, &catalog); err != nil {
		t.Fatalf("not go-i18n JSON v2 with hashes: %v", err)
	}
	source, _ := i18n.SourceMessage("home.lead")
	if got := catalog["home.lead"]; !strings.HasPrefix(got["other"], "Personas migrantes") || got["hash"] != source.SourceHash() || got["review"] != "needed" || len(catalog) != done+1 {
		t.Errorf("exported catalog: %v, %d messages", got, len(catalog))
	}
	if got := catalog["share.title"]; got["review"] != "needed" {
		t.Errorf("a shipped text waiting for review lost its state in the export: %v", got)
	}
	if _, err := chorus("i18n", "export", "--lang", "xx"); err == nil {
		t.Error("exported an unknown language")
	}

	out, err = chorus("toolkit", "export", "--lang", "fr")
	if err != nil || !strings.Contains(out, `"title": "Trousse de la communauté"`) || !strings.Contains(out, "{url}") {
		t.Errorf("toolkit export: %v\n%.300s", err, out)
	}
	dir := t.TempDir()
	if _, err := chorus("toolkit", "build", "--lang", "es", "--out", dir, "--shipped"); err != nil {
		t.Fatalf("building a partial kit: %v", err)
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil || !strings.Contains(string(readme), "PARTIAL TOOLKIT") || !strings.Contains(string(readme), "Kit de herramientas de la campaña") || !strings.Contains(string(readme), "review by native speakers") {
		t.Errorf("the partial kit's readme: %v\n%s", err, readme)
	}
	if _, err := chorus("toolkit", "build", "--lang", "de", "--out", t.TempDir()); err == nil {
		t.Error("built a kit in a language of no toolkit")
	}
}
