package sesapitest

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultAccount is the caller's account when Options.AccessKeys is nil.
const DefaultAccount = "123456789012"

// DefaultRegion is the region of the SMTP listener when Options.Region is "".
const DefaultRegion = "us-east-1"

// Size limits of a message, after MIME encoding, per API
// (https://docs.aws.amazon.com/ses/latest/dg/quotas.html): 10 MB for the v1 API, 40 MB for the v2
// API and SMTP. SES's own answer names 10485760 bytes for v1.
const (
	MaxSizeV1   = 10 << 20
	MaxSizeV2   = 40 << 20
	MaxSizeSMTP = 40 << 20
)

// MaxRecipients is the number of recipients (To, Cc and Bcc together) SES accepts per message
// (https://docs.aws.amazon.com/ses/latest/dg/quotas.html).
const MaxRecipients = 50

// maxBody bounds the HTTP request body the server reads: the v2 limit in base64 inside JSON, with
// room for the other members.
const maxBody = MaxSizeV2/3*4 + 1<<20

// Checks is a set of the checks the server makes; each can be switched off with Options.Disable.
type Checks uint

// The checks. All are on unless disabled.
const (
	// CheckSize refuses a message over the size limit of its API.
	CheckSize Checks = 1 << iota
	// CheckRecipients refuses a message with more than 50 recipients.
	CheckRecipients
	// CheckDuplicateHeaders refuses a raw message in which a header SES allows once (among them
	// DKIM-Signature) appears twice.
	CheckDuplicateHeaders
	// CheckIdentity refuses a message whose From, Source or Return-Path address is not covered by
	// an identity verified (Server.Verify) in the request's Region: the caller's own, or the one
	// an identity ARN names.
	CheckIdentity
	// CheckRegion refuses an identity ARN whose Region is not the request's (a "*" Region is
	// accepted), as SES does: a delegate must send from the Region where the owner verified the
	// identity. Off, the identity is looked up in the ARN's Region.
	CheckRegion
	// CheckRate refuses a send over the maximum sending rate (Options.MaxSendRate).
	CheckRate
	// CheckQuota refuses a send over the 24-hour quota (Options.Max24HourSend).
	CheckQuota
	// CheckAuthorize asks Options.Authorize about every identity ARN a send uses.
	CheckAuthorize
	// CheckCredentials refuses a request signed with an access key Options.AccessKeys does not
	// list (when it is not nil).
	CheckCredentials
	// CheckAddresses refuses an address parameter (Source, destinations, reply-to, return path,
	// v2 From and feedback addresses, SMTP MAIL FROM and RCPT TO) SES would refuse: no "@domain",
	// control characters or white space, non-ASCII (SES does not support SMTPUTF8).
	CheckAddresses
	// CheckSignature refuses a request whose SigV4 signature does not match the secret access
	// key Options.Secrets gives for its access key (SignatureDoesNotMatch; v2
	// InvalidSignatureException). Keys without a secret there are not verified.
	CheckSignature
	// CheckTags refuses a message tag (parameter or X-SES-MESSAGE-TAGS) whose name or value is
	// not 1-256 ASCII letters, digits, '_' or '-'.
	CheckTags
)

// Identity is an identity verified in an account and Region: an email address or a domain (which
// covers its subdomains too).
type Identity struct {
	Account string
	Region  string
	Name    string // "user@example.com" or "example.com"
}

