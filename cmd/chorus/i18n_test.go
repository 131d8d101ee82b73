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
			{Catalog: staff.CatalogInterface, Lang: "es", Key: "nav.toolkit", Forms: map[string]string{"other": "Kit de campaña"}},
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
	out, err := chorus("i18n", "coverage", "--lang", "es")
	if err != nil || !strings.Contains(out, fmt.Sprintf(" 13/%d", total)) {
		t.Errorf("coverage with the saved translation: %v\n%s", err, out)
	}
	out, err = chorus("i18n", "coverage", "--lang", "es", "--shipped")
	if err != nil || !strings.Contains(out, " 12/") {
		t.Errorf("coverage of the shipped catalog: %v\n%s", err, out)
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
	source, _ := i18n.SourceMessage("nav.toolkit")
	if got := catalog["nav.toolkit"]; got["other"] != "Kit de campaña" || got["hash"] != source.SourceHash() || len(catalog) != 13 {
		t.Errorf("exported catalog: %v, %d messages", got, len(catalog))
	}
	if _, err := chorus("i18n", "export", "--lang", "xx"); err == nil {
		t.Error("exported an unknown language")
	}

	out, err = chorus("toolkit", "export", "--lang", "fr")
	if err != nil || !strings.Contains(out, `"title": "Trousse de la communauté"`) || !strings.Contains(out, "{url}") {
		t.Errorf("toolkit export: %v\n%.300s", err, out)
	}
	if _, err := chorus("toolkit", "build", "--lang", "es", "--out", t.TempDir()); err == nil || !strings.Contains(err.Error(), "no complete toolkit") {
		t.Errorf("building an incomplete kit: %v", err)
	}
}
