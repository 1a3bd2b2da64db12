package sesapi

import (
	"context"
	"errors"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/sesraw/sesraw/sesrules"
)

// Limiter paces sending. SES counts its sending quotas in recipients, not messages (a message to
// 30 addresses uses 30 of the account's maximum send rate), so a send calls Wait with the number
// of envelope recipients of the message before the request is made. Wait blocks until that many
// recipients may be sent, or returns an error when ctx is done first (then nothing may be sent).
//
// Delegated mail counts against the quota of the delegate's account, the account whose
// credentials sign the request, not the identity owner's:
// https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-overview.html.
//
// Implementations must be safe for concurrent use: one Limiter is shared by every goroutine (and,
// through a shared store such as the Redis limiter in contrib/redislimit, every process) that
// sends for one account and Region.
type Limiter interface {
	Wait(ctx context.Context, recipients int) error
}

// ErrLimiterDeadline is returned by TokenBucket.Wait when ctx has a deadline that comes before the
// recipients could be sent; the bucket is left as if Wait had not been called.
var ErrLimiterDeadline = errors.New("sesapi: rate limit wait would exceed the context deadline")

// MinBurst is the smallest burst NewTokenBucket uses: one message to the most recipients SES
// accepts (50) goes out without waiting for a bucket that is full.
const MinBurst = sesrules.MaxRecipients

// TokenBucket is a Limiter for one process: a token bucket of recipients that refills at Rate
// recipients per second up to Burst. A Wait for n recipients takes n tokens; when fewer are left
// the bucket goes into debt and the caller waits until the debt is repaid, so a message with more
// recipients than the burst still goes out (after waiting for its whole cost), and callers are
// served in the order they called. Over any interval t, at most Burst + Rate·t recipients pass.
//
// A TokenBucket is safe for concurrent use. Its zero value is not usable; use NewTokenBucket or
// Quota.Limiter.
type TokenBucket struct {
	rate  float64 // tokens per second, > 0
	burst float64

	mu     sync.Mutex
	tokens float64   // may be negative: the debt of callers still waiting
	last   time.Time // when tokens was last brought up to date

	now   func() time.Time                                 // time.Now in production
	sleep func(ctx context.Context, d time.Duration) error // waits d or until ctx is done
}

var _ Limiter = (*TokenBucket)(nil)

// NewTokenBucket returns a full bucket that lets perSecond recipients a second through, with bursts
// of up to burst recipients (burst below MinBurst is raised to MinBurst). perSecond must be
// positive and finite.
func NewTokenBucket(perSecond float64, burst int) (*TokenBucket, error) {
	if !(perSecond > 0) || math.IsInf(perSecond, 1) {
		return nil, errors.New("sesapi: token bucket rate must be positive and finite, got " + strconv.FormatFloat(perSecond, 'g', -1, 64))
	}
	if burst < MinBurst {
		burst = MinBurst
	}
	return &TokenBucket{rate: perSecond, burst: float64(burst), tokens: float64(burst), now: time.Now, sleep: sleepCtx}, nil
}

// Rate returns the refill rate in recipients per second.
func (b *TokenBucket) Rate() float64 { return b.rate }

// Burst returns the bucket's capacity in recipients.
func (b *TokenBucket) Burst() int { return int(b.burst) }

