package sesapi

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"time"
)

// MaxSMTPReadBytes is the most an SMTPSender reads from a server in one exchange: the setup of a
// connection (greeting, EHLO, STARTTLS, the TLS handshake, AUTH), one message (NOOP or RSET to the
// reply to the final dot), or QUIT. Bytes are counted as they come off the network, TLS records
// included. SES's replies to a whole exchange take a few kilobytes (a reply line is at most 512
// octets, https://www.rfc-editor.org/rfc/rfc5321#section-4.5.3.1.5) and a TLS handshake some more;
// go-smtp bounds each reply line (2,000 bytes), not how many lines a reply has.
const MaxSMTPReadBytes = 1 << 20

// ErrSMTPReplyTooLarge: the server sent more than MaxSMTPReadBytes in one exchange. The
// connection is closed; the error also matches the category of where it happened (ErrTemporary
// before the final dot of DATA, ErrUnknownOutcome after it).
var ErrSMTPReplyTooLarge = errors.New("sesapi: the SMTP server sent more than " + strconv.Itoa(MaxSMTPReadBytes) + " bytes in one exchange")

// pastDeadline is a deadline in the past: it makes every pending and future read and write on a
// connection fail at once.
var pastDeadline = time.Unix(1, 0)

// ctxConn is a net.Conn whose deadlines never outlast the context of the operation under way.
// go-smtp sets its own deadlines (CommandTimeout, SubmissionTimeout) before each command and
// clears them after; ctxConn clamps every one of them to the context's deadline, and a context
// cancelled mid-command sets a deadline in the past, so every network wait of the SMTP client
// ends when its context does. The TLS layer (crypto/tls) sets deadlines through it too.
//
// It also bounds what one exchange reads (MaxSMTPReadBytes): bind and its unbind start the count
// again. Reads, bind and unbind happen on the goroutine of the operation under way (the SMTP
// client starts none of its own), so read needs no lock.
type ctxConn struct {
	net.Conn

	mu  sync.Mutex // held while a deadline is computed and set, so a cancellation is never lost
	ctx context.Context

	read int // bytes the exchange under way has read (the zero value: none yet)
}

// Read reads from the connection, and fails with ErrSMTPReplyTooLarge once the exchange under
// way has read MaxSMTPReadBytes.
func (c *ctxConn) Read(p []byte) (int, error) {
	left := MaxSMTPReadBytes - c.read
	if left <= 0 {
		return 0, ErrSMTPReplyTooLarge
	}
	if len(p) > left {
		p = p[:left]
	}
	n, err := c.Conn.Read(p)
	c.read += n
	return n, err
}

// bind makes ctx the context of the operations that follow, until the returned function is
// called.
func (c *ctxConn) bind(ctx context.Context) (unbind func()) {
	c.mu.Lock()
	c.ctx = ctx
	_ = c.Conn.SetDeadline(c.clampLocked(time.Time{}))
	c.mu.Unlock()
	c.read = 0
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
		c.read = 0
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
