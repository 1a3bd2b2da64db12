package sesapi_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/internal/sestest"
	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/sesrules"
)

const (
	smtpUser = "AKIAIOSFODNN7EXAMPLE"
	smtpPass = "BAkz5ZeyVcUErgyHuiaeEyFFRWtPIgR6e2aeRZ6Y3xWi" // any string; the servers compare it
)

// smtpServer is what the tests need of the two servers.
type smtpServer interface {
	Messages() []sestest.SMTPMessage
	Auths() []sestest.SMTPAuth
	Close() error
}

// testCert makes the self-signed certificate of one test's server, for 127.0.0.1.
func testCert(t *testing.T) *sestest.Certificate {
	t.Helper()
	c, err := sestest.NewCertificate("127.0.0.1", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startServer starts the go-smtp server ("go") or nodemailer's smtp-server ("node") with TLS
// ("starttls", "implicit" or "none"), AUTH required with smtpUser/smtpPass.
func startServer(t *testing.T, kind, mode string, cert *sestest.Certificate) (addr string, srv smtpServer, wait func(n int) []sestest.SMTPMessage) {
	t.Helper()
	switch kind {
	case "go":
		o := sestest.SMTPOptions{TLS: mode, RequireAuth: true, Users: map[string]string{smtpUser: smtpPass}}
		if cert != nil {
			o.Certificate = &cert.TLS
		}
		s, err := sestest.StartSMTPWith(o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s.Addr, s, func(int) []sestest.SMTPMessage { return s.Messages() }
	case "node":
		s, err := sestest.StartNodeSMTP(sestest.NodeSMTPOptions{TLS: mode, Certificate: cert, User: smtpUser, Password: smtpPass})
		sestest.Need(t, "nodemailer smtp-server (testdata/smtpserver)", err)
		t.Cleanup(func() { s.Close() })
		return s.Addr, s, func(n int) []sestest.SMTPMessage { return s.WaitMessages(n, 5*time.Second) }
	}
	t.Fatalf("unknown server %q", kind)
	return
}

func smtpContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// smtpMessages builds n delegated messages (X-SES headers in DATA) with distinct subjects.
func smtpMessages(t *testing.T, n int) ([]*builder.Message, []*sesapi.SMTPMail) {
	t.Helper()
	s := &sesapi.Sender{Builder: newBuilder()}
	var ms []*builder.Message
	var sms []*sesapi.SMTPMail
	for i := range n {
		m := newMessage()
		m.Subject = "Invoice " + string(rune('A'+i))
		sm, err := s.SMTPMail("us-east-1", m)
		if err != nil {
			t.Fatal(err)
		}
		ms, sms = append(ms, m), append(sms, sm)
	}
	return ms, sms
}

// The Done-when test: through the library to two independent servers, with STARTTLS and with
// implicit TLS, AUTH required; DATA byte-identical with its X-SES headers, the envelope right,
// AUTH only after TLS, one connection for all the messages.
func TestSMTPSendTwoServers(t *testing.T) {
	for _, kind := range []string{"go", "node"} {
		for _, mode := range []string{"starttls", "implicit"} {
			t.Run(kind+"/"+mode, func(t *testing.T) {
				cert := testCert(t)
				addr, srv, wait := startServer(t, kind, mode, cert)
				cfg := sesapi.SMTPConfig{Addr: addr, RootCAs: []*x509.Certificate{cert.Leaf}, Username: smtpUser, Password: smtpPass, MaxConns: 1}
				if mode == "implicit" {
					cfg.TLS = sesapi.SMTPImplicitTLS
				} // else auto: STARTTLS on a loopback port that is not 465 or 2465
				ss, err := sesapi.NewSMTPSender(cfg)
				if err != nil {
					t.Fatal(err)
				}
				defer ss.Close()
				if want := map[string]sesapi.SMTPTLS{"starttls": sesapi.SMTPStartTLS, "implicit": sesapi.SMTPImplicitTLS}[mode]; ss.TLSMode() != want {
					t.Errorf("TLS mode %v, want %v", ss.TLSMode(), want)
				}
				ms, sms := smtpMessages(t, 3)
				ctx := smtpContext(t)
				for _, sm := range sms {
					res, err := ss.Send(ctx, sm, nil)
					if err != nil {
						t.Fatalf("Send: %v", err)
					}
					if res.MessageID == "" || strings.HasPrefix(res.MessageID, "Ok ") {
						t.Errorf("message id %q (reply %q)", res.MessageID, res.Reply)
					}
				}
				got := wait(len(sms))
				if len(got) != len(sms) {
					t.Fatalf("server received %d messages, want %d", len(got), len(sms))
				}
				for i, g := range got {
					if !bytes.Equal(g.Data, sms[i].Data) {
						t.Errorf("message %d: DATA as received differs from the bytes sent (%d vs %d bytes)", i, len(g.Data), len(sms[i].Data))
					}
					if diff := cmp.Diff(ms[i].SES, sesHeaders(t, g.Data), cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("message %d: X-SES headers in DATA (-want +got):\n%s", i, diff)
					}
					if g.From != "bounces@example.com" || strings.Join(g.To, ",") != "bob@example.net,erin@example.net,carol@example.org,dave@example.com" {
						t.Errorf("message %d: envelope %q -> %q", i, g.From, g.To)
					}
					if !g.TLS || g.Username != smtpUser {
						t.Errorf("message %d: TLS %v, user %q", i, g.TLS, g.Username)
					}
				}
				checkParsed(t, got[0].Data, ms[0])
				auths := srv.Auths()
				if len(auths) != 1 || !auths[0].TLS || !auths[0].OK || auths[0].Username != smtpUser {
					t.Errorf("AUTH exchanges %+v, want one, over TLS, accepted (one connection reused)", auths)
				}
				if g, ok := srv.(*sestest.SMTPServer); ok && g.Connections() != 1 {
					t.Errorf("%d connections for %d messages, want 1", g.Connections(), len(sms))
				}
			})
		}
	}
}

// A server that offers no STARTTLS (but offers AUTH in plain text) gets nothing: no AUTH, no
// message. Both servers.
func TestSMTPRefusesPlainTextCredentials(t *testing.T) {
	for _, kind := range []string{"go", "node"} {
		t.Run(kind, func(t *testing.T) {
			addr, srv, _ := startServer(t, kind, "none", nil)
			for _, mode := range []sesapi.SMTPTLS{sesapi.SMTPTLSAuto, sesapi.SMTPStartTLS} {
				ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: addr, TLS: mode, Username: smtpUser, Password: smtpPass})
				if err != nil {
					t.Fatal(err)
				}
				_, sms := smtpMessages(t, 1)
				_, err = ss.Send(smtpContext(t), sms[0], nil)
				if !errors.Is(err, sesapi.ErrNoTLS) || sesapi.Classify(err) != sesapi.ErrNotSent {
					t.Errorf("%v: Send to a server without STARTTLS: %v, want ErrNoTLS (ErrNotSent)", mode, err)
				}
				ss.Close()
			}
			srv.Close() // waits for the server to report everything it saw
			if a := srv.Auths(); len(a) != 0 {
				t.Errorf("the server saw AUTH: %+v", a)
			}
			if m := srv.Messages(); len(m) != 0 {
				t.Errorf("the server got %d messages", len(m))
			}
		})
	}
}

// TLS mode none: credentials in plain text only to a loopback host.
func TestSMTPNoTLSOnlyLoopback(t *testing.T) {
	if _, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: "email-smtp.us-east-1.amazonaws.com:587", TLS: sesapi.SMTPNoTLS, Username: "u", Password: "p"}); !errors.Is(err, sesapi.ErrNoTLS) {
		t.Errorf("none with credentials to a remote host: %v, want ErrNoTLS", err)
	}
	if _, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: "email-smtp.us-east-1.amazonaws.com:587", TLS: sesapi.SMTPNoTLS}); err != nil {
		t.Errorf("none without credentials: %v", err)
	}
	addr, srv, _ := startServer(t, "go", "none", nil)
	ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: addr, TLS: sesapi.SMTPNoTLS, Username: smtpUser, Password: smtpPass})
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	_, sms := smtpMessages(t, 1)
	if _, err := ss.Send(smtpContext(t), sms[0], nil); err != nil {
		t.Fatal(err)
	}
	if a := srv.Auths(); len(a) != 1 || a[0].TLS || !a[0].OK {
		t.Errorf("AUTH %+v, want one accepted in plain text", a)
	}
}

