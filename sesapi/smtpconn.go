package sesapi

import (
	"context"
	"net"
	"sync"
	"time"
)

// pastDeadline is a deadline in the past: it makes every pending and future read and write on a
// connection fail at once.
var pastDeadline = time.Unix(1, 0)

// ctxConn is a net.Conn whose deadlines never outlast the context of the operation under way.
// go-smtp sets its own deadlines (CommandTimeout, SubmissionTimeout) before each command and
// clears them after; ctxConn clamps every one of them to the context's deadline, and a context
// cancelled mid-command sets a deadline in the past, so every network wait of the SMTP client
// ends when its context does. The TLS layer (crypto/tls) sets deadlines through it too.
type ctxConn struct {
	net.Conn

	mu  sync.Mutex // held while a deadline is computed and set, so a cancellation is never lost
	ctx context.Context
}

// bind makes ctx the context of the operations that follow, until the returned function is
// called.
func (c *ctxConn) bind(ctx context.Context) (unbind func()) {
	c.mu.Lock()
	c.ctx = ctx
	_ = c.Conn.SetDeadline(c.clampLocked(time.Time{}))
	c.mu.Unlock()
	stop := context.AfterFunc(ctx, func() {
		c.mu.Lock()
		_ = c.Conn.SetDeadline(pastDeadline)
		c.mu.Unlock()
	})
	return func() {
		stop()
		c.mu.Lock()
		c.ctx = nil
		_ = c.Conn.SetDeadline(time.Time{})
		c.mu.Unlock()
	}
}

// clampLocked returns t, or an earlier deadline when the bound context says so. Called with mu
// held.
func (c *ctxConn) clampLocked(t time.Time) time.Time {
	if c.ctx == nil {
		return t
	}
	if c.ctx.Err() != nil {
		return pastDeadline
	}
	if d, ok := c.ctx.Deadline(); ok && (t.IsZero() || d.Before(t)) {
		return d
	}
	return t
}

// SetDeadline sets the read and write deadlines, clamped to the bound context.
func (c *ctxConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetDeadline(c.clampLocked(t))
}

// SetReadDeadline sets the read deadline, clamped to the bound context.
func (c *ctxConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetReadDeadline(c.clampLocked(t))
}

// SetWriteDeadline sets the write deadline, clamped to the bound context.
func (c *ctxConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetWriteDeadline(c.clampLocked(t))
}
