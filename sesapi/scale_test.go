package sesapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/sesapitest"
	"github.com/sesraw/sesraw/xheaders"
)

// The identity owner's account and the delegate's (the one whose keys sign, and whose quota
// counts).
const (
	ownerAccount = "111111111111"
	keyDelegate  = "AKIDDELEGATE"
	seqHeader    = "X-Test-Seq"
)

var arnOwner = xheaders.MustParseARN("arn:aws:ses:us-east-1:111111111111:identity/example.com")

// newSES starts an in-process SES in which the owner verified example.com in us-east-1.
func newSES(t testing.TB, o sesapitest.Options) *sesapitest.Server {
	t.Helper()
	o.AccessKeys = map[string]string{keyDelegate: sesapitest.DefaultAccount}
	o.Identities = append(o.Identities, sesapitest.Identity{Account: ownerAccount, Region: "us-east-1", Name: "example.com"})
	s, err := sesapitest.NewServer(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// countingTransport counts the HTTP requests a client makes.
type countingTransport struct {
	n    atomic.Int64
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// sesClients returns v1 and v2 clients of s and the counter of their requests.
func sesClients(s *sesapitest.Server) (*ses.Client, *sesv2.Client, *countingTransport) {
	ct := &countingTransport{next: http.DefaultTransport}
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(keyDelegate, "secret", ""),
		BaseEndpoint: aws.String(s.URL),
		HTTPClient:   &http.Client{Transport: ct},
	}
	return ses.NewFromConfig(cfg), sesv2.NewFromConfig(cfg), ct
}

// scaleMessage is message i of a batch: from example.com (delegated), to n recipients, with its
// sequence number in a header so the server's records show duplicates.
func scaleMessage(i, n int) *builder.Message {
	m := &builder.Message{
		From:    mail.Address{Address: "news@example.com"},
		Subject: "Message " + strconv.Itoa(i),
		Text:    "Hello.",
		Headers: []builder.Header{{Name: seqHeader, Value: strconv.Itoa(i)}},
	}
	for r := 0; r < n; r++ {
		m.To = append(m.To, mail.Address{Address: "r" + strconv.Itoa(r) + "-" + strconv.Itoa(i) + "@example.net"})
	}
	m.Delegate(arnOwner)
	return m
}

// recipients is the number of recipients of message i of a test batch: 1 to 50, spread evenly.
func recipients(i int) int { return 1 + (i*37)%50 }

func scaleItems(n int) []sesapi.Item {
	items := make([]sesapi.Item, n)
	for i := range items {
		items[i] = sesapi.Item{Name: "m" + strconv.Itoa(i), Message: scaleMessage(i, recipients(i))}
	}
	return items
}

// seqCounts counts the server's records per sequence number.
func seqCounts(t testing.TB, s *sesapitest.Server) map[int]int {
	t.Helper()
	counts := map[int]int{}
	for _, r := range s.Records() {
		msg, err := mail.ReadMessage(bytes.NewReader(r.Raw))
		if err != nil {
			t.Fatalf("record %s: %v", r.MessageID, err)
		}
		i, err := strconv.Atoi(msg.Header.Get(seqHeader))
		if err != nil {
			t.Fatalf("record %s: %s: %v", r.MessageID, seqHeader, err)
		}
		counts[i]++
	}
	return counts
}

func transports(v1 *ses.Client, v2 *sesv2.Client) map[string]sesapi.Transport {
	return map[string]sesapi.Transport{"v1": sesapi.V1{Client: v1}, "v2": sesapi.V2{Client: v2}}
}

// 200 messages of 1 to 50 recipients from 32 goroutines, to an SES enforcing 1,000 recipients per
// second, paced by a limiter set from the account's quota as SES reports it: none fails, none is
// sent twice, at most 5% of the requests are throttled.
func TestBatchWithinRate(t *testing.T) {
	for _, api := range []string{"v1", "v2"} {
		t.Run(api, func(t *testing.T) {
			srv := newSES(t, sesapitest.Options{MaxSendRate: 1000})
			v1, v2, ct := sesClients(srv)
			var q sesapi.Quota
			var err error
			if api == "v1" {
				q, err = sesapi.QuotaV1(context.Background(), v1)
			} else {
				q, err = sesapi.QuotaV2(context.Background(), v2)
			}
			if err != nil || q.MaxSendRate != 1000 {
				t.Fatalf("quota %+v, %v", q, err)
			}
			// 95%: requests reach SES a variable while after they leave the limiter (more so under
			// the race detector on a loaded machine), so a little headroom keeps throttling rare.
			lim, err := q.Limiter(0.95)
			if err != nil {
				t.Fatal(err)
			}
			ct.n.Store(0)
			b := &sesapi.Batch{Transport: transports(v1, v2)[api], Limiter: lim, Concurrency: 32}
			out, sum := b.SendAll(context.Background(), scaleItems(200))
			for _, o := range out {
				if o.Err != nil {
					t.Errorf("%s: %v", o.Name, o.Err)
				}
				if o.Result == nil || o.Result.MessageID == "" || o.Result.RequestID == "" {
					t.Errorf("%s: result %+v", o.Name, o.Result)
				}
			}
			counts := seqCounts(t, srv)
			for i := 0; i < 200; i++ {
				if counts[i] != 1 {
					t.Errorf("message %d recorded %d times", i, counts[i])
				}
			}
			throttled := sum.Requests - sum.Sent
			if int64(sum.Requests) != ct.n.Load() {
				t.Errorf("batch counts %d requests, the HTTP client made %d", sum.Requests, ct.n.Load())
			}
			if sum.Sent != 200 || throttled*100 > sum.Requests*5 {
				t.Errorf("sent %d, %d of %d requests throttled (want at most 5%%)", sum.Sent, throttled, sum.Requests)
			}
			t.Logf("%s: %d requests, %d throttled", api, sum.Requests, throttled)
		})
	}
}

// The daily quota runs out in the middle of a batch: every message not sent is reported as
// quota-exceeded, and no message costs more than one request.
func TestBatchDailyQuota(t *testing.T) {
	for _, api := range []string{"v1", "v2"} {
		t.Run(api, func(t *testing.T) {
			srv := newSES(t, sesapitest.Options{Max24HourSend: 500})
			v1, v2, ct := sesClients(srv)
			b := &sesapi.Batch{Transport: transports(v1, v2)[api], Concurrency: 4}
			items := make([]sesapi.Item, 100)
			for i := range items {
				items[i] = sesapi.Item{Message: scaleMessage(i, 10)}
			}
			out, sum := b.SendAll(context.Background(), items)
			sent, quota := 0, 0
			for _, o := range out {
				switch {
				case o.Err == nil:
					sent++
				case errors.Is(o.Err, sesapi.ErrDailyQuota) && o.Class() == sesapi.ClassRefused:
					quota++
				default:
					t.Errorf("message %d: %v", o.Index, o.Err)
				}
				if o.Attempts > 1 {
					t.Errorf("message %d: %d requests", o.Index, o.Attempts)
				}
			}
			if sent != 50 || quota != 50 || len(srv.Records()) != 50 {
				t.Errorf("sent %d, quota-exceeded %d, server records %d; want 50, 50, 50", sent, quota, len(srv.Records()))
			}
			if n := ct.n.Load(); n != int64(sum.Requests) || n > 100 {
				t.Errorf("%d HTTP requests (batch counts %d) for 100 messages", n, sum.Requests)
			}
			t.Logf("%s: %d requests for 50 sent and 50 refused messages", api, ct.n.Load())
		})
	}
}

// A connection dropped after SES accepted the request: the message is reported as unknown
// outcome, not retried, and SES has it exactly once.
func TestBatchDroppedConnection(t *testing.T) {
	for _, api := range []string{"v1", "v2"} {
		t.Run(api, func(t *testing.T) {
			srv := newSES(t, sesapitest.Options{})
			v1, v2, _ := sesClients(srv)
			srv.AddFault(sesapitest.Fault{Drop: true})
			b := &sesapi.Batch{Transport: transports(v1, v2)[api], Concurrency: 1}
			out, sum := b.SendAll(context.Background(), scaleItems(5))
			if !errors.Is(out[0].Err, sesapi.ErrUnknownOutcome) || out[0].Class() != sesapi.ClassUnknown || out[0].Attempts != 1 {
				t.Errorf("dropped: %+v", out[0])
			}
			for _, o := range out[1:] {
				if o.Err != nil {
					t.Errorf("%s: %v", o.Name, o.Err)
				}
			}
			if sum.Unknown != 1 || sum.Sent != 4 || sum.Requests != 5 {
				t.Errorf("summary %+v", sum)
			}
			for i, n := range seqCounts(t, srv) {
				if n != 1 {
					t.Errorf("message %d recorded %d times", i, n)
				}
			}
			if len(srv.Records()) != 5 {
				t.Errorf("%d records, want 5", len(srv.Records()))
			}
		})
	}
}

// Throttling beyond the retries, and retries that succeed, without a limiter.
func TestBatchRetriesThrottling(t *testing.T) {
	srv := newSES(t, sesapitest.Options{})
	v1, _, _ := sesClients(srv)
	srv.AddFault(sesapitest.Fault{Status: 503, Count: 2})
	var progress []sesapi.Progress
	b := &sesapi.Batch{Transport: sesapi.V1{Client: v1}, Concurrency: 1, BaseDelay: 1, MaxDelay: 1,
		Progress: func(p sesapi.Progress) { progress = append(progress, p) }}
	out, sum := b.SendAll(context.Background(), scaleItems(3))
	if out[0].Err != nil || out[0].Attempts != 3 || sum.Sent != 3 || sum.Requests != 5 {
		t.Errorf("first %+v, summary %+v", out[0], sum)
	}
	if len(progress) != 3 || progress[2].Done != 3 || progress[2].Sent != 3 || progress[2].Total != 3 {
		t.Errorf("progress %+v", progress)
	}
	srv.AddFault(sesapitest.Fault{Status: 500, Count: -1})
	b.MaxAttempts = 2
	out, _ = b.SendAll(context.Background(), scaleItems(1))
	if !errors.Is(out[0].Err, sesapi.ErrTemporary) || out[0].Attempts != 2 {
		t.Errorf("persistent 500: %+v", out[0])
	}
}

// A canceled batch starts nothing new; what never started is not-sent; what was in flight
// finishes.
func TestBatchCanceled(t *testing.T) {
	srv := newSES(t, sesapitest.Options{})
	v1, _, ct := sesClients(srv)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	b := &sesapi.Batch{Transport: sesapi.V1{Client: v1}, Concurrency: 1, Progress: func(p sesapi.Progress) {
		if n++; n == 2 {
			cancel()
		}
	}}
	out, sum := b.SendAll(ctx, scaleItems(10))
	// The message in flight when cancel is called still gets its answer.
	if sum.Sent < 2 || sum.Sent > 3 || sum.Sent+sum.NotSent != 10 || sum.Unknown != 0 || int64(sum.Requests) != ct.n.Load() {
		t.Errorf("summary %+v, %d requests", sum, ct.n.Load())
	}
	for _, o := range out[sum.Sent:] {
		if !errors.Is(o.Err, sesapi.ErrNotSent) || !errors.Is(o.Err, context.Canceled) || o.Class() != sesapi.ClassNotSent {
			t.Errorf("%d: %v", o.Index, o.Err)
		}
	}
}

// A message that fails its checks is reported at once and costs no request.
func TestBatchRefusedBeforeSending(t *testing.T) {
	srv := newSES(t, sesapitest.Options{})
	v1, v2, ct := sesClients(srv)
	for api, tr := range transports(v1, v2) {
		m := scaleMessage(0, 51)
		eu := scaleMessage(1, 1)
		eu.Delegate(xheaders.MustParseARN("arn:aws:ses:eu-west-1:111111111111:identity/example.com"))
		out, sum := (&sesapi.Batch{Transport: tr}).SendAll(context.Background(), []sesapi.Item{{Message: m}, {Message: eu}, {}})
		if !errors.Is(out[0].Err, sesapi.ErrTooManyRecipients) || !errors.Is(out[1].Err, sesapi.ErrRegionMismatch) ||
			!errors.Is(out[2].Err, sesapi.ErrUnsupported) || sum.Refused != 3 || sum.Requests != 0 {
			t.Errorf("%s: %v; %v; %v; %+v", api, out[0].Err, out[1].Err, out[2].Err, sum)
		}
	}
	if ct.n.Load() != 0 {
		t.Errorf("%d requests", ct.n.Load())
	}
}

// v1 SendTemplatedEmail end to end: SES renders the template; the delegation travels as
// SourceArn.
func TestBatchTemplatedV1(t *testing.T) {
	srv := newSES(t, sesapitest.Options{})
	srv.AddTemplate(sesapitest.Template{Name: "welcome", Subject: "Welcome {{name}}", Text: "Hello {{name}}."})
	v1, _, _ := sesClients(srv)
	m := scaleMessage(0, 2)
	m.Subject, m.Text, m.Headers = "", "", nil
	out, _ := (&sesapi.Batch{Transport: sesapi.V1{Client: v1}}).SendAll(context.Background(), []sesapi.Item{
		{Message: m, Template: &sesapi.Template{Name: "welcome", Data: `{"name":"Ann"}`}},
	})
	if out[0].Err != nil {
		t.Fatal(out[0].Err)
	}
	r, ok := srv.Record(out[0].Result.MessageID)
	if !ok || r.Operation != sesapitest.V1SendTemplatedEmail || r.Params.SourceArn != arnOwner.String() ||
		!bytes.Contains(r.Delivered, []byte("Subject: Welcome Ann")) || !bytes.Contains(r.Delivered, []byte("Hello Ann.")) {
		t.Errorf("record %+v\n%s", r.Params, r.Delivered)
	}
	if _, ok := out[0].Result.Output.(*ses.SendTemplatedEmailOutput); !ok {
		t.Errorf("Output %T", out[0].Result.Output)
	}
}

func ExampleBatch() {
	srv, err := sesapitest.NewServer(sesapitest.Options{
		MaxSendRate: 100,
		Identities:  []sesapitest.Identity{{Account: sesapitest.DefaultAccount, Region: "us-east-1", Name: "example.com"}},
	})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client := ses.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String(srv.URL), // a real client leaves this out
	})

	ctx := context.Background()
	quota, err := sesapi.QuotaV1(ctx, client) // the sending account's quota, in recipients
	if err != nil {
		panic(err)
	}
	limiter, err := quota.Limiter(1) // all of MaxSendRate; less leaves room for other senders
	if err != nil {
		panic(err)
	}
	batch := &sesapi.Batch{Transport: sesapi.V1{Client: client}, Limiter: limiter, Concurrency: 16}
	var items []sesapi.Item
	for i := 0; i < 3; i++ {
		items = append(items, sesapi.Item{Name: "welcome-" + strconv.Itoa(i), Message: &builder.Message{
			From:    mail.Address{Address: "news@example.com"},
			To:      []mail.Address{{Address: "reader" + strconv.Itoa(i) + "@example.net"}},
			Subject: "Welcome",
			Text:    "Hello.",
		}})
	}
	outcomes, sum := batch.SendAll(ctx, items)
	for _, o := range outcomes {
		fmt.Println(o.Name, o.Class(), o.Result.MessageID != "")
	}
	fmt.Printf("sent %d, refused %d, unknown %d\n", sum.Sent, sum.Refused, sum.Unknown)
	// Output:
	// welcome-0 sent true
	// welcome-1 sent true
	// welcome-2 sent true
	// sent 3, refused 0, unknown 0
}
