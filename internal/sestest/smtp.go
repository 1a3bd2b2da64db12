package sestest

import (
	"bytes"
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
}

// SMTPServer is a real SMTP server (github.com/emersion/go-smtp) on 127.0.0.1 that stores every
// message it accepts. It offers AUTH PLAIN without TLS (accepting any password), which
// net/smtp's PlainAuth permits on loopback, so code written for the SES SMTP interface runs
// against it unchanged apart from the address.
type SMTPServer struct {
	// Addr is the host:port the server listens on.
	Addr string

	srv  *smtp.Server
	done chan struct{}

	mu   sync.Mutex
	msgs []SMTPMessage
}

// StartSMTP starts an SMTP server on 127.0.0.1 and a free port.
func StartSMTP() (*SMTPServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sestest: SMTP listen: %w", err)
	}
	s := &SMTPServer{Addr: l.Addr().String(), done: make(chan struct{})}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &smtpSession{srv: s}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxMessageBytes = 64 << 20
	s.srv.MaxRecipients = 100
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
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
	user string
	msg  SMTPMessage
}

var _ smtp.AuthSession = (*smtpSession)(nil)

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, _ string) error {
		s.user = username
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.msg = SMTPMessage{Username: s.user, From: from}
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	s.msg.Data = buf.Bytes()
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, s.msg)
	s.srv.mu.Unlock()
	s.msg = SMTPMessage{Username: s.user}
	return nil
}

func (s *smtpSession) Reset() { s.msg = SMTPMessage{Username: s.user} }

func (s *smtpSession) Logout() error { return nil }
