package sesapi_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"testing"

	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/sesapitest"
)

// The SMTP sender against the in-process SES (package sesapitest) over STARTTLS, authenticated
// with a password derived by SMTPPassword: SES records the X-SES headers of DATA and the whole
// envelope, and its throttling and quota replies come back as ErrThrottled and ErrDailyQuota.
func TestSMTPSenderAgainstSESAPITest(t *testing.T) {
	s, cfg := startSESAPITestSMTP(t)
	ss, err := sesapi.NewSMTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	_, sms := smtpMessages(t, 1)
	ctx := smtpContext(t)
	res, err := ss.Send(ctx, sms[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := s.Record(res.MessageID)
	if !ok {
		t.Fatalf("no record for message id %q", res.MessageID)
	}
	if r.Account != "210987654321" || r.XSES.SourceArn != arnExample.String() || len(r.Envelope.To) != 4 {
		t.Errorf("record: account %q, X-SES-SOURCE-ARN %q, envelope %q", r.Account, r.XSES.SourceArn, r.Envelope.To)
	}

	s.SetRate(0.001, 4) // one message of 4 recipients, then nothing for a long while
	if _, err := ss.Send(ctx, sms[0], nil); err != nil {
		t.Fatalf("first message within the burst: %v", err)
	}
	if _, err := ss.Send(ctx, sms[0], nil); !errors.Is(err, sesapi.ErrThrottled) {
		t.Errorf("over the rate: %v, want ErrThrottled", err)
	}
	s.SetRate(1000, 1000)
	s.SetQuota(1)
	if _, err := ss.Send(ctx, sms[0], nil); !errors.Is(err, sesapi.ErrDailyQuota) {
		t.Errorf("over the daily quota: %v, want ErrDailyQuota", err)
	}
}

// smtpKeyID and smtpSecret are the access key whose SMTP password (SMTPPassword, us-east-1) the
// in-process SES accepts; its account is 210987654321, a delegate of example.com's owner.
const smtpKeyID, smtpSecret = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

// smtpPassword returns smtpSecret's SMTP password for us-east-1 (SMTPPassword).
func smtpPassword(t *testing.T) string {
	t.Helper()
	password, err := sesapi.SMTPPassword(smtpSecret, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	return password
}

// startSESAPITestSMTP starts the in-process SES with example.com verified in us-east-1 (account
// 123456789012) and its SMTP interface on loopback, STARTTLS with a certificate of its own and
// AUTH required, and returns it with the SMTPConfig that reaches it as smtpKeyID (one connection,
// no Region). Both are closed when the test ends.
func startSESAPITestSMTP(t *testing.T) (*sesapitest.Server, sesapi.SMTPConfig) {
	t.Helper()
	password, cert := smtpPassword(t), testCert(t)
	s, err := sesapitest.NewServer(sesapitest.Options{
		AccessKeys: map[string]string{smtpKeyID: "210987654321"},
		Identities: []sesapitest.Identity{{Account: "123456789012", Region: "us-east-1", Name: "example.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	addr, err := s.StartSMTP(sesapitest.SMTPOptions{
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert.TLS}, MinVersion: tls.VersionTLS12},
		Auth:      true,
		Passwords: map[string]string{smtpKeyID: password},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, sesapi.SMTPConfig{Addr: addr, RootCAs: []*x509.Certificate{cert.Leaf}, Username: smtpKeyID, Password: password, MaxConns: 1}
}