// The certificate is verified: a server whose certificate is not trusted, or names another host,
// gets no credentials.
func TestSMTPVerifiesCertificate(t *testing.T) {
	cert := testCert(t)
	addr, srv, _ := startServer(t, "go", "starttls", cert)
	_, sms := smtpMessages(t, 1)
	other := testCert(t)
	for name, cfg := range map[string]sesapi.SMTPConfig{
		"untrusted":  {Addr: addr, Username: smtpUser, Password: smtpPass},
		"other CA":   {Addr: addr, Username: smtpUser, Password: smtpPass, RootCAs: []*x509.Certificate{other.Leaf}},
		"wrong name": {Addr: addr, Username: smtpUser, Password: smtpPass, RootCAs: []*x509.Certificate{cert.Leaf}, ServerName: "email-smtp.us-east-1.amazonaws.com"},
	} {
		ss, err := sesapi.NewSMTPSender(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ss.Send(smtpContext(t), sms[0], nil); !errors.Is(err, sesapi.ErrNoTLS) {
			t.Errorf("%s: %v, want ErrNoTLS", name, err)
		}
		ss.Close()
	}
	if a := srv.Auths(); len(a) != 0 {
		t.Errorf("AUTH sent to an unverified server: %+v", a)
	}
}

// AUTH LOGIN when the server offers only that (nodemailer's smtp-server), still after STARTTLS;
// AUTH PLAIN whenever it is offered.
func TestSMTPAuthMechanisms(t *testing.T) {
	cert := testCert(t)
	for _, c := range []struct {
		offered []string
		want    string
	}{{[]string{"LOGIN"}, "LOGIN"}, {[]string{"LOGIN", "PLAIN"}, "PLAIN"}} {
		s, err := sestest.StartNodeSMTP(sestest.NodeSMTPOptions{TLS: "starttls", Certificate: cert, User: smtpUser, Password: smtpPass, AuthMethods: c.offered})
		sestest.Need(t, "nodemailer smtp-server (testdata/smtpserver)", err)
		ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: s.Addr, RootCAs: []*x509.Certificate{cert.Leaf}, Username: smtpUser, Password: smtpPass})
		if err != nil {
			t.Fatal(err)
		}
		_, sms := smtpMessages(t, 1)
		if _, err := ss.Send(smtpContext(t), sms[0], nil); err != nil {
			t.Errorf("offered %v: %v", c.offered, err)
		}
		ss.Close()
		s.Close()
		if a := s.Auths(); len(a) != 1 || a[0].Mechanism != c.want || !a[0].TLS || !a[0].OK {
			t.Errorf("offered %v: AUTH %+v, want one %s over TLS, accepted", c.offered, a, c.want)
		}
	}
}