// Request is what Options.Authorize is asked about: the caller wants to use the identity
// Resource for a send. It carries the values SES's policy condition keys name
// (https://docs.aws.amazon.com/ses/latest/dg/policy-anatomy.html).
type Request struct {
	Operation Operation
	// Action is the IAM action: ses:SendRawEmail (v1 SendRawEmail, v2 raw content, SMTP),
	// ses:SendEmail, ses:SendTemplatedEmail or ses:SendBulkEmail.
	Action string
	// Resource is the identity ARN.
	Resource string
	// Caller: the access key of the request's signature, its account, and the Region of the
	// endpoint called.
	AccessKey string
	Account   string
	Region    string
	// FromAddress and FromDisplayName are the From address (ses:FromAddress, ses:FromDisplayName).
	FromAddress     string
	FromDisplayName string
	// Recipients are the envelope recipients (ses:Recipients).
	Recipients []string
	// FeedbackAddress is the Return-Path (ses:FeedbackAddress).
	FeedbackAddress string
	// APIVersion is "1" for the v1 API and "2" for v2 and SMTP (ses:ApiVersion).
	APIVersion string
	// Time is the server's clock (aws:CurrentTime), SourceIP the client's address (aws:SourceIp),
	// SecureTransport whether it used TLS (aws:SecureTransport).
	Time            time.Time
	SourceIP        string
	SecureTransport bool
}

// Options configure a Server. The zero value is a working server: every check on, no identity
// verified, no rate or quota limit, every access key in DefaultAccount.
type Options struct {
	// AccessKeys maps access key IDs to account IDs. Nil puts every key in DefaultAccount; a key a
	// non-nil map does not list is refused (InvalidClientTokenId) unless CheckCredentials is off.
	AccessKeys map[string]string
	// Secrets maps access key IDs to their secret access keys; the signature of a request made
	// with a key listed here is verified (CheckSignature).
	Secrets map[string]string
	// Region is the Region of the SMTP listener and of SigV4a requests to a global endpoint (the
	// HTTP endpoints otherwise take it from each request's signature); "" means DefaultRegion.
	Region string
	// Identities are verified from the start; Server.Verify adds more.
	Identities []Identity
	// Disable switches checks off.
	Disable Checks
	// MaxSendRate is the maximum sending rate in recipients per second; 0 means no limit.
	// Burst is the token bucket's size in recipients; 0 means MaxSendRate (at least 1).
	MaxSendRate float64
	Burst       float64
	// Max24HourSend is the number of recipients allowed in any 24 hours; 0 means no limit
	// (GetSendQuota then reports -1, as SES does for an unlimited quota).
	Max24HourSend float64
	// Now is the server's clock, for the rate, the quota and the records; nil means time.Now.
	Now func() time.Time
	// SizeLimits replace SES's size limits (MaxSizeV1, MaxSizeV2, MaxSizeSMTP) where not 0, so a
	// test of a sender's handling of "too long" need not send megabytes. The answer keeps SES's
	// form ("Message length is more than N bytes long: 'SIZE'.").
	SizeLimits SizeLimits
	// Authorize, when not nil, decides whether the caller may use an identity ARN. It is called
	// once per distinct identity ARN a send uses, after the identity checks. An error refuses the
	// send: an *Error is answered as it is, any other error as AccessDenied. Nil allows every
	// ARN. It must be safe for concurrent use.
	Authorize func(Request) error
}

// SizeLimits are message size limits in bytes per API; 0 means SES's.
type SizeLimits struct {
	V1, V2, SMTP int
}

// sizeLimit returns the limit of op's API.
func (s *Server) sizeLimit(op Operation) int {
	s.mu.Lock()
	l := s.opts.SizeLimits
	s.mu.Unlock()
	switch {
	case op == SMTPData:
		return cmp.Or(l.SMTP, MaxSizeSMTP)
	case strings.HasPrefix(string(op), "v1."):
		return cmp.Or(l.V1, MaxSizeV1)
	}
	return cmp.Or(l.V2, MaxSizeV2)
}

