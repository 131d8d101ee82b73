package analytics

import (
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkCountView is what counting adds to a page view: reading the
// request and counting in memory.
func BenchmarkCountView(b *testing.B) {
	c := NewCounter(time.Now, time.Hour)
	r := httptest.NewRequest("GET", "/en/stories/demo01", nil)
	r.Header.Set("User-Agent", browser)
	r.Header.Set("Referer", "https://www.google.com/")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.View(VisitOf(r, "192.0.2.1"), Direct)
		}
	})
}
