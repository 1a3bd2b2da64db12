package sesapitest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	sestypes "github.com/aws/aws-sdk-go-v2/service/ses/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sesv2types "github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/sesraw/sesraw/sesapitest"
)

// clientConfig returns the aws.Config of a client of s: the region whose SES endpoint it plays,
// static credentials (the access key decides the caller's account), BaseEndpoint, one attempt.
func clientConfig(s *sesapitest.Server, accessKey string) aws.Config {
	return aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(accessKey, "secret", ""),
		BaseEndpoint:     aws.String(s.URL),
		RetryMaxAttempts: 1,
	}
}

// A raw message with an X-SES header, sent with a FromArn parameter as well: the record shows both
// and which one SES acts on (the parameter), and the message as delivered (no X-SES header).
func ExampleNewServer() {
	s, err := sesapitest.NewServer(sesapitest.Options{
		AccessKeys: map[string]string{"AKIDDELEGATE": "210987654321"},
		Identities: []sesapitest.Identity{{Account: "123456789012", Region: "us-east-1", Name: "example.com"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	raw := "X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/old.example\r\n" +
		"From: billing@example.com\r\nTo: customer@example.net\r\nSubject: Invoice\r\n\r\nHello.\r\n"
	out, err := ses.NewFromConfig(clientConfig(s, "AKIDDELEGATE")).SendRawEmail(context.Background(), &ses.SendRawEmailInput{
		RawMessage: &sestypes.RawMessage{Data: []byte(raw)},
		FromArn:    aws.String("arn:aws:ses:us-east-1:123456789012:identity/example.com"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	r, _ := s.Record(aws.ToString(out.MessageId))
	fmt.Println(r.Operation, "from account", r.Account, "in", r.Region)
	fmt.Println("parameter:", r.Params.FromArn)
	fmt.Println("header:   ", r.XSES.FromArn)
	fmt.Println("effective:", r.Effective.FromArn)
	fmt.Printf("delivered: %q\n", r.Delivered)
	// Output:
	// v1.SendRawEmail from account 210987654321 in us-east-1
	// parameter: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// header:    arn:aws:ses:us-east-1:123456789012:identity/old.example
	// effective: arn:aws:ses:us-east-1:123456789012:identity/example.com
	// delivered: "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: Invoice\r\n\r\nHello.\r\n"
}

// Throttling on a clock the test moves: a maximum sending rate of 2 recipients per second.
// SES v2 answers HTTP 429 TooManyRequestsException.
func ExampleServer_SetRate() {
	clock := sesapitest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	s, err := sesapitest.NewServer(sesapitest.Options{
		Now:        clock.Now,
		Identities: []sesapitest.Identity{{Account: sesapitest.DefaultAccount, Region: "us-east-1", Name: "example.com"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	s.SetRate(2, 2)

	c := sesv2.NewFromConfig(clientConfig(s, "AKIDEXAMPLE"))
	send := func() {
		_, err := c.SendEmail(context.Background(), &sesv2.SendEmailInput{
			FromEmailAddress: aws.String("billing@example.com"),
			Destination:      &sesv2types.Destination{ToAddresses: []string{"a@example.net", "b@example.net"}},
			Content: &sesv2types.EmailContent{Simple: &sesv2types.Message{
				Subject: &sesv2types.Content{Data: aws.String("Hi")}, Body: &sesv2types.Body{Text: &sesv2types.Content{Data: aws.String("Hi.")}}}},
		})
		var tm *sesv2types.TooManyRequestsException
		var re *awshttp.ResponseError
		if errors.As(err, &tm) && errors.As(err, &re) {
			fmt.Println(re.HTTPStatusCode(), tm.ErrorCode()+":", tm.ErrorMessage())
			return
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("sent")
	}
	send()
	send()
	clock.Advance(time.Second)
	send()
	// Output:
	// sent
	// 429 TooManyRequestsException: Maximum sending rate exceeded.
	// sent
}

// A connection dropped after SES accepted and recorded the message: the client gets an error and
// cannot know whether the message was sent, but the record shows it was.
func ExampleServer_AddFault() {
	s, err := sesapitest.NewServer(sesapitest.Options{Disable: sesapitest.CheckIdentity})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	s.AddFault(sesapitest.Fault{Operation: sesapitest.V1SendRawEmail, Drop: true})

	_, err = ses.NewFromConfig(clientConfig(s, "AKIDEXAMPLE")).SendRawEmail(context.Background(), &ses.SendRawEmailInput{
		RawMessage: &sestypes.RawMessage{Data: []byte("From: a@example.com\r\nTo: b@example.net\r\n\r\nHi.\r\n")},
	})
	fmt.Println("client error:", err != nil)
	fmt.Println("recorded:", len(s.Records()))
	// Output:
	// client error: true
	// recorded: 1
}
