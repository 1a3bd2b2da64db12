package sesapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/sesrules"
)

// SMTPTLS says how an SMTPSender protects its connections.
type SMTPTLS int

const (
	// SMTPTLSAuto is implicit TLS on ports 465 and 2465 and STARTTLS on every other port,
	// loopback included: the ports of the SES SMTP endpoints
	// (https://docs.aws.amazon.com/ses/latest/dg/smtp-connect.html). It never falls back to
	// plain text.
	SMTPTLSAuto SMTPTLS = iota
	// SMTPStartTLS connects in plain text and upgrades with STARTTLS before anything else; a
	// server that does not offer STARTTLS is refused with ErrNoTLS.
	SMTPStartTLS
	// SMTPImplicitTLS speaks TLS from the first byte ("TLS wrapper", SMTPS).
	SMTPImplicitTLS
	// SMTPNoTLS sends in plain text. Credentials are then sent only to a loopback host (a test
	// server): NewSMTPSender refuses credentials with SMTPNoTLS and any other host.
	SMTPNoTLS
)

// String returns the name ParseSMTPTLS reads: "auto", "starttls", "tls" or "none".
func (m SMTPTLS) String() string {
	switch m {
	case SMTPTLSAuto:
		return "auto"
	case SMTPStartTLS:
		return "starttls"
	case SMTPImplicitTLS:
		return "tls"
	case SMTPNoTLS:
		return "none"
	}
	return "SMTPTLS(" + strconv.Itoa(int(m)) + ")"
}

// ParseSMTPTLS reads "auto", "starttls", "tls" (implicit TLS) or "none".
func ParseSMTPTLS(s string) (SMTPTLS, error) {
	for m := SMTPTLSAuto; m <= SMTPNoTLS; m++ {
		if m.String() == s {
			return m, nil
		}
	}
	return 0, errors.New("sesapi: SMTP TLS mode " + strconv.Quote(s) + ": want auto, starttls, tls or none")
}

// ErrNoTLS: the SMTP server does not offer STARTTLS (or TLS failed), so the sender refused to go
// on: nothing, credentials included, was sent in plain text.
var ErrNoTLS = errors.New("sesapi: SMTP server offers no TLS; refusing to send in plain text")

