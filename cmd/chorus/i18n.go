package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"chorus/internal/app"
	"chorus/internal/i18n"
	"chorus/internal/staff"
)

const i18nUsage = "usage: chorus i18n coverage [--lang L] [--list] [--shipped] | chorus i18n export --lang L [--out FILE] [--shipped]"

// i18nCommand reports how much of the interface each language translates,
// or writes one language's catalog, translations saved in the browser
// included unless --shipped.
func i18nCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(i18nUsage)
	}
	switch args[0] {
	case "coverage":
		return i18nCoverage(ctx, args[1:], getenv, stdout, stderr)
	case "export":
		return i18nExport(ctx, args[1:], getenv, stdout, stderr)
	}
	return errors.New(i18nUsage)
}

// savedTranslations reads the translations saved in the configured
// database, or none with --shipped (nothing opened, nothing created).
func savedTranslations(ctx context.Context, cfg *config, shipped bool, stderr io.Writer) ([]staff.Translation, error) {
	if shipped {
		return nil, nil
	}
	var list []staff.Translation
	err := runWithApp(ctx, cfg, stderr, func(a site, _ *config) error {
		var err error
		list, err = a.Store.Translations(ctx)
		return err
	})
	return list, err
}

func i18nCoverage(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var only string
	var list, shipped bool
	cfg, err := parseFlags("i18n coverage", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&only, "lang", "", "report this language only")
		fs.BoolVar(&list, "list", false, "list the missing and stale keys")
		fs.BoolVar(&shipped, "shipped", false, "the shipped catalogs alone, without the translations saved in the database")
	})
	if err != nil {
		return err
	}
	saved, err := savedTranslations(ctx, cfg, shipped, stderr)
	if err != nil {
		return err
	}
	report, err := i18n.MeasureCoverage(i18n.Locales(), cfg.Languages, app.InterfaceOverrides(saved))
	if err != nil {
		return err
	}
	held := map[string]bool{}
	for _, l := range cfg.Languages {
		held[l.Code] = l.Held
	}
	// The storyteller's path must be complete for a language to go live;
	// the rest of the interface shows what it lacks in the fallback
	// language, the share of it in the "fallback" column.
	fmt.Fprintf(stdout, "%-7s %-5s %6s %9s %9s %8s %9s %7s %6s %7s\n", "lang", "live", "path", "rest", "fallback", "coverage", "done", "missing", "stale", "review")
	found := false
	for _, c := range report {
		if only != "" && c.Code != only {
			continue
		}
		found = true
		live := "yes"
		switch {
		case held[c.Code]:
			live = "held"
		case !c.PathComplete():
			live = "no"
		}
		path, rest := c.Areas[i18n.AreaStoryteller], c.Rest()
		fmt.Fprintf(stdout, "%-7s %-5s %5.1f%% %8.1f%% %8.1f%% %7.1f%% %4d/%-4d %7d %6d %7d\n", c.Code, live, path.Percent(), rest.Percent(),
			rest.FallbackPercent(), c.Percent(), c.Translated, c.Total, len(c.Missing), len(c.Stale), len(c.NeedsReview))
		if list {
			if len(c.Missing) > 0 {
				fmt.Fprintf(stdout, "  missing: %s\n", strings.Join(c.Missing, " "))
			}
			if len(c.Stale) > 0 {
				fmt.Fprintf(stdout, "  stale:   %s\n", strings.Join(c.Stale, " "))
			}
			if len(c.NeedsReview) > 0 {
				fmt.Fprintf(stdout, "  review:  %s\n", strings.Join(c.NeedsReview, " "))
			}
		}
	}
	if !found {
		return fmt.Errorf("no catalog for %q", only)
	}
	return nil
}

// i18nExport writes a language's catalog as the site serves it, as go-i18n
// JSON v2 with the hash of each translation's English, ready to commit to
// internal/i18n/locales or to upload to Weblate.
func i18nExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var lang, out string
	var shipped bool
	cfg, err := parseFlags("i18n export", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&lang, "lang", "", "language of the catalog")
		fs.StringVar(&out, "out", "", "file to write (default: standard output)")
		fs.BoolVar(&shipped, "shipped", false, "the shipped catalog alone, without the translations saved in the database")
	})
	if err != nil {
		return err
	}
	if _, ok := app.TranslationLanguage(lang); !ok {
		var codes []string
		for _, l := range app.TranslationLanguages() {
			codes = append(codes, l.Code)
		}
		return fmt.Errorf("chorus i18n export: --lang must be one of %s", strings.Join(codes, " "))
	}
	saved, err := savedTranslations(ctx, cfg, shipped, stderr)
	if err != nil {
		return err
	}
	messages, err := i18n.MergedCatalog(lang, app.InterfaceOverrides(saved))
	if err != nil {
		return err
	}
	data, err := i18n.WriteCatalog(messages)
	if err != nil {
		return err
	}
	return writeOutput(data, out, stdout, stderr, fmt.Sprintf("wrote %d messages of %s to %s", len(messages), lang, out))
}
