package sesapi_test

import (
	"context"
	"crypto/x509"
	"testing"
	"time"

	"github.com/sesraw/sesraw/internal/sestest"
	"github.com/sesraw/sesraw/sesapi"
)

// BenchmarkSMTPSend1000 sends 1,000 small delegated messages (about 1 KB, X-SES headers in DATA)
// per operation to go-smtp's server on loopback, STARTTLS and AUTH PLAIN required, with a
// self-signed ECDSA P-256 certificate: "reused" over one connection (NOOP between messages),
// "new-connection" over a new connection each (TCP, STARTTLS handshake, EHLO, AUTH, QUIT every
// time). ns/msg is the time per message.
func BenchmarkSMTPSend1000(b *testing.B) {
	cert, err := sestest.NewCertificate("127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	srv, err := sestest.StartSMTPWith(sestest.SMTPOptions{TLS: "starttls", Certificate: &cert.TLS, RequireAuth: true, Users: map[string]string{smtpUser: smtpPass}, Discard: true})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	m := simpleMessage()
	sm, err := (&sesapi.Sender{Builder: newBuilder()}).SMTPMail("us-east-1", m)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		perConn int
	}{{"reused", 0}, {"new-connection", 1}} {
		b.Run(c.name, func(b *testing.B) {
			ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: srv.Addr, RootCAs: []*x509.Certificate{cert.Leaf}, Username: smtpUser, Password: smtpPass, MaxConns: 1, MaxMessagesPerConn: c.perConn})
			if err != nil {
				b.Fatal(err)
			}
			defer ss.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			b.SetBytes(1000 * int64(len(sm.Data)))
			b.ReportAllocs()
			for b.Loop() {
				for range 1000 {
					if _, err := ss.Send(ctx, sm, nil); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/msg")
		})
	}
}
