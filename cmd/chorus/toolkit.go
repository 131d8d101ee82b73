package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"chorus/internal/toolkit"
	"chorus/internal/toolkit/card"
)

// toolkitCommand builds the campaign toolkit for one language into a folder.
func toolkitCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "build" {
		return errors.New("usage: chorus toolkit build --lang L --out DIR")
	}
	var lang, out string
	cfg, err := parseFlags("toolkit build", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&lang, "lang", "en", "language of the kit")
		fs.StringVar(&out, "out", "", "folder to write the kit into")
	})
	if err != nil {
		return err
	}
	if out == "" {
		return errors.New("chorus toolkit build: --out is required")
	}
	kit, ok, err := toolkit.Load(lang, cfg.baseURL())
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no toolkit in %q yet; languages: %v", lang, toolkit.Languages())
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	renderer, err := card.NewRenderer()
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, "rendering share cards ...")
	cards, err := toolkit.Cards(renderer, kit, campaign.Hashtag)
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
