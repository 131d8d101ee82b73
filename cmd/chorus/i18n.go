package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"chorus/internal/i18n"
)

// i18nCommand reports how much of the interface each language translates.
func i18nCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "coverage" {
		return errors.New("usage: chorus i18n coverage [--lang L] [--list]")
	}
	fs := flag.NewFlagSet("chorus i18n coverage", flag.ContinueOnError)
	fs.SetOutput(stderr)
	only := fs.String("lang", "", "report this language only")
	list := fs.Bool("list", false, "list the missing and stale keys")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	langs := append(append([]i18n.Language{}, i18n.Known...), i18n.InTranslation...)
	report, err := i18n.MeasureCoverage(i18n.Locales(), langs, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%-7s %9s %8s %7s %6s\n", "lang", "coverage", "done", "missing", "stale")
	found := false
	for _, c := range report {
		if *only != "" && c.Code != *only {
			continue
		}
		found = true
		fmt.Fprintf(stdout, "%-7s %8.1f%% %4d/%-4d %7d %6d\n", c.Code, c.Percent(), c.Translated, c.Total, len(c.Missing), len(c.Stale))
		if *list {
			if len(c.Missing) > 0 {
				fmt.Fprintf(stdout, "  missing: %s\n", strings.Join(c.Missing, " "))
			}
			if len(c.Stale) > 0 {
				fmt.Fprintf(stdout, "  stale:   %s\n", strings.Join(c.Stale, " "))
			}
		}
	}
	if !found {
		return fmt.Errorf("no catalog for %q", *only)
	}
	return nil
}
