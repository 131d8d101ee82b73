package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"chorus/internal/demo"
	"chorus/internal/moderation"
	"chorus/internal/storage"
)

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags("migrate", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	_, store, err := openApp(ctx, cfg, newLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintln(stdout, "database is up to date:", store.Path())
	return nil
}

func userCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("usage: chorus user add --email E --role admin|moderator|partner|translator")
	}
	var email, role, lang string
	cfg, err := parseFlags("user add", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the person's e-mail address")
		fs.StringVar(&role, "role", "moderator", "admin, moderator, partner or translator")
		fs.StringVar(&lang, "lang", "en", "language of the sign-in page")
	})
	if err != nil {
		return err
	}
	a, store, err := openApp(ctx, cfg, newLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer store.Close()
	token, err := a.AddUser(ctx, email, storage.Role(role))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Staff account %s (%s) is ready. One-time sign-in link, valid 24 hours:\n", email, role)
	fmt.Fprintln(stdout, cfg.baseURL()+"/"+lang+"/staff/welcome/"+token)
	return nil
}

func tokenCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("usage: chorus token add --email E")
	}
	var email string
	cfg, err := parseFlags("token add", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the staff account's e-mail address")
	})
	if err != nil {
		return err
	}
	a, store, err := openApp(ctx, cfg, newLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer store.Close()
	token, err := a.AddAPIToken(ctx, email)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "API token for %s (shown once; send it as \"Authorization: Bearer TOKEN\"):\n", email)
	fmt.Fprintln(stdout, token)
	return nil
}

func seedCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var count int
	var seed int64
	cfg, err := parseFlags("seed", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.IntVar(&count, "stories", 1000, "how many synthetic published stories to add")
		fs.Int64Var(&seed, "seed", 1, "random seed, for repeatable data")
	})
	if err != nil {
		return err
	}
	a, store, err := openApp(ctx, cfg, newLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer store.Close()
	return demo.Synthetic(ctx, a, count, seed, stdout)
}

func moderationCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return moderation.RunCommand(ctx, args, stdout, stderr)
}