// Fault is a failure the server produces on demand, for the next Count requests of Operation.
type Fault struct {
	// Operation limits the fault to one operation; "" matches every request.
	Operation Operation
	// Count is how many requests the fault applies to; 0 means 1, a negative count all.
	Count int
	// Latency delays the answer (before the request is processed).
	Latency time.Duration
	// Status answers with this HTTP status (500 InternalFailure, 503 ServiceUnavailable) without
	// processing the request.
	Status int
	// Drop closes the connection without an answer after the request was accepted and recorded:
	// the client cannot know whether SES took the message. Over SMTP the connection closes after
	// the final dot of DATA.
	Drop bool
	// SMTPCode and SMTPText answer an SMTP transaction (at MAIL FROM) with this reply, e.g. 421,
	// 451 or 454; 421 also closes the connection.
	SMTPCode int
	SMTPText string
}

// Server is an in-process SES endpoint on 127.0.0.1: the v1 Query/XML and v2 REST/JSON protocols
// that the aws-sdk-go-v2 ses and sesv2 clients speak when their BaseEndpoint is URL. It is safe
// for concurrent use.
type Server struct {
	// URL is the endpoint, e.g. "http://127.0.0.1:40123", for the clients' BaseEndpoint.
	URL string

	ln   net.Listener
	http *http.Server
	done chan struct{}
	smtp *smtpListener // guarded by mu

	mu         sync.Mutex
	opts       Options
	identities map[Identity]bool
	templates  map[string]Template
	faults     []Fault
	records    []Record
	tokens     float64
	tokensAt   time.Time
	sent       []sent // accepted sends in the last 24 hours, oldest first
	seq        int
}

type sent struct {
	at time.Time
	n  float64
}

// Template is an email template (v1 CreateTemplate, v2 CreateEmailTemplate). Its parts may name
// {{variables}} filled from the send's template data.
type Template struct {
	Name    string
	Subject string
	Text    string
	HTML    string
}

// NewServer starts a Server on 127.0.0.1 and a free port. Close stops it.
func NewServer(o Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sesapitest: listen: %w", err)
	}
	s := &Server{
		URL:        "http://" + ln.Addr().String(),
		ln:         ln,
		done:       make(chan struct{}),
		opts:       o,
		identities: map[Identity]bool{},
		templates:  map[string]Template{},
	}
	s.opts.AccessKeys = copyMap(o.AccessKeys)
	s.opts.Secrets = copyMap(o.Secrets)
	for _, id := range o.Identities {
		s.identities[normIdentity(id)] = true
	}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		_ = s.http.Serve(ln)
		close(s.done)
	}()
	return s, nil
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// Close stops the server and its SMTP listener and closes every connection.
func (s *Server) Close() error {
	err := s.http.Close()
	<-s.done
	s.mu.Lock()
	l := s.smtp
	s.mu.Unlock()
	if l != nil {
		if e := l.close(); err == nil {
			err = e
		}
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

func (s *Server) on(c Checks) bool { return s.opts.Disable&c == 0 }

func normIdentity(id Identity) Identity {
	id.Region = strings.ToLower(id.Region)
	id.Name = strings.ToLower(id.Name)
	return id
}

// Verify marks an identity verified.
func (s *Server) Verify(id Identity) {
	s.mu.Lock()
	s.identities[normIdentity(id)] = true
	s.mu.Unlock()
}

// SetRate sets the maximum sending rate (recipients per second; 0: no limit) and the bucket's
// size (0: the rate, at least 1). The bucket starts full.
func (s *Server) SetRate(perSecond, burst float64) {
	s.mu.Lock()
	s.opts.MaxSendRate, s.opts.Burst = perSecond, burst
	s.tokensAt = time.Time{}
	s.mu.Unlock()
}

// SetQuota sets the 24-hour quota in recipients (0: no limit).
func (s *Server) SetQuota(max24Hour float64) {
	s.mu.Lock()
	s.opts.Max24HourSend = max24Hour
	s.mu.Unlock()
}

// AddTemplate registers a template (as CreateTemplate would), replacing one of the same name.
func (s *Server) AddTemplate(t Template) {
	s.mu.Lock()
	s.templates[t.Name] = t
	s.mu.Unlock()
}

// AddFault queues a fault; the first queued fault that matches a request applies to it.
func (s *Server) AddFault(f Fault) {
	if f.Count == 0 {
		f.Count = 1
	}
	s.mu.Lock()
	s.faults = append(s.faults, f)
	s.mu.Unlock()
}

// takeFault returns the fault for a request of op, if any, and uses it up.
func (s *Server) takeFault(op Operation) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Operation != "" && f.Operation != op {
			continue
		}
		if f.Count > 0 {
			s.faults[i].Count--
			if s.faults[i].Count == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
		}
		return f, true
	}
	return Fault{}, false
}

