package sesapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/sesapitest"
)

// exampleTime is the fixed time of the examples' SES clock.
var exampleTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// exampleSES starts an in-process SES in which the identity owner (account 123456789012) has
// verified example.com in us-east-1, and returns an SES v1 client of the delegate sender (access
// key AKIDDELEGATE, account 210987654321) pointed at it, without retries.
func exampleSES(o sesapitest.Options) (*sesapitest.Server, *ses.Client, error) {
	o.AccessKeys = map[string]string{"AKIDDELEGATE": "210987654321"}
	o.Identities = []sesapitest.Identity{{Account: "123456789012", Region: "us-east-1", Name: "example.com"}}
	s, err := sesapitest.NewServer(o)
	if err != nil {
		return nil, nil, err
	}
	c := ses.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDDELEGATE", "secret", ""),
		BaseEndpoint: aws.String(s.URL),
		// One attempt per call, so that the test sees SES's answer rather than the SDK's retries.
		RetryMaxAttempts: 1,
	})
	return s, c, nil
}

// A test of a delegated send with the parameter method: SES receives the identity ARNs as
// SendRawEmail parameters, the raw message has no X-SES header, and the Bcc recipient is in the
// envelope (Destinations) only.
func Example_testingYourSenderByParameters() {
	s, client, err := exampleSES(sesapitest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	sender := &sesapi.Sender{Method: sesapi.ByParameters}
	res, err := sender.SendRawEmail(context.Background(), client, exampleMessage())
	if err != nil {
		fmt.Println(err)
		return
	}

	r, _ := s.Record(res.MessageID)
	fmt.Println("caller account:", r.Account)
	fmt.Println("FromArn parameter:", r.Params.FromArn)
	fmt.Println("X-SES header in the raw message:", bytes.Contains(r.Raw, []byte("X-SES-")))
	fmt.Println("SES acts on FromArn:", r.Effective.FromArn)
	fmt.Println("envelope:", r.Envelope.To)
	fmt.Println("Bcc in the raw message:", bytes.Contains(r.Raw, []byte("archive@example.com")))
	// Output:
	// caller account: 210987654321
	// FromArn parameter: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// X-SES header in the raw message: false
	// SES acts on FromArn: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// envelope: [customer@example.net archive@example.com]
	// Bcc in the raw message: false
}

// The header method the other way round: no ARN parameter, the X-SES headers in the raw message,
// which SES removes before delivery.
func Example_testingYourSenderByHeaders() {
	s, client, err := exampleSES(sesapitest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	sender := &sesapi.Sender{Method: sesapi.ByHeaders}
	res, err := sender.SendRawEmail(context.Background(), client, exampleMessage())
	if err != nil {
		fmt.Println(err)
		return
	}

	r, _ := s.Record(res.MessageID)
	fmt.Printf("FromArn parameter: %q\n", r.Params.FromArn)
	fmt.Println("X-SES-FROM-ARN header:", r.XSES.FromArn)
	fmt.Println("X-SES-CONFIGURATION-SET header:", r.XSES.ConfigurationSet)
	fmt.Println("SES acts on FromArn:", r.Effective.FromArn)
	fmt.Println("X-SES header delivered:", bytes.Contains(r.Delivered, []byte("X-SES-")))
	// Output:
	// FromArn parameter: ""
	// X-SES-FROM-ARN header: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// X-SES-CONFIGURATION-SET header: transactional
	// SES acts on FromArn: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// X-SES header delivered: false
}

// A test of how a sender handles throttling: at a maximum sending rate of one recipient per
// second, the second send (two recipients took the only token) is refused as SES refuses it, and
// the error is classified.
func Example_testingYourSenderThrottled() {
	s, client, err := exampleSES(sesapitest.Options{MaxSendRate: 1, Now: sesapitest.NewClock(exampleTime).Now})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	sender := &sesapi.Sender{}
	for range 2 {
		_, err = sender.SendRawEmail(context.Background(), client, exampleMessage())
	}
	var se *sesapi.SendError
	if errors.As(err, &se) {
		fmt.Println(se.Code, se.Message)
	}
	fmt.Println("throttled:", errors.Is(err, sesapi.ErrThrottled), "retryable:", sesapi.IsRetryable(err))
	// Output:
	// Throttling Maximum sending rate exceeded.
	// throttled: true retryable: true
}

// Over SMTP only the header method exists: the X-SES headers travel in DATA and the Bcc
// recipient only in RCPT TO.
func Example_testingYourSenderSMTP() {
	s, _, err := exampleSES(sesapitest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	addr, err := s.StartSMTP(sesapitest.SMTPOptions{Auth: true})
	if err != nil {
		fmt.Println(err)
		return
	}

	m, err := (&sesapi.Sender{}).SMTPMail("us-east-1", exampleMessage())
	if err != nil {
		fmt.Println(err)
		return
	}
	host, _, _ := net.SplitHostPort(addr)
	if err := smtp.SendMail(addr, smtp.PlainAuth("", "AKIDDELEGATE", "smtp-password", host), m.From, m.To, m.Data); err != nil {
		fmt.Println(err)
		return
	}

	r := s.Records()[0]
	fmt.Println("operation:", r.Operation, "account:", r.Account)
	fmt.Println("X-SES-SOURCE-ARN:", r.XSES.SourceArn)
	fmt.Println("RCPT TO:", r.Envelope.To)
	// Output:
	// operation: smtp.DATA account: 210987654321
	// X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// RCPT TO: [customer@example.net archive@example.com]
}