// SMTPConfig configures an SMTPSender.
type SMTPConfig struct {
	// Addr is the server's host:port, e.g. "email-smtp.us-east-1.amazonaws.com:587".
	Addr string
	// Region is the Region of the SES SMTP endpoint, from which SMTPResult.RecipientMessageID is
	// derived; empty means the REGION of an Addr host email-smtp.REGION.amazonaws.com, and no
	// RecipientMessageID for any other host.
	Region string
	// TLS selects implicit TLS, STARTTLS or plain text; the zero value is SMTPTLSAuto.
	TLS SMTPTLS
	// ServerName is the name the server's certificate must carry; empty means the host of Addr.
	// Certificates are always verified, and TLS 1.2 is the oldest version accepted.
	ServerName string
	// RootCAs are trusted in addition to the system's roots (for example a test server's
	// self-signed certificate, or a TLS-intercepting proxy's CA).
	RootCAs []*x509.Certificate
	// Username and Password are the SES SMTP credentials (see SMTPPassword); an empty Username
	// means no AUTH. They are sent with AUTH PLAIN (or LOGIN when the server offers only that),
	// and only over TLS, or in plain text to a loopback host with SMTPNoTLS.
	Username, Password string
	// LocalName is the name sent with EHLO; empty means "localhost".
	LocalName string
	// MaxConns is the most connections open at once (the pool size); 0 means 2. Each Send uses one
	// connection; concurrent Sends beyond MaxConns wait for one to be free. SES limits concurrent
	// connections per account (421 "Too many concurrent SMTP connections").
	MaxConns int
	// MaxMessagesPerConn closes a connection after this many messages and opens a new one; 0
	// means no limit. AWS advises reconnecting after a number of messages, because its SMTP
	// endpoints are replaced behind a load balancer
	// (https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-smtp.html).
	MaxMessagesPerConn int
	// Limiter, when not nil, is waited on with the number of envelope recipients before each
	// message (SES counts its sending rate in recipients).
	Limiter Limiter
	// MaxAttempts is how many times Send tries a message whose attempt ended in ErrThrottled or
	// ErrTemporary (a definite refusal: nothing was accepted); 0 or 1 means once. A message
	// whose outcome is unknown (ErrUnknownOutcome) is never sent again.
	MaxAttempts int
	// Backoff returns how long to wait before attempt n+1 (n = 1, 2, ...); nil means 5 s, 10 s,
	// then 30 s, the progression AWS recommends for SMTP 4xx replies
	// (https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-smtp.html).
	Backoff func(n int) time.Duration
	// Dial opens the TCP connection; nil means a net.Dialer. It must honour ctx.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// SMTPSender sends messages to an SMTP server (the SES SMTP interface, or any other) over a small
// pool of connections, each reused for many messages with NOOP between them (RSET after a
// refusal) and reopened when the server has closed it. It is safe for concurrent use.
//
// Every network wait honours the context given to Send. Every error after a connection was
// attempted wraps one outcome category (Classify returns it): an *SMTPError for a server's reply;
// ErrNotSent when the context ended before the final dot of DATA, or with ErrNoTLS when the
// server offered no TLS; ErrTemporary for a network failure before the final dot (nothing was
// accepted); ErrUnknownOutcome when the connection was lost after the final dot and before the
// reply (the server may have accepted the message; it is not sent again).
//
// The server's replies are untrusted input: go-smtp reads them with lines of at most 2,000 bytes;
// one exchange (a connection's setup, a message, QUIT) reads at most MaxSMTPReadBytes, beyond
// which it fails with ErrSMTPReplyTooLarge; and a server that never finishes a reply is stopped
// by the context's deadline, or by go-smtp's command timeout (5 minutes; 12 after the final dot)
// when the context has none.
type SMTPSender struct {
	cfg      SMTPConfig
	host     string
	region   string  // for RecipientMessageID; "" when unknown
	mode     SMTPTLS // resolved: never SMTPTLSAuto
	tlsCfg   *tls.Config
	loopback bool

	slots chan struct{}  // one token per open (or opening) connection
	idle  chan *smtpConn // connections free for the next Send

	mu     sync.Mutex
	closed bool
}

// smtpConn is one connection of the pool.
type smtpConn struct {
	c    *smtp.Client
	nc   *ctxConn
	sent int // messages sent on it
	// clean: the last message on it ended with the server's acceptance, so no transaction is
	// open and NOOP is enough before the next one (RSET otherwise).
	clean bool
}

// NewSMTPSender checks cfg and returns a sender; no connection is opened until the first Send.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" || port == "" {
		return nil, errors.New("sesapi: SMTP address " + strconv.Quote(cfg.Addr) + ": want host:port")
	}
	mode := cfg.TLS
	switch mode {
	case SMTPTLSAuto:
		mode = SMTPStartTLS
		if port == "465" || port == "2465" {
			mode = SMTPImplicitTLS
		}
	case SMTPStartTLS, SMTPImplicitTLS, SMTPNoTLS:
	default:
		return nil, errors.New("sesapi: SMTP TLS mode " + mode.String() + " unknown")
	}
	s := &SMTPSender{cfg: cfg, host: host, region: cfg.Region, mode: mode, loopback: isLoopbackHost(host)}
	if s.region == "" {
		s.region = smtpEndpointRegion(host)
	}
	if mode == SMTPNoTLS && cfg.Username != "" && !s.loopback {
		return nil, newSendFailure("sesapi: refusing SMTP credentials in plain text to "+host+" (TLS mode none is for loopback test servers)", ErrNoTLS)
	}
	if strings.ContainsAny(cfg.LocalName, "\r\n ") {
		return nil, errors.New("sesapi: SMTP LocalName " + strconv.Quote(cfg.LocalName) + " is not a host name")
	}
	if mode != SMTPNoTLS {
		roots, err := x509.SystemCertPool()
		if err != nil || roots == nil {
			roots = x509.NewCertPool()
		}
		for _, c := range cfg.RootCAs {
			roots.AddCert(c)
		}
		name := cfg.ServerName
		if name == "" {
			name = host
		}
		s.tlsCfg = &tls.Config{ServerName: name, RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	n := cfg.MaxConns
	if n <= 0 {
		n = 2
	}
	s.slots = make(chan struct{}, n)
	s.idle = make(chan *smtpConn, n)
	return s, nil
}

// TLSMode returns the TLS mode in use: SMTPTLSAuto resolved for the port.
func (s *SMTPSender) TLSMode() SMTPTLS { return s.mode }

// SMTPResult is what the server answered to a message it accepted.
type SMTPResult struct {
	// MessageID is the reply to the final dot of DATA without SES's "Ok " prefix: the SES message
	// id for SES ("250 Ok 0100018c...").
	MessageID string
	// RecipientMessageID is the Message-ID recipients see (see RecipientMessageID), when the
	// SES Region is known (SMTPConfig.Region, or the host email-smtp.REGION.amazonaws.com) and
	// the reply carries SES's "Ok ID"; else "".
	RecipientMessageID string
	// Reply is the whole reply text.
	Reply string
	// Refused lists the recipients the server refused when SendOptions.PartialRecipients let the
	// message go to the others; without it a refusal is an *SMTPRecipientsError and nothing is
	// sent.
	Refused []SMTPRefusal
}

// SMTPRefusal is a recipient the server refused at RCPT TO.
type SMTPRefusal struct {
	Recipient string
	Err       *SMTPError
}

// SMTPRecipientsError reports recipients refused at RCPT TO. The transaction was abandoned (RSET)
// before DATA: the message went to nobody. It wraps each refusal's *SMTPError, so errors.Is finds
// their outcome categories (ErrInvalidAddress, ErrTemporary, ...).
type SMTPRecipientsError struct {
	Refused []SMTPRefusal
}

func (e *SMTPRecipientsError) Error() string {
	var b strings.Builder
	b.WriteString("sesapi: SMTP: ")
	b.WriteString(strconv.Itoa(len(e.Refused)))
	b.WriteString(" recipient(s) refused, nothing sent:")
	for i, r := range e.Refused {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(" <" + r.Recipient + "> " + strconv.Itoa(r.Err.Code) + " " + r.Err.Message)
	}
	return b.String()
}

// Unwrap returns the refusals' errors.
func (e *SMTPRecipientsError) Unwrap() []error {
	errs := make([]error, len(e.Refused))
	for i, r := range e.Refused {
		errs[i] = r.Err
	}
	return errs
}

// SendOptions changes how one message is sent.
type SendOptions struct {
	// PartialRecipients sends the message to the recipients the server accepted when it refused
	// some (but not all) of them, and lists the refused ones in SMTPResult.Refused. By default a
	// refusal abandons the message (SMTPRecipientsError) so that it goes to all or to none.
	PartialRecipients bool
}

// Send sends m (its envelope and Data, as SMTPMail builds them, or any raw message) and returns
// the server's answer. Data is sent as it is; lines must end in CRLF (a bare LF is sent as CRLF,
// SMTP's only line ending). Before any network call it checks 1 to 50 recipients, envelope
// addresses without spaces, control characters or angle brackets, and the SMTP size limit (40 MB);
// once connected, the server's SIZE limit too. A nil opts means the defaults.
func (s *SMTPSender) Send(ctx context.Context, m *SMTPMail, opts *SendOptions) (*SMTPResult, error) {
	if opts == nil {
		opts = &SendOptions{}
	}
	if err := checkSMTPMail(m); err != nil {
		return nil, err
	}
	attempts := max(s.cfg.MaxAttempts, 1)
	for n := 1; ; n++ {
		res, err := s.sendOnce(ctx, m, opts)
		if err == nil || n >= attempts || errors.Is(err, ErrUnknownOutcome) || ctx.Err() != nil {
			return res, err
		}
		if !smtpRetryable(err) {
			return res, err
		}
		if err := sleepCtx(ctx, s.backoff(n)); err != nil {
			return nil, newSendFailure("sesapi: SMTP: waiting to retry after: "+err.Error(), ErrNotSent, ctx.Err())
		}
	}
}

// smtpRetryable reports whether err is a definite, transient refusal: the server accepted nothing
// and may accept the same message later.
func smtpRetryable(err error) bool {
	var re *SMTPRecipientsError
	if errors.As(err, &re) || errors.Is(err, ErrUnknownOutcome) {
		return false
	}
	return errors.Is(err, ErrThrottled) || errors.Is(err, ErrTemporary)
}

func (s *SMTPSender) backoff(n int) time.Duration {
	if s.cfg.Backoff != nil {
		return s.cfg.Backoff(n)
	}
	switch n {
	case 1:
		return 5 * time.Second
	case 2:
		return 10 * time.Second
	}
	return 30 * time.Second
}

// checkSMTPMail runs the checks that need no network.
func checkSMTPMail(m *SMTPMail) error {
	if m == nil {
		return &CheckError{Op: opSMTP, Field: "SMTPMail", Reason: "nil message", Err: ErrInvalidAddress}
	}
	if len(m.To) == 0 {
		return &CheckError{Op: opSMTP, Field: "To", Reason: "no envelope recipients", Err: ErrInvalidAddress}
	}
	if len(m.To) > sesrules.MaxRecipients {
		return &CheckError{Op: opSMTP, Field: "To", Reason: strconv.Itoa(len(m.To)) + " envelope recipients, over SES's limit of " + strconv.Itoa(sesrules.MaxRecipients), Err: ErrTooManyRecipients}
	}
	if err := checkEnvelopeAddress("From", m.From, true); err != nil {
		return err
	}
	for _, to := range m.To {
		if err := checkEnvelopeAddress("To", to, false); err != nil {
			return err
		}
	}
	if limit := sesrules.TargetSMTP.MaxBytes(); int64(len(m.Data)) > limit {
		se := &builder.SizeError{Target: builder.TargetSMTP, Size: int64(len(m.Data)), Limit: limit}
		return &CheckError{Op: opSMTP, Field: "Data", Reason: se.Error(), Err: se}
	}
	return nil
}

// checkEnvelopeAddress refuses what would change the MAIL or RCPT command line: spaces, control
// characters, angle brackets. The null reverse-path (empty MAIL FROM) is allowed.
func checkEnvelopeAddress(field, a string, nullOK bool) error {
	if a == "" && !nullOK {
		return &CheckError{Op: opSMTP, Field: field, Reason: "empty address", Err: ErrInvalidAddress}
	}
	for i := 0; i < len(a); i++ {
		if c := a[i]; c <= ' ' || c == 0x7f || c == '<' || c == '>' {
			return &CheckError{Op: opSMTP, Field: field, Reason: "address " + strconv.Quote(a) + " contains a space, control character or angle bracket", Err: ErrInvalidAddress}
		}
	}
	return nil
}

// sendOnce sends m once over a pooled connection.
func (s *SMTPSender) sendOnce(ctx context.Context, m *SMTPMail, opts *SendOptions) (*SMTPResult, error) {
	if s.cfg.Limiter != nil {
		if err := s.cfg.Limiter.Wait(ctx, len(m.To)); err != nil {
			return nil, newSendFailure("sesapi: SMTP: rate limiter", ErrNotSent, err)
		}
	}
	conn, unbind, err := s.ready(ctx)
	if err != nil {
		return nil, err
	}
	res, keep, err := s.transact(ctx, conn, m, opts)
	unbind()
	if keep {
		conn.sent++
		conn.clean = err == nil
		s.put(conn)
	} else {
		s.discard(conn)
	}
	return res, err
}

// ready returns a connection ready for MAIL, bound to ctx: an idle one that answers NOOP (RSET
// after a refusal), or a new one.
func (s *SMTPSender) ready(ctx context.Context) (*smtpConn, func(), error) {
	for {
		conn, err := s.get(ctx)
		if err != nil {
			return nil, nil, err
		}
		if conn == nil { // a free slot: open a new connection
			conn, err = s.dial(ctx)
			if err != nil {
				<-s.slots
				return nil, nil, err
			}
			return conn, conn.nc.bind(ctx), nil
		}
		if s.cfg.MaxMessagesPerConn > 0 && conn.sent >= s.cfg.MaxMessagesPerConn {
			s.quit(ctx, conn)
			continue
		}
		unbind := conn.nc.bind(ctx)
		// Between messages, one command finds a connection the server has closed (SES closes
		// idle ones) before any part of the message is sent. After an accepted message no
		// transaction is open, so NOOP does
		// (https://www.rfc-editor.org/rfc/rfc5321#section-4.1.1.9). After a refusal, RSET
		// abandons what the server may still hold; go-smtp then sends EHLO again before MAIL,
		// one more round trip, which is why RSET is not used every time.
		probe, command := conn.c.Noop, "NOOP"
		if !conn.clean {
			probe, command = conn.c.Reset, "RSET"
		}
		err = probe()
		if se := smtpReplyError(command, err); se != nil && command == "NOOP" && se.Code != 421 {
			// The server answered but refused NOOP (RFC 5321 requires it; a relay may not
			// have it): the connection is alive, and RSET does the same.
			command = "RSET"
			err = conn.c.Reset()
		}
		if err != nil {
			unbind()
			s.discard(conn)
			if cerr := contextErr(ctx); cerr != nil {
				return nil, nil, newSendFailure("sesapi: SMTP "+command, ErrNotSent, cerr)
			}
			continue
		}
		return conn, unbind, nil
	}
}

// get returns an idle connection, or nil with a slot taken for a new one, waiting while every
// slot is in use.
func (s *SMTPSender) get(ctx context.Context) (*smtpConn, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, errors.New("sesapi: SMTP sender is closed")
	}
	select {
	case c := <-s.idle:
		return c, nil
	default:
	}
	select {
	case c := <-s.idle:
		return c, nil
	case s.slots <- struct{}{}:
		return nil, nil
	case <-ctx.Done():
		return nil, newSendFailure("sesapi: SMTP: waiting for a connection", ErrNotSent, ctx.Err())
	}
}

