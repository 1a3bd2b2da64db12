// Package preflight checks a raw email message against the rules Amazon SES applies to SendRawEmail
// (SES v1 API), SendEmail with raw content (SES v2 API) and the SES SMTP interface, before it is sent.
// It checks any message, not only the ones sesraw builds.
//
// Each problem is a [Finding]: a rule id from the catalogue ([Rules]) that never changes meaning, a
// [Severity], the 1-based line the problem is on (0 for the message as a whole) and a human-readable
// message. An [Error] finding is something SES rejects or that breaks the message at SES (a DKIM
// signature over a header SES strips, an ARN that does not authorize the From address); a [Warning] is
// something SES may accept but that is likely wrong; [Info] notes behaviour SES does not document.
//
// # Order and bounds
//
// Findings are sorted by line, then rule id, then message, so the output for a given input and
// [Options] is always the same. Each rule reports at most a fixed number of findings (one for the
// per-line rules line-length, bare-lf, bare-cr, body-8bit and header-syntax, 20 for the others)
// followed by one summary finding counting the rest, so a check returns at most 21 findings per
// rule whatever the input.
//
// [Check] and [CheckReader] run in time linear in the input. [CheckReader] holds only the header
// block in memory (at most [MaxHeaderBytes]); the body is scanned line by line in fixed buffers, so
// memory stays flat for messages of any size. It stops reading after [Options.MaxBytes] bytes
// (default [DefaultMaxBytes]). The MIME tree is walked with the one MIME walker (package
// mimewalk, which decides every ambiguous case once), bounded by [MaxMIMEDepth] nesting levels
// and [MaxMIMEParts] parts; a part header is read up to [MaxPartHeaderBytes]. A Reader that
// returns nothing 100 times in a row makes CheckReader fail with io.ErrNoProgress.
//
// # Facts and choices
//
//   - Size: SES documents "10 MB" (v1) and "40 MB" (v2, SMTP) after encoding. The v1 API's own error
//     reads "Message length is more than 10485760 bytes long" (quoted in github.com/aws/aws-sdk-go-v2
//     issue 1774), so MB means MiB: the limits checked are 10 MiB (v1) and 40 MiB (v2, SMTP; by
//     analogy, unconfirmed). Between 40,000,000 bytes and 40 MiB preflight warns.
//   - SES reads the first instance of each X-SES-* header and removes every one of them before
//     delivery; values are validated with package xheaders.
//   - Attachments are found by walking the MIME tree. Every form of a file name is checked, since
//     which one SES reads is not documented: Content-Disposition filename and filename*= (RFC 2231,
//     continuations, any charset), Content-Type name and name*=, RFC 2047 encoded-words in quoted
//     names; extensions compare case-insensitively, ignoring trailing dots and spaces.
//     Encapsulated messages (message/rfc822) are not descended into.
//   - Recipients are counted in the To, Cc and Bcc fields of the header; the envelope (Destinations
//     parameter, SMTP RCPT TO) is not visible in a raw message.
//   - Line length counts octets before the line break (at most 998); a bare LF ends a line too.
package preflight

import (
	"errors"
	"github.com/sesraw/sesraw/sesrules"
	"io"
	"strconv"
)

// Severity grades a finding. The zero value is Info.
type Severity int

// Severities, in increasing order.
const (
	Info    Severity = iota // SES behaviour that is undocumented or worth knowing; never a failure
	Warning                 // SES likely accepts the message, but something is probably wrong
	Error                   // SES rejects the message, or the message breaks at SES
)

// String returns "info", "warning" or "error" ("severity(N)" for other values).
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "severity(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText implements encoding.TextMarshaler ("info", "warning", "error").
func (s Severity) MarshalText() ([]byte, error) {
	if s < Info || s > Error {
		return nil, errors.New("preflight: invalid severity " + strconv.Itoa(int(s)))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; it accepts what MarshalText produces.
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "info":
		*s = Info
	case "warning":
		*s = Warning
	case "error":
		*s = Error
	default:
		return errors.New("preflight: unknown severity " + strconv.Quote(string(b)))
	}
	return nil
}

// Target names the SES API or transport a message is checked for. It selects the size limit and
// which X-SES headers are documented to work. The zero value is TargetAny.
type Target int

