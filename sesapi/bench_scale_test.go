package sesapi_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/sesapitest"
)

// BenchmarkSendAtRate sends 1,000 messages of 1 to 50 recipients (25,500 recipients) from 32
// goroutines to the in-process SES allowing 500 recipients per second (about 51 seconds per
// run: run it alone, with -run '^$' -bench SendAtRate -benchtime 1x). It reports the recipient
// rate achieved as a share of the allowed rate (%allowed), the share of requests SES throttled
// (%throttled) and the messages that failed, for three set-ups in the same run:
//
//   - limiter: Batch with a TokenBucket from the account's quota (95% of MaxSendRate);
//   - batch-no-limiter: Batch without a limiter (its retries absorb the throttling);
//   - sdk-default: what a program did before this package had a limiter: 32 goroutines calling
//     Sender.SendRawEmail with the SDK's standard retryer (3 attempts, 500-token retry quota).
func BenchmarkSendAtRate(b *testing.B) {
	const (
		n       = 1000
		allowed = 500.0
		workers = 32
	)
	items := scaleItems(n)
	run := func(b *testing.B, send func(ctx context.Context, srv *sesapitest.Server, v1 *ses.Client, ct *countingTransport) (failed int)) {
		b.ReportAllocs()
		var rate, throttled, failures float64
		for b.Loop() {
			srv := newSES(b, sesapitest.Options{MaxSendRate: allowed})
			v1, _, ct := sesClients(srv)
			start := time.Now()
			failed := send(context.Background(), srv, v1, ct)
			el := time.Since(start)
			recs := srv.Records()
			sent := 0
			for _, r := range recs {
				sent += len(r.Envelope.To)
			}
			req := int(ct.n.Load())
			rate = float64(sent) / el.Seconds() / allowed * 100
			throttled = float64(req-len(recs)) / float64(req) * 100 // every request not accepted was throttled
			failures = float64(failed)
			srv.Close()
		}
		b.ReportMetric(rate, "%allowed")
		b.ReportMetric(throttled, "%throttled")
		b.ReportMetric(failures, "failed")
	}
	b.Run("limiter", func(b *testing.B) {
		run(b, func(ctx context.Context, srv *sesapitest.Server, v1 *ses.Client, _ *countingTransport) int {
			q, err := sesapi.QuotaV1(ctx, v1)
			if err != nil {
				b.Fatal(err)
			}
			lim, err := q.Limiter(0.95)
			if err != nil {
				b.Fatal(err)
			}
			_, sum := (&sesapi.Batch{Transport: sesapi.V1{Client: v1}, Limiter: lim, Concurrency: workers}).SendAll(ctx, items)
			return n - sum.Sent
		})
	})
	b.Run("batch-no-limiter", func(b *testing.B) {
		run(b, func(ctx context.Context, srv *sesapitest.Server, v1 *ses.Client, _ *countingTransport) int {
			_, sum := (&sesapi.Batch{Transport: sesapi.V1{Client: v1}, Concurrency: workers, MaxAttempts: 20}).SendAll(ctx, items)
			return n - sum.Sent
		})
	})
	b.Run("sdk-default", func(b *testing.B) {
		run(b, func(ctx context.Context, srv *sesapitest.Server, _ *ses.Client, ct *countingTransport) int {
			client := ses.NewFromConfig(aws.Config{
				Region:       "us-east-1",
				Credentials:  credentials.NewStaticCredentialsProvider(keyDelegate, "secret", ""),
				BaseEndpoint: aws.String(srv.URL),
				HTTPClient:   &http.Client{Transport: ct},
			}) // the SDK's standard retryer
			var failed atomic.Int64
			var wg sync.WaitGroup
			next := atomic.Int64{}
			s := &sesapi.Sender{}
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
						if _, err := s.SendRawEmail(ctx, client, items[i].Message); err != nil {
							failed.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			return int(failed.Load())
		})
	})
}