// put returns a healthy connection to the pool.
func (s *SMTPSender) put(c *smtpConn) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		s.quit(context.Background(), c)
		return
	}
	s.idle <- c // never blocks: at most cap(slots) connections exist
}

// discard closes a connection that is broken or in an unknown state and frees its slot.
func (s *SMTPSender) discard(c *smtpConn) {
	_ = c.c.Close()
	<-s.slots
}

// quit ends a healthy connection politely (QUIT, bounded by a short timeout) and frees its slot.
func (s *SMTPSender) quit(ctx context.Context, c *smtpConn) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	unbind := c.nc.bind(ctx)
	if err := c.c.Quit(); err != nil {
		_ = c.c.Close()
	}
	unbind()
	cancel()
	<-s.slots
}

// Close ends the idle connections with QUIT and makes later Sends fail. Connections in use by a
// Send are closed when it ends.
func (s *SMTPSender) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	for {
		select {
		case c := <-s.idle:
			s.quit(context.Background(), c)
		default:
			return nil
		}
	}
}

// dial opens, secures and authenticates a new connection.
func (s *SMTPSender) dial(ctx context.Context) (conn *smtpConn, err error) {
	dial := s.cfg.Dial
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	raw, err := dial(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return nil, newSendFailure("sesapi: SMTP connect "+s.cfg.Addr, ErrTemporary, err)
	}
	nc := &ctxConn{Conn: raw}
	unbind := nc.bind(ctx)
	defer unbind()
	var c *smtp.Client
	defer func() {
		if err != nil {
			if c != nil {
				_ = c.Close()
			} else {
				_ = nc.Close()
			}
			if cerr := contextErr(ctx); cerr != nil {
				// The context ended the setup: nothing of the message was sent.
				err = newSendFailure("sesapi: SMTP "+s.cfg.Addr+": connection not ready when the context ended ("+err.Error()+")", ErrNotSent, cerr)
			}
		}
	}()
	localName := s.cfg.LocalName
	if localName == "" {
		localName = "localhost"
	}
	switch s.mode {
	case SMTPImplicitTLS:
		tc := tls.Client(nc, s.tlsCfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, newSendFailure("sesapi: SMTP TLS handshake with "+s.cfg.Addr, ErrNoTLS, err)
		}
		c = smtp.NewClient(tc)
		if err := c.Hello(localName); err != nil {
			return nil, s.connError("EHLO", err)
		}
	case SMTPStartTLS:
		c, err = smtp.NewClientStartTLS(nc, s.tlsCfg)
		if err != nil {
			c = nil // NewClientStartTLS closed it
			// go-smtp v0.25 reports a server without STARTTLS with this exact error.
			if err.Error() == "smtp: server doesn't support STARTTLS" {
				return nil, newSendFailure("sesapi: SMTP "+s.cfg.Addr+" does not offer STARTTLS", ErrNoTLS)
			}
			return nil, s.connError("STARTTLS", err)
		}
		// The EHLO after STARTTLS runs the TLS handshake and learns the extensions offered
		// under TLS (AUTH among them).
		if err := c.Hello(localName); err != nil {
			return nil, s.connError("EHLO", err)
		}
	default:
		c = smtp.NewClient(nc)
		if err := c.Hello(localName); err != nil {
			return nil, s.connError("EHLO", err)
		}
	}
	_, secure := c.TLSConnectionState()
	if s.mode != SMTPNoTLS && !secure {
		return nil, newSendFailure("sesapi: SMTP "+s.cfg.Addr+": no TLS after the handshake", ErrNoTLS)
	}
	if s.cfg.Username != "" {
		if !secure && !(s.mode == SMTPNoTLS && s.loopback) {
			return nil, newSendFailure("sesapi: refusing SMTP credentials without TLS to "+s.host, ErrNoTLS)
		}
		var a sasl.Client
		switch {
		case c.SupportsAuth(sasl.Plain):
			a = sasl.NewPlainClient("", s.cfg.Username, s.cfg.Password)
		case c.SupportsAuth(sasl.Login):
			a = sasl.NewLoginClient(s.cfg.Username, s.cfg.Password)
		default:
			_, mechs := c.Extension("AUTH")
			return nil, newSendFailure("sesapi: SMTP "+s.cfg.Addr+" offers neither AUTH PLAIN nor LOGIN (AUTH "+strconv.Quote(mechs)+")", ErrRejected)
		}
		if err := c.Auth(a); err != nil {
			return nil, s.connError("AUTH", err)
		}
	}
	return &smtpConn{c: c, nc: nc}, nil
}

