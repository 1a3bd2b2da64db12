package sesapi

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// RetryerOptions configures NewRetryer. The zero value is usable.
type RetryerOptions struct {
	// MaxAttempts is the number of attempts of one request, the first included; 0 means 3 (the
	// SDK's default). 1 turns retries off, as Batch does for its own calls (it retries itself).
	MaxAttempts int
	// MaxBackoff caps the wait between attempts; 0 means the SDK's default (20 s).
	MaxBackoff time.Duration
}

// NewRetryer returns a retryer for the aws-sdk-go-v2 SES v1 and v2 clients that is safe for
// sending mail. Set it on a client with
//
//	ses.NewFromConfig(cfg, func(o *ses.Options) { o.Retryer = sesapi.NewRetryer(sesapi.RetryerOptions{}) })
//
// or for every client of a configuration with config.WithRetryer. It differs from the SDK's
// standard retryer (retry.NewStandard) in three ways:
//
//   - It retries only what IsRetryable allows: throttling ("Maximum sending rate exceeded.", HTTP
//     429) and temporary failures (HTTP 5xx, a connection that could not be made). The standard
//     retryer treats SES's code Throttling as a throttle whatever its text, so it also retries
//     "Daily message quota exceeded." MaxAttempts times, which cannot succeed until the 24-hour
//     window moves.
//   - It never retries a request that may have been written to the connection (the standard
//     retryer retries connection errors such as a reset after the request was sent,
//     smithyhttp.RequestSendError): SES has no idempotency key, so such a retry can deliver the
//     message twice. Those errors are ErrUnknownOutcome.
//   - It has no client-side retry quota (ratelimit.None). The standard retryer's token bucket
//     (500 tokens, 5 per throttled retry) runs dry when a burst of sends is throttled, and every
//     further send then fails at once with "retry quota exceeded" instead of being retried. Pace the
//     sends with a Limiter instead, so that throttling stays rare.
//
// Backoff is the SDK's exponential backoff with full jitter.
func NewRetryer(o RetryerOptions) aws.Retryer {
	return retry.NewStandard(func(so *retry.StandardOptions) {
		if o.MaxAttempts > 0 {
			so.MaxAttempts = o.MaxAttempts
		}
		if o.MaxBackoff > 0 {
			so.MaxBackoff = o.MaxBackoff
		}
		so.RateLimiter = ratelimit.None
		so.Retryables = []retry.IsErrorRetryable{retry.IsErrorRetryableFunc(retryable)}
	})
}

func retryable(err error) aws.Ternary { return aws.BoolTernary(IsRetryable(err)) }