// Wait takes recipients tokens from the bucket, waiting as long as the bucket's debt requires.
// recipients <= 0 returns at once. It returns ctx.Err() if ctx is done before the wait is over
// (the tokens are given back), and ErrLimiterDeadline at once if ctx's deadline is too early.
func (b *TokenBucket) Wait(ctx context.Context, recipients int) error {
	if recipients <= 0 {
		return ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	n := float64(recipients)
	b.mu.Lock()
	now := b.now()
	b.refill(now)
	b.tokens -= n
	var wait time.Duration
	if b.tokens < 0 {
		wait = time.Duration(math.Ceil(-b.tokens / b.rate * float64(time.Second)))
	}
	if dl, ok := ctx.Deadline(); ok && wait > 0 && dl.Before(now.Add(wait)) {
		b.tokens += n
		b.mu.Unlock()
		return ErrLimiterDeadline
	}
	b.mu.Unlock()
	if wait == 0 {
		return nil
	}
	if err := b.sleep(ctx, wait); err != nil {
		// Give the tokens back: nothing is sent for them. Callers that reserved after this one keep
		// their (now slightly pessimistic) wait; the next caller finds the tokens.
		b.mu.Lock()
		b.refill(b.now())
		b.tokens = math.Min(b.tokens+n, b.burst)
		b.mu.Unlock()
		return err
	}
	return nil
}

// refill brings tokens up to now. Called with mu held.
func (b *TokenBucket) refill(now time.Time) {
	if b.last.IsZero() {
		b.last = now
		return
	}
	if d := now.Sub(b.last); d > 0 {
		b.tokens = math.Min(b.burst, b.tokens+d.Seconds()*b.rate)
		b.last = now
	}
}

// sleepCtx waits for d or until ctx is done, whichever comes first, and returns ctx's error in the
// second case (also when d <= 0 and ctx is already done). Every wait of the package goes through it.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Quota is the sending quota of an SES account in one Region, in recipients: the account that
// signs the requests, which for delegated sending is the delegate's
// (https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas.html).
type Quota struct {
	Max24HourSend   float64 // recipients per rolling 24 hours; -1 means unlimited
	MaxSendRate     float64 // recipients per second
	SentLast24Hours float64 // recipients sent in the last 24 hours
}

// Remaining24Hours returns how many recipients the account may still send in the current 24-hour
// window (+Inf when Max24HourSend is negative, meaning unlimited).
func (q Quota) Remaining24Hours() float64 {
	if q.Max24HourSend < 0 {
		return math.Inf(1)
	}
	return math.Max(0, q.Max24HourSend-q.SentLast24Hours)
}

// Limiter returns a TokenBucket at fraction of the account's MaxSendRate (1 for all of it; less to
// leave room for other senders on the account, as some platforms do) with a burst of half a
// second's worth (at least MinBurst). The burst is smaller than the second's worth SES allows so
// that requests reaching SES later than they left the bucket (network and scheduling delays
// differ from request to request) do not find SES's own bucket emptier than this one: over the
// long run the rate is the same.
func (q Quota) Limiter(fraction float64) (*TokenBucket, error) {
	if !(fraction > 0 && fraction <= 1) {
		return nil, errors.New("sesapi: quota fraction must be in (0, 1], got " + strconv.FormatFloat(fraction, 'g', -1, 64))
	}
	r := q.MaxSendRate * fraction
	return NewTokenBucket(r, int(math.Ceil(r/2)))
}

// SendQuotaAPI is the part of *ses.Client that QuotaV1 uses.
type SendQuotaAPI interface {
	GetSendQuota(ctx context.Context, in *ses.GetSendQuotaInput, optFns ...func(*ses.Options)) (*ses.GetSendQuotaOutput, error)
}

// AccountAPI is the part of *sesv2.Client that QuotaV2 uses.
type AccountAPI interface {
	GetAccount(ctx context.Context, in *sesv2.GetAccountInput, optFns ...func(*sesv2.Options)) (*sesv2.GetAccountOutput, error)
}

var (
	_ SendQuotaAPI = (*ses.Client)(nil)
	_ AccountAPI   = (*sesv2.Client)(nil)
)

// QuotaV1 reads the account's quota with SES v1 GetSendQuota
// (https://docs.aws.amazon.com/ses/latest/APIReference/API_GetSendQuota.html).
func QuotaV1(ctx context.Context, c SendQuotaAPI, optFns ...func(*ses.Options)) (Quota, error) {
	out, err := c.GetSendQuota(ctx, &ses.GetSendQuotaInput{}, optFns...)
	if err != nil {
		return Quota{}, classify("GetSendQuota", err)
	}
	q := Quota{Max24HourSend: out.Max24HourSend, MaxSendRate: out.MaxSendRate, SentLast24Hours: out.SentLast24Hours}
	return q, q.check("GetSendQuota")
}

// QuotaV2 reads the account's quota with SES v2 GetAccount (its SendQuota member,
// https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetAccount.html).
func QuotaV2(ctx context.Context, c AccountAPI, optFns ...func(*sesv2.Options)) (Quota, error) {
	out, err := c.GetAccount(ctx, &sesv2.GetAccountInput{}, optFns...)
	if err != nil {
		return Quota{}, classify("sesv2.GetAccount", err)
	}
	if out.SendQuota == nil {
		return Quota{}, errors.New("sesapi: sesv2.GetAccount: the answer has no SendQuota")
	}
	q := Quota{Max24HourSend: out.SendQuota.Max24HourSend, MaxSendRate: out.SendQuota.MaxSendRate, SentLast24Hours: out.SendQuota.SentLast24Hours}
	return q, q.check("sesv2.GetAccount")
}

func (q Quota) check(op string) error {
	if !(q.MaxSendRate > 0) || math.IsInf(q.MaxSendRate, 0) {
		return errors.New("sesapi: " + op + ": MaxSendRate is " + strconv.FormatFloat(q.MaxSendRate, 'g', -1, 64) + ", not a usable rate")
	}
	return nil
}
