package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
)

// changeChannel carries "something public changed" between nodes.
const changeChannel = "chorus_changed"

// nodeID tells this process's own notifications apart from the others'.
var nodeID = func() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}()

// Broadcast tells every other node sharing the database that something
// changed: topic says what ("public" content, the moderation "queue").
func (s *Store) Broadcast(ctx context.Context, topic string) error {
	_, err := s.pool.Exec(ctx, "SELECT pg_notify($1, $2)", changeChannel, nodeID+":"+topic)
	return domainError("broadcast change", err)
}

// ListenChanges calls changed with the topic whenever another node
// broadcasts, until ctx ends. After a lost connection it reconnects and
// calls changed with an empty topic, meaning anything may have changed,
// since notifications may have been missed meanwhile.
func (s *Store) ListenChanges(ctx context.Context, changed func(topic string)) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, changed)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			changed("")
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

func (s *Store) listenOnce(ctx context.Context, changed func(topic string)) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+changeChannel); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "UNLISTEN "+changeChannel)
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		node, topic, _ := strings.Cut(n.Payload, ":")
		if node != nodeID {
			changed(topic)
		}
	}
}
