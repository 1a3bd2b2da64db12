package sesapitest_test

import (
	"crypto/tls"
	"errors"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sesraw/sesraw/sesapitest"
)

// A message over SMTP with AUTH: the X-SES headers are the only delegation; the record holds DATA
// as received and the envelope, with the Bcc recipient in the envelope only.
func TestSMTPRecord(t *testing.T) {
	s, _ := newServer(t, sesapitest.Options{})
	addr, err := s.StartSMTP(sesapitest.SMTPOptions{Auth: true, Passwords: map[string]string{keyDel: "pw"}})
	if err != nil {
		t.Fatal(err)
	}
	host, _, _ := net.SplitHostPort(addr)
	if err := smtp.SendMail(addr, smtp.PlainAuth("", keyDel, "wrong", host), "alice@example.com", []string{"bob@example.net"}, []byte(rawMessage)); err == nil {
		t.Error("a wrong password was accepted")
	}
	err = smtp.SendMail(addr, smtp.PlainAuth("", keyDel, "pw", host), "alice@example.com",
		[]string{"bob@example.net", "carol@example.org", "dave@example.com"}, []byte(rawMessage))
	if err != nil {
		t.Fatal(err)
	}
	recs := s.Records()
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
	r := recs[0]
	if r.Operation != sesapitest.SMTPData || r.AccessKey != keyDel || r.Account != delegate || r.Region != "us-east-1" {
		t.Errorf("record %q %q %q %q", r.Operation, r.AccessKey, r.Account, r.Region)
	}
	if string(r.Raw) != rawMessage {
		t.Errorf("DATA differs: %q", r.Raw)
	}
	wantEff := sesapitest.Effective{SourceArn: arnExample, FromArn: arnExample, ConfigurationSet: "fromheader",
		Tags: []sesapitest.Tag{{Name: "campaign", Value: "spring"}, {Name: "tenant", Value: "acme"}}}
	if diff := cmp.Diff(wantEff, r.Effective); diff != "" {
		t.Errorf("effective (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(sesapitest.Envelope{From: "alice@example.com", To: []string{"bob@example.net", "carol@example.org", "dave@example.com"}}, r.Envelope); diff != "" {
		t.Errorf("envelope (-want +got):\n%s", diff)
	}
	if strings.Contains(string(r.Delivered), "X-SES") || strings.Contains(string(r.Delivered), "dave@") {
		t.Errorf("delivered:\n%s", r.Delivered)
	}
}

// SMTP without AUTH is refused when AUTH is on; STARTTLS is offered with a TLS configuration.
func TestSMTPAuthRequiredAndSTARTTLS(t *testing.T) {
	s, _ := newServer(t, sesapitest.Options{})
	addr, err := s.StartSMTP(sesapitest.SMTPOptions{Auth: true, TLSConfig: testTLS(t)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail("alice@example.com"); !isCode(err, 530) {
		t.Errorf("MAIL without AUTH: %v", err)
	}
	if ok, _ := c.Extension("STARTTLS"); !ok {
		t.Fatal("no STARTTLS")
	}
	if err := c.StartTLS(&tls.Config{InsecureSkipVerify: true}); err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(smtp.PlainAuth("", keyOwner, "any", "127.0.0.1")); err != nil {
		t.Fatal(err)
	}
	if err := sendOn(c, "alice@example.com", "bob@example.net", plainMessage); err != nil {
		t.Fatal(err)
	}
	if r := s.Records(); len(r) != 1 || r[0].Account != owner {
		t.Errorf("records %+v", r)
	}
}

func sendOn(c *smtp.Client, from, to, msg string) error {
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(msg)); err != nil {
		return err
	}
	return w.Close()
}

func isCode(err error, code int) bool {
	var te *textproto.Error
	return errors.As(err, &te) && te.Code == code
}

// SES's SMTP answers: 454 throttling, 554 not verified, and faults 421, 451 and a dropped
// connection after the final dot.
func TestSMTPReplies(t *testing.T) {
	s, _ := newServer(t, sesapitest.Options{MaxSendRate: 1, SizeLimits: sesapitest.SizeLimits{SMTP: 200}})
	addr, err := s.StartSMTP(sesapitest.SMTPOptions{AccessKey: keyOwner})
	if err != nil {
		t.Fatal(err)
	}
	send := func(from string) error {
		return smtp.SendMail(addr, nil, from, []string{"bob@example.net"}, []byte(plainMessage))
	}
	if err := send("alice@example.com"); err != nil {
		t.Fatal(err)
	}
	err = send("alice@example.com")
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code != 454 || te.Msg != "4.0.0 Throttling failure: Maximum sending rate exceeded" {
		t.Errorf("over the rate: %v", err)
	}
	s.SetRate(0, 0)
	if err := send("mallory@elsewhere.example"); !isCode(err, 554) ||
		!strings.Contains(err.Error(), "Message rejected: Email address is not verified. The following identities failed the check in region US-EAST-1: mallory@elsewhere.example") {
		t.Errorf("unverified MAIL FROM: %v", err)
	}
	for _, code := range []int{421, 451, 454} {
		s.AddFault(sesapitest.Fault{Operation: sesapitest.SMTPData, SMTPCode: code})
		if err := send("alice@example.com"); !isCode(err, code) {
			t.Errorf("fault %d: %v", code, err)
		}
	}
	err = smtp.SendMail(addr, nil, "alice@example.com", []string{"bob@example.net"}, []byte(plainMessage+strings.Repeat("x", 200)))
	if !errors.As(err, &te) || te.Code != 552 || te.Msg != "5.0.0 Message is too long." {
		t.Errorf("over the size limit: %v", err)
	}
	s.AddFault(sesapitest.Fault{Drop: true})
	before := len(s.Records())
	if err := send("alice@example.com"); err == nil {
		t.Error("no error after a dropped connection")
	}
	if n := len(s.Records()); n != before+1 {
		t.Errorf("the dropped message was not recorded: %d -> %d", before, n)
	}
}
