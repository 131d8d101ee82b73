package app_test

import (
	"context"
	"fmt"
	"testing"

	"chorus/internal/app"
	"chorus/internal/staff"
	"chorus/internal/testrig"
)

// BenchmarkSubmit measures one submission (validation, screening, the
// duplicate check against the pending queue, the transaction), with an
// empty queue and with a full one.
func BenchmarkSubmit(b *testing.B) {
	for _, pending := range []int{0, 500} {
		b.Run(fmt.Sprintf("pending=%d", pending), func(b *testing.B) {
			rig := testrig.New(b)
			ctx := context.Background()
			for i := 0; i < pending; i++ {
				if _, err := rig.App.Submit(ctx, testrig.Submission(fmt.Sprintf("Queued%d", i))); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := rig.App.Submit(ctx, testrig.Submission(fmt.Sprintf("Bench%d", i))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkIngestPost measures taking in one social post (validation,
// screening, the flood check, the policy, the transaction and its audit
// entry), as during a raid on the hashtag: half the posts are hateful and
// hidden at once, half are shown.
func BenchmarkIngestPost(b *testing.B) {
	rig := testrig.New(b)
	ctx := context.Background()
	texts := []string{
		"Refugees are filthy vermin, subhuman parasites. Send them all back. #ItTakesaCommunity %d",
		"Our new neighbours from Syria cooked for the whole street tonight, dish number %d. #ItTakesaCommunity",
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in := incoming(fmt.Sprint(i), fmt.Sprintf(texts[i%2], i))
		if _, _, err := rig.App.IngestPost(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecide measures publishing one pending story: the decision's
// transaction with its audit entry and the story's figures moved.
func BenchmarkDecide(b *testing.B) {
	rig := testrig.New(b)
	ctx := context.Background()
	moderator, _ := rig.Staff("mod@example.org", staff.RoleModerator)
	ids := make([]string, b.N)
	for i := range ids {
		r, err := rig.App.Submit(ctx, testrig.Submission(fmt.Sprintf("Decide%d", i)))
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = r.ID
	}
	b.ResetTimer()
	for _, id := range ids {
		if _, err := rig.App.Decide(ctx, moderator, id, app.Decision{Approve: true}); err != nil {
			b.Fatal(err)
		}
	}
}
