package outbound

import "net/http"

// StreamClient is the guarded client's HTTP client, for libraries that
// need one (a WebSocket dial): the same address checks, redirect checks and
// time limits on connecting. Answers read through it are not size-bounded
// by the client; the library bounds its messages (a WebSocket read limit).
func (c *Client) StreamClient() *http.Client { return c.http }
