package sesapi_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/xheaders"
)

// exampleMessage is a message sent as billing@example.com on behalf of the owner of example.com.
func exampleMessage() *builder.Message {
	m := &builder.Message{
		From:    mail.Address{Name: "Example Billing", Address: "billing@example.com"},
		To:      []mail.Address{{Name: "Customer", Address: "customer@example.net"}},
		Bcc:     []mail.Address{{Address: "archive@example.com"}},
		Subject: "Your invoice",
		Text:    "Your invoice is attached.",
	}
	m.Delegate(xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com"))
	m.SES.ConfigurationSet = "transactional"
	return m
}

// sesLines prints the X-SES header lines of a raw message.
func sesLines(raw []byte) {
	for _, line := range strings.Split(string(raw), "\r\n") {
		if line == "" {
			return
		}
		if strings.HasPrefix(line, "X-SES-") {
			fmt.Println(line)
		}
	}
}

// With the header method the authorization travels inside the raw message, at the top of its
// header block, and no ARN parameter is set.
func ExampleSender_RawEmailInput_byHeaders() {
	s := &sesapi.Sender{Method: sesapi.ByHeaders}
	in, err := s.RawEmailInput("us-east-1", exampleMessage())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Source:", aws.ToString(in.Source))
	fmt.Println("Destinations:", in.Destinations)
	fmt.Println("SourceArn, FromArn set:", in.SourceArn != nil, in.FromArn != nil)
	sesLines(in.RawMessage.Data)
	// Output:
	// Source: billing@example.com
	// Destinations: [customer@example.net archive@example.com]
	// SourceArn, FromArn set: false false
	// X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// X-SES-CONFIGURATION-SET: transactional
}

// With the parameter method the same values are API parameters and the raw message carries none
// of their headers, so the two can never disagree.
func ExampleSender_RawEmailInput_byParameters() {
	s := &sesapi.Sender{Method: sesapi.ByParameters}
	in, err := s.RawEmailInput("us-east-1", exampleMessage())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("SourceArn:", aws.ToString(in.SourceArn))
	fmt.Println("FromArn:", aws.ToString(in.FromArn))
	fmt.Println("ConfigurationSetName:", aws.ToString(in.ConfigurationSetName))
	fmt.Println("X-SES headers in the raw message:", bytes.Contains(in.RawMessage.Data, []byte("X-SES-")))
	// Output:
	// SourceArn: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// FromArn: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// ConfigurationSetName: transactional
	// X-SES headers in the raw message: false
}

func ExampleSender_EmailInput() {
	s := &sesapi.Sender{}
	in, err := s.EmailInput("us-east-1", exampleMessage())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Source:", aws.ToString(in.Source))
	fmt.Println("To:", in.Destination.ToAddresses, "Bcc:", in.Destination.BccAddresses)
	fmt.Println("SourceArn:", aws.ToString(in.SourceArn))
	fmt.Println("Subject:", aws.ToString(in.Message.Subject.Data))

	// SendEmail has no header method: asking for it is an error, not a silent drop.
	_, err = (&sesapi.Sender{Method: sesapi.ByHeaders}).EmailInput("us-east-1", exampleMessage())
	fmt.Println(errors.Is(err, sesapi.ErrUnsupported))
	// Output:
	// Source: "Example Billing" <billing@example.com>
	// To: ["Customer" <customer@example.net>] Bcc: [archive@example.com]
	// SourceArn: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// Subject: Your invoice
	// true
}

func ExampleSender_EmailV2Input() {
	s := &sesapi.Sender{}
	in, err := s.EmailV2Input("us-east-1", exampleMessage())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("FromEmailAddress:", aws.ToString(in.FromEmailAddress))
	fmt.Println("FromEmailAddressIdentityArn:", aws.ToString(in.FromEmailAddressIdentityArn))
	fmt.Println("Bcc:", in.Destination.BccAddresses)
	fmt.Println("raw bytes:", len(in.Content.Raw.Data) > 0)
	// Output:
	// FromEmailAddress: billing@example.com
	// FromEmailAddressIdentityArn: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// Bcc: [archive@example.com]
	// raw bytes: true
}

func ExampleSender_SMTPMail() {
	s := &sesapi.Sender{}
	msg, err := s.SMTPMail("us-east-1", exampleMessage())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("MAIL FROM:", msg.From)
	fmt.Println("RCPT TO:", msg.To)
	sesLines(msg.Data)
	// Output:
	// MAIL FROM: billing@example.com
	// RCPT TO: [customer@example.net archive@example.com]
	// X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// X-SES-CONFIGURATION-SET: transactional
}

// The endpoint's region must be the identity's: checked before anything is sent.
func ExampleCheckError() {
	_, err := (&sesapi.Sender{}).RawEmailInput("eu-west-1", exampleMessage())
	fmt.Println(err)
	var ce *sesapi.CheckError
	fmt.Println(errors.Is(err, sesapi.ErrRegionMismatch), errors.As(err, &ce) && ce.Field == "SourceArn")
	// Output:
	// sesapi: SendRawEmail: SourceArn: identity arn:aws:ses:us-east-1:123456789012:identity/example.com is in region us-east-1, but the SES endpoint is in eu-west-1
	// true true
}

// The SES SMTP password for an IAM user's secret access key in one Region (the user name is the
// access key ID). Temporary credentials (access key IDs beginning with ASIA) cannot be used.
func ExampleSMTPPassword() {
	password, err := sesapi.SMTPPassword("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(password)
	fmt.Println(sesapi.IsSMTPRegion("us-east-1"), sesapi.IsTemporaryAccessKeyID("ASIAIOSFODNN7EXAMPLE"))
	// Output:
	// BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9
	// true true
}

// An SMTP reply from SES and what a program should do with it.
func ExampleClassifySMTPReply() {
	for _, r := range []struct {
		code int
		text string
	}{
		{454, "Throttling failure: Maximum sending rate exceeded"},
		{454, "Throttling failure: Daily message quota exceeded"},
		{554, "Access denied: User arn:aws:iam::111122223333:user/u is not authorized to perform ses:SendRawEmail on resource arn:aws:ses:us-east-1:123456789012:identity/example.com"},
	} {
		fmt.Println(sesapi.ClassifySMTPReply(r.code, r.text))
	}
	// Output:
	// sesapi: sending rate exceeded (retry after a pause)
	// sesapi: daily sending quota exceeded (do not retry)
	// sesapi: not authorized to send as this identity
}
