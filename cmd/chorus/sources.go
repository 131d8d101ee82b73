package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"chorus/internal/app"
	"chorus/internal/ingest"
	"chorus/internal/story"
)

// tagList collects repeated --tag flags.
type tagList []string

func (t *tagList) String() string     { return strings.Join(*t, ",") }
func (t *tagList) Set(v string) error { *t = append(*t, v); return nil }

const sourceUsage = `usage: chorus source add --kind mastodon|bluesky|feed --url URL [--tag TAG ...] [--every 60s] [--token T] [--appview URL]
       chorus source list
       chorus source remove ID`

func sourceCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", sourceUsage)
	}
	switch args[0] {
	case "add":
		var kind, url, token, appView string
		var every time.Duration
		var tags tagList
		return withApp(ctx, "source add", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
			fs.StringVar(&kind, "kind", "", "mastodon, bluesky or feed")
			fs.StringVar(&url, "url", "", "the server (https://...), the Jetstream (wss://...) or the feed")
			fs.Var(&tags, "tag", "a hashtag to follow, without '#'; repeat for more")
			fs.DurationVar(&every, "every", story.DefaultSourceGap, "how often to poll (Mastodon, feeds)")
			fs.StringVar(&token, "token", "", "an access token of the server (optional)")
			fs.StringVar(&appView, "appview", "", "Bluesky: the AppView asked for authors' profile labels (default "+ingest.DefaultAppView+")")
		}, func(a site, cfg *config) error {
			src, err := a.AddSource(ctx, app.CommandLine, app.SourceInput{Kind: story.SourceKind(kind), URL: url, Tags: tags, Every: every, Token: token, AppView: appView})
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Source %s added: %s %s. A running server starts it within seconds.\n", src.ID, src.Kind, src.URL)
			return nil
		})
	case "list":
		return withApp(ctx, "source list", args[1:], getenv, stderr, nil, func(a site, cfg *config) error {
			sources, err := a.Sources(ctx, app.CommandLine)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tKIND\tURL\tTAGS\tEVERY\tPOSTS\tLAST RUN\tERROR")
			for _, s := range sources {
				last := "never"
				if !s.LastRunAt.IsZero() {
					last = s.LastRunAt.UTC().Format(time.RFC3339)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", s.ID, s.Kind, s.URL, strings.Join(s.Tags, ","), s.Every, s.Taken, last, s.LastError)
			}
			return w.Flush()
		})
	case "remove":
		if len(args) < 2 || strings.HasPrefix(args[1], "-") {
			return fmt.Errorf("%s", sourceUsage)
		}
		id := args[1]
		return withApp(ctx, "source remove", args[2:], getenv, stderr, nil, func(a site, cfg *config) error {
			if err := a.RemoveSource(ctx, app.CommandLine, id); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Source %s removed; the posts it brought stay.\n", id)
			return nil
		})
	}
	return fmt.Errorf("%s", sourceUsage)
}