// Records returns a copy of every accepted message's record, oldest first.
func (s *Server) Records() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Record, len(s.records))
	for i, r := range s.records {
		out[i] = r.clone()
	}
	return out
}

// Record returns the record of the message with the given message ID.
func (s *Server) Record(messageID string) (Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.records {
		if r.MessageID == messageID {
			return r.clone(), true
		}
	}
	return Record{}, false
}

// Reset forgets every record, the sends counted by the rate and the quota, and the queued faults; identities,
// templates and options stay.
func (s *Server) Reset() {
	s.mu.Lock()
	s.records, s.sent, s.faults, s.tokensAt = nil, nil, nil, time.Time{}
	s.mu.Unlock()
}

// Quota reports the quota as GetSendQuota does: Max24HourSend (-1: no limit), MaxSendRate (-1:
// no limit) and SentLast24Hours.
func (s *Server) Quota() (max24Hour, maxRate, sentLast24 float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.quotaLocked(s.now())
}

func (s *Server) quotaLocked(now time.Time) (max24Hour, maxRate, sentLast24 float64) {
	s.pruneLocked(now)
	for _, x := range s.sent {
		sentLast24 += x.n
	}
	max24Hour, maxRate = s.opts.Max24HourSend, s.opts.MaxSendRate
	if max24Hour <= 0 {
		max24Hour = -1
	}
	if maxRate <= 0 {
		maxRate = -1
	}
	return max24Hour, maxRate, sentLast24
}

func (s *Server) pruneLocked(now time.Time) {
	cut := now.Add(-24 * time.Hour)
	i := 0
	for i < len(s.sent) && !s.sent[i].at.After(cut) {
		i++
	}
	s.sent = s.sent[i:]
}

// admitLocked applies the daily quota and the rate to a send of n recipients and, when both allow
// it, counts it. As SES does, a send is allowed while any quota is left, even if its recipients
// take more than is left: the bucket (and the day) then goes into debt, and later sends wait.
// See https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas.html.
func (s *Server) admitLocked(now time.Time, n float64) *Error {
	if s.on(CheckQuota) && s.opts.Max24HourSend > 0 {
		_, _, used := s.quotaLocked(now)
		if used >= s.opts.Max24HourSend {
			return DailyQuotaExceeded()
		}
	}
	if s.on(CheckRate) && s.opts.MaxSendRate > 0 {
		burst := s.opts.Burst
		if burst <= 0 {
			burst = max(s.opts.MaxSendRate, 1)
		}
		if s.tokensAt.IsZero() {
			s.tokens, s.tokensAt = burst, now
		}
		if d := now.Sub(s.tokensAt); d > 0 {
			s.tokens = min(burst, s.tokens+d.Seconds()*s.opts.MaxSendRate)
			s.tokensAt = now
		}
		if s.tokens < min(1, burst) {
			return Throttled()
		}
		s.tokens -= n
	}
	s.sent = append(s.sent, sent{at: now, n: n})
	return nil
}

// nextID returns a new SES-style message ID.
func (s *Server) nextIDLocked(now time.Time) string {
	s.seq++
	return fmt.Sprintf("0100%012x-%08x-5e5a-4e57-8e57-%012x-000000", now.UnixMilli()&0xffffffffffff, s.seq, s.seq)
}
