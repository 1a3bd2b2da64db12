package sesapi_test

// The code of the README's delegated-sending examples, compiled here and run against the SES
// emulator and a loopback SMTP server by TestE2EReadmeExamples. Keep the two in step.

import (
	"context"
	"crypto/x509"
	"net/mail"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/xheaders"
)

// readmeMessage is the README's message: the identity owner of example.com authorized your
// account to send as billing@example.com.
func readmeMessage(invoicePDF []byte) *builder.Message {
	m := &builder.Message{
		From:        mail.Address{Name: "Example Billing", Address: "billing@example.com"},
		To:          []mail.Address{{Address: "customer@example.net"}},
		Subject:     "Your invoice",
		Text:        "Your invoice is attached.",
		Attachments: []builder.Attachment{{Filename: "invoice.pdf", Data: invoicePDF}},
	}
	// Sets the source and From identity (SourceArn and FromArn, or X-SES-SOURCE-ARN and X-SES-FROM-ARN).
	m.Delegate(xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com"))
	return m
}

// README: SES v1 SendRawEmail.
func readmeRawV1(ctx context.Context, cfg aws.Config, m *builder.Message) (*sesapi.Result, error) {
	s := &sesapi.Sender{Method: sesapi.ByParameters} // or sesapi.ByHeaders: X-SES-* headers in the raw message
	return s.SendRawEmail(ctx, ses.NewFromConfig(cfg), m)
}

// README: SES v1 SendEmail (SES composes the MIME; SourceArn and ReturnPathArn parameters only).
func readmeSendEmailV1(ctx context.Context, cfg aws.Config, m *builder.Message) (*sesapi.Result, error) {
	s := &sesapi.Sender{} // m without attachments: SendEmail cannot carry them (ErrUnsupported)
	return s.SendEmail(ctx, ses.NewFromConfig(cfg), m)
}

// README: SES v2 SendEmail with raw content.
func readmeRawV2(ctx context.Context, cfg aws.Config, m *builder.Message) (*sesapi.Result, error) {
	s := &sesapi.Sender{} // FromEmailAddressIdentityArn; ByHeaders keeps X-SES-* headers instead
	return s.SendEmailV2(ctx, sesv2.NewFromConfig(cfg), m)
}

// README: the SES SMTP interface (the X-SES-* headers travel in DATA). The README uses
// Addr "email-smtp.us-east-1.amazonaws.com:587" and no RootCAs (the system's roots); the test
// passes a loopback server's address and its self-signed certificate.
func readmeSMTP(ctx context.Context, m *builder.Message, addr string, roots []*x509.Certificate, accessKeyID, secretAccessKey string) (string, error) {
	password, err := sesapi.SMTPPassword(secretAccessKey, "us-east-1") // or: sesraw smtp-password --region us-east-1
	if err != nil {
		return "", err
	}
	ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{
		Addr:     addr,  // STARTTLS on 587 (and 25, 2587); implicit TLS on 465 and 2465
		RootCAs:  roots, // nil for SES: the system's roots
		Username: accessKeyID,
		Password: password,
	})
	if err != nil {
		return "", err
	}
	defer ss.Close()
	msg, err := (&sesapi.Sender{}).SMTPMail("us-east-1", m) // X-SES-SOURCE-ARN and X-SES-FROM-ARN on top of DATA
	if err != nil {
		return "", err
	}
	res, err := ss.Send(ctx, msg, nil)
	if err != nil {
		return "", err // errors.Is(err, sesapi.ErrThrottled), sesapi.ErrUnknownOutcome, ...
	}
	return res.MessageID, nil
}