// Wrong credentials: 535, ErrBadCredentials, on both servers.
func TestSMTPBadCredentials(t *testing.T) {
	for _, kind := range []string{"go", "node"} {
		t.Run(kind, func(t *testing.T) {
			cert := testCert(t)
			addr, _, _ := startServer(t, kind, "starttls", cert)
			ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: addr, RootCAs: []*x509.Certificate{cert.Leaf}, Username: smtpUser, Password: "wrong"})
			if err != nil {
				t.Fatal(err)
			}
			defer ss.Close()
			_, sms := smtpMessages(t, 1)
			_, err = ss.Send(smtpContext(t), sms[0], nil)
			var se *sesapi.SMTPError
			if !errors.Is(err, sesapi.ErrBadCredentials) || !errors.As(err, &se) || se.Code != 535 || se.Command != "AUTH" {
				t.Errorf("wrong password: %v, want a 535 AUTH SMTPError (ErrBadCredentials)", err)
			}
		})
	}
}

// SES's reply texts (https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-smtp.html and
// https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html, and as users
// report them) classify into the outcome categories.
func TestClassifySMTPReply(t *testing.T) {
	for _, c := range []struct {
		code int
		text string
		want error
	}{
		{454, "Throttling failure: Maximum sending rate exceeded", sesapi.ErrThrottled},
		{454, "Throttling failure: Daily message quota exceeded", sesapi.ErrDailyQuota},
		{421, "Too many concurrent SMTP connections", sesapi.ErrTemporary},
		{451, "Temporary service failure", sesapi.ErrTemporary},
		{451, "Timeout waiting for data from client", sesapi.ErrTemporary},
		{454, "Temporary authentication failure", sesapi.ErrTemporary},
		{454, "Temporary service failure", sesapi.ErrTemporary},
		{530, "Authentication required", sesapi.ErrBadCredentials},
		{535, "Authentication Credentials Invalid", sesapi.ErrBadCredentials},
		{535, "Account not subscribed to SES", sesapi.ErrBadCredentials},
		{552, "Message is too long.", sesapi.ErrMessageTooLong},
		{554, "Access denied: User arn:aws:iam::111122223333:user/ses-smtp-user is not authorized to perform ses:SendRawEmail on resource arn:aws:ses:us-east-1:123456789012:identity/example.com", sesapi.ErrNotAuthorized},
		{554, "Message rejected: Email address is not verified. The following identities failed the check in region US-EAST-1: alice@example.com", sesapi.ErrIdentityNotVerified},
		{554, "Transaction failed: Duplicate header 'DKIM-Signature'.", sesapi.ErrDuplicateDKIM},
		{554, "Transaction failed: Missing final '@domain'", sesapi.ErrInvalidAddress},
		{553, "Local address contains control or whitespace", sesapi.ErrInvalidAddress},
		{554, "Transaction failed: Illegal address", sesapi.ErrInvalidAddress},
		{554, "Transaction failed: Duplicate header 'Content-Type'.", sesapi.ErrRejected},
		{450, "mailbox busy", sesapi.ErrTemporary},
		{550, "no such user", sesapi.ErrRejected},
	} {
		if got := sesapi.ClassifySMTPReply(c.code, c.text); got != c.want {
			t.Errorf("%d %s: %v, want %v", c.code, c.text, got, c.want)
		}
	}
}

