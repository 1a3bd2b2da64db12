package sestest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// EmulatorPackage is the npm package of the SES emulator; its version is pinned in
// testdata/emulator/package.json and package-lock.json.
const EmulatorPackage = "aws-ses-v2-local"

// Region is the region the test clients use.
const Region = "us-east-1"

// startTimeout bounds how long StartEmulator waits for the emulator's health check.
const startTimeout = 60 * time.Second

// ErrEmulatorMissing reports that the emulator is not installed (no node on PATH, or no
// node_modules in testdata/emulator).
var ErrEmulatorMissing = errors.New("sestest: SES emulator not installed")

// Emulator is a running aws-ses-v2-local process listening on 127.0.0.1.
//
// The emulator implements, as of 2.10.2: SES v1 SendEmail and SendRawEmail (query protocol,
// POST /), SES v2 SendEmail with Simple, Raw and Template content and SendBulkEmail
// (POST /v2/email/outbound-emails, /v2/email/outbound-bulk-emails), v2 template CRUD, GET /store
// (every received email, parsed), POST /clear-store and GET /health-check. Other v1 actions (for
// example SendTemplatedEmail) get no answer at all from it: a client waits until its deadline.
//
// It does not keep the raw message: /store holds what mailparser read from it (From, To, Cc,
// Bcc headers, Subject, text, HTML and attachments). It ignores the request parameters Source,
// Destinations, the ARNs, tags and configuration set; use a [Recorder] to see those as sent, or
// the in-process SES of package sesapitest, which records them with the raw bytes and answers
// with SES's checks (its TestConformance compares the two).
// For v1 SendEmail it stores the parameters, but only the first member of each address list
// (its request schema declares only "...member.1" keys and drops the rest).
type Emulator struct {
	// URL is the base URL, e.g. http://127.0.0.1:40123; use it as the clients' BaseEndpoint.
	URL string

	cmd    *exec.Cmd
	done   chan struct{} // closed when the process has exited
	output *syncBuffer   // the process's stdout and stderr
	http   *http.Client
	close  sync.Once
}

// EmulatorDir returns the directory holding the emulator's package.json: $SESRAW_EMULATOR_DIR if
// set, else testdata/emulator at the root of this module.
func EmulatorDir() (string, error) {
	if d := os.Getenv("SESRAW_EMULATOR_DIR"); d != "" {
		return d, nil
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("sestest: cannot locate the module root")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "emulator"), nil
}