// connError wraps an error of connection setup: a server's reply (classified), else a network or
// TLS failure (ErrTemporary: nothing of the message was sent).
func (s *SMTPSender) connError(command string, err error) error {
	if se := smtpReplyError(command, err); se != nil {
		return se
	}
	var certErr *tls.CertificateVerificationError
	var hostErr x509.HostnameError
	var authErr x509.UnknownAuthorityError
	if errors.As(err, &certErr) || errors.As(err, &hostErr) || errors.As(err, &authErr) {
		return newSendFailure("sesapi: SMTP "+s.cfg.Addr+" "+command+": TLS", ErrNoTLS, err)
	}
	return newSendFailure("sesapi: SMTP "+s.cfg.Addr+" "+command, ErrTemporary, err)
}

// transact runs MAIL, RCPT and DATA on conn. keep says whether conn can serve another message.
func (s *SMTPSender) transact(ctx context.Context, conn *smtpConn, m *SMTPMail, opts *SendOptions) (res *SMTPResult, keep bool, err error) {
	c := conn.c
	// keepAfter says whether the connection survives a refusal: not after 421 (the server closes
	// the connection, https://www.rfc-editor.org/rfc/rfc5321#section-3.8), nor after a network
	// failure.
	fail := func(command string, err error) (*SMTPResult, bool, error) {
		if se := smtpReplyError(command, err); se != nil {
			return nil, se.Code != 421, se
		}
		if cerr := contextErr(ctx); cerr != nil {
			// Before the final dot: the server cannot have accepted the message.
			return nil, false, newSendFailure("sesapi: SMTP "+s.cfg.Addr+" "+command+" ("+err.Error()+")", ErrNotSent, cerr)
		}
		return nil, false, newSendFailure("sesapi: SMTP "+s.cfg.Addr+" "+command, ErrTemporary, err)
	}
	if limit, ok := c.MaxMessageSize(); ok && limit > 0 && len(m.Data) > limit {
		return nil, true, &SMTPError{Command: "SIZE", Code: 552, Message: "message is " + strconv.Itoa(len(m.Data)) + " bytes, over the server's SIZE limit of " + strconv.Itoa(limit) + " (nothing sent)", Kind: ErrMessageTooLong}
	}
	if err := c.Mail(m.From, &smtp.MailOptions{Size: int64(len(m.Data))}); err != nil {
		return fail("MAIL", err)
	}
	var refused []SMTPRefusal
	for _, to := range m.To {
		if err := c.Rcpt(to, nil); err != nil {
			se := smtpReplyError("RCPT", err)
			if se == nil || se.Code == 421 {
				return fail("RCPT", err)
			}
			refused = append(refused, SMTPRefusal{Recipient: to, Err: se})
		}
	}
	if len(refused) > 0 && (!opts.PartialRecipients || len(refused) == len(m.To)) {
		rerr := &SMTPRecipientsError{Refused: refused}
		if err := c.Reset(); err != nil {
			return nil, false, rerr
		}
		return nil, true, rerr
	}
	w, err := c.Data()
	if err != nil {
		return fail("DATA", err)
	}
	if _, err := w.Write(m.Data); err != nil {
		// The final dot was not written: the server cannot have accepted the message.
		return fail("DATA", err)
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		if se := smtpReplyError("end of DATA", err); se != nil {
			return nil, se.Code != 421, se
		}
		// The final dot may have reached the server, and no reply came back: the message may
		// have been accepted. Never resent automatically.
		err = withContextErr(ctx, err)
		return nil, false, newSendFailure("sesapi: SMTP "+s.cfg.Addr+": connection lost after the end of DATA, before the reply", ErrUnknownOutcome, err)
	}
	out := &SMTPResult{MessageID: messageID(resp.StatusText), Reply: resp.StatusText, Refused: refused}
	if s.region != "" && sesOkReply(resp.StatusText) {
		out.RecipientMessageID = RecipientMessageID(out.MessageID, s.region)
	}
	return out, true, nil
}

