package web

import (
	"bufio"
	"compress/gzip"
	"net"
	"net/http"
	"strings"
	"sync"
)

// compressResponses gzips every compressible response (pages, forms, the
// style sheet and script, JSON, feeds, SVG) for clients that accept it,
// and marks it Vary: Accept-Encoding. Responses already encoded (the page
// cache keeps its pages gzipped), media that is compressed already (JPEG,
// PNG, ZIP) and event streams pass through untouched.
func (s *Server) compressResponses(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		cw := &compressWriter{ResponseWriter: w, accepts: acceptsGzip(r)}
		defer cw.close()
		next.ServeHTTP(cw, r)
	})
}

// compressible tells whether a response of this content type is worth
// compressing.
func compressible(contentType string) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	mediaType = strings.TrimSpace(strings.ToLower(mediaType))
	switch {
	case mediaType == "text/event-stream":
		return false // streamed event by event; compression would hold events back
	case strings.HasPrefix(mediaType, "text/"):
		return true
	case strings.HasSuffix(mediaType, "+json"), strings.HasSuffix(mediaType, "+xml"):
		return true
	}
	switch mediaType {
	case "application/json", "application/javascript", "application/xml", "image/svg+xml":
		return true
	}
	return false
}

// compressWriter decides at the first header write whether to compress.
type compressWriter struct {
	http.ResponseWriter
	accepts bool
	decided bool
	zw      *gzip.Writer
}

func (c *compressWriter) WriteHeader(status int) {
	if !c.decided {
		c.decide(status)
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *compressWriter) decide(status int) {
	c.decided = true
	h := c.Header()
	if h.Get("Content-Encoding") != "" || !compressible(h.Get("Content-Type")) {
		return
	}
	if !strings.Contains(h.Get("Vary"), "Accept-Encoding") {
		h.Add("Vary", "Accept-Encoding")
	}
	if !c.accepts || status == http.StatusNoContent || status == http.StatusNotModified || status < 200 {
		return
	}
	h.Set("Content-Encoding", "gzip")
	h.Del("Content-Length")
	c.zw = dynamicGzipWriters.Get().(*gzip.Writer)
	c.zw.Reset(c.ResponseWriter)
}

func (c *compressWriter) Write(b []byte) (int, error) {
	if !c.decided {
		if c.Header().Get("Content-Type") == "" {
			c.Header().Set("Content-Type", http.DetectContentType(b))
		}
		c.WriteHeader(http.StatusOK)
	}
	if c.zw != nil {
		return c.zw.Write(b)
	}
	return c.ResponseWriter.Write(b)
}

// Flush sends what is compressed so far.
func (c *compressWriter) Flush() {
	if c.zw != nil {
		c.zw.Flush()
	}
	// The writer below may wrap the connection's own (see statusRecorder).
	http.NewResponseController(c.ResponseWriter).Flush()
}

// Hijack lets a handler take over the connection (nothing is compressed then).
func (c *compressWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(c.ResponseWriter).Hijack()
}

func (c *compressWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

func (c *compressWriter) close() {
	if c.zw == nil {
		return
	}
	c.zw.Close()
	c.zw.Reset(nil)
	dynamicGzipWriters.Put(c.zw)
	c.zw = nil
}

// dynamicGzipWriters compress responses made per request, at the default
// level: a share form of 17 KB shrinks to about 4 KB in well under a
// millisecond. Cached pages are compressed once, harder (see compress).
var dynamicGzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}
