package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"chorus/internal/app"
)

// campaignCommand shows the campaign's dates, or sets them.
func campaignCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var start, end string
	return withApp(ctx, "campaign", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&start, "start", "", "first day of the campaign, YYYY-MM-DD")
		fs.StringVar(&end, "end", "", "last day of the campaign, YYYY-MM-DD (default: twelve months after the start)")
	}, func(a site, cfg *config) error {
		var t app.Timeline
		var err error
		if start != "" || end != "" {
			t, err = a.SetCampaignDates(ctx, start, end)
		} else {
			t, err = a.Timeline(ctx)
		}
		if err != nil {
			return err
		}
		if t.Start == "" {
			fmt.Fprintln(stdout, "The campaign has no dates: it is open.")
			return nil
		}
		state := "open"
		if t.Closed(a.Now()) {
			state = "ended: the site is an archive and takes no new stories"
		}
		fmt.Fprintf(stdout, "Campaign from %s to %s (%s); private data erased %d days after the end.\n", t.Start, t.End, state, t.RetentionDays)
		return nil
	})
}
