package sesapi

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock drives a TokenBucket without real waiting: sleep advances the clock.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	slept  []time.Duration
	cancel bool // sleep returns context.Canceled without advancing
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	if c.cancel {
		return context.Canceled
	}
	c.t = c.t.Add(d)
	return nil
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func fakeBucket(t *testing.T, rate float64, burst int) (*TokenBucket, *fakeClock) {
	t.Helper()
	b, err := NewTokenBucket(rate, burst)
	if err != nil {
		t.Fatal(err)
	}
	c := &fakeClock{t: time.Now().Add(time.Hour)} // ahead of real time, so deadlines made from it are in the future
	b.now, b.sleep = c.now, c.sleep
	return b, c
}

func TestTokenBucketWaits(t *testing.T) {
	b, c := fakeBucket(t, 100, 100)
	ctx := context.Background()
	// A full bucket lets the burst through at once.
	if err := b.Wait(ctx, 100); err != nil || len(c.slept) != 0 {
		t.Fatalf("burst: err %v, slept %v", err, c.slept)
	}
	// Then 30 recipients cost 0.3 s.
	if err := b.Wait(ctx, 30); err != nil || len(c.slept) != 1 || c.slept[0] != 300*time.Millisecond {
		t.Fatalf("after the burst: err %v, slept %v", err, c.slept)
	}
	// Recipients <= 0 never wait.
	if err := b.Wait(ctx, 0); err != nil || len(c.slept) != 1 {
		t.Fatalf("zero: err %v, slept %v", err, c.slept)
	}
	// After a second the bucket holds 100 again (not more: the burst caps it).
	c.advance(10 * time.Second)
	if err := b.Wait(ctx, 100); err != nil || len(c.slept) != 1 {
		t.Fatalf("refilled: err %v, slept %v", err, c.slept)
	}
}

// A message with more recipients than the burst still goes out, after waiting for its whole cost.
func TestTokenBucketOverBurst(t *testing.T) {
	b, c := fakeBucket(t, 10, 0) // burst raised to MinBurst (50)
	if b.Burst() != MinBurst {
		t.Fatalf("Burst() = %d, want %d", b.Burst(), MinBurst)
	}
	b.burst = 5 // below one message, as a hand-made bucket could be
	b.tokens = 5
	if err := b.Wait(context.Background(), 50); err != nil {
		t.Fatal(err)
	}
	if len(c.slept) != 1 || c.slept[0] != 4500*time.Millisecond {
		t.Fatalf("slept %v, want [4.5s]", c.slept)
	}
}

// Waits that are canceled give their tokens back; a deadline that is too early takes none.
func TestTokenBucketCancel(t *testing.T) {
	b, c := fakeBucket(t, 10, 50)
	ctx := context.Background()
	if err := b.Wait(ctx, 50); err != nil {
		t.Fatal(err)
	}
	c.cancel = true
	if err := b.Wait(ctx, 20); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled wait: %v", err)
	}
	c.cancel = false
	// The bucket is empty, not in debt: 10 recipients wait 1 s.
	if err := b.Wait(ctx, 10); err != nil || c.slept[len(c.slept)-1] != time.Second {
		t.Fatalf("after cancel: err %v, slept %v", err, c.slept)
	}
	dctx, cancel := context.WithDeadline(ctx, c.now().Add(500*time.Millisecond))
	defer cancel()
	n := len(c.slept)
	if err := b.Wait(dctx, 10); !errors.Is(err, ErrLimiterDeadline) || len(c.slept) != n {
		t.Fatalf("early deadline: err %v, slept %v", err, c.slept)
	}
	if err := b.Wait(ctx, 10); err != nil || c.slept[len(c.slept)-1] != time.Second {
		t.Fatalf("after the refused wait: err %v, slept %v", err, c.slept)
	}
	done, cancel2 := context.WithCancel(ctx)
	cancel2()
	if err := b.Wait(done, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("done context: %v", err)
	}
}

// Whatever the interleaving of goroutines, the recipients let through by time T never exceed
// burst + rate·T (checked on the fake clock at the moment each Wait returns).
func TestTokenBucketConcurrentBound(t *testing.T) {
	const rate, burst = 1000.0, 100
	b, c := fakeBucket(t, rate, burst)
	start := c.now()
	var mu sync.Mutex
	type pass struct {
		at time.Time
		n  int
	}
	var passes []pass
	var wg sync.WaitGroup
	var total atomic.Int64
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				n := 1 + (g*7+i*13)%50
				if err := b.Wait(context.Background(), n); err != nil {
					t.Error(err)
					return
				}
				total.Add(int64(n))
				mu.Lock()
				passes = append(passes, pass{c.now(), n})
				mu.Unlock()
			}
		}(g)
	}
	wg.Wait()
	// The fake clock only moves forward; passes are not in clock order across goroutines, so
	// count, for each pass time, every pass at or before it.
	for _, p := range passes {
		sum := 0
		for _, q := range passes {
			if !q.at.After(p.at) {
				sum += q.n
			}
		}
		if limit := burst + rate*p.at.Sub(start).Seconds() + 1e-6; float64(sum) > limit {
			t.Fatalf("%d recipients by %v, limit %.0f", sum, p.at.Sub(start), limit)
		}
	}
	if total.Load() == 0 {
		t.Fatal("nothing passed")
	}
}

func TestNewTokenBucketErrors(t *testing.T) {
	for _, r := range []float64{0, -1} {
		if _, err := NewTokenBucket(r, 1); err == nil {
			t.Errorf("rate %v: no error", r)
		}
	}
	if _, err := (Quota{MaxSendRate: 14}).Limiter(1.5); err == nil {
		t.Error("fraction 1.5: no error")
	}
	l, err := (Quota{MaxSendRate: 200}).Limiter(0.5)
	if l2, _ := (Quota{MaxSendRate: 1000}).Limiter(1); l2.Burst() != 500 {
		t.Errorf("Limiter(1) of 1000/s: burst %d, want 500", l2.Burst())
	}
	if err != nil || l.Rate() != 100 || l.Burst() != 50 {
		t.Errorf("Limiter(0.5) of 200/s: %v, %v", l, err)
	}
	if r := (Quota{Max24HourSend: -1}).Remaining24Hours(); r < 1e300 {
		t.Errorf("unlimited: %v", r)
	}
	if r := (Quota{Max24HourSend: 200, SentLast24Hours: 250}).Remaining24Hours(); r != 0 {
		t.Errorf("overdrawn: %v", r)
	}
}
