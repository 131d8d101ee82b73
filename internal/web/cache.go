package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"sync/atomic"
	"time"
)

// pageCache keeps rendered public pages in memory until anything public
// changes: every change bumps the generation, and entries of an older
// generation are never served.
type pageCache struct {
	generation atomic.Uint64
	mu         sync.RWMutex
	entries    map[string]cachedPage
	max        int
}

type cachedPage struct {
	generation uint64
	status     int
	body       []byte
	gzipped    []byte // body compressed once, for clients that accept gzip
	etag       string
	// contentType is the body's media type: HTML unless said otherwise.
	contentType string
	// csp replaces the site's Content-Security-Policy when set (a page
	// running a script of ours); frameable pages may be framed by any site.
	csp       string
	frameable bool
	// modified is when the entry was rendered: its Last-Modified.
	modified time.Time
}

func newPageCache(max int) *pageCache {
	return &pageCache{entries: make(map[string]cachedPage), max: max}
}

func (c *pageCache) current() uint64 { return c.generation.Load() }

func (c *pageCache) invalidate() {
	c.generation.Add(1)
	c.mu.Lock()
	clear(c.entries)
	c.mu.Unlock()
}

func (c *pageCache) get(key string) (cachedPage, bool) {
	c.mu.RLock()
	p, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || p.generation != c.generation.Load() {
		return cachedPage{}, false
	}
	return p, true
}

// put stores a page (status, body and headers) rendered from data read at
// generation gen.
func (c *pageCache) put(key string, gen uint64, p cachedPage) cachedPage {
	sum := sha256.Sum256(p.body)
	p.generation, p.gzipped = gen, compress(p.body)
	p.etag = `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
	p.modified = time.Now().UTC().Truncate(time.Second)
	if gen != c.generation.Load() {
		return p
	}
	c.mu.Lock()
	if len(c.entries) >= c.max {
		evictOne(c.entries)
	}
	c.entries[key] = p
	c.mu.Unlock()
	return p
}

// compress gzips a page: a story page shrinks to about a third, which counts
// on a slow phone link. Large documents (a feed of 50 whole stories, a
// sitemap) take the fastest level: a fifth larger (a 108 KB feed gives
// 20 KB instead of 16 KB), in an eighth of the time.
func compress(body []byte) []byte {
	pool := &gzipWriters
	if len(body) > largeBody {
		pool = &gzipWritersFast
	}
	var buf bytes.Buffer
	zw := pool.Get().(*gzip.Writer)
	zw.Reset(&buf)
	zw.Write(body)
	zw.Close()
	pool.Put(zw)
	return buf.Bytes()
}

// largeBody is the size from which a body is compressed at the faster level.
const largeBody = 32 << 10

// gzipWriters are reused: each holds most of a megabyte of tables.
var (
	gzipWriters = sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(nil, gzip.BestCompression)
		return zw
	}}
	gzipWritersFast = sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
		return zw
	}}
)

// evictOne drops one arbitrary entry of a full cache: a crawler walking
// every story must not empty the cache of the pages everyone reads.
func evictOne[V any](entries map[string]V) {
	for k := range entries {
		delete(entries, k)
		return
	}
}