// The classification reaches the caller from a real server's replies at each stage, and the
// retry policy follows it: a rate refusal is retried, a quota refusal is not, a 421 drops the
// connection.
func TestSMTPRepliesEndToEnd(t *testing.T) {
	cert := testCert(t)
	_, sms := smtpMessages(t, 1)
	fast := func(int) time.Duration { return time.Millisecond }
	for _, c := range []struct {
		name     string
		command  string // where the server refuses
		reply    smtp.SMTPError
		times    int32 // refusals before accepting (0: always)
		want     error
		sent     bool // the message got through in the end (after retries)
		mails    int32
		conns    int
		attempts int
	}{
		{"rate retried", "MAIL", smtp.SMTPError{Code: 454, Message: "Throttling failure: Maximum sending rate exceeded"}, 2, nil, true, 3, 1, 3},
		{"rate at end of DATA", "DATA", smtp.SMTPError{Code: 454, Message: "Throttling failure: Maximum sending rate exceeded"}, 0, sesapi.ErrThrottled, false, 2, 1, 2},
		{"daily quota not retried", "MAIL", smtp.SMTPError{Code: 454, Message: "Throttling failure: Daily message quota exceeded"}, 0, sesapi.ErrDailyQuota, false, 1, 1, 3},
		{"access denied", "DATA", smtp.SMTPError{Code: 554, Message: "Access denied: User arn:aws:iam::111122223333:user/u is not authorized to perform ses:SendRawEmail on resource arn:aws:ses:us-east-1:123456789012:identity/example.com"}, 0, sesapi.ErrNotAuthorized, false, 1, 1, 3},
		{"not verified", "DATA", smtp.SMTPError{Code: 554, Message: "Message rejected: Email address is not verified. The following identities failed the check in region US-EAST-1: alice@example.com"}, 0, sesapi.ErrIdentityNotVerified, false, 1, 1, 3},
		{"421 reconnects", "MAIL", smtp.SMTPError{Code: 421, Message: "Too many concurrent SMTP connections"}, 1, nil, true, 2, 2, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			var refused, mails atomic.Int32
			srv, err := sestest.StartSMTPWith(sestest.SMTPOptions{TLS: "starttls", Certificate: &cert.TLS, RequireAuth: true, Users: map[string]string{smtpUser: smtpPass},
				Refuse: func(command, _ string) *smtp.SMTPError {
					if command == "MAIL" {
						mails.Add(1)
					}
					if command != c.command || (c.times > 0 && refused.Load() >= c.times) {
						return nil
					}
					refused.Add(1)
					r := c.reply
					return &r
				}})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: srv.Addr, RootCAs: []*x509.Certificate{cert.Leaf}, Username: smtpUser, Password: smtpPass, MaxAttempts: c.attempts, Backoff: fast, MaxConns: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer ss.Close()
			_, err = ss.Send(smtpContext(t), sms[0], nil)
			if c.want == nil && err != nil || c.want != nil && (!errors.Is(err, c.want) || sesapi.Classify(err) != c.want) {
				t.Errorf("Send: %v, want %v", err, c.want)
			}
			var se *sesapi.SMTPError
			if c.want != nil && (!errors.As(err, &se) || se.Code != c.reply.Code) {
				t.Errorf("Send: %v is not an SMTPError with code %d", err, c.reply.Code)
			}
			if got := len(srv.Messages()) == 1; got != c.sent {
				t.Errorf("message accepted: %v, want %v", got, c.sent)
			}
			if mails.Load() != c.mails || srv.Connections() != c.conns {
				t.Errorf("%d MAIL commands on %d connections, want %d on %d", mails.Load(), srv.Connections(), c.mails, c.conns)
			}
		})
	}
}

