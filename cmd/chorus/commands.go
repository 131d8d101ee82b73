package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"chorus/internal/app"
	"chorus/internal/demo"
	"chorus/internal/moderation/train"
	"chorus/internal/staff"
	"chorus/internal/story"
)

// withApp parses a command's flags, opens the data folder for fn and closes
// it afterwards.
func withApp(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer,
	flags func(*flag.FlagSet), fn func(site, *config) error) error {
	cfg, err := parseFlags(name, args, getenv, stderr, flags)
	if err != nil {
		return err
	}
	return runWithApp(ctx, cfg, stderr, fn)
}

// site is an opened data folder: the use-cases, and below them the
// database, for the commands that work on it whole (backup, export, import,
// seeding, the training examples).
type site struct {
	*app.App
	Store database
}

// runWithApp opens the data folder of cfg for fn and closes it afterwards.
func runWithApp(ctx context.Context, cfg *config, stderr io.Writer, fn func(site, *config) error) error {
	a, store, err := openApp(ctx, cfg, newLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer store.Close()
	return fn(site{App: a, Store: store}, cfg)
}

// writeOutput writes data to stdout, or, when out names a file, to that
// file and then note to stderr.
func writeOutput(data []byte, out string, stdout, stderr io.Writer, note string) error {
	if out == "" {
		_, err := stdout.Write(data)
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(stderr, note)
	return nil
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return withApp(ctx, "migrate", args, getenv, stderr, nil, func(site, *config) error {
		fmt.Fprintln(stdout, "database is up to date")
		return nil
	})
}

func userCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("usage: chorus user add --email E --role admin|moderator|partner|translator")
	}
	var email, role, lang string
	return withApp(ctx, "user add", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the person's e-mail address")
		fs.StringVar(&role, "role", "moderator", "admin, moderator, partner or translator")
		fs.StringVar(&lang, "lang", "en", "language of the sign-in page")
	}, func(a site, cfg *config) error {
		token, err := a.AddUser(ctx, email, staff.Role(role))
		if err != nil {
			return err
		}
		if note := cfg.baseURLGuess(getenv); note != "" {
			fmt.Fprintln(stderr, note)
		}
		fmt.Fprintf(stdout, "Staff account %s (%s) is ready. One-time sign-in link, valid 24 hours:\n", email, role)
		fmt.Fprintln(stdout, cfg.baseURL()+"/"+lang+"/staff/welcome/"+token)
		return nil
	})
}

func tokenCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("usage: chorus token add --email E")
	}
	var email string
	return withApp(ctx, "token add", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the staff account's e-mail address")
	}, func(a site, cfg *config) error {
		token, err := a.AddAPIToken(ctx, email)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "API token for %s (shown once; send it as \"Authorization: Bearer TOKEN\"):\n", email)
		fmt.Fprintln(stdout, token)
		return nil
	})
}

func seedCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var count int
	var seed int64
	return withApp(ctx, "seed", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.IntVar(&count, "stories", 1000, "how many synthetic published stories to add")
		fs.Int64Var(&seed, "seed", 1, "random seed, for repeatable data")
	}, func(a site, cfg *config) error {
		return demo.Synthetic(ctx, a.Store, a.Campaign, count, seed, stdout)
	})
}

func moderationCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "examples" {
		return moderationExamples(ctx, args[1:], getenv, stdout, stderr)
	}
	return train.RunCommand(ctx, args, stdout, stderr)
}

// eachDecided walks what moderators decided, a page at a time by id.
func eachDecided[T any](ctx context.Context, page func(context.Context, string, int) ([]T, error), id func(T) string, fn func(T) error) error {
	for after := ""; ; {
		batch, err := page(ctx, after, 500)
		if err != nil || len(batch) == 0 {
			return err
		}
		for _, v := range batch {
			after = id(v)
			if err := fn(v); err != nil {
				return err
			}
		}
	}
}

// moderationExamples writes moderators' decisions as training examples:
// a story rejected for hate is labelled "hate", a published one "ok"; a
// social post a moderator hid for hate "hate", one a moderator showed "ok".
// Withdrawn stories are erased and never exported. The file holds people's
// words: it is created readable by its owner only.
func moderationExamples(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var out string
	return withApp(ctx, "moderation examples", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "decisions.jsonl", "JSON Lines file to write")
	}, func(a site, cfg *config) error {
		f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(f)
		counts := map[string]int{}
		write := func(text, language, label string) error {
			counts[label]++
			return enc.Encode(map[string]string{"text": text, "language": language, "label": label})
		}
		err = eachDecided(ctx, a.Store.DecidedStories, func(s *story.Story) string { return s.ID }, func(s *story.Story) error {
			switch {
			case s.Status == story.StatusPublished && !s.Demo:
				return write(s.Title+"\n\n"+s.Body, s.Language, "ok")
			case s.Status == story.StatusRejected && s.RejectReason == "hate":
				return write(s.Title+"\n\n"+s.Body, s.Language, "hate")
			}
			return nil
		})
		if err == nil {
			err = eachDecided(ctx, a.Store.DecidedPosts, func(p *story.Post) string { return p.ID }, func(p *story.Post) error {
				switch {
				case p.Status == story.PostVisible:
					return write(p.Text, p.Language, "ok")
				case p.Status == story.PostHidden && p.HideReason == "hate":
					return write(p.Text, p.Language, "hate")
				}
				return nil
			})
		}
		if err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %d examples (%d hate, %d ok) to %s; train with: chorus moderation train --examples %s\n",
			counts["hate"]+counts["ok"], counts["hate"], counts["ok"], out, out)
		return nil
	})
}
