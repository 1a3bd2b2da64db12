package sestest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPMessage is one message an [SMTPServer] accepted.
type SMTPMessage struct {
	Username string   // the AUTH PLAIN user name, "" without AUTH
	From     string   // MAIL FROM address
	To       []string // RCPT TO addresses, in order
	Data     []byte   // the DATA payload exactly as received (dot-unstuffed, CRLF kept)
	TLS      bool     // the connection was TLS (implicit or after STARTTLS) when the message came
}

// SMTPAuth is one AUTH exchange an [SMTPServer] saw.
type SMTPAuth struct {
	Mechanism string // "PLAIN" or "LOGIN"
	Username  string
	TLS       bool // the connection was TLS at the time
	OK        bool // the credentials were accepted
}

// SMTPOptions configures [StartSMTPWith].
type SMTPOptions struct {
	// TLS is "" or "none" (plain text, AUTH offered without TLS), "starttls" (STARTTLS offered,
	// AUTH only after it) or "implicit" (TLS from the first byte).
	TLS string
	// Certificate is the server's certificate, required with TLS.
	Certificate *tls.Certificate
	// RequireAuth refuses MAIL before a successful AUTH with 530.
	RequireAuth bool
	// Users are the accepted user names and passwords; nil accepts any.
	Users map[string]string
	// MaxMessageBytes is the SIZE the server announces and enforces; 0 means 64 MiB.
	MaxMessageBytes int64
	// Refuse, when not nil, is asked at MAIL (arg: the address), RCPT (arg: the address) and at
	// the end of DATA (arg: ""); a non-nil *smtp.SMTPError it returns is the server's reply.
	Refuse func(command, arg string) *smtp.SMTPError
	// DropAfterData closes the connection after reading a message's final dot, without replying.
	DropAfterData bool
	// ReadTimeout closes a connection idle for this long; 0 means 30 s.
	ReadTimeout time.Duration
	// Discard keeps no message (for benchmarks): Messages stays empty.
	Discard bool
}

// SMTPServer is a real SMTP server (github.com/emersion/go-smtp) on 127.0.0.1 that stores every
// message it accepts. Started with [StartSMTP] it offers AUTH PLAIN without TLS (accepting any
// password), which net/smtp's PlainAuth permits on loopback, so code written for the SES SMTP
// interface runs against it unchanged apart from the address; [StartSMTPWith] adds STARTTLS or
// implicit TLS, required authentication and scripted refusals.
type SMTPServer struct {
	// Addr is the host:port the server listens on.
	Addr string

	opts SMTPOptions
	srv  *smtp.Server
	done chan struct{}

	mu    sync.Mutex
	msgs  []SMTPMessage
	auths []SMTPAuth
	conns int
}

// StartSMTP starts a plain-text SMTP server on 127.0.0.1 and a free port.
func StartSMTP() (*SMTPServer, error) { return StartSMTPWith(SMTPOptions{}) }

// StartSMTPWith starts an SMTP server on 127.0.0.1 and a free port with o.
func StartSMTPWith(o SMTPOptions) (*SMTPServer, error) {
	var tlsCfg *tls.Config
	switch o.TLS {
	case "", "none":
	case "starttls", "implicit":
		if o.Certificate == nil {
			return nil, errors.New("sestest: SMTP TLS needs a certificate")
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{*o.Certificate}, MinVersion: tls.VersionTLS12}
	default:
		return nil, fmt.Errorf("sestest: SMTP TLS mode %q", o.TLS)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sestest: SMTP listen: %w", err)
	}
	s := &SMTPServer{Addr: l.Addr().String(), opts: o, done: make(chan struct{})}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{srv: s, conn: c}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = tlsCfg == nil
	s.srv.MaxMessageBytes = 64 << 20
	if o.MaxMessageBytes > 0 {
		s.srv.MaxMessageBytes = o.MaxMessageBytes
	}
	s.srv.MaxRecipients = 100
	s.srv.ReadTimeout = 30 * time.Second
	if o.ReadTimeout > 0 {
		s.srv.ReadTimeout = o.ReadTimeout
	}
	s.srv.WriteTimeout = 30 * time.Second
	l = &countingListener{Listener: l, srv: s}
	switch o.TLS {
	case "starttls":
		s.srv.TLSConfig = tlsCfg
	case "implicit":
		l = tls.NewListener(l, tlsCfg)
	}
	go func() {
		_ = s.srv.Serve(l)
		close(s.done)
	}()
	return s, nil
}

// Messages returns the messages accepted so far, oldest first.
func (s *SMTPServer) Messages() []SMTPMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SMTPMessage(nil), s.msgs...)
}

// Auths returns the AUTH exchanges seen so far, oldest first.
func (s *SMTPServer) Auths() []SMTPAuth {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SMTPAuth(nil), s.auths...)
}

// countingListener counts the TCP connections accepted.
type countingListener struct {
	net.Listener
	srv *SMTPServer
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.srv.mu.Lock()
		l.srv.conns++
		l.srv.mu.Unlock()
	}
	return c, err
}

// Connections returns how many TCP connections the server has accepted.
func (s *SMTPServer) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Close stops the server and closes its connections. It is safe on a nil *SMTPServer.
func (s *SMTPServer) Close() error {
	if s == nil {
		return nil
	}
	err := s.srv.Close()
	<-s.done
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

type smtpSession struct {
	srv  *SMTPServer
	conn *smtp.Conn
	user string
	msg  SMTPMessage
}

var _ smtp.AuthSession = (*smtpSession)(nil)

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, password string) error {
		_, isTLS := s.conn.TLSConnectionState()
		ok := s.srv.opts.Users == nil || (s.srv.opts.Users[username] == password && password != "")
		s.srv.mu.Lock()
		s.srv.auths = append(s.srv.auths, SMTPAuth{Mechanism: sasl.Plain, Username: username, TLS: isTLS, OK: ok})
		s.srv.mu.Unlock()
		if !ok {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication Credentials Invalid"}
		}
		s.user = username
		return nil
	}), nil
}

func (s *smtpSession) refuse(command, arg string) error {
	if s.srv.opts.Refuse == nil {
		return nil
	}
	if e := s.srv.opts.Refuse(command, arg); e != nil {
		return e
	}
	return nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.opts.RequireAuth && s.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	if err := s.refuse("MAIL", from); err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.msg = SMTPMessage{Username: s.user, From: from, TLS: isTLS}
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.refuse("RCPT", to); err != nil {
		return err
	}
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	if s.srv.opts.DropAfterData {
		_ = s.conn.Conn().Close()
		return errors.New("sestest: connection dropped after DATA")
	}
	if err := s.refuse("DATA", ""); err != nil {
		return err
	}
	s.msg.Data = buf.Bytes()
	if !s.srv.opts.Discard {
		s.srv.mu.Lock()
		s.srv.msgs = append(s.srv.msgs, s.msg)
		s.srv.mu.Unlock()
	}
	s.msg = SMTPMessage{Username: s.user}
	return nil
}

func (s *smtpSession) Reset() { s.msg = SMTPMessage{Username: s.user} }

func (s *smtpSession) Logout() error { return nil }
