// Package redislimit is a sesapi.Limiter shared by every process that sends for one SES account
// and Region: a recipient-weighted GCRA (generic cell rate algorithm) kept in one Redis key and
// updated atomically by a Lua script, with Redis's clock as the one clock of all processes.
//
// SES counts its maximum send rate in recipients per second for the whole account (the delegate's,
// for delegated mail: https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas.html). A
// platform that runs several sender processes against that one quota shares one Limiter through
// Redis:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	lim, err := redislimit.New(rdb, "ses:us-east-1:123456789012", quota.MaxSendRate*0.95, 50)
//	batch := &sesapi.Batch{Transport: sesapi.V1{Client: client}, Limiter: lim}
//
// It lives in its own module so that the library's module graph does not carry a Redis client.
package redislimit

import (
	"context"
	"errors"
	"math"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sesraw/sesraw/sesapi"
)

// ErrDeadline is returned by Wait when ctx's deadline comes before the recipients could be sent;
// nothing was reserved.
var ErrDeadline = errors.New("redislimit: rate limit wait would exceed the context deadline")

// gcra reserves cost·interval of the key's theoretical arrival time (TAT) and returns how long the
// caller must wait, in microseconds, or -1 (nothing reserved) when that is longer than maxWait.
//
// KEYS[1]: the key. ARGV: interval (µs per recipient), burst tolerance (µs), cost (recipients),
// maxWait (µs; negative: no bound). The TAT is kept in µs of Redis's clock (TIME), so all
// processes share one clock; the key expires once the bucket would be full again.
var gcra = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local maxwait = tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local newtat = tat + cost * interval
local wait = newtat - tolerance - now
if wait < 0 then wait = 0 end
if maxwait >= 0 and wait > maxwait then return -1 end
redis.call('SET', KEYS[1], string.format('%.0f', newtat), 'PX', math.ceil((newtat - now) / 1000) + 1000)
return wait
`)

// refund gives back cost·interval of the TAT (a caller that stopped waiting), never below now.
var refund = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local back = tonumber(ARGV[1])
if tat - back < now then back = tat - now end
if back <= 0 then return 0 end
redis.call('SET', KEYS[1], string.format('%.0f', tat - back), 'KEEPTTL')
return back
`)

// Limiter is a sesapi.Limiter whose state is one Redis key. It is safe for concurrent use, in one
// process and across processes that use the same key and settings.
type Limiter struct {
	rdb       redis.Scripter
	key       string
	rate      float64
	burst     int
	interval  float64 // µs per recipient
	tolerance float64 // µs
}

var _ sesapi.Limiter = (*Limiter)(nil)

// New returns a Limiter of perSecond recipients per second with bursts of up to burst recipients,
// kept under key. A message with more recipients than burst still goes out: its caller waits for
// the whole cost. Every process sharing key must use the same perSecond and burst. burst below 1
// is 1.
func New(rdb redis.Scripter, key string, perSecond float64, burst int) (*Limiter, error) {
	if !(perSecond > 0) || math.IsInf(perSecond, 1) {
		return nil, errors.New("redislimit: rate must be positive and finite, got " + strconv.FormatFloat(perSecond, 'g', -1, 64))
	}
	if key == "" {
		return nil, errors.New("redislimit: empty key")
	}
	if burst < 1 {
		burst = 1
	}
	interval := 1e6 / perSecond
	return &Limiter{rdb: rdb, key: key, rate: perSecond, burst: burst, interval: interval, tolerance: float64(burst) * interval}, nil
}

// Wait reserves recipients in the shared bucket and waits until they may be sent. It returns
// ctx.Err() when ctx ends during the wait (the reservation is given back), ErrDeadline when ctx's
// deadline is too early (nothing is reserved), and Redis's error (wrapped) when the script fails.
func (l *Limiter) Wait(ctx context.Context, recipients int) error {
	if recipients <= 0 {
		return ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	maxWait := int64(-1)
	if dl, ok := ctx.Deadline(); ok {
		maxWait = time.Until(dl).Microseconds()
		if maxWait < 0 {
			return ErrDeadline
		}
	}
	args := []any{
		strconv.FormatFloat(l.interval, 'f', 3, 64),
		strconv.FormatFloat(l.tolerance, 'f', 3, 64),
		recipients,
		maxWait,
	}
	wait, err := gcra.Run(ctx, l.rdb, []string{l.key}, args...).Int64()
	if err != nil {
		return errors.New("redislimit: " + err.Error())
	}
	if wait < 0 {
		return ErrDeadline
	}
	if wait == 0 {
		return nil
	}
	t := time.NewTimer(time.Duration(wait) * time.Microsecond)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		back := strconv.FormatFloat(float64(recipients)*l.interval, 'f', 0, 64)
		_ = refund.Run(context.WithoutCancel(ctx), l.rdb, []string{l.key}, back).Err()
		return ctx.Err()
	}
}
