package redislimit_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/redis/go-redis/v9"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/contrib/redislimit"
	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/sesapitest"
)

// The account allows 500 recipients per second; each process paces at 95% of it (headroom for
// requests that reach SES later than they leave the limiter) with bursts of one message.
const (
	allowed  = 500.0
	pace     = allowed * 0.95
	burst    = 50
	messages = 40 // per process
)

// startRedis runs redis-server (Debian's package, installed by scripts/test.sh) on a free loopback
// port, with no persistence, for the duration of the test. Missing, it fails the test under CI=true
// and skips it elsewhere.
func startRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server not found (scripts/test.sh installs Debian's redis-server)")
		}
		t.Skip("redis-server not found; scripts/test.sh installs Debian's redis-server")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := "127.0.0.1:" + port
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	for i := 0; ; i++ {
		if err := rdb.Ping(context.Background()).Err(); err == nil {
			return addr
		} else if i == 100 {
			t.Fatalf("redis-server on %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// childSummary is what a sender process reports.
type childSummary struct {
	Summary  sesapi.Summary
	Failures []string
}

// TestChildSender is the sender process of TestTwoProcesses (it does nothing in a normal run).
func TestChildSender(t *testing.T) {
	if os.Getenv("REDISLIMIT_CHILD") == "" {
		t.Skip("the sender process of TestTwoProcesses")
	}
	id, _ := strconv.Atoi(os.Getenv("REDISLIMIT_CHILD"))
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("REDISLIMIT_REDIS")})
	defer rdb.Close()
	lim, err := redislimit.New(rdb, "ses:test", pace, burst)
	if err != nil {
		t.Fatal(err)
	}
	client := ses.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String(os.Getenv("REDISLIMIT_SES")),
	})
	items := make([]sesapi.Item, messages)
	for i := range items {
		m := &builder.Message{From: mail.Address{Address: "news@example.com"}, Subject: "m", Text: "Hello."}
		for r := 0; r < 1+(i*37+id*11)%50; r++ {
			m.To = append(m.To, mail.Address{Address: "r" + strconv.Itoa(r) + "-" + strconv.Itoa(id) + "-" + strconv.Itoa(i) + "@example.net"})
		}
		items[i] = sesapi.Item{Message: m}
	}
	// One attempt per message: a throttled request shows as a refused message, not hidden by a retry.
	b := &sesapi.Batch{Transport: sesapi.V1{Client: client}, Limiter: lim, Concurrency: 16, MaxAttempts: 1}
	out, sum := b.SendAll(context.Background(), items)
	rep := childSummary{Summary: sum}
	for _, o := range out {
		if o.Err != nil {
			rep.Failures = append(rep.Failures, o.Err.Error())
		}
	}
	j, _ := json.Marshal(rep)
	os.Stdout.WriteString("SUMMARY " + string(j) + "\n")
}

// Two processes share one Redis limiter of 475 recipients per second (bursts of 50) against an
// SES that allows 500 per second. What is asserted holds on a loaded machine too. The shared
// limiter grants the first burst at once and every later recipient 1/475 s after the one before,
// so its last grant comes (total - burst)/475 s after its first. A descheduled process only
// delays its requests, which lengthens the span SES records; what can shorten it is the first
// requests' extra latency (each of the 16 workers per process opens its connection), so the span
// must reach 3/4 of the limiter's. Two limiters that did not share their state would each pace
// half the recipients and finish in about half that time, and the test would fail. The in-process
// SES also throttles (its bucket holds one second of its rate plus two seconds of slack for
// requests that a loaded machine delays and then delivers together; the span checks the pacing),
// and every message must go out in its one attempt.
func TestTwoProcesses(t *testing.T) {
	addr := startRedis(t)
	srv, err := sesapitest.NewServer(sesapitest.Options{
		MaxSendRate: allowed,
		Burst:       3 * allowed,
		Identities:  []sesapitest.Identity{{Account: sesapitest.DefaultAccount, Region: "us-east-1", Name: "example.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var wg sync.WaitGroup
	reports := make([]childSummary, 2)
	for id := range reports {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestChildSender$", "-test.count=1")
			cmd.Env = append(os.Environ(), "REDISLIMIT_CHILD="+strconv.Itoa(id), "REDISLIMIT_REDIS="+addr, "REDISLIMIT_SES="+srv.URL)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("process %d: %v\n%s", id, err, out)
				return
			}
			sc := bufio.NewScanner(strings.NewReader(string(out)))
			for sc.Scan() {
				if j, ok := strings.CutPrefix(sc.Text(), "SUMMARY "); ok {
					if err := json.Unmarshal([]byte(j), &reports[id]); err != nil {
						t.Errorf("process %d: %v", id, err)
					}
					return
				}
			}
			t.Errorf("process %d printed no summary:\n%s", id, out)
		}(id)
	}
	wg.Wait()
	for id, r := range reports {
		if r.Summary.Sent != messages || r.Summary.Requests != messages || len(r.Failures) > 0 {
			t.Errorf("process %d: %+v %v", id, r.Summary, r.Failures)
		}
	}
	recs := srv.Records()
	if len(recs) != 2*messages {
		t.Fatalf("%d records, want %d", len(recs), 2*messages)
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].Time.Before(recs[j].Time) })
	total := 0
	for _, r := range recs {
		total += len(r.Envelope.To)
	}
	need := time.Duration(float64(total-burst) / pace * float64(time.Second))
	span := recs[len(recs)-1].Time.Sub(recs[0].Time)
	if span < need*3/4 {
		t.Errorf("%d recipients recorded within %v; a shared limiter at %v per second spreads them over %v", total, span, pace, need)
	}
	t.Logf("%d recipients in %v (the shared limiter's schedule: %v at %v per second)", total, span, need, pace)
}

// In one process: waits are weighted by recipients, a cancelled wait gives its reservation back,
// and a deadline too early reserves nothing.
func TestWait(t *testing.T) {
	addr := startRedis(t)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	lim, err := redislimit.New(rdb, "ses:wait", 100, 50)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := lim.Wait(ctx, 50); err != nil { // the burst: at once
		t.Fatal(err)
	}
	// The bucket is now empty: 50 more recipients need 0.5 s, more than this deadline allows.
	dctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if err := lim.Wait(dctx, 50); !errors.Is(err, redislimit.ErrDeadline) {
		t.Fatalf("early deadline: %v", err)
	}
	cctx, cancel2 := context.WithCancel(ctx)
	go func() { time.Sleep(20 * time.Millisecond); cancel2() }()
	if err := lim.Wait(cctx, 50); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: %v", err)
	}
	tat, err := rdb.Get(ctx, "ses:wait").Int64()
	if err != nil {
		t.Fatal(err)
	}
	// After the refund, the theoretical arrival time is at most the first 50 recipients (0.5 s)
	// ahead of now: the refused and the canceled waits reserved nothing.
	if ahead := time.Until(time.UnixMicro(tat)); ahead > 500*time.Millisecond {
		t.Errorf("TAT %v ahead of now", ahead)
	}
	if _, err := redislimit.New(rdb, "k", 0, 1); err == nil {
		t.Error("rate 0: no error")
	}
}