// StartEmulator starts the emulator from [EmulatorDir] on 127.0.0.1 and a free port, and waits
// until its health check answers. Close stops it.
func StartEmulator() (*Emulator, error) {
	dir, err := EmulatorDir()
	if err != nil {
		return nil, err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("%w: node is not on PATH: %v", ErrEmulatorMissing, err)
	}
	cli := filepath.Join(dir, "node_modules", EmulatorPackage, "dist", "cli.js")
	if _, err := os.Stat(cli); err != nil {
		return nil, fmt.Errorf("%w: %v (run \"npm ci\" in %s)", ErrEmulatorMissing, err, dir)
	}
	// The free port is found by binding :0 and closing it; another process may take it before the
	// emulator binds it, so a start that fails early is retried on a new port.
	var lastErr error
	for range 3 {
		e, err := startEmulator(node, cli)
		if err == nil {
			return e, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func startEmulator(node, cli string) (*Emulator, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	e := &Emulator{
		URL:    "http://127.0.0.1:" + strconv.Itoa(port),
		done:   make(chan struct{}),
		output: new(syncBuffer),
		http:   &http.Client{Timeout: 10 * time.Second},
	}
	e.cmd = exec.Command(node, cli, "--host", "127.0.0.1", "--port", strconv.Itoa(port))
	e.cmd.Stdout = e.output
	e.cmd.Stderr = e.output
	e.cmd.Env = append(os.Environ(), "SMTP_TRANSPORT=") // never forward mail anywhere
	setProcessGroup(e.cmd)
	if err := e.cmd.Start(); err != nil {
		return nil, fmt.Errorf("sestest: starting the emulator: %w", err)
	}
	go func() {
		_ = e.cmd.Wait()
		close(e.done)
	}()

	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-e.done:
			return nil, fmt.Errorf("sestest: the emulator exited during start-up: %s", e.output.String())
		default:
		}
		if e.healthy() {
			return e, nil
		}
		if time.Now().After(deadline) {
			e.Close()
			return nil, fmt.Errorf("sestest: the emulator did not answer %s/health-check within %v: %s", e.URL, startTimeout, e.output.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (e *Emulator) healthy() bool {
	resp, err := e.http.Get(e.URL + "/health-check")
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("sestest: finding a free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port, nil
}

// Close stops the emulator (its whole process group: SIGTERM, then SIGKILL after two seconds)
// and waits for it to exit. It is safe to call more than once and on a nil *Emulator.
func (e *Emulator) Close() error {
	if e == nil {
		return nil
	}
	e.close.Do(func() {
		signalGroup(e.cmd, false)
		select {
		case <-e.done:
		case <-time.After(2 * time.Second):
			signalGroup(e.cmd, true)
			<-e.done
		}
	})
	return nil
}

// Output returns what the emulator printed so far (for failure messages).
func (e *Emulator) Output() string { return e.output.String() }

// StoredEmail is one email in the emulator's store, as its /store endpoint reports it.
// For raw sends the fields are what mailparser read from the message's header and body;
// for v1 SendEmail they are the request parameters.
type StoredEmail struct {
	MessageID   string   `json:"messageId"`
	From        string   `json:"from"`
	ReplyTo     []string `json:"replyTo"`
	Destination struct {
		To  []string `json:"to"`
		Cc  []string `json:"cc"`
		Bcc []string `json:"bcc"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		Text string `json:"text"`
		HTML string `json:"html"`
	} `json:"body"`
	Attachments []StoredAttachment `json:"attachments"`
	At          int64              `json:"at"` // Unix seconds
}

// StoredAttachment is one attachment of a [StoredEmail].
type StoredAttachment struct {
	Filename           string `json:"filename"`
	ContentType        string `json:"contentType"`
	ContentDisposition string `json:"contentDisposition"`
	ContentID          string `json:"contentId"` // with angle brackets, as mailparser reports it
	Related            bool   `json:"related"`   // part of multipart/related (inline)
	Content            []byte `json:"content"`   // decoded bytes (the store holds base64)
	Size               int    `json:"size"`
}

// Emails returns every email in the emulator's store, oldest first.
func (e *Emulator) Emails(ctx context.Context) ([]StoredEmail, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.URL+"/store", nil)
	if err != nil {
		return nil, err
	}
	resp, err := e.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sestest: reading the emulator's store: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("sestest: reading the emulator's store: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("sestest: GET /store: %s: %s", resp.Status, body)
	}
	var store struct {
		Emails []StoredEmail `json:"emails"`
	}
	if err := json.Unmarshal(body, &store); err != nil {
		return nil, fmt.Errorf("sestest: decoding the emulator's store: %w", err)
	}
	return store.Emails, nil
}

// ErrNotStored reports that the store holds no email with the requested message id.
var ErrNotStored = errors.New("sestest: no such email in the emulator's store")

// Email returns the stored email with the given SES message id.
func (e *Emulator) Email(ctx context.Context, messageID string) (StoredEmail, error) {
	emails, err := e.Emails(ctx)
	if err != nil {
		return StoredEmail{}, err
	}
	for _, m := range emails {
		if m.MessageID == messageID {
			return m, nil
		}
	}
	return StoredEmail{}, fmt.Errorf("%w: %q (%d stored)", ErrNotStored, messageID, len(emails))
}

// Config returns an aws.Config for clients of the emulator: region us-east-1, static test
// credentials, BaseEndpoint = the emulator, no retries. httpClient may be nil (the SDK's default)
// or a [Recorder].
func (e *Emulator) Config(httpClient aws.HTTPClient) aws.Config {
	cfg := aws.Config{
		Region:           Region,
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDSESRAWTEST", "sesraw-test-secret", ""),
		BaseEndpoint:     aws.String(e.URL),
		RetryMaxAttempts: 1,
	}
	if httpClient != nil {
		cfg.HTTPClient = httpClient
	}
	return cfg
}

// Recorder is an aws.HTTPClient that keeps a copy of every request it sends (method, path,
// form or JSON body as sent on the wire) and passes it on unchanged over a real connection.
// It lets a test see the request parameters the emulator itself ignores. Safe for concurrent use.
type Recorder struct {
	// Transport sends the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper

	mu   sync.Mutex
	reqs []RecordedRequest
}

// RecordedRequest is one request a [Recorder] sent.
type RecordedRequest struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// Form parses the body as application/x-www-form-urlencoded (the SES v1 query protocol).
func (r RecordedRequest) Form() (url.Values, error) { return url.ParseQuery(string(r.Body)) }

// Do records req and sends it.
func (r *Recorder) Do(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, RecordedRequest{Method: req.Method, Path: req.URL.Path, Header: req.Header.Clone(), Body: body})
	r.mu.Unlock()
	t := r.Transport
	if t == nil {
		t = http.DefaultTransport
	}
	return t.RoundTrip(req)
}

// Requests returns the requests sent so far.
func (r *Recorder) Requests() []RecordedRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]RecordedRequest(nil), r.reqs...)
}

// Last returns the last request sent, and false if there was none.
func (r *Recorder) Last() (RecordedRequest, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		return RecordedRequest{}, false
	}
	return r.reqs[len(r.reqs)-1], true
}

// Shared starts one emulator on first use and keeps it for the whole test binary; call Close from
// TestMain after m.Run. Its zero value is ready to use; it is safe for concurrent use.
type Shared struct {
	once sync.Once
	emu  *Emulator
	err  error
}

// Get returns the shared emulator, starting it on first use. When it cannot start, Get fails the
// test in CI and skips it elsewhere (see [Need]).
func (s *Shared) Get(tb testing.TB) *Emulator {
	tb.Helper()
	s.once.Do(func() { s.emu, s.err = StartEmulator() })
	Need(tb, "the SES emulator ("+EmulatorPackage+")", s.err)
	return s.emu
}

// Close stops the emulator if it was started.
func (s *Shared) Close() error {
	s.once.Do(func() { s.err = errors.New("sestest: Shared closed before use") })
	return s.emu.Close()
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a process's stdout and stderr,
// bounded to its first 64 KiB.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := 64<<10 - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