// A connection lost after the final dot, before the reply: ErrUnknownOutcome, and the message is
// not sent again even with retries allowed.
func TestSMTPUnknownOutcomeNeverResent(t *testing.T) {
	cert := testCert(t)
	var mails atomic.Int32
	srv, err := sestest.StartSMTPWith(sestest.SMTPOptions{TLS: "starttls", Certificate: &cert.TLS, RequireAuth: true, DropAfterData: true,
		Refuse: func(command, _ string) *smtp.SMTPError {
			if command == "MAIL" {
				mails.Add(1)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: srv.Addr, RootCAs: []*x509.Certificate{cert.Leaf}, Username: smtpUser, Password: smtpPass, MaxAttempts: 5, Backoff: func(int) time.Duration { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	_, sms := smtpMessages(t, 1)
	_, err = ss.Send(smtpContext(t), sms[0], nil)
	if !errors.Is(err, sesapi.ErrUnknownOutcome) || errors.Is(err, sesapi.ErrTemporary) || sesapi.Classify(err) != sesapi.ErrUnknownOutcome {
		t.Errorf("Send: %v, want ErrUnknownOutcome only", err)
	}
	if mails.Load() != 1 {
		t.Errorf("%d transactions, want 1: an unknown outcome must not be resent", mails.Load())
	}
}

// Refused recipients: by default nothing is sent and each refusal is reported and classified;
// with PartialRecipients the others get the message.
func TestSMTPRecipientRefusals(t *testing.T) {
	cert := testCert(t)
	srv, err := sestest.StartSMTPWith(sestest.SMTPOptions{TLS: "starttls", Certificate: &cert.TLS, RequireAuth: true,
		Refuse: func(command, arg string) *smtp.SMTPError {
			if command == "RCPT" && arg == "erin@example.net" {
				return &smtp.SMTPError{Code: 553, Message: "Local address contains control or whitespace"}
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: srv.Addr, RootCAs: []*x509.Certificate{cert.Leaf}, Username: smtpUser, Password: smtpPass, MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	_, sms := smtpMessages(t, 1)
	ctx := smtpContext(t)
	_, err = ss.Send(ctx, sms[0], nil)
	var re *sesapi.SMTPRecipientsError
	if !errors.As(err, &re) || !errors.Is(err, sesapi.ErrInvalidAddress) || len(re.Refused) != 1 || re.Refused[0].Recipient != "erin@example.net" || re.Refused[0].Err.Code != 553 {
		t.Fatalf("Send: %v, want one refused recipient (ErrInvalidAddress)", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages delivered after a refusal, want 0", n)
	}
	res, err := ss.Send(ctx, sms[0], &sesapi.SendOptions{PartialRecipients: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Refused) != 1 || res.Refused[0].Recipient != "erin@example.net" {
		t.Errorf("Refused %+v", res.Refused)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || strings.Join(msgs[0].To, ",") != "bob@example.net,carol@example.org,dave@example.com" {
		t.Errorf("delivered %+v", msgs)
	}
	if srv.Connections() != 1 {
		t.Errorf("%d connections, want 1 (the connection survives a refusal)", srv.Connections())
	}
}

// The server's SIZE is checked before DATA: nothing of an oversized message is sent.
func TestSMTPSizeCheckedBeforeData(t *testing.T) {
	cert := testCert(t)
	var mails atomic.Int32
	srv, err := sestest.StartSMTPWith(sestest.SMTPOptions{TLS: "starttls", Certificate: &cert.TLS, RequireAuth: true, MaxMessageBytes: 1000,
		Refuse: func(command, _ string) *smtp.SMTPError {
			if command == "MAIL" {
				mails.Add(1)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: srv.Addr, RootCAs: []*x509.Certificate{cert.Leaf}, Username: smtpUser, Password: smtpPass})
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	_, sms := smtpMessages(t, 1)
	_, err = ss.Send(smtpContext(t), sms[0], nil)
	var se *sesapi.SMTPError
	if !errors.Is(err, sesapi.ErrMessageTooLong) || !errors.As(err, &se) || se.Command != "SIZE" {
		t.Errorf("Send: %v, want a SIZE refusal (ErrMessageTooLong)", err)
	}
	if mails.Load() != 0 {
		t.Error("MAIL was sent for a message over the server's SIZE")
	}
}

// Pre-send checks: nothing goes to the network.
func TestSMTPSendChecks(t *testing.T) {
	ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: "192.0.2.1:587", Dial: func(context.Context, string, string) (net.Conn, error) {
		t.Error("dialled for a message that fails a pre-send check")
		return nil, errors.New("no")
	}})
	if err != nil {
		t.Fatal(err)
	}
	many := make([]string, 51)
	for i := range many {
		many[i] = "r@example.com"
	}
	for name, c := range map[string]struct {
		m    *sesapi.SMTPMail
		want error
	}{
		"no recipients": {&sesapi.SMTPMail{From: "a@example.com", Data: []byte("x\r\n")}, sesapi.ErrInvalidAddress},
		"51 recipients": {&sesapi.SMTPMail{From: "a@example.com", To: many, Data: []byte("x\r\n")}, sesapi.ErrTooManyRecipients},
		"injection":     {&sesapi.SMTPMail{From: "a@example.com> SIZE=1", To: []string{"b@example.com"}, Data: []byte("x\r\n")}, sesapi.ErrInvalidAddress},
		"CRLF":          {&sesapi.SMTPMail{From: "a@example.com", To: []string{"b@example.com\r\nRSET"}, Data: []byte("x\r\n")}, sesapi.ErrInvalidAddress},
		"too large":     {&sesapi.SMTPMail{From: "a@example.com", To: []string{"b@example.com"}, Data: make([]byte, sesrules.TargetSMTP.MaxBytes()+1)}, sesapi.ErrTooLarge},
	} {
		if _, err := ss.Send(context.Background(), c.m, nil); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	for _, s := range []string{"host", "host:", ":25"} {
		if _, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: s}); err == nil {
			t.Errorf("address %q accepted", s)
		}
	}
}

// Every network wait ends with the context: a server that accepts the connection and never
// greets.
func TestSMTPContextBoundsNetworkWaits(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	}()
	_, sms := smtpMessages(t, 1)
	for _, mode := range []sesapi.SMTPTLS{sesapi.SMTPStartTLS, sesapi.SMTPImplicitTLS, sesapi.SMTPNoTLS} {
		ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: l.Addr().String(), TLS: mode})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		start := time.Now()
		_, err = ss.Send(ctx, sms[0], nil)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || sesapi.Classify(err) != sesapi.ErrNotSent {
			t.Errorf("%v: %v (category %v), want context.DeadlineExceeded and ErrNotSent", mode, err, sesapi.Classify(err))
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%v: Send returned after %v", mode, d)
		}
		ss.Close()
	}
}

// A small pool serves concurrent senders: every message arrives, over at most MaxConns
// connections; the Limiter is asked for each message's recipients.
func TestSMTPPoolConcurrent(t *testing.T) {
	cert := testCert(t)
	srv, err := sestest.StartSMTPWith(sestest.SMTPOptions{TLS: "starttls", Certificate: &cert.TLS, RequireAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	lim := &countingLimiter{}
	ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: srv.Addr, RootCAs: []*x509.Certificate{cert.Leaf}, Username: smtpUser, Password: smtpPass, MaxConns: 2, Limiter: lim})
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	_, sms := smtpMessages(t, 4)
	ctx := smtpContext(t)
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 4 {
				if _, err := ss.Send(ctx, sms[(g+i)%len(sms)], nil); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n := len(srv.Messages()); n != 24 {
		t.Errorf("%d messages arrived, want 24", n)
	}
	if c := srv.Connections(); c < 1 || c > 2 {
		t.Errorf("%d connections, want 1 or 2 (MaxConns 2)", c)
	}
	if calls, rcpts := lim.get(); calls != 24 || rcpts != 24*4 {
		t.Errorf("Limiter.Wait: %d calls for %d recipients, want 24 for 96", calls, rcpts)
	}
}

type countingLimiter struct {
	mu           sync.Mutex
	calls, rcpts int
}

func (l *countingLimiter) Wait(ctx context.Context, n int) error {
	l.mu.Lock()
	l.calls++
	l.rcpts += n
	l.mu.Unlock()
	return ctx.Err()
}

func (l *countingLimiter) get() (int, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls, l.rcpts
}

// A connection the server closed while idle is found by NOOP and replaced; MaxMessagesPerConn
// opens a new connection after that many messages.
func TestSMTPReconnects(t *testing.T) {
	cert := testCert(t)
	srv, err := sestest.StartSMTPWith(sestest.SMTPOptions{TLS: "starttls", Certificate: &cert.TLS, RequireAuth: true, ReadTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: srv.Addr, RootCAs: []*x509.Certificate{cert.Leaf}, Username: smtpUser, Password: smtpPass, MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	_, sms := smtpMessages(t, 2)
	ctx := smtpContext(t)
	if _, err := ss.Send(ctx, sms[0], nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // the server closes the idle connection
	if _, err := ss.Send(ctx, sms[1], nil); err != nil {
		t.Fatalf("Send after the server closed the connection: %v", err)
	}
	if n, c := len(srv.Messages()), srv.Connections(); n != 2 || c != 2 {
		t.Errorf("%d messages on %d connections, want 2 on 2", n, c)
	}

	srv2, err := sestest.StartSMTPWith(sestest.SMTPOptions{TLS: "starttls", Certificate: &cert.TLS, RequireAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Close()
	ss2, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: srv2.Addr, RootCAs: []*x509.Certificate{cert.Leaf}, Username: smtpUser, Password: smtpPass, MaxConns: 1, MaxMessagesPerConn: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer ss2.Close()
	for i := range 5 {
		if _, err := ss2.Send(ctx, sms[i%2], nil); err != nil {
			t.Fatal(err)
		}
	}
	if n, c := len(srv2.Messages()), srv2.Connections(); n != 5 || c != 3 {
		t.Errorf("%d messages on %d connections, want 5 on 3 (2 per connection)", n, c)
	}
}

// The envelope of a raw message from another library goes through unchanged.
func TestSMTPSendRaw(t *testing.T) {
	cert := testCert(t)
	addr, _, wait := startServer(t, "go", "starttls", cert)
	ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: addr, RootCAs: []*x509.Certificate{cert.Leaf}, Username: smtpUser, Password: smtpPass})
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	raw := []byte("X-SES-CONFIGURATION-SET: cs\r\nFrom: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\n.leading dot\r\nbody\r\n")
	if _, err := ss.Send(smtpContext(t), &sesapi.SMTPMail{From: "", To: []string{"b@example.com"}, Data: raw}, nil); err != nil {
		t.Fatal(err)
	}
	got := wait(1)
	if len(got) != 1 || !bytes.Equal(got[0].Data, raw) || got[0].From != "" {
		t.Errorf("received %+v", got)
	}
}
