// Command chorus runs the It Takes a Community platform: the web site, the
// JSON API and the administration commands, on one SQLite file by default.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "chorus:", err)
		os.Exit(1)
	}
}

const usage = `Usage: chorus [command] [flags]

Commands:
  serve                         run the site (the default)
  migrate                       create or upgrade the database, then exit
  user add --email E --role R   add a staff account (admin, moderator, partner, translator); prints a one-time sign-in link
  token add --email E           print a new API token for a staff account, alone on the last line
  seed --stories N              add N synthetic published stories (for load tests)
  backup FILE.tar.gz            consistent copy of a SQLite site (database, key, media) while it serves
  restore FILE.tar.gz           unpack a backup into an empty data folder
  export DIR                    write the whole site (SQLite or PostgreSQL) to DIR: site.jsonl, media/, secret.key
  import DIR                    load an export into the configured, empty database (moves a site between backends)
  toolkit build --lang L --out D write the campaign toolkit for one language into a folder;
                                --logo F.png puts a partner's logo (PNG, JPEG or WebP) on its share cards
  toolkit export --lang L       the toolkit's texts in one language as a content file (saved ones included)
  i18n coverage [--lang L]      how much of the interface each language translates (missing, stale)
  i18n export --lang L          one language's catalog as go-i18n JSON v2 with source hashes (saved ones included)
  moderation train|eval ...     train or evaluate the hate and abuse screen
  moderation examples --out F   write moderators' decisions as training examples (JSON Lines)
  campaign [--start D --end D]  show or set the campaign's dates (YYYY-MM-DD; the end defaults to
                                twelve months after the start); after the end the site is an archive
  source add --kind K --url U --tag T [--every D] [--token T]
                                follow a hashtag: K is mastodon (a server's tag timeline), bluesky
                                (a Jetstream, wss://...) or feed (RSS, Atom, JSON Feed; --tag optional)
  source list                   the hashtag sources, their state and last error
  source remove ID              stop following a source

Settings (flags override the environment):
  CHORUS_ADDR          --addr       listen address (default 127.0.0.1:8080)
  CHORUS_DATA          --data       data folder: database, media, keys (default ./data)
  CHORUS_DATABASE_URL  --database   empty = SQLite in the data folder
  CHORUS_BASE_URL      --base-url   public URL (default http://ADDR)
  CHORUS_TRANSLATE_URL --translate-url  LibreTranslate-compatible service for machine-translation
                                    drafts of stories (empty, the default: off); its key in
                                    CHORUS_TRANSLATE_API_KEY, its time limit in CHORUS_TRANSLATE_TIMEOUT
                                    or --translate-timeout (default 30s)
  CHORUS_CLASSIFIER_URL             Perspective-compatible classifier asked before the built-in
                                    screen (empty, the default: off); its time limit in
                                    CHORUS_CLASSIFIER_TIMEOUT or --classifier-timeout (default 2s)
`

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	command := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		command, args = args[0], args[1:]
	}
	switch command {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, args, getenv, stdout, stderr)
	case "user":
		return userCommand(ctx, args, getenv, stdout, stderr)
	case "token":
		return tokenCommand(ctx, args, getenv, stdout, stderr)
	case "backup":
		return backupCommand(ctx, args, getenv, stdout, stderr)
	case "restore":
		return restoreCommand(ctx, args, getenv, stdout, stderr)
	case "export":
		return exportCommand(ctx, args, getenv, stdout, stderr)
	case "import":
		return importCommand(ctx, args, getenv, stdout, stderr)
	case "seed":
		return seedCommand(ctx, args, getenv, stdout, stderr)
	case "toolkit":
		return toolkitCommand(ctx, args, getenv, stdout, stderr)
	case "i18n":
		return i18nCommand(ctx, args, getenv, stdout, stderr)
	case "moderation":
		return moderationCommand(ctx, args, getenv, stdout, stderr)
	case "campaign":
		return campaignCommand(ctx, args, getenv, stdout, stderr)
	case "source":
		return sourceCommand(ctx, args, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", command)
	}
}
