package sesapi

import (
	"context"
	"errors"
	"iter"
	"math/rand/v2"
	"sync"
	"time"
)

// Batch sends many messages concurrently through one Transport, paced by a Limiter, and reports
// one Outcome per message.
//
//   - At most Concurrency messages are in flight; each is prepared (checked and built) by the
//     goroutine that sends it, then waits on the Limiter for its recipients, then is sent.
//   - A message SES refuses with a retryable category (ErrThrottled, ErrTemporary) is sent again
//     after a backoff with jitter, up to MaxAttempts, waiting on the Limiter before each attempt.
//     Every other outcome is final.
//   - A message whose outcome is unknown (ErrUnknownOutcome: the request may have reached SES) is
//     reported as such and never sent again: SES has no idempotency key.
//   - Once SES reports the daily quota exhausted (ErrDailyQuota), no further request is made:
//     every message not yet sent is reported with an error that matches ErrDailyQuota and
//     ErrNotSent.
//   - When ctx is done, no new message starts; messages waiting on the Limiter or a backoff stop
//     with an error matching ErrNotSent and ctx.Err(). Requests already in flight are not
//     canceled (a request canceled in flight may have reached SES, and its outcome would be
//     unknown): they run to their answer, bounded by RequestTimeout.
//
// A Batch is safe for concurrent use; Run may be called by several goroutines at once (they then
// share the Limiter but not the daily-quota stop).
type Batch struct {
	Sender    *Sender   // nil means a zero Sender
	Transport Transport // V1, V2, or an SMTP transport
	// Limiter paces the sends by recipients; nil sends as fast as Concurrency allows (SES then
	// throttles what exceeds the account's maximum send rate, and the retries absorb it).
	Limiter Limiter
	// Concurrency is the number of messages in flight; 0 means 8.
	Concurrency int
	// MaxAttempts is the number of attempts per message for retryable outcomes; 0 means 4, 1 turns
	// retries off.
	MaxAttempts int
	// BaseDelay and MaxDelay shape the backoff between attempts: the n-th retry waits a random
	// duration in [d/2, d] with d = min(MaxDelay, BaseDelay·2^(n-1)); a throttled retry waits at
	// least one second's worth (d >= 1 s), as SES's rate is per second. 0 means 100 ms and 10 s.
	BaseDelay, MaxDelay time.Duration
	// RequestTimeout bounds each request (each attempt); 0 means 1 minute. A request that times
	// out may have reached SES: its outcome is ErrUnknownOutcome.
	RequestTimeout time.Duration
	// Progress, when not nil, is called after each message's outcome, from one goroutine at a
	// time, in the order outcomes become known.
	Progress func(Progress)
}

// Outcome is the result of one message of a batch.
type Outcome struct {
	Index      int    // position of the message in the input, from 0
	Name       string // Item.Name
	Recipients int    // envelope recipients (0 when the message failed its checks)
	Attempts   int    // requests made to SES (0: none was made)
	Result     *Result
	// Err is nil when SES accepted the message; else a *CheckError, *SizeError or *PreflightError
	// (refused before sending), or an error whose outcome category Classify returns (a *SendError).
	Err error
}

// Outcome classes, as Class returns them.
const (
	ClassSent    = "sent"    // SES accepted the message
	ClassRefused = "refused" // a check, a policy or SES refused it; it was not sent
	ClassUnknown = "unknown" // the request may have reached SES; it may have been sent
	ClassNotSent = "not-sent"
)

// Class sorts the outcome into ClassSent, ClassRefused (a pre-send check or SES refused it, the
// daily quota and throttling that outlasted the retries included), ClassUnknown
// (ErrUnknownOutcome) or ClassNotSent (stopped before a request was made, e.g. canceled).
func (o *Outcome) Class() string { return ClassOf(o.Err) }

// ClassOf is Outcome.Class for an error of a send.
func ClassOf(err error) string {
	switch {
	case err == nil:
		return ClassSent
	case errors.Is(err, ErrUnknownOutcome):
		return ClassUnknown
	case errors.Is(err, ErrDailyQuota):
		return ClassRefused
	case errors.Is(err, ErrNotSent):
		return ClassNotSent
	}
	return ClassRefused
}

// Progress is a batch's running count, passed to Batch.Progress.
type Progress struct {
	Done    int // messages with an outcome
	Total   int // messages in the batch, -1 when not known (a channel or an iterator)
	Sent    int
	Refused int
	Unknown int
	NotSent int
	Last    *Outcome // the outcome just known
}

// Summary counts a finished batch.
type Summary struct {
	Sent, Refused, Unknown, NotSent int
	Recipients                      int // recipients of the sent messages
	Requests                        int // requests made to SES
}

// SendAll sends items and returns their outcomes in input order. Messages that never started
// (ctx done first) have an error matching ErrNotSent.
func (b *Batch) SendAll(ctx context.Context, items []Item) ([]Outcome, Summary) {
	out := make([]Outcome, len(items))
	started := make([]bool, len(items))
	seq := func(yield func(Item) bool) {
		for _, it := range items {
			if !yield(it) {
				return
			}
		}
	}
	sum := b.run(ctx, seq, len(items), func(o Outcome) {
		out[o.Index] = o
		started[o.Index] = true
	})
	for i := range out {
		if !started[i] {
			out[i] = Outcome{Index: i, Name: items[i].Name, Err: notSent(ctx)}
			sum.NotSent++
		}
	}
	return out, sum
}