// sesOkReply reports whether a reply to the end of DATA has SES's form "Ok ID" (after an
// enhanced status code when the server sends one): only then is the id SES's message id.
func sesOkReply(reply string) bool {
	r := strings.TrimSpace(reply)
	if code, rest, ok := strings.Cut(r, " "); ok && isEnhancedCode(code) {
		r = rest
	}
	return strings.HasPrefix(r, "Ok ")
}

// smtpEndpointRegion returns REGION for the SES SMTP host email-smtp.REGION.amazonaws.com
// (https://docs.aws.amazon.com/ses/latest/dg/smtp-connect.html), else "".
func smtpEndpointRegion(host string) string {
	r, ok := strings.CutPrefix(strings.ToLower(host), "email-smtp.")
	if !ok {
		return ""
	}
	r, ok = strings.CutSuffix(r, ".amazonaws.com")
	if !ok || !regionChars(r) {
		return ""
	}
	return r
}

// messageID returns the message id of a reply to the end of DATA: "Ok ID" (SES), after an
// enhanced status code ("2.0.0 Ok ID") when the server sends one.
func messageID(reply string) string {
	id := strings.TrimSpace(reply)
	if code, rest, ok := strings.Cut(id, " "); ok && isEnhancedCode(code) {
		id = rest
	}
	if rest, ok := strings.CutPrefix(id, "Ok "); ok {
		id = rest
	}
	return strings.TrimSpace(id)
}

