package main

import (
	"context"
	"log/slog"
	"time"

	"chorus/internal/app"
)

// changeBroadcaster is a database shared by several nodes.
type changeBroadcaster interface {
	Broadcast(ctx context.Context, topic string) error
	ListenChanges(ctx context.Context, changed func(topic string))
}

// broadcastTimeout bounds the wait for the database to take one
// notification.
const broadcastTimeout = 5 * time.Second

// relayChanges tells the other nodes on the database of the changes made
// here, and publishes theirs here, until stop is called. The publishers of
// this node never wait for the database: the events go out from a
// goroutine of their own.
func relayChanges(ctx context.Context, events *app.Events, shared changeBroadcaster, log *slog.Logger) (stop func()) {
	stopForwarding := events.Forward(256, func(ev app.Event) {
		sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), broadcastTimeout)
		defer cancel()
		if err := shared.Broadcast(sendCtx, app.EventTopic(ev)); err != nil {
			log.Warn("other nodes may serve stale pages until their next change", "err", err)
		}
	})
	listenCtx, stopListening := context.WithCancel(ctx)
	listening := make(chan struct{})
	go func() {
		defer close(listening)
		shared.ListenChanges(listenCtx, func(topic string) {
			events.PublishRemote(app.TopicEvent(topic))
		})
	}()
	return func() { // safe to call more than once
		stopListening()
		<-listening
		stopForwarding()
	}
}