// Run sends the items of seq (a slice's values, a channel's items through Channel, or any
// iterator) and passes each outcome to each, from one goroutine at a time; each may be nil. It
// stops pulling items when ctx is done and returns when every started message has its outcome.
func (b *Batch) Run(ctx context.Context, seq iter.Seq[Item], each func(Outcome)) Summary {
	return b.run(ctx, seq, -1, each)
}

// Channel returns an iterator over the items received from ch until it is closed.
func Channel(ch <-chan Item) iter.Seq[Item] {
	return func(yield func(Item) bool) {
		for it := range ch {
			if !yield(it) {
				return
			}
		}
	}
}

type job struct {
	i  int
	it Item
}

func (b *Batch) run(ctx context.Context, seq iter.Seq[Item], total int, each func(Outcome)) Summary {
	n := b.Concurrency
	if n <= 0 {
		n = 8
	}
	s := b.Sender
	if s == nil {
		s = &Sender{}
	}
	st := &batchState{}
	jobs := make(chan job)
	results := make(chan Outcome, n)
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- b.one(ctx, s, st, j)
			}
		}()
	}
	go func() {
		defer close(jobs)
		i := 0
		for it := range seq {
			if ctx.Err() != nil {
				return
			}
			select {
			case jobs <- job{i, it}:
				i++
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	var sum Summary
	p := Progress{Total: total}
	for o := range results {
		sum.Requests += o.Attempts
		p.Done++
		switch o.Class() {
		case ClassSent:
			sum.Sent++
			p.Sent++
			sum.Recipients += o.Recipients
		case ClassUnknown:
			sum.Unknown++
			p.Unknown++
		case ClassNotSent:
			sum.NotSent++
			p.NotSent++
		default:
			sum.Refused++
			p.Refused++
		}
		if each != nil {
			each(o)
		}
		if b.Progress != nil {
			p.Last = &o
			b.Progress(p)
		}
	}
	return sum
}

// batchState is what the goroutines of one run share.
type batchState struct {
	mu       sync.Mutex
	quotaErr error // the first ErrDailyQuota answer, once seen
}

func (st *batchState) quota() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.quotaErr
}

func (st *batchState) setQuota(err error) {
	st.mu.Lock()
	if st.quotaErr == nil {
		st.quotaErr = err
	}
	st.mu.Unlock()
}

// quotaStopError is the error of a message not sent because an earlier one hit the daily quota.
type quotaStopError struct{ first error }

func (e *quotaStopError) Error() string {
	return "sesapi: not sent: SES answered an earlier message of this batch with the daily quota exceeded: " + e.first.Error()
}

func (e *quotaStopError) Unwrap() []error { return []error{ErrDailyQuota, ErrNotSent} }

// notSentError is the error of a message stopped before its request (ctx done).
type notSentError struct{ cause, last error }

func (e *notSentError) Error() string {
	s := "sesapi: not sent: " + e.cause.Error()
	if e.last != nil {
		s += " (after " + e.last.Error() + ")"
	}
	return s
}

func (e *notSentError) Unwrap() []error { return []error{ErrNotSent, e.cause} }

func notSent(ctx context.Context) error {
	err := ctx.Err()
	if err == nil {
		err = context.Canceled
	}
	return &notSentError{cause: err}
}

func (b *Batch) one(ctx context.Context, s *Sender, st *batchState, j job) Outcome {
	o := Outcome{Index: j.i, Name: j.it.Name}
	p, err := b.Transport.Prepare(s, &j.it)
	if err != nil {
		o.Err = err
		return o
	}
	o.Recipients = p.Recipients
	max := b.MaxAttempts
	if max <= 0 {
		max = 4
	}
	var last error
	for attempt := 1; ; attempt++ {
		if q := st.quota(); q != nil {
			o.Err = &quotaStopError{first: q}
			return o
		}
		if b.Limiter != nil {
			if err := b.Limiter.Wait(ctx, p.Recipients); err != nil {
				o.Err = &notSentError{cause: err, last: last}
				return o
			}
		}
		if ctx.Err() != nil {
			o.Err = &notSentError{cause: ctx.Err(), last: last}
			return o
		}
		o.Attempts++
		res, err := b.send(ctx, p)
		if err == nil {
			o.Result = res
			return o
		}
		cat := Classify(err)
		if cat == ErrDailyQuota {
			st.setQuota(err)
		}
		if (cat != ErrThrottled && cat != ErrTemporary) || attempt >= max {
			o.Err = err
			return o
		}
		last = err
		if err := sleepCtx(ctx, b.backoff(attempt, cat)); err != nil {
			o.Err = &notSentError{cause: err, last: last}
			return o
		}
	}
}

// send makes one request, not canceled with ctx (see Batch), within RequestTimeout.
func (b *Batch) send(ctx context.Context, p *Prepared) (*Result, error) {
	d := b.RequestTimeout
	if d <= 0 {
		d = time.Minute
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d)
	defer cancel()
	return p.Send(rctx)
}

// backoff returns the wait before retry n (n >= 1): equal jitter over an exponential delay.
func (b *Batch) backoff(n int, cat error) time.Duration {
	base, max := b.BaseDelay, b.MaxDelay
	if base <= 0 {
		base = 100 * time.Millisecond
	}
	if max <= 0 {
		max = 10 * time.Second
	}
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	if cat == ErrThrottled && d < time.Second {
		d = time.Second
	}
	if d > max {
		d = max
	}
	return d/2 + rand.N(d/2+1)
}
