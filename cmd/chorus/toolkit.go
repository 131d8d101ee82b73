package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"

	"chorus/internal/app"
	"chorus/internal/media"
	"chorus/internal/toolkit"
	"chorus/internal/toolkit/card"
)

const toolkitUsage = "usage: chorus toolkit build --lang L --out DIR [--logo FILE] [--shipped] | chorus toolkit export --lang L [--out FILE] [--shipped]"

// toolkitCommand builds the campaign toolkit for one language into a
// folder, or writes its texts as a content file; the texts saved in the
// browser are included unless --shipped.
func toolkitCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "build" && args[0] != "export") {
		return errors.New(toolkitUsage)
	}
	var lang, out, logoPath string
	var shipped bool
	cfg, err := parseFlags("toolkit "+args[0], args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&lang, "lang", "en", "language of the kit")
		fs.StringVar(&out, "out", "", "folder (build) or file (export) to write")
		fs.BoolVar(&shipped, "shipped", false, "the shipped texts alone, without those saved in the database (and, for build, without the storytellers' voices)")
		if args[0] == "build" {
			fs.StringVar(&logoPath, "logo", "", "a partner's logo (PNG, JPEG or WebP) to put on the share cards")
		}
	})
	if err != nil {
		return err
	}
	saved, err := savedTranslations(ctx, cfg, shipped, stderr)
	if err != nil {
		return err
	}
	if args[0] == "export" {
		return toolkitExport(lang, out, app.ToolkitSaved(saved), stdout, stderr)
	}
	if out == "" {
		return errors.New("chorus toolkit build: --out is required")
	}
	var logo image.Image
	if logoPath != "" {
		media.SetImageMemory(cfg.ImageMemory)
		if logo, err = readLogo(ctx, logoPath); err != nil {
			return fmt.Errorf("chorus toolkit build: --logo %s: %w", logoPath, err)
		}
	}
	if _, known := app.TranslationLanguage(lang); !known {
		return fmt.Errorf("chorus toolkit build: no toolkit in %q; complete: %v, partial: %v", lang, toolkit.Languages(), toolkit.PartialLanguages())
	}
	// A kit not translated in full is built with the English of what it
	// lacks, and says so in its package.
	kit, err := toolkit.LoadPartial(lang, cfg.baseURL(), app.ToolkitSaved(saved))
	if err != nil {
		return err
	}
	if kit.Untranslated > 0 {
		fmt.Fprintf(stderr, "partial toolkit: %d of %d texts are not translated into %s and are in English (translate them at /en/staff/translations/%s/toolkit)\n",
			kit.Untranslated, kit.Texts, lang, lang)
	}
	if !shipped {
		if err := addVoices(ctx, cfg, &kit, stderr); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	renderer, err := card.NewRenderer()
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, "rendering share cards ...")
	cards, err := toolkit.Cards(renderer, kit, cfg.Campaign.Hashtag, logo)
	if err != nil {
		return err
	}
	total, done := 4+len(cards), 0
	err = toolkit.WriteDir(out, kit, cards, func(name string) {
		done++
		fmt.Fprintf(stderr, "\r[%-30s] %d/%d %s", bar(done, total, 30), done, total, name)
	})
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote the %s toolkit (%d files) to %s\n", lang, total, out)
	return nil
}

// addVoices puts into kit the storytellers who agreed to the toolkit, as
// the site's toolkit page shows them.
func addVoices(ctx context.Context, cfg *config, kit *toolkit.Content, stderr io.Writer) error {
	var voices []app.ToolkitVoice
	err := runWithApp(ctx, cfg, stderr, func(a site, _ *config) error {
		var err error
		voices, err = a.ToolkitVoices(ctx, kit.Lang)
		return err
	})
	if err != nil {
		return err
	}
	catalog, err := loadCatalog(cfg, newLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	l := catalog.Lang(kit.Lang)
	if l == nil {
		l = catalog.Lang("en")
	}
	for _, v := range voices {
		kit.Voices = append(kit.Voices, toolkit.NewVoice(l, v.Story, v.Translation, cfg.baseURL()))
	}
	kit.VoicesTitle = l.T("toolkit.voices_title")
	return nil
}

// toolkitExport writes the kit's texts in lang as written ({url} kept) in
// the format of internal/toolkit/content, ready to commit.
func toolkitExport(lang, out string, saved []toolkit.Saved, stdout, stderr io.Writer) error {
	kit, ok, err := toolkit.Merged(lang, saved)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no complete toolkit in %q yet", lang)
	}
	data, err := toolkit.WriteContent(kit)
	if err != nil {
		return err
	}
	return writeOutput(data, out, stdout, stderr, fmt.Sprintf("wrote the %s toolkit texts to %s", lang, out))
}

// readLogo reads a partner's logo as the partner page does: checked before
// decoding, scaled down, stripped of everything but its pixels.
func readLogo(ctx context.Context, path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := media.ProcessLogo(ctx, f)
	if err != nil {
		return nil, err
	}
	return png.Decode(bytes.NewReader(data))
}

func bar(done, total, width int) string {
	n := done * width / max(total, 1)
	b := make([]byte, width)
	for i := range b {
		if i < n {
			b[i] = '#'
		} else {
			b[i] = ' '
		}
	}
	return string(b)
}
