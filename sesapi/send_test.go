package sesapi_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	sestypes "github.com/aws/aws-sdk-go-v2/service/ses/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sesv2types "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"

	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/sesapi"
)

func testSigner(t testing.TB) *dkim.Signer {
	t.Helper()
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	s, err := dkim.NewSigner(dkim.Options{Domain: "example.com", Selector: "s1", Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// noNetwork is an HTTP client that fails the test if the SDK tries to send anything.
type noNetwork struct{ t testing.TB }

func (n noNetwork) Do(r *http.Request) (*http.Response, error) {
	n.t.Errorf("a request was sent although a check failed: %s %s", r.Method, r.URL)
	return nil, errors.New("no network in this test")
}

func config(region, endpoint string, hc aws.HTTPClient) aws.Config {
	return aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDSESRAWTEST", "sesraw-test-secret", ""),
		BaseEndpoint:     aws.String(endpoint),
		HTTPClient:       hc,
		RetryMaxAttempts: 1,
	}
}

// A failed check stops the Send methods before the client sends anything; the region is the
// client's, after the per-call options.
func TestSendChecksBeforeNetwork(t *testing.T) {
	ctx := context.Background()
	s := &sesapi.Sender{Builder: newBuilder()}
	v1 := func(region string) *ses.Client {
		return ses.NewFromConfig(config(region, "http://127.0.0.1:1", noNetwork{t}))
	}
	v2 := func(region string) *sesv2.Client {
		return sesv2.NewFromConfig(config(region, "http://127.0.0.1:1", noNetwork{t}))
	}
	eu := func(o *ses.Options) { o.Region = "eu-west-1" }
	euV2 := func(o *sesv2.Options) { o.Region = "eu-west-1" }
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"SendRawEmail no region", second(s.SendRawEmail(ctx, v1(""), newMessage())), sesapi.ErrNoRegion},
		{"SendRawEmail region", second(s.SendRawEmail(ctx, v1("eu-west-1"), newMessage())), sesapi.ErrRegionMismatch},
		{"SendRawEmail region per call", second(s.SendRawEmail(ctx, v1("us-east-1"), newMessage(), eu)), sesapi.ErrRegionMismatch},
		{"SendEmail no region", second(s.SendEmail(ctx, v1(""), simpleMessage())), sesapi.ErrNoRegion},
		{"SendEmail region per call", second(s.SendEmail(ctx, v1("us-east-1"), simpleMessage(), eu)), sesapi.ErrRegionMismatch},
		{"SendEmail header method", second((&sesapi.Sender{Method: sesapi.ByHeaders}).SendEmail(ctx, v1("us-east-1"), simpleMessage())), sesapi.ErrUnsupported},
		{"SendTemplatedEmail no region", second(s.SendTemplatedEmail(ctx, v1(""), templatedMessage(), sesapi.Template{Name: "t"})), sesapi.ErrNoRegion},
		{"SendTemplatedEmail region", second(s.SendTemplatedEmail(ctx, v1("eu-west-1"), templatedMessage(), sesapi.Template{Name: "t"})), sesapi.ErrRegionMismatch},
		{"SendEmailV2 no region", second(s.SendEmailV2(ctx, v2(""), newMessage())), sesapi.ErrNoRegion},
		{"SendEmailV2 region per call", second(s.SendEmailV2(ctx, v2("us-east-1"), newMessage(), euV2)), sesapi.ErrRegionMismatch},
	} {
		var ce *sesapi.CheckError
		if !errors.Is(c.err, c.want) || !errors.As(c.err, &ce) {
			t.Errorf("%s: %v, want a *sesapi.CheckError matching %v", c.name, c.err, c.want)
		}
	}
}

func second(_ *sesapi.Result, err error) error { return err }

// SES API errors come back wrapped with %w, so errors.As finds the SDK's types. The server here
// answers as SES does (v1: query-protocol XML error, v2: REST-JSON with X-Amzn-ErrorType), and the
// real SDK clients decode the answers.
func TestSendPassesAPIErrorsThrough(t *testing.T) {
	const msg = "Email address is not verified. The following identities failed the check in region US-EAST-1: alice@example.com"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/email/outbound-emails" {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Amzn-ErrorType", "MessageRejected")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"message":"` + msg + `"}`))
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type>` +
			`<Code>MessageRejected</Code><Message>` + msg + `</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`))
	}))
	defer srv.Close()
	ctx := context.Background()
	s := &sesapi.Sender{Builder: newBuilder()}
	v1 := ses.NewFromConfig(config("us-east-1", srv.URL, nil))
	v2 := sesv2.NewFromConfig(config("us-east-1", srv.URL, nil))

	for name, err := range map[string]error{
		"SendRawEmail":       second(s.SendRawEmail(ctx, v1, newMessage())),
		"SendEmail":          second(s.SendEmail(ctx, v1, simpleMessage())),
		"SendTemplatedEmail": second(s.SendTemplatedEmail(ctx, v1, templatedMessage(), sesapi.Template{Name: "t"})),
	} {
		var rejected *sestypes.MessageRejected
		if !errors.As(err, &rejected) || rejected.ErrorMessage() != msg {
			t.Errorf("%s: %v (%T), want a *types.MessageRejected", name, err, err)
		}
		var api smithy.APIError
		if !errors.As(err, &api) || api.ErrorCode() != "MessageRejected" {
			t.Errorf("%s: smithy.APIError not found in %v", name, err)
		}
	}
	err := second(s.SendEmailV2(ctx, v2, newMessage()))
	var rejected *sesv2types.MessageRejected
	if !errors.As(err, &rejected) || rejected.ErrorMessage() != msg {
		t.Errorf("SendEmailV2: %v (%T), want a *types.MessageRejected", err, err)
	}
}
