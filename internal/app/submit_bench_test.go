package app_test

import (
	"context"
	"fmt"
	"testing"

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
