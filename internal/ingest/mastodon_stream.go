package ingest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"chorus/internal/story"
)

const (
	// Mastodon sends a heartbeat comment every 15 seconds: a minute of
	// silence is a dead stream.
	streamIdle     = time.Minute
	streamLineSize = 64 << 10 // one line of an event; a status fits
	streamMaxGap   = 5 * time.Minute
	maxKnownIDs    = 10000
)

// statusIDs maps a Mastodon source's status ids to the URIs its posts are
// stored under: the streaming API names a deleted status by id only. The
// poller fills it; the oldest ids are forgotten past maxKnownIDs.
type statusIDs struct {
	mu    sync.Mutex
	uri   map[string]string
	order []string
}

func (k *statusIDs) add(id, uri string) {
	if k == nil || id == "" || uri == "" {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.uri[id]; ok {
		return
	}
	if len(k.order) == maxKnownIDs {
		delete(k.uri, k.order[0])
		k.order = k.order[1:]
	}
	k.uri[id] = uri
	k.order = append(k.order, id)
}

func (k *statusIDs) lookup(id string) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.uri[id]
}

// knownStatuses returns the id map of a source, made on first use.
func (r *Runner) knownStatuses(sourceID string) *statusIDs {
	r.idsMu.Lock()
	defer r.idsMu.Unlock()
	if r.statusIDs == nil {
		r.statusIDs = map[string]*statusIDs{}
	}
	k := r.statusIDs[sourceID]
	if k == nil {
		k = &statusIDs{uri: map[string]string{}}
		r.statusIDs[sourceID] = k
	}
	return k
}

// followMastodonStreams follows each tag's streaming timeline of a source
// that has an access token, until ctx ends, so a deletion at the source
// leaves the wall at once rather than at the next check.
func (r *Runner) followMastodonStreams(ctx context.Context, src *story.Source, token string) {
	var wg sync.WaitGroup
	for _, tag := range src.Tags {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.followMastodonStream(ctx, src, token, tag)
		}()
	}
	wg.Wait()
}

// followMastodonStream keeps one tag's stream open, reconnecting with
// backoff and jitter.
func (r *Runner) followMastodonStream(ctx context.Context, src *story.Source, token, tag string) {
	known := r.knownStatuses(src.ID)
	failures := 0
	for ctx.Err() == nil {
		events, err := r.readMastodonStream(ctx, src.URL, token, tag, known)
		if ctx.Err() != nil {
			return
		}
		if events > 0 {
			failures = 0
		}
		failures++
		r.metrics.errors.WithLabelValues("mastodon_stream").Inc()
		r.log.Info("mastodon stream dropped", "source", src.ID, "tag", tag, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff(failures, time.Second, streamMaxGap)):
		}
	}
}

// readMastodonStream reads one connection until it drops, removing each
// post whose status the server says was deleted. It returns how many
// events it read.
func (r *Runner) readMastodonStream(ctx context.Context, server, token, tag string, known *statusIDs) (int, error) {
	rawURL := strings.TrimRight(server, "/") + "/api/v1/streaming/hashtag?" + url.Values{"tag": {tag}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := r.app.Outbound.OpenStream(req, streamIdle)
	if err != nil {
		return 0, fmt.Errorf("cannot open the stream: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(res.Body, 4096))
		return 0, fmt.Errorf("%s answered %d to the stream", hostOf(rawURL), res.StatusCode)
	}
	events := 0
	err = readServerSentEvents(res.Body, func(event, data string) error {
		events++
		if event != "delete" {
			return nil // update and status.update: the poller takes posts in
		}
		return r.removeMastodonStatus(ctx, known, strings.Trim(strings.TrimSpace(data), `"`))
	})
	if err == nil {
		err = errors.New("the server closed the stream")
	}
	return events, err
}

func (r *Runner) removeMastodonStatus(ctx context.Context, known *statusIDs, id string) error {
	uri := known.lookup(id)
	if uri == "" {
		return nil // not a status we took in
	}
	have, err := r.app.HasPost(ctx, "fediverse", uri)
	if err != nil || !have {
		return err
	}
	if err := r.app.RemovePostAtSource(ctx, "fediverse", uri); err != nil && !errors.Is(err, story.ErrNotFound) {
		return err
	}
	r.metrics.deleted.WithLabelValues("fediverse").Inc()
	return nil
}

// readServerSentEvents calls handle with each event of a text/event-stream
// until it ends or handle fails. Comments (heartbeats) are skipped; a line
// longer than streamLineSize ends the stream with an error.
func readServerSentEvents(body io.Reader, handle func(event, data string) error) error {
	lines := bufio.NewScanner(body)
	lines.Buffer(make([]byte, 0, 4096), streamLineSize)
	var event string
	var data strings.Builder
	for lines.Scan() {
		line := lines.Text()
		if line == "" {
			if data.Len() > 0 || event != "" {
				if err := handle(firstNonEmpty(event, "message"), strings.TrimSuffix(data.String(), "\n")); err != nil {
					return err
				}
			}
			event = ""
			data.Reset()
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			event = value
		case "data":
			if data.Len()+len(value) > streamLineSize {
				return errors.New("an event larger than allowed")
			}
			data.WriteString(value)
			data.WriteByte('\n')
		}
	}
	return lines.Err()
}
