package sesapitest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/smithy-go"

	"github.com/sesraw/sesraw/sesapitest"
)

const (
	owner    = "111111111111" // the identity owner's account
	delegate = "222222222222" // the delegate sender's account
	keyOwner = "AKIDOWNER"
	keyDel   = "AKIDDELEGATE"

	arnExample = "arn:aws:ses:us-east-1:111111111111:identity/example.com"
	arnEU      = "arn:aws:ses:eu-west-1:111111111111:identity/example.com"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// newServer starts a server with two accounts, example.com verified by the owner in us-east-1 and
// eu-west-1, delegate.example verified by the delegate in us-east-1, and a clock at t0.
func newServer(t testing.TB, o sesapitest.Options) (*sesapitest.Server, *sesapitest.Clock) {
	t.Helper()
	clock := sesapitest.NewClock(t0)
	if o.Now == nil {
		o.Now = clock.Now
	}
	if o.AccessKeys == nil {
		o.AccessKeys = map[string]string{keyOwner: owner, keyDel: delegate}
	}
	o.Identities = append(o.Identities,
		sesapitest.Identity{Account: owner, Region: "us-east-1", Name: "example.com"},
		sesapitest.Identity{Account: owner, Region: "eu-west-1", Name: "example.com"},
		sesapitest.Identity{Account: delegate, Region: "us-east-1", Name: "delegate.example"},
	)
	s, err := sesapitest.NewServer(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clock
}

// awsConfig is the configuration of a client of s: region, the access key's static credentials,
// BaseEndpoint, and no retries (so each call is one request).
func awsConfig(s *sesapitest.Server, region, key string) aws.Config {
	return aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(key, "secret-"+key, ""),
		BaseEndpoint:     aws.String(s.URL),
		RetryMaxAttempts: 1,
	}
}

func v1(s *sesapitest.Server, region, key string) *ses.Client {
	return ses.NewFromConfig(awsConfig(s, region, key))
}

func v2(s *sesapitest.Server, region, key string) *sesv2.Client {
	return sesv2.NewFromConfig(awsConfig(s, region, key))
}

// ctx bounds one request of a test. The bound is generous: a 10 MiB SendRawEmail is SigV4-hashed,
// form-encoded and parsed under the race detector on a 2-core machine, which took 18 s in a loaded
// run; the bound only has to catch a hang.
func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

// apiError returns the code and message of an API error, or fails the test.
func apiError(t testing.TB, err error) (code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T) is not an API error", err, err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

// rawMessage is a delegated message with duplicated X-SES headers (SES reads the first).
const rawMessage = "X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:111111111111:identity/example.com\r\n" +
	"X-SES-FROM-ARN: arn:aws:ses:us-east-1:111111111111:identity/example.com\r\n" +
	"X-SES-CONFIGURATION-SET: fromheader\r\n" +
	"X-SES-MESSAGE-TAGS: campaign=spring, tenant=acme\r\n" +
	"X-SES-FROM-ARN: arn:aws:ses:us-east-1:999999999999:identity/second.example\r\n" +
	"From: Alice <alice@example.com>\r\n" +
	"To: Bob <bob@example.net>\r\n" +
	"Cc: carol@example.org\r\n" +
	"Subject: Hello\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"\r\n" +
	"Hi Bob.\r\n"

// plainMessage has no X-SES header.
const plainMessage = "From: Alice <alice@example.com>\r\n" +
	"To: Bob <bob@example.net>\r\n" +
	"Subject: Hello\r\n" +
	"\r\n" +
	"Hi Bob.\r\n"
