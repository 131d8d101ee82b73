package ingest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
)

// generatedStream writes n Jetstream events as JSONL, in the mix of the
// real firehose's post collection: mostly untagged creates, some deletes,
// and one post in a hundred carrying the campaign's tag (in a facet, or
// in tags). Nothing is kept: memory stays flat however long it runs.
type generatedStream struct {
	n, i int
	buf  []byte
}

func (g *generatedStream) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) && g.i < g.n {
		g.buf = appendEvent(g.buf, g.i)
		g.i++
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, g.buf)
	g.buf = g.buf[:copy(g.buf, g.buf[n:])]
	return n, nil
}

func appendEvent(b []byte, i int) []byte {
	t := 1764507600000000 + int64(i)*500
	did := fmt.Sprintf("did:plc:bench%019d", i%50000)
	switch {
	case i%100 == 7:
		return fmt.Appendf(b, `{"did":"%s","time_us":%d,"kind":"commit","commit":{"rev":"3lbx%d","operation":"create","collection":"app.bsky.feed.post","rkey":"3k%d","record":{"$type":"app.bsky.feed.post","createdAt":"2026-11-30T13:00:00.000Z","langs":["en"],"text":"%s #ItTakesaCommunity","facets":[{"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"ItTakesaCommunity"}],"index":{"byteStart":50,"byteEnd":68}}]},"cid":"bafyreibench%d"}}`+"\n", did, t, i, i, benchText(i), i)
	case i%20 == 3:
		return fmt.Appendf(b, `{"did":"%s","time_us":%d,"kind":"commit","commit":{"rev":"3lbx%d","operation":"delete","collection":"app.bsky.feed.post","rkey":"3k%d"}}`+"\n", did, t, i, i)
	default:
		return fmt.Appendf(b, `{"did":"%s","time_us":%d,"kind":"commit","commit":{"rev":"3lbx%d","operation":"create","collection":"app.bsky.feed.post","rkey":"3k%d","record":{"$type":"app.bsky.feed.post","createdAt":"2026-11-30T13:00:00.000Z","langs":["en"],"text":"Just another post about the weather, lunch, and the game last night; nothing to see here at all","facets":[{"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://news.example/article/%d"}],"index":{"byteStart":0,"byteEnd":4}}]},"cid":"bafyreibench%d"}}`+"\n", did, t, i, i, i, i)
	}
}

// BenchmarkJetstreamDecodeFilter decodes and filters recorded-shape
// events as the connector does, one per iteration.
func BenchmarkJetstreamDecodeFilter(b *testing.B) {
	filter := newJetstreamFilter([]string{"ItTakesaCommunity"})
	events := make([][]byte, 1000)
	for i := range events {
		events[i] = appendEvent(nil, i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	matched := 0
	for i := 0; b.Loop(); i++ {
		act, err := filter.decode(events[i%len(events)])
		if err != nil {
			b.Fatal(err)
		}
		if act.Post != nil {
			matched++
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkJetstreamReplay streams CHORUS_BENCH_EVENTS (default 1,000,000)
// generated events per iteration through line splitting, decoding and
// filtering, and reports the heap in use at the end: flat whatever the
// count (10,000,000 for the figure in docs/performance.md).
func BenchmarkJetstreamReplay(b *testing.B) {
	n := 1_000_000
	if v := benchEvents(); v > 0 {
		n = v
	}
	filter := newJetstreamFilter([]string{"ItTakesaCommunity"})
	var peak uint64
	for b.Loop() {
		sc := bufio.NewScanner(&generatedStream{n: n})
		sc.Buffer(make([]byte, 64<<10), jetstreamRead)
		posts, deletes, read := 0, 0, 0
		for sc.Scan() {
			act, err := filter.decode(sc.Bytes())
			if err != nil {
				b.Fatal(err)
			}
			if act.Post != nil {
				posts++
			}
			if act.Delete != "" {
				deletes++
			}
			read++
			if read%1_000_000 == 0 {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
		}
		if read != n || posts != n/100 {
			b.Fatalf("read %d events, %d posts", read, posts)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

func benchEvents() int {
	var n int
	fmt.Sscan(os.Getenv("CHORUS_BENCH_EVENTS"), &n)
	return n
}

var benchWords = strings.Fields(`neighbours school bread winter river market garden music football library
	bakery church mosque temple kitchen lesson bicycle festival harvest choir soup coats welcome
	language friends mentor apprentice workshop playground clinic tailor painter volunteers
	grandmother cousins students teacher orchard quilt lanterns ferry`)

// benchText makes a different sentence for each tagged event, so the
// screen's flood check sees distinct posts, as on the real network.
func benchText(i int) string {
	words := make([]string, 9)
	for j := range words {
		words[j] = benchWords[(i/100*(j*7+3)+j*j*13+i%97*j)%len(benchWords)]
	}
	return strings.Join(words, " ")
}
