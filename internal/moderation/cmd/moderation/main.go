// Command moderation runs the moderation subcommands (train, eval) on their
// own, as "chorus moderation" does inside the app binary.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"chorus/internal/moderation"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := moderation.RunCommand(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
