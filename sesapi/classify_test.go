package sesapi_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	sestypes "github.com/aws/aws-sdk-go-v2/service/ses/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sesv2types "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"

	"github.com/sesraw/sesraw/sesapi"
)

// answer is what the test endpoint answers: an SES error in the protocol of the request (v1
// Query/XML, v2 REST/JSON), a dropped connection, or a 200 whose body cannot be read.
type answer struct {
	code    string
	message string
	status  int
	drop    bool // read the request, then close the connection without an answer
	garbage bool // 200 with a body that is not SES's
}

// answerServer is an HTTP endpoint on loopback that answers every request with *a, the way SES
// does, and counts the requests.
type answerServer struct {
	*httptest.Server
	a        atomic.Pointer[answer]
	requests atomic.Int64
}

func newAnswerServer(t *testing.T) *answerServer {
	s := &answerServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		io.Copy(io.Discard, r.Body)
		a := s.a.Load()
		v2 := strings.HasPrefix(r.URL.Path, "/v2/")
		switch {
		case a.drop:
			c, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				c.Close()
			}
			return
		case a.garbage:
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(200)
			io.WriteString(w, "<SendRawEmailResponse><SendRawEmailResult><MessageId>")
			return
		}
		w.Header().Set("X-Amzn-Requestid", "req-"+strconv.FormatInt(s.requests.Load(), 10))
		if v2 {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Amzn-Errortype", a.code)
			w.WriteHeader(a.status)
			io.WriteString(w, `{"message":`+strconv.Quote(a.message)+`}`)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(a.status)
		io.WriteString(w, `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>`+
			a.code+`</Code><Message>`+xmlEscape(a.message)+`</Message></Error><RequestId>req-body</RequestId></ErrorResponse>`)
	}))
	t.Cleanup(s.Close)
	return s
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "'", "&apos;").Replace(s)
}

func testClients(url string, retryer aws.Retryer) (*ses.Client, *sesv2.Client) {
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String(url),
		Retryer:      func() aws.Retryer { return retryer },
	}
	return ses.NewFromConfig(cfg), sesv2.NewFromConfig(cfg)
}

func sendBoth(ctx context.Context, v1 *ses.Client, v2 *sesv2.Client) (error, error) {
	raw := []byte("From: a@example.com\r\nTo: b@example.net\r\nSubject: s\r\n\r\nbody\r\n")
	_, err1 := v1.SendRawEmail(ctx, &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: raw}})
	_, err2 := v2.SendEmail(ctx, &sesv2.SendEmailInput{Content: &sesv2types.EmailContent{Raw: &sesv2types.RawMessage{Data: raw}}})
	return err1, err2
}

