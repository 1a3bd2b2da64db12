package sesapi_test

// The code of the README's delegated-sending examples, compiled here and run against the SES
// emulator and a loopback SMTP server by TestE2EReadmeExamples. Keep the two in step.

import (
	"context"
	"net/mail"
	"net/smtp"

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
func readmeRawV1(ctx context.Context, cfg aws.Config, m *builder.Message) (string, error) {
	s := &sesapi.Sender{Method: sesapi.ByParameters} // or sesapi.ByHeaders: X-SES-* headers in the raw message
	return s.SendRawEmail(ctx, ses.NewFromConfig(cfg), m)
}

// README: SES v1 SendEmail (SES composes the MIME; SourceArn and ReturnPathArn parameters only).
func readmeSendEmailV1(ctx context.Context, cfg aws.Config, m *builder.Message) (string, error) {
	s := &sesapi.Sender{} // m without attachments: SendEmail cannot carry them (ErrUnsupported)
	return s.SendEmail(ctx, ses.NewFromConfig(cfg), m)
}

// README: SES v2 SendEmail with raw content.
func readmeRawV2(ctx context.Context, cfg aws.Config, m *builder.Message) (string, error) {
	s := &sesapi.Sender{} // FromEmailAddressIdentityArn; ByHeaders keeps X-SES-* headers instead
	return s.SendEmailV2(ctx, sesv2.NewFromConfig(cfg), m)
}

// README: the SES SMTP interface (the X-SES-* headers travel in DATA). The README uses
// host = "email-smtp.us-east-1.amazonaws.com" and addr = host + ":587".
func readmeSMTP(m *builder.Message, addr, host, smtpUser, smtpPass string) error {
	msg, err := (&sesapi.Sender{}).SMTPMail("us-east-1", m)
	if err != nil {
		return err
	}
	return smtp.SendMail(addr, smtp.PlainAuth("", smtpUser, smtpPass, host), msg.From, msg.To, msg.Data)
}