// Targets.
const (
	TargetAny  Target = iota // API unknown: error above 40 MiB, warning above v1's 10 MiB
	TargetV1                 // SES v1 API SendRawEmail: 10 MiB
	TargetV2                 // SES v2 API SendEmail with raw content: 40 MiB
	TargetSMTP               // SES SMTP interface: 40 MiB
	TargetNone               // no SES size limit is checked
)

// String returns "any", "v1", "v2", "smtp" or "none".
func (t Target) String() string {
	switch t {
	case TargetAny:
		return "any"
	case TargetV1:
		return "v1"
	case TargetV2:
		return "v2"
	case TargetSMTP:
		return "smtp"
	case TargetNone:
		return "none"
	}
	return "target(" + strconv.Itoa(int(t)) + ")"
}

// ParseTarget parses what String returns; "" is TargetAny.
func ParseTarget(s string) (Target, error) {
	switch s {
	case "", "any":
		return TargetAny, nil
	case "v1":
		return TargetV1, nil
	case "v2":
		return TargetV2, nil
	case "smtp":
		return TargetSMTP, nil
	case "none":
		return TargetNone, nil
	}
	return TargetAny, errors.New("preflight: unknown target " + strconv.Quote(s) + " (want v1, v2, smtp, any or none)")
}

// MarshalText implements encoding.TextMarshaler.
func (t Target) MarshalText() ([]byte, error) {
	if t < TargetAny || t > TargetNone {
		return nil, errors.New("preflight: invalid target " + strconv.Itoa(int(t)))
	}
	return []byte(t.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler (see ParseTarget).
func (t *Target) UnmarshalText(b []byte) error {
	v, err := ParseTarget(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Limit returns the largest message size in bytes the target accepts, from the rulebook
// (package sesrules): sesrules.MaxBytesV1 for TargetV1, sesrules.MaxBytesV2 and MaxBytesSMTP for
// TargetV2 and TargetSMTP, the largest of them for TargetAny, 0 for TargetNone.
func (t Target) Limit() int64 {
	switch t {
	case TargetV1:
		return sesrules.TargetV1.MaxBytes()
	case TargetV2:
		return sesrules.TargetV2.MaxBytes()
	case TargetSMTP:
		return sesrules.TargetSMTP.MaxBytes()
	case TargetAny:
		return max(sesrules.TargetV2.MaxBytes(), sesrules.TargetSMTP.MaxBytes())
	}
	return 0
}

// Finding is one problem found in a message.
type Finding struct {
	Rule     string   `json:"rule"`     // rule id, one of the Rule IDs in Rules()
	Severity Severity `json:"severity"` // at most the rule's catalogue severity
	Line     int      `json:"line"`     // 1-based line number; 0 = the message as a whole
	Message  string   `json:"message"`  // one line of printable ASCII; quoted input is escaped
}

// String formats the finding as "LINE: SEVERITY [RULE] MESSAGE".
func (f Finding) String() string {
	return strconv.Itoa(f.Line) + ": " + f.Severity.String() + " [" + f.Rule + "] " + f.Message
}

// HasErrors reports whether any finding has severity Error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity >= Error {
			return true
		}
	}
	return false
}

// Bounds on the work and memory of a check.
const (
	DefaultMaxBytes    = 64 << 20 // default Options.MaxBytes
	MaxHeaderBytes     = 1 << 20  // header block kept in memory; beyond it header-too-large
	MaxPartHeaderBytes = 64 << 10 // MIME part header kept in memory; beyond it mime-limit
	MaxMIMEDepth       = 32       // nested multiparts walked; beyond it mime-limit
	MaxMIMEParts       = 1000     // MIME parts walked; beyond it mime-limit
)

// Options controls a check. A nil *Options is the zero Options.
type Options struct {
	// Target selects the size limit and the X-SES header notes; zero is TargetAny.
	Target Target

	// Region, if set (e.g. "us-east-1"), is the region of the SES endpoint the message goes to;
	// an identity ARN of another region is an arn-region error.
	Region string

	// Policy, when not nil, also judges the message's delegated send against the identity owner's
	// sending authorization policies (rule policy-denied; see PolicyCheck).
	Policy *PolicyCheck

	// MaxBytes bounds how many bytes CheckReader reads: 0 means DefaultMaxBytes (64 MiB), a negative
	// value means no bound. Input beyond it is not read; an input-truncated finding says so. Check
	// examines all of its input, which the caller already holds.
	MaxBytes int64
}

func (o *Options) maxBytes() int64 {
	switch {
	case o.MaxBytes == 0:
		return DefaultMaxBytes
	case o.MaxBytes < 0:
		return -1
	}
	return o.MaxBytes
}

// Check checks the raw message raw and returns its findings in order (nil if none). It never
// panics, runs in time linear in len(raw) and does not keep raw.
func Check(raw []byte, opts *Options) []Finding {
	c := newChecker(opts)
	n, hb := c.writeHeader(raw)
	if !c.inHeader {
		body := raw[n:]
		c.scanLines(body, false)
		if c.multipart {
			c.mw.ResetBodyBytes(hb, body, mimeOptions)
			c.walkMIME(nil, 0)
		}
	}
	return c.finish(int64(len(raw)), false)
}

// readChunk is the size of the buffer CheckReader reads the body with.
const readChunk = 32 << 10

// CheckReader is the streaming form of Check: it reads the message from r (at most Options.MaxBytes
// bytes) with memory bounded by MaxHeaderBytes plus a fixed buffer. For input within MaxBytes its
// findings equal Check's for the same bytes. An error from r is returned wrapped (prefixed
// "preflight:"), with no findings.
func CheckReader(r io.Reader, opts *Options) ([]Finding, error) {
	c := newChecker(opts)
	src := &c.src
	*src = bodySource{c: c, r: r, limit: c.opts.maxBytes()}
	buf := make([]byte, readChunk)
	var hb []byte
	for c.inHeader {
		m, err := src.read(buf)
		if m > 0 {
			var n int
			n, hb = c.writeHeader(buf[:m])
			src.first = buf[n:m] // body bytes read with the header's
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &readError{err}
		}
	}
	if c.inHeader {
		return c.finish(src.n, src.truncated), nil
	}
	{
		// The body: its lines are checked as the walker (or the drain below) reads them.
		if c.multipart {
			c.mw.ResetBody(hb, src, mimeOptions)
			c.walkMIME(src, int64(len(hb)))
		}
		for len(src.first) > 0 || src.err == nil {
			src.Read(buf)
		}
		if src.err != io.EOF {
			return nil, &readError{src.err}
		}
	}
	return c.finish(src.n, src.truncated), nil
}

// bodySource reads the message for CheckReader: at most limit bytes (truncated says that input
// was left unread), the body's bytes handed to the line checks as they pass.
type bodySource struct {
	c         *checker
	r         io.Reader
	first     []byte // body bytes read together with the header block
	limit     int64  // -1: none
	n         int64  // bytes read from r (within the limit)
	given     int64  // body bytes handed out by Read
	truncated bool
	idle      int   // reads in a row that returned nothing
	err       error // the end: io.EOF, r's error, or io.ErrNoProgress
}

// read reads from r within the limit.
func (s *bodySource) read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	m, err := s.r.Read(p)
	if s.limit >= 0 && s.n+int64(m) > s.limit {
		m, err, s.truncated = int(s.limit-s.n), io.EOF, true
	}
	s.n += int64(m)
	if m == 0 && err == nil {
		if s.idle++; s.idle >= 100 {
			err = io.ErrNoProgress
		}
	} else {
		s.idle = 0
	}
	if err != nil {
		s.err = err
	}
	return m, err
}

// Read gives the body to the walker (and to the final drain), checking its lines.
func (s *bodySource) Read(p []byte) (int, error) {
	var m int
	var err error
	if len(s.first) > 0 {
		m = copy(p, s.first)
		s.first = s.first[m:]
	} else {
		m, err = s.read(p)
	}
	if m > 0 {
		s.c.scanLines(p[:m], false)
		s.given += int64(m)
	}
	return m, err
}

type readError struct{ err error }

func (e *readError) Error() string { return "preflight: reading message: " + e.err.Error() }
func (e *readError) Unwrap() error { return e.err }