// Each outcome category, from SES's real codes and texts, through the real SDK clients: v1
// (Query/XML) and v2 (REST/JSON) answers are parsed by the SDK, then classified.
func TestClassifyAnswers(t *testing.T) {
	const notAuth = "User `arn:aws:iam::111122223333:user/delegate' is not authorized to perform `ses:SendRawEmail' on resource `arn:aws:ses:us-east-1:123456789012:identity/example.com'"
	const notVerified = "Email address is not verified. The following identities failed the check in region US-EAST-1: billing@example.com"
	cases := []struct {
		name   string
		v1, v2 answer
		want   error
	}{
		{"rate", answer{code: "Throttling", message: "Maximum sending rate exceeded.", status: 400},
			answer{code: "TooManyRequestsException", message: "Maximum sending rate exceeded.", status: 429}, sesapi.ErrThrottled},
		{"daily quota", answer{code: "Throttling", message: "Daily message quota exceeded.", status: 400},
			answer{code: "TooManyRequestsException", message: "Daily message quota exceeded.", status: 429}, sesapi.ErrDailyQuota},
		{"daily quota, v2 LimitExceeded", answer{code: "Throttling", message: "Daily message quota exceeded.", status: 400},
			answer{code: "LimitExceededException", message: "Daily message quota exceeded.", status: 400}, sesapi.ErrDailyQuota},
		{"not authorized", answer{code: "AccessDenied", message: notAuth, status: 403},
			answer{code: "AccessDeniedException", message: notAuth, status: 403}, sesapi.ErrNotAuthorized},
		{"not verified", answer{code: "MessageRejected", message: notVerified, status: 400},
			answer{code: "MessageRejected", message: notVerified, status: 400}, sesapi.ErrIdentityNotVerified},
		{"address not aligned", answer{code: "InvalidParameterValue", message: "The address 'Billing <billing@example.com>' does not align with the given ARN 'arn:aws:ses:us-east-1:123456789012:identity/billing@example.com'.", status: 400},
			answer{code: "BadRequestException", message: "The address 'Billing <billing@example.com>' does not align with the given ARN 'arn:aws:ses:us-east-1:123456789012:identity/billing@example.com'.", status: 400}, sesapi.ErrAddressNotAligned},
		{"duplicate DKIM-Signature", answer{code: "InvalidParameterValue", message: "Duplicate header 'DKIM-Signature'.", status: 400},
			answer{code: "BadRequestException", message: "Duplicate header 'DKIM-Signature'.", status: 400}, sesapi.ErrDuplicateDKIM},
		{"too long", answer{code: "InvalidParameterValue", message: "Message length is more than 10485760 bytes long: '10485761'.", status: 400},
			answer{code: "BadRequestException", message: "Message length is more than 41943040 bytes long: '41943041'.", status: 400}, sesapi.ErrMessageTooLong},
		{"missing domain", answer{code: "InvalidParameterValue", message: "Missing final '@domain'", status: 400},
			answer{code: "BadRequestException", message: "Missing final '@domain'", status: 400}, sesapi.ErrInvalidAddress},
		{"control in local part", answer{code: "InvalidParameterValue", message: "Local address contains control or whitespace", status: 400},
			answer{code: "BadRequestException", message: "Local address contains control or whitespace", status: 400}, sesapi.ErrInvalidAddress},
		{"illegal address", answer{code: "InvalidParameterValue", message: "Illegal address", status: 400},
			answer{code: "BadRequestException", message: "Illegal address", status: 400}, sesapi.ErrInvalidAddress},
		{"sending paused", answer{code: "AccountSendingPausedException", message: "Account sending paused.", status: 400},
			answer{code: "SendingPausedException", message: "Sending is paused for this account.", status: 400}, sesapi.ErrSendingPaused},
		{"configuration set missing", answer{code: "ConfigurationSetDoesNotExist", message: "Configuration set <transactional> does not exist.", status: 400},
			answer{code: "NotFoundException", message: "Configuration set <transactional> does not exist.", status: 404}, sesapi.ErrConfigurationSetMissing},
		{"bad credentials", answer{code: "InvalidClientTokenId", message: "The security token included in the request is invalid.", status: 403},
			answer{code: "UnrecognizedClientException", message: "The security token included in the request is invalid.", status: 403}, sesapi.ErrBadCredentials},
		{"internal failure", answer{code: "InternalFailure", message: "The request processing has failed because of an unknown error, exception or failure.", status: 500},
			answer{code: "InternalFailure", message: "The request processing has failed because of an unknown error, exception or failure.", status: 500}, sesapi.ErrTemporary},
		{"other rejection", answer{code: "MessageRejected", message: "Recipient count exceeds 50.", status: 400},
			answer{code: "BadRequestException", message: "Recipient count exceeds 50.", status: 400}, sesapi.ErrRejected},
		{"dropped after the request", answer{drop: true}, answer{drop: true}, sesapi.ErrUnknownOutcome},
		{"unreadable 200", answer{garbage: true}, answer{garbage: true}, sesapi.ErrUnknownOutcome},
	}
	srv := newAnswerServer(t)
	v1, v2 := testClients(srv.URL, aws.NopRetryer{})
	for _, c := range cases {
		srv.a.Store(&c.v1)
		err1, _ := sendBoth(context.Background(), v1, v2)
		srv.a.Store(&c.v2)
		_, err2 := sendBoth(context.Background(), v1, v2)
		for api, err := range map[string]error{"v1": err1, "v2": err2} {
			if got := sesapi.Classify(err); got != c.want {
				t.Errorf("%s %s: Classify(%v) = %v, want %v", c.name, api, err, got, c.want)
			}
			if c.v1.drop || c.v1.garbage {
				continue
			}
			var api2 smithy.APIError
			if !errors.As(err, &api2) {
				t.Errorf("%s %s: the SDK did not parse an API error: %v", c.name, api, err)
			}
		}
	}
	// A connection that cannot be made reached nobody: temporary, safe to retry.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	v1c, v2c := testClients("http://"+addr, aws.NopRetryer{})
	err1, err2 := sendBoth(context.Background(), v1c, v2c)
	for _, err := range []error{err1, err2} {
		if got := sesapi.Classify(err); got != sesapi.ErrTemporary {
			t.Errorf("refused connection: Classify(%v) = %v, want ErrTemporary", err, got)
		}
	}
}

// The retryer of NewRetryer retries throttling and temporary failures only: the daily quota, a
// rejection and a request whose answer was lost are sent once.
func TestNewRetryer(t *testing.T) {
	srv := newAnswerServer(t)
	v1, v2 := testClients(srv.URL, sesapi.NewRetryer(sesapi.RetryerOptions{MaxAttempts: 3, MaxBackoff: 1}))
	for _, c := range []struct {
		a    answer
		want int64 // requests per send
	}{
		{answer{code: "Throttling", message: "Maximum sending rate exceeded.", status: 400}, 3},
		{answer{code: "InternalFailure", message: "x", status: 500}, 3},
		{answer{code: "Throttling", message: "Daily message quota exceeded.", status: 400}, 1},
		{answer{code: "MessageRejected", message: "Email address is not verified.", status: 400}, 1},
		{answer{drop: true}, 1},
	} {
		srv.a.Store(&c.a)
		srv.requests.Store(0)
		err1, err2 := sendBoth(context.Background(), v1, v2)
		if n := srv.requests.Load(); n != 2*c.want {
			t.Errorf("%+v: %d requests for a v1 and a v2 send, want %d (errors %v; %v)", c.a, n, 2*c.want, err1, err2)
		}
	}
}

func TestSendErrorText(t *testing.T) {
	srv := newAnswerServer(t)
	srv.a.Store(&answer{code: "Throttling", message: "Daily message quota exceeded.", status: 400})
	v1, _ := testClients(srv.URL, aws.NopRetryer{})
	s := &sesapi.Sender{}
	_, err := s.SendRawEmail(context.Background(), v1, exampleMessage())
	var se *sesapi.SendError
	if !errors.As(err, &se) || !errors.Is(err, sesapi.ErrDailyQuota) {
		t.Fatalf("SendRawEmail: %v", err)
	}
	if se.Code != "Throttling" || se.StatusCode != 400 || se.RequestID == "" || se.Op != "SendRawEmail" {
		t.Errorf("SendError %+v", se)
	}
	want := "sesapi: SendRawEmail: daily sending quota exceeded (do not retry): Throttling: Daily message quota exceeded. (request id " + se.RequestID + ")"
	if se.Error() != want {
		t.Errorf("Error() = %q, want %q", se.Error(), want)
	}
}