// isEnhancedCode reports whether s is an RFC 3463 status code such as "2.0.0".
func isEnhancedCode(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || len(parts[0]) != 1 || parts[0][0] < '2' || parts[0][0] > '5' {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) == 0 || len(p) > 3 {
			return false
		}
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return false
			}
		}
	}
	return true
}

// sendFailure is an error of the SMTP sender that is not a server's reply: what failed, its
// outcome category (ErrNoTLS also counts as ErrNotSent: nothing was sent) and its causes.
type sendFailure struct {
	msg    string
	kind   error
	causes []error
}

func newSendFailure(msg string, kind error, causes ...error) *sendFailure {
	return &sendFailure{msg: msg, kind: kind, causes: causes}
}

func (e *sendFailure) Error() string {
	var b strings.Builder
	b.WriteString(e.msg)
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.kind.Error(), "sesapi: "))
	for _, c := range e.causes {
		if c != nil {
			b.WriteString(": ")
			b.WriteString(c.Error())
		}
	}
	return b.String()
}

// Unwrap returns the category (and ErrNotSent after ErrNoTLS) and the causes.
func (e *sendFailure) Unwrap() []error {
	errs := []error{e.kind}
	if e.kind == ErrNoTLS {
		errs = append(errs, ErrNotSent)
	}
	for _, c := range e.causes {
		if c != nil {
			errs = append(errs, c)
		}
	}
	return errs
}

// contextErr returns ctx.Err(), or context.DeadlineExceeded once ctx's deadline has passed (a
// read that timed out at the deadline may end a moment before the context says so).
func contextErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

// withContextErr adds the context's error to err when the context is why err happened.
func withContextErr(ctx context.Context, err error) error {
	cerr := contextErr(ctx)
	if cerr == nil || errors.Is(err, cerr) {
		return err
	}
	return fmt.Errorf("%w: %w", err, cerr)
}

// isLoopbackHost reports whether host is "localhost" or a loopback IP address.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
